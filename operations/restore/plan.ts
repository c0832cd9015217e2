// What a restore does to a member's volume, from what the volume holds: a restore never overwrites
// a member's data, and one cut off midway finishes without mistaking its own half-laid chain for
// another's.
import { OWNER_MARKER, RESTORED_MARKER, SEED_MARKER } from "../../lib/model/paths";
import { QDATA_LAYOUT } from "../../lib/model/layout";

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
    return [...peers, SEED_MARKER, OWNER_MARKER, RESTORED_MARKER];
}
