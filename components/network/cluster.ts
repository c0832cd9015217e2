import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMMON_LABELS } from "../../lib/network/names";
import { POD_SECURITY_LABELS } from "../../lib/network/security";

export interface KubeClusterArgs {
    kubeContext: string;
    namespace: string;
    /** False: the namespace exists already (made by someone else) and a destroy leaves it. */
    createNamespace: boolean;
}

/** The Kubernetes provider bound to the configured context, and the namespace everything lives in. */
export class KubeCluster extends pulumi.ComponentResource {
    readonly provider: k8s.Provider;
    readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: KubeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Cluster", name, {}, opts);
        this.provider = new k8s.Provider(
            `${name}-provider`,
            // A changed ConfigMap is updated in place (the provider otherwise replaces it, and with it
            // every pod that mounts it): a node's peer list changes without restarting the node.
            { context: args.kubeContext, namespace: args.namespace, enableConfigMapMutable: true },
            { parent: this },
        );
        // "default" always exists and must not be deleted by a destroy.
        this.namespace =
            !args.createNamespace || args.namespace === "default"
                ? pulumi.output(args.namespace)
                : new k8s.core.v1.Namespace(
                      `${name}-namespace`,
                      {
                          metadata: { name: args.namespace, labels: { ...COMMON_LABELS, ...POD_SECURITY_LABELS } },
                      },
                      { parent: this, provider: this.provider },
                  ).metadata.name;
        this.registerOutputs({ namespace: this.namespace });
    }
}
