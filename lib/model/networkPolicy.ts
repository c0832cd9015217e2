// Whether the network isolates its pods, and who else may reach RPC and metrics.

/** Pods by their labels, in the stack's namespace unless namespaces are named by theirs. */
export interface PeerSelector {
    pods?: Record<string, string>;
    namespaces?: Record<string, string>;
}

export interface NetworkPolicySettings {
    /** Besides the racecourse: who may reach the nodes' RPC. */
    rpcClients: PeerSelector[];
    /** Under monitoring: who may reach the metrics of geth and Tessera. */
    metricsScrapers: PeerSelector[];
    /** Where the ingress controller's pods run. */
    ingressNamespace: string;
}
