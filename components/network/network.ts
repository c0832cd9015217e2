import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isStackValidator } from "../../lib/model/consensus";
import { NetworkConfig } from "../../lib/model/network";
import { QdataFolder } from "../../lib/model/qdata";
import { Runtime } from "../../lib/runtime/runtime";
import { memberName } from "../../lib/network/names";
import { staticNodesJson } from "../../lib/network/networkFiles";
import { PORTS } from "../../lib/network/ports";
import { planRaft, RaftPlan, RaftStart } from "../../operations/raft-membership/plan";
import { Bootnode } from "./bootnode";
import { KubeCluster } from "./cluster";
import { quorumBudget } from "./disruptionBudget";
import { Monitoring } from "./monitoring";
import { NetworkOutputs, networkOutputs } from "./outputs";
import { NetworkPolicies } from "./networkPolicies";
import { Platform } from "./platform";
import { QuorumNode, RaftEntry } from "./quorumNode";
import { Racecourse } from "./racecourse";
import { nodeService, observability, racecourse, Shared } from "./networkParts";
import { raftMembershipStep } from "../../operations/raft-membership/step";
import { restoreSettleStep } from "../../operations/restore/step";
import { rolloutStep } from "../../operations/rollout/step";
import { validatorStep } from "../../operations/validator-votes/step";

/** What the preview read of the network running now (nothing on a new network). */
export interface RunningNetwork {
    /** Raft: the members whose StatefulSets run now, by node index. */
    runningRaftMembers: Map<number, RaftStart>;
}

export interface QuorumNetworkArgs extends RunningNetwork {
    config: NetworkConfig;
    qdata: QdataFolder;
    platform: Platform;
    /** What the node pods run: the seed's images or GoQuorum and Tessera. */
    runtime: Runtime;
    /** Where the ingress answers, when the platform knows it up front (minikube ip); else the Ingress status tells. */
    ingressAddress?: string;
}

/**
 * The whole network: bootnode, N nodes, the node Service and the racecourse app, on whatever the
 * platform provides (storage, images, ingress); it knows neither minikube nor any other cluster.
 */
export class QuorumNetwork extends pulumi.ComponentResource {
    readonly cluster: KubeCluster;
    readonly bootnode: Bootnode;
    readonly nodes: QuorumNode[] = [];
    readonly nodeService: k8s.core.v1.Service;
    /** Undefined with racecourse false. */
    readonly racecourse?: Racecourse;
    readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
    readonly networkPolicies?: NetworkPolicies;
    readonly monitoring?: Monitoring;
    /** Replaces the members' pods one at a time when their spec changes; waits for them all on a new network. */
    readonly rollout: pulumi.Resource;
    /** IBFT/QBFT: the step that votes the chain's validators to the stack's; its stdout is the set. */
    readonly validators?: pulumi.Resource;
    /** Raft members leaving the network: each removed from the cluster before its workload is deleted. */
    readonly raftLeaves: pulumi.Resource[] = [];
    readonly outputs: NetworkOutputs;

    constructor(name: string, args: QuorumNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Network", name, {}, opts);
        const { config, platform } = args;
        platform.prepare(name, { parent: this });
        const { kubeContext, namespace, createNamespace } = config;
        this.cluster = new KubeCluster(
            `${name}-cluster`,
            { kubeContext, namespace, createNamespace },
            { parent: this },
        );
        const shared: Shared = {
            namespace: this.cluster.namespace,
            provider: this.cluster.provider,
            platform,
            imagePullPolicy: config.imagePullPolicy,
            imagePullSecrets: config.imagePullSecrets.map((secret) => ({ name: secret })),
        };
        this.bootnode = this.declareBootnode(name, config, args.qdata, shared);
        const raft = config.consensus.kind === "raft" ? planRaft(args.runningRaftMembers, config.nodeCount) : undefined;
        this.declareNodes(name, args, shared, raft);
        platform.membersDeclared();
        this.rollout = this.declareRollout(name, args, shared);
        // A restored network is one chain at the backup's head before anything else acts on it.
        const settle = config.restore && {
            restore: config.restore,
            nodeCount: config.nodeCount,
            kubeContext,
            namespace: shared.namespace,
            timeoutSeconds: config.rolloutTimeoutSeconds,
        };
        const restored = settle && [
            restoreSettleStep(`${name}-restore-settle`, settle, { parent: this, dependsOn: [this.rollout] }),
        ];
        if (raft) this.declareLeaves(name, raft, kubeContext, shared);
        else if (config.consensus.kind !== "raft") {
            const votes = { consensus: config.consensus, qdata: args.qdata, kubeContext, namespace: shared.namespace };
            this.validators = validatorStep(`${name}-validators`, votes, {
                parent: this,
                dependsOn: [this.rollout, ...(restored ?? [])],
            });
        }
        // Scrapers reach geth's metrics port only: Tessera serves its /metrics on its P2P port,
        // beside /push and /resend, and has no port for metrics alone.
        const podPorts = [...this.nodes.flatMap((node) => node.ports), ...this.bootnode.ports];
        const watched = observability(name, config, args.runtime, shared, podPorts, { parent: this });
        ({ networkPolicies: this.networkPolicies, monitoring: this.monitoring } = watched);
        if (platform.spreadsNodes)
            this.disruptionBudget = quorumBudget(`${name}-nodes-budget`, config, shared.namespace, {
                parent: this,
                provider: shared.provider,
            });
        this.nodeService = nodeService(name, config, shared, this);
        const rpcEndpoint = `http://${config.nodeServiceIp}:${PORTS.rpc}`;
        const wsEndpoint = `ws://${config.nodeServiceIp}:${PORTS.ws}`;
        this.racecourse = racecourse(
            name,
            config,
            shared,
            { rpcUrl: rpcEndpoint, wsUrl: wsEndpoint, nodesReady: this.rollout },
            this,
        );
        const endpoints = { namespace: shared.namespace, knownIngress: args.ingressAddress, rpcEndpoint, wsEndpoint };
        this.outputs = networkOutputs(config, endpoints, {
            bootnode: this.bootnode,
            nodes: this.nodes,
            racecourse: this.racecourse,
        });
        this.registerOutputs(this.outputs);
    }

