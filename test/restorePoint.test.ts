import { strict as assert } from "assert";
import { ConsensusKind } from "../lib/model/consensus";
import { CopiedHead, restorePoint, RestorePointResult } from "../lib/model/restorePoint";
import { settleProgress } from "../operations/restore/plan";

const hash = (height: number, chain = "a") => `0x${chain.repeat(8)}${height.toString(16).padStart(56, "0")}`;
/** node-1..node-N copied at these heights, on one chain; the first `validators` (all by default) validate. */
function copies(heights: number[], validators = heights.length): CopiedHead[] {
    return heights.map((height, i) => ({
        name: `node-${i + 1}`,
        head: { number: height, hash: hash(height) },
        validator: i < validators,
    }));
}
/** A new chain's ceil2Nby3Block (0) unless given; `undefined` for a legacy IBFT genesis without it (2F+1). */
const point = (
    consensus: ConsensusKind,
    nodes: CopiedHead[],
    canHoldSealing: boolean,
    ...legacy: [number | undefined] | []
): RestorePointResult =>
    restorePoint({ consensus, ceil2Nby3Block: legacy.length === 0 ? 0 : legacy[0], nodes, canHoldSealing });

describe("the one head a backup restores to (lib/model/restorePoint)", () => {
    it("Raft: every node copied at one head restores there; any node behind is refused, named with its head", () => {
        assert.deepEqual(point("raft", copies([12, 12, 12]), false), {
            point: { number: 12, hash: hash(12), way: "raft-one-head" },
        });
        const refused = point("raft", copies([12, 11, 12, 9]), true);
        assert.ok("problem" in refused);
        assert.match(
            refused.problem,
            /under Raft each member's log is its own, .* node-2 at block 11, node-4 at block 9 behind node-1 at block 12: take the backup again while no transactions are sent/,
        );
    });

    it("IBFT/QBFT with a runtime that holds sealing: the highest head, whatever the others' heads", () => {
        for (const consensus of ["qbft", "ibft"] as const) {
            assert.deepEqual(point(consensus, copies([100, 103, 106, 109, 110], 4), true), {
                point: { number: 110, hash: hash(110), way: "bft-held" },
            });
        }
    });

    // Without a hold, the validators behind the highest head must be too few to seal on their own.
    const unheld: [string, ConsensusKind, number[], number, number | undefined, boolean][] = [
        ["QBFT 4, two behind (sealing needs 3)", "qbft", [100, 103, 106, 106], 4, 0, true],
        ["QBFT 4, three behind", "qbft", [100, 103, 106, 109], 4, 0, false],
        ["QBFT 4+1, the follower behind does not count", "qbft", [100, 109, 103, 109, 50], 4, 0, true],
        ["QBFT 7, four behind (sealing needs 5)", "qbft", [1, 2, 3, 4, 9, 9, 9], 7, 0, true],
        ["QBFT 7, five behind", "qbft", [1, 2, 3, 4, 5, 9, 9], 7, 0, false],
        ["legacy IBFT 3 (2F+1 = 1): one behind seals alone", "ibft", [8, 9, 9], 3, undefined, false],
        ["legacy IBFT 4 (2F+1 = 3), two behind", "ibft", [8, 8, 9, 9], 4, undefined, true],
        ["every node at one head", "qbft", [9, 9, 9, 9], 4, 0, true],
    ];
    for (const [what, consensus, heights, validators, ceil2Nby3Block, restorable] of unheld) {
        it(`without a hold, ${what}: ${restorable ? "the highest head" : "refused, naming the validators behind"}`, () => {
            const result = point(consensus, copies(heights, validators), false, ceil2Nby3Block);
            if (restorable)
                assert.deepEqual(result, {
                    point: {
                        number: Math.max(...heights),
                        hash: hash(Math.max(...heights)),
                        way: "bft-laggards-short-of-quorum",
                    },
                });
            else {
                assert.ok("problem" in result, JSON.stringify(result));
                assert.match(
                    result.problem,
                    /^validators node-1 at block \d+.* were copied behind node-\d at block \d+: \d of \d can seal on their own \(sealing needs \d\) .*cannot start its nodes with sealing held/,
                );
            }
        });
    }

    it("an older backup that records no validator counts every node as one", () => {
        const recorded = copies([100, 109, 109, 103, 50, 40], 4);
        assert.ok(
            "point" in point("qbft", recorded, false),
            "validators behind: node-1 and node-4, 2 of 4 (sealing needs 3)",
        );
        const unrecorded = recorded.map(({ validator: _, ...node }) => node);
        assert.ok(
            "problem" in point("qbft", unrecorded, false),
            "every node a validator: 4 of 6 behind (sealing needs 4)",
        );
    });

    it("two blocks at one height are two chains: refused, naming the nodes", () => {
        const nodes = copies([9, 9, 9]);
        nodes[1].head.hash = hash(9, "b");
        for (const consensus of ["raft", "qbft"] as const) {
            const result = point(consensus, nodes, true);
            assert.ok("problem" in result);
            assert.match(
                result.problem,
                /node-2 at block 9 hold another block than node-1 at that height: the copies are of two chains/,
            );
        }
    });

    it("a backup that records no node's head is refused", () => {
        assert.deepEqual(point("qbft", [], true), { problem: "the backup records no node's head" });
    });
});

describe("the restored nodes settling on the backup's head (operations/restore/plan settleProgress)", () => {
    const at = { number: 9, hash: hash(9), way: "bft-held" as const };
    it("waits for a node without the block, behind the highest head while held, or not answering", () => {
        const readings = [
            { name: "node-1", head: 11, atPoint: hash(9) },
            { name: "node-2", head: 7, atPoint: null },
            { name: "node-3", head: 10, atPoint: hash(9) },
            { name: "node-4", error: "pod not found" },
        ];
        assert.deepEqual(settleProgress(readings, at, true), {
            forked: [],
            waiting: [
                "node-2: at block 7, short of the backup's 9",
                "node-3: at block 10, behind 11",
                "node-4: geth does not answer (pod not found)",
            ],
        });
        assert.deepEqual(
            settleProgress(readings, at, false).waiting,
            ["node-2: at block 7, short of the backup's 9", "node-4: geth does not answer (pod not found)"],
            "unheld, a node may trail the head",
        );
    });

    it("names a node holding another block at the point's height as a fork", () => {
        const progress = settleProgress(
            [
                { name: "node-1", head: 9, atPoint: hash(9) },
                { name: "node-2", head: 12, atPoint: hash(9, "b") },
            ],
            at,
            true,
        );
        assert.deepEqual(progress.forked, [`node-2 holds ${hash(9, "b")} at block 9, the backup ${hash(9)}`]);
    });

    it("is done when every node holds the block and, held, the highest head", () => {
        assert.deepEqual(
            settleProgress(
                [
                    { name: "node-1", head: 10, atPoint: hash(9) },
                    { name: "node-2", head: 10, atPoint: hash(9) },
                ],
                at,
                true,
            ),
            { forked: [], waiting: [] },
        );
    });
});
