// A tar stream from a member's volume, checked on its way to the local tar: a compromised member
// could plant a link (absolute, or out through ..), a hard link, a FIFO or a device, and the local
// tar would recreate it in the backup. Only regular files and folders with paths inside the
// archive pass; the first other entry stops the stream before its header reaches the local tar.
import { Transform, TransformCallback } from "stream";
import { NotPlainError } from "./plainFiles";

const BLOCK = 512;
/** A GNU long name or pax header larger than this is no name. */
const MAX_META_BYTES = 64 << 10;
const ENTRY_KINDS: Record<string, string> = {
    "1": "a hard link",
    "2": "a symbolic link",
    "3": "a character device",
    "4": "a block device",
    "6": "a FIFO (named pipe)",
    K: "a link (GNU long link name)",
    S: "a sparse file",
};

function field(header: Buffer, start: number, length: number): string {
    const raw = header.subarray(start, start + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? length : end).toString("utf8");
}

/** The size field: octal text, or base-256 when its first byte has the high bit set. */
function sizeOf(header: Buffer): number {
    if (header[124] & 0x80)
        return Number(header.subarray(125, 136).reduce((sum, byte) => sum * 256n + BigInt(byte), 0n));
    const text = field(header, 124, 12).trim();
    return text === "" ? 0 : parseInt(text, 8);
}

function ustarName(header: Buffer): string {
    const name = field(header, 0, 100);
    const prefix = field(header, 257, 6) === "ustar" ? field(header, 345, 155) : "";
    return prefix ? `${prefix}/${name}` : name;
}

/** The path a pax extended header sets, if any ("<length> path=<value>\n" records). */
function paxPath(data: Buffer): string | undefined {
    const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString("utf8"));
    return match?.[1];
}

function insideArchive(name: string): boolean {
    return name !== "" && !name.startsWith("/") && !name.split("/").includes("..");
}

/**
 * Passes a tar stream through unchanged while every entry is a regular file or folder inside the
 * archive, leaving out whole the entries named in `skipped` (paths as the restore names them,
 * whatever they are: the seed's peer-list links on clusters, which no restore takes back).
 */
export class PlainTarCheck extends Transform {
    private pending = Buffer.alloc(0);
    /** Bytes of the current entry's data (padded to blocks) still to pass. */
    private dataLeft = 0;
    /** A GNU long name or pax header being read: held back until the entry it names is judged. */
    private meta?: { type: string; size: number; chunks: Buffer[] };
    private held: Buffer[] = [];
    private nextName?: string;
    private dropping = false;
    private ended = false;
    private readonly skipped: Set<string>;

    constructor(
        private readonly label: string,
        skipped: string[] = [],
    ) {
        super();
        this.skipped = new Set(skipped);
    }

    _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
        this.pending = Buffer.concat([this.pending, chunk]);
        try {
            this.drain();
            done();
        } catch (error) {
            done(error as Error);
        }
    }

    /** A truncated archive's last bytes go on too: the local tar names the damage. */
    _flush(done: TransformCallback): void {
        if (this.pending.length > 0) this.push(this.pending);
        done();
    }

    private drain(): void {
        while (this.pending.length > 0) {
            if (this.ended) this.pass(this.pending.length);
            else if (this.dataLeft > 0) this.passData();
            else if (this.pending.length >= BLOCK) this.header(this.pending.subarray(0, BLOCK));
            else return;
        }
    }

    /** The next `bytes` on: held with a pending name header, dropped with a skipped entry, else pushed. */
    private pass(bytes: number): Buffer {
        const out = this.pending.subarray(0, bytes);
        this.pending = this.pending.subarray(bytes);
        if (this.meta) this.held.push(out);
        else if (!this.dropping) this.push(out);
        return out;
    }

    private passData(): void {
        const out = this.pass(Math.min(this.dataLeft, this.pending.length));
        this.dataLeft -= out.length;
        if (!this.meta) return;
        this.meta.chunks.push(out);
        if (this.dataLeft > 0) return;
        const data = Buffer.concat(this.meta.chunks).subarray(0, this.meta.size);
        this.nextName = this.meta.type === "L" ? field(data, 0, data.length) : (paxPath(data) ?? this.nextName);
        this.meta = undefined;
    }

    private header(header: Buffer): void {
        if (header.every((byte) => byte === 0)) {
            this.ended = true;
            return;
        }
        const type = String.fromCharCode(header[156] || 0x30);
        const size = sizeOf(header);
        if (size > MAX_META_BYTES && (type === "L" || type === "x"))
            throw new NotPlainError(`${this.label}: the archive holds a ${size}-byte name header`);
        this.dropping = false;
        if (type === "L" || type === "x") this.meta = { type, size, chunks: [] };
        else if (type !== "g") this.judge(type, this.nextName ?? ustarName(header));
        this.pass(BLOCK);
        this.dataLeft = Math.ceil(size / BLOCK) * BLOCK;
    }

    /** Refuses the entry, or lets it (and the name headers held for it) through, or drops them all. */
    private judge(type: string, name: string): void {
        this.nextName = undefined;
        const kind = type === "0" || type === "7" ? "file" : type === "5" ? "folder" : undefined;
        this.dropping = this.skipped.has(name.replace(/^(\.\/)+/, ""));
        const held = this.held;
        this.held = [];
        if (this.dropping) return;
        const what = ENTRY_KINDS[type] ?? `an entry of tar type '${type}'`;
        if (!kind)
            throw new NotPlainError(
                `${this.label}: the archive holds ${what} at ${name}; only regular files and folders are taken`,
            );
        if (!insideArchive(name))
            throw new NotPlainError(
                `${this.label}: the archive holds a path outside it, ${name}; nothing of it was written`,
            );
        for (const block of held) this.push(block);
    }
}
