// The running network as the chain itself says it is: per node whether geth answers, its head,
// peers and the role the chain gives it (BFT: in istanbul_getValidators at the head; Raft: a
// voting member of raft_cluster, leader or not). Every operation counts members by this, never by
// a pod's readiness (a TCP check on the RPC port) or by the set the stack asks for. Pure.
import { quorumSize, QuorumRule } from "./consensus";

/** Blocks a node may trail the highest head by and still be in step (a block in flight). */
export const IN_STEP_BLOCKS = 2;

export interface ObservedNode {
    /** N for node N. */
    index: number;
    name: string;
    /** The pod exists and is Ready (its RPC port accepts a connection: no more than that). */
    podReady: boolean;
    /** Why geth could not be read, when it could not (no pod, no answer, a refusal). */
    error?: string;
    head?: { number: number; hash?: string; timestamp?: number };
    peers?: number;
    pending?: number;
    queued?: number;
    /**
     * How the chain's set names the node: BFT the address it signs with, Raft its enode's public key,
     * both from its own admin_nodeInfo; its member name where the set is the stack's (setBy "stack").
     */
    identity?: string;
    /** Raft: the role the node gives itself (raft_role: minter, verifier, learner). */
    raftRole?: string;
}

export interface ObservedNetwork {
    rule: QuorumRule;
    nodes: ObservedNode[];
    /**
     * The members the chain counts, as the most advanced answering node lists them (BFT: signing
     * addresses; Raft: voting members' public keys); undefined when no node could say.
     */
    chainSet?: string[];
    /**
     * "chain" when a node listed the set; "stack" when the nodes answer but serve no API that lists
     * it (images without the istanbul or raft API): the stack's members stand for it, by name.
     */
    setBy?: "chain" | "stack";
    /** Raft: learners in raft_cluster (not counted toward a majority). */
    learners?: string[];
}

/** Node 1..N's heads: the highest any answering node has. */
export function highestHead(network: ObservedNetwork): number | undefined {
    const heights = network.nodes.flatMap((node) => (node.head ? [node.head.number] : []));
    return heights.length === 0 ? undefined : Math.max(...heights);
}

/** Why a node is not in step (answering, peered, within IN_STEP_BLOCKS of the highest head), or undefined when it is. */
export function outOfStep(network: ObservedNetwork, node: ObservedNode): string | undefined {
    if (node.error !== undefined || !node.head)
        return node.podReady ? `geth does not answer${node.error ? ` (${node.error})` : ""}` : "pod not Ready";
    if ((node.peers ?? 0) === 0) return "no peers";
    const behind = (highestHead(network) ?? 0) - node.head.number;
    return behind > IN_STEP_BLOCKS ? `${behind} blocks behind` : undefined;
}

export const inStep = (network: ObservedNetwork, node: ObservedNode) => outOfStep(network, node) === undefined;

/** Whether the chain counts the node: undefined when the node is not known to the chain's set (it did not answer). */
export function countedByChain(network: ObservedNetwork, node: ObservedNode): boolean | undefined {
    if (!network.chainSet || node.identity === undefined) return undefined;
    return network.chainSet.includes(node.identity);
}

export interface ChainQuorum {
    /** Members the chain counts (its validators, or Raft's voting members). */
    of: number;
    /** How many of them must take part for the chain to go on. */
    needed: number;
    /** Counted members in step now. */
    up: number;
    /** Their nodes. */
    upNodes: ObservedNode[];
}

/** The chain's own count: of its set, how many take part now, and how many it needs. Undefined when the chain could not be read. */
export function chainQuorum(network: ObservedNetwork, set = network.chainSet): ChainQuorum | undefined {
    if (!set) return undefined;
    const upNodes = network.nodes.filter(
        (node) => node.identity !== undefined && set.includes(node.identity) && inStep(network, node),
    );
    return {
        of: set.length,
        needed: quorumSize(network.rule, set.length, highestHead(network)),
        up: upNodes.length,
        upNodes,
    };
}

/** The words for the counted members of a consensus. */
export function membersWord(rule: QuorumRule): string {
    return rule.kind === "raft" ? "Raft members" : "validators";
}

/**
 * Why taking this node down now would stop the chain, or undefined when it would not: the chain's
 * counted members in step, less this one, must still reach its quorum. A node the chain does not
 * count, or that takes no part now, takes nothing away.
 */
export function takeDownProblem(network: ObservedNetwork, index: number): string | undefined {
    const quorum = chainQuorum(network);
    if (!quorum)
        return `the chain's ${membersWord(network.rule)} cannot be read (no node answers): nothing is taken down on a chain that cannot be judged`;
    if (!quorum.upNodes.some((node) => node.index === index)) return undefined;
    const left = quorum.up - 1;
    if (left >= quorum.needed) return undefined;
    const name = network.nodes.find((node) => node.index === index)?.name ?? `node ${index}`;
    return `taking ${name} down would leave ${left} of ${quorum.of} ${membersWord(network.rule)} in step; the chain needs ${quorum.needed}`;
}

/**
 * Counted members whose pods are Ready but that are not in step (syncing after a restart, or not
 * peered yet): an operation waits for these before it takes the next member down. A member whose
 * pod is gone is no such wait: it is down, and the quorum counts it so.
 */
export function settlingNodes(network: ObservedNetwork, except?: number): { node: ObservedNode; why: string }[] {
    return network.nodes.flatMap((node) => {
        if (node.index === except || !node.podReady || countedByChain(network, node) === false) return [];
        const why = outOfStep(network, node);
        return why === undefined ? [] : [{ node, why }];
    });
}

/** Raft: the node that says it leads, when it has a majority of the voting members in step; else why there is none. */
export function raftLeadership(network: ObservedNetwork): { leader?: ObservedNode; problem?: string } {
    const quorum = chainQuorum(network);
    if (!quorum) return { problem: "no node answers" };
    const leader = network.nodes.find((node) => node.raftRole === "minter" && node.error === undefined);
    if (!leader) return { problem: "no Raft leader: no node reports the minter role" };
    if (quorum.up < quorum.needed)
        return {
            leader,
            problem: `${leader.name} reports the minter role, but only ${quorum.up} of ${quorum.of} members are in step and a leader needs ${quorum.needed}: it cannot commit`,
        };
    return { leader };
}
