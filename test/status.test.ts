// npm run status: the network read through kubectl exec (one geth console call per node, fake
// nodes behind the fake kubectl), each node judged, the table and the script's output.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Consensus } from "../lib/model/consensus";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { readNetwork } from "../operations/status/observe";
import { judgeChain, NodeView } from "../operations/status/chain";
import { judgeNetwork, NetworkStatus, NodeStatus } from "../operations/status/plan";
import { nodeAddress } from "../lib/network/nodeAddress";
import { renderTable } from "../operations/status/table";
import { FakeHost } from "./support/fakeHost";
import { fakeNodeAddress, fakePublicKey, FakeQuorum, FakeQuorumFaults } from "./support/fakeQuorum";

const QBFT: Consensus = { kind: "qbft", validators: 4, blockPeriod: 1, roundChangeTimerMs: 11_000 } as Consensus;
const RAFT: Consensus = { kind: "raft" } as Consensus;
const NOW = 1_800_000_000;
const TS = "npx ts-node --transpile-only";

describe("npm run status against fake nodes", function () {
    this.timeout(60_000);
    let fake: FakeHost;
    let quorum: FakeQuorum | undefined;
    const kube = () => path.join(fake.state, "kube");

    /** Node pods node-set-1..N (restarts and readiness as given), each reaching its own fake node. */
    async function network(nodeCount: number, faults: FakeQuorumFaults, validators: number, pods: { ready?: boolean; restarts?: number }[] = []): Promise<void> {
        quorum = new FakeQuorum(nodeCount, { chainStart: NOW - 10 - 10, stillChain: true, ...faults }, validators);
        await quorum.start();
        const items = Array.from({ length: nodeCount }, (_, i) => ({
            metadata: { name: `node-set-${i + 1}-0` },
            status: { conditions: [{ type: "Ready", status: pods[i]?.ready === false ? "False" : "True" }], containerStatuses: [{ restartCount: pods[i]?.restarts ?? 0 }, { restartCount: 0 }] },
        }));
        fs.mkdirSync(kube(), { recursive: true });
        fs.writeFileSync(path.join(kube(), "pods.json"), JSON.stringify({ items }));
        for (let i = 1; i <= nodeCount; i++) {
            fs.mkdirSync(path.join(kube(), "forward", `pod_node-set-${i}-0`), { recursive: true });
            fs.writeFileSync(path.join(kube(), "forward", `pod_node-set-${i}-0`, "8545"), String(quorum.rpcPorts[i - 1]));
        }
    }
    const status = (consensus: Consensus, nodeCount: number) =>
        fake.withFakesOnPath(async () => judgeNetwork(await readNetwork(new Kubectl("minikube", "quorum"), consensus, nodeCount, 4), { namespace: "quorum", consensus, nodeCount }, NOW * 1000));
    const byNode = (result: NetworkStatus) => Object.fromEntries(result.nodes.map((node) => [node.node, node]));

    beforeEach(() => (fake = new FakeHost()));
    afterEach(() => {
        quorum?.close();
        quorum = undefined;
        fake.dispose();
    });

    it("QBFT 4+1: heights, peers, validators by the node's own signing address, pool, block age, restarts, all ok", async () => {
        await network(5, { pending: 2, blockSeconds: 1 }, 4, [{}, { restarts: 3 }]);
        const result = await status(QBFT, 5);
        assert.equal(result.healthy, true, JSON.stringify(result.nodes));
        const nodes = byNode(result);
        assert.deepEqual(result.nodes.map((node) => node.role), ["validator", "validator", "validator", "validator", "member"]);
        assert.deepEqual([nodes["node-1"].peers, nodes["node-1"].pending, nodes["node-2"].restarts, nodes["node-5"].behind], [4, 2, 3, 0]);
        assert.ok(result.nodes.every((node) => node.height === 10 && node.verdict === "ok"));
        assert.equal(nodes["node-1"].lastBlockAge, 10);
    });

    it("reads each node in one exec: a JSON-RPC batch over its IPC socket, never its HTTP RPC", async () => {
        await network(3, {}, 3);
        await status(QBFT, 3);
        const execs = fake.calls().filter((call) => call.includes(" exec "));
        assert.equal(execs.length, 3);
        assert.ok(execs.every((call) => call.includes("geth attach --exec JSON.stringify(web3.currentProvider.send([")));
        assert.equal(fake.calls().filter((call) => call.includes("get pods")).length, 1);
        assert.ok(!fake.calls().some((call) => call.includes("port-forward")));
    });

    it("names what is wrong with a node: behind, too few peers, not Ready, no pod", async () => {
        await network(4, { behind: { node: 2, blocks: 5 } }, 4, [{}, {}, { ready: false }]);
        fs.writeFileSync(path.join(kube(), "pods.json"), JSON.stringify({ items: JSON.parse(fs.readFileSync(path.join(kube(), "pods.json"), "utf8")).items.slice(0, 3) }));
        const nodes = byNode(await status(QBFT, 4));
        assert.equal(nodes["node-2"].verdict, "5 blocks behind");
        assert.equal(nodes["node-3"].verdict, "pod not Ready");
        assert.equal(nodes["node-4"].verdict, "unreachable: no pod");
        assert.equal(nodes["node-1"].verdict, "ok");
    });

    it("a node answering what cannot be parsed is that row's verdict, the others still read", async () => {
        await network(3, { behind: { node: 2, blocks: 20 } }, 3);
        const nodes = byNode(await status({ ...QBFT, validators: 3 } as Consensus, 3));
        assert.match(nodes["node-2"].verdict, /^unreachable: /);
        assert.deepEqual([nodes["node-1"].verdict, nodes["node-3"].verdict], ["ok", "ok"]);
    });

    it("BFT: a chain that stopped sealing is called out; too few peers too", async () => {
        await network(3, { chainStart: NOW - 600, peers: 1 }, 3);
        const [node] = (await status({ ...QBFT, validators: 3 } as Consensus, 3)).nodes;
        assert.equal(node.verdict, "1 of 2 peers");
        quorum?.close();
        await network(3, { chainStart: NOW - 600 }, 0);
        assert.match((await status({ ...QBFT, validators: 3 } as Consensus, 3)).nodes[0].verdict, /^no block for \d+m$/);
    });

    it("Raft: the role each node reports; a node without the raft API (upstream geth) shows none and is still judged", async () => {
        await network(3, { leaders: 1 }, 0);
        assert.deepEqual((await status(RAFT, 3)).nodes.map((node) => node.role), ["minter", "verifier", "verifier"]);
        quorum?.close();
        await network(3, { missingMethods: ["raft_role", "txpool_status"] }, 0);
        const nodes = (await status(RAFT, 3)).nodes;
        assert.deepEqual(nodes.map((node) => [node.role, node.pending, node.verdict]), [[undefined, undefined, "ok"], [undefined, undefined, "ok"], [undefined, undefined, "ok"]]);
    });

    it("a BFT node's signing address is the keccak of its enode's public key, as GoQuorum derives it", () => {
        assert.equal(nodeAddress(`enode://${fakePublicKey(3)}@10.0.0.1:30303`), fakeNodeAddress(3));
        assert.equal(nodeAddress("enode://nothex@10.0.0.1:30303"), undefined);
    });

    describe("the script", () => {
        const outputs = { namespace: "quorum", kubeContext: "minikube", runtime: "goquorum", consensus: QBFT, nodes: [1, 2, 3].map((i) => ({ name: `node-${i}`, enode: "", ip: "" })), racecourseUrl: "", ingressAddress: "" };

        it("--json prints the status for scripts, exit 0 when every node is ok", async () => {
            await network(3, { chainStart: Math.floor(Date.now() / 1000) - 20 }, 3);
            fs.writeFileSync(path.join(fake.state, "stack-outputs.json"), JSON.stringify(outputs));
            const result = await fake.shAsync(`${TS} operations/run.ts status --json`);
            assert.equal(result.status, 0, result.stderr + result.stdout);
            const printed = JSON.parse(result.stdout) as NetworkStatus;
            assert.deepEqual(printed.nodes.map((node) => node.node), ["node-1", "node-2", "node-3"]);
        });

        it("piped, prints the table once even with --watch, and exits 1 when a node needs a look", async () => {
            await network(3, { behind: { node: 3, blocks: 9 } }, 3);
            fs.writeFileSync(path.join(fake.state, "stack-outputs.json"), JSON.stringify(outputs));
            const result = await fake.shAsync(`${TS} operations/run.ts status --watch --interval 1`);
            assert.equal(result.status, 1, result.stderr);
            const lines = result.stdout.trim().split("\n");
            assert.match(lines[0], /^3 QBFT nodes in namespace quorum \(context minikube\) at \d\d:\d\d:\d\d UTC: \d of 3 need a look$/);
            assert.match(lines[2], /^NODE\s+HEIGHT\s+BEHIND\s+PEERS\s+ROLE\s+PENDING\s+LAST BLOCK\s+RESTARTS\s+VERDICT$/);
            assert.match(lines[5], /^node-3 .* 9 blocks behind$/);
        });

        it("says in one line when there is no stack, or no cluster to read", async () => {
            const noStack = await fake.shAsync(`${TS} operations/run.ts status`);
            assert.equal(noStack.status, 2);
            assert.match(noStack.stderr, /status: could not read the outputs of the selected stack \(pulumi: error: no stack named 'dev' found\); run 'npm run up' first, or pass --stack <name>/);
            const named = await fake.shAsync(`${TS} operations/run.ts status --stack prod`);
            assert.equal(named.status, 2);
            assert.match(named.stderr, /^status: could not read the outputs of stack prod \(pulumi: .*\); bring it up first \(STACK=prod npm run up\), or name another$/m);
            fs.writeFileSync(path.join(fake.state, "stack-outputs.json"), JSON.stringify(outputs));
            fs.mkdirSync(kube(), { recursive: true });
            fs.writeFileSync(path.join(kube(), "unreachable"), "");
            const noCluster = await fake.shAsync(`${TS} operations/run.ts status`);
            assert.equal(noCluster.status, 2);
            assert.match(noCluster.stderr, /^status: cannot read the network in namespace quorum of kube context minikube: kubectl get failed: Unable to connect to the server/m);
            assert.ok(!noCluster.stderr.includes("    at "), "no stack trace");
        });
    });
});

