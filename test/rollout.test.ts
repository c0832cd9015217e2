// The rollout: its plan (order, the quorum rule, when a member is back) on its own, and its act
// against an in-memory cluster whose StatefulSet controller makes a deleted pod anew from the
// set's revision and whose nodes answer the console's JSON-RPC batch.
import { strict as assert } from "assert";
import { inStepNodes } from "./support/observedNodes";
import * as fs from "fs";
import * as path from "path";
import { Kube, KubeObject, PodStatus, PortForward, snapshotOf } from "../lib/kubernetes/kubectl";
import { Consensus } from "../lib/model/consensus";
import { rollout, RolloutRequest, RolloutStopped } from "../operations/rollout/act";
import { ProgramRun, runProgram, workspaceFixture } from "./support/program";
import { named } from "./support/query";
import { ObservedNetwork, ObservedNode } from "../lib/model/observed";
import { fakeNodeAddress, fakePublicKey } from "./support/fakeQuorum";
import {
    chainReplacementRefusal,
    isOutdated,
    MemberPod,
    notBackYet,
    RestartedNode,
    rolloutOrder,
    startRefusal,
    stillSettling,
    takeDownRefusal,
    versionsSeen,
    versionVerdict,
} from "../operations/rollout/plan";

const QBFT: Consensus = { kind: "qbft", validators: 4, blockPeriod: 1, roundChangeTimerMs: 11_000, ceil2Nby3Block: 0 };
const RAFT: Consensus = { kind: "raft" };

const member = (index: number, ready = true, revision = "old", wanted = "new"): MemberPod => ({
    index,
    set: index === 0 ? "bootnode-set" : `node-set-${index}`,
    pod: index === 0 ? "bootnode-set-0" : `node-set-${index}-0`,
    settled: true,
    wanted,
    running: { uid: `uid-${index}`, revision, ready },
});
/** QBFT with the chain counting nodes 1..counted; each node in step at 100 unless `faults` say otherwise. */
function seen(count: number, faults: Record<number, Partial<ObservedNode>>, counted: number): ObservedNetwork {
    const nodes = inStepNodes(count, faults, 2);
    return {
        rule: { kind: "qbft", validators: counted, ceil2Nby3Block: 0 },
        nodes,
        chainSet: nodes.slice(0, counted).map((node) => `0x${node.index}`),
    };
}
const LOST: Partial<ObservedNode> = { podReady: false, error: "no pod", head: undefined };
const labels = (members: MemberPod[]) => members.map((m) => (m.index === 0 ? "bootnode" : `node-${m.index}`));

