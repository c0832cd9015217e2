// What validator votes read of the running network: the Ready node pods (each reached over geth's
// IPC socket), the chain's validator set, and each node's signing address.
import { RpcCall, RpcRefusal } from "../../lib/httpRequest";
import { ipcRpc } from "../../lib/kubernetes/gethIpc";
import { Kube } from "../../lib/kubernetes/kubectl";
import { nodeIndexOf } from "../../lib/network/names";
import { nodeAddress } from "../../lib/network/nodeAddress";

export interface VotingNode {
    /** The pod or URL, for messages. */
    name: string;
    rpc: RpcCall;
}

/** Every Ready node pod of the namespace, in node order. */
export async function readyNodePods(kube: Kube): Promise<VotingNode[]> {
    const pods = (await kube.pods()).filter((pod) => pod.ready && nodeIndexOf(pod.name) !== undefined);
    return pods.sort((a, b) => nodeIndexOf(a.name)! - nodeIndexOf(b.name)!).map((pod) => ({ name: pod.name, rpc: ipcRpc(kube, pod.name) }));
}

/** The chain's validators as the node reports them, lower-case 0x addresses. */
export async function validatorSet(node: VotingNode): Promise<string[]> {
    return (await node.rpc<string[]>("istanbul_getValidators")).map((address) => address.toLowerCase());
}

/** The address the node signs blocks with, from its enode. */
export async function signingAddress(node: VotingNode): Promise<string | undefined> {
    return nodeAddress((await node.rpc<{ enode: string }>("admin_nodeInfo")).enode);
}

/** The running chain as a preview sees it: which node pods are Ready, and the set the first to answer reports. */
export interface SeenValidators {
    /** Ready node pods; none on a new network. */
    ready: string[];
    /** Undefined when no Ready node could say (why: `failure`). */
    validators?: string[];
    failure?: string;
}

export async function seenValidators(kube: Kube): Promise<SeenValidators> {
    const nodes = await readyNodePods(kube);
    const ready = nodes.map((node) => node.name);
    let failure = "no node pod is Ready";
    for (const node of nodes) {
        try {
            return { ready, validators: await validatorSet(node) };
        } catch (error) {
            failure = `${node.name}: ${(error as Error).message.trim().split("\n").pop()}`;
            // The node answered, refusing the call (images without the istanbul API): so would the others.
            if (error instanceof RpcRefusal) break;
        }
    }
    return { ready, failure };
}
