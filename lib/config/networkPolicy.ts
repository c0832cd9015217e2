// The networkPolicy keys: whether the network isolates its pods, and who else may reach RPC and metrics.
import { parseLabels } from "./labels";
import { PeerSelector } from "../model/networkPolicy";

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
