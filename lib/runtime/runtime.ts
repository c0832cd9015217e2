// What a node runtime (an image family) puts in a node pod, and the transaction manager config it
// reads. The network asks a Runtime for these and knows neither image family.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Consensus, ConsensusKind } from "../model/consensus";
import { TransactionManagerKind } from "../model/layout";
import { PullPolicy, ResourceSpec, RuntimeKind } from "../model/network";
import { NetworkFiles } from "../network/networkFiles";
import { NAMED_PORTS, NamedPort, PORTS } from "../network/ports";

export type Container = k8s.types.input.core.v1.Container;

/** Everything about one node a runtime may write into its pod. */
export interface NodePodRequest {
    /** 1..N. */
    index: number;
    /** The node's fixed Service address: what it advertises and its peers dial. */
    clusterIp: string;
    bootnodeEnode: string;
    networkId: number;
    consensus: Consensus;
    /** GoQuorum's --raftblocktime. */
    raftBlockTimeMs: number;
    /** GoQuorum's HTTP and WS namespaces. */
    rpcApis: string[];
    /** Origins whose pages may call RPC from a browser; empty: none. */
    rpcBrowserOrigins: string[];
    /** The network's namespace: the in-cluster names RPC answers to are its Services'. */
    networkNamespace: string;
    /** Whether geth serves its Prometheus metrics (runtimes that have an exporter). */
    exportMetrics: boolean;
    /** Raft: the id raft_addPeer gave a member that joined a running network; unset for founders. */
    raftJoinId?: pulumi.Input<number>;
    /** The member's qdata at /qdata, and whatever else of its storage every container mounts. */
    volumeMounts: k8s.types.input.core.v1.VolumeMount[];
    imagePullPolicy: PullPolicy;
    images: { quorum: string; transactionManager: string };
    resources: { quorum: ResourceSpec; transactionManager: ResourceSpec };
}

export interface NodePod {
    /** Run after the platform's own (seeding) init containers. */
    initContainers: Container[];
    containers: Container[];
    /** Every port its containers open, in their order: what the member's Service and the policies are made from. */
    ports: NamedPort[];
}

/** Where a container serves Prometheus text. */
export interface MetricsEndpoint {
    port: NamedPort;
    path: string;
}

/**
 * Everything in which one runtime differs from another: the rest of the program asks the stack's
 * Runtime (runtimeNamed) and never compares runtime names.
 */
export interface Runtime {
    /** The stack's runtime key value, as NetworkConfig and the stack's outputs hold it. */
    kind: RuntimeKind;
    /**
     * The name a member's volume records its chain data under (RUNTIME_FILE) and its seed id hashes:
     * fixed when the first chains were seeded, and never renamed with the key, as another name would
     * re-seed every running member.
     */
    name: "kaleido" | "goquorum";
    /** What the runtime is, in a message: "this stack runs …". */
    describedAs: string;
    /** The quorum image when the stack names none (Pulumi.yaml's quorumImage is empty). */
    defaultQuorumImage: string;
    /** Its images are the user's own build, which minikube gets from the local Docker daemon; the cluster pulls the others. */
    imagesBuiltLocally: boolean;
    /** The stack keys only this runtime reads: set under another runtime, each is refused naming this one. */
    stackKeys: readonly string[];
    /** The consensus kinds its images run. */
    consensusKinds: readonly ConsensusKind[];
    /** The transaction manager container's name and its peer port's name; its stack keys' prefix (tesseraImage, constellationCpu). */
    transactionManager: TransactionManagerKind;
    /** Its nodes start with sealing held while a restore's hold marker is on the volume. */
    holdsSealing: boolean;
    /** Where a node pod's containers serve metrics; undefined for images without an exporter. */
    metrics?: { geth: MetricsEndpoint; transactionManager: MetricsEndpoint };
    /** Where geth logs on the member's volume; undefined: to its container's output (kubectl logs). */
    gethLogFile?: string;
    nodePod(request: NodePodRequest): NodePod;
    /** The transaction manager's config for the node at `ownIp`, peering with every node. */
    transactionManagerConfig(ownIp: string, allIps: string[]): NetworkFiles["transactionManager"];
}

/** What a node container says of itself; the rest comes from the request by its role. */
export type ContainerBody = Omit<Container, "name" | "image" | "imagePullPolicy" | "resources" | "volumeMounts">;

/** A container of the node pod on the member's volume: its image and resources by role, pulled as the stack says. */
export function nodeContainer(
    request: NodePodRequest,
    role: "quorum" | "transactionManager",
    name: string,
    body: ContainerBody,
): Container {
    return {
        name,
        image: request.images[role],
        imagePullPolicy: request.imagePullPolicy,
        ...body,
        resources: request.resources[role],
        volumeMounts: request.volumeMounts,
    };
}

/** A container's arguments, which for a joining Raft member carry the id its membership step returns. */
export function argsWithRaftJoin(
    request: NodePodRequest,
    args: (raftJoinId?: number) => string[],
): pulumi.Input<string[]> {
    return request.raftJoinId === undefined ? args() : pulumi.output(request.raftJoinId).apply(args);
}

export function tcpProbe(port: number, periodSeconds: number, failureThreshold: number): k8s.types.input.core.v1.Probe {
    return { tcpSocket: { port }, periodSeconds, failureThreshold, timeoutSeconds: 3 };
}

function httpProbe(
    path: string,
    port: number,
    periodSeconds: number,
    failureThreshold: number,
): k8s.types.input.core.v1.Probe {
    return { httpGet: { path, port }, periodSeconds, failureThreshold, timeoutSeconds: 3 };
}

/** A transaction manager is up when its /upcheck answers; `startupChecks` 5 s apart for its first start. */
export function upcheckProbes(startupChecks: number) {
    return {
        startupProbe: httpProbe("/upcheck", PORTS.transactionManager, 5, startupChecks),
        readinessProbe: httpProbe("/upcheck", PORTS.transactionManager, 10, 3),
        livenessProbe: httpProbe("/upcheck", PORTS.transactionManager, 20, 3),
    };
}

/** The ports every geth container opens: RPC, WS, p2p, Raft's under Raft, and its metrics when it exports them. */
export function gethPorts(consensus: Consensus, exportMetrics = false): NamedPort[] {
    const raft = consensus.kind === "raft" ? [NAMED_PORTS.raft] : [];
    return [
        NAMED_PORTS.rpc,
        NAMED_PORTS.ws,
        NAMED_PORTS.p2p,
        NAMED_PORTS.p2pUdp,
        ...raft,
        ...(exportMetrics ? [NAMED_PORTS.metrics] : []),
    ];
}

/**
 * A transaction manager's start line: a manager killed by SIGKILL or the OOM killer leaves its unix
 * socket on the volume, and a unix-domain bind refuses an existing file (Tessera's Jetty connector
 * and constellation alike), so every later start would fail. Nothing else in the manager's own
 * container can hold the socket, so a left-over one goes first.
 */
export function startWithoutLeftOverSocket(socket: string, start: string): string {
    return `rm -f ${socket}; exec ${start}`;
}

/** geth is up when its RPC port accepts connections; up to 5 minutes for its transaction manager and genesis first. */
export const GETH_PROBES = {
    startupProbe: tcpProbe(PORTS.rpc, 5, 60),
    readinessProbe: tcpProbe(PORTS.rpc, 10, 3),
    livenessProbe: tcpProbe(PORTS.rpc, 20, 3),
};
