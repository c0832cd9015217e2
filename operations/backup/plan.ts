// The order a backup takes the members in, one at a time, and when the next may go: judged from
// the chain's own view (observe), never from pod readiness alone.
import { ObservedNetwork, outOfStep, settlingNodes, takeDownProblem } from "../../lib/model/observed";

/** The bootnode first (no consensus depends on it), then the nodes in order. */
export function backupOrder(nodeCount: number): number[] {
    return Array.from({ length: nodeCount + 1 }, (_, index) => index);
}

/**
 * Why member `index` may not be stopped yet, or undefined when it may: every other member the
 * chain counts whose pod runs is in step (a node Ready but still syncing after its own copy is no
 * part of the chain yet), and the chain keeps its quorum without this one. The bootnode holds no
 * consensus.
 */
export function notYetStoppable(network: ObservedNetwork, index: number): string | undefined {
    if (index === 0) return undefined;
    const settling = settlingNodes(network, index).map(({ node, why }) => `${node.name}: ${why}`);
    if (settling.length > 0) return `waiting for ${settling.join(", ")}`;
    return takeDownProblem(network, index);
}

/** Why a member started again after its copy is not back in the chain, or undefined when it is. */
export function notBackInStep(network: ObservedNetwork, index: number): string | undefined {
    const node = network.nodes.find((candidate) => candidate.index === index);
    return node ? outOfStep(network, node) : "not found";
}
