// npm run status: the network read through kubectl exec (one geth console call per node, fake
// nodes behind the fake kubectl), each node judged, the table and the script's output.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { BftConsensus, Consensus } from "../lib/model/consensus";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { ObservedNetwork, ObservedNode } from "../lib/model/observed";
import { readStatus } from "../operations/status/observe";
import { judgeChain, roundAt } from "../operations/status/chain";
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
    async function network(
        nodeCount: number,
        faults: FakeQuorumFaults,
        validators: number,
        pods: { ready?: boolean; restarts?: number }[] = [],
    ): Promise<void> {
        quorum = new FakeQuorum(nodeCount, { chainStart: NOW - 10 - 10, stillChain: true, ...faults }, validators);
        await quorum.start();
        const items = Array.from({ length: nodeCount }, (_, i) => ({
            metadata: { name: `node-set-${i + 1}-0` },
            status: {
                conditions: [{ type: "Ready", status: pods[i]?.ready === false ? "False" : "True" }],
                containerStatuses: [{ restartCount: pods[i]?.restarts ?? 0 }, { restartCount: 0 }],
            },
        }));
        fs.mkdirSync(kube(), { recursive: true });
        fs.writeFileSync(path.join(kube(), "pods.json"), JSON.stringify({ items }));
        for (let i = 1; i <= nodeCount; i++) {
            fs.mkdirSync(path.join(kube(), "forward", `pod_node-set-${i}-0`), { recursive: true });
            fs.writeFileSync(
                path.join(kube(), "forward", `pod_node-set-${i}-0`, "8545"),
                String(quorum.rpcPorts[i - 1]),
            );
        }
    }
    const status = (consensus: Consensus, nodeCount: number) =>
        fake.withFakesOnPath(async () =>
            judgeNetwork(
                await readStatus(new Kubectl("minikube", "quorum"), consensus, nodeCount, 4),
                { namespace: "quorum", consensus, nodeCount },
                NOW * 1000,
            ),
        );
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
        assert.deepEqual(
            result.nodes.map((node) => node.role),
            ["validator", "validator", "validator", "validator", "member"],
        );
        assert.deepEqual(
            [nodes["node-1"].peers, nodes["node-1"].pending, nodes["node-2"].restarts, nodes["node-5"].behind],
            [4, 2, 3, 0],
        );
        assert.ok(result.nodes.every((node) => node.height === 10 && node.verdict === "ok"));
        assert.equal(nodes["node-1"].lastBlockAge, 10);
    });

    it("QBFT: the stack asks for 4 validators, the chain counts 3: roles and the quorum are the chain's", async () => {
        await network(4, {}, 3);
        const result = await status(QBFT, 4);
        assert.deepEqual(
            result.nodes.map((node) => node.role),
            ["validator", "validator", "validator", "member"],
        );
        assert.deepEqual([result.chain.state, result.chain.quorum?.of], ["sealing", 3]);
    });

    it("reads each node in one exec: a JSON-RPC batch over its IPC socket, never its HTTP RPC", async () => {
        await network(3, {}, 3);
        await status(QBFT, 3);
        const execs = fake.calls().filter((call) => call.includes(" exec "));
        assert.equal(execs.length, 3);
        assert.ok(
            execs.every((call) => call.includes("geth attach --exec JSON.stringify(web3.currentProvider.send([")),
        );
        assert.equal(fake.calls().filter((call) => call.includes("get pods")).length, 1);
        assert.ok(!fake.calls().some((call) => call.includes("port-forward")));
    });

    it("names what is wrong with a node: behind, too few peers, not Ready, no pod", async () => {
        await network(4, { behind: { node: 2, blocks: 5 } }, 4, [{}, {}, { ready: false }]);
        fs.writeFileSync(
            path.join(kube(), "pods.json"),
            JSON.stringify({
                items: JSON.parse(fs.readFileSync(path.join(kube(), "pods.json"), "utf8")).items.slice(0, 3),
            }),
        );
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
        assert.match(
            (await status({ ...QBFT, validators: 3 } as Consensus, 3)).nodes[0].verdict,
            /^no block for \d+m$/,
        );
    });

    it("Raft: the role each node reports; a node without the raft API (upstream geth) shows none and is still judged", async () => {
        await network(3, { leaders: 1 }, 0);
        assert.deepEqual(
            (await status(RAFT, 3)).nodes.map((node) => node.role),
            ["minter", "verifier", "verifier"],
        );
        quorum?.close();
        await network(3, { missingMethods: ["raft_role", "txpool_status"] }, 0);
        const nodes = (await status(RAFT, 3)).nodes;
        assert.deepEqual(
            nodes.map((node) => [node.role, node.pending, node.verdict]),
            [
                [undefined, undefined, "ok"],
                [undefined, undefined, "ok"],
                [undefined, undefined, "ok"],
            ],
        );
    });

    it("a BFT node's signing address is the keccak of its enode's public key, as GoQuorum derives it", () => {
        assert.equal(nodeAddress(`enode://${fakePublicKey(3)}@10.0.0.1:30303`), fakeNodeAddress(3));
        assert.equal(nodeAddress("enode://nothex@10.0.0.1:30303"), undefined);
    });

    describe("the script", () => {
        const outputs = {
            outputsVersion: 2,
            namespace: "quorum",
            kubeContext: "minikube",
            runtime: "goquorum",
            consensus: QBFT,
            nodes: [1, 2, 3].map((i) => ({ name: `node-${i}`, enode: "", ip: "" })),
            racecourseUrl: "",
            ingressAddress: "",
        };

        it("--json prints the status for scripts, exit 0 when every node is ok", async () => {
            await network(3, { chainStart: Math.floor(Date.now() / 1000) - 20 }, 3);
            fs.writeFileSync(path.join(fake.state, "stack-outputs.json"), JSON.stringify(outputs));
            const result = await fake.shAsync(`${TS} operations/run.ts status --json`);
            assert.equal(result.status, 0, result.stderr + result.stdout);
            const printed = JSON.parse(result.stdout) as NetworkStatus;
            assert.deepEqual(
                printed.nodes.map((node) => node.node),
                ["node-1", "node-2", "node-3"],
            );
        });

        it("piped, prints the table once even with --watch, and exits 1 when a node needs a look", async () => {
            await network(3, { behind: { node: 3, blocks: 9 } }, 3);
            fs.writeFileSync(path.join(fake.state, "stack-outputs.json"), JSON.stringify(outputs));
            const result = await fake.shAsync(`${TS} operations/run.ts status --watch --interval 1`);
            assert.equal(result.status, 1, result.stderr);
            const lines = result.stdout.trim().split("\n");
            assert.match(
                lines[0],
                /^3 QBFT nodes in namespace quorum \(context minikube\) at \d\d:\d\d:\d\d UTC: \d of 3 need a look$/,
            );
            assert.match(
                lines[2],
                /^NODE\s+HEIGHT\s+BEHIND\s+PEERS\s+ROLE\s+PENDING\s+LAST BLOCK\s+RESTARTS\s+VERDICT$/,
            );
            assert.match(lines[5], /^node-3 .* 9 blocks behind$/);
        });

        it("a Raft network no node answers for: cannot read the chain, exit 1, never sealing", async () => {
            await network(3, {}, 0);
            fs.writeFileSync(path.join(kube(), "pods.json"), JSON.stringify({ items: [] }));
            fs.writeFileSync(
                path.join(fake.state, "stack-outputs.json"),
                JSON.stringify({ ...outputs, consensus: RAFT }),
            );
            const result = await fake.shAsync(`${TS} operations/run.ts status`);
            assert.equal(result.status, 1, result.stderr + result.stdout);
            assert.match(
                result.stdout,
                /\nCHAIN UNREADABLE\n {2}cannot read the chain: no node answers\n {2}node-1: pod not Ready\n/,
            );
            const json = JSON.parse(
                (await fake.shAsync(`${TS} operations/run.ts status --json`)).stdout,
            ) as NetworkStatus;
            assert.deepEqual([json.chain.state, json.healthy], ["unreadable", false]);
        });

        it("says in one line when there is no stack, or no cluster to read", async () => {
            const noStack = await fake.shAsync(`${TS} operations/run.ts status`);
            assert.equal(noStack.status, 2);
            assert.match(
                noStack.stderr,
                /status: could not read the outputs of the selected stack \(pulumi: error: no stack named 'dev' found\); run 'npm run up' first, or pass --stack <name>/,
            );
            const named = await fake.shAsync(`${TS} operations/run.ts status --stack prod`);
            assert.equal(named.status, 2);
            assert.match(
                named.stderr,
                /^status: could not read the outputs of stack prod \(pulumi: .*\); bring it up first \(STACK=prod npm run up\), or name another$/m,
            );
            fs.writeFileSync(path.join(fake.state, "stack-outputs.json"), JSON.stringify(outputs));
            fs.mkdirSync(kube(), { recursive: true });
            fs.writeFileSync(path.join(kube(), "unreachable"), "");
            const noCluster = await fake.shAsync(`${TS} operations/run.ts status`);
            assert.equal(noCluster.status, 2);
            assert.match(
                noCluster.stderr,
                /^status: cannot read the network in namespace quorum of kube context minikube: kubectl get failed: Unable to connect to the server/m,
            );
            assert.ok(!noCluster.stderr.includes("    at "), "no stack trace");
        });
    });
});