describe("the rollout plan", () => {
    it("replaces a pod whose revision is not its StatefulSet's, or that is missing", () => {
        assert.equal(isOutdated(member(1)), true);
        assert.equal(isOutdated(member(1, true, "new")), false);
        assert.equal(isOutdated({ ...member(1), running: undefined }), true);
        assert.equal(isOutdated({ ...member(1), wanted: undefined }), false, "a revision not known yet is no change");
    });

    it("orders the members down first, then the bootnode, those the chain does not count, those it counts", () => {
        const members = [member(1), member(2), member(3, false), member(4), member(5), member(0)];
        assert.deepEqual(labels(rolloutOrder(members, seen(5, { 3: LOST }, 4))), [
            "node-3",
            "bootnode",
            "node-5",
            "node-1",
            "node-2",
            "node-4",
        ]);
        assert.deepEqual(
            labels(rolloutOrder(members, seen(5, { 3: LOST }, 2))),
            ["node-3", "bootnode", "node-4", "node-5", "node-1", "node-2"],
            "the chain's set, not the stack's",
        );
    });

    it("takes the Raft leader last", () => {
        const members = [member(0), member(1), member(2), member(3)];
        assert.deepEqual(labels(rolloutOrder(members, { ...seen(3, { 2: { raftRole: "minter" } }, 3), rule: RAFT })), [
            "bootnode",
            "node-1",
            "node-3",
            "node-2",
        ]);
    });

    it("refuses a counted member when the chain's quorum of the others in step would not stay; one it does not count or the bootnode never", () => {
        const network = seen(5, { 2: LOST }, 4);
        assert.equal(
            takeDownRefusal(network, 1),
            "taking node-1 down would leave 2 of 4 validators in step; the chain needs 3",
        );
        assert.equal(takeDownRefusal(network, 5), undefined);
        assert.equal(takeDownRefusal(network, 0), undefined);
        assert.equal(takeDownRefusal(network, 2), undefined, "a member already down takes nothing more down");
    });

    it("judges a combined shrink and image change against the chain's set: nodeCount 5 to 4 with node-5 down, the chain still counts 5", () => {
        const network = seen(5, { 5: LOST }, 5);
        assert.equal(
            startRefusal(network, [1, 2, 3, 4]),
            "taking node-1 down would leave 3 of 5 validators in step; the chain needs 4",
        );
    });

    it("counts a planned member that is down now as back for the start (it goes first), and waits for one Ready but syncing", () => {
        assert.equal(startRefusal(seen(5, { 2: LOST }, 4), [2, 1, 3, 4]), undefined);
        assert.equal(stillSettling(seen(5, { 2: { head: { number: 80 } } }, 4)), "node-2: 20 blocks behind");
    });

    it("a 3-validator QBFT network rolls one at a time: ceil(2N/3) = 2 of 3", () => {
        assert.equal(startRefusal(seen(3, {}, 3), [1, 2, 3]), undefined);
    });

    it("counts a node back when Ready, answering, in step with another node, peered and the chain going on", () => {
        const node = (own: Partial<RestartedNode> = {}): RestartedNode => ({
            ready: true,
            height: 10,
            peers: 2,
            readyOthers: 2,
            referenceHeight: 10,
            ...own,
        });
        assert.equal(notBackYet(node({ ready: false }), QBFT, 5), "not Ready");
        assert.equal(notBackYet(node({ height: undefined }), QBFT, 5), "geth does not answer over its IPC socket");
        assert.equal(notBackYet(node({ height: 3 }), QBFT, 5), "7 blocks behind the head (10)");
        assert.equal(notBackYet(node({ peers: 1 }), QBFT, 5), "1 of 2 peers");
        assert.equal(notBackYet(node(), QBFT, 10), "no block sealed since it came back (head 10)");
        assert.equal(notBackYet(node(), QBFT, 9), undefined);
        assert.equal(notBackYet(node({ raftLeader: false }), RAFT, 10), "no Raft leader");
        assert.equal(
            notBackYet(node({ raftLeader: true }), RAFT, 10),
            undefined,
            "a quiet Raft chain makes no block, and is back",
        );
        assert.equal(notBackYet(node(), RAFT, 10), undefined, "a node without the raft API is judged by the rest");
    });
});

describe("a running node's chain against the config's", () => {
    const ids = (...pairs: [number, string][]) => new Map(pairs);

    it("names only the running nodes the config would seed anew", () => {
        assert.match(
            chainReplacementRefusal(ids([1, "a"], [2, "b"], [3, "c"]), ids([1, "a"], [2, "x"], [3, "y"]))!,
            /^node-2, node-3 run a chain this config would replace/,
        );
    });

    it("says nothing of a new network, a new node, a node being removed, or a node seeded as planned", () => {
        assert.equal(chainReplacementRefusal(ids(), ids([1, "a"])), undefined);
        assert.equal(chainReplacementRefusal(ids([1, "a"], [6, "f"]), ids([1, "a"], [2, "b"])), undefined);
    });
});

