import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PullPolicy } from "../../lib/model/network";
import { QdataMember } from "../../lib/model/qdata";
import { selectorLabels, WorkloadIdentity } from "../../lib/network/names";
import { NamedPort, publishedPorts, servicePort } from "../../lib/network/ports";
import { POD_SECURITY_CONTEXT, SCRATCH_VOLUME } from "../../lib/network/security";
import { AWAITED_BY_ROLLOUT, SEED_ANNOTATION } from "../../lib/network/workload";
import { MemberStorage, Platform } from "./platform";

/** What the bootnode and every node are given alike. */
export interface MemberArgs {
    member: QdataMember;
    namespace: pulumi.Input<string>;
    provider: k8s.Provider;
    platform: Platform;
    /** The member's own Service address: its peers find it there. */
    clusterIp: string;
    imagePullPolicy: PullPolicy;
    /** By name, as the config lists them (the volume-copy helpers take the same). */
    imagePullSecrets: { name: string }[];
    /** Started only once these exist (the platform's image loads). */
    after: pulumi.Resource[];
}

export interface MemberSetArgs {
    /** The StatefulSet's name, e.g. node-set-3. */
    setName: string;
    namespace: pulumi.Input<string>;
    identity: WorkloadIdentity;
    labels: Record<string, string>;
    /** On the StatefulSet itself, not its pods: changing them restarts nothing. */
    annotations?: Record<string, pulumi.Input<string>>;
    /** On its pods, beside the seed id (prometheus.io's scrape annotations). */
    podAnnotations?: Record<string, string>;
    serviceName: pulumi.Input<string>;
    storage: MemberStorage;
    imagePullSecrets: k8s.types.input.core.v1.LocalObjectReference[];
    containers: k8s.types.input.core.v1.Container[];
    /** Run after the storage's own (seeding) init containers. */
    initContainers?: k8s.types.input.core.v1.Container[];
    topologySpreadConstraints?: k8s.types.input.core.v1.TopologySpreadConstraint[];
}

/**
 * One member (bootnode or node) as a single-replica StatefulSet on its storage; the pod template
 * carries the seed id, so pods restart when their seeded files change.
 */
export function memberStatefulSet(
    name: string,
    args: MemberSetArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.StatefulSet {
    const { storage } = args;
    return new k8s.apps.v1.StatefulSet(
        name,
        {
            metadata: {
                name: args.setName,
                namespace: args.namespace,
                labels: args.labels,
                annotations: { ...args.annotations, ...AWAITED_BY_ROLLOUT },
            },
            spec: {
                replicas: 1,
                serviceName: args.serviceName,
                // A new spec replaces no pod by itself: the rollout step replaces the members one at a time.
                updateStrategy: { type: "OnDelete" },
                selector: { matchLabels: selectorLabels(args.identity) },
                template: {
                    metadata: {
                        labels: args.labels,
                        annotations: { ...args.podAnnotations, [SEED_ANNOTATION]: storage.seedId },
                    },
                    spec: {
                        imagePullSecrets: args.imagePullSecrets,
                        topologySpreadConstraints: args.topologySpreadConstraints,
                        securityContext: POD_SECURITY_CONTEXT,
                        // geth, Tessera and the seeding never call the Kubernetes API.
                        automountServiceAccountToken: false,
                        initContainers: [...storage.initContainers, ...(args.initContainers ?? [])],
                        containers: args.containers,
                        volumes: [...storage.volumes, SCRATCH_VOLUME],
                    },
                },
            },
        },
        opts,
    );
}

export interface MemberServiceArgs {
    serviceName: string;
    namespace: pulumi.Input<string>;
    identity: WorkloadIdentity;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    clusterIp: string;
    /** Its pod's ports: the Service publishes those somebody connects to. */
    ports: NamedPort[];
}

/**
 * A member's own Service on its fixed clusterIP, the address its peers are given. It publishes the
 * pod before it is Ready: peers (discovery, consensus, the transaction managers) must connect
 * while it starts.
 */
export function memberService(
    name: string,
    args: MemberServiceArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
        name,
        {
            metadata: {
                name: args.serviceName,
                namespace: args.namespace,
                labels: args.labels,
                annotations: args.annotations,
            },
            spec: {
                clusterIP: args.clusterIp,
                selector: selectorLabels(args.identity),
                publishNotReadyAddresses: true,
                ports: publishedPorts(args.ports).map(servicePort),
            },
        },
        opts,
    );
}
