import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PullPolicy, ResourceSpec } from "../../lib/config/model";
import { RACECOURSE_DEPLOYMENT, RACECOURSE_IDENTITY, selectorLabels, workloadLabels } from "../../lib/network/names";
import { containerPort, NAMED_PORTS, PORTS } from "../../lib/network/ports";
import { hardened, POD_SECURITY_CONTEXT } from "../../lib/network/security";

export interface RacecourseArgs {
    image: string;
    imagePullPolicy: PullPolicy;
    imagePullSecrets: k8s.types.input.core.v1.LocalObjectReference[];
    resources: ResourceSpec;
    /** http://<node Service IP>:8545 */
    rpcUrl: string;
    wsUrl: string;
    extraEnv: Record<string, string>;
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

/** The racecourse web app: Deployment, Service and an nginx Ingress routing / to port 3000. */
export class Racecourse extends pulumi.ComponentResource {
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service: k8s.core.v1.Service;
    readonly ingress: k8s.networking.v1.Ingress;
    /** The address the ingress controller published (IP or host name). */
    readonly address: pulumi.Output<string>;

    constructor(name: string, args: RacecourseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Racecourse", name, {}, opts);
        const labels = workloadLabels(RACECOURSE_IDENTITY);
        const childOpts = { parent: this, provider: args.provider };
        this.deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name: RACECOURSE_DEPLOYMENT, namespace: args.namespace, labels },
                spec: { replicas: 1, selector: { matchLabels: selectorLabels(RACECOURSE_IDENTITY) }, template: { metadata: { labels }, spec: racecoursePod(args) } },
            },
            { ...childOpts, dependsOn: args.deploymentAfter },
        );
        this.service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: "racecourse-service", namespace: args.namespace, labels },
                spec: {
                    selector: selectorLabels(RACECOURSE_IDENTITY),
                    ports: [{ name: NAMED_PORTS.http.name, port: NAMED_PORTS.http.port, targetPort: NAMED_PORTS.http.port }],
                },
            },
            childOpts,
        );
        this.ingress = new k8s.networking.v1.Ingress(
            `${name}-ingress`,
            {
                metadata: { name: "racecourse-ingress", namespace: args.namespace, labels },
                spec: {
                    ingressClassName: args.ingressClassName,
                    tls: args.ingressTlsSecret ? [{ hosts: args.ingressHost ? [args.ingressHost] : undefined, secretName: args.ingressTlsSecret }] : undefined,
                    rules: [
                        {
                            host: args.ingressHost,
                            http: {
                                paths: [
                                    {
                                        path: "/",
                                        pathType: "Prefix",
                                        backend: { service: { name: this.service.metadata.name, port: { number: PORTS.racecourse } } },
                                    },
                                ],
                            },
                        },
                    ],
                },
            },
            { ...childOpts, dependsOn: args.ingressAfter },
        );
        this.address = this.ingress.status.loadBalancer.ingress.apply((points) => points?.[0]?.ip ?? points?.[0]?.hostname ?? "");
        this.registerOutputs({ address: this.address });
    }
}

/** The app's one container, told where the network's RPC is. */
function racecoursePod(args: RacecourseArgs): k8s.types.input.core.v1.PodSpec {
    const env = Object.entries({ QUORUM_RPC_URL: args.rpcUrl, QUORUM_WS_URL: args.wsUrl, ...args.extraEnv }).map(([name, value]) => ({ name, value }));
    const probe = (periodSeconds: number) => ({ httpGet: { path: "/", port: PORTS.racecourse }, periodSeconds, failureThreshold: 3, timeoutSeconds: 3 });
    return {
        imagePullSecrets: args.imagePullSecrets,
        securityContext: POD_SECURITY_CONTEXT,
        containers: [
            hardened(
                {
                    name: "racecourse",
                    image: args.image,
                    imagePullPolicy: args.imagePullPolicy,
                    ports: [containerPort(NAMED_PORTS.http)],
                    env,
                    readinessProbe: probe(10),
                    livenessProbe: { ...probe(20), initialDelaySeconds: 20 },
                    resources: args.resources,
                },
                "writable",
            ),
        ],
    };
}
