// One reading of the running network that every operation judges it by: the pod listing, and per
// node one geth console call over its IPC socket (a JSON-RPC batch) for its head, peers, pool,
// identity and the role the chain gives it. The nodes are read in parallel.
import { QuorumRule, stackCountedMembers } from "../model/consensus";
import { ObservedNetwork, ObservedNode } from "../model/observed";
import { memberName, nodeIndexOf, nodePodName } from "../network/names";
import { enodePublicKey, nodeAddress } from "../network/nodeAddress";
import { ipcBatch, isMissingMethod, replyQuantity, RpcReply } from "./gethIpc";
import { Kube } from "./kubectl";
import { inParallel } from "../inParallel";

/** Console calls at once: enough for 50 nodes in a few rounds, few enough for a laptop's kubectl. */
export const PARALLEL_READS = 25;

/** Raft stamps blocks in nanoseconds, BFT in seconds. */
const unixSeconds = (timestamp: number) => (timestamp > 1e12 ? Math.floor(timestamp / 1e9) : timestamp);

/** What one node says, and the chain's set and commit formula as it states them. */
interface NodeAnswer {
    node: ObservedNode;
    /** It answered, but serves no API that lists the chain's set. */
    noSetApi?: boolean;
    set?: string[];
    learners?: string[];
    /** From its chain config (admin_nodeInfo's protocols.eth.config): undefined when it states none. */
    ceil2Nby3Block?: number | null;
}

type ChainConfig = Record<string, { ceil2Nby3Block?: unknown } | undefined>;

/**
 * The block the chain's commit quorum becomes ceil(2N/3) at, as its running config says: null for
 * 2F+1 at every height (legacy config.istanbul without the key), undefined when the node states no
 * BFT config (upstream geth). config.qbft and config.ibft without the key take GoQuorum's default 0
 * (consensus/istanbul/config.go:151, eth/ethconfig/config.go:356).
 */
function ceil2Nby3Of(nodeInfo: RpcReply): number | null | undefined {
    const config = (nodeInfo.result as { protocols?: { eth?: { config?: ChainConfig } } } | undefined)?.protocols?.eth
        ?.config;
    const section = config?.qbft ?? config?.ibft ?? config?.istanbul;
    if (!section) return undefined;
    const block = section.ceil2Nby3Block;
    if (typeof block === "number") return block;
    return config?.istanbul === section ? null : 0;
}

/** The rule the chain itself runs: its own commit formula where it states one, else the stack's. */
function chainRule(rule: QuorumRule, answers: NodeAnswer[]): QuorumRule {
    const stated = answers.find((answer) => answer.ceil2Nby3Block !== undefined)?.ceil2Nby3Block;
    if (rule.kind === "raft" || stated === undefined) return rule;
    const { ceil2Nby3Block: _stackValue, ...rest } = rule;
    return stated === null ? rest : { ...rest, ceil2Nby3Block: stated };
}

const COMMON_CALLS = [
    { method: "eth_blockNumber" },
    { method: "net_peerCount" },
    { method: "eth_getBlockByNumber", params: ["latest", false] },
    { method: "txpool_status" },
    { method: "admin_nodeInfo" },
];
const RAFT_CALLS = [{ method: "raft_role" }, { method: "raft_cluster" }];
const BFT_CALLS = [{ method: "istanbul_getValidators" }];

interface RaftClusterEntry {
    nodeId?: string;
    role?: string;
}

function headOf(height: RpcReply, latest: RpcReply): ObservedNode["head"] {
    const number = replyQuantity(height);
    if (number === undefined) return undefined;
    const block = latest.result as { number?: string; hash?: string; timestamp?: string } | null | undefined;
    // The hash is the latest block's: it names the head only when that block is the height read.
    const same = block?.number !== undefined && Number(BigInt(block.number)) === number;
    return {
        number,
        ...(same && block?.hash ? { hash: block.hash } : {}),
        ...(block?.timestamp ? { timestamp: unixSeconds(Number(BigInt(block.timestamp))) } : {}),
    };
}

