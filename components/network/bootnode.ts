import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResourceSpec } from "../../lib/model/network";
import { BOOTNODE_IDENTITY, BOOTNODE_SET, selectorLabels, workloadLabels } from "../../lib/network/names";
import { bootnodeEnode } from "../../lib/network/networkFiles";
import { AWAITED_BY_STATEFULSET } from "../../lib/network/workload";
import { containerPort, NAMED_PORTS, servicePort } from "../../lib/network/ports";
import { hardened } from "../../lib/network/security";
import { MemberArgs, memberStatefulSet } from "./memberSet";
import { MemberStorage } from "./platform";

export interface BootnodeArgs extends MemberArgs {
    image: string;
    resources: ResourceSpec;
}

/** The discovery bootnode (qdata_0) behind a fixed clusterIP, as the nodes' --bootnode names it. */
export class Bootnode extends pulumi.ComponentResource {
    readonly enode: string;
    readonly storage: MemberStorage;
    readonly service: k8s.core.v1.Service;
    readonly statefulSet: k8s.apps.v1.StatefulSet;

    constructor(name: string, args: BootnodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Bootnode", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        const labels = workloadLabels(BOOTNODE_IDENTITY);
        this.enode = bootnodeEnode(args.member.enodeId, args.clusterIp);

        const { member, namespace, provider } = args;
        this.storage = args.platform.storage(`${name}-qdata`, { member, namespace, provider }, { parent: this });
        this.service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: "quorum-bootnode", namespace: args.namespace, labels, annotations: AWAITED_BY_STATEFULSET },
                spec: {
                    clusterIP: args.clusterIp,
                    selector: selectorLabels(BOOTNODE_IDENTITY),
                    // Nodes must reach discovery while the bootnode is still starting.
                    publishNotReadyAddresses: true,
                    ports: [servicePort(NAMED_PORTS.discovery)],
                },
            },
            childOpts,
        );
        this.statefulSet = memberStatefulSet(
            `${name}-set`,
            {
                setName: BOOTNODE_SET,
                namespace: args.namespace,
                identity: BOOTNODE_IDENTITY,
                labels,
                serviceName: this.service.metadata.name,
                storage: this.storage,
                imagePullSecrets: args.imagePullSecrets,
                containers: [
                    hardened(
                        {
                            name: "bootnode",
                            image: args.image,
                            imagePullPolicy: args.imagePullPolicy,
                            command: ["bootnode", "-nodekey", "/qdata/nodekey"],
                            // No probes: the bootnode speaks only UDP discovery, which Kubernetes probes cannot check.
                            ports: [containerPort(NAMED_PORTS.discovery)],
                            resources: args.resources,
                            volumeMounts: this.storage.volumeMounts,
                        },
                        "read-only",
                    ),
                ],
            },
            { ...childOpts, dependsOn: [...this.storage.ready, ...args.after] },
        );
        this.registerOutputs({ enode: this.enode });
    }
}
