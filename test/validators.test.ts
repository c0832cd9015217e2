// Changing the validators of a running IBFT/QBFT network by vote: the render (one step, set by
// config; no pod touched), the refusals at preview, the vote step and npm run validators against
// fake GoQuorum nodes that tally votes with the majority rule.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Wallet } from "ethers";
import { httpRpc } from "../lib/httpRequest";
import { addRaftPeer, removeRaftPeer } from "../operations/raft-membership/act";
import { FakeHost } from "./support/fakeHost";
import { fakeNodeAddress, FakeQuorum, FakeQuorumFaults } from "./support/fakeQuorum";
import { ProgramRun, runProgram, workspaceFixture } from "./support/program";
import { container, named } from "./support/query";
import { pregenerateKeys } from "./support/workspace";

const TS = "node -r ts-node/register/transpile-only";
const STEP = "quorum-validators";

/** Pod node-set-N-0 reaches fake node N; `ready` lists the Ready ones (all by default). */
function podsReaching(fake: FakeHost, quorum: FakeQuorum, ready = quorum.rpcPorts.map((_, i) => i + 1)): void {
    const kube = path.join(fake.state, "kube");
    const items = quorum.rpcPorts.map((_, i) => ({ metadata: { name: `node-set-${i + 1}-0` }, status: { conditions: [{ type: "Ready", status: ready.includes(i + 1) ? "True" : "False" }] } }));
    fs.mkdirSync(kube, { recursive: true });
    fs.writeFileSync(path.join(kube, "pods.json"), JSON.stringify({ items }));
    for (const [i, port] of quorum.rpcPorts.entries()) {
        fs.mkdirSync(path.join(kube, "forward", `pod_node-set-${i + 1}-0`), { recursive: true });
        fs.writeFileSync(path.join(kube, "forward", `pod_node-set-${i + 1}-0`, "8545"), String(port));
    }
}

describe("validators of a running QBFT network (goquorum stack, 5 nodes)", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture();
    let keysDir: string;
    before(async () => (keysDir = await pregenerateKeys(workspace.projectDir, "goquorum", 5)));
    const render = (config: Record<string, string> = {}) => runProgram({ stack: "goquorum", fake: workspace.fake, projectDir: workspace.projectDir, config });
    const address = (index: number) => new Wallet(`0x${fs.readFileSync(path.join(keysDir, `qdata_${index}/ethereum/nodekey`), "utf8")}`).address.toLowerCase();
    const stepEnv = (run: ProgramRun) => named(run, STEP).inputs.environment as Record<string, string>;
    const setOf = (run: ProgramRun, index: number) => named(run, `quorum-node-${index}-set`).inputs;
    afterEach(() => fs.rmSync(path.join(workspace.fake.state, "kube"), { recursive: true, force: true }));

    it("declares one vote step after every node: the first 4 nodes' signing addresses, from the genesis's 4", async () => {
        const run = await render();
        const env = stepEnv(run);
        assert.deepEqual(JSON.parse(env.VALIDATORS), [1, 2, 3, 4].map(address));
        assert.deepEqual(JSON.parse(env.GENESIS_VALIDATORS), [1, 2, 3, 4].map(address));
        assert.equal(env.BLOCK_PERIOD, "1");
        assert.match(named(run, STEP).inputs.create, /operations\/run\.ts validator-votes create$/);
        assert.match(named(run, STEP).inputs.update, /operations\/run\.ts validator-votes update$/);
        assert.equal(named(run, STEP).inputs.delete, undefined, "a destroy votes nothing");
    });

    it("4 → 5: only the step's set and the budget change; every StatefulSet stays as it was, each node mines", async () => {
        const [four, five] = [await render(), await render({ validators: "5" })];
        assert.deepEqual(JSON.parse(stepEnv(five).VALIDATORS), [1, 2, 3, 4, 5].map(address));
        assert.deepEqual(JSON.parse(stepEnv(five).GENESIS_VALIDATORS), [1, 2, 3, 4].map(address));
        for (const index of [1, 2, 3, 4, 5]) assert.deepEqual(setOf(five, index), setOf(four, index), `node-set-${index} changed`);
        for (const index of [1, 5]) assert.ok(container(five, index, "quorum").args?.includes("--mine"), `node ${index} mines`);
        assert.ok(!("kaleido.io/validator" in setOf(five, 1).spec.template.metadata.labels), "no validator label on pods");
        assert.equal(named(five, "quorum-node-5-service").inputs.metadata.labels["kaleido.io/validator"], "true");
        assert.equal(named(four, "quorum-node-5-service").inputs.metadata.labels["kaleido.io/validator"], undefined);
    });

    it("5 → 4 on a cluster: the disruption budget follows, picking the validators by instance", async () => {
        const budget = async (config: Record<string, string>) => named(await render({ platform: "kubernetes", hostPathRoot: "", ...config }), "quorum-nodes-budget").inputs.spec;
        const five = await budget({ validators: "5" });
        assert.equal(five.minAvailable, 4);
        assert.deepEqual(five.selector.matchExpressions, [{ key: "app.kubernetes.io/instance", operator: "In", values: ["node-1", "node-2", "node-3", "node-4", "node-5"] }]);
        assert.equal((await budget({})).minAvailable, 3);
    });

    describe("at preview, against the running chain", () => {
        let quorum: FakeQuorum;
        const chain = async (validators: number[], ready?: number[]) => {
            quorum = new FakeQuorum(5, {}, 4);
            await quorum.start();
            quorum.useValidators(validators.map(address));
            podsReaching(workspace.fake, quorum, ready);
        };
        afterEach(() => quorum?.close());

        it("refuses more than one change in one up, naming the counts", async () => {
            await chain([1, 2, 3, 4]);
            await assert.rejects(render({ validators: "2" }), /validators: the running chain has 4 validators and the stack asks for 2, 2 changes; each vote must pass before the next, so change validators .* by one per pulumi up/);
            await render({ validators: "3" });
        });

        it("refuses a change while fewer than a majority of the validators' pods are Ready", async () => {
            await chain([1, 2, 3, 4], [1, 2, 5]);
            await assert.rejects(render({ validators: "3" }), /validators: removing 0x[0-9a-f]{40} needs the votes of 3 of the 4 validators, but only 2 of their pods are Ready/);
            await render({ validators: "4" });
        });

        it("goes ahead, warning, when the chain cannot be read (no istanbul API)", async () => {
            quorum = new FakeQuorum(5, { missingMethods: ["istanbul_getValidators"] }, 4);
            await quorum.start();
            podsReaching(workspace.fake, quorum);
            assert.ok(named(await render({ validators: "5" }), STEP));
        });
    });
});

