// platform kubernetes: read-only checks of the kube context, run on every preview and update.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../config/config";

/** Fails in one line unless the context exists and answers and the PVCs have a StorageClass. */
export async function clusterPreflight(config: NetworkConfig): Promise<void> {
    const result = await command.local.run({
        command: "bash scripts/cluster-preflight.sh",
        environment: { KUBE_CONTEXT: config.kubeContext, STORAGE_CLASS: config.storageClassName ?? "" },
    });
    if (result.stderr?.trim()) await pulumi.log.info(result.stderr.trim());
}
