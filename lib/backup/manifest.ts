// What a backup folder holds and proves: the chain's identity, each member's head when it was
// copied, and a checksum of every file; written and checked here.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { manifestProblems } from "./manifestFields";

export const MANIFEST = "manifest.json";

export interface FileEntry {
    /** Relative to the backup folder, with "/". */
    path: string;
    size: number;
    sha256: string;
}

export interface MemberCopy {
    name: string;
    /** qdata_N, as the program's own folders are named. */
    folder: string;
    /** Nodes: the head when the copy was taken (the bootnode has no chain). */
    head?: { number: number; hash: string };
    /** Nodes: the clusterIP its peers dialled. */
    ip?: string;
    /** Raft: the member joined a running network (its id is not its place in static-nodes.json). */
    raftJoined?: boolean;
}

export interface BackupManifest {
    format: 1;
    createdAt: string;
    stack: string;
    namespace: string;
    consensus: string;
    chainId: number;
    /** Block 0's hash, as the nodes report it. */
    genesisHash: string;
    members: MemberCopy[];
    files: FileEntry[];
}

function sha256(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Every file under `root` but the manifest, in a stable order. */
export function fileEntries(root: string): FileEntry[] {
    const entries: FileEntry[] = [];
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (entry.isFile() && full !== path.join(root, MANIFEST)) entries.push({ path: path.relative(root, full).split(path.sep).join("/"), size: fs.statSync(full).size, sha256: sha256(full) });
        }
    };
    walk(root);
    return entries;
}

/** Key material stays as private as in the stack: every folder 0700, every file 0600 (a link, to a cluster's peer list, has no mode of its own). */
export function makePrivate(root: string): void {
    fs.chmodSync(root, 0o700);
    for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
        const full = path.join(root, entry.name);
        if (entry.isDirectory()) makePrivate(full);
        else if (entry.isFile()) fs.chmodSync(full, 0o600);
    }
}

export function writeManifest(root: string, manifest: BackupManifest): void {
    fs.writeFileSync(path.join(root, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
}

/** The manifest, every field checked: a restore writes what it names onto new volumes. */
export function readManifest(root: string): BackupManifest {
    const file = path.join(root, MANIFEST);
    if (!fs.existsSync(file)) throw new Error(`${root} has no ${MANIFEST}: not a backup folder`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new Error(`${file} is not JSON: ${(error as Error).message}`);
    }
    const problems = manifestProblems(parsed);
    if (problems.length > 0) throw new Error(`${file}: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? `; and ${problems.length - 5} more` : ""}`);
    return parsed as BackupManifest;
}

/** Each file that is missing, changed or not in the manifest, in one line each; none when the backup is whole. */
export function verifyBackup(root: string): string[] {
    const manifest = readManifest(root);
    const found = new Map(fileEntries(root).map((entry) => [entry.path, entry]));
    const problems = manifest.files.flatMap((entry) => {
        const now = found.get(entry.path);
        found.delete(entry.path);
        if (!now) return [`${entry.path}: missing`];
        if (now.size !== entry.size) return [`${entry.path}: changed (${now.size} bytes, the manifest says ${entry.size})`];
        return now.sha256 === entry.sha256 ? [] : [`${entry.path}: changed (sha256 ${now.sha256}, the manifest says ${entry.sha256})`];
    });
    return [...problems, ...[...found.keys()].map((file) => `${file}: not in the manifest`)];
}
