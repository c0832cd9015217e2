import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Consensus } from "../../lib/config/consensus";
import { NetworkConfig } from "../../lib/config/model";
import { QdataFolder } from "../../lib/qdata/folder";
import { Runtime } from "../../lib/runtime/runtime";
import { ALL_NODES_SELECTOR, COMMON_LABELS, memberName, NODE_SERVICE, NODE_SERVICE_IDENTITY, VALIDATOR_LABEL, workloadLabels } from "../../lib/network/names";
import { staticNodesJson } from "../../lib/network/networkFiles";
import { NAMED_PORTS, PORTS, servicePort } from "../../lib/network/ports";
import { foundingMembers, RaftStart } from "../../lib/network/raftMembership";
import { Bootnode } from "./bootnode";
import { KubeCluster } from "./cluster";
import { Platform } from "./platform";
import { QuorumNode, RaftEntry } from "./quorumNode";
import { Racecourse } from "./racecourse";
import { raftMembershipStep } from "./raftMembershipStep";

export interface QuorumNetworkArgs {
    config: NetworkConfig;
    qdata: QdataFolder;
    platform: Platform;
    /** What the node pods run: the seed's images or GoQuorum and Tessera. */
    runtime: Runtime;
    /** Where the ingress answers, when the platform knows it up front (minikube ip); else the Ingress status tells. */
    ingressAddress?: string;
    /** Raft: the members whose StatefulSets run now, by node index (none: a new network). */
    runningRaftMembers: Map<number, RaftStart>;
}

export interface NodeSummary {
    name: string;
    enode: string;
    ip: string;
}

/** The stack's outputs: where to reach the network. Nothing secret. */
export interface NetworkOutputs {
    namespace: pulumi.Output<string>;
    kubeContext: string;
    racecourseUrl: pulumi.Output<string>;
    ingressAddress: pulumi.Output<string>;
    rpcEndpoint: string;
    wsEndpoint: string;
    bootnodeEnode: string;
    consensus: Consensus;
    nodes: NodeSummary[];
}

/**
 * The whole network: bootnode, N nodes, the node Service and the racecourse app, on whatever the
 * platform provides (storage, images, ingress); it knows neither minikube nor any other cluster.
 */
export class QuorumNetwork extends pulumi.ComponentResource {
    readonly cluster: KubeCluster;
    readonly bootnode: Bootnode;
    readonly nodes: QuorumNode[];
    readonly nodeService: k8s.core.v1.Service;
    readonly racecourse: Racecourse;
    readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
    /** Raft members leaving the network: each removed from the cluster before its workload is deleted. */
    readonly raftLeaves: pulumi.Resource[] = [];
    /** Only for generated keys: removes them on destroy unless keepChainData. */
    readonly generatedKeys?: command.local.Command;
    readonly outputs: NetworkOutputs;

