// The nodes of a namespace as validator votes reach them: every Ready node pod, over its IPC socket.
import { nodeIndexOf } from "../network/names";
import { VotingNode } from "../network/validatorVotes";
import { ipcRpc } from "./gethIpc";
import { Kube } from "./kubectl";

export async function readyNodePods(kube: Kube): Promise<VotingNode[]> {
    const pods = (await kube.pods()).filter((pod) => pod.ready && nodeIndexOf(pod.name) !== undefined);
    return pods.sort((a, b) => nodeIndexOf(a.name)! - nodeIndexOf(b.name)!).map((pod) => ({ name: pod.name, rpc: ipcRpc(kube, pod.name) }));
}
