// The whole network's state for `npm run status`, judged from what observe.ts read: each node
// against the others, the chain by its own set. Pure: the same reading and clock give the same verdicts.
import { Consensus } from "../../lib/model/consensus";
import { countedByChain, highestHead, IN_STEP_BLOCKS, ObservedNetwork, ObservedNode } from "../../lib/model/observed";
import { nodePodName } from "../../lib/network/names";
import { ChainVerdict, judgeChain, stallAfterSeconds } from "./chain";
import { StatusReading } from "./observe";

export interface NodeStatus {
    node: string;
    pod: string;
    ready: boolean;
    restarts?: number;
    height?: number;
    peers?: number;
    /** Raft: the role the node gives itself (minter, verifier, learner); IBFT/QBFT: validator when the chain's set counts it, else member. */
    role?: string;
    pending?: number;
    queued?: number;
    /** Unix seconds of the node's newest block. */
    lastBlockAt?: number;
    /** Why the node could not be read, when it could not. */
    error?: string;
    /** Blocks behind the highest node. */
    behind?: number;
    /** Seconds since the newest block was made. */
    lastBlockAge?: number;
    verdict: string;
    healthy: boolean;
}

export interface NetworkStatus {
    namespace: string;
    consensus: Consensus["kind"];
    takenAt: string;
    nodes: NodeStatus[];
    /** Whether the chain goes on, and if not why and what to do. */
    chain: ChainVerdict;
    healthy: boolean;
    /** How long reading the network took (the pod listing and every node's console call). */
    readMs: number;
}

export interface StatusRequest {
    namespace: string;
    consensus: Consensus;
    nodeCount: number;
}

/** 42s, 21m, 3h. */
export function formatAge(seconds: number): string {
    if (seconds < 120) return `${seconds}s`;
    return seconds < 7200 ? `${Math.floor(seconds / 60)}m` : `${Math.floor(seconds / 3600)}h`;
}

/** BFT seals a block every period, empty or not; Raft only when there are transactions. */
function staleAfterSeconds(consensus: Consensus): number | undefined {
    return consensus.kind === "raft" ? undefined : stallAfterSeconds(consensus);
}

function verdictOf(
    status: Omit<NodeStatus, "verdict" | "healthy">,
    expectedPeers: number,
    staleAfter: number | undefined,
): string | undefined {
    if (status.error) return `unreachable: ${status.error}`;
    if (!status.ready) return "pod not Ready";
    if (status.peers !== undefined && status.peers < expectedPeers)
        return status.peers === 0 ? "no peers" : `${status.peers} of ${expectedPeers} peers`;
    if (status.behind !== undefined && status.behind > IN_STEP_BLOCKS) return `${status.behind} blocks behind`;
    const age = status.lastBlockAge;
    if (staleAfter !== undefined && age !== undefined && age > staleAfter) return `no block for ${formatAge(age)}`;
    return undefined;
}

function roleOf(network: ObservedNetwork, node: ObservedNode): string | undefined {
    if (network.rule.kind === "raft") return node.raftRole;
    const counted = countedByChain(network, node);
    return counted === undefined ? undefined : counted ? "validator" : "member";
}

/** A node's row before its verdict: what it said, its pod's, and its place against the others. */
function rowOf(reading: StatusReading, node: ObservedNode, seconds: number): Omit<NodeStatus, "verdict" | "healthy"> {
    const { network, restarts } = reading;
    const { head } = node;
    const pod = nodePodName(node.index);
    return {
        node: node.name,
        pod,
        ready: node.podReady,
        restarts: restarts.get(pod),
        height: head?.number,
        peers: node.peers,
        role: roleOf(network, node),
        pending: node.pending,
        queued: node.queued,
        lastBlockAt: head?.timestamp,
        error: node.error,
        behind: head === undefined ? undefined : (highestHead(network) ?? 0) - head.number,
        // The genesis's timestamp says nothing of when the chain last sealed.
        lastBlockAge:
            head?.timestamp === undefined || head.number === 0 ? undefined : Math.max(0, seconds - head.timestamp),
    };
}

/** Each node judged against the others, and the chain by its own set, at `nowMs`. */
export function judgeNetwork(reading: StatusReading, request: StatusRequest, nowMs: number): NetworkStatus {
    const seconds = Math.floor(nowMs / 1000);
    const staleAfter = staleAfterSeconds(request.consensus);
    const nodes = reading.network.nodes.map((node): NodeStatus => {
        const row = rowOf(reading, node, seconds);
        const problem = verdictOf(row, request.nodeCount - 1, staleAfter);
        return { ...row, verdict: problem ?? "ok", healthy: problem === undefined };
    });
    const chain = judgeChain(reading.network, request.consensus, request.namespace, seconds);
    const healthy = chain.state === "sealing" && nodes.every((node) => node.healthy);
    const takenAt = new Date(nowMs).toISOString();
    return {
        namespace: request.namespace,
        consensus: request.consensus.kind,
        takenAt,
        nodes,
        chain,
        healthy,
        readMs: reading.readMs,
    };
}
