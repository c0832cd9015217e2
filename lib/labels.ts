// Recommended app.kubernetes.io labels. Selectors use only name + instance, which never change.

export interface WorkloadIdentity {
    /** What runs: quorum-bootnode, quorum-node, racecourse. */
    name: string;
    /** Which one: bootnode, node-3, racecourse. */
    instance: string;
    component: string;
}

export const PART_OF = "kaleido-quorum";

export function selectorLabels(identity: WorkloadIdentity): Record<string, string> {
    return { "app.kubernetes.io/name": identity.name, "app.kubernetes.io/instance": identity.instance };
}

export function workloadLabels(identity: WorkloadIdentity): Record<string, string> {
    return {
        ...selectorLabels(identity),
        "app.kubernetes.io/component": identity.component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": "pulumi",
    };
}
