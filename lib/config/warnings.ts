// Settings that are valid but widen what reaches the nodes, or name the runtime by a former name:
// said at every preview, not refused.
import { FORMER_RUNTIME_NAMES, FormerRuntimeName, NetworkConfig } from "../model/network";
import { isPowerfulApi, POWERFUL_APIS } from "../network/rpcApis";
import { runtimeNamed } from "../runtime/runtimes";

export function configWarnings(config: NetworkConfig): string[] {
    return [...(config.runtimeSetAs ? [formerNameWarning(config.runtimeSetAs)] : []), ...rpcApisWarnings(config)];
}

/** The value still means its runtime, and the volumes keep what they record: only the stack file's word changes. */
function formerNameWarning(setAs: FormerRuntimeName): string {
    const now = FORMER_RUNTIME_NAMES[setAs];
    return `runtime: "${setAs}" is the former name of runtime ${now} (${runtimeNamed(now).describedAs}); it runs the same network, nothing on the cluster or its volumes changes, but write the new name: pulumi config set runtime ${now}`;
}

function rpcApisWarnings(config: NetworkConfig): string[] {
    const powerful = config.rpcApis.filter(isPowerfulApi);
    // A runtime without the key serves its image's own namespaces, whatever rpcApis holds.
    if (!runtimeNamed(config.runtime).stackKeys.includes("rpcApis") || powerful.length === 0) return [];
    const what = powerful.map((api) => `${api} ${POWERFUL_APIS[api]}`).join("; ");
    return [
        `rpcApis: ${powerful.join(", ")} on HTTP and WS let every pod that reaches RPC (the racecourse, rpcClients) and every port-forward use them: ${what}. The program needs none of them (it administers the nodes over IPC); remove them unless a client of yours needs one`,
    ];
}
