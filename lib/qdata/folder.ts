// Reads and checks a qdata folder in the quorum-tools layout (see docs/REFERENCE.md, "How seeding works").
// Every entry of the folder must be a regular file or a folder: nothing is followed or opened
// otherwise (lib/files/plainFiles.ts), and each file the layout copies is read once, checked and
// hashed from the same bytes.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { GenesisConsensus } from "../model/consensus";
import { addressFromPrivateKey, enodeIdFromPrivateKey, parsePrivateKeyHex } from "../keys/ethereum";
import { forkOrderProblem } from "../keys/forkOrder";
import { ISTANBUL_MIX_HASH, istanbulValidators, qbftValidators } from "../keys/istanbul";
import { BOOTNODE_KEY, GENESIS, LayoutEntry, NODE_KEY, QDATA_LAYOUT } from "../model/layout";
import { qdataFolderName } from "../model/paths";
import { QdataFolder, QdataMember } from "../model/qdata";
import { NotPlainError, plainTree, readPlainFile, refusalOf } from "../files/plainFiles";
import { contentRuleOf, isRecord } from "./fileContent";

export function memberDir(root: string, index: number): string {
    return path.join(root, qdataFolderName(index));
}

/** What the folder's walk found at each path relative to the root: only plain entries are listed. */
type Entries = Map<string, "file" | "folder">;

/** A member as read, with the bytes of each file it copies: checked, hashed and handed on from one read. */
interface ReadMember {
    member: QdataMember;
    contents: Map<string, Buffer>;
}

/**
 * Reads qdata_0..qdata_nodeCount under root, each member's files as the layout declares them;
 * every problem found is added to errors, named by its path.
 */
export function readQdataFolder(
    root: string,
    nodeCount: number,
    errors: string[],
    layout: readonly LayoutEntry[] = QDATA_LAYOUT,
): QdataFolder | undefined {
    if (!isFolder(root)) {
        errors.push(
            `qdataDir: folder ${root} does not exist (run quorum-tools examples/setup.sh, or leave qdataDir unset to generate keys)`,
        );
        return undefined;
    }
    const before = errors.length;
    const tree = plainTree(root);
    // An entry that is no plain file or folder is the refusal: what lies beyond a link is never read, so "missing" would only echo it.
    errors.push(...tree.problems);
    if (tree.problems.length > 0) return undefined;
    const entries: Entries = new Map([
        ...tree.files.map((file) => [file.path, "file"] as const),
        ...tree.folders.map((folder) => [folder, "folder"] as const),
    ]);
    const read = Array.from({ length: nodeCount + 1 }, (_, index) => readMember(root, index, entries, errors, layout));
    const genesisFile = path.join(memberDir(root, 1), GENESIS);
    const genesisJson = sameGenesis(root, read.slice(1), errors);
    if (errors.length > before || !read[0] || !genesisJson) return undefined;
    const genesis = readGenesisConsensus(genesisFile, genesisJson, errors);
    if (errors.length > before || !genesis) return undefined;
    const nodes = read.slice(1).flatMap((member) => (member ? [member.member] : []));
    return {
        bootnode: read[0].member,
        nodes,
        genesis,
        forkOrder: forkOrderProblem(genesisJson.config as Record<string, unknown>),
    };
}

/** The folder the user named (it may itself be a link they made); what lies in it is judged entry by entry. */
function isFolder(root: string): boolean {
    try {
        return fs.statSync(root).isDirectory();
    } catch {
        return false;
    }
}

function readMember(
    root: string,
    index: number,
    entries: Entries,
    errors: string[],
    layout: readonly LayoutEntry[],
): ReadMember | undefined {
    const dir = memberDir(root, index);
    const before = errors.length;
    const kind = index === 0 ? "bootnode" : "node";
    const files = layout
        .filter((entry) => entry.from === "folder" && entry.member === kind)
        .flatMap((entry) => filesOf(root, index, entry, entries, errors));
    const contents = new Map(files.flatMap((file) => readChecked(dir, file, errors)));
    if (errors.length > before) return undefined;
    const key = parsePrivateKeyHex(contents.get(index === 0 ? BOOTNODE_KEY : NODE_KEY)?.toString("utf8") ?? "");
    if (!key) return undefined;
    const identity = { enodeId: enodeIdFromPrivateKey(key), nodeAddress: addressFromPrivateKey(key) };
    return {
        member: { index, sourceDir: dir, files, ...identity, contentHash: contentHashOf(files, contents) },
        contents,
    };
}

/** sha256 over the files' paths and bytes, in the layout's order: the member's seed id is made from it. */
export function contentHashOf(files: string[], contents: ReadonlyMap<string, Buffer>): string {
    const hash = crypto.createHash("sha256");
    for (const file of files)
        hash.update(file)
            .update("\0")
            .update(contents.get(file) ?? Buffer.alloc(0))
            .update("\0");
    return hash.digest("hex");
}

/**
 * The member's files read again, as a platform puts them into the cluster: through the checked path
 * from the folder's root (the member folder itself no link), and refused unless they are the bytes
 * the folder was checked with (its contentHash). Throws NotPlainError naming the path.
 */
