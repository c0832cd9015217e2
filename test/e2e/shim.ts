// The e2e's kubectl wrapper (test/e2e/shims) first on PATH while `body` runs: kwok pods run no
// process, so geth console calls into them reach the fake nodes that `routing` names.
import { spawnSync } from "child_process";
import * as path from "path";
import { FakeQuorum } from "../support/fakeQuorum";

export async function withKubectlShim(routing: Record<string, string>, body: () => Promise<void>): Promise<void> {
    const realKubectl = spawnSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).stdout.trim();
    const saved = process.env.PATH;
    Object.assign(process.env, {
        PATH: `${path.join(__dirname, "shims")}${path.delimiter}${saved}`,
        E2E_REAL_KUBECTL: realKubectl,
        ...routing,
    });
    try {
        await body();
    } finally {
        process.env.PATH = saved;
        for (const key of Object.keys(routing)) delete process.env[key];
    }
}

/**
 * Runs `body` with fake GoQuorum JSON-RPC nodes whose Raft cluster is these nodes, one per node pod
 * (and `joining` more for members the body adds), each reached by the geth console calls ('kubectl
 * exec … geth attach') the program's membership steps make into its pod (kwok pods run no process):
 * the e2e's kubectl wrapper (test/e2e/shims) is first on PATH meanwhile. A joiner's own key is set
 * with useNodeKeys once it is known.
 */
export async function withFakeRaftNode(
    nodes: { enode: string }[],
    joining: number,
    body: (raft: FakeQuorum) => Promise<void>,
): Promise<void> {
    const keys = nodes.map((node) => node.enode.slice("enode://".length, "enode://".length + 128));
    const raft = new FakeQuorum(nodes.length + joining);
    await raft.start();
    raft.useRaftMembers(keys);
    raft.useNodeKeys(
        keys,
        keys.map(() => "0x"),
    );
    try {
        await withKubectlShim({ E2E_FAKE_RPC_PORTS: raft.rpcPorts.join(" ") }, () => body(raft));
    } finally {
        raft.close();
    }
}
