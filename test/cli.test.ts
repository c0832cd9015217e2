// One meaning of the stack for every npm run tool (--stack, else $STACK, else the selected stack,
// else dev), named in each tool's first line; and npm run up refusing a typo before minikube starts.
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { chooseStack, ownArguments, stackLine, UsageError } from "../lib/cli";
import { FakeHost, REPO_ROOT } from "./support/fakeHost";

const TS = ["--require", "ts-node/register/transpile-only"];

describe("the stack a tool works on", () => {
    const none = () => undefined;

    it("is --stack, else $STACK, else the selected stack, else dev, each named with where it came from", () => {
        const cases: [ReturnType<typeof chooseStack>, string][] = [
            [chooseStack("small", "ibft", () => "kaleido"), "up: stack small"],
            [chooseStack(undefined, "ibft", () => "kaleido"), "up: stack ibft (from $STACK)"],
            [chooseStack(undefined, "", () => "kaleido"), "up: stack kaleido (selected)"],
            [chooseStack(undefined, undefined, none), "up: stack dev (no stack is selected: the default)"],
        ];
        for (const [choice, line] of cases) assert.equal(stackLine("up", choice), line);
    });

    it("asks for the selected stack only when neither --stack nor $STACK names one", () => {
        let asked = 0;
        const selected = () => (asked++, "kaleido");
        chooseStack("small", undefined, selected);
        chooseStack(undefined, "small", selected);
        assert.equal(asked, 0);
    });

    it("refuses a name that is no stack name, as no file of the project could hold it", () => {
        const refusal = (error: Error) =>
            error instanceof UsageError && /--stack "\.\.\/etc" is not a stack name/.test(error.message);
        assert.throws(() => chooseStack("../etc", undefined, none), refusal);
        assert.throws(() => chooseStack(undefined, "a b", none), /STACK "a b" is not a stack name/);
        assert.throws(() => chooseStack("", undefined, none), /--stack "" is not a stack name/);
        assert.equal(
            chooseStack("organization/kaleido-quorum/dev", undefined, none).name,
            "organization/kaleido-quorum/dev",
        );
    });

    it("up and destroy take --stack (pulumi's -s too) and their own flags, and hand the rest to pulumi", () => {
        const own = ownArguments(["--yes", "--stack", "small", "--new", "--skip-preview"], ["new"]);
        assert.deepEqual(own, { stack: "small", flags: new Set(["new"]), rest: ["--yes", "--skip-preview"] });
        assert.deepEqual(ownArguments(["--stack=small", "-s", "ibft"], []), {
            stack: "ibft",
            flags: new Set(),
            rest: [],
        });
        assert.throws(() => ownArguments(["--stack"], []), /--stack needs a value/);
        assert.throws(() => ownArguments(["--stack", "--yes"], []), /--stack needs a value/);
    });
});

/** Each way of choosing, as the tool's first line names it and the stack pulumi is asked about. */
const SOURCES = [
    { how: "--stack", args: ["--stack", "small"], env: { STACK: "" }, stack: "small", line: "stack small" },
    { how: "$STACK", args: [], env: { STACK: "small" }, stack: "small", line: "stack small (from $STACK)" },
    {
        how: "the selected stack",
        args: [],
        env: { STACK: "" },
        selected: "ibft",
        stack: "ibft",
        line: "stack ibft (selected)",
    },
    {
        how: "dev when none is selected",
        args: [],
        env: { STACK: "" },
        selected: "",
        stack: "dev",
        line: "stack dev (no stack is selected: the default)",
    },
];

/** The tools that read a stack's outputs, with the arguments that get them as far as reading it. */
const STACK_READERS: [string, string[]][] = [
    ["status", ["operations/run.ts", "status"]],
    ["verify", ["operations/run.ts", "verify"]],
    ["backup", ["operations/run.ts", "backup", "--out", path.join(os.tmpdir(), "kq-never-written")]],
    ["dashboard", ["scripts/dashboard.ts", "--out", path.join(os.tmpdir(), "kq-never-written.json")]],
    ["connect", ["scripts/connect.ts"]],
    ["rollout", ["operations/run.ts", "rollout"]],
    ["raft-peer", ["operations/run.ts", "raft-membership", "remove", "node-set-1-0", "2"]],
    ["validators", ["operations/run.ts", "validator-votes", "add", "node-set-1-0", `0x${"ab".repeat(20)}`]],
];

