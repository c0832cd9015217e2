import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { FakeHost } from "./support/fakeHost";
import { FakeQuorum } from "./support/fakeQuorum";

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
            fs.writeFileSync(path.join(fake.state, "kube", "forward", "pod_node-set-3-0", "8545"), String(quorum.rpcPorts[0]));
            const sixth = nodeId();
            const result = await fake.shAsync(`${TS} operations/run.ts raft-membership add node-set-3-0 '${enodeOf(sixth, 6)}' --context kind-q --namespace ledger`);
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout.trim(), "6");
            assert.ok(fake.calls().some((call) => call.startsWith("kubectl --context kind-q --namespace ledger exec node-set-3-0 -c quorum -- geth attach")), fake.calls().join("\n"));
        });

        it("adds a new member and prints the id Raft gave it; adding it again changes nothing", async () => {
            const sixth = nodeId();
            const first = await fake.shAsync(`${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(sixth, 6)}'`);
            assert.equal(first.status, 0, first.stderr);
            assert.equal(first.stdout.trim(), "6");
            assert.match(first.stderr, /added as Raft id 6/);
            const again = await fake.shAsync(`${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(sixth, 6)}'`);
            assert.equal(again.status, 0, again.stderr);
            assert.equal(again.stdout.trim(), "6");
            assert.match(again.stderr, /already a member, Raft id 6/);
            assert.deepEqual(quorum.membershipCalls, [`add ${sixth}`], "the second run called raft_addPeer again");
            assert.deepEqual(quorum.raftCluster.map((member) => member.raftId), [1, 2, 3, 4, 5, 6]);
        });

        it("finds a founder by its enode: its id is its place in static-nodes.json", async () => {
            const result = await fake.shAsync(`${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(founders[2], 3)}'`);
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
            const rejoined = await fake.shAsync(`${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(founders[4], 5)}'`);
            assert.equal(rejoined.stdout.trim(), "6", "Raft reused a removed id");
        });

        it("fails with the node's own words when it refuses the add, and on wrong arguments", async () => {
            quorum.close();
            quorum = new FakeQuorum(5, { refuseAddPeer: "permission denied: node is not in the allow list" });
            await quorum.start();
            quorum.useRaftMembers(founders);
            const refused = await fake.shAsync(`${TS} operations/run.ts raft-membership add ${rpcUrl()} '${enodeOf(nodeId(), 6)}'`);
            assert.equal(refused.status, 1);
            assert.match(refused.stderr, /raft-peer: raft_addPeer: permission denied: node is not in the allow list/);
            assert.equal(refused.stdout, "");
            const usage = await fake.shAsync(`${TS} operations/run.ts raft-membership remove ${rpcUrl()} node-5`);
            assert.equal(usage.status, 2);
            assert.match(usage.stderr, /node-5 is not a Raft id/);
            const notEnode = await fake.shAsync(`${TS} operations/run.ts raft-membership add ${rpcUrl()} enode://abc`);
            assert.equal(notEnode.status, 2);
            assert.match(notEnode.stderr, /^raft-peer: enode:\/\/abc is not an enode URL \(enode:\/\/<128 hex digits>@<ip>:<port>\?raftport=<port>\)/);
            assert.equal((await fake.shAsync(`${TS} operations/run.ts raft-membership join ${rpcUrl()} x`)).status, 2);
        });
    });

    describe("operations/run.ts raft-membership, the program's step, over geth's IPC through kubectl exec", () => {
        /** Pods node-set-1..5 (node-set-1 not Ready), each whose geth the fake kubectl reaches is the fake node. */
        beforeEach(() => {
            const kube = path.join(fake.state, "kube");
            const items = [1, 2, 3, 4, 5].map((i) => ({ metadata: { name: `node-set-${i}-0` }, status: { conditions: [{ type: "Ready", status: i === 1 ? "False" : "True" }] } }));
            fs.mkdirSync(kube, { recursive: true });
            fs.writeFileSync(path.join(kube, "pods.json"), JSON.stringify({ items }));
            for (const i of [1, 2, 3, 4, 5]) {
                fs.mkdirSync(path.join(kube, "forward", `pod_node-set-${i}-0`), { recursive: true });
                fs.writeFileSync(path.join(kube, "forward", `pod_node-set-${i}-0`, "8545"), String(quorum.rpcPorts[0]));
            }
        });
        const env = { KUBE_CONTEXT: "minikube", NAMESPACE: "quorum" };

        it("join: adds the new member on the lowest-numbered Ready node and prints its Raft id", async () => {
            const sixth = nodeId();
            const result = await fake.shAsync(`${TS} operations/run.ts raft-membership join`, { ...env, MEMBER: "node-6", ENODE: enodeOf(sixth, 6) });
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout.trim(), "6");
            assert.match(result.stderr, /raft-membership\[node-6\]: added as Raft id 6 \(on node-set-2-0\)/);
            const calls = fake.calls().filter((call) => call.includes(" exec "));
            assert.ok(calls.length > 0 && calls.every((call) => call.startsWith("kubectl --context minikube --namespace quorum exec node-set-2-0 -c quorum -- geth attach --exec ") && call.endsWith(" /qdata/ethereum/geth.ipc")), calls.join("\n"));
            assert.ok(!fake.calls().some((call) => call.includes("port-forward")), "reached the node over the network");
        });

        it("leave: removes the member's Raft id there, never on the member itself", async () => {
            const result = await fake.shAsync(`${TS} operations/run.ts raft-membership leave`, { ...env, MEMBER: "node-2", RAFT_ID: "2" });
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout.trim(), "2");
            assert.deepEqual(quorum.raftCluster.map((member) => member.raftId), [1, 3, 4, 5]);
            assert.match(result.stderr, /raft-membership\[node-2\]: removed Raft id 2 \(on node-set-3-0\)/);
        });

        it("fails naming what is missing", async () => {
            const result = await fake.shAsync(`${TS} operations/run.ts raft-membership join`, { ...env, MEMBER: "node-6" });
            assert.equal(result.status, 2);
            assert.match(result.stderr, /environment variable ENODE is not set/);
        });
    });
});
