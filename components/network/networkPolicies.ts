import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HELPER_LABELS } from "../../lib/kubernetes/helperPod";
import { NetworkPolicySettings, PeerSelector } from "../../lib/model/networkPolicy";
import {
    ALL_NODES_SELECTOR,
    BOOTNODE_IDENTITY,
    COMMON_LABELS,
    NODE_NAME,
    PROJECT_SELECTOR,
    RACECOURSE_IDENTITY,
    selectorLabels,
} from "../../lib/network/names";
import { NAMED_PORTS, NamedPort, portsFor } from "../../lib/network/ports";

export interface NetworkPoliciesArgs extends NetworkPolicySettings {
    namespace: pulumi.Input<string>;
    provider: k8s.Provider;
    /** Every port the bootnode's and the nodes' pods open, each admitting its audience only. */
    podPorts: NamedPort[];
}

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** The bootnode and every node: the pods that speak the network's own protocols. */
const MEMBERS = {
    matchLabels: PROJECT_SELECTOR,
    matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [NODE_NAME, BOOTNODE_IDENTITY.name] }],
};

/**
 * Ingress only, egress left open: only members reach members (p2p, Raft, discovery, the
 * transaction managers' peer port); only the racecourse and the rpcClients reach the nodes' RPC;
 * the metricsScrapers reach geth's metrics port; only the ingress controller reaches the
 * racecourse. Every other port of these pods (Tessera's third-party API among them) takes no
 * connection from any pod, and the volume-copying helpers of backup and restore none at all, in or
 * out (their data flows through `kubectl exec`). The kubelet's probes and
 * `kubectl port-forward` and `exec` do not pass through pod networking, so they still work.
 */
export class NetworkPolicies extends pulumi.ComponentResource {
    readonly policies: k8s.networking.v1.NetworkPolicy[];

    constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:NetworkPolicies", name, {}, opts);
        const metricsPorts = portsFor(args.podPorts, "scrapers");
        const racecourse = { matchLabels: selectorLabels(RACECOURSE_IDENTITY) };
        const policy = (
            suffix: string,
            podSelector: k8s.types.input.meta.v1.LabelSelector,
            from: Peer[],
            ports: NamedPort[],
        ) =>
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${suffix}`,
                {
                    metadata: { name: `quorum-${suffix}`, namespace: args.namespace, labels: COMMON_LABELS },
                    spec: {
                        podSelector,
                        policyTypes: ["Ingress"],
                        ingress: [{ from, ports: ports.map(({ protocol, port }) => ({ protocol, port })) }],
                    },
                },
                { parent: this, provider: args.provider },
            );
        this.policies = [
            policy("members", MEMBERS, [{ podSelector: MEMBERS }], portsFor(args.podPorts, "members")),
            policy(
                "rpc",
                { matchLabels: ALL_NODES_SELECTOR },
                [{ podSelector: racecourse }, ...args.rpcClients.map(peerOf)],
                portsFor(args.podPorts, "clients"),
            ),
            // An empty `from` would admit every pod: no scrapers, no rule (the other policies deny the ports).
            ...(metricsPorts.length > 0 && args.metricsScrapers.length > 0
                ? [
                      policy(
                          "metrics",
                          { matchLabels: ALL_NODES_SELECTOR },
                          args.metricsScrapers.map(peerOf),
                          metricsPorts,
                      ),
                  ]
                : []),
            policy(
                "racecourse",
                racecourse,
                [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.ingressNamespace } } }],
                [NAMED_PORTS.http],
            ),
            new k8s.networking.v1.NetworkPolicy(
                `${name}-helpers`,
                {
                    metadata: { name: "quorum-helpers", namespace: args.namespace, labels: COMMON_LABELS },
                    spec: {
                        podSelector: { matchLabels: HELPER_LABELS },
                        policyTypes: ["Ingress", "Egress"],
                        ingress: [],
                        egress: [],
                    },
                },
                { parent: this, provider: args.provider },
            ),
        ];
        this.registerOutputs({});
    }
}

/** An rpcClients or metricsScrapers entry as a NetworkPolicy peer: pods of our namespace, whole namespaces, or those pods of those namespaces. */
function peerOf(selector: PeerSelector): Peer {
    return {
        ...(selector.pods ? { podSelector: { matchLabels: selector.pods } } : {}),
        ...(selector.namespaces ? { namespaceSelector: { matchLabels: selector.namespaces } } : {}),
    };
}
