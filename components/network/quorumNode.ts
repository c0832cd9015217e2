import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Consensus } from "../../lib/model/consensus";
import { ResourceSpec } from "../../lib/model/network";
import { MonitoringSettings } from "../../lib/model/monitoring";
import { RestoreSource } from "../../lib/model/restore";
import { ALL_NODES_SELECTOR, memberName, nodeIdentity, nodeServiceName, nodeSetName, RAFT_FOUNDERS_ANNOTATION, RAFT_ID_ANNOTATION, RAFT_JOINED_ANNOTATION, selectorLabels, VALIDATOR_LABEL, workloadLabels } from "../../lib/network/names";
import { NetworkFiles, nodeEnode } from "../../lib/network/networkFiles";
import { scrapeAnnotations } from "../../lib/monitoring/scrape";
import { NAMED_PORTS, servicePort, transactionManagerPort } from "../../lib/network/ports";
import { AWAITED_BY_STATEFULSET } from "../../lib/network/workload";
import { MetricsEndpoint, Runtime } from "../../lib/runtime/runtime";
import { MemberArgs, memberStatefulSet } from "./memberSet";
import { MemberStorage } from "./platform";
import { raftMembershipStep } from "../../operations/raft-membership/step";
import { restoreStep } from "../../operations/restore/step";

export interface QuorumNodeArgs extends MemberArgs {
    /** 1..N: qdata_<index>, node-<index>. */
    index: number;
    /** IBFT/QBFT: whether the stack counts this node among its validators (its Service's label says so). */
    validator: boolean;
    networkFiles: NetworkFiles;
    bootnodeEnode: string;
    networkId: number;
    consensus: Consensus;
    raftBlockTimeMs: number;
    rpcApis: string[];
    rpcBrowserOrigins: string[];
    /** The network's namespace, as the config names it (its Services' DNS names). */
    networkNamespace: string;
    /** Undefined: geth exports no metrics. */
    monitoring?: MonitoringSettings;
    runtime: Runtime;
    images: { quorum: string; transactionManager: string };
    resources: { quorum: ResourceSpec; transactionManager: ResourceSpec };
    /** Raft only: how the member enters the cluster. */
    raft?: RaftEntry;
    /** restoreFrom: the backup its new volume starts with, before its first start. */
    restore?: { source: RestoreSource; kubeContext: string };
}

/**
 * A founder starts with --raftInit. Any other member of a running network has a membership step
 * that adds it (after the members before it and after the previous join: Raft takes one membership
 * change at a time) and whose stdout, kept in the state, is the Raft id it starts with.
 */
export type RaftEntry = { kind: "founder"; founders: number } | { kind: "member"; kubeContext: string; after: pulumi.Resource[] };

/**
 * One member of the network: the runtime's quorum and transaction manager containers sharing the
 * member's qdata volume, behind its own Service with a fixed clusterIP, the address its peers find
 * in static-nodes.json and the transaction manager's config.
 */
export class QuorumNode extends pulumi.ComponentResource {
    readonly index: number;
    readonly enode: string;
    readonly ip: string;
    readonly storage: MemberStorage;
    readonly service: k8s.core.v1.Service;
    readonly statefulSet: k8s.apps.v1.StatefulSet;
    /** A Raft member that joined a running network: the step that added it, whose stdout is its Raft id. */
    readonly raftJoin?: pulumi.Resource;

