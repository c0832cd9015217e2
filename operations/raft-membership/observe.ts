// What Raft membership reads of the running network: the node StatefulSets' membership records,
// the cluster as a node's raft API lists it, every node as the chain sees it, and a node that can
// take a membership change.
import { RpcCall } from "../../lib/httpRequest";
import { Kube, KubeObject } from "../../lib/kubernetes/kubectl";
import { observeNetwork } from "../../lib/kubernetes/observeNetwork";
import { ObservedNetwork } from "../../lib/model/observed";
import { ALL_NODES_SELECTOR, nodeIndexOf, nodePodName } from "../../lib/network/names";
import { enodePublicKey } from "../../lib/network/nodeAddress";
import { pollUntil } from "../../lib/poll";
import { memberKey, membersFrom, RaftClusterMember, RaftStart } from "./plan";

/** Raft: the members whose node StatefulSets exist now, by index, and how each was started. */
export async function runningMembers(kube: Kube): Promise<Map<number, RaftStart>> {
    return membersFrom(await kube.list<KubeObject>("statefulsets", ALL_NODES_SELECTOR));
}

export async function raftCluster(rpc: RpcCall): Promise<RaftClusterMember[]> {
    return rpc<RaftClusterMember[]>("raft_cluster");
}

/** The enode's public key: how raft_cluster and the nodes themselves name a member. */
export function enodeKey(enode: string): string {
    const key = enodePublicKey(enode);
    if (!key) throw new Error(`not an enode URL: ${enode}`);
    return key;
}

/** The enode's entry in the cluster, if it is a member (a learner or a voting one). */
export async function findMember(rpc: RpcCall, enode: string): Promise<RaftClusterMember | undefined> {
    const key = enodeKey(enode);
    return (await raftCluster(rpc)).find((member) => memberKey(member) === key);
}

/** Every node pod up to the member's and beyond, as the chain sees it (a shrink's leaving members still count until removed). */
export function observeRaft(kube: Kube, member: number): Promise<ObservedNetwork> {
    return observeNetwork(kube, { kind: "raft" }, member);
}

const WAIT_FOR_PEER_MS = 300_000;

/** The lowest-numbered Ready node pod other than the member's own, waiting for one up to 5 minutes. */
export async function readyPeerPod(kube: Kube, member: number, log: (line: string) => void): Promise<string> {
    const own = nodePodName(member);
    const index = (pod: string) => nodeIndexOf(pod) ?? Infinity;
    const lowestReady = async () => {
        const ready = (await kube.pods()).filter(
            (pod) => pod.ready && pod.name !== own && Number.isFinite(index(pod.name)),
        );
        return ready.map((pod) => pod.name).sort((a, b) => index(a) - index(b))[0];
    };
    return pollUntil("another node Ready", lowestReady, {
        timeoutMs: WAIT_FOR_PEER_MS,
        intervalMs: 2000,
        onWait: (attempt) => attempt % 5 === 1 && log("waiting for another node to be Ready"),
    });
}