describe("a version change on a running network", () => {
    const images = (quorum: string, tessera = "24.4.2") => ({
        quorum: `quorumengineering/quorum:${quorum}`,
        transactionManager: `quorumengineering/tessera:${tessera}`,
    });
    /** Every pod and template on `quorum`. */
    const all = (quorum: string) => versionsSeen([images(quorum)], [images(quorum)]);

    it("on a new network says nothing", () => {
        assert.deepEqual(versionVerdict(undefined, images("24.4.1"), versionsSeen([], []), false), { notes: [] });
    });

    it("names an upgrade, with a backup first", () => {
        const verdict = versionVerdict(images("24.4.1"), images("24.4.2"), all("24.4.1"), false);
        assert.deepEqual(verdict.notes, [
            "the quorum image: quorumengineering/quorum:24.4.1 → quorumengineering/quorum:24.4.2 on a running network: its members restart one at a time; take a backup first (npm run backup)",
        ]);
    });

    it("refuses going below a version that has run the chain, even when the spec is already lower, unless allowed", () => {
        const seen = versionsSeen([images("24.4.2")], [images("24.4.1")]);
        assert.match(
            versionVerdict(images("24.4.1"), images("23.4.0"), seen, false).refusal ?? "",
            /^the quorum image: .*:24\.4\.1 → .*:23\.4\.0 on a running network goes below 24\.4\.2, which has run this chain; .* set allowImageDowngrade to true to try$/,
        );
        assert.equal(versionVerdict(images("24.4.1"), images("23.4.0"), seen, true).refusal, undefined);
    });

    it("reads every pod, Ready or not, and every template: a member on 24.4.3 behind still counts; setting back a stopped rollout to what pods run is allowed", () => {
        const stopped = versionsSeen(
            [images("24.4.3"), images("24.4.2"), images("24.4.2")],
            [images("24.4.3"), images("24.4.3")],
        );
        assert.deepEqual(stopped.highest, { quorum: "24.4.3", transactionManager: "24.4.2" });
        assert.equal(
            versionVerdict(images("24.4.3"), images("24.4.2"), stopped, false).refusal,
            undefined,
            "24.4.2 still runs on pods: going back is no downgrade",
        );
        const upgraded = versionsSeen([images("24.4.3"), images("24.4.3")], [images("24.4.3")]);
        assert.match(
            versionVerdict(images("24.4.3"), images("24.4.2"), upgraded, false).refusal ?? "",
            /goes below 24\.4\.3/,
        );
    });

    it("refuses a downgrade it cannot judge: no pod or template names a version", () => {
        const unknown = versionsSeen([images("latest")], [images("latest")]);
        assert.match(
            versionVerdict(images("latest"), images("24.4.1"), unknown, false).refusal ?? "",
            /no member's pod or template names a version/,
        );
        assert.equal(versionVerdict(images("latest"), images("24.4.1"), unknown, true).refusal, undefined);
    });

    it("cannot compare a tag without a version: names the change, refuses nothing", () => {
        const verdict = versionVerdict(images("24.4.1"), images("latest"), all("24.4.1"), false);
        assert.equal(verdict.refusal, undefined);
        assert.equal(verdict.notes.length, 1);
    });
});

interface FakeMember {
    set: string;
    pod: string;
    revision: string;
    wanted: string;
    uid: number;
    ready: boolean;
    /** Polls until a new pod is Ready; Infinity: never (its image does not exist). */
    startsAfter: number;
    startingPolls: number;
    waiting?: string;
}

/** An in-memory StatefulSet controller and BFT chain: a block a pod listing, a deleted pod back after some polls. */
class FakeCluster implements Kube {
    readonly members: FakeMember[];
    readonly deleted: string[] = [];
    height = 100;
    /** The most members not Ready at once, as any reader saw it. */
    mostDown = 0;
    private uids = 100;

    constructor(
        nodeCount: number,
        wanted = "new",
        private readonly validators = 4,
    ) {
        const names = [
            ["bootnode-set", "bootnode-set-0"],
            ...Array.from({ length: nodeCount }, (_, i) => [`node-set-${i + 1}`, `node-set-${i + 1}-0`]),
        ];
        this.members = names.map(([set, pod]) => ({
            set,
            pod,
            revision: "old",
            wanted,
            uid: this.uids++,
            ready: true,
            startsAfter: 1,
            startingPolls: 0,
        }));
    }

    private tick(): void {
        this.mostDown = Math.max(this.mostDown, this.members.filter((candidate) => !candidate.ready).length);
        this.height++;
        for (const member of this.members.filter(
            (candidate) => !candidate.ready && candidate.revision === candidate.wanted,
        )) {
            if (++member.startingPolls >= member.startsAfter) member.ready = true;
        }
    }

    async pods(): Promise<PodStatus[]> {
        this.tick();
        return this.members.map((m) => ({
            name: m.pod,
            uid: `uid-${m.uid}`,
            ready: m.ready,
            containers: ["quorum"],
            restarts: 0,
            revision: m.revision,
            waiting: m.ready ? undefined : m.waiting,
            images: {},
        }));
    }

    async list<T extends KubeObject>(kind: string): Promise<T[]> {
        assert.equal(kind, "statefulsets");
        return this.members.map(
            (m) => ({ metadata: { name: m.set }, status: { updateRevision: m.wanted } }) as unknown as T,
        );
    }

