// Pieces every quorum workload shares.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const QDATA_MOUNT = "/qdata";
export const QDATA_VOLUME = "qdata";

export function qdataVolume(claimName: pulumi.Input<string>): k8s.types.input.core.v1.Volume {
    return { name: QDATA_VOLUME, persistentVolumeClaim: { claimName } };
}

export const qdataMount: k8s.types.input.core.v1.VolumeMount = { name: QDATA_VOLUME, mountPath: QDATA_MOUNT };

/** The pod template annotation that restarts pods when their seeded files change. */
export const SEED_ANNOTATION = "kaleido.io/seed-id";
