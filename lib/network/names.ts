// Every name and label the network's objects carry, and how the scripts find them again. Selectors
// use only name + instance (recommended app.kubernetes.io labels), which never change.

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

/** A label selector as kubectl's -l takes it. */
export function selectorText(labels: Record<string, string>): string {
    return Object.entries(labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
}

export const BOOTNODE_IDENTITY: WorkloadIdentity = {
    name: "quorum-bootnode",
    instance: "bootnode",
    component: "bootnode",
};
export const RACECOURSE_IDENTITY: WorkloadIdentity = { name: "racecourse", instance: "racecourse", component: "web" };
export const NODE_NAME = "quorum-node";
export const NODE_SERVICE_IDENTITY: WorkloadIdentity = { name: NODE_NAME, instance: "all-nodes", component: "rpc" };

export function nodeIdentity(index: number): WorkloadIdentity {
    return { name: NODE_NAME, instance: memberName(index), component: "node" };
}

/** Every pod of the stack. */
export const PROJECT_SELECTOR = { "app.kubernetes.io/part-of": PART_OF };
/** Every node pod of the stack, and no other pod. */
export const ALL_NODES_SELECTOR = { "app.kubernetes.io/name": NODE_NAME, ...PROJECT_SELECTOR };
/** On the Services of the nodes the stack counts as IBFT/QBFT validators: "true". */
export const VALIDATOR_LABEL = "kaleido.io/validator";

/**
 * On each node StatefulSet under Raft: the member's Raft id, "true" when it joined a running
 * network, and on founders how many founders the network still has (a first up cut short has not
 * made them all yet).
 */
export const RAFT_ID_ANNOTATION = "kaleido.io/raft-id";
export const RAFT_JOINED_ANNOTATION = "kaleido.io/raft-joined";
export const RAFT_FOUNDERS_ANNOTATION = "kaleido.io/raft-founders";

export const BOOTNODE_SET = "bootnode-set";
export const BOOTNODE_SERVICE = "quorum-bootnode";
export const NODE_SERVICE = "node-service";
export const RACECOURSE_DEPLOYMENT = "racecourse-deployment";
export const RACECOURSE_SERVICE = "racecourse-service";
/** The nodes' PodDisruptionBudget and their ServiceMonitor. */
export const NODES_BUDGET = "quorum-nodes";
export const NODES_SERVICE_MONITOR = "quorum-nodes";

/** node-N: node N in messages, outputs and its instance label. */
export function memberName(index: number): string {
    return `node-${index}`;
}

export function memberIndexOf(name: string): number | undefined {
    const index = /^node-(\d+)$/.exec(name)?.[1];
    return index === undefined ? undefined : Number(index);
}

export function nodeSetName(index: number): string {
    return `node-set-${index}`;
}

/** A single-replica StatefulSet's one pod. */
export function podOf(setName: string): string {
    return `${setName}-0`;
}

export function nodePodName(index: number): string {
    return podOf(nodeSetName(index));
}

/** The node index a node StatefulSet's or pod's name carries, if it is one. */
export function nodeIndexOf(name: string): number | undefined {
    const index = /^node-set-(\d+)(-0)?$/.exec(name)?.[1];
    return index === undefined ? undefined : Number(index);
}

/** Each node's own Service, with its fixed clusterIP. */
export function nodeServiceName(index: number): string {
    return `${NODE_NAME}-${index}`;
}

/** The names a Service answers to inside the cluster, short to fully qualified. */
export function serviceHostNames(service: string, namespace: string): string[] {
    return [
        service,
        `${service}.${namespace}`,
        `${service}.${namespace}.svc`,
        `${service}.${namespace}.svc.cluster.local`,
    ];
}

/** The member's claim (and, on clusters, the prefix of its Secret and ConfigMaps): qdata-N. */
export function claimName(index: number): string {
    return `qdata-${index}`;
}
