// What a backup reads of the running network: each member's state (Ready, validator), a node's
// head and the chain's identity, how a member's pods run (image, pull settings, folder in the
// claim) and whether a Raft member joined after the founding.
import { ipcRpc } from "../../lib/kubernetes/gethIpc";
import { Kube, Kubectl } from "../../lib/kubernetes/kubectl";
import { QDATA_MOUNT } from "../../lib/model/paths";
import { BOOTNODE_SET, memberName, nodePodName, podOf, RAFT_JOINED_ANNOTATION } from "../../lib/network/names";
import { StackOutputs } from "../../lib/model/outputs";
import { MemberState } from "./plan";

export async function memberStates(kube: Kube, outputs: StackOutputs): Promise<MemberState[]> {
    const ready = new Set((await kube.pods()).filter((pod) => pod.ready).map((pod) => pod.name));
    const validators = outputs.consensus.kind === "raft" ? 0 : outputs.consensus.validators;
    const nodes = outputs.nodes.map((_, i) => ({ index: i + 1, name: memberName(i + 1), ready: ready.has(nodePodName(i + 1)), validator: i < validators }));
    return [{ index: 0, name: "bootnode", ready: ready.has(podOf(BOOTNODE_SET)), validator: false }, ...nodes];
}

export interface Head {
    number: number;
    hash: string;
}

export async function headOf(kube: Kube, index: number): Promise<Head> {
    const block = await ipcRpc(kube, nodePodName(index))<{ number: string; hash: string }>("eth_getBlockByNumber", ["latest", false]);
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
    return (await kube.field(`statefulset/${set}`, `{.metadata.annotations.${RAFT_JOINED_ANNOTATION.replace(/\./g, "\\.")}}`)) === "true";
}
