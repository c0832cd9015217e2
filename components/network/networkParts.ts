// The network's parts that hang off its members: who may reach what, the scrape settings, the
// node Service over every node, and the racecourse app. Declared by QuorumNetwork as its children.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../../lib/model/network";
import { ALL_NODES_SELECTOR, NODE_SERVICE, NODE_SERVICE_IDENTITY, workloadLabels } from "../../lib/network/names";
import { NamedPort, NAMED_PORTS, PORTS, servicePort } from "../../lib/network/ports";
import { Runtime } from "../../lib/runtime/runtime";
import { Monitoring } from "./monitoring";
import { NetworkPolicies } from "./networkPolicies";
import { Platform } from "./platform";
import { Racecourse } from "./racecourse";

/** What every workload of the network is declared with. */
export interface Shared {
    namespace: pulumi.Output<string>;
    provider: k8s.Provider;
    platform: Platform;
    imagePullPolicy: NetworkConfig["imagePullPolicy"];
    imagePullSecrets: { name: string }[];
}

/** Who may reach what (networkPolicy), and how a Prometheus finds the metrics (monitoring). */
export function observability(
    name: string,
    config: NetworkConfig,
    runtime: Runtime,
    shared: Shared,
    podPorts: NamedPort[],
    opts: pulumi.ComponentResourceOptions,
): { networkPolicies?: NetworkPolicies; monitoring?: Monitoring } {
    const { namespace, provider } = shared;
    const metrics = config.monitoring && runtime.metrics;
    const policy = config.networkPolicy && { ...config.networkPolicy, namespace, provider, podPorts };
    const bft = config.consensus.kind !== "raft";
    const monitoring = config.monitoring &&
        metrics && { settings: config.monitoring, metrics, namespace, provider, networkName: config.namespace, bft };
    return {
        networkPolicies: policy && new NetworkPolicies(`${name}-policies`, policy, opts),
        monitoring: monitoring && new Monitoring(`${name}-monitoring`, monitoring, opts),
    };
}

/** RPC and WS over every node: the selector leaves out the per-node instance label. */
export function nodeService(
    name: string,
    config: NetworkConfig,
    shared: Shared,
    parent: pulumi.Resource,
): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
        `${name}-node-service`,
        {
            metadata: {
                name: NODE_SERVICE,
                namespace: shared.namespace,
                labels: workloadLabels(NODE_SERVICE_IDENTITY),
            },
            spec: {
                clusterIP: config.nodeServiceIp,
                selector: ALL_NODES_SELECTOR,
                ports: [NAMED_PORTS.rpc, NAMED_PORTS.ws].map(servicePort),
            },
        },
        { parent, provider: shared.provider },
    );
}

/** The racecourse app, started once the nodes are Ready so it finds the RPC endpoint at its first start. */
export function racecourse(
    name: string,
    config: NetworkConfig,
    shared: Shared,
    endpoints: { rpcUrl: string; wsUrl: string; nodesReady: pulumi.Resource },
    parent: pulumi.Resource,
): Racecourse | undefined {
    const { platform } = shared;
    const settings = config.racecourse;
    if (!settings) return undefined;
    const { rpcUrl, wsUrl } = endpoints;
    const ingress = {
        ingressHost: config.ingressHost,
        ingressClassName: config.ingressClassName,
        ingressTlsSecret: config.ingressTlsSecret,
    };
    return new Racecourse(
        `${name}-racecourse`,
        {
            settings,
            imagePullPolicy: config.imagePullPolicy,
            imagePullSecrets: shared.imagePullSecrets,
            rpcUrl,
            wsUrl,
            nodeRpcUrls: config.nodeIps.map((ip) => `http://${ip}:${PORTS.rpc}`),
            ...ingress,
            namespace: shared.namespace,
            provider: shared.provider,
            deploymentAfter: [...platform.imagesReady([settings.image]), endpoints.nodesReady],
            ingressAfter: platform.ingressReady(),
        },
        { parent },
    );
}
