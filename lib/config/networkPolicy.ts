// The networkPolicy keys: whether the network isolates its pods, and who else may reach RPC.

/** Pods by their labels, in the stack's namespace unless namespaces are named by theirs. */
export interface PeerSelector {
    pods?: Record<string, string>;
    namespaces?: Record<string, string>;
}

export interface NetworkPolicySettings {
    /** Besides the racecourse: who may reach the nodes' RPC. */
    rpcClients: PeerSelector[];
    /** Where the ingress controller's pods run. */
    ingressNamespace: string;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function labels(text: string): Record<string, string> | undefined {
    const pairs = text.split(",").map((pair) => /^([^=]+)=(.*)$/.exec(pair));
    if (pairs.some((pair) => !pair || !LABEL_KEY.test(pair[1]) || !LABEL_VALUE.test(pair[2]))) return undefined;
    return Object.fromEntries(pairs.map((pair) => [pair![1], pair![2]]));
}

/** One rpcClients entry: "k=v[,...]", "namespace:k=v[,...]", or both separated by a space. */
export function parsePeerSelector(entry: string): PeerSelector | undefined {
    const parts = entry.trim().split(/\s+/);
    if (parts.length === 0 || parts.length > 2) return undefined;
    const selector: PeerSelector = {};
    for (const part of parts) {
        const namespaced = part.startsWith("namespace:");
        const parsed = labels(namespaced ? part.slice("namespace:".length) : part);
        if (!parsed || (namespaced ? selector.namespaces : selector.pods)) return undefined;
        if (namespaced) selector.namespaces = parsed;
        else selector.pods = parsed;
    }
    return selector;
}
