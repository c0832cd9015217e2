import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ObservedNetwork, ObservedNode } from "../lib/model/observed";
import { leaveStep, promotionStep, PromotionStep, RaftClusterMember } from "../operations/raft-membership/plan";
import { FakeHost } from "./support/fakeHost";
import { fakePublicKey } from "./support/fakeQuorum";
import { ProgramRun, runProgram, workspaceFixture } from "./support/program";
import { named, seededText } from "./support/query";

/** The node StatefulSets the fake cluster runs: index -> annotations (none: no Raft member, another consensus ran there). */
function runningNodes(fake: FakeHost, nodes: Record<number, Record<string, string> | undefined>): void {
    const items = Object.entries(nodes).map(([index, annotations]) => ({
        metadata: { name: `node-set-${index}`, annotations },
    }));
    fs.mkdirSync(path.join(fake.state, "kube"), { recursive: true });
    fs.writeFileSync(path.join(fake.state, "kube", "statefulsets.json"), JSON.stringify({ items }));
}

/** A StatefulSet's Raft record, among its other annotations. */
const raftRecord = (annotations: Record<string, string>) =>
    Object.fromEntries(Object.entries(annotations).filter(([key]) => key.startsWith("kaleido.io/raft-")));
const founder = (index: number, founders = 5) => ({
    "kaleido.io/raft-id": String(index),
    "kaleido.io/raft-joined": "false",
    "kaleido.io/raft-founders": String(founders),
});

function quorumArgs(run: ProgramRun, index: number): string[] {
    return named(run, `quorum-node-${index}-set`).inputs.spec.template.spec.containers.find(
        (c: { name: string }) => c.name === "quorum",
    ).args;
}

