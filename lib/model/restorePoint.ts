// The one chain a backup restores to, from the heads its members were copied at. A backup copies
// members one after another while the chain runs, so each holds its own head. GoQuorum 24.4.1's
// rules decide what can be brought to one chain:
// - Raft: each member's log and applied index are its own (raft/handler.go:1063-1068 persists the
//   applied index; entries up to it are never delivered again, :768-772), and a block that does not
//   extend a member's head is dropped, not synced (applyNewChainHead, :1030-1036). No rewind or
//   catch-up makes heads agree after the fact: a restore needs every node at one head.
// - IBFT/QBFT: chain data of one member serves another (a node behind syncs), but validators behind
//   may seal their own blocks at heights another member holds, if enough of them meet at a height.
//   A validator takes part in consensus only once it mines (miner/worker.go:308-309 starts the
//   istanbul core; cmd/geth/main.go:506 mines only with --mine). Held from sealing until every node
//   holds the highest head, the restored network is one chain at that head. Without a hold, it is
//   safe only while the validators behind cannot form a quorum on their own.
// Rewinding the most advanced members instead is no way out: geth's SetHead rewinds further, to
// the last block whose state is on disk (core/blockchain.go:572-600), which on a pruning node is
// mostly far below the height asked for. Pure.
import { ConsensusKind, quorumSize } from "./consensus";

export interface CopiedHead {
    /** bootnode is never here: it holds no chain. */
    name: string;
    head: { number: number; hash: string };
    /** The chain counted the node as a validator when it was copied; undefined (an older backup) counts it as one. */
    validator?: boolean;
}

/**
 * raft-one-head: every node was copied at one head. bft-held: every node syncs to the highest head
 * with sealing held, then seals. bft-laggards-short-of-quorum: the validators copied behind the
 * highest head are too few to seal on their own, so the nodes sync to it while the chain waits.
 */
export type RestoreWay = "raft-one-head" | "bft-held" | "bft-laggards-short-of-quorum";

export interface RestorePoint {
    /** The head every node holds once restored, before the chain goes on. */
    number: number;
    hash: string;
    way: RestoreWay;
}

export interface RestorePointRequest {
    consensus: ConsensusKind;
    /** IBFT/QBFT: from which block the quorum is ceil(2N/3) (else 2F+1). */
    ceil2Nby3Block?: number;
    nodes: CopiedHead[];
    /** The restoring stack's runtime can start its nodes with sealing held (no --mine). */
    canHoldSealing: boolean;
}

export type RestorePointResult = { point: RestorePoint } | { problem: string };

const described = (node: CopiedHead) => `${node.name} at block ${node.head.number}`;

/** The highest head of the copies, or undefined when there is none. */
function highest(nodes: CopiedHead[]): CopiedHead | undefined {
    return nodes.reduce<CopiedHead | undefined>(
        (best, node) => (best === undefined || node.head.number > best.head.number ? node : best),
        undefined,
    );
}

export function restorePoint(request: RestorePointRequest): RestorePointResult {
    const top = highest(request.nodes);
    if (top === undefined) return { problem: "the backup records no node's head" };
    const at = { number: top.head.number, hash: top.head.hash };
    const split = request.nodes.filter(
        (node) => node.head.number === top.head.number && node.head.hash !== top.head.hash,
    );
    if (split.length > 0)
        return {
            problem: `${split.map(described).join(", ")} hold another block than ${top.name} at that height: the copies are of two chains`,
        };
    if (request.consensus === "raft") return raftPoint(request.nodes, top, at);
    if (request.canHoldSealing) return { point: { ...at, way: "bft-held" } };
    return unheldBftPoint(request, top, at);
}

function raftPoint(nodes: CopiedHead[], top: CopiedHead, at: { number: number; hash: string }): RestorePointResult {
    const behind = nodes.filter((node) => node.head.number !== top.head.number);
    if (behind.length === 0) return { point: { ...at, way: "raft-one-head" } };
    return {
        problem:
            `under Raft each member's log is its own, so a restore needs every node copied at one head; ${behind.map(described).join(", ")} ` +
            `behind ${described(top)}: take the backup again while no transactions are sent (Raft makes a block only for transactions)`,
    };
}

function unheldBftPoint(
    request: RestorePointRequest,
    top: CopiedHead,
    at: { number: number; hash: string },
): RestorePointResult {
    const validators = request.nodes.filter((node) => node.validator !== false);
    const behind = validators.filter((node) => node.head.number < top.head.number);
    const quorum = quorumSize(
        { kind: request.consensus, ceil2Nby3Block: request.ceil2Nby3Block },
        validators.length,
        top.head.number,
    );
    if (behind.length < quorum) return { point: { ...at, way: "bft-laggards-short-of-quorum" } };
    return {
        problem:
            `validators ${behind.map(described).join(", ")} were copied behind ${described(top)}: ${behind.length} of ${validators.length} can seal on their own ` +
            `(sealing needs ${quorum}) at heights ${top.name} already holds, and this stack's runtime cannot start its nodes with sealing held until they catch up`,
    };
}