    async deletePod(pod: string): Promise<void> {
        const found = this.members.find((m) => m.pod === pod)!;
        this.deleted.push(pod);
        Object.assign(found, { uid: this.uids++, revision: found.wanted, ready: false, startingPolls: 0 });
    }

    async logs(pod: string): Promise<string> {
        return `${pod}: Fatal: image pull failed\n`;
    }

    /** The console's batch: every node at the head, peered with the others, the first `validators` nodes the chain's validators. */
    async exec(pod: string, _container: string, command: string[]): Promise<string> {
        const found = this.members.find((m) => m.pod === pod);
        if (!found?.ready) throw new Error(`kubectl exec failed: pod ${pod} is not running`);
        const script = command[3];
        const request = JSON.parse(script.slice(script.indexOf("send(") + 5, script.lastIndexOf("))"))) as {
            id: number;
            method: string;
        }[];
        const hex = (value: number) => `0x${value.toString(16)}`;
        const results: Record<string, unknown> = {
            eth_blockNumber: hex(this.height),
            net_peerCount: hex(this.members.filter((m) => m.ready && m.pod !== pod && m.set !== "bootnode-set").length),
            eth_getBlockByNumber: { number: hex(this.height), timestamp: hex(Math.floor(Date.now() / 1000)) },
            txpool_status: { pending: "0x0", queued: "0x0" },
            istanbul_getValidators: Array.from({ length: this.validators }, (_, i) => fakeNodeAddress(i + 1)),
            admin_nodeInfo: {
                enode: `enode://${fakePublicKey(Number(/^node-set-(\d+)-0$/.exec(pod)?.[1]))}@10.0.0.1:30303`,
            },
        };
        return JSON.stringify(
            JSON.stringify(request.map(({ id, method }) => ({ jsonrpc: "2.0", id, result: results[method] }))),
        );
    }

    field(): Promise<string> {
        return Promise.reject(new Error("not read by a rollout"));
    }

    portForward(): Promise<PortForward> {
        return Promise.reject(new Error("not used by a rollout"));
    }
}

