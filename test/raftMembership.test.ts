import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ipcRpc } from "../lib/kubernetes/gethIpc";
import { Kube, PodStatus } from "../lib/kubernetes/kubectl";
import { nodeIndexOf } from "../lib/network/names";
import { addRaftLearner, leaveCluster, promoteLearner } from "../operations/raft-membership/act";
import { RaftEntryStepRequest, RaftLeaveStepRequest } from "../operations/raft-membership/cli";
import { FakeHost } from "./support/fakeHost";
import { FakeQuorum, FakeQuorumFaults, fakePublicKey } from "./support/fakeQuorum";

const TS = "node -r ts-node/register/transpile-only";
const nodeId = () => crypto.randomBytes(64).toString("hex");
const enodeOf = (id: string, index: number) => `enode://${id}@10.96.0.${100 + index}:30303?discport=0&raftport=50400`;

describe("Raft membership scripts against a fake GoQuorum node", function () {
    this.timeout(60_000);
    let fake: FakeHost;
    let quorum: FakeQuorum;
    let founders: string[];
    const rpcUrl = () => `http://127.0.0.1:${quorum.rpcPorts[0]}`;

    beforeEach(async () => {
        fake = new FakeHost();
        quorum = new FakeQuorum(5);
        await quorum.start();
        founders = Array.from({ length: 5 }, nodeId);
        quorum.useRaftMembers(founders);
    });
    afterEach(() => {
        quorum.close();
        fake.dispose();
    });

    describe("operations/run.ts raft-membership, for a node pod or a JSON-RPC URL", () => {
        it("reaches a pod over geth's IPC through kubectl exec, in the context and namespace given", async () => {
            fs.mkdirSync(path.join(fake.state, "kube", "forward", "pod_node-set-3-0"), { recursive: true });
            fs.writeFileSync(
                path.join(fake.state, "kube", "forward", "pod_node-set-3-0", "8545"),
                String(quorum.rpcPorts[0]),
            );
            const sixth = nodeId();
            const result = await fake.shAsync(
                `${TS} operations/run.ts raft-membership add node-set-3-0 '${enodeOf(sixth, 6)}' --context kind-q --namespace ledger`,
            );
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout.trim(), "6");
            assert.ok(
                fake
                    .calls()
                    .some((call) =>
                        call.startsWith(
                            "kubectl --context kind-q --namespace ledger exec node-set-3-0 -c quorum -- geth attach",
                        ),
                    ),
                fake.calls().join("\n"),
            );
        });

        it("adds a new member and prints the id Raft gave it; adding it again changes nothing", async () => {
            const sixth = nodeId();
            const first = await fake.shAsync(
                `${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(sixth, 6)}'`,
            );
            assert.equal(first.status, 0, first.stderr);
            assert.equal(first.stdout.trim(), "6");
            assert.match(first.stderr, /added as Raft id 6/);
            const again = await fake.shAsync(
                `${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(sixth, 6)}'`,
            );
            assert.equal(again.status, 0, again.stderr);
            assert.equal(again.stdout.trim(), "6");
            assert.match(again.stderr, /already a member, Raft id 6/);
            assert.deepEqual(quorum.membershipCalls, [`add ${sixth}`], "the second run called raft_addPeer again");
            assert.deepEqual(
                quorum.raftCluster.map((member) => member.raftId),
                [1, 2, 3, 4, 5, 6],
            );
        });

        it("finds a founder by its enode: its id is its place in static-nodes.json", async () => {
            const result = await fake.shAsync(
                `${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(founders[2], 3)}'`,
            );
            assert.equal(result.stdout.trim(), "3");
            assert.deepEqual(quorum.membershipCalls, []);
        });

        it("removes a member by id once; removing it again is a no-op; a later member gets a new id", async () => {
            const removed = await fake.shAsync(`${TS} operations/run.ts raft-membership remove ${rpcUrl()} 5`);
            assert.equal(removed.status, 0, removed.stderr);
            assert.equal(removed.stdout.trim(), "5");
            const again = await fake.shAsync(`${TS} operations/run.ts raft-membership remove ${rpcUrl()} 5`);
            assert.equal(again.status, 0, again.stderr);
            assert.match(again.stderr, /Raft id 5 is not a member; nothing to do/);
            assert.deepEqual(quorum.membershipCalls, ["remove 5"]);
            const rejoined = await fake.shAsync(
                `${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(founders[4], 5)}'`,
            );
            assert.equal(rejoined.stdout.trim(), "6", "Raft reused a removed id");
        });

        it("fails with the node's own words when it refuses the add, and on wrong arguments", async () => {
            quorum.close();
            quorum = new FakeQuorum(5, { refuseAddPeer: "permission denied: node is not in the allow list" });
            await quorum.start();
            quorum.useRaftMembers(founders);
            const refused = await fake.shAsync(
                `${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(nodeId(), 6)}'`,
            );
            assert.equal(refused.status, 1);
            assert.match(refused.stderr, /raft-peer: raft_addPeer: permission denied: node is not in the allow list/);
            assert.equal(refused.stdout, "");
            const usage = await fake.shAsync(`${TS} operations/run.ts raft-membership remove ${rpcUrl()} node-5`);
            assert.equal(usage.status, 2);
            assert.match(usage.stderr, /node-5 is not a Raft id/);
            const notEnode = await fake.shAsync(`${TS} operations/run.ts raft-membership add ${rpcUrl()} enode://abc`);
            assert.equal(notEnode.status, 2);
            assert.match(
                notEnode.stderr,
                /^raft-peer: enode:\/\/abc is not an enode URL \(enode:\/\/<128 hex digits>@<ip>:<port>\?raftport=<port>\)/,
            );
            assert.equal((await fake.shAsync(`${TS} operations/run.ts raft-membership join ${rpcUrl()} x`)).status, 2);
        });
    });

    describe("operations/run.ts raft-membership, the program's steps, over geth's IPC through kubectl exec", () => {
        const faults: FakeQuorumFaults = {};
        /** Pods node-set-1..N (node-set-1 not Ready), each reaching its own fake node; nodes 1..5 are the members, node 1 leads. */
        const podsAre = (indexes: number[]) => {
            const kube = path.join(fake.state, "kube");
            const ready = (i: number) => ({ type: "Ready", status: i === 1 ? "False" : "True" });
            const pod = (i: number) => ({ metadata: { name: `node-set-${i}-0` }, status: { conditions: [ready(i)] } });
            fs.mkdirSync(kube, { recursive: true });
            fs.writeFileSync(path.join(kube, "pods.json"), JSON.stringify({ items: indexes.map(pod) }));
            for (const i of indexes) {
                fs.mkdirSync(path.join(kube, "forward", `pod_node-set-${i}-0`), { recursive: true });
                fs.writeFileSync(
                    path.join(kube, "forward", `pod_node-set-${i}-0`, "8545"),
                    String(quorum.rpcPorts[i - 1]),
                );
            }
        };
        beforeEach(async () => {
            quorum.close();
            delete faults.behind;
            quorum = new FakeQuorum(6, faults);
            await quorum.start();
            quorum.useRaftMembers([1, 2, 3, 4, 5].map(fakePublicKey));
            podsAre([1, 2, 3, 4, 5, 6]);
        });
        const target = { kubeContext: "minikube", namespace: "quorum" };
        const sixth: RaftEntryStepRequest = { ...target, index: 6, enode: enodeOf(fakePublicKey(6), 6) };
        const step = (phase: string, request: object) =>
            fake.shAsync(`${TS} operations/run.ts raft-membership ${phase}`, { STEP_REQUEST: JSON.stringify(request) });

        it("join: adds the new member as a learner on the lowest-numbered Ready node and prints its Raft id; again, keeps it", async () => {
            const before = fake.calls().length;
            const missing = await step("join", { ...target, index: 6 });
            assert.deepEqual(
                [missing.status, /STEP_REQUEST: enode must be an enode URL .*, not missing/.test(missing.stderr)],
                [2, true],
                missing.stderr,
            );
            const stray = await step("join", { ...sixth, raftId: 6 });
            assert.deepEqual(
                [stray.status, /STEP_REQUEST holds fields this phase does not take: raftId/.test(stray.stderr)],
                [2, true],
                stray.stderr,
            );
            assert.equal(fake.calls().length, before, "a bad request reached for the cluster");
            const result = await step("join", sixth);
            assert.deepEqual([result.status, result.stdout.trim()], [0, "6"], result.stderr);
            assert.match(result.stderr, /raft-membership\[node-6\]: added as a learner, Raft id 6 \(on node-set-2-0\)/);
            assert.deepEqual(quorum.raftCluster.find((member) => member.raftId === 6)?.learner, true);
            const calls = fake.calls().filter((call) => call.includes(" exec "));
            assert.ok(
                calls.length > 0 &&
                    calls.every((call) =>
                        call.startsWith("kubectl --context minikube --namespace quorum exec node-set-2-0 -c quorum"),
                    ),
            );
            const again = await step("join", sixth);
            assert.equal(again.stdout.trim(), "6");
            assert.match(again.stderr, /already a member, Raft id 6/);
            assert.deepEqual(quorum.membershipCalls, [`learner ${fakePublicKey(6)}`]);
        });

        it("promote: refuses a member not added yet; waits while the learner trails, promotes it once in step; again, nothing to do", async () => {
            assert.match(
                (await step("promote", sixth)).stderr,
                /raft-peer: node-6 is not in the Raft cluster: its join step adds it as a learner first/,
            );
            await step("join", sixth);
            faults.behind = { node: 6, blocks: 5 };
            const promoting = step("promote", sixth);
            await new Promise((resolve) => setTimeout(resolve, 3000));
            assert.deepEqual(
                quorum.membershipCalls,
                [`learner ${fakePublicKey(6)}`],
                "promoted a learner 5 blocks behind",
            );
            delete faults.behind;
            const result = await promoting;
            assert.deepEqual([result.status, result.stdout.trim()], [0, "6"], result.stderr);
            assert.match(result.stderr, /waiting: node-6 is not in step: 5 blocks behind/);
            assert.match(result.stderr, /promoted Raft id 6 to a voting member \(on node-set-2-0\)/);
            assert.equal(quorum.raftCluster.find((member) => member.raftId === 6)?.learner, undefined);
            const again = await step("promote", sixth);
            assert.match(again.stderr, /Raft id 6 is a voting member already; nothing to do/);
            assert.deepEqual(quorum.membershipCalls, [`learner ${fakePublicKey(6)}`, "promote 6"]);
        });

        it("leave: refuses, with the numbers, while the rest would lack a majority in step; then removes it on another node", async () => {
            const nodeTwo: RaftLeaveStepRequest = { ...target, index: 2, raftId: 2 };
            podsAre([1, 2, 5]);
            const refused = await step("leave", nodeTwo);
            assert.equal(refused.status, 1);
            assert.match(
                refused.stderr,
                /raft-peer: removing node-2 would leave 2 of the other 4 Raft members in step; they need 3; Raft id 2 was not/,
            );
            assert.deepEqual(quorum.membershipCalls, []);
            podsAre([1, 2, 3, 4, 5]);
            const result = await step("leave", nodeTwo);
            assert.deepEqual([result.status, result.stdout.trim()], [0, "2"], result.stderr);
            assert.deepEqual(
                quorum.raftCluster.map((member) => member.raftId),
                [1, 3, 4, 5],
            );
            assert.match(result.stderr, /raft-membership\[node-2\]: removed Raft id 2 \(on node-set-3-0\)/);
        });
    });
});

