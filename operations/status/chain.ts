// Whether the chain goes on, and when it does not, why in the chain's own terms: which validators
// (or Raft members) are down, unpeered or behind, how many the rule needs, and what brings it back.
// Pure: judged from the nodes' statuses.
import { bftQuorum, Consensus, majorityOf, validatorCount } from "../../lib/model/consensus";

/** The part of a node's status the chain's verdict reads. */
export interface NodeView {
    node: string;
    ready: boolean;
    height?: number;
    peers?: number;
    role?: string;
    behind?: number;
    lastBlockAge?: number;
    error?: string;
}

export interface ChainVerdict {
    state: "sealing" | "stalled";
    /** stalled: what the chain lacks, each a line. */
    why: string[];
    /** How many members the rule needs to go on, of how many, and how many are up and peered. */
    quorum: { needed: number; of: number; up: number };
    /** stalled: what to do, the case named. */
    recovery?: string;
}

/** A validator counts for the quorum when its pod is Ready, its geth answers and it has a peer. */
function isUp(node: NodeView): boolean {
    return node.ready && node.error === undefined && node.height !== undefined && (node.peers ?? 0) > 0;
}

function downReason(node: NodeView): string {
    if (!node.ready) return `${node.node}: pod not Ready`;
    if (node.error !== undefined || node.height === undefined) return `${node.node}: geth does not answer${node.error ? ` (${node.error})` : ""}`;
    return `${node.node}: no peers`;
}

/** BFT seals every block period, empty or not: a chain silent for several rounds has stopped. */
function stalledAfterSeconds(consensus: Consensus & { kind: "ibft" | "qbft" }): number {
    return Math.max(30, 5 * consensus.blockPeriod, Math.ceil((3 * consensus.roundChangeTimerMs) / 1000));
}

export function judgeChain(nodes: NodeView[], consensus: Consensus, namespace: string): ChainVerdict {
    return consensus.kind === "raft" ? judgeRaft(nodes, namespace) : judgeBft(nodes, consensus, namespace);
}

function judgeBft(nodes: NodeView[], consensus: Consensus & { kind: "ibft" | "qbft" }, namespace: string): ChainVerdict {
    const validators = nodes.slice(0, validatorCount(consensus));
    const quorum = { needed: bftQuorum(validators.length), of: validators.length, up: validators.filter(isUp).length };
    const newest = Math.min(...nodes.map((node) => node.lastBlockAge ?? Infinity));
    const limit = stalledAfterSeconds(consensus);
    if (newest <= limit) return { state: "sealing", why: [], quorum };
    const silence = Number.isFinite(newest) ? `no block for ${newest} s (more than ${limit} s, several rounds)` : "no node reports a block";
    const down = validators.filter((node) => !isUp(node)).map(downReason);
    const behind = validators.filter((node) => isUp(node) && (node.behind ?? 0) > 2).map((node) => `${node.node}: ${node.behind} blocks behind`);
    const why = [silence, `${quorum.up} of ${quorum.of} validators up and peered; sealing needs ${quorum.needed}`, ...down, ...behind];
    const recovery =
        quorum.up < quorum.needed
            ? `too few validators: bring back ${down.map((line) => line.split(":")[0]).join(", ")} (kubectl -n ${namespace} get pods; kubectl -n ${namespace} describe pod <pod>). The chain goes on by itself once ${quorum.needed} are up and peered.`
            : `enough validators are up, yet no block comes: one of them may sign with a key the chain does not count (a wiped or re-seeded volume, a changed nodekey), or a validator removed by vote was still needed. The ROLE column shows which nodes the chain counts as validators; restore the member's volume from a backup (README: When the chain stops).`;
    return { state: "stalled", why, quorum, recovery };
}

function judgeRaft(nodes: NodeView[], namespace: string): ChainVerdict {
    const quorum = { needed: majorityOf(nodes.length), of: nodes.length, up: nodes.filter(isUp).length };
    const roles = nodes.map((node) => node.role).filter((role) => role !== undefined);
    // Raft makes blocks only for transactions: a quiet chain is no stalled one. Without a leader, none is made.
    if (roles.length === 0 || roles.includes("minter")) return { state: "sealing", why: [], quorum };
    const down = nodes.filter((node) => !isUp(node)).map(downReason);
    const why = ["no Raft leader: no node reports the minter role", `${quorum.up} of ${quorum.of} members up and peered; a leader needs ${quorum.needed}`, ...down];
    const recovery =
        quorum.up < quorum.needed
            ? `too few members for a majority: bring back ${down.map((line) => line.split(":")[0]).join(", ")} (kubectl -n ${namespace} get pods). Raft elects a leader by itself once ${quorum.needed} are up and peered.`
            : "a majority is up, yet no leader: a member removed from the cluster (npm run raft-peer) or one with a new key is counted but cannot vote; see README: When the chain stops.";
    return { state: "stalled", why, quorum, recovery };
}