describe("the status table", () => {
    const row = (i: number, verdict = "ok"): NodeStatus => ({
        node: `node-${i}`,
        pod: `node-set-${i}-0`,
        ready: true,
        restarts: 0,
        height: 1234,
        behind: 0,
        peers: 4,
        role: "validator",
        pending: 0,
        lastBlockAge: 1,
        verdict,
        healthy: verdict === "ok",
    });

    it("shows every column on a wide terminal", () => {
        const [header, first] = renderTable([row(1), row(2)], 120);
        assert.match(header, /^NODE\s+HEIGHT\s+BEHIND\s+PEERS\s+ROLE\s+PENDING\s+LAST BLOCK\s+RESTARTS\s+VERDICT$/);
        assert.match(first, /^node-1\s+1234\s+0\s+4\s+validator\s+0\s+1s\s+0\s+ok$/);
    });

    it("on a narrow one drops the least needed columns first and never passes its width", () => {
        for (const width of [80, 60, 40, 30]) {
            const lines = renderTable(
                [row(1), row(12, "unreachable: kubectl exec failed: container not found")],
                width,
            );
            assert.ok(
                lines.every((line) => line.length <= width),
                `${width}: ${lines.join("\n")}`,
            );
            assert.match(lines[0], /^NODE\s+HEIGHT/);
            assert.match(lines[0], /VERDICT$/);
        }
        assert.ok(!renderTable([row(1)], 60)[0].includes("PENDING"));
        assert.ok(renderTable([row(1)], 60)[0].includes("BEHIND"));
    });
});