    constructor(name: string, args: QuorumNodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Node", name, {}, opts);
        const identity = nodeIdentity(args.index);
        const labels = workloadLabels(identity);
        // On the Service, not the pod: a vote that changes the set must restart no pod.
        const serviceLabels = { ...labels, ...(args.consensus.kind !== "raft" && args.validator ? { [VALIDATOR_LABEL]: "true" } : {}) };
        const childOpts = { parent: this, provider: args.provider };
        this.ip = args.clusterIp;
        this.enode = nodeEnode({ enodeId: args.member.enodeId, ip: args.clusterIp }, args.consensus.kind);
        const raft = args.consensus.kind === "raft";
        const metrics = args.monitoring && args.runtime.metrics;
        const scrape = (endpoint: MetricsEndpoint) => (args.monitoring?.discovery === "annotations" ? scrapeAnnotations(endpoint) : {});

        const { member, namespace, provider, networkFiles } = args;
        this.index = args.index;
        this.storage = args.platform.storage(`${name}-qdata`, { member, namespace, provider, networkFiles, runtimeName: args.runtime.name }, { parent: this });
        this.service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: {
                    name: nodeServiceName(args.index),
                    namespace: args.namespace,
                    labels: serviceLabels,
                    // Tessera's metrics by the Service's annotations: a pod's annotations name one port, geth's.
                    annotations: { ...AWAITED_BY_STATEFULSET, ...(metrics ? scrape(metrics.transactionManager) : {}) },
                },
                spec: {
                    clusterIP: args.clusterIp,
                    selector: selectorLabels(identity),
                    // Consensus and transaction manager peers must connect before the pod reports Ready.
                    publishNotReadyAddresses: true,
                    // The pod's peer, consensus, client and metrics ports (not Tessera's third-party port).
                    ports: [
                        NAMED_PORTS.p2p,
                        NAMED_PORTS.p2pUdp,
                        ...(raft ? [NAMED_PORTS.raft] : []),
                        transactionManagerPort(args.runtime.transactionManager),
                        NAMED_PORTS.rpc,
                        NAMED_PORTS.ws,
                        ...(metrics ? [metrics.geth.port] : []),
                    ].map(servicePort),
                },
            },
            childOpts,
        );

        const restore = args.restore && this.restoreStep(name, args, args.restore);
        const { raftJoinId, annotations, join } = this.raftEntry(name, args);
        this.raftJoin = join;
        this.statefulSet = memberStatefulSet(
            `${name}-set`,
            {
                setName: nodeSetName(args.index),
                namespace: args.namespace,
                identity,
                labels,
                annotations,
                podAnnotations: metrics ? scrape(metrics.geth) : {},
                serviceName: this.service.metadata.name,
                storage: this.storage,
                imagePullSecrets: args.imagePullSecrets,
                topologySpreadConstraints: args.platform.spreadsNodes ? [ONE_NODE_PER_HOST] : undefined,
                ...args.runtime.nodePod({ ...args, raftJoinId, exportMetrics: !!metrics, volumeMounts: this.storage.volumeMounts }),
            },
            { ...childOpts, dependsOn: [...this.storage.ready, ...args.after, ...(join ? [join] : []), ...(restore ? [restore] : [])] },
        );
        this.registerOutputs({ enode: this.enode, ip: this.ip });
    }

    private restoreStep(name: string, args: QuorumNodeArgs, restore: { source: RestoreSource; kubeContext: string }): pulumi.Resource {
        const imagePullSecrets = args.imagePullSecrets.map((secret) => secret.name);
        const image = { image: args.images.quorum, imagePullPolicy: args.imagePullPolicy, imagePullSecrets };
        const step = { restore: restore.source, index: args.index, kubeContext: restore.kubeContext, namespace: args.namespace, ...image, seedId: this.storage.seedId, volumeMounts: this.storage.volumeMounts };
        return restoreStep(`${name}-restore`, step, { parent: this, dependsOn: this.storage.ready });
    }

    /** The Raft id the member starts with (none: a founder's comes from static-nodes.json) and its record on the StatefulSet. */
    private raftEntry(name: string, args: QuorumNodeArgs): { raftJoinId?: pulumi.Input<number>; annotations?: Record<string, pulumi.Input<string>>; join?: pulumi.Resource } {
        const entry = args.raft;
        if (!entry) return {};
        if (entry.kind === "founder") {
            return { annotations: { [RAFT_ID_ANNOTATION]: String(args.index), [RAFT_JOINED_ANNOTATION]: "false", [RAFT_FOUNDERS_ANNOTATION]: String(entry.founders) } };
        }
        const join = raftMembershipStep(
            `${name}-raft-join`,
            { action: "join", member: memberName(args.index), kubeContext: entry.kubeContext, namespace: args.namespace, enode: this.enode },
            { parent: this, dependsOn: entry.after },
        );
        const raftId = join.stdout.apply((stdout) => {
            const id = Number(stdout.trim());
            if (!Number.isInteger(id) || id <= 0) throw new Error(`${memberName(args.index)}: the membership step printed no Raft id: ${stdout}`);
            return id;
        });
        return { raftJoinId: raftId, annotations: { [RAFT_ID_ANNOTATION]: raftId.apply(String), [RAFT_JOINED_ANNOTATION]: "true" }, join };
    }
}

/**
 * Nodes as evenly as possible over the cluster's schedulable nodes: one each while there are
 * enough. Tainted nodes the pods cannot run on are not counted as places to spread to.
 */
const ONE_NODE_PER_HOST: k8s.types.input.core.v1.TopologySpreadConstraint = {
    maxSkew: 1,
    topologyKey: "kubernetes.io/hostname",
    whenUnsatisfiable: "DoNotSchedule",
    nodeTaintsPolicy: "Honor",
    labelSelector: { matchLabels: ALL_NODES_SELECTOR },
};
