// The chain's own count: GoQuorum 24.4.1's quorum for 1 to 10 validators, and the network judged
// by what the nodes say (in step, counted by the chain), never by pod readiness or the stack's wishes.
import { strict as assert } from "assert";
import { inStepNodes } from "./support/observedNodes";
import { majorityOf, quorumSize, QuorumRule } from "../lib/model/consensus";
import {
    chainQuorum,
    ObservedNetwork,
    ObservedNode,
    raftLeadership,
    settlingNodes,
    takeDownProblem,
} from "../lib/model/observed";

const IBFT_2F1: QuorumRule = { kind: "ibft", validators: 4 };
const IBFT_NEW: QuorumRule = { kind: "ibft", validators: 4, ceil2Nby3Block: 0 };
const QBFT: QuorumRule = { kind: "qbft", validators: 4, ceil2Nby3Block: 0 };
const RAFT: QuorumRule = { kind: "raft" };

/** Node N in step at height 100 with 3 peers, signing as 0xN; `faults` change single nodes. */
function network(
    rule: QuorumRule,
    count: number,
    faults: Record<number, Partial<ObservedNode>> = {},
    chainSet = Array.from({ length: count }, (_, i) => `0x${i + 1}`),
): ObservedNetwork {
    const nodes = inStepNodes(count, faults);
    return { rule, nodes, chainSet };
}
const lost = { podReady: false, error: "no pod", head: undefined, peers: undefined } as Partial<ObservedNode>;

describe("the quorum as GoQuorum 24.4.1 computes it", () => {
    it("1 to 10 validators: 2F+1 without ceil2Nby3Block, ceil(2N/3) with it (QBFT's default), a majority for Raft", () => {
        const sizes = Array.from({ length: 10 }, (_, i) => i + 1);
        assert.deepEqual(
            sizes.map((n) => quorumSize(IBFT_2F1, n)),
            [1, 1, 1, 3, 3, 3, 5, 5, 5, 7],
        );
        assert.deepEqual(
            sizes.map((n) => quorumSize(IBFT_NEW, n)),
            [1, 2, 2, 3, 4, 4, 5, 6, 6, 7],
        );
        assert.deepEqual(
            sizes.map((n) => quorumSize(QBFT, n)),
            [1, 2, 2, 3, 4, 4, 5, 6, 6, 7],
        );
        assert.deepEqual(
            sizes.map((n) => quorumSize(RAFT, n)),
            [1, 2, 2, 3, 3, 4, 4, 5, 5, 6],
        );
        assert.deepEqual(sizes.map(majorityOf), [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    });

    it("a ceil2Nby3Block after the genesis: 2F+1 below it, ceil(2N/3) from it, the stricter at a height not known", () => {
        const later: QuorumRule = { kind: "ibft", validators: 3, ceil2Nby3Block: 50 };
        assert.deepEqual([quorumSize(later, 3, 49), quorumSize(later, 3, 50), quorumSize(later, 3)], [1, 2, 2]);
    });
});

describe("the observed network", () => {
    it("counts the chain's set, not the stack's: QBFT 4 wished, the chain has 3 and 2 of them in step", () => {
        const seen = network(QBFT, 4, { 1: lost }, ["0x1", "0x2", "0x3"]);
        assert.deepEqual(
            { ...chainQuorum(seen)!, upNodes: undefined },
            { of: 3, needed: 2, up: 2, upNodes: undefined },
        );
    });

    it("a Ready node 10 blocks behind, or with no peers, is not up", () => {
        const seen = network(QBFT, 4, { 2: { head: { number: 90 } }, 3: { peers: 0 } });
        assert.equal(chainQuorum(seen)!.up, 2);
        assert.deepEqual(
            settlingNodes(seen).map(({ node, why }) => `${node.name}: ${why}`),
            ["node-2: 10 blocks behind", "node-3: no peers"],
        );
    });

    it("a lost pod is down, not settling: nothing waits for it", () => {
        assert.deepEqual(settlingNodes(network(QBFT, 4, { 1: lost })), []);
    });

    it("QBFT 3 with node-1 lost: stopping node-3 would halt (1 of 3 left, needs 2); QBFT 4+1 all in step: any one may go", () => {
        assert.equal(
            takeDownProblem(network(QBFT, 3, { 1: lost }), 3),
            "taking node-3 down would leave 1 of 3 validators in step; the chain needs 2",
        );
        assert.equal(takeDownProblem(network(QBFT, 5, {}, ["0x1", "0x2", "0x3", "0x4"]), 2), undefined);
        assert.equal(
            takeDownProblem(network(QBFT, 5, { 1: lost }, ["0x1", "0x2", "0x3", "0x4"]), 5),
            undefined,
            "node-5 is no validator",
        );
        assert.match(
            takeDownProblem(network(QBFT, 5, { 1: lost }, ["0x1", "0x2", "0x3", "0x4"]), 2) ?? "",
            /leave 2 of 4 validators in step; the chain needs 3/,
        );
    });

    it("a 3-validator QBFT network can lose one at a time (ceil(2N/3) = 2); legacy IBFT 3 even two", () => {
        assert.equal(takeDownProblem(network(QBFT, 3), 1), undefined);
        assert.equal(takeDownProblem(network(IBFT_2F1, 3, { 1: lost }), 2), undefined);
    });

    it("a chain nobody answers is never judged safe", () => {
        assert.match(takeDownProblem({ rule: QBFT, nodes: [] }, 1) ?? "", /cannot be read/);
    });

    it("Raft: a minter that lost its majority does not lead; with its majority in step it does", () => {
        const alone = network(RAFT, 3, { 1: { raftRole: "minter" }, 2: lost, 3: lost });
        assert.match(
            raftLeadership(alone).problem ?? "",
            /node-1 reports the minter role, but only 1 of 3 members are in step and a leader needs 2/,
        );
        assert.equal(raftLeadership(network(RAFT, 3, { 1: { raftRole: "minter" }, 3: lost })).problem, undefined);
        assert.match(raftLeadership(network(RAFT, 3)).problem ?? "", /no Raft leader/);
    });
});
