// Runs the real stack program in-process under Pulumi's mock engine. Command invokes (preflight,
// image ids) really execute, against the FakeHost, as the Command provider would run them.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { NetworkOutputs } from "../../components/network/outputs";
import { deployQuorumNetwork } from "../../program";
import { FakeHost, REPO_ROOT } from "./fakeHost";
import { makeProjectDir, pregenerateKeys } from "./workspace";

export const PROJECT = "kaleido-quorum";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** Names of the resources in its dependsOn option. */
    dependsOn: string[];
    parent?: string;
}

export interface ProgramRun {
    resources: RecordedResource[];
    outputs: Resolved<NetworkOutputs>;
}

type Resolved<T> = { [K in keyof T]: T[K] extends pulumi.Output<infer U> ? U : T[K] };

const asConfigValue = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * Stack config as the Pulumi CLI hands it to a program: every default Pulumi.yaml declares, then
 * the stack file's values; every value a string, objects as JSON.
 */
export function stackConfig(stack: string): Record<string, string> {
    const project = yaml.load(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
        config: Record<string, { default: unknown }>;
    };
    const defaults = Object.entries(project.config).map(([key, declaration]) => [
        `${PROJECT}:${key}`,
        asConfigValue(declaration.default),
    ]);
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    const parsed = fs.existsSync(file)
        ? (yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> })
        : {};
    return Object.fromEntries([
        ...defaults,
        ...Object.entries(parsed.config ?? {}).map(([key, value]) => [key, asConfigValue(value)]),
    ]);
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

export interface StackFixture {
    run: ProgramRun;
    fake: FakeHost;
    projectDir: string;
}

/** A fake host (kube contexts minikube and my-cluster, namespaces default and quorum) and a project folder with the scripts. */
export interface Workspace {
    fake: FakeHost;
    projectDir: string;
    dispose(): void;
}

export function makeWorkspace(): Workspace {
    const fake = new FakeHost();
    fake.setContexts(["minikube", "my-cluster"]);
    fake.setNamespaces(["default", "quorum"]);
    const projectDir = makeProjectDir();
    fs.cpSync(path.join(REPO_ROOT, "scripts"), path.join(projectDir, "scripts"), { recursive: true });
    return {
        fake,
        projectDir,
        dispose: () => {
            fake.dispose();
            fs.rmSync(projectDir, { recursive: true, force: true });
        },
    };
}

/**
 * Registers mocha hooks that make a fresh workspace before the suite's tests, with keys pre-made
 * for each stack in `keys` (stack name to node count), and remove it after; filled in by then.
 */
export function workspaceFixture(keys: Record<string, number> = {}): Workspace {
    const fixture = {} as Workspace;
    before(async () => {
        Object.assign(fixture, makeWorkspace());
        for (const [stack, nodeCount] of Object.entries(keys))
            await pregenerateKeys(fixture.projectDir, stack, nodeCount);
    });
    after(() => fixture.dispose());
    return fixture;
}

/** Runs `body` in a fresh workspace, removed afterwards whatever happens. */
export async function withWorkspace<T>(body: (workspace: Workspace) => Promise<T>): Promise<T> {
    const workspace = makeWorkspace();
    try {
        return await body(workspace);
    } finally {
        workspace.dispose();
    }
}

/**
 * Registers mocha hooks that run the program once for `stack` in a fresh workspace before the
 * suite's tests (keys pre-made for `nodeCount` nodes) and clean up after; the returned object is
 * filled in by then.
 */
export function stackFixture(stack: string, nodeCount: number, config?: Record<string, string>): StackFixture {
    const fixture = {} as StackFixture;
    let workspace: Workspace;
    before(async () => {
        workspace = makeWorkspace();
        fixture.fake = workspace.fake;
        fixture.projectDir = workspace.projectDir;
        await pregenerateKeys(fixture.projectDir, stack, nodeCount);
        fixture.run = await runProgram({ stack, fake: fixture.fake, projectDir: fixture.projectDir, config });
    });
    after(() => workspace.dispose());
    return fixture;
}

export interface RunOptions {
    stack: string;
    /** Extra or overriding config, keys without the project prefix. */
    config?: Record<string, string>;
    secrets?: Record<string, string>;
    fake: FakeHost;
    projectDir: string;
    /** Raft membership steps' stdout (the Raft id raft_addPeer gave), by resource name. */
    raftIds?: Record<string, number>;
}

export async function runProgram(options: RunOptions): Promise<ProgramRun> {
    const recorded = new Map<string, { type: string; name: string; inputs: Record<string, any> }>();
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            recorded.set(args.name, { type: args.type, name: args.name, inputs: args.inputs });
            const raftId = options.raftIds?.[args.name];
            return {
                id: `${args.name}-id`,
                state: raftId === undefined ? args.inputs : { ...args.inputs, stdout: String(raftId) },
            };
        },
        async call(args) {
            if (args.token !== "command:local:run") return {};
            const inputs = args.inputs as { command: string; environment?: Record<string, string> };
            // Not blocking this process: a check may reach fake nodes it serves.
            const result = await options.fake.shAsync(inputs.command, inputs.environment ?? {});
            if (result.status !== 0) {
                // The engine reports a failed invoke through the gRPC error's details.
                const message = `exit ${result.status}: ${result.stderr}`;
                throw Object.assign(new Error(message), { details: message });
            }
            return { command: inputs.command, stdout: result.stdout, stderr: result.stderr };
        },
    };
    const config: Record<string, string> = { ...stackConfig(options.stack) };
    for (const [key, value] of Object.entries({ ...options.config, ...options.secrets }))
        config[`${PROJECT}:${key}`] = value;
    pulumi.runtime.setAllConfig(
        config,
        Object.keys(options.secrets ?? {}).map((key) => `${PROJECT}:${key}`),
    );
    await pulumi.runtime.setMocks(mocks, PROJECT, options.stack, false);

    const names = new Map<pulumi.Resource, string>();
    const options_ = new Map<string, { dependsOn: pulumi.Resource[]; parent?: pulumi.Resource }>();
    const all: pulumi.Resource[] = [];
    const record: pulumi.ResourceTransformation = (args) => {
        names.set(args.resource, args.name);
        all.push(args.resource);
        const deps = args.opts.dependsOn;
        options_.set(args.name, {
            dependsOn: (Array.isArray(deps) ? deps : deps ? [deps] : []) as pulumi.Resource[],
            parent: args.opts.parent,
        });
        return undefined;
    };
    // The program reads the running network with kubectl at preview: the fake host's.
    const outputs = await options.fake.withFakesOnPath(() =>
        deployQuorumNetwork(options.projectDir, { transformations: [record] }),
    );
    await Promise.all(all.map((resource) => promiseOf(resource.urn)));
    const [namespace, racecourseUrl, ingressAddress] = await Promise.all([
        promiseOf(outputs.namespace),
        promiseOf(outputs.racecourseUrl),
        promiseOf(outputs.ingressAddress),
    ]);

    const resources = [...recorded.values()].map((resource): RecordedResource => {
        const opts = options_.get(resource.name);
        return {
            ...resource,
            dependsOn: (opts?.dependsOn ?? []).map((dep) => names.get(dep) ?? "?"),
            parent: opts?.parent && names.get(opts.parent),
        };
    });
    return { resources, outputs: { ...outputs, namespace, racecourseUrl, ingressAddress } };
}
