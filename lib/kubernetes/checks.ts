// platform kubernetes: read-only checks of the kube context, run on every preview and update.
import { NetworkConfig } from "../config/config";
import { runCheck } from "../localCheck";

/** Fails in one line unless the context exists and answers and the PVCs have a StorageClass. */
export async function clusterPreflight(config: NetworkConfig): Promise<void> {
    await runCheck("bash scripts/cluster-preflight.sh", { KUBE_CONTEXT: config.kubeContext, STORAGE_CLASS: config.storageClassName ?? "" });
}
