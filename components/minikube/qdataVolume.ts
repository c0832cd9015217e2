import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { claimName as claimNameOf, COMMON_LABELS } from "../../lib/network/names";
import { AWAITED_BY_ROLLOUT, qdataMount, qdataVolume } from "../../lib/network/workload";
import { LayoutEntry, QDATA_LAYOUT, SeedFile } from "../../lib/model/layout";
import { MemberSeed } from "../../lib/minikube/seedPlan";
import { MemberFiles, MemberStorage, MemberStorageRequest, seedFilesOf } from "../network/platform";
import { NetworkSeed } from "./networkSeed";

export interface QdataVolumeArgs extends MemberStorageRequest {
    /** Host folder on the minikube node backing the PV. */
    hostPath: string;
    /** The member's chain identity in that folder (the platform's seedId). */
    seedId: string;
    volumeSize: string;
    minikubeProfile: string;
    keepChainData: boolean;
    /** Who the host folder belongs to (project/stack): seeding and wiping refuse another's. */
    owner: string;
    /** Lays this member's seed with every other member's. */
    networkSeed: NetworkSeed;
}

/** No StorageClass object: the name only pairs each PVC with its pre-made PV. */
export const QDATA_STORAGE_CLASS = "kaleido-quorum-qdata";

/**
 * One member's storage: a hostPath PV on the minikube node, a PVC bound to it alone, and the
 * member's seed: laid into the host folder by the network's seed before its pod starts, and
 * declared by a Command of its own that wipes the folder when the member goes.
 */
export class QdataVolume extends pulumi.ComponentResource implements MemberStorage {
    readonly volume: k8s.core.v1.PersistentVolume;
    readonly claim: k8s.core.v1.PersistentVolumeClaim;
    /** The member's seed as a preview shows it (its environment); its delete step wipes the folder. */
    readonly seed: command.local.Command;
    readonly seedId: string;
    readonly volumes: k8s.types.input.core.v1.Volume[];
    readonly initContainers: k8s.types.input.core.v1.Container[] = [];
    readonly volumeMounts = [qdataMount];
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: QdataVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:QdataVolume", name, {}, opts);
        const claimName = claimNameOf(args.member.index);
        this.volume = this.declareVolume(name, args, claimName);
        this.claim = this.declareClaim(name, args, claimName);
        this.seedId = args.seedId;
        this.seed = this.declareSeed(name, args, claimName);
        args.networkSeed.add(networkSeedMember(args, claimName, this.seedId));
        this.volumes = [qdataVolume(this.claim.metadata.name)];
        // The member's own Command too: the pod is deleted before its delete step wipes the folder.
        this.ready = [args.networkSeed.command, this.seed, this.claim];
        this.registerOutputs({ claimName: this.claim.metadata.name, seedId: this.seedId });
    }

    /** The hostPath PV on the minikube node, reserved for the member's claim. */
    private declareVolume(name: string, args: QdataVolumeArgs, claimName: string): k8s.core.v1.PersistentVolume {
        // PVs are cluster-wide: the namespace keeps two stacks' volumes apart.
        const volumeName = pulumi.interpolate`${args.namespace}-${claimName}`;
        return new k8s.core.v1.PersistentVolume(
            `${name}-pv`,
            {
                metadata: { name: volumeName, labels: COMMON_LABELS },
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
            { parent: this, provider: args.provider },
        );
    }

    /** The member's PVC, bound to its own PV alone. */
    private declareClaim(name: string, args: QdataVolumeArgs, claimName: string): k8s.core.v1.PersistentVolumeClaim {
        return new k8s.core.v1.PersistentVolumeClaim(
            `${name}-pvc`,
            {
                metadata: {
                    name: claimName,
                    namespace: args.namespace,
                    labels: COMMON_LABELS,
                    annotations: AWAITED_BY_ROLLOUT,
                },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: QDATA_STORAGE_CLASS,
                    volumeName: this.volume.metadata.name,
                    resources: { requests: { storage: args.volumeSize } },
                },
            },
            { parent: this, provider: args.provider },
        );
    }

    /**
     * The member's seed, in the environment a preview's diff shows, and the wipe of its host folder
     * on delete. It runs nothing on create or update: the network's seed lays every member at once.
     * Never replaced (its delete step would wipe the folder): node-seed.sh itself replaces a seed
     * whose chain identity changed and otherwise rewrites only the peer list, in place.
     */
    private declareSeed(name: string, args: QdataVolumeArgs, claimName: string): command.local.Command {
        const environment = seedEnvironment(args, claimName, this.seedId);
        return new command.local.Command(
            `${name}-seed`,
            { delete: "bash scripts/wipe-qdata.sh", environment },
            { parent: this, dependsOn: [this.volume] },
        );
    }
}

/** What of a QdataVolume's arguments its seed Command is told. */
type SeedArgs = MemberFiles & Pick<QdataVolumeArgs, "hostPath" | "minikubeProfile" | "keepChainData" | "owner">;

/** The member as the network's seed lays it: where from, where to, and its files by the layout. */
export function networkSeedMember(
    args: MemberFiles & Pick<QdataVolumeArgs, "hostPath">,
    seedName: string,
    seedId: string,
    layout: readonly LayoutEntry[] = QDATA_LAYOUT,
): MemberSeed {
    return {
        name: seedName,
        sourceDir: args.member.sourceDir,
        targetDir: args.hostPath,
        seedId,
        files: seedFilesOf(args, layout),
    };
}

/**
 * The member's seed Command's environment: the same files, each rendered text in a variable of
 * its own, readable in a preview's diff; and what scripts/wipe-qdata.sh is told.
 */
export function seedEnvironment(
    args: SeedArgs,
    seedName: string,
    seedId: string,
    layout: readonly LayoutEntry[] = QDATA_LAYOUT,
): Record<string, string> {
    const files = seedFilesOf(args, layout);
    const rendered = files.flatMap((file) =>
        file.content === undefined ? [] : [[renderedVariable(file.path), file.content]],
    );
    return {
        MINIKUBE_PROFILE: args.minikubeProfile,
        SEED_NAME: seedName,
        SEED_SOURCE_DIR: args.member.sourceDir,
        SEED_MANIFEST: files.map(manifestLine).join("\n"),
        ...Object.fromEntries(rendered),
        SEED_TARGET_DIR: args.hostPath,
        SEED_ID: seedId,
        SEED_OWNER: args.owner,
        KEEP_CHAIN_DATA: String(args.keepChainData),
    };
}

/** MODE ROLE PATH [VARIABLE]: a copied file, or the text in VARIABLE. */
function manifestLine(file: SeedFile): string {
    const fields = [`0${file.mode.toString(8)}`, file.role, file.path];
    return (file.content === undefined ? fields : [...fields, renderedVariable(file.path)]).join(" ");
}

/** The environment variable holding a rendered file's text, readable in a preview's diff. */
function renderedVariable(file: string): string {
    return `SEED_${file.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}