    constructor(name: string, args: QuorumNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Network", name, {}, opts);
        const { config, qdata, platform, runtime } = args;
        platform.prepare(name, { parent: this });

        const { kubeContext, namespace: namespaceName, createNamespace } = config;
        this.cluster = new KubeCluster(`${name}-cluster`, { kubeContext, namespace: namespaceName, createNamespace }, { parent: this });
        const namespace = this.cluster.namespace;
        const provider = this.cluster.provider;
        const imagePullSecrets = config.imagePullSecrets.map((secret) => ({ name: secret }));
        const common = { imagePullPolicy: config.imagePullPolicy, imagePullSecrets, namespace, provider, platform };

        this.bootnode = new Bootnode(
            `${name}-bootnode`,
            {
                ...common,
                member: qdata.bootnode,
                clusterIp: config.bootnodeIp,
                image: config.images.quorum,
                resources: config.resources.bootnode,
                after: platform.imagesReady([config.images.quorum]),
            },
            { parent: this },
        );

        const addresses = qdata.nodes.map((member, i) => ({ enodeId: member.enodeId, ip: config.nodeIps[i] }));
        const staticNodes = staticNodesJson(addresses, config.consensus.kind);
        const genesis = qdata.genesis;
        const running = args.runningRaftMembers;
        const founders = foundingMembers(running, config.nodeCount);
        // Running members that stay: the members before a joining one, whose pods the join waits for.
        const staying = [...running.keys()].filter((index) => index <= config.nodeCount);
        this.nodes = [];
        let previousJoin: pulumi.Resource | undefined;
        const raftEntry = (index: number): RaftEntry => {
            if (index <= founders && running.get(index)?.kind !== "joined") return { kind: "founder", founders };
            const before = this.nodes.filter((node) => node.index < index && staying.includes(node.index)).map((node) => node.statefulSet);
            return { kind: "member", kubeContext, after: [...before, ...(previousJoin ? [previousJoin] : [])] };
        };
        for (const [i, member] of qdata.nodes.entries()) {
            const raft = config.consensus.kind === "raft" ? raftEntry(member.index) : undefined;
            const node = new QuorumNode(
                `${name}-node-${member.index}`,
                {
                    ...common,
                    index: member.index,
                    member,
                    validator: genesis.kind === "raft" || genesis.validators.includes(member.nodeAddress),
                    networkFiles: { staticNodesJson: staticNodes, transactionManager: runtime.transactionManagerConfig(config.nodeIps[i], config.nodeIps) },
                    clusterIp: config.nodeIps[i],
                    bootnodeEnode: this.bootnode.enode,
                    networkId: config.networkId,
                    consensus: config.consensus,
                    raftBlockTimeMs: config.raftBlockTimeMs,
                    raft,
                    runtime,
                    images: config.images,
                    resources: config.resources,
                    after: platform.imagesReady([config.images.quorum, config.images.transactionManager]),
                },
                { parent: this },
            );
            previousJoin = node.raftJoin ?? previousJoin;
            this.nodes.push(node);
        }

        // Highest index first, one at a time: Raft takes one membership change at a time.
        const leaving = [...running.entries()].filter(([index]) => index > config.nodeCount).sort(([a], [b]) => b - a);
        for (const [index, start] of staying.length > 0 ? leaving : []) {
            const previous = this.raftLeaves[this.raftLeaves.length - 1];
            this.raftLeaves.push(
                raftMembershipStep(
                    `${name}-node-${index}-raft-leave`,
                    { action: "leave", member: memberName(index), kubeContext, namespace, raftId: start.kind === "joined" ? start.raftId : index },
                    { parent: this, dependsOn: previous ? [previous] : [] },
                ),
            );
        }
        if (platform.spreadsNodes) this.disruptionBudget = quorumBudget(`${name}-nodes-budget`, config, namespace, { parent: this, provider });

        this.nodeService = new k8s.core.v1.Service(
            `${name}-node-service`,
            {
                metadata: { name: NODE_SERVICE, namespace, labels: workloadLabels(NODE_SERVICE_IDENTITY) },
                spec: {
                    clusterIP: config.nodeServiceIp,
                    // Every node: the selector leaves out the per-node instance label.
                    selector: ALL_NODES_SELECTOR,
                    ports: [NAMED_PORTS.rpc, NAMED_PORTS.ws].map(servicePort),
                },
            },
            { parent: this, provider },
        );

        const rpcEndpoint = `http://${config.nodeServiceIp}:${PORTS.rpc}`;
        const wsEndpoint = `ws://${config.nodeServiceIp}:${PORTS.ws}`;
        this.racecourse = new Racecourse(
            `${name}-racecourse`,
            {
                image: config.images.racecourse,
                imagePullPolicy: config.imagePullPolicy,
                imagePullSecrets,
                resources: config.resources.racecourse,
                rpcUrl: rpcEndpoint,
                wsUrl: wsEndpoint,
                extraEnv: config.racecourseEnv,
                ingressHost: config.ingressHost,
                ingressClassName: config.ingressClassName,
                ingressTlsSecret: config.ingressTlsSecret,
                namespace,
                provider,
                // Started once the nodes are Ready, so the app finds the RPC endpoint at its first start.
                deploymentAfter: [...platform.imagesReady([config.images.racecourse]), ...this.nodes.map((node) => node.statefulSet)],
                ingressAfter: platform.ingressReady(),
            },
            { parent: this },
        );

        if (config.qdata.kind === "generated") {
            this.generatedKeys = new command.local.Command(
                `${name}-generated-keys`,
                {
                    delete: "bash scripts/forget-keys.sh",
                    environment: { KEYS_DIR: config.qdata.dir, KEEP_CHAIN_DATA: String(config.keepChainData) },
                },
                { parent: this },
            );
        }

        const ingressAddress = args.ingressAddress !== undefined ? pulumi.output(args.ingressAddress) : this.racecourse.address;
        const scheme = config.ingressTlsSecret ? "https" : "http";
        this.outputs = {
            namespace,
            kubeContext: config.kubeContext,
            racecourseUrl: config.ingressHost ? pulumi.output(`${scheme}://${config.ingressHost}/`) : pulumi.interpolate`${scheme}://${ingressAddress}/`,
            ingressAddress,
            rpcEndpoint,
            wsEndpoint,
            bootnodeEnode: this.bootnode.enode,
            consensus: config.consensus,
            nodes: this.nodes.map((node) => ({ name: memberName(node.index), enode: node.enode, ip: node.ip })),
        };
        this.registerOutputs(this.outputs);
    }
}

/**
 * Keeps consensus alive through a drain: a Raft majority of the nodes, or of the IBFT/QBFT validators
 * the 2F+1 that can still commit blocks (F = floor((V - 1) / 3)).
 */
function quorumBudget(name: string, config: NetworkConfig, namespace: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): k8s.policy.v1.PodDisruptionBudget {
    const consensus = config.consensus;
    const bft = consensus.kind !== "raft";
    const members = consensus.kind !== "raft" ? consensus.validators : config.nodeCount;
    const minAvailable = bft ? members - Math.floor((members - 1) / 3) : Math.floor(members / 2) + 1;
    return new k8s.policy.v1.PodDisruptionBudget(
        name,
        {
            metadata: { name: "quorum-nodes", namespace, labels: COMMON_LABELS },
            spec: { minAvailable, selector: { matchLabels: { ...ALL_NODES_SELECTOR, ...(bft ? { [VALIDATOR_LABEL]: "true" } : {}) } } },
        },
        opts,
    );
}