describe("the vote step and npm run validators against fake GoQuorum nodes", function () {
    this.timeout(60_000);
    let fake: FakeHost;
    let quorum: FakeQuorum;
    const start = async (faults: FakeQuorumFaults = {}) => {
        quorum = new FakeQuorum(5, faults, 4);
        await quorum.start();
        podsReaching(fake, quorum);
    };
    const addresses = (...nodes: number[]) => nodes.map(fakeNodeAddress);
    const step = (phase: string, validators: string[], extra: Record<string, string> = {}) =>
        fake.shAsync(`${TS} operations/run.ts validator-votes ${phase}`, { KUBE_CONTEXT: "minikube", NAMESPACE: "quorum", VALIDATORS: JSON.stringify(validators), GENESIS_VALIDATORS: JSON.stringify(addresses(1, 2, 3, 4)), BLOCK_PERIOD: "1", ...extra });
    beforeEach(() => (fake = new FakeHost()));
    afterEach(() => {
        quorum.close();
        fake.dispose();
    });

    it("the fake tallies as GoQuorum: a change passes only when more than half of the validators voted", async () => {
        await start();
        const rpc = (node: number) => httpRpc(`http://127.0.0.1:${quorum.rpcPorts[node - 1]}`, 5000);
        await rpc(1)("istanbul_propose", [fakeNodeAddress(5), true]);
        await rpc(2)("istanbul_propose", [fakeNodeAddress(5), true]);
        await rpc(5)("istanbul_propose", [fakeNodeAddress(5), true]);
        assert.equal(quorum.validatorSet.length, 4, "2 of 4 validators (and a non-validator) are no majority");
        await rpc(3)("istanbul_propose", [fakeNodeAddress(5), true]);
        assert.deepEqual(quorum.validatorSet, addresses(1, 2, 3, 4, 5));
    });

    it("update 4 → 5: every validator votes, every node shows the set, the votes are withdrawn, the set is printed", async () => {
        await start();
        const result = await step("update", addresses(1, 2, 3, 4, 5));
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), addresses(1, 2, 3, 4, 5));
        assert.deepEqual(quorum.proposeCalls.map((call) => call.split(" ")[0]).sort(), ["1", "2", "3", "4"]);
        assert.match(result.stderr, /validators: 4 of 4 validators voted to add 0x[0-9a-f]{40}/);
        for (const node of [1, 2, 3, 4]) assert.deepEqual(await httpRpc(`http://127.0.0.1:${quorum.rpcPorts[node - 1]}`, 5000)("istanbul_candidates"), {});
        const again = await step("update", addresses(1, 2, 3, 4, 5));
        assert.equal(again.status, 0, again.stderr);
        assert.match(again.stderr, /already/);
        assert.equal(quorum.proposeCalls.length, 4, "a second run voted again");
    });

    it("update 5 → 4 removes the validator; create with the genesis's set touches no node", async () => {
        await start();
        quorum.useValidators(addresses(1, 2, 3, 4, 5));
        assert.equal((await step("update", addresses(1, 2, 3, 4))).status, 0);
        assert.deepEqual(quorum.validatorSet, addresses(1, 2, 3, 4));
        const calls = fake.calls().length;
        const created = await step("create", addresses(1, 2, 3, 4));
        assert.equal(created.status, 0, created.stderr);
        assert.equal(fake.calls().length, calls, "create of a genesis set ran kubectl");
    });

    it("a vote that does not pass in time fails with each node's set and how to resume, its votes withdrawn", async () => {
        await start({ votesNeverPass: true });
        const result = await step("update", addresses(1, 2, 3, 4, 5), { VOTE_TIMEOUT: "2" });
        assert.equal(result.status, 1);
        assert.match(result.stderr, /validators: the vote to add 0x[0-9a-f]{40} did not pass within 2 s \(node-set-1-0: 4 validators without 0x[0-9a-f]{40}; .*\); its votes were withdrawn: run the same again \(pulumi up\) to propose it anew/);
        assert.deepEqual(await httpRpc(`http://127.0.0.1:${quorum.rpcPorts[0]}`, 5000)("istanbul_candidates"), {});
    });

    it("npm run validators: add through a pod (every Ready node pod votes), then again: nothing to do; bad arguments: usage", async () => {
        await start();
        const tool = (args: string) => fake.shAsync(`${TS} operations/run.ts validator-votes ${args}`);
        const added = await tool(`add node-set-1-0 ${fakeNodeAddress(5)} --context minikube --namespace quorum`);
        assert.equal(added.status, 0, added.stderr);
        assert.equal(JSON.parse(added.stdout).length, 5);
        const again = await tool(`add node-set-1-0 ${fakeNodeAddress(5)} --context minikube --namespace quorum`);
        assert.match(again.stderr, /is a validator already; nothing to do/);
        const half = await tool(`add node-set-1-0 ${fakeNodeAddress(5)} --context minikube`);
        assert.equal(half.status, 2);
        assert.match(half.stderr, /^validators: give --context and --namespace together, or neither \(the stack's are used\)/);
        const both = await tool(`add node-set-1-0 ${fakeNodeAddress(5)} --stack dev --context minikube --namespace quorum`);
        assert.equal(both.status, 2);
        assert.match(both.stderr, /^validators: give --stack, or --context and --namespace, not both/);
        const urls = quorum.rpcPorts.map((port) => `http://127.0.0.1:${port}`).join(" ");
        const removed = await tool(`remove ${urls} ${fakeNodeAddress(5)}`);
        assert.equal(removed.status, 0, removed.stderr);
        assert.equal(JSON.parse(removed.stdout).length, 4);
        assert.equal((await tool("add node-set-1-0 0x1234")).status, 2);
    });
});

