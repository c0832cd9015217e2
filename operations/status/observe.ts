// What `npm run status` reads of the running network: the one reading every operation judges it
// by (observeNetwork: one pod listing, and each node's state in one geth console call over its IPC
// socket), plus the pods' restarts, taken from that same pod listing.
import { observeNetwork } from "../../lib/kubernetes/observeNetwork";
import { Kube, PodStatus } from "../../lib/kubernetes/kubectl";
import { QuorumRule } from "../../lib/model/consensus";
import { ObservedNetwork } from "../../lib/model/observed";

export interface StatusReading {
    network: ObservedNetwork;
    /** Restarts of every container since the pod was made, by pod name. */
    restarts: Map<string, number>;
    /** How long reading took (the pod listing and every node's console call). */
    readMs: number;
}

/** `kube`, keeping the pods observeNetwork lists: the restarts column costs the cluster no second listing. */
function keepingPodListing(kube: Kube): { kube: Kube; listed: () => PodStatus[] } {
    let listed: PodStatus[] = [];
    const pods = async () => (listed = await kube.pods());
    return {
        kube: new Proxy(kube, { get: (target, key) => (key === "pods" ? pods : Reflect.get(target, key)) }),
        listed: () => listed,
    };
}

/** Nodes 1..nodeCount (and any other node pod, a member being removed), `parallel` console calls at once. */
export async function readStatus(
    kube: Kube,
    rule: QuorumRule,
    nodeCount: number,
    parallel: number,
): Promise<StatusReading> {
    const started = Date.now();
    const keeping = keepingPodListing(kube);
    const network = await observeNetwork(keeping.kube, rule, nodeCount, parallel);
    const restarts = new Map(keeping.listed().map((pod): [string, number] => [pod.name, pod.restarts]));
    return { network, restarts, readMs: Date.now() - started };
}
