import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MonitoringSettings } from "../../lib/model/monitoring";
import { RestoreSource } from "../../lib/model/restore";
import {
    ALL_NODES_SELECTOR,
    memberName,
    nodeIdentity,
    nodeServiceName,
    nodeSetName,
    RAFT_FOUNDERS_ANNOTATION,
    RAFT_ID_ANNOTATION,
    RAFT_JOINED_ANNOTATION,
    VALIDATOR_LABEL,
    workloadLabels,
} from "../../lib/network/names";
import { NetworkFiles, nodeEnode } from "../../lib/network/networkFiles";
import { scrapeAnnotations } from "../../lib/monitoring/scrape";
import { NamedPort } from "../../lib/network/ports";
import { AWAITED_BY_ROLLOUT } from "../../lib/network/workload";
import { MetricsEndpoint, NodePodRequest, Runtime } from "../../lib/runtime/runtime";
import { MemberArgs, memberService, memberStatefulSet } from "./memberSet";
import { MemberStorage } from "./platform";
import { raftMembershipStep } from "../../operations/raft-membership/step";
import { restoreStep } from "../../operations/restore/step";

/** What the node hands its runtime unchanged; the rest of a NodePodRequest the node works out. */
type PodFacts =
    | "index"
    | "bootnodeEnode"
    | "networkId"
    | "consensus"
    | "raftBlockTimeMs"
    | "rpcApis"
    | "rpcBrowserOrigins"
    | "networkNamespace"
    | "images"
    | "resources";

export interface QuorumNodeArgs extends MemberArgs, Pick<NodePodRequest, PodFacts> {
    /** IBFT/QBFT: whether the stack counts this node among its validators (its Service's label says so). */
    validator: boolean;
    networkFiles: NetworkFiles;
    /** Undefined: geth exports no metrics. */
    monitoring?: MonitoringSettings;
    runtime: Runtime;
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
export type RaftEntry =
    | { kind: "founder"; founders: number }
    | { kind: "joiner"; kubeContext: string; after: pulumi.Resource[] };

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
    /** Every port its pod opens: the Service and the NetworkPolicies admit by them. */
    readonly ports: NamedPort[];
    /** A Raft member that joined a running network: the step that added it as a learner, whose stdout is its Raft id. */
    readonly raftJoin?: pulumi.Resource;
    /** Its promotion to a voting member once its pod is in step with the chain (raft_promoteToPeer). */
    readonly raftPromotion?: pulumi.Resource;

    constructor(name: string, args: QuorumNodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Node", name, {}, opts);
        const { member, namespace, provider, networkFiles } = args;
        this.index = args.index;
        this.ip = args.clusterIp;
        this.enode = nodeEnode({ enodeId: member.enodeId, ip: args.clusterIp }, args.consensus.kind);
        this.storage = args.platform.storage(
            `${name}-qdata`,
            { member, namespace, provider, networkFiles, runtimeName: args.runtime.name },
            { parent: this },
        );
        const restore = args.restore && this.restoreStep(name, args, args.restore);
        const { raftJoinId, annotations, join } = this.raftStart(name, args);
        this.raftJoin = join;
        const metrics = args.monitoring && args.runtime.metrics;
        const { ports, ...pod } = args.runtime.nodePod({
            ...args,
            raftJoinId,
            exportMetrics: !!metrics,
            volumeMounts: this.storage.volumeMounts,
        });
        this.ports = ports;
        this.service = this.declareService(name, args, metrics);
        this.statefulSet = memberStatefulSet(
            `${name}-set`,
            {
                setName: nodeSetName(args.index),
                namespace: args.namespace,
                identity: nodeIdentity(args.index),
                labels: workloadLabels(nodeIdentity(args.index)),
                annotations,
                podAnnotations: metrics ? scrapedBy(args.monitoring, metrics.geth) : {},
                serviceName: this.service.metadata.name,
                storage: this.storage,
                imagePullSecrets: args.imagePullSecrets,
                topologySpreadConstraints: args.platform.spreadsNodes ? [ONE_NODE_PER_HOST] : undefined,
                ...pod,
            },
            {
                parent: this,
                provider: args.provider,
                dependsOn: [
                    ...this.storage.ready,
                    ...args.after,
                    ...(join ? [join] : []),
                    ...(restore ? [restore] : []),
                ],
            },
        );
        if (join && args.raft?.kind === "joiner")
            this.raftPromotion = this.raftPromotionStep(name, args, args.raft.kubeContext);
        this.registerOutputs({ enode: this.enode, ip: this.ip });
    }

