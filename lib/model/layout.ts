// The qdata layout, declared once: every file of a member's folder, who writes it, what it is for
// and so how private it stays. The folder reader, key generation, both platforms' seeding and the
// seed scripts (through the manifest they are handed) all follow this table.

/**
 * key: key material, readable by the member's own processes only (0600; a Secret on clusters).
 * chain: the rest of the member's chain identity, public (0644; a ConfigMap).
 * peers: the peer list, naming cluster addresses, public and updated in place without a re-seed.
 * Keys and chain files together are the chain identity: another one starts a new chain.
 */
export type FileRole = "key" | "chain" | "peers";

export interface LayoutEntry {
    /** Under qdata_N; an entry ending in "/" holds any number of files (the keystore). */
    path: string;
    role: FileRole;
    /** folder: copied from the qdata folder (generated or the user's); program: rendered at deploy. */
    from: "folder" | "program";
    member: "bootnode" | "node";
}

function entry(
    path: string,
    role: FileRole,
    from: LayoutEntry["from"],
    member: LayoutEntry["member"] = "node",
): LayoutEntry {
    return { path, role, from, member };
}

export const BOOTNODE_KEY = "nodekey";
export const NODE_KEY = "ethereum/nodekey";
export const PASSWORDS = "ethereum/passwords.txt";
export const GENESIS = "ethereum/genesis.json";
export const KEYSTORE_DIR = "ethereum/keystore";
export const TM_KEY = "constellation/tm.key";
export const TM_PUB = "constellation/tm.pub";
/** The runtime whose chain data the folder holds: another runtime starts a new chain. */
export const RUNTIME_FILE = "kaleido-runtime";
export const STATIC_NODES = "ethereum/static-nodes.json";
export const PERMISSIONED_NODES = "ethereum/permissioned-nodes.json";
/** Where each transaction manager reads its config. */
export const TRANSACTION_MANAGER_CONFIG_FILES = {
    constellation: "constellation/tm.conf",
    tessera: "tessera/tessera-config.json",
} as const;
export type TransactionManagerKind = keyof typeof TRANSACTION_MANAGER_CONFIG_FILES;

/**
 * In this order: a member's seed id hashes its folder files in it. The functions that follow a
 * layout take this one unless handed another (a test's, with entries of its own).
 */
export const QDATA_LAYOUT: readonly LayoutEntry[] = [
    entry(BOOTNODE_KEY, "key", "folder", "bootnode"),
    entry(NODE_KEY, "key", "folder"),
    entry(PASSWORDS, "key", "folder"),
    entry(GENESIS, "chain", "folder"),
    entry(`${KEYSTORE_DIR}/`, "key", "folder"),
    entry(TM_KEY, "key", "folder"),
    entry(TM_PUB, "chain", "folder"),
    entry(RUNTIME_FILE, "chain", "program"),
    entry(STATIC_NODES, "peers", "program"),
    entry(PERMISSIONED_NODES, "peers", "program"),
    entry(TRANSACTION_MANAGER_CONFIG_FILES.constellation, "peers", "program"),
    entry(TRANSACTION_MANAGER_CONFIG_FILES.tessera, "peers", "program"),
];

/** The layout entry a file of a member's folder falls under. */
export function layoutEntryOf(file: string, layout: readonly LayoutEntry[] = QDATA_LAYOUT): LayoutEntry {
    const found = layout.find((candidate) =>
        candidate.path.endsWith("/") ? file.startsWith(candidate.path) : file === candidate.path,
    );
    if (!found) throw new Error(`${file} is not in the qdata layout`);
    return found;
}

/** Key material stays owner-only; what the network may know about itself is world-readable. */
export function modeOf(role: FileRole): number {
    return role === "key" ? 0o600 : 0o644;
}

/** One file as a member's seed lays it: copied from the qdata folder, or the program's text. */
export interface SeedFile {
    path: string;
    role: FileRole;
    mode: number;
    /** Rendered files only. */
    content?: string;
}

/** The member's copied files and the program's rendered ones, each with its role and mode. */
export function seedFiles(
    copied: string[],
    rendered: Record<string, string>,
    layout: readonly LayoutEntry[] = QDATA_LAYOUT,
): SeedFile[] {
    const describe = (path: string, content?: string): SeedFile => {
        const { role } = layoutEntryOf(path, layout);
        return { path, role, mode: modeOf(role), ...(content === undefined ? {} : { content }) };
    };
    return [
        ...copied.map((path) => describe(path)),
        ...Object.entries(rendered).map(([path, content]) => describe(path, content)),
    ];
}
