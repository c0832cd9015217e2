import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PullPolicy, RacecourseSettings } from "../../lib/model/network";
import {
    RACECOURSE_DEPLOYMENT,
    RACECOURSE_IDENTITY,
    RACECOURSE_SERVICE,
    selectorLabels,
    workloadLabels,
} from "../../lib/network/names";
import { containerPort, NAMED_PORTS, PORTS } from "../../lib/network/ports";
import {
    RACECOURSE_APP_COMMAND,
    RACECOURSE_APP_MOUNT,
    racecourseAppChecksum,
    racecourseAppFiles,
} from "../../lib/network/racecourseApp";
import { hardened, nonRootPod, POD_SECURITY_CONTEXT, SCRATCH_VOLUME } from "../../lib/network/security";
import { RACECOURSE_NODE_UID } from "../../lib/runtime/images";

export interface RacecourseArgs {
    settings: RacecourseSettings;
    imagePullPolicy: PullPolicy;
    imagePullSecrets: k8s.types.input.core.v1.LocalObjectReference[];
    /** http://<node Service IP>:8545 */
    rpcUrl: string;
    wsUrl: string;
    /** Each node's own RPC, node 1 first (the project's app reads heights and receipts per node). */
    nodeRpcUrls: string[];
    ingressHost?: string;
    ingressClassName: string;
    /** A kubernetes.io/tls Secret for ingressHost: the Ingress then serves HTTPS. */
    ingressTlsSecret?: string;
    namespace: pulumi.Input<string>;
    provider: k8s.Provider;
    /** The deployment waits for these (the image load, the nodes). */
    deploymentAfter: pulumi.Resource[];
    /** The ingress waits for these (the ingress addon). */
    ingressAfter: pulumi.Resource[];
}

/**
 * The racecourse web app: Deployment, Service and an nginx Ingress routing / to port 3000; the
 * project's app comes in a ConfigMap mounted into the stock Node.js image.
 */
export class Racecourse extends pulumi.ComponentResource {
    readonly app?: k8s.core.v1.ConfigMap;
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service: k8s.core.v1.Service;
    readonly ingress: k8s.networking.v1.Ingress;
    /** The address the ingress controller published (IP or host name). */
    readonly address: pulumi.Output<string>;

    constructor(name: string, args: RacecourseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Racecourse", name, {}, opts);
        const labels = workloadLabels(RACECOURSE_IDENTITY);
        const childOpts = { parent: this, provider: args.provider };
        const files = args.settings.shippedApp ? racecourseAppFiles() : undefined;
        if (files)
            this.app = new k8s.core.v1.ConfigMap(
                `${name}-app`,
                { metadata: { name: APP_CONFIG_MAP, namespace: args.namespace, labels }, data: files },
                childOpts,
            );
        this.deployment = this.declareDeployment(name, args, files);
        this.service = this.declareService(name, args);
        this.ingress = this.declareIngress(name, args);
        this.address = this.ingress.status.loadBalancer.ingress.apply(
            (points) => points?.[0]?.ip ?? points?.[0]?.hostname ?? "",
        );
        this.registerOutputs({ address: this.address });
    }