describe("Raft: growing and shrinking a running network (the seed's stack under mocks)", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ kaleido: 5 });
    let fake: FakeHost;
    let projectDir: string;
    let fresh: ProgramRun;

    before(async () => {
        ({ fake, projectDir } = workspace);
        fresh = await runProgram({ stack: "kaleido", fake, projectDir });
    });

    it("a new network: every node a founder (--raftInit), recorded on its StatefulSet; no membership step", () => {
        for (let index = 1; index <= 5; index++) {
            assert.ok(quorumArgs(fresh, index).includes("--raftInit"));
            assert.deepEqual(
                raftRecord(named(fresh, `quorum-node-${index}-set`).inputs.metadata.annotations),
                founder(index),
            );
        }
        assert.deepEqual(
            fresh.resources.filter((r) => /raft-(join|leave)$/.test(r.name)).map((r) => r.name),
            [],
        );
    });

    describe("5 → 6", () => {
        let grown: ProgramRun;
        before(async () => {
            runningNodes(fake, { 1: founder(1), 2: founder(2), 3: founder(3), 4: founder(4), 5: founder(5) });
            grown = await runProgram({
                stack: "kaleido",
                fake,
                projectDir,
                config: { nodeCount: "6" },
                raftIds: { "quorum-node-6-raft-join": 7 },
            });
        });

        it("leaves the running members' StatefulSets exactly as they were, seed id included", () => {
            for (let index = 1; index <= 5; index++) {
                assert.deepEqual(
                    named(grown, `quorum-node-${index}-set`).inputs,
                    named(fresh, `quorum-node-${index}-set`).inputs,
                    `node-set-${index} changed`,
                );
                assert.equal(
                    named(grown, `quorum-node-${index}-qdata-seed`).inputs.environment.SEED_ID,
                    named(fresh, `quorum-node-${index}-qdata-seed`).inputs.environment.SEED_ID,
                );
            }
        });

        it("gives every member the grown peer list, updated in place by its seed step", () => {
            for (let index = 1; index <= 6; index++) {
                const staticNodes = JSON.parse(seededText(grown, index, "ethereum/static-nodes.json")!) as string[];
                assert.deepEqual(
                    staticNodes,
                    grown.outputs.nodes.map((node) => node.enode),
                    `node ${index}`,
                );
            }
            assert.equal(grown.outputs.nodes.length, 6);
        });

        it("adds node 6 on the running members, after them, before its pod, and starts it with the id it got", () => {
            const join = named(grown, "quorum-node-6-raft-join");
            assert.equal(join.type, "command:local:Command");
            assert.equal(
                join.inputs.create,
                "node -r ts-node/register/transpile-only operations/run.ts raft-membership join",
            );
            assert.deepEqual(Object.keys(join.inputs.environment), ["STEP_REQUEST"]);
            assert.deepEqual(JSON.parse(join.inputs.environment.STEP_REQUEST), {
                kubeContext: "minikube",
                namespace: "quorum",
                index: 6,
                enode: grown.outputs.nodes[5].enode,
            });
            assert.equal(join.inputs.delete, undefined, "a destroy must not change membership");
            assert.deepEqual(
                join.dependsOn,
                [1, 2, 3, 4, 5].map((index) => `quorum-node-${index}-set`),
            );
            assert.ok(named(grown, "quorum-node-6-set").dependsOn.includes("quorum-node-6-raft-join"));
            const args = quorumArgs(grown, 6);
            assert.ok(args.includes("--raftID=7") && !args.includes("--raftInit"), args.join(" "));
            assert.deepEqual(raftRecord(named(grown, "quorum-node-6-set").inputs.metadata.annotations), {
                "kaleido.io/raft-id": "7",
                "kaleido.io/raft-joined": "true",
            });
        });

        it("promotes node 6 to a voting member by a step after its pod (it waits for the pod in step itself)", () => {
            const promote = named(grown, "quorum-node-6-raft-promote");
            assert.equal(
                promote.inputs.create,
                "node -r ts-node/register/transpile-only operations/run.ts raft-membership promote",
            );
            assert.deepEqual(promote.dependsOn, ["quorum-node-6-set"]);
            assert.equal(promote.inputs.delete, undefined, "a destroy must not change membership");
        });

        it("joins two new members one after the other: the second after the first is promoted", async () => {
            const two = await runProgram({
                stack: "kaleido",
                fake,
                projectDir,
                config: { nodeCount: "7" },
                raftIds: { "quorum-node-6-raft-join": 6, "quorum-node-7-raft-join": 7 },
            });
            assert.ok(named(two, "quorum-node-7-raft-join").dependsOn.includes("quorum-node-6-raft-promote"));
            assert.ok(!named(two, "quorum-node-6-raft-join").dependsOn.includes("quorum-node-7-raft-join"));
        });
    });

    it("keeps a joined member's step as it was, so it never runs again, and its recorded id", async () => {
        runningNodes(fake, { 1: founder(1), 2: founder(2), 3: founder(3), 4: founder(4), 5: founder(5) });
        const grown = await runProgram({
            stack: "kaleido",
            fake,
            projectDir,
            config: { nodeCount: "6" },
            raftIds: { "quorum-node-6-raft-join": 7 },
        });
        runningNodes(fake, {
            1: founder(1),
            2: founder(2),
            3: founder(3),
            4: founder(4),
            5: founder(5),
            6: { "kaleido.io/raft-id": "7", "kaleido.io/raft-joined": "true" },
        });
        const again = await runProgram({
            stack: "kaleido",
            fake,
            projectDir,
            config: { nodeCount: "6" },
            raftIds: { "quorum-node-6-raft-join": 7 },
        });
        assert.deepEqual(
            named(again, "quorum-node-6-raft-join").inputs,
            named(grown, "quorum-node-6-raft-join").inputs,
        );
        assert.deepEqual(named(again, "quorum-node-6-set").inputs, named(grown, "quorum-node-6-set").inputs);
    });

    describe("6 → 5 (node 6 joined earlier with Raft id 7)", () => {
        let shrunk: ProgramRun;
        before(async () => {
            runningNodes(fake, {
                1: founder(1),
                2: founder(2),
                3: founder(3),
                4: founder(4),
                5: founder(5),
                6: { "kaleido.io/raft-id": "7", "kaleido.io/raft-joined": "true" },
            });
            shrunk = await runProgram({ stack: "kaleido", fake, projectDir, config: { nodeCount: "5" } });
        });

        it("removes node 6 by its recorded id on a remaining member; its workload goes after (it is no longer declared)", () => {
            const leave = named(shrunk, "quorum-node-6-raft-leave");
            assert.equal(
                leave.inputs.create,
                "node -r ts-node/register/transpile-only operations/run.ts raft-membership leave",
            );
            assert.deepEqual(JSON.parse(leave.inputs.environment.STEP_REQUEST), {
                kubeContext: "minikube",
                namespace: "quorum",
                index: 6,
                raftId: 7,
            });
            assert.deepEqual(
                shrunk.resources.filter((r) => r.name.startsWith("quorum-node-6-")).map((r) => r.name),
                ["quorum-node-6-raft-leave"],
                "node 6's workload is still declared",
            );
        });

        it("keeps the remaining members' StatefulSets as they were; their peer list drops node 6", () => {
            for (let index = 1; index <= 5; index++) {
                assert.deepEqual(
                    named(shrunk, `quorum-node-${index}-set`).inputs,
                    named(fresh, `quorum-node-${index}-set`).inputs,
                );
                assert.equal(JSON.parse(seededText(shrunk, index, "ethereum/static-nodes.json")!).length, 5);
            }
        });

        it("after a first up cut short (3 of 5 founders made), the other two are still founders, not joiners", async () => {
            runningNodes(fake, { 1: founder(1), 2: founder(2), 3: founder(3) });
            const resumed = await runProgram({ stack: "kaleido", fake, projectDir, config: { nodeCount: "5" } });
            for (let index = 1; index <= 5; index++)
                assert.deepEqual(
                    named(resumed, `quorum-node-${index}-set`).inputs,
                    named(fresh, `quorum-node-${index}-set`).inputs,
                );
            assert.deepEqual(
                resumed.resources.filter((r) => /raft-(join|leave)$/.test(r.name)).map((r) => r.name),
                [],
            );
        });

        it("removed founders come back by joining (5 → 3 → 5)", async () => {
            runningNodes(fake, { 1: founder(1, 3), 2: founder(2, 3), 3: founder(3, 3) });
            const regrown = await runProgram({
                stack: "kaleido",
                fake,
                projectDir,
                config: { nodeCount: "5" },
                raftIds: { "quorum-node-4-raft-join": 6, "quorum-node-5-raft-join": 7 },
            });
            assert.ok(quorumArgs(regrown, 4).includes("--raftID=6"));
            assert.ok(quorumArgs(regrown, 5).includes("--raftID=7"));
            assert.ok(quorumArgs(regrown, 3).includes("--raftInit"));
        });

        it("removes founders by their place (5 → 3), highest first, one at a time", async () => {
            runningNodes(fake, { 1: founder(1), 2: founder(2), 3: founder(3), 4: founder(4), 5: founder(5) });
            const three = await runProgram({ stack: "kaleido", fake, projectDir, config: { nodeCount: "3" } });
            assert.equal(
                JSON.parse(named(three, "quorum-node-5-raft-leave").inputs.environment.STEP_REQUEST).raftId,
                5,
            );
            assert.equal(
                JSON.parse(named(three, "quorum-node-4-raft-leave").inputs.environment.STEP_REQUEST).raftId,
                4,
            );
            assert.deepEqual(named(three, "quorum-node-4-raft-leave").dependsOn, ["quorum-node-5-raft-leave"]);
            // The 3 left are the founders now.
            for (let index = 1; index <= 3; index++) {
                assert.ok(quorumArgs(three, index).includes("--raftInit"));
                assert.equal(
                    named(three, `quorum-node-${index}-set`).inputs.metadata.annotations["kaleido.io/raft-founders"],
                    "3",
                );
            }
        });
    });

    it("runtime goquorum: the joining member's geth gets --raftjoinexisting <id>, the founders nothing", async () => {
        runningNodes(fake, { 1: founder(1), 2: founder(2), 3: founder(3), 4: founder(4), 5: founder(5) });
        const run = await runProgram({
            stack: "kaleido",
            fake,
            projectDir,
            config: { runtime: "goquorum", nodeCount: "6" },
            raftIds: { "quorum-node-6-raft-join": 7 },
        });
        const joining = quorumArgs(run, 6);
        assert.deepEqual(joining.slice(joining.indexOf("--raft"), joining.indexOf("--metrics")), [
            "--raft",
            "--raftport",
            "50400",
            "--raftblocktime",
            "50",
            "--raftjoinexisting",
            "7",
        ]);
        assert.ok(!quorumArgs(run, 5).includes("--raftjoinexisting"));
    });
});

