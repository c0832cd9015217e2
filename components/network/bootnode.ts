import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResourceSpec } from "../../lib/model/network";
import { BOOTNODE_IDENTITY, BOOTNODE_SERVICE, BOOTNODE_SET, workloadLabels } from "../../lib/network/names";
import { bootnodeEnode } from "../../lib/network/networkFiles";
import { AWAITED_BY_ROLLOUT } from "../../lib/network/workload";
import { BOOTNODE_NODE_KEY, inQdata } from "../../lib/model/paths";
import { containerPort, NAMED_PORTS, NamedPort } from "../../lib/network/ports";
import { hardened } from "../../lib/network/security";
import { MemberArgs, memberService, memberStatefulSet } from "./memberSet";
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
    /** Its pod's one port: discovery, for the members. */
    readonly ports: NamedPort[] = [NAMED_PORTS.discovery];

    constructor(name: string, args: BootnodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Bootnode", name, {}, opts);
        this.enode = bootnodeEnode(args.member.enodeId, args.clusterIp);

        const { member, namespace, provider } = args;
        this.storage = args.platform.storage(`${name}-qdata`, { member, namespace, provider }, { parent: this });
        this.service = this.declareService(name, args);
        this.statefulSet = this.declareStatefulSet(name, args);
        this.registerOutputs({ enode: this.enode });
    }

    /** The Service on the fixed clusterIP the nodes' --bootnode names. */
    private declareService(name: string, args: BootnodeArgs): k8s.core.v1.Service {
        const labels = workloadLabels(BOOTNODE_IDENTITY);
        const service = {
            serviceName: BOOTNODE_SERVICE,
            namespace: args.namespace,
            identity: BOOTNODE_IDENTITY,
            labels,
            annotations: AWAITED_BY_ROLLOUT,
            clusterIp: args.clusterIp,
            ports: this.ports,
        };
        return memberService(`${name}-service`, service, { parent: this, provider: args.provider });
    }

    /** The bootnode's StatefulSet on its storage, started once the storage is ready and the images are loaded. */
    private declareStatefulSet(name: string, args: BootnodeArgs): k8s.apps.v1.StatefulSet {
        return memberStatefulSet(
            `${name}-set`,
            {
                setName: BOOTNODE_SET,
                namespace: args.namespace,
                identity: BOOTNODE_IDENTITY,
                labels: workloadLabels(BOOTNODE_IDENTITY),
                serviceName: this.service.metadata.name,
                storage: this.storage,
                imagePullSecrets: args.imagePullSecrets,
                containers: [bootnodeContainer(args, this.ports, this.storage)],
            },
            { parent: this, provider: args.provider, dependsOn: [...this.storage.ready, ...args.after] },
        );
    }
}

/** The bootnode container: bootnode on the member's node key, on a read-only root. */
function bootnodeContainer(
    args: BootnodeArgs,
    ports: NamedPort[],
    storage: MemberStorage,
): k8s.types.input.core.v1.Container {
    return hardened(
        {
            name: "bootnode",
            image: args.image,
            imagePullPolicy: args.imagePullPolicy,
            command: ["bootnode", "-nodekey", inQdata(BOOTNODE_NODE_KEY)],
            // No probes: the bootnode speaks only UDP discovery, which Kubernetes probes cannot check.
            ports: ports.map(containerPort),
            resources: args.resources,
            volumeMounts: storage.volumeMounts,
        },
        "read-only",
    );
}
