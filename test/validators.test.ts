// Changing the validators of a running IBFT/QBFT network by vote: the render (one step, set by
// config; no pod touched), the refusals at preview, the vote step and npm run validators against
// fake GoQuorum nodes that tally votes with the majority rule.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Wallet } from "ethers";
import { httpRpc } from "../lib/httpRequest";
import { QuorumRule } from "../lib/model/consensus";
import { ObservedNetwork, ObservedNode } from "../lib/model/observed";
import { addRaftPeer, removeRaftPeer } from "../operations/raft-membership/act";
import { ValidatorStepRequest } from "../operations/validator-votes/cli";
import { validatorChangeProblem } from "../operations/validator-votes/plan";
import { FakeHost } from "./support/fakeHost";
import { fakeNodeAddress, FakeQuorum, FakeQuorumFaults } from "./support/fakeQuorum";
import { ProgramRun, runProgram, workspaceFixture } from "./support/program";
import { container, named } from "./support/query";
import { pregenerateKeys } from "./support/workspace";

const TS = "node -r ts-node/register/transpile-only";
const STEP = "quorum-validators";

/** Pod node-set-N-0 reaches fake node N; `ready` lists the Ready ones (all by default); `absent` have no pod (a lost node). */
function podsReaching(
    fake: FakeHost,
    quorum: FakeQuorum,
    { ready = quorum.rpcPorts.map((_, i) => i + 1), absent = [] as number[] } = {},
): void {
    const kube = path.join(fake.state, "kube");
    const present = quorum.rpcPorts.map((_, i) => i + 1).filter((node) => !absent.includes(node));
    const status = (node: number) => ({
        conditions: [{ type: "Ready", status: ready.includes(node) ? "True" : "False" }],
    });
    const items = present.map((node) => ({ metadata: { name: `node-set-${node}-0` }, status: status(node) }));
    fs.mkdirSync(kube, { recursive: true });
    fs.writeFileSync(path.join(kube, "pods.json"), JSON.stringify({ items }));
    for (const [i, port] of quorum.rpcPorts.entries()) {
        fs.mkdirSync(path.join(kube, "forward", `pod_node-set-${i + 1}-0`), { recursive: true });
        fs.writeFileSync(path.join(kube, "forward", `pod_node-set-${i + 1}-0`, "8545"), String(port));
    }
}

