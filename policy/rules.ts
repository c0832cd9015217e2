// kaleido-quorum's security invariants as Pulumi CrossGuard policies: what the program's defaults
// already hold, enforced for stacks that widen them or add objects of their own. Each rule judges
// every workload kind, at pod and container level. index.ts serves them as a policy pack.
import { budgetKeepsQuorum } from "./budget";
import { hostPathsOwn } from "./hostPaths";
import { noKeyMaterial } from "./keys";
import { noAllowAll, policiesSelectMembers } from "./networkPolicies";
import { hardened, noHostNamespaces, rootOnlyWhereNeeded } from "./podSecurity";
import { rpcApis, seedRpcClosed } from "./rpc";

export { budgetKeepsQuorum, hardened, hostPathsOwn, noAllowAll, noHostNamespaces, noKeyMaterial };
export { policiesSelectMembers, rootOnlyWhereNeeded, rpcApis, seedRpcClosed };

export const POLICIES = [
    rpcApis,
    seedRpcClosed,
    hardened,
    noHostNamespaces,
    rootOnlyWhereNeeded,
    hostPathsOwn,
    noKeyMaterial,
    policiesSelectMembers,
    noAllowAll,
    budgetKeepsQuorum,
];
