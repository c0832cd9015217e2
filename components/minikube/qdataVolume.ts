import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMMON_LABELS } from "../../lib/network/labels";
import { AWAITED_BY_STATEFULSET, qdataMount, qdataVolume, seedIdOf } from "../../lib/network/workload";
import { MemberStorage, MemberStorageRequest } from "../network/platform";

export interface QdataVolumeArgs extends MemberStorageRequest {
    /** Host folder on the minikube node backing the PV. */
    hostPath: string;
    volumeSize: string;
    minikubeProfile: string;
    keepChainData: boolean;
}

/** No StorageClass object: the name only pairs each PVC with its pre-made PV. */
export const QDATA_STORAGE_CLASS = "kaleido-quorum-qdata";

/**
 * One member's storage: a hostPath PV on the minikube node, a PVC bound to it alone, and the
 * Command that seeds the member's qdata files into the host folder before its pod starts.
 */
export class QdataVolume extends pulumi.ComponentResource implements MemberStorage {
    readonly volume: k8s.core.v1.PersistentVolume;
    readonly claim: k8s.core.v1.PersistentVolumeClaim;
    readonly seed: command.local.Command;
    readonly seedId: string;
    readonly volumes: k8s.types.input.core.v1.Volume[];
    readonly initContainers: k8s.types.input.core.v1.Container[] = [];
    readonly volumeMounts = [qdataMount];
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: QdataVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:QdataVolume", name, {}, opts);
        const labels = COMMON_LABELS;
        const childOpts = { parent: this, provider: args.provider };
        // PVs are cluster-wide: the namespace keeps two stacks' volumes apart.
        const volumeName = pulumi.interpolate`${args.namespace}-${args.memberName.replace("_", "-")}`;
        const claimName = args.memberName.replace("_", "-");

        this.volume = new k8s.core.v1.PersistentVolume(
            `${name}-pv`,
            {
                metadata: { name: volumeName, labels },
                spec: {
                    capacity: { storage: args.volumeSize },
                    accessModes: ["ReadWriteOnce"],
                    persistentVolumeReclaimPolicy: "Retain",
                    storageClassName: QDATA_STORAGE_CLASS,
                    hostPath: { path: args.hostPath, type: "DirectoryOrCreate" },
                    // Reserved for this claim alone.
                    claimRef: { namespace: args.namespace, name: claimName },
                },
            },
            childOpts,
        );
        this.claim = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-pvc`,
            {
                metadata: { name: claimName, namespace: args.namespace, labels, annotations: AWAITED_BY_STATEFULSET },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: QDATA_STORAGE_CLASS,
                    volumeName: this.volume.metadata.name,
                    resources: { requests: { storage: args.volumeSize } },
                },
            },
            childOpts,
        );

        this.seedId = seedIdOf(args.member, args.hostPath, args.runtimeName);
        const environment: Record<string, string> = {
            MINIKUBE_PROFILE: args.minikubeProfile,
            SEED_NAME: claimName,
            SEED_SOURCE_DIR: args.member.sourceDir,
            SEED_FILES: args.member.files.join("\n"),
            SEED_TARGET_DIR: args.hostPath,
            SEED_ID: this.seedId,
            KEEP_CHAIN_DATA: String(args.keepChainData),
        };
        if (args.runtimeName) environment.RUNTIME = args.runtimeName;
        if (args.networkFiles) {
            environment.STATIC_NODES_JSON = args.networkFiles.staticNodesJson;
            const { kind, config } = args.networkFiles.transactionManager;
            environment[kind === "constellation" ? "TM_CONF" : "TESSERA_CONFIG"] = config;
        }
        // Every change runs the seed again, never a replace (whose delete step would wipe the folder):
        // node-seed.sh itself replaces a seed whose chain identity changed and otherwise rewrites only
        // the peer list, in place, keeping the chain data.
        this.seed = new command.local.Command(
            `${name}-seed`,
            {
                create: "bash scripts/seed-qdata.sh",
                delete: "bash scripts/wipe-qdata.sh",
                environment,
            },
            // Stacks made before the peer list was split off recorded their seed id as a trigger,
            // whose change would replace (wipe) the seed: keep what they recorded.
            { parent: this, dependsOn: [this.volume], ignoreChanges: ["triggers"] },
        );
        this.volumes = [qdataVolume(this.claim.metadata.name)];
        this.ready = [this.seed, this.claim];
        this.registerOutputs({ claimName: this.claim.metadata.name, seedId: this.seedId });
    }
}