/** Node pods in process (node-set-N-0: fake node N): a deleted pod is away 3 listings, a deleted leader's successor leads 2 later; who led at each removal. */
class NodePods implements Kube {
    readonly deleted: string[] = [];
    readonly removedWhileLeading: number[] = [];
    /** Pod listings left until a deleted pod is back, by node index. */
    private away = new Map<number, number>();
    private electIn = 0;
    constructor(
        private readonly quorum: FakeQuorum,
        private readonly successor?: number,
    ) {}

    async pods(): Promise<PodStatus[]> {
        this.away = new Map(
            [...this.away].filter(([, listings]) => listings > 1).map(([index, listings]) => [index, listings - 1]),
        );
        if (this.electIn > 0 && --this.electIn === 0) this.quorum.raftLeaderNode = this.successor;
        const pod = (index: number) => ({
            name: `node-set-${index}-0`,
            uid: "",
            ready: !this.away.has(index),
            containers: [],
            restarts: 0,
            images: {},
        });
        return Array.from({ length: this.quorum.nodeCount }, (_, i) => pod(i + 1));
    }

    async exec(pod: string, _container: string, command: string[]): Promise<string> {
        const index = nodeIndexOf(pod) ?? 0;
        if (this.away.has(index)) throw new Error(`kubectl exec failed: pod ${pod} is not running`);
        const body = command[3].slice(command[3].indexOf("send(") + 5, command[3].lastIndexOf("))"));
        if (body.includes("raft_removePeer")) this.removedWhileLeading.push(this.quorum.raftLeaderNode ?? 1);
        const headers = { "content-type": "application/json" };
        return JSON.stringify(
            await (
                await fetch(`http://127.0.0.1:${this.quorum.rpcPorts[index - 1]}`, { method: "POST", headers, body })
            ).text(),
        );
    }