    private declareRollout(name: string, args: QuorumNetworkArgs, shared: Shared): pulumi.Resource {
        const { config } = args;
        const statefulSets = [this.bootnode.statefulSet, ...this.nodes.map((node) => node.statefulSet)];
        const rollout = {
            kubeContext: config.kubeContext,
            namespace: shared.namespace,
            consensus: config.consensus,
            nodeCount: config.nodeCount,
            memberTimeoutSeconds: config.rolloutTimeoutSeconds,
            statefulSets,
        };
        return rolloutStep(`${name}-rollout`, rollout, { parent: this });
    }

    private declareBootnode(name: string, config: NetworkConfig, qdata: QdataFolder, shared: Shared): Bootnode {
        const { images, bootnodeIp, resources } = config;
        const bootnode = {
            ...shared,
            member: qdata.bootnode,
            clusterIp: bootnodeIp,
            image: images.quorum,
            resources: resources.bootnode,
            after: shared.platform.imagesReady([images.quorum]),
        };
        return new Bootnode(`${name}-bootnode`, bootnode, { parent: this });
    }

    /** Who may reach what (networkPolicy), and how a Prometheus finds the metrics (monitoring). */
    private declareNodes(name: string, args: QuorumNetworkArgs, shared: Shared, raft?: RaftPlan): void {
        const { config, qdata, runtime } = args;
        const staticNodes = staticNodesJson(
            qdata.nodes.map((member, i) => ({ enodeId: member.enodeId, ip: config.nodeIps[i] })),
            config.consensus.kind,
        );
        for (const [i, member] of qdata.nodes.entries()) {
            const node = new QuorumNode(
                `${name}-node-${member.index}`,
                {
                    ...shared,
                    index: member.index,
                    member,
                    validator: isStackValidator(config.consensus, member.index),
                    networkFiles: {
                        staticNodesJson: staticNodes,
                        transactionManager: runtime.transactionManagerConfig(config.nodeIps[i], config.nodeIps),
                    },
                    clusterIp: config.nodeIps[i],
                    bootnodeEnode: this.bootnode.enode,
                    networkId: config.networkId,
                    consensus: config.consensus,
                    raftBlockTimeMs: config.raftBlockTimeMs,
                    rpcApis: config.rpcApis,
                    rpcBrowserOrigins: config.rpcBrowserOrigins,
                    networkNamespace: config.namespace,
                    monitoring: config.monitoring,
                    restore: config.restore && { source: config.restore, kubeContext: config.kubeContext },
                    raft: raft && this.raftEntry(raft, member.index, config.kubeContext),
                    runtime,
                    images: config.images,
                    resources: config.resources,
                    after: shared.platform.imagesReady([config.images.quorum, config.images.transactionManager]),
                },
                { parent: this },
            );
            this.nodes.push(node);
        }
    }

    /** A planned entry, with the resources it waits for: nodes declared before it are already here. */
    private raftEntry(plan: RaftPlan, index: number, kubeContext: string): RaftEntry {
        const entry = plan.entries.get(index);
        if (!entry) throw new Error(`node ${index} has no Raft entry`);
        if (entry.kind === "founder") return entry;
        const node = (member: number) => this.nodes[member - 1];
        // One membership change at a time: the previous joiner added and promoted.
        const previous = entry.afterJoinOf === undefined ? undefined : node(entry.afterJoinOf);
        const previousJoin = [previous?.raftPromotion ?? previous?.raftJoin].filter(
            (step): step is pulumi.Resource => step !== undefined,
        );
        return {
            kind: "joiner",
            kubeContext,
            after: [...entry.afterMembers.map((member) => node(member).statefulSet), ...previousJoin],
        };
    }

    /** One membership step per leaving member, in the plan's order, each after the one before it. */
    private declareLeaves(name: string, plan: RaftPlan, kubeContext: string, shared: Shared): void {
        for (const { index, raftId } of plan.leaves) {
            const previous = this.raftLeaves[this.raftLeaves.length - 1];
            this.raftLeaves.push(
                raftMembershipStep(
                    `${name}-node-${index}-raft-leave`,
                    { action: "leave", member: memberName(index), kubeContext, namespace: shared.namespace, raftId },
                    { parent: this, dependsOn: previous ? [previous] : [] },
                ),
            );
        }
    }
}
