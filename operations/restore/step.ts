import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RestoreSource } from "../../lib/model/restore";
import { claimName } from "../../lib/network/names";
import { qdataFolderName } from "../../lib/model/paths";
import { QDATA_MOUNT } from "../../lib/model/paths";
import { operationStep, StepInputs } from "../../lib/stepCommand";
import type { RestoreMemberStepRequest, RestoreSettleStepRequest } from "./cli";

export interface RestoreStepArgs {
    restore: RestoreSource;
    /** 1..N. */
    index: number;
    kubeContext: string;
    namespace: pulumi.Input<string>;
    /** Has tar and sh: the member's own quorum image, pulled as its pods pull it. */
    image: string;
    imagePullPolicy: string;
    imagePullSecrets: string[];
    /** The storage's seed id: the seed takes the restored folder as its own. */
    seedId: pulumi.Input<string>;
    /** How the member's containers mount its storage: its folder is the claim's part mounted at /qdata. */
    volumeMounts: k8s.types.input.core.v1.VolumeMount[];
}

/**
 * A new member's folder from the backup (act.ts), onto its volume before its
 * StatefulSet first starts: keys, genesis and chain data as backed up, the peer list as the stack
 * seeds it. Runs once, on create; nothing on delete.
 */
export function restoreStep(
    name: string,
    args: RestoreStepArgs,
    opts: pulumi.CustomResourceOptions,
): command.local.Command {
    const request: StepInputs<RestoreMemberStepRequest> = {
        kubeContext: args.kubeContext,
        namespace: args.namespace,
        helper: {
            claim: claimName(args.index),
            image: args.image,
            imagePullPolicy: args.imagePullPolicy,
            imagePullSecrets: args.imagePullSecrets,
        },
        folder: pulumi
            .output(args.volumeMounts.find((mount) => mount.mountPath === QDATA_MOUNT)?.subPath)
            .apply((subPath) => subPath ?? ""),
        from: `${args.restore.dir}/${qdataFolderName(args.index)}`,
        backupId: args.restore.backupId,
        seedId: args.seedId,
        holdSealing: args.restore.point.way === "bft-held",
    };
    return operationStep(name, { operation: "restore", create: "member", request }, opts);
}

export interface RestoreSettleStepArgs {
    restore: RestoreSource;
    nodeCount: number;
    kubeContext: string;
    namespace: pulumi.Input<string>;
    /** How long the restored nodes may take to reach the backup's head. */
    timeoutSeconds: number;
}

/**
 * Once every restored node runs: each holds the backup's one head, and nodes held from sealing are
 * released (settle.ts). Runs once, on create; the up fails when the nodes are not one chain.
 */
export function restoreSettleStep(
    name: string,
    args: RestoreSettleStepArgs,
    opts: pulumi.CustomResourceOptions,
): command.local.Command {
    const request: StepInputs<RestoreSettleStepRequest> = {
        kubeContext: args.kubeContext,
        namespace: args.namespace,
        nodeCount: args.nodeCount,
        point: args.restore.point,
        timeoutMs: args.timeoutSeconds * 1000,
    };
    return operationStep(name, { operation: "restore", create: "settle", request }, opts);
}