describe("the rollout against a cluster", () => {
    const request = (overrides: Partial<RolloutRequest> = {}): RolloutRequest => ({
        consensus: QBFT,
        nodeCount: 5,
        memberTimeoutMs: 2000,
        everyMember: false,
        pollMs: 1,
        ...overrides,
    });
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    beforeEach(() => lines.splice(0));

    it("replaces every member on the old spec, one at a time, in the plan's order, each back before the next", async () => {
        const cluster = new FakeCluster(5);
        await rollout(cluster, request(), log);
        assert.deepEqual(cluster.deleted, [
            "bootnode-set-0",
            "node-set-5-0",
            "node-set-1-0",
            "node-set-2-0",
            "node-set-3-0",
            "node-set-4-0",
        ]);
        assert.equal(cluster.mostDown, 1, "never two members down at once");
        assert.ok(cluster.members.every((m) => m.revision === "new" && m.ready));
        assert.equal(lines.filter((line) => / back in step after /.test(line)).length, 5, lines.join("\n"));
    });

    it("does nothing when every pod runs its StatefulSet's spec: a second run, or an up without change", async () => {
        const cluster = new FakeCluster(5, "old");
        await rollout(cluster, request(), log);
        assert.deepEqual(cluster.deleted, []);
    });

    it("stops at the first member that does not come back, naming it, its waiting reason and log lines; the rest keep the old spec", async () => {
        const cluster = new FakeCluster(5);
        Object.assign(cluster.members[5], {
            startsAfter: Infinity,
            waiting: "ErrImageNeverPull: image quorumengineering/quorum:missing is not present",
        });
        await assert.rejects(rollout(cluster, request(), log), (error: Error) => {
            assert.ok(error instanceof RolloutStopped);
            assert.match(
                error.message,
                /^rollout stopped at node-5: not Ready within 2\.0 s \(ErrImageNeverPull: image quorumengineering\/quorum:missing is not present\)\./,
            );
            assert.match(error.message, /node-set-5-0: Fatal: image pull failed/);
            assert.match(error.message, /node-1, node-2, node-3, node-4 still run their previous spec/);
            assert.match(error.message, /set the value you changed back/);
            return true;
        });
        assert.deepEqual(cluster.deleted, ["bootnode-set-0", "node-set-5-0"]);
        assert.ok(
            cluster.members.slice(1, 5).every((m) => m.revision === "old" && m.ready),
            "the validators were not touched",
        );
    });

    it("set back, replaces the member the stopped rollout left down, first", async () => {
        const cluster = new FakeCluster(5, "old");
        Object.assign(cluster.members[5], { revision: "broken", ready: false });
        await rollout(cluster, request(), log);
        assert.deepEqual(cluster.deleted, ["node-set-5-0"]);
        assert.ok(cluster.members.every((m) => m.ready));
    });

    it("refuses before restarting anything when a validator is down and others would follow", async () => {
        const cluster = new FakeCluster(5);
        Object.assign(cluster.members[2], { ready: false, revision: "new", startsAfter: Infinity });
        await assert.rejects(
            rollout(cluster, request(), log),
            /taking node-1 down would leave 2 of 4 validators in step; the chain needs 3: bring the others back .*; nothing was restarted/,
        );
        assert.deepEqual(cluster.deleted, []);
    });

    it("set back after a stop at a validator, brings that one back first and then the rest, the rule counting it as back", async () => {
        const cluster = new FakeCluster(5, "old");
        for (const index of [0, 1]) cluster.members[index].revision = "new";
        Object.assign(cluster.members[2], { revision: "new", ready: false });
        await rollout(cluster, request(), log);
        assert.deepEqual(cluster.deleted, ["node-set-2-0", "bootnode-set-0", "node-set-1-0"]);
    });

    it("a network that needs every validator refuses and says how to restart anyway; --allow-downtime restarts", async () => {
        const two: Consensus = { ...QBFT, validators: 2 };
        const cluster = new FakeCluster(2, "new", 2);
        await assert.rejects(
            rollout(cluster, request({ consensus: two, nodeCount: 2 }), log),
            /a network of 2 validators needs every one of them to go on, .* npm run rollout -- --allow-downtime; nothing was restarted/,
        );
        assert.deepEqual(cluster.deleted, []);
        await rollout(cluster, request({ consensus: two, nodeCount: 2, allowDowntime: true }), log);
        assert.equal(cluster.deleted.length, 3);
    });

    it("a 3-validator QBFT network restarts one member at a time (ceil(2N/3) = 2 of 3 go on)", async () => {
        const cluster = new FakeCluster(3, "new", 3);
        await rollout(cluster, request({ consensus: { ...QBFT, validators: 3 }, nodeCount: 3 }), log);
        assert.deepEqual(cluster.deleted, ["bootnode-set-0", "node-set-1-0", "node-set-2-0", "node-set-3-0"]);
        assert.equal(cluster.mostDown, 1);
    });

    it("leaves a shrink's leaving members to their removal", async () => {
        const cluster = new FakeCluster(5, "old");
        Object.assign(cluster.members[5], { revision: "new", ready: false, startsAfter: Infinity });
        await rollout(cluster, request({ nodeCount: 4 }), log);
        assert.deepEqual(cluster.deleted, []);
    });

    it("by hand, restarts every member, the current spec too", async () => {
        const cluster = new FakeCluster(5, "old");
        await rollout(cluster, request({ everyMember: true }), log);
        assert.equal(cluster.deleted.length, 6);
        assert.equal(cluster.mostDown, 1);
    });
});

