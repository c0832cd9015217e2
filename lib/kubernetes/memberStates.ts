// The members as the quorum rule sees them: which pods are Ready, which nodes the stack counts as validators.
import { Consensus, validatorCount } from "../model/consensus";
import { MemberState } from "../model/quorumRule";
import { BOOTNODE_SET, memberName, nodePodName, podOf } from "../network/names";
import { Kube } from "./kubectl";

export async function memberStates(kube: Kube, consensus: Consensus, nodeCount: number): Promise<MemberState[]> {
    const ready = new Set((await kube.pods()).filter((pod) => pod.ready).map((pod) => pod.name));
    const nodes = Array.from({ length: nodeCount }, (_, i) => ({ index: i + 1, name: memberName(i + 1), ready: ready.has(nodePodName(i + 1)), validator: i < validatorCount(consensus) }));
    return [{ index: 0, name: "bootnode", ready: ready.has(podOf(BOOTNODE_SET)), validator: false }, ...nodes];
}
