import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConsensusConfig, distinctImages, NetworkConfig } from "../../lib/config/config";
import { PART_OF, workloadLabels } from "../../lib/network/labels";
import { staticNodesJson, tmConf } from "../../lib/network/networkFiles";
import { PORTS } from "../../lib/network/ports";
import { QdataFolder } from "../../lib/keys/qdata";
import { Bootnode } from "./bootnode";
import { KubeCluster } from "./cluster";
import { LocalImage, MinikubeSetup } from "../minikube/minikubeSetup";
import { NODE_NAME, QuorumNode } from "./quorumNode";
import { Racecourse } from "./racecourse";

export interface QuorumNetworkArgs {
    config: NetworkConfig;
    qdata: QdataFolder;
    /** From preflight: where the ingress answers. */
    minikubeIp: string;
    /** Local Docker ids of the configured images, by image name. */
    localImageIds: Record<string, string>;
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
    racecourseUrl: string;
    minikubeIp: string;
    rpcEndpoint: string;
    wsEndpoint: string;
    bootnodeEnode: string;
    consensus: ConsensusConfig;
    nodes: NodeSummary[];
}

/** The whole network: minikube set-up, bootnode, N nodes, the node Service and the racecourse app. */
export class QuorumNetwork extends pulumi.ComponentResource {
    readonly cluster: KubeCluster;
    readonly setup: MinikubeSetup;
    readonly bootnode: Bootnode;
    readonly nodes: QuorumNode[];
    readonly nodeService: k8s.core.v1.Service;
    readonly racecourse: Racecourse;
    /** Only for generated keys: removes them on destroy unless keepChainData. */
    readonly generatedKeys?: command.local.Command;
    readonly outputs: NetworkOutputs;

    constructor(name: string, args: QuorumNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Network", name, {}, opts);
        const { config, qdata } = args;
        const hostPath = (index: number) => `${config.hostPathRoot}/qdata_${index}`;
        this.setup = new MinikubeSetup(
            `${name}-minikube`,
            {
                minikubeProfile: config.minikubeProfile,
                enableIngressAddon: config.enableIngressAddon,
                images: config.loadImages ? distinctImages(config).map((image): LocalImage => ({ name: image, localId: args.localImageIds[image] ?? "absent" })) : [],
            },
            { parent: this },
        );

        this.cluster = new KubeCluster(`${name}-cluster`, { kubeContext: config.kubeContext, namespace: config.namespace }, { parent: this });
        const namespace = this.cluster.namespace;
        const provider = this.cluster.provider;
        const common = {
            imagePullPolicy: config.imagePullPolicy,
            volumeSize: config.volumeSize,
            minikubeProfile: config.minikubeProfile,
            keepChainData: config.keepChainData,
            namespace,
            provider,
        };

        this.bootnode = new Bootnode(
            `${name}-bootnode`,
            {
                ...common,
                member: qdata.bootnode,
                clusterIp: config.bootnodeIp,
                image: config.images.quorum,
                resources: config.resources.bootnode,
                hostPath: hostPath(0),
                after: this.setup.loadsOf(config.images.quorum),
            },
            { parent: this },
        );

        const addresses = qdata.nodes.map((member, i) => ({ enodeId: member.enodeId, ip: config.nodeIps[i] }));
        const staticNodes = staticNodesJson(addresses, config.consensus.kind);
        this.nodes = qdata.nodes.map(
            (member, i) =>
                new QuorumNode(
                    `${name}-node-${member.index}`,
                    {
                        ...common,
                        index: member.index,
                        member,
                        networkFiles: { staticNodesJson: staticNodes, tmConf: tmConf(config.nodeIps[i], config.nodeIps) },
                        clusterIp: config.nodeIps[i],
                        bootnodeEnode: this.bootnode.enode,
                        networkId: config.networkId,
                        consensus: config.consensus,
                        images: config.images,
                        resources: config.resources,
                        hostPath: hostPath(member.index),
                        after: this.setup.loadsOf(config.images.quorum, config.images.constellation),
                    },
                    { parent: this },
                ),
        );

        this.nodeService = new k8s.core.v1.Service(
            `${name}-node-service`,
            {
                metadata: { name: "node-service", namespace, labels: workloadLabels({ name: NODE_NAME, instance: "all-nodes", component: "rpc" }) },
                spec: {
                    clusterIP: config.nodeServiceIp,
                    // Every node: the selector leaves out the per-node instance label.
                    selector: { "app.kubernetes.io/name": NODE_NAME, "app.kubernetes.io/part-of": PART_OF },
                    ports: [
                        { name: "rpc", protocol: "TCP", port: PORTS.rpc, targetPort: PORTS.rpc },
                        { name: "ws", protocol: "TCP", port: PORTS.ws, targetPort: PORTS.ws },
                    ],
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
                resources: config.resources.racecourse,
                rpcUrl: rpcEndpoint,
                wsUrl: wsEndpoint,
                extraEnv: config.racecourseEnv,
                ingressHost: config.ingressHost,
                ingressClassName: config.ingressClassName,
                namespace,
                provider,
                // Started once the nodes are Ready, so the app finds the RPC endpoint at its first start.
                deploymentAfter: [...this.setup.loadsOf(config.images.racecourse), ...this.nodes.map((node) => node.statefulSet)],
                ingressAfter: this.setup.ingressAddon ? [this.setup.ingressAddon] : [],
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

        this.outputs = {
            namespace,
            kubeContext: config.kubeContext,
            racecourseUrl: `http://${config.ingressHost ?? args.minikubeIp}/`,
            minikubeIp: args.minikubeIp,
            rpcEndpoint,
            wsEndpoint,
            bootnodeEnode: this.bootnode.enode,
            consensus: config.consensus,
            nodes: this.nodes.map((node, i) => ({ name: `node-${i + 1}`, enode: node.enode, ip: node.ip })),
        };
        this.registerOutputs(this.outputs);
    }
}