    /** A learner votes only once its pod is in step: the step waits for it (the StatefulSet is not awaited) and promotes it. */
    private raftPromotionStep(name: string, args: QuorumNodeArgs, kubeContext: string): pulumi.Resource {
        const promote = {
            action: "promote" as const,
            member: memberName(args.index),
            kubeContext,
            namespace: args.namespace,
            enode: this.enode,
        };
        return raftMembershipStep(`${name}-raft-promote`, promote, { parent: this, dependsOn: [this.statefulSet] });
    }

    /** The member's own Service, the address its peers find in static-nodes.json and the transaction managers' config. */
    private declareService(name: string, args: QuorumNodeArgs, metrics: Runtime["metrics"]): k8s.core.v1.Service {
        const identity = nodeIdentity(args.index);
        // On the Service, not the pod: a vote that changes the set must restart no pod.
        const validator: Record<string, string> =
            args.consensus.kind !== "raft" && args.validator ? { [VALIDATOR_LABEL]: "true" } : {};
        // Tessera's metrics by the Service's annotations: a pod's annotations name one port, geth's.
        const annotations = {
            ...AWAITED_BY_ROLLOUT,
            ...(metrics ? scrapedBy(args.monitoring, metrics.transactionManager) : {}),
        };
        const service = {
            serviceName: nodeServiceName(args.index),
            namespace: args.namespace,
            identity,
            labels: { ...workloadLabels(identity), ...validator },
            annotations,
            clusterIp: args.clusterIp,
            ports: this.ports,
        };
        return memberService(`${name}-service`, service, { parent: this, provider: args.provider });
    }

    private restoreStep(
        name: string,
        args: QuorumNodeArgs,
        restore: { source: RestoreSource; kubeContext: string },
    ): pulumi.Resource {
        const imagePullSecrets = args.imagePullSecrets.map((secret) => secret.name);
        const image = { image: args.images.quorum, imagePullPolicy: args.imagePullPolicy, imagePullSecrets };
        const step = {
            restore: restore.source,
            index: args.index,
            kubeContext: restore.kubeContext,
            namespace: args.namespace,
            ...image,
            seedId: this.storage.seedId,
            volumeMounts: this.storage.volumeMounts,
        };
        return restoreStep(`${name}-restore`, step, { parent: this, dependsOn: this.storage.ready });
    }

    /** The Raft id the member starts with (none: a founder's comes from static-nodes.json) and its record on the StatefulSet. */
    private raftStart(
        name: string,
        args: QuorumNodeArgs,
    ): {
        raftJoinId?: pulumi.Input<number>;
        annotations?: Record<string, pulumi.Input<string>>;
        join?: pulumi.Resource;
    } {
        const entry = args.raft;
        if (!entry) return {};
        if (entry.kind === "founder") {
            return {
                annotations: {
                    [RAFT_ID_ANNOTATION]: String(args.index),
                    [RAFT_JOINED_ANNOTATION]: "false",
                    [RAFT_FOUNDERS_ANNOTATION]: String(entry.founders),
                },
            };
        }
        const join = raftMembershipStep(
            `${name}-raft-join`,
            {
                action: "join",
                member: memberName(args.index),
                kubeContext: entry.kubeContext,
                namespace: args.namespace,
                enode: this.enode,
            },
            { parent: this, dependsOn: entry.after },
        );
        const raftId = join.stdout.apply((stdout) => {
            const id = Number(stdout.trim());
            if (!Number.isInteger(id) || id <= 0)
                throw new Error(`${memberName(args.index)}: the membership step printed no Raft id: ${stdout}`);
            return id;
        });
        return {
            raftJoinId: raftId,
            annotations: { [RAFT_ID_ANNOTATION]: raftId.apply(String), [RAFT_JOINED_ANNOTATION]: "true" },
            join,
        };
    }
}

/** prometheus.io's annotations when a Prometheus finds the metrics by them (discovery annotations). */
function scrapedBy(monitoring: MonitoringSettings | undefined, endpoint: MetricsEndpoint): Record<string, string> {
    return monitoring?.discovery === "annotations" ? scrapeAnnotations(endpoint) : {};
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