export function memberContents(member: QdataMember): Map<string, Buffer> {
    const [root, folder] = [path.dirname(member.sourceDir), path.basename(member.sourceDir)];
    const contents = new Map(member.files.map((file) => [file, readPlainFile(root, `${folder}/${file}`)]));
    if (contentHashOf(member.files, contents) !== member.contentHash) {
        throw new NotPlainError(
            `${member.sourceDir}: its files changed after they were checked; run again, changing the folder only while nothing deploys it`,
        );
    }
    return contents;
}

/** The entry's files the walk found, recording a problem for a missing one (a folder entry needs one file at least). */
function filesOf(root: string, index: number, entry: LayoutEntry, entries: Entries, errors: string[]): string[] {
    const member = qdataFolderName(index);
    const full = path.join(root, member, entry.path);
    if (entry.path.endsWith("/")) {
        const prefix = `${member}/${entry.path}`;
        const inside = [...entries].filter(
            ([name]) => name.startsWith(prefix) && /^UTC--[^/]*$/.test(name.slice(prefix.length)),
        );
        const folders = inside.filter(([, what]) => what === "folder").map(([name]) => path.join(root, name));
        errors.push(...folders.map((folder) => `${folder}: is a folder where a keystore file is expected`));
        const names = inside.filter(([, what]) => what === "file").map(([name]) => name.slice(member.length + 1));
        if (names.length === 0)
            errors.push(`${full.replace(/\/$/, "")}: needs one account file UTC--<time>--<address>`);
        return names.sort();
    }
    const found = entries.get(`${member}/${entry.path}`);
    if (found === "file") return [entry.path];
    errors.push(
        found === "folder" ? `${full}: is a folder where a file is expected` : `${full}: required file is missing`,
    );
    return [];
}

/** The file's bytes, read through the checked path, if they hold what the file must. */
function readChecked(dir: string, file: string, errors: string[]): [string, Buffer][] {
    let bytes: Buffer;
    try {
        bytes = readPlainFile(dir, file);
    } catch (error) {
        errors.push(refusalOf(error));
        return [];
    }
    const rule = contentRuleOf(file);
    if (rule && !rule.holds(bytes.toString("utf8"))) {
        errors.push(`${path.join(dir, file)}: must be ${rule.expected}`);
        return [];
    }
    return [[file, bytes]];
}

/** The nodes' one genesis, parsed; refused when qdata_1..qdata_N differ. */
function sameGenesis(
    root: string,
    nodes: (ReadMember | undefined)[],
    errors: string[],
): Record<string, unknown> | undefined {
    const bodies = new Set(
        nodes.flatMap((node) =>
            node?.contents.has(GENESIS) ? [node.contents.get(GENESIS)!.toString("utf8").trim()] : [],
        ),
    );
    if (bodies.size > 1) errors.push(`${root}: qdata_1..qdata_${nodes.length} must share one ${GENESIS}; they differ`);
    const first = nodes[0]?.contents.get(GENESIS);
    return first && (JSON.parse(first.toString("utf8")) as Record<string, unknown>);
}

/** `genesis` is the parsed `file`, already checked to be a Quorum genesis. */
export function readGenesisConsensus(
    file: string,
    genesis: Record<string, unknown>,
    errors: string[],
): GenesisConsensus | undefined {
    const config = genesis.config as Record<string, unknown>;
    const mixHash = String(genesis.mixHash ?? genesis.mixhash ?? "").toLowerCase();
    if (isRecord(config.qbft)) {
        const validators = typeof genesis.extraData === "string" ? qbftValidators(genesis.extraData) : undefined;
        const { blockPeriodSeconds, requestTimeoutSeconds, ceil2Nby3Block } = config.qbft;
        if (!validators || validators.length === 0 || typeof blockPeriodSeconds !== "number") {
            errors.push(
                `${file}: a QBFT genesis needs config.qbft.blockPeriodSeconds and extraData of RLP [32 bytes vanity, validators, vote, round, seals] naming at least one validator`,
            );
            return undefined;
        }
        // config.qbft without the key takes GoQuorum's default, 0 (consensus/istanbul/config.go DefaultConfig).
        const fromBlock = typeof ceil2Nby3Block === "number" ? ceil2Nby3Block : 0;
        return {
            kind: "qbft",
            validators,
            blockPeriodSeconds,
            ...(typeof requestTimeoutSeconds === "number" ? { requestTimeoutSeconds } : {}),
            ceil2Nby3Block: fromBlock,
        };
    }
    if (!isRecord(config.istanbul) && mixHash !== ISTANBUL_MIX_HASH) return { kind: "raft" };
    const validators = typeof genesis.extraData === "string" ? istanbulValidators(genesis.extraData) : undefined;
    if (!validators || validators.length === 0) {
        errors.push(
            `${file}: an Istanbul genesis needs extraData of 32 bytes vanity + RLP [validators, seal, committed seals] naming at least one validator`,
        );
        return undefined;
    }
    // Legacy config.istanbul without the key leaves it nil in GoQuorum (eth/ethconfig/config.go): 2F+1 at every height.
    const ceil2Nby3Block = isRecord(config.istanbul) ? config.istanbul.ceil2Nby3Block : undefined;
    return { kind: "ibft", validators, ...(typeof ceil2Nby3Block === "number" ? { ceil2Nby3Block } : {}) };
}
