// npm run bench: program evaluation time under Pulumi's mock engine for 5, 20 and 50 nodes, the
// longest dependency chain of each resource graph (it must not grow with the node count), and
// the time to generate 5- and 20-node networks with geth's scrypt cost. Not a test: it prints.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runTool } from "../lib/cli";
import { Kube } from "../lib/kubernetes/kubectl";
import { PROFILE_LIST_COMMAND } from "../lib/minikube/ingressRoute";
import { ensureGeneratedQdata } from "../lib/qdata/generate";
import { deployQuorumNetwork } from "../program";

const PROJECT = "kaleido-quorum";
const BASE = { password: "", chainId: 3543006677, gasLimit: "0x2FEFD800" };

/** What each check of a new network on a large minikube (kvm2 driver) prints, by the script or command it runs. */
const CHECK_ANSWERS: Record<string, string> = {
    "scripts/preflight.sh": "192.168.49.2\n",
    "scripts/node-capacity.sh": "64 256Gi\npolicy-engine: calico-node\n",
    "scripts/image.sh": "absent\n",
    [PROFILE_LIST_COMMAND]: JSON.stringify({ valid: [{ Name: "minikube", Config: { Driver: "kvm2" } }] }),
};

/** A new network: no pod, no StatefulSet yet. */
const NEW_CLUSTER: Kube = {
    pods: async () => [],
    list: async () => [],
    exec: () => Promise.reject(new Error("bench: no pod to exec in")),
    portForward: () => Promise.reject(new Error("bench: no pod to forward to")),
    field: () => Promise.reject(new Error("bench: no object to read")),
    deletePod: () => Promise.reject(new Error("bench: no pod to delete")),
    logs: () => Promise.reject(new Error("bench: no pod to read")),
};

/** A check's canned answer; a check without one is a bench that no longer matches the program. */
export function cannedCheckAnswer(command: string): string {
    const script = Object.keys(CHECK_ANSWERS).find((name) => command.includes(name));
    if (!script) throw new Error(`bench: no canned answer for the check '${command}'; add one to CHECK_ANSWERS`);
    return CHECK_ANSWERS[script];
}

interface RegisterRequest {
    getName(): string;
    getDependenciesList(): string[];
}
interface Monitor {
    registerResource(req: RegisterRequest, callback: unknown): Promise<void>;
}

/** Longest path, in resources, through the graph of declared dependencies. */
function longestChain(dependencies: Map<string, string[]>): number {
    const memo = new Map<string, number>();
    const depth = (urn: string): number => {
        const known = memo.get(urn);
        if (known !== undefined) return known;
        const value = 1 + Math.max(0, ...(dependencies.get(urn) ?? []).map(depth));
        memo.set(urn, value);
        return value;
    };
    return Math.max(...[...dependencies.keys()].map(depth));
}

async function evaluate(nodeCount: number): Promise<{ ms: number; resources: number; chain: number }> {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-bench-"));
    try {
        // Keys are made beforehand (cheaply): this measures the program, not scrypt.
        await ensureGeneratedQdata({ ...BASE, dir: path.join(projectDir, ".keys", "bench"), nodeCount, scryptN: 1024 });
        pulumi.runtime.setAllConfig({ [`${PROJECT}:nodeCount`]: String(nodeCount) }, []);
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
                call: (args) => ({ stdout: cannedCheckAnswer(String(args.inputs.command)), stderr: "" }),
            },
            PROJECT,
            "bench",
            false,
        );
        const dependencies = new Map<string, string[]>();
        const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) => {
            // Resource names are unique in this program; a URN ends in "::<name>".
            dependencies.set(
                req.getName(),
                req.getDependenciesList().map((urn) => urn.slice(urn.lastIndexOf("::") + 2)),
            );
            return register(req, callback);
        };
        const all: pulumi.Resource[] = [];
        const started = process.hrtime.bigint();
        const transformations: pulumi.ResourceTransformation[] = [
            (args) => {
                all.push(args.resource);
                return undefined;
            },
        ];
        await deployQuorumNetwork(projectDir, { transformations }, () => NEW_CLUSTER);
        await Promise.all(all.map((resource) => new Promise((resolve) => resource.urn.apply(resolve))));
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        return { ms, resources: dependencies.size, chain: longestChain(dependencies) };
    } finally {
        fs.rmSync(projectDir, { recursive: true, force: true });
    }
}

async function timeKeyGeneration(nodeCount: number): Promise<number> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-bench-keys-"));
    try {
        const started = Date.now();
        await ensureGeneratedQdata({ ...BASE, dir, nodeCount });
        return Date.now() - started;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The program's evaluation at each size: resources, time and longest dependency chain. */
export async function benchEvaluation(sizes: number[], print: (line: string) => void): Promise<void> {
    print("nodes  resources  evaluation  longest dependency chain");
    for (const nodeCount of sizes) {
        const result = await evaluate(nodeCount);
        print(
            `${String(nodeCount).padStart(5)}  ${String(result.resources).padStart(9)}  ${`${(result.ms / 1000).toFixed(2)} s`.padStart(10)}  ${result.chain}`,
        );
    }
}

async function run(): Promise<number> {
    await benchEvaluation([5, 20, 50], (line) => console.log(line));
    console.log("\nnodes  key generation (scrypt n=262144)");
    for (const nodeCount of [5, 20]) {
        console.log(`${String(nodeCount).padStart(5)}  ${((await timeKeyGeneration(nodeCount)) / 1000).toFixed(2)} s`);
    }
    return 0;
}

if (require.main === module) {
    runTool({
        name: "bench",
        usage: "usage: npm run bench\nprints the program's evaluation time under Pulumi's mock engine for 5, 20 and 50 nodes, and key generation times",
        run,
    });
}
