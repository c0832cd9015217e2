// What a rollout reads of the running network: each member's StatefulSet revision against its
// pod's, whether the pod is Ready, and, for nodes, how far the chain has come on each.
import { ipcBatch, isMissingMethod, replyQuantity } from "../../lib/kubernetes/gethIpc";
import { Kube, KubeObject, PodStatus } from "../../lib/kubernetes/kubectl";
import { QuorumRule } from "../../lib/model/consensus";
import {
    ALL_NODES_SELECTOR,
    BOOTNODE_SET,
    nodeIndexOf,
    nodePodName,
    podOf,
    PROJECT_SELECTOR,
    VALIDATOR_LABEL,
} from "../../lib/network/names";
import { SEED_ANNOTATION } from "../../lib/network/workload";
import { ByRole, MemberPod, RestartedNode, versionsSeen, VersionsSeen } from "./plan";

interface StatefulSetObject extends KubeObject {
    metadata: KubeObject["metadata"] & { generation?: number };
    status?: { updateRevision?: string; observedGeneration?: number };
}

/** Every member (the bootnode and node 1..N) with its StatefulSet's revision and its pod as it is now. */
export async function memberPods(kube: Kube): Promise<MemberPod[]> {
    const [sets, pods] = await Promise.all([
        kube.list<StatefulSetObject>("statefulsets", PROJECT_SELECTOR),
        kube.pods(),
    ]);
    const byName = new Map(pods.map((pod): [string, PodStatus] => [pod.name, pod]));
    return sets.flatMap((set) => {
        const index = set.metadata.name === BOOTNODE_SET ? 0 : nodeIndexOf(set.metadata.name);
        if (index === undefined) return [];
        const pod = byName.get(podOf(set.metadata.name));
        // The revision is the spec's only once the controller has seen the spec's generation.
        const settled = (set.status?.observedGeneration ?? 0) >= (set.metadata.generation ?? 0);
        return [
            {
                index,
                set: set.metadata.name,
                pod: podOf(set.metadata.name),
                settled,
                wanted: set.status?.updateRevision,
                running: pod && { uid: pod.uid, revision: pod.revision, ready: pod.ready, waiting: pod.waiting },
            },
        ];
    });
}

/** How many nodes the stack counts as validators: their Services carry the validator label. */
export async function labelledValidators(kube: Kube): Promise<number> {
    const services = await kube.list<KubeObject>("services", ALL_NODES_SELECTOR);
    return services.filter((service) => service.metadata.labels?.[VALIDATOR_LABEL] === "true").length;
}

/**
 * A restarted node against one other Ready node (the lowest-numbered): two console calls a look,
 * whatever the network's size. Raft: whether the node knows a leader (raft_leader), when its API answers.
 */
export async function restartedNode(kube: Kube, index: number, consensus: QuorumRule): Promise<RestartedNode> {
    const pods = await kube.pods();
    const others = pods
        .filter((pod) => pod.ready && (nodeIndexOf(pod.name) ?? index) !== index)
        .sort((a, b) => nodeIndexOf(a.name)! - nodeIndexOf(b.name)!);
    const own = pods.find((pod) => pod.name === nodePodName(index));
    const calls = [
        { method: "eth_blockNumber" },
        { method: "net_peerCount" },
        ...(consensus.kind === "raft" ? [{ method: "raft_leader" }] : []),
    ];
    const [height, peers, leader] = own?.ready ? await ipcBatch(kube, own.name, calls).catch(() => []) : [];
    const reference =
        others[0] && (await ipcBatch(kube, others[0].name, [{ method: "eth_blockNumber" }]).catch(() => []))[0];
    const leaderKnown = leader === undefined || isMissingMethod(leader) ? undefined : !leader.error;
    return {
        ready: own?.ready ?? false,
        height: replyQuantity(height),
        peers: replyQuantity(peers),
        readyOthers: others.length,
        referenceHeight: replyQuantity(reference),
        ...(leaderKnown === undefined ? {} : { raftLeader: leaderKnown }),
    };
}

interface NodeSetObject extends KubeObject {
    spec?: {
        template?: {
            metadata?: { annotations?: Record<string, string> };
            spec?: { containers?: { name: string; image: string }[] };
        };
    };
}

/** The chain identity each node's spec was seeded with (its pod template's seed id), by node index. */
export async function runningSeedIds(kube: Kube): Promise<Map<number, string>> {
    const sets = await kube.list<NodeSetObject>("statefulsets", ALL_NODES_SELECTOR);
    return new Map(
        sets.flatMap((set): [number, string][] => {
            const [index, seedId] = [
                nodeIndexOf(set.metadata.name),
                set.spec?.template?.metadata?.annotations?.[SEED_ANNOTATION],
            ];
            return index !== undefined && seedId ? [[index, seedId]] : [];
        }),
    );
}

/**
 * What the nodes' spec runs (node 1's StatefulSet speaks for all: they share one), and what every
 * member StatefulSet's template and every node pod (Ready or not) runs or asks for.
 */
export async function chainVersions(
    kube: Kube,
    transactionManager: string,
): Promise<{ running?: ByRole<string>; seen: VersionsSeen }> {
    const [sets, pods] = await Promise.all([kube.list<NodeSetObject>("statefulsets", ALL_NODES_SELECTOR), kube.pods()]);
    const imagesOf = (containers: { name: string; image: string }[]) => ({
        quorum: containers.find((container) => container.name === "quorum")?.image ?? "",
        transactionManager: containers.find((container) => container.name === transactionManager)?.image ?? "",
    });
    const templates = sets
        .filter((set) => nodeIndexOf(set.metadata.name) !== undefined)
        .map((set) => imagesOf(set.spec?.template?.spec?.containers ?? []));
    const nodePods = pods
        .filter((pod) => nodeIndexOf(pod.name) !== undefined)
        .map((pod) => ({ quorum: pod.images.quorum ?? "", transactionManager: pod.images[transactionManager] ?? "" }));
    const first = templates[0];
    return {
        seen: versionsSeen(nodePods, templates),
        ...(first?.quorum && first.transactionManager ? { running: first } : {}),
    };
}
