// The order a backup takes the members in, one at a time, and when the next may go: judged from
// the chain's own view (observe), never from pod readiness alone.
import { ObservedNetwork, outOfStep, settlingNodes, takeDownProblem } from "../../lib/model/observed";

/**
 * The bootnode first (no consensus depends on it), then the Raft leader, then the nodes in order.
 * Stopping the leader starts an election, whose new term adds an entry to every log: taken first,
 * only its own copy lacks that entry, and one short log cannot win an election after a restore
 * against the longer logs of the rest.
 */
export function backupOrder(nodeCount: number, raftLeader?: number): number[] {
    const nodes = Array.from({ length: nodeCount }, (_, i) => i + 1).filter((index) => index !== raftLeader);
    return [0, ...(raftLeader === undefined ? [] : [raftLeader]), ...nodes];
}

/**
 * Why member `index` may not be stopped yet, or undefined when it may: every other member the
 * chain counts whose pod runs is in step (a node Ready but still syncing after its own copy is no
 * part of the chain yet), and the chain keeps its quorum without this one.
 */
export function notYetStoppable(network: ObservedNetwork, index: number): string | undefined {
    const settling = settlingNodes(network, index).map(({ node, why }) => `${node.name}: ${why}`);
    if (settling.length > 0) return `waiting for ${settling.join(", ")}`;
    return takeDownProblem(network, index);
}

/** Why a member started again after its copy is not back in the chain, or undefined when it is. */
export function notBackInStep(network: ObservedNetwork, index: number): string | undefined {
    const node = network.nodes.find((candidate) => candidate.index === index);
    return node ? outOfStep(network, node) : "not found";
}
