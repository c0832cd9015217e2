// Where things are inside the containers and on a member's volume: every container of a member's
// pods (and the volume-copy helper) mounts the member's folder at QDATA_MOUNT; the files of the qdata
// layout (layout.ts) lie under it, beside what the processes and the seed write there.

export const QDATA_MOUNT = "/qdata";

/** A path of the member's folder (relative, as the layout names files) where the containers see it. */
export function inQdata(relative: string): string {
    return `${QDATA_MOUNT}/${relative}`;
}

/** qdata_0 for the bootnode, qdata_N for node N: the member's folder, locally, on a minikube node and in a backup. */
export function qdataFolderName(index: number): string {
    return `qdata_${index}`;
}

/** geth's datadir, relative to the member's folder; its IPC socket and chain database lie in it. */
export const GETH_DIR = "ethereum";
export const GETH_IPC = `${GETH_DIR}/geth.ipc`;
export const CHAIN_DATA = `${GETH_DIR}/geth/chaindata`;
/** The bootnode's key, relative to its folder. */
export const BOOTNODE_NODE_KEY = "nodekey";
/** Where the seed's start.sh writes geth's log (GoQuorum's geth logs to the container instead). */
export const SEED_GETH_LOG = "logs/geth.log";

/** The transaction managers' sockets, for geth, and their stores. */
export const CONSTELLATION_SOCKET = "constellation/tm.ipc";
export const CONSTELLATION_STORAGE = "constellation/storage";
export const TESSERA_SOCKET = "tessera/tm.ipc";
export const TESSERA_DB = "tessera/db";

/** What the seed leaves in a member's folder: the seed id it laid, and the stack that owns the folder. */
export const SEED_MARKER = ".kaleido-seed-id";
export const OWNER_MARKER = ".kaleido-owner";

/**
 * What a restore leaves in a member's folder: the backup it holds, and while it runs the staging
 * folder the backup lands in and the mark that the staging is whole.
 */
export const RESTORED_MARKER = ".kaleido-restored-from";
export const RESTORE_STAGING = ".kaleido-restoring";
export const RESTORE_WHOLE = ".kaleido-restoring-whole";
/** On a restored node's volume until every node holds the backup's head: its geth starts without sealing. */
export const SEALING_HOLD = ".kaleido-hold-sealing";
