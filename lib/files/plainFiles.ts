// Folders handed to us (qdata folders, backups, a restore's staging copy) are read without ever
// following a link or opening anything but a regular file: a link could pull the operator's own
// files into a cluster, a FIFO blocks a read for ever, a device never ends. Every entry is judged
// by lstat, and a file is opened O_NOFOLLOW|O_NONBLOCK and judged again by fstat on the open fd.
// Messages name the path and what it is, never the file's bytes.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** No link is followed, and a FIFO swapped in after the lstat cannot block the open. */
const OPEN_PLAIN = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
const CHUNK_BYTES = 1 << 20;
/** Files whose content is checked (keys, genesis, manifest) are read whole: none is near this. */
export const MAX_READ_BYTES = 64 << 20;

/** A refusal naming the path: the caller shows the message alone. */
export class NotPlainError extends Error {}

export function kindOf(stats: fs.Stats): string {
    if (stats.isSymbolicLink()) return "a symbolic link";
    if (stats.isFIFO()) return "a FIFO (named pipe)";
    if (stats.isSocket()) return "a socket";
    if (stats.isCharacterDevice()) return "a character device";
    if (stats.isBlockDevice()) return "a block device";
    return stats.isDirectory() ? "a folder" : "a regular file";
}

export function notPlainMessage(full: string, stats: fs.Stats): string {
    return `${full}: is ${kindOf(stats)}; only regular files and folders are read, never followed or opened (put the file itself there, or remove it)`;
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? "error";

export interface PlainFile {
    /** Relative to the root, "/"-separated. */
    path: string;
    size: number;
}

export interface PlainTree {
    files: PlainFile[];
    /** Relative to the root, "/"-separated. */
    folders: string[];
    /** Each entry that is neither a regular file nor a folder, or could not be read, named by its path. */
    problems: string[];
    /** The entries that are neither, relative to the root: nothing past them is read. */
    notPlain: string[];
}

/** Every entry under `root` (which must be a folder), in a stable order; nothing is followed. */
export function plainTree(root: string): PlainTree {
    const tree: PlainTree = { files: [], folders: [], problems: [], notPlain: [] };
    const walk = (relative: string) => {
        const dir = relative === "" ? root : path.join(root, relative);
        let names: string[];
        try {
            names = fs.readdirSync(dir).sort((a, b) => a.localeCompare(b));
        } catch (error) {
            tree.problems.push(`${dir}: cannot be listed (${codeOf(error)})`);
            return;
        }
        for (const name of names) {
            const inside = relative === "" ? name : `${relative}/${name}`;
            const stats = lstatOrProblem(path.join(root, inside), tree.problems);
            if (stats?.isDirectory()) {
                tree.folders.push(inside);
                walk(inside);
            } else if (stats?.isFile()) tree.files.push({ path: inside, size: stats.size });
            else if (stats) {
                tree.problems.push(notPlainMessage(path.join(root, inside), stats));
                tree.notPlain.push(inside);
            }
        }
    };
    walk("");
    return tree;
}

function lstatOrProblem(full: string, problems: string[]): fs.Stats | undefined {
    try {
        return fs.lstatSync(full);
    } catch (error) {
        problems.push(`${full}: cannot be read (${codeOf(error)})`);
        return undefined;
    }
}

/**
 * What `relative` under `root` is, by lstat, each folder on the way checked to be a folder and no
 * link; undefined when it does not exist. Throws NotPlainError for a link or odd entry on the way.
 */
export function entryWithin(root: string, relative: string): fs.Stats | undefined {
    const parts = relative.split("/");
    let current = root;
    for (const [i, part] of parts.entries()) {
        current = path.join(current, part);
        let stats: fs.Stats;
        try {
            stats = fs.lstatSync(current);
        } catch (error) {
            if (codeOf(error) === "ENOENT" || codeOf(error) === "ENOTDIR") return undefined;
            throw new NotPlainError(`${current}: cannot be read (${codeOf(error)})`);
        }
        if (i === parts.length - 1) return stats;
        if (stats.isFile()) throw new NotPlainError(`${current}: is a file where a folder is expected`);
        if (!stats.isDirectory()) throw new NotPlainError(notPlainMessage(current, stats));
    }
    return undefined;
}

/** An open fd of the regular file `relative` under `root`; the caller closes it. */
function openPlain(root: string, relative: string): number {
    const full = path.join(root, relative);
    const stats = entryWithin(root, relative);
    if (!stats) throw new NotPlainError(`${full}: is missing`);
    if (stats.isDirectory()) throw new NotPlainError(`${full}: is a folder where a file is expected`);
    if (!stats.isFile()) throw new NotPlainError(notPlainMessage(full, stats));
    let fd: number;
    try {
        fd = fs.openSync(full, OPEN_PLAIN);
    } catch (error) {
        if (codeOf(error) === "ELOOP")
            throw new NotPlainError(`${full}: is a symbolic link; only regular files are read`);
        throw new NotPlainError(`${full}: cannot be opened (${codeOf(error)})`);
    }
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) {
        fs.closeSync(fd);
        throw new NotPlainError(notPlainMessage(full, opened));
    }
    return fd;
}