describe("a stalled chain, named and explained by the chain's own set", () => {
    const QBFT4: BftConsensus = {
        kind: "qbft",
        validators: 4,
        blockPeriod: 1,
        roundChangeTimerMs: 11_000,
        ceil2Nby3Block: 0,
    };
    const IBFT4: BftConsensus = { ...QBFT4, kind: "ibft" };
    /** Node N, answering at block 50 made `age` s ago with 4 peers, signing as "vN". */
    const node = (n: number, view: Partial<ObservedNode> = {}, age = 1): ObservedNode => ({
        index: n,
        name: `node-${n}`,
        podReady: true,
        head: { number: 50, timestamp: NOW - age },
        peers: 4,
        identity: `v${n}`,
        ...view,
    });
    const gone = (n: number): ObservedNode => ({ index: n, name: `node-${n}`, podReady: false, error: "no pod" });
    const bft = (
        nodes: ObservedNode[],
        set = ["v1", "v2", "v3", "v4"],
        rule: BftConsensus = QBFT4,
    ): ObservedNetwork => ({ rule, nodes, chainSet: set });
    const judge = (network: ObservedNetwork, consensus: Consensus = QBFT4) =>
        judgeChain(network, consensus, "quorum", NOW);

    it("a BFT chain with blocks is sealing, whatever one node says", () => {
        const verdict = judge(bft([gone(1), node(2), node(3), node(4), node(5)]));
        assert.deepEqual(verdict, { state: "sealing", why: [], quorum: { needed: 3, of: 4, up: 3 } });
    });

    it("two of four validators down: stalled, naming them, the quorum it needs and when the round timer lets it go on", () => {
        const verdict = judge(bft([gone(1), node(2, { peers: 0 }, 120), node(3, {}, 120), node(4, {}, 120), gone(5)]));
        assert.equal(verdict.state, "stalled");
        assert.deepEqual(verdict.why, [
            "no block for 120 s (more than 33 s, several rounds)",
            "2 of the chain's 4 validators in step; sealing needs 3",
            "node-1: pod not Ready",
            "node-2: no peers (pod Ready)",
            "node-5: pod not Ready",
        ]);
        assert.deepEqual(verdict.quorum, { needed: 3, of: 4, up: 2 });
        const recovery = verdict.recovery ?? "";
        assert.match(
            recovery,
            /^too few validators: bring back node-1, node-5 \(kubectl -n quorum get pods;.*\); node-2 is Ready but not in step \(no peers\): Ready is only a TCP check on the RPC port\. /,
        );
        assert.match(
            recovery,
            /once 3 are in step, at the end of the round then running: QBFT doubles its round timer every round \(11 s × 2\^round, /,
        );
        assert.match(
            recovery,
            /, so 120 s without a block is round 3, which ends about 165 s after the last block, 45 s from now\.$/,
        );
    });

    it("a validator whose pod is Ready but 10 blocks behind does not count as up", () => {
        const verdict = judge(
            bft([node(1, {}, 60), node(2, {}, 60), node(3, { head: { number: 40, timestamp: NOW - 70 } }), gone(4)]),
        );
        assert.deepEqual(verdict.quorum, { needed: 3, of: 4, up: 2 });
        assert.ok(verdict.why.includes("node-3: 10 blocks behind (pod Ready)"), verdict.why.join("\n"));
        assert.match(
            verdict.recovery ?? "",
            /^too few validators: bring back node-4 \(.*\); node-3 is Ready but not in step \(10 blocks behind\): Ready is only a TCP check/,
        );
    });

    it("the stack asks for 4 validators, the chain counts 3: the quorum is the chain's (2 of 3), and the fourth is a member", () => {
        const nodes = [node(1, {}, 120), node(2, {}, 120), gone(3), node(4, {}, 120)];
        const verdict = judge(bft(nodes, ["v1", "v2", "v3"]));
        assert.deepEqual(verdict.quorum, { needed: 2, of: 3, up: 2 });
        assert.equal(verdict.why[1], "2 of the chain's 3 validators in step; sealing needs 2");
        assert.match(
            verdict.recovery ?? "",
            /^enough validators are in step \(2 of 3, sealing needs 2\), yet no block comes/,
        );
        assert.match(verdict.recovery ?? "", /node-4 signs with v4, which the chain does not count/);
        const fresh = nodes.map((each) => (each.head ? { ...each, head: { number: 50, timestamp: NOW - 2 } } : each));
        assert.deepEqual(judge(bft(fresh, ["v1", "v2", "v3"])), {
            state: "sealing",
            why: [],
            quorum: { needed: 2, of: 3, up: 2 },
        });
    });

    it("enough validators in step but no block: the round timer first, then Ready validators that take no part, then keys", () => {
        const rounds = [
            [
                QBFT4,
                "QBFT doubles its round timer every round (11 s × 2^round, qbft/core/core.go:293), so 300 s without a block is round 4, which ends about 341 s",
            ],
            [
                IBFT4,
                "IBFT waits its request timeout plus 2^round s in each round (11 s + 2^round s, ibft/core/core.go:335-339), so 300 s without a block is round 7",
            ],
        ] as const;
        for (const [consensus, round] of rounds) {
            const nodes = [
                node(1, {}, 300),
                node(2, {}, 300),
                node(3, {}, 300),
                node(4, { head: { number: 40, timestamp: NOW - 310 } }),
            ];
            const verdict = judge(bft(nodes, undefined, consensus), consensus);
            const recovery = verdict.recovery ?? "";
            assert.equal(verdict.state, "stalled");
            const order = [
                `1) the round timer, still long after the outage: ${round}`,
                "2) a validator whose pod is Ready but that takes no part: node-4: 10 blocks behind (pod Ready)",
                "3) a validator signing with a key the chain does not count",
            ];
            const at = order.map((words) => recovery.indexOf(words));
            assert.ok(
                at.every((index, i) => index > 0 && (i === 0 || index > at[i - 1])),
                `${consensus.kind}: ${recovery}`,
            );
        }
    });

    it("the round the validators wait in grows as GoQuorum grows it: QBFT doubles, IBFT adds 2^round s", () => {
        const qbft = [0, 10, 11, 32, 33].map((silence) => roundAt(QBFT4, silence));
        assert.deepEqual(qbft, [
            { round: 0, endsAt: 11 },
            { round: 0, endsAt: 11 },
            { round: 1, endsAt: 33 },
            { round: 1, endsAt: 33 },
            { round: 2, endsAt: 77 },
        ]);
        assert.deepEqual(roundAt(IBFT4, 11), { round: 1, endsAt: 24 });
    });

    describe("Raft", () => {
        const RAFT3: Consensus = { kind: "raft" };
        const raft = (nodes: ObservedNode[]): ObservedNetwork => ({ rule: RAFT3, nodes, chainSet: ["v1", "v2", "v3"] });

        it("a quiet chain whose leader holds its majority is sealing; no leader with two members down is stalled", () => {
            const quiet = raft([1, 2, 3].map((n) => node(n, { raftRole: n === 2 ? "minter" : "verifier" }, 9000)));
            assert.equal(judge(quiet, RAFT3).state, "sealing");
            const verdict = judge(raft([node(1, { raftRole: "verifier" }), gone(2), gone(3)]), RAFT3);
            assert.equal(verdict.state, "stalled");
            assert.deepEqual(verdict.quorum, { needed: 2, of: 3, up: 1 });
            assert.equal(verdict.why[0], "no Raft leader: no node reports the minter role");
            assert.match(verdict.recovery ?? "", /^too few members for a majority: bring back node-2, node-3/);
        });

        it("a leader alone (the others down) still says minter but is stalled: GoQuorum's Raft has no CheckQuorum", () => {
            const verdict = judge(raft([node(1, { raftRole: "minter", peers: 0 }), gone(2), gone(3)]), RAFT3);
            assert.equal(verdict.state, "stalled");
            assert.deepEqual(verdict.quorum, { needed: 2, of: 3, up: 0 });
            assert.deepEqual(verdict.why.slice(0, 2), [
                "node-1 reports the minter role, but only 0 of 3 members are in step and a leader needs 2: it cannot commit",
                "0 of the chain's 3 Raft members in step; a leader needs 2",
            ]);
            assert.match(
                verdict.recovery ?? "",
                /^too few members for a majority: bring back node-2, node-3 .*; node-1 is Ready but not in step \(no peers\): /,
            );
            assert.match(
                verdict.recovery ?? "",
                / node-1 still says minter: a GoQuorum leader that lost its majority keeps the role but commits nothing\.$/,
            );
        });

        it("nothing readable: cannot read the chain, never sealing, and the network not healthy", () => {
            const unanswering = { ...gone(2), podReady: true, error: "kubectl exec failed: container not running" };
            const network: ObservedNetwork = { rule: RAFT3, nodes: [gone(1), unanswering, gone(3)] };
            const verdict = judge(network, RAFT3);
            assert.equal(verdict.state, "unreadable");
            assert.equal(verdict.quorum, undefined);
            assert.deepEqual(verdict.why, [
                "cannot read the chain: no node answers",
                "node-1: pod not Ready",
                "node-2: geth does not answer (kubectl exec failed: container not running)",
                "node-3: pod not Ready",
            ]);
            const status = judgeNetwork(
                { network, restarts: new Map(), readMs: 1 },
                { namespace: "quorum", consensus: RAFT3, nodeCount: 3 },
                NOW * 1000,
            );
            assert.equal(status.healthy, false);
        });
    });
});
