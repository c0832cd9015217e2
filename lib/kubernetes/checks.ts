// platform kubernetes: read-only checks of the kube context, run on every preview and update.
import { NetworkConfig } from "../config/model";
import { runCheck } from "../localCheck";
import { ALL_NODES_SELECTOR, selectorText } from "../network/names";
import { RaftStart, runningMembersFrom } from "../network/raftMembership";

/** Fails in one line unless the context exists and answers, the PVCs have a StorageClass, and a namespace to use exists. */
export async function clusterPreflight(config: NetworkConfig): Promise<void> {
    await runCheck("bash scripts/cluster-preflight.sh", {
        KUBE_CONTEXT: config.kubeContext,
        STORAGE_CLASS: config.storageClassName ?? "",
        NAMESPACE: config.namespace,
        CREATE_NAMESPACE: String(config.createNamespace),
    });
}

/** Raft: the members whose node StatefulSets exist now, by index, and how each was started. Any platform. */
export async function runningRaftMembers(config: NetworkConfig): Promise<Map<number, RaftStart>> {
    const { stdout } = await runCheck("bash scripts/raft-members.sh", { KUBE_CONTEXT: config.kubeContext, NAMESPACE: config.namespace, SELECTOR: selectorText(ALL_NODES_SELECTOR) });
    return runningMembersFrom(stdout);
}
