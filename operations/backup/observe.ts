// What a backup reads of the running network: a node's head and the chain's identity, how a
// member's pods run (image, pull settings, folder in the claim) and whether a Raft member joined
// after the founding.
import { ipcRpc } from "../../lib/kubernetes/gethIpc";
import { Kube, Kubectl } from "../../lib/kubernetes/kubectl";
import { QDATA_MOUNT } from "../../lib/model/paths";
import { nodePodName, RAFT_JOINED_ANNOTATION } from "../../lib/network/names";

export interface Head {
    number: number;
    hash: string;
}

export async function headOf(kube: Kube, index: number): Promise<Head> {
    const block = await ipcRpc(kube, nodePodName(index))<{ number: string; hash: string }>("eth_getBlockByNumber", [
        "latest",
        false,
    ]);
    return { number: Number(BigInt(block.number)), hash: block.hash };
}

/** The chain a backup belongs to: its genesis block and chain id, as node 1 reports them. */
export async function chainIdentity(kube: Kube): Promise<{ genesisHash: string; chainId: number }> {
    const first = ipcRpc(kube, nodePodName(1));
    const genesis = await first<{ hash: string }>("eth_getBlockByNumber", ["0x0", false]);
    return { genesisHash: genesis.hash, chainId: Number(BigInt(await first<string>("eth_chainId"))) };
}

/** How the member's own pods run: its image, pulled as they pull it, and its folder in the claim. */
export interface MemberPod {
    image: string;
    imagePullPolicy: string;
    imagePullSecrets: string[];
    folder: string;
}

export async function memberPod(kube: Kubectl, set: string): Promise<MemberPod> {
    const pod = "{.spec.template.spec";
    const container = `${pod}.containers[0]`;
    const field = (path: string) => kube.field(`statefulset/${set}`, path);
    return {
        image: await field(`${container}.image}`),
        imagePullPolicy: (await field(`${container}.imagePullPolicy}`)) || "IfNotPresent",
        imagePullSecrets: (await field(`${pod}.imagePullSecrets[*].name}`)).split(/\s+/).filter(Boolean),
        // The member's folder is the part of the claim its pods mount at the qdata mount (a subPath on clusters).
        folder: await field(`${container}.volumeMounts[?(@.mountPath=="${QDATA_MOUNT}")].subPath}`),
    };
}

/** Raft: the member joined a running network (its Raft id is not its place in static-nodes.json). */
export async function joinedRaft(kube: Kube, set: string): Promise<boolean> {
    return (
        (await kube.field(
            `statefulset/${set}`,
            `{.metadata.annotations.${RAFT_JOINED_ANNOTATION.replace(/\./g, "\\.")}}`,
        )) === "true"
    );
}