function answerOf(base: ObservedNode, replies: RpcReply[], raft: boolean): NodeAnswer {
    const [height, peers, latest, pool, nodeInfo, ...consensus] = replies;
    if (height.error) return { node: { ...base, error: height.error.message } };
    const txpool = pool.result as { pending?: string; queued?: string } | undefined;
    const enode = String((nodeInfo.result as { enode?: string } | undefined)?.enode ?? "");
    const identity = raft ? enodePublicKey(enode) : nodeAddress(enode);
    const node: ObservedNode = {
        ...base,
        head: headOf(height, latest),
        peers: replyQuantity(peers),
        ...(txpool?.pending !== undefined ? { pending: Number(BigInt(txpool.pending)) } : {}),
        ...(txpool?.queued !== undefined ? { queued: Number(BigInt(txpool.queued)) } : {}),
        ...(identity ? { identity } : {}),
    };
    if (!raft) {
        const validators = consensus[0].result;
        const listed = Array.isArray(validators)
            ? { set: validators.map((address) => String(address).toLowerCase()) }
            : { noSetApi: isMissingMethod(consensus[0]) };
        return { node, ceil2Nby3Block: ceil2Nby3Of(nodeInfo), ...listed };
    }
    const [role, cluster] = consensus;
    if (isMissingMethod(cluster)) return { node, noSetApi: true };
    const withRole = typeof role.result === "string" && role.result !== "" ? { ...node, raftRole: role.result } : node;
    if (!Array.isArray(cluster.result)) return { node: withRole };
    const entries = cluster.result as RaftClusterEntry[];
    const key = (entry: RaftClusterEntry) =>
        String(entry.nodeId ?? "")
            .toLowerCase()
            .replace(/^0x/, "");
    return {
        node: withRole,
        set: entries.filter((entry) => entry.role !== "learner").map(key),
        learners: entries.filter((entry) => entry.role === "learner").map(key),
    };
}

async function readNode(kube: Kube, base: ObservedNode, raft: boolean): Promise<NodeAnswer> {
    try {
        return answerOf(
            base,
            await ipcBatch(kube, nodePodName(base.index), [...COMMON_CALLS, ...(raft ? RAFT_CALLS : BFT_CALLS)]),
            raft,
        );
    } catch (error) {
        return { node: { ...base, error: (error as Error).message.split("\n")[0] } };
    }
}

/** The answer the chain's set is taken from: the most advanced node that listed one. */
function mostAdvanced(answers: NodeAnswer[]): NodeAnswer | undefined {
    const listing = answers.filter((answer) => answer.set !== undefined);
    return listing.sort((a, b) => (b.node.head?.number ?? -1) - (a.node.head?.number ?? -1))[0];
}

/**
 * Nodes 1..nodeCount and any other node pod of the namespace (a member a shrink is removing still
 * counts for the chain until it is gone), each read in one console call when its pod exists.
 */
export async function observeNetwork(
    kube: Kube,
    rule: QuorumRule,
    nodeCount: number,
    parallel = PARALLEL_READS,
): Promise<ObservedNetwork> {
    const pods = new Map((await kube.pods()).map((pod) => [pod.name, pod]));
    const extra = [...pods.keys()]
        .map(nodeIndexOf)
        .filter((index): index is number => index !== undefined && index > nodeCount);
    const indexes = [...Array.from({ length: nodeCount }, (_, i) => i + 1), ...extra.sort((a, b) => a - b)];
    const raft = rule.kind === "raft";
    const answers = await inParallel(indexes, parallel, (index) => {
        const pod = pods.get(nodePodName(index));
        const base: ObservedNode = { index, name: memberName(index), podReady: pod?.ready ?? false };
        return pod ? readNode(kube, base, raft) : Promise.resolve<NodeAnswer>({ node: { ...base, error: "no pod" } });
    });
    const source = mostAdvanced(answers);
    const network = { rule: chainRule(rule, answers), nodes: answers.map((answer) => answer.node) };
    if (source?.set)
        return {
            ...network,
            chainSet: source.set,
            setBy: "chain",
            ...(source.learners ? { learners: source.learners } : {}),
        };
    return answers.some((answer) => answer.noSetApi) ? stackSet(network, nodeCount) : network;
}

/** Nodes that serve no API listing the set: the stack's counted members (Raft every node, BFT the first V) stand for it, by name. */
function stackSet(network: ObservedNetwork, nodeCount: number): ObservedNetwork {
    const counted = stackCountedMembers(network.rule, nodeCount);
    const nodes = network.nodes.map((node) => ({ ...node, identity: node.name }));
    return {
        ...network,
        nodes,
        chainSet: Array.from({ length: counted }, (_, i) => memberName(i + 1)),
        setBy: "stack",
    };
}
