import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { claimName as claimNameOf, COMMON_LABELS } from "../../lib/network/names";
import { hardened } from "../../lib/network/security";
import { AWAITED_BY_ROLLOUT, QDATA_VOLUME } from "../../lib/network/workload";
import { QDATA_MOUNT } from "../../lib/model/paths";
import { FileRole, LayoutEntry, modeOf, QDATA_LAYOUT } from "../../lib/model/layout";
import { QdataMember } from "../../lib/model/qdata";
import { refusalOf } from "../../lib/files/plainFiles";
import { memberContents } from "../../lib/qdata/folder";
import { UserError } from "../../lib/userError";
import { MemberFiles, MemberStorage, MemberStorageRequest, seedFilesOf } from "../network/platform";

export interface SeededClaimArgs extends MemberStorageRequest {
    /** The member's chain identity on its claim (the platform's seedId). */
    seedId: string;
    /** Undefined: the cluster's default StorageClass. */
    storageClassName?: string;
    volumeSize: string;
    /** The seeding init container runs in this image (it has a POSIX shell). */
    seedImage: string;
    imagePullPolicy: string;
    /** scripts/node-seed.sh: the same rules as on minikube. */
    seedScript: string;
}

/** The volume holds the member's folder in a subfolder, so a folder we did not seed can be moved aside. */
const VOLUME_ROOT = "/volume";
const SEED_DIR = "/seed";
/**
 * Where every container of the member sees its peer list, a ConfigMap volume the kubelet refreshes
 * when the ConfigMap changes; the seeded folder links each peer file there (geth re-reads
 * permissioned-nodes.json when a peer connects), so a new peer list needs no restart.
 */
const PEERS_DIR = "/peers";
const SCRIPT_DIR = "/seed-script";
const SEED_SCRIPT = "node-seed.sh";

/**
 * One member's storage on any cluster: a PVC from a StorageClass, its key material in a Secret,
 * its public files in a ConfigMap, and an init container that lays both into the volume with
 * node-seed.sh's rules before the quorum and transaction manager containers start.
 */
export class SeededClaim extends pulumi.ComponentResource implements MemberStorage {
    readonly claim: k8s.core.v1.PersistentVolumeClaim;
    readonly keys: k8s.core.v1.Secret;
    readonly files: k8s.core.v1.ConfigMap;
    /** Nodes only: the peer list. */
    readonly peers?: k8s.core.v1.ConfigMap;
    readonly seedId: string;
    readonly volumes: k8s.types.input.core.v1.Volume[];
    readonly initContainers: k8s.types.input.core.v1.Container[];
    readonly volumeMounts: k8s.types.input.core.v1.VolumeMount[];
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: SeededClaimArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:SeededClaim", name, {}, opts);
        const claimName = claimNameOf(args.member.index);
        const seed = memberSeed(args);

        this.claim = this.declareClaim(name, args, claimName);
        this.keys = this.declareKeys(name, args, claimName, seed.key.data);
        this.files = this.declareFiles(name, args, claimName, seed.chain.data);
        if (args.networkFiles) this.peers = this.declarePeers(name, args, claimName, seed.peers.data);

        this.seedId = args.seedId;
        const pod = seedingPod(args, seed, this.seedId, {
            claim: this.claim.metadata.name,
            keys: this.keys.metadata.name,
            files: this.files.metadata.name,
            peers: this.peers?.metadata.name,
        });
        this.volumeMounts = pod.volumeMounts;
        this.volumes = pod.volumes;
        this.initContainers = pod.initContainers;
        this.ready = [this.claim, this.keys, this.files, ...(this.peers ? [this.peers] : [])];
        this.registerOutputs({ claimName: this.claim.metadata.name, seedId: this.seedId });
    }

    /** The member's volume: a PVC from the StorageClass, left to the StatefulSet's rollout to await. */
    private declareClaim(name: string, args: SeededClaimArgs, claimName: string): k8s.core.v1.PersistentVolumeClaim {
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
                    storageClassName: args.storageClassName,
                    resources: { requests: { storage: args.volumeSize } },
                },
            },
            { parent: this, provider: args.provider },
        );
    }

    /** The Secret holding the member's key material, base64 under each file's object key. */
    private declareKeys(
        name: string,
        args: SeededClaimArgs,
        claimName: string,
        data: Record<string, string>,
    ): k8s.core.v1.Secret {
        return new k8s.core.v1.Secret(
            `${name}-keys`,
            {
                metadata: { name: `${claimName}-keys`, namespace: args.namespace, labels: COMMON_LABELS },
                type: "Opaque",
                // A Pulumi secret from the start: the state holds it encrypted only.
                data: pulumi.secret(data),
            },
            { parent: this, provider: args.provider },
        );
    }

    /** The ConfigMap holding the rest of the member's chain identity, and node-seed.sh to lay the seed with. */
    private declareFiles(
        name: string,
        args: SeededClaimArgs,
        claimName: string,
        data: Record<string, string>,
    ): k8s.core.v1.ConfigMap {
        return new k8s.core.v1.ConfigMap(
            `${name}-files`,
            {
                metadata: { name: `${claimName}-files`, namespace: args.namespace, labels: COMMON_LABELS },
                data: { ...data, [SEED_SCRIPT]: args.seedScript },
            },
            { parent: this, provider: args.provider },
        );
    }

    /** The ConfigMap holding a node's peer list, mounted at PEERS_DIR. */
    private declarePeers(
        name: string,
        args: SeededClaimArgs,
        claimName: string,
        data: Record<string, string>,
    ): k8s.core.v1.ConfigMap {
        return new k8s.core.v1.ConfigMap(
            `${name}-peers`,
            { metadata: { name: `${claimName}-peers`, namespace: args.namespace, labels: COMMON_LABELS }, data },
            { parent: this, provider: args.provider },
        );
    }
}

