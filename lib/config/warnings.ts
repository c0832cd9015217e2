// Settings that are valid but widen what reaches the nodes: said at every preview, not refused.
import { NetworkConfig } from "../model/network";

/** RPC namespaces that administer a node, unlock its accounts or steer its mining. */
const POWERFUL_APIS: Record<string, string> = {
    admin: "adds and removes peers and stops the RPC",
    debug: "reads and traces any state and can slow the node down",
    personal: "unlocks accounts and signs with them",
    miner: "starts and stops block production",
};

export function configWarnings(config: NetworkConfig): string[] {
    const powerful = config.rpcApis.filter((api) => api in POWERFUL_APIS);
    if (config.runtime !== "goquorum" || powerful.length === 0) return [];
    const what = powerful.map((api) => `${api} ${POWERFUL_APIS[api]}`).join("; ");
    return [`rpcApis: ${powerful.join(", ")} on HTTP and WS let every pod that reaches RPC (the racecourse, rpcClients) and every port-forward use them: ${what}. The program needs none of them (it administers the nodes over IPC); remove them unless a client of yours needs one`];
}
