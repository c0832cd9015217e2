// What validator votes read of the running network: one observation (each node's head, peers and
// signing address, and the chain's set) and how to call each node it saw. Node pods are read
// through observeNetwork; the validators command's RPC URLs are read the same way, call by call.
import { httpRpc, RpcCall } from "../../lib/httpRequest";
import { ipcRpc } from "../../lib/kubernetes/gethIpc";
import { Kube } from "../../lib/kubernetes/kubectl";
import { observeNetwork } from "../../lib/kubernetes/observeNetwork";
import { QuorumRule } from "../../lib/model/consensus";
import { ObservedNetwork, ObservedNode } from "../../lib/model/observed";
import { nodePodName } from "../../lib/network/names";
import { nodeAddress } from "../../lib/network/nodeAddress";

export interface VotingView {
    network: ObservedNetwork;
    rpcOf: (node: ObservedNode) => RpcCall;
}

/** Reads the network afresh: each call is a new observation. */
export type Observe = () => Promise<VotingView>;

/**
 * The rule when the chain's config states none (observeNetwork takes the chain's own formula when
 * it does): ceil(2N/3) from block 0, never below 2F+1 (quorumSize).
 */
const STRICTEST_RULE: QuorumRule = { kind: "qbft", validators: 0, ceil2Nby3Block: 0 };

/** Nodes that did not answer still sign with their keys' addresses: known, they name them in messages. */
function withKnownIdentities(network: ObservedNetwork, addresses: string[]): ObservedNetwork {
    const known = (node: ObservedNode) => node.identity ?? addresses[node.index - 1]?.toLowerCase();
    return {
        ...network,
        nodes: network.nodes.map((node) => (known(node) ? { ...node, identity: known(node) } : node)),
    };
}

/** A vote needs the chain's own set: the stack's stand-in for nodes without the istanbul API names members, not signers. */
function listedByChain(network: ObservedNetwork): ObservedNetwork {
    if (network.setBy !== "stack") return network;
    const { chainSet: _standIn, setBy: _stack, ...unread } = network;
    return unread;
}

export interface PodTarget {
    /** The stack's rule (at preview), for a chain whose config states no commit formula. */
    rule?: QuorumRule;
    /** Signing addresses of nodes 1..N, as far as known: these nodes are read even without a pod. */
    addresses?: string[];
}

/** The namespace's node pods, each over geth's IPC socket. */
export function podObserver(kube: Kube, target: PodTarget = {}): Observe {
    const addresses = target.addresses ?? [];
    return async () => {
        const network = listedByChain(await observeNetwork(kube, target.rule ?? STRICTEST_RULE, addresses.length));
        return {
            network: withKnownIdentities(network, addresses),
            rpcOf: (node) => ipcRpc(kube, nodePodName(node.index)),
        };
    };
}

async function readUrl(index: number, url: string, rpc: RpcCall): Promise<{ node: ObservedNode; set?: string[] }> {
    const base: ObservedNode = { index, name: url, podReady: true };
    try {
        const [height, peers, info, set] = await Promise.all([
            rpc<string>("eth_blockNumber"),
            rpc<string>("net_peerCount"),
            rpc<{ enode: string }>("admin_nodeInfo"),
            rpc<string[]>("istanbul_getValidators"),
        ]);
        const identity = nodeAddress(info.enode);
        const node = {
            ...base,
            head: { number: Number(BigInt(height)) },
            peers: Number(BigInt(peers)),
            ...(identity ? { identity } : {}),
        };
        return { node, set: set.map((member) => member.toLowerCase()) };
    } catch (error) {
        return { node: { ...base, error: (error as Error).message.split("\n")[0] } };
    }
}

/** Nodes given as RPC URLs (serving the istanbul and admin APIs): these alone are the network, judged by the strictest rule. */
export function urlObserver(urls: string[], timeoutMs: number): Observe {
    const rpcs = urls.map((url) => httpRpc(url, timeoutMs));
    return async () => {
        const answers = await Promise.all(urls.map((url, i) => readUrl(i + 1, url, rpcs[i])));
        const source = answers
            .filter((answer) => answer.set)
            .sort((a, b) => (b.node.head?.number ?? 0) - (a.node.head?.number ?? 0))[0];
        const nodes = answers.map((answer) => answer.node);
        const network: ObservedNetwork = {
            rule: STRICTEST_RULE,
            nodes,
            ...(source?.set ? { chainSet: source.set } : {}),
        };
        return { network, rpcOf: (node) => rpcs[node.index - 1] };
    };
}
