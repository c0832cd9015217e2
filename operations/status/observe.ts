// What `npm run status` reads of the running network: one pod listing, and each node's state in
// one geth console call over its IPC socket (a JSON-RPC batch), so the nodes' HTTP RPC namespaces
// and NetworkPolicies do not matter; the nodes are read in parallel.
import { Consensus } from "../../lib/model/consensus";
import { ipcBatch, RpcReply } from "../../lib/kubernetes/gethIpc";
import { Kube, PodStatus } from "../../lib/kubernetes/kubectl";
import { nodePodName } from "../../lib/network/names";
import { nodeAddress } from "../../lib/network/nodeAddress";

export interface NodeReading {
    height?: number;
    peers?: number;
    /** Raft: minter, verifier or learner; IBFT/QBFT: validator or not. */
    role?: string;
    pending?: number;
    queued?: number;
    /** Unix seconds of the newest block. */
    lastBlockAt?: number;
    /** Why the node could not be read, when it could not. */
    error?: string;
}

const quantity = (reply: RpcReply) => (typeof reply.result === "string" ? Number(BigInt(reply.result)) : undefined);

/** Raft stamps blocks in nanoseconds, BFT in seconds. */
function unixSeconds(timestamp: number): number {
    return timestamp > 1e12 ? Math.floor(timestamp / 1e9) : timestamp;
}

function bftRole(validators: RpcReply, nodeInfo: RpcReply): string | undefined {
    const own = typeof nodeInfo.result === "object" && nodeInfo.result ? nodeAddress(String((nodeInfo.result as { enode?: string }).enode)) : undefined;
    if (!Array.isArray(validators.result) || !own) return undefined;
    return (validators.result as string[]).some((address) => address.toLowerCase() === own) ? "validator" : "member";
}

/** A node that cannot be read, or answers what cannot be parsed, is one row's verdict, not the table's end. */
export async function readNode(kube: Kube, pod: string, consensus: Pick<Consensus, "kind">): Promise<NodeReading> {
    const raft = consensus.kind === "raft";
    const consensusCalls = raft ? [{ method: "raft_role" }] : [{ method: "istanbul_getValidators" }, { method: "admin_nodeInfo" }];
    try {
        const replies = await ipcBatch(kube, pod, [{ method: "eth_blockNumber" }, { method: "net_peerCount" }, { method: "eth_getBlockByNumber", params: ["latest", false] }, { method: "txpool_status" }, ...consensusCalls]);
        return readingOf(replies, raft);
    } catch (error) {
        return { error: (error as Error).message.split("\n")[0] };
    }
}

function readingOf([height, peers, latest, pool, ...roles]: RpcReply[], raft: boolean): NodeReading {
    if (height.error) return { error: height.error.message };
    const block = latest.result as { timestamp?: string } | null | undefined;
    const txpool = pool.result as { pending?: string; queued?: string } | undefined;
    return {
        height: quantity(height),
        peers: quantity(peers),
        role: raft ? (typeof roles[0].result === "string" ? roles[0].result : undefined) : bftRole(roles[0], roles[1]),
        pending: txpool?.pending === undefined ? undefined : Number(BigInt(txpool.pending)),
        queued: txpool?.queued === undefined ? undefined : Number(BigInt(txpool.queued)),
        lastBlockAt: block?.timestamp === undefined ? undefined : unixSeconds(Number(BigInt(block.timestamp))),
    };
}

export interface NetworkReading {
    /** The project's pods by name. */
    pods: Map<string, PodStatus>;
    /** Node 1..N's. */
    readings: NodeReading[];
    /** How long reading took (the pod listing and every node's console call). */
    readMs: number;
}

async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/** `parallel` console calls at once. */
export async function readNetwork(kube: Kube, consensus: Pick<Consensus, "kind">, nodeCount: number, parallel: number): Promise<NetworkReading> {
    const started = Date.now();
    const indexes = Array.from({ length: nodeCount }, (_, i) => i + 1);
    const pods = new Map((await kube.pods()).map((pod): [string, PodStatus] => [pod.name, pod]));
    const readings = await inParallel(indexes, parallel, (index) =>
        pods.has(nodePodName(index)) ? readNode(kube, nodePodName(index), consensus) : Promise.resolve<NodeReading>({ error: "no pod" }),
    );
    return { pods, readings, readMs: Date.now() - started };
}
