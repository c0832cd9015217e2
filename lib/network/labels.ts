// Recommended app.kubernetes.io labels. Selectors use only name + instance, which never change.

export interface WorkloadIdentity {
    /** What runs: quorum-bootnode, quorum-node, racecourse. */
    name: string;
    /** Which one: bootnode, node-3, racecourse. */
    instance: string;
    component: string;
}

export const PART_OF = "kaleido-quorum";

/** Labels every object of the project carries. */
export const COMMON_LABELS: Record<string, string> = {
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
};

export function selectorLabels(identity: WorkloadIdentity): Record<string, string> {
    return { "app.kubernetes.io/name": identity.name, "app.kubernetes.io/instance": identity.instance };
}

export function workloadLabels(identity: WorkloadIdentity): Record<string, string> {
    return {
        ...selectorLabels(identity),
        "app.kubernetes.io/component": identity.component,
        ...COMMON_LABELS,
    };
}