    /** The app's one-replica Deployment, started after the image load, the nodes and the app's ConfigMap. */
    private declareDeployment(
        name: string,
        args: RacecourseArgs,
        files: Record<string, string> | undefined,
    ): k8s.apps.v1.Deployment {
        const labels = workloadLabels(RACECOURSE_IDENTITY);
        // A new app rolls the pod: the ConfigMap's files are read at the app's start only.
        const annotations = files ? { "kaleido.io/racecourse-app": racecourseAppChecksum(files) } : undefined;
        return new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name: RACECOURSE_DEPLOYMENT, namespace: args.namespace, labels },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: selectorLabels(RACECOURSE_IDENTITY) },
                    template: { metadata: { labels, annotations }, spec: racecoursePod(args) },
                },
            },
            {
                parent: this,
                provider: args.provider,
                dependsOn: [...args.deploymentAfter, ...(this.app ? [this.app] : [])],
            },
        );
    }

    /** The Service in front of the app's HTTP port. */
    private declareService(name: string, args: RacecourseArgs): k8s.core.v1.Service {
        return new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: {
                    name: RACECOURSE_SERVICE,
                    namespace: args.namespace,
                    labels: workloadLabels(RACECOURSE_IDENTITY),
                },
                spec: {
                    selector: selectorLabels(RACECOURSE_IDENTITY),
                    ports: [
                        { name: NAMED_PORTS.http.name, port: NAMED_PORTS.http.port, targetPort: NAMED_PORTS.http.port },
                    ],
                },
            },
            { parent: this, provider: args.provider },
        );
    }

    /** The Ingress routing / to the Service, over HTTPS when given a TLS Secret; it waits for the ingress addon. */
    private declareIngress(name: string, args: RacecourseArgs): k8s.networking.v1.Ingress {
        return new k8s.networking.v1.Ingress(
            `${name}-ingress`,
            {
                metadata: {
                    name: "racecourse-ingress",
                    namespace: args.namespace,
                    labels: workloadLabels(RACECOURSE_IDENTITY),
                },
                spec: {
                    ingressClassName: args.ingressClassName,
                    tls: args.ingressTlsSecret
                        ? [
                              {
                                  hosts: args.ingressHost ? [args.ingressHost] : undefined,
                                  secretName: args.ingressTlsSecret,
                              },
                          ]
                        : undefined,
                    rules: [
                        {
                            host: args.ingressHost,
                            http: {
                                paths: [
                                    {
                                        path: "/",
                                        pathType: "Prefix",
                                        backend: {
                                            service: {
                                                name: this.service.metadata.name,
                                                port: { number: PORTS.racecourse },
                                            },
                                        },
                                    },
                                ],
                            },
                        },
                    ],
                },
            },
            { parent: this, provider: args.provider, dependsOn: args.ingressAfter },
        );
    }
}

const APP_CONFIG_MAP = "racecourse-app";
const APP_VOLUME = "app";

/**
 * The app's one container, told where the network's RPC is. The project's app runs as the Node.js
 * image's own non-root user on a read-only root; a user's image runs as the seed ran it.
 */
function racecoursePod(args: RacecourseArgs): k8s.types.input.core.v1.PodSpec {
    const { settings } = args;
    const environment = {
        QUORUM_RPC_URL: args.rpcUrl,
        QUORUM_WS_URL: args.wsUrl,
        QUORUM_NODE_RPC_URLS: args.nodeRpcUrls.join(","),
        ...settings.env,
    };
    const env = Object.entries(environment).map(([name, value]) => ({ name, value }));
    const probe = (periodSeconds: number) => ({
        httpGet: { path: "/", port: PORTS.racecourse },
        periodSeconds,
        failureThreshold: 3,
        timeoutSeconds: 3,
    });
    const container = {
        name: "racecourse",
        image: settings.image,
        imagePullPolicy: args.imagePullPolicy,
        ports: [containerPort(NAMED_PORTS.http)],
        env,
        readinessProbe: probe(10),
        livenessProbe: { ...probe(20), initialDelaySeconds: 20 },
        resources: settings.resources,
    };
    const pod = { imagePullSecrets: args.imagePullSecrets, automountServiceAccountToken: false };
    if (!settings.shippedApp)
        return { ...pod, securityContext: POD_SECURITY_CONTEXT, containers: [hardened(container, "writable")] };
    const app = {
        ...container,
        command: RACECOURSE_APP_COMMAND,
        volumeMounts: [{ name: APP_VOLUME, mountPath: RACECOURSE_APP_MOUNT, readOnly: true }],
    };
    return {
        ...pod,
        securityContext: nonRootPod(RACECOURSE_NODE_UID),
        containers: [hardened(app, "read-only")],
        volumes: [{ name: APP_VOLUME, configMap: { name: APP_CONFIG_MAP } }, SCRATCH_VOLUME],
    };
}
