// The whole network's state for `npm run status`: one pod listing and one console call per node,
// the nodes read in parallel, then each node judged against the others.
import { Consensus } from "../model/consensus";
import { Kube, PodStatus } from "../kubernetes/kubectl";
import { memberName, nodePodName } from "../network/names";
import { NodeReading, readNode } from "./nodeStatus";

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
    healthy: boolean;
    /** How long reading the network took (the pod listing and every node's console call). */
    readMs: number;
}

export interface StatusRequest {
    namespace: string;
    consensus: Consensus;
    nodeCount: number;
    /** How many console calls run at once. */
    parallel: number;
    now?: () => number;
}

/** Blocks a node may trail the highest by and still be in step (a block in flight). */
const IN_STEP_BLOCKS = 2;

async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

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

export async function networkStatus(kube: Kube, request: StatusRequest): Promise<NetworkStatus> {
    const now = request.now ?? Date.now;
    const started = Date.now();
    const indexes = Array.from({ length: request.nodeCount }, (_, i) => i + 1);
    const pods = new Map((await kube.pods()).map((pod): [string, PodStatus] => [pod.name, pod]));
    const readings = await inParallel(indexes, request.parallel, (index) =>
        pods.has(nodePodName(index)) ? readNode(kube, nodePodName(index), request.consensus) : Promise.resolve<NodeReading>({ error: "no pod" }),
    );
    const highest = Math.max(...readings.map((reading) => reading.height ?? 0));
    const seconds = Math.floor(now() / 1000);
    const staleAfter = staleAfterSeconds(request.consensus);
    const nodes = readings.map((reading, i): NodeStatus => {
        const pod = pods.get(nodePodName(i + 1));
        const partial = {
            ...reading,
            node: memberName(i + 1),
            pod: nodePodName(i + 1),
            ready: pod?.ready ?? false,
            restarts: pod?.restarts,
            behind: reading.height === undefined ? undefined : highest - reading.height,
            lastBlockAge: reading.lastBlockAt === undefined || reading.height === 0 ? undefined : Math.max(0, seconds - reading.lastBlockAt),
        };
        const problem = verdictOf(partial, request.nodeCount - 1, staleAfter);
        return { ...partial, verdict: problem ?? "ok", healthy: problem === undefined };
    });
    return { namespace: request.namespace, consensus: request.consensus.kind, takenAt: new Date(now()).toISOString(), nodes, healthy: nodes.every((node) => node.healthy), readMs: Date.now() - started };
}