describe("every tool's stack", function () {
    this.timeout(240_000);
    let fake: FakeHost;
    beforeEach(() => (fake = new FakeHost()));
    afterEach(() => fake.dispose());

    const run = (script: string[], source: (typeof SOURCES)[number], extraEnv: Record<string, string> = {}) => {
        if (source.selected !== undefined) fs.writeFileSync(path.join(fake.state, "selected-stack"), source.selected);
        const env = fake.env({ ...source.env, ...extraEnv });
        return spawnSync(process.execPath, [...TS, ...script, ...source.args], {
            cwd: REPO_ROOT,
            env,
            encoding: "utf8",
            timeout: 60_000,
        });
    };
    const pulumiCalls = () => fake.calls().filter((call) => call.startsWith("pulumi "));
    const pulumiActs = () => pulumiCalls().filter((call) => !call.includes("--show-name"));

    for (const [tool, script] of STACK_READERS) {
        it(`${tool}: --stack, $STACK, the selected stack, dev; named in its first line`, () => {
            for (const source of SOURCES) {
                fake.clearCalls();
                const result = run(script, source);
                assert.equal(
                    result.stderr.split("\n")[0],
                    `${tool}: ${source.line}`,
                    `${source.how}: ${result.stderr}`,
                );
                assert.ok(
                    pulumiCalls().includes(`pulumi stack output --json --stack ${source.stack}`),
                    `${source.how}: ${pulumiCalls().join("; ")}`,
                );
                assert.equal(
                    pulumiCalls().includes("pulumi stack --show-name"),
                    source.selected !== undefined,
                    source.how,
                );
            }
        });
    }

    it("up: the same four, named in its first line, and the stack it selects and brings up", () => {
        const env = { PULUMI_CONFIG_PASSPHRASE: "test", PULUMI_BACKEND_URL: `file://${fake.state}` };
        for (const source of SOURCES) {
            fake.clearCalls();
            const result = run(["scripts/up.ts", "--yes"], source, env);
            assert.equal(result.status, 0, `${source.how}: ${result.stderr}`);
            assert.equal(result.stdout.split("\n")[0], `up: ${source.line}`, source.how);
            assert.deepEqual(
                pulumiActs(),
                [`pulumi stack select --create ${source.stack}`, "pulumi up --yes"],
                source.how,
            );
        }
    });

    it("destroy: the same four, named in its first line, and the stack it selects and destroys", () => {
        for (const source of SOURCES) {
            fake.clearCalls();
            const result = run(["scripts/destroy.ts", "--yes"], source);
            assert.equal(result.status, 0, `${source.how}: ${result.stderr}`);
            assert.equal(result.stdout.split("\n")[0], `destroy: ${source.line}`, source.how);
            assert.deepEqual(pulumiActs(), [`pulumi stack select ${source.stack}`, "pulumi destroy --yes"], source.how);
        }
    });
});

/** A project folder of its own, holding `stackFiles`: up reads the stack files beside it, and the repo's stay as they are. */
function projectWith(stackFiles: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-up-"));
    fs.mkdirSync(path.join(dir, "scripts"));
    fs.copyFileSync(path.join(REPO_ROOT, "scripts", "up.ts"), path.join(dir, "scripts", "up.ts"));
    for (const file of ["Pulumi.yaml", "tsconfig.json"])
        fs.copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
    for (const link of ["lib", "node_modules"]) fs.symlinkSync(path.join(REPO_ROOT, link), path.join(dir, link));
    for (const [stack, text] of Object.entries(stackFiles))
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    return dir;
}