/** Calls `onChunk` with each piece of the file's bytes, as read from the checked fd; returns the byte count. */
function eachChunk(
    root: string,
    relative: string,
    onChunk: (chunk: Buffer) => void,
    maxBytes = Number.MAX_SAFE_INTEGER,
): number {
    const fd = openPlain(root, relative);
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let total = 0;
    try {
        for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) {
            total += read;
            if (total > maxBytes)
                throw new NotPlainError(`${path.join(root, relative)}: is larger than ${maxBytes >> 20} MiB`);
            onChunk(Buffer.from(buffer.subarray(0, read)));
        }
    } finally {
        fs.closeSync(fd);
    }
    return total;
}

/** The bytes of the regular file `relative` under `root`. Throws NotPlainError naming the path. */
export function readPlainFile(root: string, relative: string, maxBytes = MAX_READ_BYTES): Buffer {
    const chunks: Buffer[] = [];
    eachChunk(root, relative, (chunk) => chunks.push(chunk), maxBytes);
    return Buffer.concat(chunks);
}

export interface Digest {
    size: number;
    sha256: string;
}

/** Size and sha256 of the bytes read from the regular file `relative` under `root`. */
export function digestPlainFile(root: string, relative: string): Digest {
    const hash = crypto.createHash("sha256");
    const size = eachChunk(root, relative, (chunk) => hash.update(chunk));
    return { size, sha256: hash.digest("hex") };
}

/**
 * Copies the regular file `relative` under `root` to the same place under `target` (a new file,
 * owner-only), returning the size and sha256 of the bytes written: what is checked is the copy.
 */
export function copyPlainFile(root: string, relative: string, target: string): Digest {
    const destination = path.join(target, relative);
    fs.mkdirSync(path.dirname(destination), { recursive: true, mode: 0o700 });
    const out = fs.openSync(
        destination,
        fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
        0o600,
    );
    const hash = crypto.createHash("sha256");
    try {
        const size = eachChunk(root, relative, (chunk) => {
            hash.update(chunk);
            for (let written = 0; written < chunk.length; ) written += fs.writeSync(out, chunk, written);
        });
        return { size, sha256: hash.digest("hex") };
    } finally {
        fs.closeSync(out);
    }
}

/** The message of a refusal made here, or of a read that failed with an errno; anything else is a bug and is thrown on. */
export function refusalOf(error: unknown): string {
    if (error instanceof NotPlainError) return error.message;
    if (
        typeof (error as NodeJS.ErrnoException).code === "string" &&
        typeof (error as NodeJS.ErrnoException).path === "string"
    ) {
        return `${(error as NodeJS.ErrnoException).path}: cannot be read (${codeOf(error)})`;
    }
    throw error;
}