describe("Raft: when a membership step may change the cluster (pure, from the chain as observed)", () => {
    /** Node N at block 100, peered, its enode key fakePublicKey(N); node 1 leads unless said. */
    const node = (index: number, over: Partial<ObservedNode> = {}): ObservedNode => ({
        ...{
            index,
            name: `node-${index}`,
            podReady: true,
            head: { number: 100 },
            peers: 3,
            identity: fakePublicKey(index),
        },
        ...(index === 1 ? { raftRole: "minter" } : {}),
        ...over,
    });
    const down = (index: number) =>
        node(index, { podReady: false, error: "no pod", head: undefined, raftRole: undefined });
    /** raft_cluster's entry of node N with this Raft id. */
    const entry = (index: number, role: string, raftId = index): RaftClusterMember => ({
        raftId,
        nodeId: fakePublicKey(index),
        role,
    });
    const cluster = (voters: number, leader = 1) =>
        Array.from({ length: voters }, (_, i) => entry(i + 1, i + 1 === leader ? "minter" : "verifier"));
    const observed = (nodes: ObservedNode[], voters: number): ObservedNetwork => ({
        rule: { kind: "raft" },
        nodes,
        chainSet: Array.from({ length: voters }, (_, i) => fakePublicKey(i + 1)),
    });
    const three = [1, 2, 3].map((index) => node(index));

    describe("promotionStep: a learner votes only once its own node is in step", () => {
        const joining = { index: 4, key: fakePublicKey(4) };
        const withLearner = [...cluster(3), entry(4, "learner", 6)];
        const whyOf = (step: PromotionStep) => (step.kind === "wait" ? step.why : step.kind);

        it("promotes a learner in step while a leader has a majority", () => {
            assert.deepEqual(promotionStep(withLearner, joining, observed([...three, node(4)], 3)), {
                kind: "promote",
                raftId: 6,
            });
        });

        it("waits, saying why, while the learner trails, has no pod, or no leader can commit", () => {
            const behind = promotionStep(
                withLearner,
                joining,
                observed([...three, node(4, { head: { number: 95 } })], 3),
            );
            assert.deepEqual(behind, { kind: "wait", raftId: 6, why: "node-4 is not in step: 5 blocks behind" });
            assert.match(
                whyOf(promotionStep(withLearner, joining, observed([...three, down(4)], 3))),
                /node-4 is not in step: pod not Ready/,
            );
            const noMajority = promotionStep(withLearner, joining, observed([node(1), down(2), down(3), node(4)], 3));
            assert.match(whyOf(noMajority), /only 1 of 3 members are in step and a leader needs 2/);
        });

        it("leaves a voting member as it is, waits while no leader is known, and refuses one not in the cluster", () => {
            assert.deepEqual(promotionStep([...cluster(3), entry(4, "verifier", 6)], joining, observed(three, 3)), {
                kind: "done",
                raftId: 6,
            });
            const noRoles = [...cluster(3), entry(4, "", 6)].map((member) => ({ ...member, role: "" }));
            assert.equal(promotionStep(noRoles, joining, observed(three, 3)).kind, "wait");
            assert.deepEqual(promotionStep(cluster(3), joining, observed(three, 3)), { kind: "notMember" });
        });
    });

    describe("leaveStep: never the leader, never below a majority", () => {
        const five = [1, 2, 3, 4, 5].map((index) => node(index));

        it("removes a member that does not lead while the rest keep a majority in step; one gone is done", () => {
            assert.deepEqual(leaveStep(cluster(5), { index: 5, raftId: 5 }, observed(five, 5)), { kind: "remove" });
            assert.deepEqual(leaveStep(cluster(4), { index: 5, raftId: 5 }, observed(five, 4)), { kind: "gone" });
        });

        it("moves leadership first when the member leads, by raft_cluster or by its own raft_role", () => {
            assert.deepEqual(leaveStep(cluster(5, 5), { index: 5, raftId: 5 }, observed(five, 5)), {
                kind: "moveLeadership",
            });
            const claims = five.map((member) => (member.index === 5 ? { ...member, raftRole: "minter" } : member));
            assert.deepEqual(leaveStep(cluster(5), { index: 5, raftId: 5 }, observed(claims, 5)), {
                kind: "moveLeadership",
            });
        });

        it("refuses with the numbers when the rest would lack a majority in step", () => {
            const step = leaveStep(
                cluster(5),
                { index: 5, raftId: 5 },
                observed([node(1), node(2), down(3), down(4), node(5)], 5),
            );
            assert.deepEqual(step, {
                kind: "refuse",
                why: "removing node-5 would leave 2 of the other 4 Raft members in step; they need 3",
            });
        });

        it("refuses to move leadership the others could not take: 4 members, 2 of the other 3 in step, an election needs 3", () => {
            const step = leaveStep(
                cluster(4, 4),
                { index: 4, raftId: 4 },
                observed([node(1), node(2), down(3), node(4)], 4),
            );
            const why =
                "node-4 leads, and 2 of the other 3 Raft members in step cannot elect another without it (3 votes of 4)";
            assert.deepEqual(step, { kind: "refuse", why });
            assert.equal(
                leaveStep(cluster(2, 2), { index: 2, raftId: 2 }, observed([node(1), node(2)], 2)).kind,
                "refuse",
            );
        });

        it("waits while the removal could not commit (the leaving member down too), and removes a learner without counting it", () => {
            const step = leaveStep(
                cluster(4),
                { index: 4, raftId: 4 },
                observed([node(1), node(2), down(3), down(4)], 4),
            );
            assert.deepEqual(step, {
                kind: "wait",
                why: "2 of 4 Raft members are in step; the removal commits with 3",
            });
            assert.deepEqual(
                leaveStep(
                    [...cluster(3), entry(4, "learner", 7)],
                    { index: 4, raftId: 7 },
                    observed([...three, down(4)], 3),
                ),
                { kind: "remove" },
            );
        });
    });
});
