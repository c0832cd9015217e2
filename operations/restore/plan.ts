// What a restore does to a member's volume, from what the volume holds: a restore never overwrites
// a member's data, and one cut off midway finishes without mistaking its own half-laid chain for
// another's. Then whether the restored nodes hold one chain at the backup's one head.
import { OWNER_MARKER, RESTORED_MARKER, SEALING_HOLD, SEED_MARKER } from "../../lib/model/paths";
import { QDATA_LAYOUT } from "../../lib/model/layout";
import { RestorePoint } from "../../lib/model/restorePoint";

export interface VolumeState {
    /** The backup id the volume was restored from, if any. */
    holds?: string;
    /** An earlier run copied the whole backup into the staging folder. */
    copiedWhole: boolean;
    /** geth's chain database is there. */
    hasChain: boolean;
}

/**
 * done: it holds this backup. lay: the staging is whole, lay it again. copy: copy the backup into
 * the staging, then lay it. refuse: another chain is there.
 */
export type RestoreAction = "done" | "lay" | "copy" | "refuse";

export function restoreAction(state: VolumeState, backupId: string): RestoreAction {
    if (state.holds === backupId) return "done";
    if (state.copiedWhole) return "lay";
    return state.hasChain ? "refuse" : "copy";
}

/**
 * What the backup's folder brings but the restore leaves out: the peer list, which the seed writes
 * for the stack's own addresses, and the markers of the stack it was taken from.
 */
export function notRestored(): string[] {
    const peers = QDATA_LAYOUT.filter((entry) => entry.role === "peers").map((entry) => entry.path);
    return [...peers, SEED_MARKER, OWNER_MARKER, RESTORED_MARKER, SEALING_HOLD];
}

/** One node as the restore's settle phase reads it: its head, and the block it holds at the restore point's height. */
export interface SettleReading {
    name: string;
    head?: number;
    /** The hash of its block at the point's height; null when it has none there yet. */
    atPoint?: string | null;
    error?: string;
}

export interface SettleProgress {
    /** Nodes holding another block at the point's height: two chains, never to be one by waiting. */
    forked: string[];
    /** Nodes not there yet, each with why. */
    waiting: string[];
}

/**
 * How far the restored nodes are from one chain at `point`: each must hold its block. Held from
 * sealing, each must also have caught up with the highest head any of them holds (the copies may
 * hold a block or two past the head recorded), so no validator behind it takes part once released.
 */
export function settleProgress(readings: SettleReading[], point: RestorePoint, held: boolean): SettleProgress {
    const highest = Math.max(
        point.number,
        ...readings.flatMap((reading) => (reading.head === undefined ? [] : [reading.head])),
    );
    const forked = readings.flatMap((reading) =>
        typeof reading.atPoint === "string" && reading.atPoint !== point.hash
            ? [`${reading.name} holds ${reading.atPoint} at block ${point.number}, the backup ${point.hash}`]
            : [],
    );
    const waiting = readings.flatMap((reading) => {
        if (reading.error !== undefined || reading.head === undefined)
            return [`${reading.name}: geth does not answer (${reading.error ?? "no head"})`];
        if (reading.atPoint === null || reading.atPoint === undefined)
            return [`${reading.name}: at block ${reading.head}, short of the backup's ${point.number}`];
        return held && reading.head < highest ? [`${reading.name}: at block ${reading.head}, behind ${highest}`] : [];
    });
    return { forked, waiting };
}
