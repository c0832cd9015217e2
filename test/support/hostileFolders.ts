// The crafted folders of the hostile-files table: a generated qdata folder and a backup of it, each
// copied fresh per case and then damaged (links, FIFOs, sockets, devices, odd contents), and tar
// archives holding what a compromised member could plant. The operator's own "secret" lies beside
// them, so a case can show it never enters a message or a copy.
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { fileEntries, writeManifest } from "../../lib/backup/manifest";
import { ensureGeneratedQdata } from "../../lib/qdata/generate";
import { tempDir } from "./tempDir";
import { TEST_SCRYPT_N } from "./workspace";

export const SECRET = `kq-operator-secret-${crypto.randomBytes(6).toString("hex")}`;
export const NODES = 3;

export interface Fixture {
    work: string;
    qdata: string;
    backup: string;
    /** A file of the operator's: a token. */
    secretFile: string;
    /** The operator's JSON file holding the token. */
    secretJson: string;
    /** A folder of the operator's. */
    secretFolder: string;
}

export async function makeFixture(): Promise<Fixture> {
    const work = tempDir("hostile");
    const secretFolder = path.join(work, "operator");
    fs.mkdirSync(secretFolder);
    const secrets = {
        secretFile: path.join(secretFolder, "token"),
        secretJson: path.join(secretFolder, "token.json"),
        secretFolder,
    };
    const fixture = { work, qdata: path.join(work, "qdata"), backup: path.join(work, "backup"), ...secrets };
    fs.writeFileSync(fixture.secretFile, `${SECRET}\n`);
    fs.writeFileSync(fixture.secretJson, JSON.stringify({ format: 1, token: SECRET }));
    await ensureGeneratedQdata({
        dir: fixture.qdata,
        nodeCount: NODES,
        password: "",
        chainId: 3543006677,
        gasLimit: "0x2FEFD800",
        scryptN: TEST_SCRYPT_N,
    });
    fs.cpSync(fixture.qdata, fixture.backup, { recursive: true });
    for (let i = 1; i <= NODES; i++) {
        fs.mkdirSync(path.join(fixture.backup, `qdata_${i}/ethereum/geth/chaindata`), { recursive: true });
        fs.writeFileSync(path.join(fixture.backup, `qdata_${i}/ethereum/geth/chaindata/000001.ldb`), `blocks of ${i}`);
    }
    const head = { number: 7, hash: `0x${"7".repeat(64)}` };
    const members = [
        { name: "bootnode", folder: "qdata_0" },
        ...[1, 2, 3].map((i) => ({ name: `node-${i}`, folder: `qdata_${i}`, head })),
    ];
    const chain = { consensus: "raft", chainId: 3543006677, genesisHash: `0x${"9".repeat(64)}` };
    const manifest = {
        format: 1 as const,
        createdAt: "2026-12-01T10:00:00.000Z",
        stack: "hostile",
        namespace: "quorum",
        ...chain,
        members,
    };
    writeManifest(fixture.backup, { ...manifest, files: fileEntries(fixture.backup) });
    return fixture;
}

let copies = 0;

/** A fresh copy of the qdata folder or the backup, for one case. */
export function copyOf(fixture: Fixture, base: "qdata" | "backup"): string {
    const dir = path.join(fixture.work, `case-${++copies}`);
    fs.cpSync(base === "qdata" ? fixture.qdata : fixture.backup, dir, { recursive: true });
    return dir;
}

/** Changes the manifest of the backup copy at `dir`. */
type RawManifest = Record<string, unknown> & { members: Record<string, unknown>[]; files: { path: string }[] };

export function rewriteManifest(dir: string, change: (manifest: RawManifest) => unknown): void {
    const file = path.join(dir, "manifest.json");
    fs.writeFileSync(file, JSON.stringify(change(JSON.parse(fs.readFileSync(file, "utf8")))));
}

export function link(file: string, target: string): void {
    fs.rmSync(file, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.symlinkSync(target, file);
}

export function fifo(file: string): void {
    fs.rmSync(file, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    execFileSync("mkfifo", [file]);
}

export function folderInstead(file: string): void {
    fs.rmSync(file, { recursive: true, force: true });
    fs.mkdirSync(file, { recursive: true });
}

/** A listening unix socket at `file`; returns its close. */
export async function socketAt(file: string): Promise<() => void> {
    fs.rmSync(file, { recursive: true, force: true });
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(file, resolve));
    return () => server.close();
}

/** A character device (/dev/null's numbers) at `file`: only root can make one. */
export function deviceAt(file: string): boolean {
    if (process.getuid?.() !== 0) return false;
    fs.rmSync(file, { recursive: true, force: true });
    try {
        execFileSync("mknod", [file, "c", "1", "3"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

/** A tar archive made by GNU tar in a fresh folder that `lay` fills; `names` are what tar packs, `options` go before them. */
export function tarOf(
    fixture: Fixture,
    lay: (dir: string) => void,
    names: string[] = ["."],
    options: string[] = [],
): string {
    const dir = path.join(fixture.work, `tar-${++copies}`);
    fs.mkdirSync(path.join(dir, "member/ethereum"), { recursive: true });
    fs.writeFileSync(path.join(dir, "member/ethereum/nodekey"), "ab".repeat(32));
    lay(path.join(dir, "member"));
    const archive = `${dir}.tar`;
    execFileSync("tar", ["-C", path.join(dir, "member"), ...options, "-cf", archive, ...names], { stdio: "ignore" });
    return archive;
}
