import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConsensusConfig, ContainerClass, PullPolicy, ResourceSpec } from "../../lib/config/config";
import { selectorLabels, workloadLabels } from "../../lib/network/labels";
import { MemberStorageArgs, NetworkFiles, QdataVolume } from "../minikube/qdataVolume";
import { nodeEnode } from "../../lib/network/networkFiles";
import { PORTS } from "../../lib/network/ports";
import { qdataMount, qdataVolume, SEED_ANNOTATION } from "../../lib/network/workload";

export interface QuorumNodeArgs extends MemberStorageArgs {
    /** 1..N: qdata_<index>, node-<index>. */
    index: number;
    networkFiles: NetworkFiles;
    clusterIp: string;
    bootnodeEnode: string;
    networkId: number;
    consensus: ConsensusConfig;
    images: { quorum: string; constellation: string };
    imagePullPolicy: PullPolicy;
    resources: Pick<Record<ContainerClass, ResourceSpec>, "quorum" | "constellation">;
    /** Started only once these exist (the image loads). */
    after: pulumi.Resource[];
}

export const NODE_NAME = "quorum-node";

export function nodeIdentity(index: number) {
    return { name: NODE_NAME, instance: `node-${index}`, component: "node" };
}

/**
 * One member of the Raft or IBFT network: quorum + constellation sharing the member's qdata
 * volume, behind its own Service with a fixed clusterIP, the address its peers find in
 * static-nodes.json and tm.conf.
 */
export class QuorumNode extends pulumi.ComponentResource {
    readonly enode: string;
    readonly ip: string;
    readonly storage: QdataVolume;
    readonly service: k8s.core.v1.Service;
    readonly statefulSet: k8s.apps.v1.StatefulSet;

    constructor(name: string, args: QuorumNodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Node", name, {}, opts);
        const identity = nodeIdentity(args.index);
        const labels = workloadLabels(identity);
        const childOpts = { parent: this, provider: args.provider };
        this.ip = args.clusterIp;
        this.enode = nodeEnode({ enodeId: args.member.enodeId, ip: args.clusterIp }, args.consensus.kind);
        const raft = args.consensus.kind === "raft";

        this.storage = new QdataVolume(`${name}-qdata`, { ...args, memberName: `qdata_${args.index}` }, { parent: this });
        this.service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: `quorum-node-${args.index}`, namespace: args.namespace, labels },
                spec: {
                    clusterIP: args.clusterIp,
                    selector: selectorLabels(identity),
                    // Consensus and constellation peers must connect before the pod reports Ready.
                    publishNotReadyAddresses: true,
                    ports: [
                        { name: "p2p", protocol: "TCP", port: PORTS.p2p, targetPort: PORTS.p2p },
                        { name: "p2p-udp", protocol: "UDP", port: PORTS.p2p, targetPort: PORTS.p2p },
                        ...(raft ? [{ name: "raft", protocol: "TCP", port: PORTS.raft, targetPort: PORTS.raft }] : []),
                        { name: "constellation", protocol: "TCP", port: PORTS.constellation, targetPort: PORTS.constellation },
                        { name: "rpc", protocol: "TCP", port: PORTS.rpc, targetPort: PORTS.rpc },
                        { name: "ws", protocol: "TCP", port: PORTS.ws, targetPort: PORTS.ws },
                    ],
                },
            },
            childOpts,
        );
        this.statefulSet = new k8s.apps.v1.StatefulSet(
            `${name}-set`,
            {
                metadata: { name: `node-set-${args.index}`, namespace: args.namespace, labels },
                spec: {
                    replicas: 1,
                    serviceName: this.service.metadata.name,
                    selector: { matchLabels: selectorLabels(identity) },
                    template: {
                        metadata: { labels, annotations: { [SEED_ANNOTATION]: this.storage.seedId } },
                        spec: {
                            containers: [quorumContainer(args), constellationContainer(args)],
                            volumes: [qdataVolume(this.storage.claim.metadata.name)],
                        },
                    },
                },
            },
            { ...childOpts, dependsOn: [this.storage.seed, this.storage.claim, ...args.after] },
        );
        this.registerOutputs({ enode: this.enode, ip: this.ip });
    }
}

function tcpProbe(port: number, periodSeconds: number, failureThreshold: number): k8s.types.input.core.v1.Probe {
    return { tcpSocket: { port }, periodSeconds, failureThreshold, timeoutSeconds: 3 };
}

function httpProbe(path: string, port: number, periodSeconds: number, failureThreshold: number): k8s.types.input.core.v1.Probe {
    return { httpGet: { path, port }, periodSeconds, failureThreshold, timeoutSeconds: 3 };
}

/** As the image's start.sh reads them with yargs: camel case --roundChangeTimer, or yargs drops it. */
function consensusArgs(consensus: ConsensusConfig): string[] {
    if (consensus.kind === "raft") return ["--raftInit"];
    return ["--ibft", `--blockperiod=${consensus.blockPeriod}`, `--roundChangeTimer=${consensus.roundChangeTimerMs}`];
}

function quorumContainer(args: QuorumNodeArgs): k8s.types.input.core.v1.Container {
    return {
        name: "quorum",
        image: args.images.quorum,
        imagePullPolicy: args.imagePullPolicy,
        // start.sh waits for constellation's tm.ipc, runs geth init once, then starts geth.
        args: ["start.sh", `--bootnode=${args.bootnodeEnode}`, ...consensusArgs(args.consensus), "--networkid", String(args.networkId)],
        ports: [
            { name: "rpc", containerPort: PORTS.rpc },
            { name: "ws", containerPort: PORTS.ws },
            { name: "p2p", containerPort: PORTS.p2p },
            { name: "p2p-udp", containerPort: PORTS.p2p, protocol: "UDP" },
            ...(args.consensus.kind === "raft" ? [{ name: "raft", containerPort: PORTS.raft }] : []),
        ],
        // Up to 5 minutes for constellation to come up and the genesis block to be written.
        startupProbe: tcpProbe(PORTS.rpc, 5, 60),
        readinessProbe: tcpProbe(PORTS.rpc, 10, 3),
        livenessProbe: tcpProbe(PORTS.rpc, 20, 3),
        resources: args.resources.quorum,
        volumeMounts: [qdataMount],
    };
}

function constellationContainer(args: QuorumNodeArgs): k8s.types.input.core.v1.Container {
    return {
        name: "constellation",
        image: args.images.constellation,
        imagePullPolicy: args.imagePullPolicy,
        ports: [{ name: "constellation", containerPort: PORTS.constellation }],
        startupProbe: httpProbe("/upcheck", PORTS.constellation, 5, 36),
        readinessProbe: httpProbe("/upcheck", PORTS.constellation, 10, 3),
        livenessProbe: httpProbe("/upcheck", PORTS.constellation, 20, 3),
        resources: args.resources.constellation,
        volumeMounts: [qdataMount],
    };
}