describe("Raft membership calls GoQuorum answers late", function () {
    this.timeout(30_000);
    let quorum: FakeQuorum;
    const enode = (n: number) => `enode://${n.toString(16).padStart(2, "0").repeat(64)}@10.96.0.${100 + n}:30303?discport=0&raftport=50400`;
    beforeEach(async () => {
        quorum = new FakeQuorum(3, { lateMembershipMs: 1500 });
        await quorum.start();
        quorum.useRaftMembers([1, 2, 3].map((n) => enode(n).slice(8, 136)));
    });
    afterEach(() => quorum.close());
    const rpc = () => httpRpc(`http://127.0.0.1:${quorum.rpcPorts[0]}`, 500);
    const options = { settleMs: 10_000, pollMs: 100 };

    it("an add whose answer times out is found in raft_cluster, not proposed twice", async () => {
        const { raftId, added } = await addRaftPeer(rpc(), enode(4), options);
        assert.deepEqual([raftId, added], [4, true]);
        assert.deepEqual(quorum.membershipCalls.filter((call) => call.startsWith("add")).length, 1);
    });

    it("a removal whose answer times out is seen gone from raft_cluster", async () => {
        assert.equal(await removeRaftPeer(rpc(), 3, options), true);
        assert.deepEqual(quorum.membershipCalls, ["remove 3"]);
    });
});
