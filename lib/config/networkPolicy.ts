// The networkPolicy keys: whether the network isolates its pods, and who else may reach RPC and metrics.
import { parseLabels } from "./labels";

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

/** One rpcClients or metricsScrapers entry: "k=v[,...]", "namespace:k=v[,...]", or both separated by a space. */
export function parsePeerSelector(entry: string): PeerSelector | undefined {
    const parts = entry.trim().split(/\s+/);
    if (parts.length === 0 || parts.length > 2) return undefined;
    const selector: PeerSelector = {};
    for (const part of parts) {
        const namespaced = part.startsWith("namespace:");
        const parsed = parseLabels(namespaced ? part.slice("namespace:".length) : part);
        if (!parsed || (namespaced ? selector.namespaces : selector.pods)) return undefined;
        if (namespaced) selector.namespaces = parsed;
        else selector.pods = parsed;
    }
    return selector;
}