describe("the status table", () => {
    const row = (i: number, verdict = "ok"): NodeStatus => ({ node: `node-${i}`, pod: `node-set-${i}-0`, ready: true, restarts: 0, height: 1234, behind: 0, peers: 4, role: "validator", pending: 0, lastBlockAge: 1, verdict, healthy: verdict === "ok" });

    it("shows every column on a wide terminal", () => {
        const [header, first] = renderTable([row(1), row(2)], 120);
        assert.match(header, /^NODE\s+HEIGHT\s+BEHIND\s+PEERS\s+ROLE\s+PENDING\s+LAST BLOCK\s+RESTARTS\s+VERDICT$/);
        assert.match(first, /^node-1\s+1234\s+0\s+4\s+validator\s+0\s+1s\s+0\s+ok$/);
    });

    it("on a narrow one drops the least needed columns first and never passes its width", () => {
        for (const width of [80, 60, 40, 30]) {
            const lines = renderTable([row(1), row(12, "unreachable: kubectl exec failed: container not found")], width);
            assert.ok(lines.every((line) => line.length <= width), `${width}: ${lines.join("\n")}`);
            assert.match(lines[0], /^NODE\s+HEIGHT/);
            assert.match(lines[0], /VERDICT$/);
        }
        assert.ok(!renderTable([row(1)], 60)[0].includes("PENDING"));
        assert.ok(renderTable([row(1)], 60)[0].includes("BEHIND"));
    });
});

