// The whole network's state for `npm run status`, judged from what observe.ts read: each node
// against the others. Pure: the same reading and clock give the same verdicts.
import { Consensus } from "../../lib/model/consensus";
import { memberName, nodePodName } from "../../lib/network/names";
import { ChainVerdict, judgeChain } from "./chain";
import { NetworkReading, NodeReading } from "./observe";

export interface NodeStatus extends NodeReading {
    node: string;
    pod: string;
    ready: boolean;
    restarts?: number;
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

/** Blocks a node may trail the highest by and still be in step (a block in flight). */
const IN_STEP_BLOCKS = 2;

/** 42s, 21m, 3h. */
export function formatAge(seconds: number): string {
    if (seconds < 120) return `${seconds}s`;
    return seconds < 7200 ? `${Math.floor(seconds / 60)}m` : `${Math.floor(seconds / 3600)}h`;
}

/** BFT seals a block every period, empty or not; Raft only when there are transactions. */
function staleAfterSeconds(consensus: Consensus): number | undefined {
    return consensus.kind === "raft" ? undefined : Math.max(30, 5 * consensus.blockPeriod);
}

function verdictOf(status: Omit<NodeStatus, "verdict" | "healthy">, expectedPeers: number, staleAfter: number | undefined): string | undefined {
    if (status.error) return `unreachable: ${status.error}`;
    if (!status.ready) return "pod not Ready";
    if (status.peers !== undefined && status.peers < expectedPeers) return status.peers === 0 ? "no peers" : `${status.peers} of ${expectedPeers} peers`;
    if (status.behind !== undefined && status.behind > IN_STEP_BLOCKS) return `${status.behind} blocks behind`;
    if (staleAfter !== undefined && status.lastBlockAge !== undefined && status.lastBlockAge > staleAfter) return `no block for ${formatAge(status.lastBlockAge)}`;
    return undefined;
}

/** Each node judged against the others, at `nowMs`. */
export function judgeNetwork(reading: NetworkReading, request: StatusRequest, nowMs: number): NetworkStatus {
    const { pods, readings } = reading;
    const highest = Math.max(...readings.map((node) => node.height ?? 0));
    const seconds = Math.floor(nowMs / 1000);
    const staleAfter = staleAfterSeconds(request.consensus);
    const nodes = readings.map((node, i): NodeStatus => {
        const pod = pods.get(nodePodName(i + 1));
        const partial = {
            ...node,
            node: memberName(i + 1),
            pod: nodePodName(i + 1),
            ready: pod?.ready ?? false,
            restarts: pod?.restarts,
            behind: node.height === undefined ? undefined : highest - node.height,
            lastBlockAge: node.lastBlockAt === undefined || node.height === 0 ? undefined : Math.max(0, seconds - node.lastBlockAt),
        };
        const problem = verdictOf(partial, request.nodeCount - 1, staleAfter);
        return { ...partial, verdict: problem ?? "ok", healthy: problem === undefined };
    });
    const chain = judgeChain(nodes, request.consensus, request.namespace);
    const healthy = chain.state === "sealing" && nodes.every((node) => node.healthy);
    return { namespace: request.namespace, consensus: request.consensus.kind, takenAt: new Date(nowMs).toISOString(), nodes, chain, healthy, readMs: reading.readMs };
}