describe("validator changes the chain can seal after (plan, GoQuorum 24.4.1's quorum)", () => {
    const member = (index: number) => `0x${index.toString(16).padStart(40, "0")}`;
    const first = (count: number) => Array.from({ length: count }, (_, i) => member(i + 1));
    const QBFT: QuorumRule = { kind: "qbft", validators: 0, ceil2Nby3Block: 0 };
    const IBFT_NEW_CHAIN: QuorumRule = { kind: "ibft", validators: 0, ceil2Nby3Block: 0 };
    const IBFT_2F_PLUS_1: QuorumRule = { kind: "ibft", validators: 0 };
    /** Nodes 1..nodes at block 100, the first `validators` the chain's set; `lost` answer nothing, `behind` are at block 50. */
    const network = (
        rule: QuorumRule,
        nodes: number,
        validators: number,
        lost: number[] = [],
        behind: number[] = [],
    ): ObservedNetwork => {
        const node = (index: number): ObservedNode => {
            const base = { index, name: `node-${index}`, identity: member(index) };
            if (lost.includes(index)) return { ...base, podReady: false, error: "no pod" };
            return { ...base, podReady: true, head: { number: behind.includes(index) ? 50 : 100 }, peers: nodes - 1 };
        };
        return { rule, nodes: Array.from({ length: nodes }, (_, i) => node(i + 1)), chainSet: first(validators) };
    };

    it("QBFT 3 → 2 with node-1 lost: removing live node-3 would halt; the refusal names the lost one's address and the vote by hand", () => {
        assert.equal(
            validatorChangeProblem(network(QBFT, 3, 3, [1]), first(2)),
            `after removing node-3 (${member(3)}), 1 of 2 validators in step; sealing needs 2. ` +
                `The stack removes the highest-numbered validator, which is in step, while node-1 (${member(1)}) is not (pod not Ready): ` +
                `vote that one out by hand instead (npm run validators -- remove node-set-2-0 ${member(1)}), ` +
                `or restore its volume or bring it back before lowering validators`,
        );
    });

    it("refuses each removal that leaves too few in step, naming the numbers", () => {
        const refusal = (rule: QuorumRule, validators: number, lost: number[]) =>
            validatorChangeProblem(network(rule, validators, validators, lost), first(validators - 1)) ?? "";
        assert.match(
            refusal(QBFT, 6, [1, 2]),
            /^after removing node-6 \(0x0+6\), 3 of 5 validators in step; sealing needs 4\. .*node-1 \(0x0+1\) is not/,
        );
        assert.match(
            refusal(QBFT, 9, [1, 2, 3]),
            /^after removing node-9 \(0x0+9\), 5 of 8 validators in step; sealing needs 6\./,
        );
        assert.match(
            refusal(IBFT_2F_PLUS_1, 5, [1, 2]),
            /^after removing node-5 \(0x0+5\), 2 of 4 validators in step; sealing needs 3\./,
        );
        assert.match(
            refusal(IBFT_NEW_CHAIN, 3, [1]),
            /^after removing node-3 \(0x0+3\), 1 of 2 validators in step; sealing needs 2\./,
        );
        const halted =
            /^the chain is not sealing: 3 of 5 validators in step; sealing needs 4; bring back node-1 .*: pod not Ready; node-2/;
        assert.match(refusal(IBFT_NEW_CHAIN, 5, [1, 2]), halted);
    });

    it("under 2F+1 (no ceil2Nby3Block) 2 validators seal on 1, and a vote still needs more than half", () => {
        assert.equal(validatorChangeProblem(network(IBFT_2F_PLUS_1, 3, 3, [1]), first(2)), undefined);
        const sixWithThreeLost = validatorChangeProblem(network(IBFT_2F_PLUS_1, 6, 6, [1, 2, 3]), first(5)) ?? "";
        assert.match(
            sixWithThreeLost,
            /^removing node-6 \(0x0+6\) needs the votes of 4 of the 6 validators, but only 3 are in step/,
        );
    });

    it("allows removals with every validator in step: 4 → 3 and 3 → 2", () => {
        assert.equal(validatorChangeProblem(network(QBFT, 4, 4), first(3)), undefined);
        assert.equal(validatorChangeProblem(network(QBFT, 3, 3), first(2)), undefined);
        assert.equal(
            validatorChangeProblem(network(QBFT, 4, 4, [1]), first(3)),
            undefined,
            "4 → 3 with one lost: 2 of 3 still seal",
        );
    });

    it("adds a validator only once it is in step, or when this up creates its node (the vote step waits for it)", () => {
        assert.equal(
            validatorChangeProblem(network(QBFT, 5, 4, [], [5]), first(5)),
            `node-5 (${member(5)}) is not in step (50 blocks behind): voted in now it would count toward the quorum without sealing; ` +
                "wait until it has caught up, then change validators",
        );
        assert.equal(validatorChangeProblem(network(QBFT, 5, 4), first(5)), undefined);
        assert.equal(validatorChangeProblem(network(QBFT, 5, 4, [5]), first(5), { comingUp: [member(5)] }), undefined);
        const nineWithFourLost = validatorChangeProblem(network(IBFT_2F_PLUS_1, 10, 9, [1, 2, 3, 4]), first(10)) ?? "";
        assert.match(
            nineWithFourLost,
            /^after adding node-10 \(0x0+a\), 6 of 10 validators in step; sealing needs 7; bring back node-1/,
        );
    });

    it("refuses more than one change at a time", () => {
        assert.match(
            validatorChangeProblem(network(QBFT, 4, 4), first(2)) ?? "",
            /^the running chain has 4 validators and the stack asks for 2, 2 changes/,
        );
    });
});

