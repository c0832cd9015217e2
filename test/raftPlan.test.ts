// Raft planning on its own: founders, joiners and leavers from the members running now.
import { strict as assert } from "assert";
import { membersFrom, planRaft, RaftStart } from "../operations/raft-membership/plan";

const founder = (founders = 5): RaftStart => ({ kind: "founder", founders });
const joined = (raftId: number): RaftStart => ({ kind: "joiner", raftId });
const running = (entries: [number, RaftStart][]) => new Map(entries);

describe("Raft plan (lib/network/raftPlan.ts)", () => {
    it("founds a new network with every node", () => {
        const plan = planRaft(new Map(), 3);
        assert.deepEqual(
            [...plan.entries.values()],
            [1, 2, 3].map(() => ({ kind: "founder", founders: 3 })),
        );
        assert.deepEqual(plan.leaves, []);
    });

    it("lets new members join after the running ones, one join after another", () => {
        const plan = planRaft(
            running([
                [1, founder(3)],
                [2, founder(3)],
                [3, founder(3)],
            ]),
            5,
        );
        assert.deepEqual(plan.entries.get(3), { kind: "founder", founders: 3 });
        assert.deepEqual(plan.entries.get(4), { kind: "joiner", afterMembers: [1, 2, 3] });
        assert.deepEqual(plan.entries.get(5), { kind: "joiner", afterMembers: [1, 2, 3], afterJoinOf: 4 });
    });

    it("keeps a joined member a joiner, so its step and recorded id stay", () => {
        const plan = planRaft(
            running([
                [1, founder()],
                [2, founder()],
                [3, founder()],
                [4, founder()],
                [5, founder()],
                [6, joined(7)],
            ]),
            6,
        );
        assert.deepEqual(plan.entries.get(6), { kind: "joiner", afterMembers: [1, 2, 3, 4, 5] });
        assert.deepEqual(plan.leaves, []);
    });

    it("removes leaving members highest first, by the id each holds", () => {
        const plan = planRaft(
            running([
                [1, founder()],
                [2, founder()],
                [3, founder()],
                [4, founder()],
                [5, founder()],
                [6, joined(8)],
            ]),
            4,
        );
        assert.deepEqual(plan.leaves, [
            { index: 6, raftId: 8 },
            { index: 5, raftId: 5 },
        ]);
        assert.equal(plan.entries.size, 4);
    });

    it("resumes a first up cut short: the missing founders are still founders", () => {
        const plan = planRaft(
            running([
                [1, founder(5)],
                [2, founder(5)],
                [3, founder(5)],
            ]),
            5,
        );
        assert.deepEqual(
            [...plan.entries.values()].map((entry) => entry.kind),
            ["founder", "founder", "founder", "founder", "founder"],
        );
    });

    it("brings founders a shrink removed back as joiners", () => {
        // The shrink from 3 to 2 recorded 2 founders on the members that stayed.
        const regrown = planRaft(
            running([
                [1, founder(2)],
                [2, founder(2)],
            ]),
            3,
        );
        assert.deepEqual(regrown.entries.get(3), { kind: "joiner", afterMembers: [1, 2] });
    });

    it("changes no membership when no running member stays to make the change", () => {
        assert.deepEqual(
            planRaft(
                running([
                    [4, joined(4)],
                    [5, joined(5)],
                ]),
                3,
            ).leaves,
            [],
        );
    });

    it("reads a node StatefulSet without a Raft record as no member (another consensus ran there): a switch to Raft founds anew", () => {
        const items = [1, 2, 3].map((index) => ({
            metadata: { name: `node-set-${index}`, annotations: { "kaleido.io/seed-id": "x" } },
        }));
        const members = membersFrom([...items, { metadata: { name: "bootnode-set" } }]);
        assert.equal(members.size, 0);
        assert.deepEqual(planRaft(members, 2).leaves, []);
        const recorded = membersFrom([
            {
                metadata: {
                    name: "node-set-2",
                    annotations: { "kaleido.io/raft-id": "7", "kaleido.io/raft-joined": "true" },
                },
            },
        ]);
        assert.deepEqual([...recorded], [[2, { kind: "joiner", raftId: 7 }]]);
    });
});
