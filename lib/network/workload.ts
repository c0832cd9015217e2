// Pieces every quorum workload shares.
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { QDATA_MOUNT } from "../model/paths";
import { QdataMember } from "../model/qdata";

export const QDATA_VOLUME = "qdata";

export function qdataVolume(claimName: pulumi.Input<string>): k8s.types.input.core.v1.Volume {
    return { name: QDATA_VOLUME, persistentVolumeClaim: { claimName } };
}

export const qdataMount: k8s.types.input.core.v1.VolumeMount = { name: QDATA_VOLUME, mountPath: QDATA_MOUNT };

/**
 * On a member's StatefulSet, Service and claim: the rollout step waits for the members instead of
 * the provider. The provider's own waits (endpoints, Bound, replicas Ready) would each hold one of
 * the engine's few parallel slots (4 per CPU) until the member's pod exists, which made a large up
 * serial; and with updateStrategy OnDelete it would wait, on an update, for a pod the update does
 * not replace, so a member left down by a bad spec (an image that does not exist) could not be set
 * back. Peers dial fixed IPs, publishNotReadyAddresses publishes pods before they are Ready, and no
 * pod is scheduled before its claim is bound.
 */
export const AWAITED_BY_ROLLOUT = { "pulumi.com/skipAwait": "true" };

/** The pod template annotation that restarts pods when their seeded files change. */
export const SEED_ANNOTATION = "kaleido.io/seed-id";

/**
 * The member's chain identity where it lives: changes when its copied files (genesis, keys), its
 * runtime or its place change, not with the peer list, which is updated in place without a re-seed.
 */
export function seedIdAt(member: QdataMember, location: string, runtimeName = ""): string {
    return crypto
        .createHash("sha256")
        .update(member.contentHash)
        .update("\0")
        .update(runtimeName)
        .update("\0")
        .update(location)
        .digest("hex");
}