/** The files of one role as the Secret or ConfigMap holding them has them, and as the pod's volume gives them back. */
interface SeedObject {
    /** Each file under its object key: key material base64, the rest text. */
    data: Record<string, string>;
    /** Each object key projected back to its file's path, with the role's mode. */
    items: { key: string; path: string; mode: number }[];
}

/** By role: key material for the Secret, the rest of the chain identity and the peer list for ConfigMaps. */
type MemberSeed = Record<FileRole, SeedObject>;

/** The member's files by the layout, as its Secret and ConfigMaps hold them and its pod projects them. */
export function memberSeed(request: MemberFiles, layout: readonly LayoutEntry[] = QDATA_LAYOUT): MemberSeed {
    const byRole = filesByRole(request, layout);
    const object = (role: FileRole): SeedObject => ({
        data: Object.fromEntries(Object.entries(byRole[role]).map(([file, content]) => [keyOf(file), content])),
        items: Object.keys(byRole[role]).map((file) => ({ key: keyOf(file), path: file, mode: modeOf(role) })),
    });
    return { key: object("key"), chain: object("chain"), peers: object("peers") };
}

/**
 * By role and path: key material (base64), the rest of the chain identity and the peer list (text).
 * The folder's files are read through the checked path (never a link, FIFO or device) and only as
 * the bytes the preview checked: another byte is refused, not put into a Secret.
 */
function filesByRole(request: MemberFiles, layout: readonly LayoutEntry[]): Record<FileRole, Record<string, string>> {
    const byRole: Record<FileRole, Record<string, string>> = { key: {}, chain: {}, peers: {} };
    const copied = checkedContents(request.member);
    for (const file of seedFilesOf(request, layout)) {
        const bytes = file.content === undefined ? copied.get(file.path) : Buffer.from(file.content);
        if (!bytes)
            throw new UserError(
                `${path.join(request.member.sourceDir, file.path)}: is not among the files the folder was checked with`,
            );
        byRole[file.role][file.path] = bytes.toString(file.role === "key" ? "base64" : "utf8");
    }
    return byRole;
}

function checkedContents(member: QdataMember): Map<string, Buffer> {
    try {
        return memberContents(member);
    } catch (error) {
        throw new UserError(refusalOf(error));
    }
}

/** The objects' names the pod mounts: the claim, the Secret, the ConfigMaps (peers: nodes only). */
interface ObjectNames {
    claim: pulumi.Input<string>;
    keys: pulumi.Input<string>;
    files: pulumi.Input<string>;
    peers?: pulumi.Input<string>;
}

/**
 * The member pod's side of the seeding: its volumes, what every container mounts (the member's
 * folder, and on nodes the peer list), and the init container that lays the seed with node-seed.sh.
 */
function seedingPod(args: SeededClaimArgs, seed: MemberSeed, seedId: string, names: ObjectNames) {
    const peersVolume = names.peers
        ? [{ name: "peers", configMap: { name: names.peers, items: seed.peers.items } }]
        : [];
    const peersMount = peersVolume.map((volume) => ({ name: volume.name, mountPath: PEERS_DIR, readOnly: true }));
    const volumes: k8s.types.input.core.v1.Volume[] = [
        { name: QDATA_VOLUME, persistentVolumeClaim: { claimName: names.claim } },
        {
            name: "seed",
            projected: {
                sources: [
                    { secret: { name: names.keys, items: seed.key.items } },
                    { configMap: { name: names.files, items: seed.chain.items } },
                ],
            },
        },
        { name: "seed-script", configMap: { name: names.files, items: [{ key: SEED_SCRIPT, path: SEED_SCRIPT }] } },
        ...peersVolume,
    ];
    const initContainers: k8s.types.input.core.v1.Container[] = [
        hardened(
            {
                name: "seed",
                image: args.seedImage,
                imagePullPolicy: args.imagePullPolicy,
                command: [
                    "sh",
                    `${SCRIPT_DIR}/${SEED_SCRIPT}`,
                    SEED_DIR,
                    `${VOLUME_ROOT}/qdata`,
                    seedId,
                    ...(names.peers ? [PEERS_DIR] : []),
                ],
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                volumeMounts: [
                    { name: QDATA_VOLUME, mountPath: VOLUME_ROOT },
                    { name: "seed", mountPath: SEED_DIR, readOnly: true },
                    { name: "seed-script", mountPath: SCRIPT_DIR, readOnly: true },
                    // To see which peer files to link.
                    ...peersMount,
                ],
            },
            "read-only",
        ),
    ];
    return {
        volumes,
        initContainers,
        volumeMounts: [{ name: QDATA_VOLUME, mountPath: QDATA_MOUNT, subPath: "qdata" }, ...peersMount],
    };
}

/** Secret and ConfigMap keys allow only [-._a-zA-Z0-9]; the projected volume's items give back the path. */
export function keyOf(file: string): string {
    return file.replace(/[^-._a-zA-Z0-9]/g, "_");
}