describe("the rollout step in the program (goquorum stack, 5 nodes)", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ goquorum: 5 });
    afterEach(() => fs.rmSync(path.join(workspace.fake.state, "kube"), { recursive: true, force: true }));
    const render = (config: Record<string, string> = {}) =>
        runProgram({ stack: "goquorum", fake: workspace.fake, projectDir: workspace.projectDir, config });
    const running = (sets: object[], pods: object[] = []) => {
        const kube = path.join(workspace.fake.state, "kube");
        fs.mkdirSync(kube, { recursive: true });
        fs.writeFileSync(path.join(kube, "statefulsets.json"), JSON.stringify({ items: sets }));
        fs.writeFileSync(path.join(kube, "pods.json"), JSON.stringify({ items: pods }));
    };
    const nodeSet = (index: number, image: string) => ({
        metadata: { name: `node-set-${index}` },
        spec: {
            template: {
                spec: {
                    containers: [
                        { name: "quorum", image },
                        { name: "tessera", image: "quorumengineering/tessera:24.4.2" },
                    ],
                },
            },
        },
        status: { updateRevision: "node-set-rev-b" },
    });

    it("replaces no pod by itself: every member's StatefulSet is OnDelete and the step, after them all, rolls out", async () => {
        const run = await render();
        const sets = run.resources.filter((resource) => resource.type === "kubernetes:apps/v1:StatefulSet");
        assert.equal(sets.length, 6);
        for (const set of sets) assert.deepEqual(set.inputs.spec.updateStrategy, { type: "OnDelete" }, set.name);
        const step = named(run, "quorum-rollout");
        assert.deepEqual([...step.dependsOn].sort(), sets.map((set) => set.name).sort());
        assert.match(step.inputs.update, /operations\/run\.ts rollout update$/);
        assert.ok(
            named(run, "quorum-validators").dependsOn.includes("quorum-rollout"),
            "votes after every member is back",
        );
    });

    it("is not run by a vote: a change of validators leaves its inputs as they were", async () => {
        const [four, five] = [await render(), await render({ validators: "5" })];
        assert.deepEqual(named(five, "quorum-rollout").inputs, named(four, "quorum-rollout").inputs);
    });

    it("refuses, at preview, a quorum image older than the one its Ready nodes run, unless allowed", async () => {
        const pod = {
            metadata: { name: "node-set-1-0", uid: "a" },
            spec: {
                containers: [
                    { name: "quorum", image: "quorumengineering/quorum:24.4.2" },
                    { name: "tessera", image: "quorumengineering/tessera:24.4.2" },
                ],
            },
            status: { conditions: [{ type: "Ready", status: "True" }] },
        };
        running([nodeSet(1, "quorumengineering/quorum:24.4.2")], [pod]);
        await assert.rejects(
            render(),
            /the quorum image: quorumengineering\/quorum:24\.4\.2 → quorumengineering\/quorum:24\.4\.1 on a running network goes below 24\.4\.2/,
        );
        await render({ allowImageDowngrade: "true" });
    });

    describe("a running network's chain, at preview", () => {
        /** The StatefulSets a render declares, as the cluster would list them once they run. */
        const runAsDeclared = (run: ProgramRun) =>
            running(
                run.resources
                    .filter((resource) => resource.type === "kubernetes:apps/v1:StatefulSet")
                    .map((resource) => ({
                        metadata: { name: resource.inputs.metadata.name },
                        spec: resource.inputs.spec,
                    })),
            );
        const EVERY_NODE =
            /node-1, node-2, node-3, node-4, node-5 run a chain this config would replace with a new one at block 0/;

        it("lets through what keeps it: no change, an image, resources, fewer nodes", async () => {
            runAsDeclared(await render());
            await render();
            await render({ quorumImage: "quorumengineering/quorum:24.4.2", quorumCpu: "300m:1", nodeCount: "4" });
        });

        it("refuses a new genesis under running nodes, naming them, how to go back and how to start anew", async () => {
            runAsDeclared(await render());
            await assert.rejects(render({ chainId: "1337" }), EVERY_NODE);
            await assert.rejects(
                render({ gasLimit: "0x1000000" }),
                /Set the old values back \(or put the keys folder back\)\. A new chain on purpose: npm run backup, npm run destroy, then npm run up \(host folders kept by keepChainData are moved aside, not reused\)/,
            );
            await render();
        });

        it("refuses another place for their volumes, and keys made anew after their folder was removed", async () => {
            runAsDeclared(await render());
            await assert.rejects(render({ hostPathRoot: "/data/elsewhere" }), EVERY_NODE);
            const keys = path.join(workspace.projectDir, ".keys", "goquorum");
            fs.renameSync(keys, `${keys}.kept`);
            try {
                await assert.rejects(render(), EVERY_NODE);
            } finally {
                fs.rmSync(keys, { recursive: true, force: true });
                fs.renameSync(`${keys}.kept`, keys);
            }
            await render();
        });
    });
});

describe("the preview's reads of the cluster", () => {
    it("list the pods and each kind once, however many checks ask", async () => {
        const cluster = new FakeCluster(3);
        let reads = 0;
        const counted: Kube = Object.assign(Object.create(cluster) as FakeCluster, {
            pods: () => (reads++, cluster.pods()),
            list: <T extends KubeObject>(kind: string) => (reads++, cluster.list<T>(kind)),
        });
        const once = snapshotOf(counted);
        await Promise.all([once.pods(), once.pods(), once.list("statefulsets", {}), once.list("statefulsets", {})]);
        assert.equal(reads, 2);
    });
});
