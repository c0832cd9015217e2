// The e2e's kubectl wrapper (test/e2e/shims) first on PATH while `body` runs: kwok pods run no
// process, so geth console calls into them reach the fake nodes that `routing` names.
import { spawnSync } from "child_process";
import * as path from "path";
import { FakeQuorum } from "../support/fakeQuorum";

export async function withKubectlShim(routing: Record<string, string>, body: () => Promise<void>): Promise<void> {
    const realKubectl = spawnSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).stdout.trim();
    const saved = process.env.PATH;
    Object.assign(process.env, { PATH: `${path.join(__dirname, "shims")}${path.delimiter}${saved}`, E2E_REAL_KUBECTL: realKubectl, ...routing });
    try {
        await body();
    } finally {
        process.env.PATH = saved;
        for (const key of Object.keys(routing)) delete process.env[key];
    }
}

/**
 * Runs `body` with a fake GoQuorum JSON-RPC node whose Raft cluster is these nodes, reached by every
 * geth console call ('kubectl exec … geth attach') the program's membership steps make (kwok pods
 * run no process): the e2e's kubectl wrapper (test/e2e/shims) is first on PATH meanwhile.
 */
export async function withFakeRaftNode(nodes: { enode: string }[], body: (raft: FakeQuorum) => Promise<void>): Promise<void> {
    const raft = new FakeQuorum(nodes.length);
    await raft.start();
    raft.useRaftMembers(nodes.map((node) => node.enode.slice("enode://".length, "enode://".length + 128)));
    try {
        await withKubectlShim({ E2E_FAKE_RPC_PORT: String(raft.rpcPorts[0]) }, () => body(raft));
    } finally {
        raft.close();
    }
}