    async deletePod(pod: string): Promise<void> {
        this.deleted.push(pod);
        this.away.set(nodeIndexOf(pod) ?? 0, 3);
        if (this.quorum.raftLeaderNode === nodeIndexOf(pod) && this.successor !== undefined) this.electIn = 2;
    }

    list = async <T>(): Promise<T[]> => [];
    field = () => Promise.reject(new Error("not read by a membership change"));
    portForward = () => Promise.reject(new Error("not used by a membership change"));
    logs = this.field;
}

describe("Raft membership waits, in process against fake nodes (short deadlines)", function () {
    this.timeout(20_000);
    const fast = { settleMs: 5000, pollMs: 50, inStepMs: 1500, leaderMs: 1500 };
    let quorum: FakeQuorum;
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    beforeEach(async () => {
        quorum = new FakeQuorum(6, { behind: { node: 6, blocks: 5 } });
        await quorum.start();
        quorum.useRaftMembers([1, 2, 3, 4, 5].map(fakePublicKey));
        quorum.raftLeaderNode = 5;
    });
    afterEach(() => quorum.close());

    it("a leader leaving: its pod is deleted, another member is elected, and only then is it removed", async () => {
        const pods = new NodePods(quorum, 2);
        assert.equal(await leaveCluster(pods, ipcRpc(pods, "node-set-1-0"), { index: 5, raftId: 5 }, fast, log), true);
        assert.deepEqual(pods.deleted, ["node-set-5-0"]);
        assert.deepEqual(pods.removedWhileLeading, [2], "removed while it still led");
        assert.deepEqual(quorum.membershipCalls, ["remove 5"]);
        assert.ok(
            lines.includes("node-5 leads: deleting its pod so that another member is elected before it is removed"),
            lines.join("\n"),
        );
    });

    it("a leader no other member takes over from is refused, named, and not removed", async () => {
        const pods = new NodePods(quorum);
        const leaving = leaveCluster(pods, ipcRpc(pods, "node-set-1-0"), { index: 5, raftId: 5 }, fast, log);
        await assert.rejects(
            leaving,
            /^Error: node-5 leads, and no other member led within 2 s of its pod's deletion \(node-5 still leads\); Raft id 5/,
        );
        assert.deepEqual(quorum.membershipCalls, []);
    });

    it("a learner that stays behind stays a learner, saying why", async () => {
        const pods = new NodePods(quorum);
        const rpc = ipcRpc(pods, "node-set-1-0");
        const enode = enodeOf(fakePublicKey(6), 6);
        assert.deepEqual(await addRaftLearner(rpc, enode, fast), { raftId: 6, added: true });
        const promoting = promoteLearner(pods, rpc, { index: 6, enode }, fast, log);
        await assert.rejects(
            promoting,
            /node-6 \(Raft id 6\) stays a learner: not ready to vote within 2 s \(node-6 is not in step: 5 blocks behind\)/,
        );
        assert.deepEqual(quorum.membershipCalls, [`learner ${fakePublicKey(6)}`]);
    });
});
