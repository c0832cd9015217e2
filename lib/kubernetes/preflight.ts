// platform kubernetes: read-only checks of the kube context, run on every preview and update.
import { NetworkConfig } from "../model/network";
import { runCheck } from "../localCheck";

/** Fails in one line unless the context exists and answers, the PVCs have a StorageClass, and a namespace to use exists. */
export async function clusterPreflight(config: NetworkConfig): Promise<void> {
    await runCheck("bash scripts/cluster-preflight.sh", {
        KUBE_CONTEXT: config.kubeContext,
        STORAGE_CLASS: config.storageClassName ?? "",
        NAMESPACE: config.namespace,
        CREATE_NAMESPACE: String(config.createNamespace),
    });
}
