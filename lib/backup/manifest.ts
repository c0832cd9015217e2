// What a backup folder holds and proves: the chain's identity, each member's head when it was
// copied, and a checksum of every file; written and checked here. A backup holds regular files and
// folders only, each listed: a link or an unlisted file could bring in what no checksum covers.
import * as fs from "fs";
import * as path from "path";
import { digestPlainFile, entryWithin, NotPlainError, plainTree, readPlainFile, refusalOf } from "../files/plainFiles";
import { RestorePoint } from "../model/restorePoint";
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
    /** IBFT/QBFT nodes: the chain counted it as a validator when it was copied. */
    validator?: boolean;
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
    /** The one head a restore into the backed-up stack's runtime brings every node to (lib/model/restorePoint.ts). */
    restorePoint?: RestorePoint;
    files: FileEntry[];
}

/** Every regular file under `root` but the manifest, with its checksum; and each entry that is neither a file nor a folder, by path. */
function scanBackup(root: string): { entries: FileEntry[]; folders: string[]; problems: string[]; notPlain: string[] } {
    const tree = plainTree(root);
    const problems = [...tree.problems];
    const entries = tree.files
        .filter((file) => file.path !== MANIFEST)
        .flatMap((file) => {
            try {
                return [{ path: file.path, ...digestPlainFile(root, file.path) }];
            } catch (error) {
                problems.push(refusalOf(error));
                return [];
            }
        });
    return { entries, folders: tree.folders, problems, notPlain: tree.notPlain };
}

const summary = (problems: string[]) =>
    `${problems.slice(0, 5).join("; ")}${problems.length > 5 ? `; and ${problems.length - 5} more` : ""}`;

/** Every file under `root` but the manifest, in a stable order; refused, naming each, when an entry is a link, FIFO, socket or device. */
export function fileEntries(root: string): FileEntry[] {
    const { entries, problems } = scanBackup(root);
    if (problems.length > 0) throw new NotPlainError(`${root} holds what a backup may not: ${summary(problems)}`);
    return entries;
}

/** Key material stays as private as in the stack: every folder 0700, every file 0600 (anything else is refused by fileEntries). */
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

/** The manifest, a regular file, every field checked: a restore writes what it names onto new volumes. No message quotes its bytes. */
export function readManifest(root: string): BackupManifest {
    const file = path.join(root, MANIFEST);
    let text: string;
    try {
        if (!entryWithin(root, MANIFEST)) throw new NotPlainError(`${root} has no ${MANIFEST}: not a backup folder`);
        text = readPlainFile(root, MANIFEST).toString("utf8");
    } catch (error) {
        throw new NotPlainError(refusalOf(error));
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw new NotPlainError(`${file} is not JSON: not a manifest npm run backup wrote`);
    }
    const problems = manifestProblems(parsed);
    if (problems.length > 0) throw new NotPlainError(`${file}: ${summary(problems)}`);
    return parsed as BackupManifest;
}

/**
 * What the manifest must cover: every folder at the top is a member it names, every member it
 * names is a folder with files it lists, and every file it lists lies in a member's folder.
 */
function coverageProblems(manifest: BackupManifest, folders: string[]): string[] {
    const memberFolders = new Set(manifest.members.map((member) => member.folder));
    const listed = new Set(manifest.files.map((file) => file.path.split("/")[0]));
    const present = new Set(folders);
    const strays = folders.filter((folder) => !folder.includes("/") && !memberFolders.has(folder));
    const absent = manifest.members.filter((member) => !present.has(member.folder));
    const unlisted = manifest.members.filter((member) => !listed.has(member.folder));
    const outside = manifest.files.filter((file) => !memberFolders.has(file.path.split("/")[0]));
    return [
        ...strays.map(
            (folder) =>
                `${folder}: a folder the manifest's members do not name; a backup holds only the members it lists`,
        ),
        ...absent.map(
            (member) =>
                `${member.folder}: the manifest names ${member.name} here, but it is not a folder of the backup`,
        ),
        ...unlisted.map((member) => `${member.folder}: the manifest lists none of ${member.name}'s files`),
        ...outside.map((file) => `${file.path}: listed outside the folders of the manifest's members`),
    ];
}

/**
 * Each entry that is no regular file or folder, each file that is missing, changed or not in the
 * manifest, and each member folder the manifest does not cover, in one line each; none when the
 * backup is whole. Throws (a one-line refusal) when the manifest itself cannot be read.
 */
export function verifyBackup(root: string): string[] {
    const manifest = readManifest(root);
    const scan = scanBackup(root);
    const found = new Map(scan.entries.map((entry) => [entry.path, entry]));
    // What lies past a link is never read: the link is the refusal, not "missing" for each file behind it.
    const pastLink = (file: string) => scan.notPlain.some((entry) => file === entry || file.startsWith(`${entry}/`));
    const problems = manifest.files.flatMap((entry) => {
        const now = found.get(entry.path);
        found.delete(entry.path);
        if (!now) return pastLink(entry.path) ? [] : [`${entry.path}: missing`];
        if (now.size !== entry.size)
            return [`${entry.path}: changed (${now.size} bytes, the manifest says ${entry.size})`];
        return now.sha256 === entry.sha256
            ? []
            : [`${entry.path}: changed (sha256 ${now.sha256}, the manifest says ${entry.sha256})`];
    });
    const coverage = coverageProblems(manifest, scan.folders).filter((problem) => !pastLink(problem.split(":")[0]));
    return [
        ...scan.problems,
        ...problems,
        ...[...found.keys()].map((file) => `${file}: not in the manifest`),
        ...coverage,
    ];
}
