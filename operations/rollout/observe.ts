// What a rollout reads of the running network: each member's StatefulSet revision against its
// pod's, whether the pod is Ready, and, for nodes, how far the chain has come on each.
import { Kube, KubeObject, PodStatus } from "../../lib/kubernetes/kubectl";
import { Consensus } from "../../lib/model/consensus";
import { ALL_NODES_SELECTOR, BOOTNODE_SET, CHAIN_VERSIONS_ANNOTATION, nodeIndexOf, nodePodName, podOf, PROJECT_SELECTOR } from "../../lib/network/names";
import { readNetwork } from "../status/observe";
import { ByRole, MemberPod, NodeHealth, parseChainVersions } from "./plan";

interface StatefulSetObject extends KubeObject {
    status?: { updateRevision?: string };
}

/** Console calls at once while judging a restarted member. */
const PARALLEL = 25;

/** Every member (the bootnode and node 1..N) with its StatefulSet's revision and its pod as it is now. */
export async function memberPods(kube: Kube): Promise<MemberPod[]> {
    const [sets, pods] = await Promise.all([kube.list<StatefulSetObject>("statefulsets", PROJECT_SELECTOR), kube.pods()]);
    const byName = new Map(pods.map((pod): [string, PodStatus] => [pod.name, pod]));
    return sets.flatMap((set) => {
        const index = set.metadata.name === BOOTNODE_SET ? 0 : nodeIndexOf(set.metadata.name);
        if (index === undefined) return [];
        const pod = byName.get(podOf(set.metadata.name));
        return [{ index, set: set.metadata.name, pod: podOf(set.metadata.name), wanted: set.status?.updateRevision, running: pod && { uid: pod.uid, revision: pod.revision, ready: pod.ready, waiting: pod.waiting } }];
    });
}

/** Each node's height, peers and role, read over its IPC socket; a node that cannot be read has none. */
export async function nodeHealth(kube: Kube, consensus: Consensus, nodeCount: number): Promise<NodeHealth[]> {
    const { pods, readings } = await readNetwork(kube, consensus, nodeCount, PARALLEL);
    return readings.map((reading, i) => ({ index: i + 1, ready: pods.get(nodePodName(i + 1))?.ready ?? false, height: reading.height, peers: reading.peers, role: reading.role }));
}

interface NodeSetObject extends KubeObject {
    spec?: { template?: { spec?: { containers?: { name: string; image: string }[] } } };
}

/** What the running nodes run (node 1's StatefulSet speaks for all: they share one spec), and the versions recorded as having run the chain. */
export async function runningVersions(kube: Kube, transactionManager: string): Promise<{ running?: ByRole<string>; recorded: ByRole<string> }> {
    const sets = await kube.list<NodeSetObject>("statefulsets", ALL_NODES_SELECTOR);
    const first = sets.find((set) => nodeIndexOf(set.metadata.name) !== undefined);
    const recorded = parseChainVersions(first?.metadata.annotations?.[CHAIN_VERSIONS_ANNOTATION]);
    const containers = first?.spec?.template?.spec?.containers ?? [];
    const image = (name: string) => containers.find((container) => container.name === name)?.image;
    const [quorum, manager] = [image("quorum"), image(transactionManager)];
    return { recorded, ...(quorum && manager ? { running: { quorum, transactionManager: manager } } : {}) };
}