describe("validators of a running QBFT network (goquorum stack, 5 nodes)", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture();
    let keysDir: string;
    before(async () => (keysDir = await pregenerateKeys(workspace.projectDir, "goquorum", 5)));
    const render = (config: Record<string, string> = {}) =>
        runProgram({ stack: "goquorum", fake: workspace.fake, projectDir: workspace.projectDir, config });
    const address = (index: number) =>
        new Wallet(
            `0x${fs.readFileSync(path.join(keysDir, `qdata_${index}/ethereum/nodekey`), "utf8")}`,
        ).address.toLowerCase();
    const stepRequest = (run: ProgramRun) =>
        JSON.parse(named(run, STEP).inputs.environment.STEP_REQUEST) as ValidatorStepRequest;
    const setOf = (run: ProgramRun, index: number) => named(run, `quorum-node-${index}-set`).inputs;
    afterEach(() => fs.rmSync(path.join(workspace.fake.state, "kube"), { recursive: true, force: true }));

    it("declares one vote step after every node: the first 4 nodes' signing addresses, from the genesis's 4", async () => {
        const run = await render();
        assert.deepEqual(Object.keys(named(run, STEP).inputs.environment), ["STEP_REQUEST"]);
        const validators = [1, 2, 3, 4].map(address);
        assert.deepEqual(stepRequest(run), {
            kubeContext: "minikube",
            namespace: "quorum-goquorum",
            validators,
            genesisValidators: validators,
            blockPeriodSeconds: 1,
        });
        assert.match(named(run, STEP).inputs.create, /operations\/run\.ts validator-votes create$/);
        assert.match(named(run, STEP).inputs.update, /operations\/run\.ts validator-votes update$/);
        assert.equal(named(run, STEP).inputs.delete, undefined, "a destroy votes nothing");
    });

    it("4 → 5: only the step's set and the budget change; every StatefulSet stays as it was, each node mines", async () => {
        const [four, five] = [await render(), await render({ validators: "5" })];
        assert.deepEqual(stepRequest(five).validators, [1, 2, 3, 4, 5].map(address));
        assert.deepEqual(stepRequest(five).genesisValidators, [1, 2, 3, 4].map(address));
        for (const index of [1, 2, 3, 4, 5])
            assert.deepEqual(setOf(five, index), setOf(four, index), `node-set-${index} changed`);
        for (const index of [1, 5])
            assert.ok(container(five, index, "quorum").args?.includes("--mine"), `node ${index} mines`);
        assert.ok(
            !("kaleido.io/validator" in setOf(five, 1).spec.template.metadata.labels),
            "no validator label on pods",
        );
        assert.equal(named(five, "quorum-node-5-service").inputs.metadata.labels["kaleido.io/validator"], "true");
        assert.equal(named(four, "quorum-node-5-service").inputs.metadata.labels["kaleido.io/validator"], undefined);
    });

    it("5 → 4 on a cluster: the disruption budget follows, picking the validators by instance", async () => {
        const budget = async (config: Record<string, string>) =>
            named(await render({ platform: "kubernetes", hostPathRoot: "", ...config }), "quorum-nodes-budget").inputs
                .spec;
        const five = await budget({ validators: "5" });
        assert.equal(five.minAvailable, 4);
        assert.deepEqual(five.selector.matchExpressions, [
            {
                key: "app.kubernetes.io/instance",
                operator: "In",
                values: ["node-1", "node-2", "node-3", "node-4", "node-5"],
            },
        ]);
        assert.equal((await budget({})).minAvailable, 3);
    });

    describe("at preview, against the running chain", () => {
        let quorum: FakeQuorum;
        const nodeKey = (index: number) =>
            fs.readFileSync(path.join(keysDir, `qdata_${index}/ethereum/nodekey`), "utf8");
        const publicKey = (index: number) => new Wallet(`0x${nodeKey(index)}`).signingKey.publicKey.slice(4);
        /** Fake node N answers as the stack's node N; the chain's set is `validators`. */
        const chain = async (validators: number[], faults: FakeQuorumFaults = {}, absent: number[] = []) => {
            quorum = new FakeQuorum(5, { stillChain: true, ...faults }, 4);
            await quorum.start();
            quorum.useNodeKeys([1, 2, 3, 4, 5].map(publicKey), [1, 2, 3, 4, 5].map(address));
            quorum.useValidators(validators.map(address));
            podsReaching(workspace.fake, quorum, { absent });
        };
        afterEach(() => quorum?.close());

        it("refuses more than one change in one up, naming the counts", async () => {
            await chain([1, 2, 3, 4]);
            await assert.rejects(
                render({ validators: "2" }),
                /validators: the running chain has 4 validators and the stack asks for 2, 2 changes; each vote must pass before the next, so change validators .* by one per pulumi up/,
            );
            await render({ validators: "3" });
        });

        it("refuses 3 → 2 with node-1 lost, naming the numbers and the vote by hand that removes the lost one instead", async () => {
            await chain([1, 2, 3], {}, [1]);
            const advice = `vote that one out by hand instead \\(npm run validators -- remove node-set-2-0 ${address(1)}\\)`;
            const numbers = `validators: after removing node-3 \\(${address(3)}\\), 1 of 2 validators in step; sealing needs 2\\.`;
            const refusal = new RegExp(`${numbers} .*node-1 \\(${address(1)}\\) is not \\(pod not Ready\\): ${advice}`);
            await assert.rejects(render({ validators: "2" }), refusal);
            await render({ validators: "3" });
        });

        it("refuses to add a validator whose node is syncing; allows it once in step", async () => {
            await chain([1, 2, 3, 4], { behind: { node: 5, blocks: 5 } });
            await assert.rejects(
                render({ validators: "5" }),
                new RegExp(`validators: node-5 \\(${address(5)}\\) is not in step \\(5 blocks behind\\)`),
            );
            quorum.close();
            await chain([1, 2, 3, 4]);
            await render({ validators: "5" });
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
    /** Nodes 1..5 whose chain stays at one height (so every answering node is in step), nodes 1..4 the validators. */
    const start = async (faults: FakeQuorumFaults = {}, absent: number[] = []) => {
        quorum = new FakeQuorum(5, { stillChain: true, ...faults }, 4);
        await quorum.start();
        podsReaching(fake, quorum, { absent });
    };
    const addresses = (...nodes: number[]) => nodes.map(fakeNodeAddress);
    const step = (phase: string, validators: string[], extra: Record<string, string> = {}) => {
        const request: ValidatorStepRequest = {
            kubeContext: "minikube",
            namespace: "quorum",
            validators,
            genesisValidators: addresses(1, 2, 3, 4),
            blockPeriodSeconds: 1,
        };
        return fake.shAsync(`${TS} operations/run.ts validator-votes ${phase}`, {
            STEP_REQUEST: JSON.stringify(request),
            ...extra,
        });
    };
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
        for (const node of [1, 2, 3, 4])
            assert.deepEqual(
                await httpRpc(`http://127.0.0.1:${quorum.rpcPorts[node - 1]}`, 5000)("istanbul_candidates"),
                {},
            );
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

    it("a vote that does not pass in time fails with each node's set, what becomes of the votes and how to resume", async () => {
        await start({ votesNeverPass: true });
        const result = await step("update", addresses(1, 2, 3, 4, 5), { VOTE_TIMEOUT: "2" });
        assert.equal(result.status, 1);
        assert.match(
            result.stderr,
            /validators: the vote to add 0x[0-9a-f]{40} did not pass within 2 s \(node-1: 4 validators without 0x[0-9a-f]{40}; .*\); /,
        );
        assert.match(
            result.stderr,
            new RegExp(
                "; no more votes will be proposed; 0 votes already sealed in blocks count until the next epoch block \\(block 30000\\): " +
                    "the change may still pass before then if 3 more validators vote for it: run the same again \\(pulumi up\\) to propose it anew",
            ),
        );
        assert.deepEqual(await httpRpc(`http://127.0.0.1:${quorum.rpcPorts[0]}`, 5000)("istanbul_candidates"), {});
    });

    it("update 3 → 2 with node-1 lost: refused before any vote, naming the numbers", async () => {
        await start({}, [1]);
        quorum.useValidators(addresses(1, 2, 3));
        const result = await step("update", addresses(1, 2));
        assert.equal(result.status, 1);
        const refusal = `validators: after removing node-3 (${fakeNodeAddress(3)}), 1 of 2 validators in step; sealing needs 2. `;
        assert.ok(result.stderr.includes(refusal), result.stderr);
        assert.ok(
            result.stderr.includes(`npm run validators -- remove node-set-2-0 ${fakeNodeAddress(1)}`),
            result.stderr,
        );
        assert.deepEqual(quorum.proposeCalls, []);
    });

    it("an added validator is voted in only once in step: a node that stays behind fails the step, naming why, without a vote", async () => {
        await start({ behind: { node: 5, blocks: 5 } });
        const result = await step("update", addresses(1, 2, 3, 4, 5), { VOTE_TIMEOUT: "2" });
        assert.equal(result.status, 1);
        assert.match(
            result.stderr,
            /validators: node-5 \(0x[0-9a-f]{40}\) is not in step after 2 s \(5 blocks behind\); it is voted in only once it is/,
        );
        assert.deepEqual(quorum.proposeCalls, []);
    });

    it("npm run validators: add through a pod (every validator in step votes), then again: nothing to do; bad arguments: usage", async () => {
        await start();
        const tool = (args: string) => fake.shAsync(`${TS} operations/run.ts validator-votes ${args}`);
        const added = await tool(`add node-set-1-0 ${fakeNodeAddress(5)} --context minikube --namespace quorum`);
        assert.equal(added.status, 0, added.stderr);
        assert.equal(JSON.parse(added.stdout).length, 5);
        const again = await tool(`add node-set-1-0 ${fakeNodeAddress(5)} --context minikube --namespace quorum`);
        assert.match(again.stderr, /is a validator already; nothing to do/);
        const half = await tool(`add node-set-1-0 ${fakeNodeAddress(5)} --context minikube`);
        assert.equal(half.status, 2);
        assert.match(
            half.stderr,
            /^validators: give --context and --namespace together, or neither \(the stack's are used\)/,
        );
        const both = await tool(
            `add node-set-1-0 ${fakeNodeAddress(5)} --stack dev --context minikube --namespace quorum`,
        );
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
    const enode = (n: number) =>
        `enode://${n.toString(16).padStart(2, "0").repeat(64)}@10.96.0.${100 + n}:30303?discport=0&raftport=50400`;
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
