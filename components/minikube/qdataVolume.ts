import * as crypto from "crypto";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMMON_LABELS } from "../../lib/network/labels";
import { QdataMember } from "../../lib/keys/qdata";

/** Files rendered by the program (cluster addresses), written over the member's copied files. */
export interface NetworkFiles {
    staticNodesJson: string;
    tmConf: string;
}

/** What a member (bootnode or node) needs to say about its storage. */
export interface MemberStorageArgs {
    member: QdataMember;
    namespace: pulumi.Input<string>;
    /** Host folder on the minikube node backing the PV. */
    hostPath: string;
    volumeSize: string;
    minikubeProfile: string;
    keepChainData: boolean;
    provider: k8s.Provider;
}

export interface QdataVolumeArgs extends MemberStorageArgs {
    /** qdata_0 for the bootnode, qdata_1..N for nodes: also the PVC's name. */
    memberName: string;
    networkFiles?: NetworkFiles;
}

/** No StorageClass object: the name only pairs each PVC with its pre-made PV. */
export const QDATA_STORAGE_CLASS = "kaleido-quorum-qdata";

/**
 * One member's storage: a hostPath PV on the minikube node, a PVC bound to it alone, and the
 * Command that seeds the member's qdata files into the host folder before its pod starts.
 */
export class QdataVolume extends pulumi.ComponentResource {
    readonly volume: k8s.core.v1.PersistentVolume;
    readonly claim: k8s.core.v1.PersistentVolumeClaim;
    readonly seed: command.local.Command;
    /** Changes whenever anything seeded changes; pod templates carry it so pods restart on re-seed. */
    readonly seedId: string;

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
                metadata: { name: claimName, namespace: args.namespace, labels },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: QDATA_STORAGE_CLASS,
                    volumeName: this.volume.metadata.name,
                    resources: { requests: { storage: args.volumeSize } },
                },
            },
            childOpts,
        );

        this.seedId = seedIdOf(args);
        const environment: Record<string, string> = {
            MINIKUBE_PROFILE: args.minikubeProfile,
            SEED_NAME: claimName,
            SEED_SOURCE_DIR: args.member.sourceDir,
            SEED_FILES: args.member.files.join("\n"),
            SEED_TARGET_DIR: args.hostPath,
            SEED_ID: this.seedId,
            KEEP_CHAIN_DATA: String(args.keepChainData),
        };
        if (args.networkFiles) {
            environment.STATIC_NODES_JSON = args.networkFiles.staticNodesJson;
            environment.TM_CONF = args.networkFiles.tmConf;
        }
        this.seed = new command.local.Command(
            `${name}-seed`,
            {
                create: "bash scripts/seed-qdata.sh",
                delete: "bash scripts/wipe-qdata.sh",
                environment,
                triggers: [this.seedId],
            },
            // Wipe the old seed before laying the new one, never after it.
            { parent: this, deleteBeforeReplace: true, dependsOn: [this.volume] },
        );
        this.registerOutputs({ claimName: this.claim.metadata.name, seedId: this.seedId });
    }
}

function seedIdOf(args: QdataVolumeArgs): string {
    return crypto
        .createHash("sha256")
        .update(args.member.contentHash)
        .update("\0")
        .update(args.networkFiles ? `${args.networkFiles.staticNodesJson}\0${args.networkFiles.tmConf}` : "")
        .update("\0")
        .update(args.hostPath)
        .digest("hex");
}