describe("a stalled chain, named and explained", () => {
    const QBFT4: Consensus = { kind: "qbft", validators: 4, blockPeriod: 1, roundChangeTimerMs: 11_000 };
    const node = (n: number, view: Partial<NodeView> = {}): NodeView => ({ node: `node-${n}`, ready: true, height: 50, peers: 4, behind: 0, lastBlockAge: 1, ...view });

    it("a BFT chain with blocks is sealing, whatever one node says", () => {
        const verdict = judgeChain([node(1, { ready: false, height: undefined, lastBlockAge: undefined }), node(2), node(3), node(4), node(5)], QBFT4, "quorum");
        assert.deepEqual(verdict, { state: "sealing", why: [], quorum: { needed: 3, of: 4, up: 3 } });
    });

    it("two of four validators down: stalled, naming them, the quorum it needs and how to bring it back", () => {
        const stale = { lastBlockAge: 120 };
        const verdict = judgeChain([node(1, { ready: false, height: undefined, lastBlockAge: undefined }), node(2, { ...stale, peers: 0 }), node(3, stale), node(4, stale), node(5, stale)], QBFT4, "quorum");
        assert.equal(verdict.state, "stalled");
        assert.deepEqual(verdict.why, ["no block for 120 s (more than 33 s, several rounds)", "2 of 4 validators up and peered; sealing needs 3", "node-1: pod not Ready", "node-2: no peers"]);
        assert.match(verdict.recovery ?? "", /^too few validators: bring back node-1, node-2 \(kubectl -n quorum get pods;/);
    });

    it("enough validators up but no block: points at a key the chain does not count", () => {
        const verdict = judgeChain([1, 2, 3, 4, 5].map((n) => node(n, { lastBlockAge: 300 })), QBFT4, "quorum");
        assert.equal(verdict.state, "stalled");
        assert.match(verdict.recovery ?? "", /^enough validators are up, yet no block comes/);
    });

    it("Raft: stalled with no leader, a quiet chain with one is not", () => {
        const RAFT5: Consensus = { kind: "raft" };
        const quiet = [1, 2, 3].map((n) => node(n, { lastBlockAge: 9000, role: n === 2 ? "minter" : "verifier" }));
        assert.equal(judgeChain(quiet, RAFT5, "quorum").state, "sealing");
        const leaderless = [node(1, { role: "verifier" }), node(2, { ready: false, height: undefined }), node(3, { ready: false, height: undefined })];
        const verdict = judgeChain(leaderless, RAFT5, "quorum");
        assert.equal(verdict.state, "stalled");
        assert.deepEqual(verdict.quorum, { needed: 2, of: 3, up: 1 });
        assert.match(verdict.recovery ?? "", /^too few members for a majority: bring back node-2, node-3/);
    });
});