describe("npm run up refuses a typo before minikube starts", function () {
    this.timeout(60_000);
    let fake: FakeHost;
    let project: string;
    beforeEach(() => {
        fake = new FakeHost();
        project = projectWith({ dev: 'config:\n  kaleido-quorum:nodeCount: "3"\n', small: "config: {}\n" });
    });
    afterEach(() => {
        fake.dispose();
        fs.rmSync(project, { recursive: true, force: true });
    });

    const up = (args: string[], env: Record<string, string>) => {
        const environment = fake.env({
            PULUMI_CONFIG_PASSPHRASE: "test",
            PULUMI_BACKEND_URL: `file://${fake.state}`,
            ...env,
        });
        return spawnSync(process.execPath, [...TS, "scripts/up.ts", ...args], {
            cwd: project,
            env: environment,
            encoding: "utf8",
            timeout: 30_000,
        });
    };

    it("names a key Pulumi.yaml does not declare, a secret's too, with the nearest declared key", () => {
        const typos = [
            'kaleido-quorum:nodeCout: "3"',
            "kaleido-quorum:accountPasword:\n    secure: v1:AAAA",
            'other-project:nodeCout: "3"',
        ];
        fs.writeFileSync(
            path.join(project, "Pulumi.dev.yaml"),
            `config:\n${typos.map((line) => `  ${line}\n`).join("")}`,
        );
        const result = up(["--yes"], { STACK: "dev" });
        assert.equal(result.status, 2, result.stderr);
        assert.equal(
            result.stderr.trim(),
            "up: Pulumi.dev.yaml: invalid stack configuration:\n" +
                "  - nodeCout: no such key (Pulumi.yaml declares the keys of kaleido-quorum); did you mean nodeCount?\n" +
                "  - accountPasword: no such key (Pulumi.yaml declares the keys of kaleido-quorum); did you mean accountPassword?",
        );
        assert.deepEqual(fake.calls(), [], "neither minikube nor pulumi was run");
    });

    it("names a stack without a stack file, the nearest and those there are, before minikube is started", () => {
        const result = up(["--yes"], { STACK: "dve" });
        assert.equal(result.status, 2, result.stderr);
        assert.equal(
            result.stderr.trim(),
            "up: there is no Pulumi.dve.yaml: stack dve would be a new network on every default. Did you mean dev? The stack files here: dev, small. " +
                "A new stack on purpose: npm run up -- --stack dve --new",
        );
        assert.deepEqual(fake.calls(), []);
    });

    it("brings up a stack without a file when --new says it is new, and one whose keys are all declared", () => {
        for (const [args, stack] of [
            [["--stack", "dve", "--new", "--yes"], "dve"],
            [["--yes"], "dev"],
        ] as const) {
            fake.clearCalls();
            const result = up([...args], { STACK: "dev" });
            assert.equal(result.status, 0, result.stderr);
            assert.ok(fake.calls()[0].startsWith("minikube -p minikube status"), fake.calls().join("\n"));
            assert.deepEqual(fake.calls().slice(-2), [`pulumi stack select --create ${stack}`, "pulumi up --yes"]);
        }
    });
});

describe("npm run connect", function () {
    this.timeout(60_000);
    let fake: FakeHost;
    let node: http.Server;
    beforeEach(() => (fake = new FakeHost()));
    afterEach(() => {
        fake.dispose();
        node?.close();
    });

    /** A node answering eth_chainId on a local port, which the fake kubectl says it forwards to. */
    async function forwardedNode(): Promise<number> {
        node = http.createServer((request, response) => {
            const answer = JSON.stringify({ jsonrpc: "2.0", id: 1, result: "0x2a" });
            request.resume().on("end", () => response.setHeader("content-type", "application/json").end(answer));
        });
        await new Promise<void>((resolve) => node.listen(0, "127.0.0.1", resolve));
        const port = (node.address() as AddressInfo).port;
        const forwards = path.join(fake.state, "kube", "forward", "service_node-service");
        fs.mkdirSync(forwards, { recursive: true });
        fs.writeFileSync(path.join(forwards, `${port}:8545`), String(port));
        fs.writeFileSync(path.join(forwards, `${port + 1}:8546`), String(port + 1));
        return port;
    }

    it("names the stack it connects to by its name, the selected one too", async () => {
        const port = await forwardedNode();
        const node1 = { name: "node-1", enode: "", ip: "" };
        const outputs = {
            outputsVersion: 2,
            namespace: "quorum",
            kubeContext: "minikube",
            runtime: "goquorum",
            consensus: { kind: "raft" },
            nodes: [node1],
            racecourseUrl: "",
        };
        fs.writeFileSync(path.join(fake.state, "stack-outputs.json"), JSON.stringify(outputs));
        const args = ["scripts/connect.ts", "--rpc-port", String(port), "--ws-port", String(port + 1)];
        const child = spawn(process.execPath, [...TS, ...args], { cwd: REPO_ROOT, env: fake.env({ STACK: "" }) });
        let [stdout, stderr] = ["", ""];
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        await new Promise<void>((resolve, reject) => {
            child.stdout.on("data", (chunk: Buffer) => {
                stdout += chunk.toString();
                if (stdout.includes("chain id")) resolve();
            });
            child.on("exit", () => reject(new Error(`connect ended: ${stderr}`)));
        });
        child.kill("SIGTERM");
        assert.equal(stderr.split("\n")[0], "connect: stack dev (selected)");
        assert.equal(stdout.split("\n")[0], "connect: stack dev, namespace quorum, context minikube; Ctrl-C to stop");
        assert.match(stdout, /chain id {4}42\n/);
    });
});
