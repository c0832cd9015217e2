// Reads and checks a qdata folder in the quorum-tools layout (see docs/REFERENCE.md, "How seeding works").
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { GenesisConsensus } from "../model/consensus";
import { addressFromPrivateKey, enodeIdFromPrivateKey, parsePrivateKeyHex } from "../keys/ethereum";
import { forkOrderProblem } from "../keys/forkOrder";
import { ISTANBUL_MIX_HASH, istanbulValidators, qbftValidators } from "../keys/istanbul";
import { BOOTNODE_KEY, GENESIS, KEYSTORE_DIR, LayoutEntry, NODE_KEY, QDATA_LAYOUT, TM_KEY, TM_PUB } from "../model/layout";
import { qdataFolderName } from "../model/paths";
import { QdataFolder, QdataMember } from "../model/qdata";



export function memberDir(root: string, index: number): string {
    return path.join(root, qdataFolderName(index));
}

/**
 * Reads qdata_0..qdata_nodeCount under root, each member's files as the layout declares them;
 * every problem found is added to errors, named by its path.
 */
export function readQdataFolder(root: string, nodeCount: number, errors: string[], layout: readonly LayoutEntry[] = QDATA_LAYOUT): QdataFolder | undefined {
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        errors.push(`qdataDir: folder ${root} does not exist (run quorum-tools examples/setup.sh, or leave qdataDir unset to generate keys)`);
        return undefined;
    }
    const before = errors.length;
    const bootnode = readMember(root, 0, errors, layout);
    const nodes: QdataMember[] = [];
    for (let index = 1; index <= nodeCount; index++) {
        const node = readMember(root, index, errors, layout);
        if (node) nodes.push(node);
    }
    checkSameGenesis(root, nodeCount, errors);
    if (errors.length > before) return undefined;
    const genesisFile = path.join(memberDir(root, 1), GENESIS);
    const genesisJson = JSON.parse(fs.readFileSync(genesisFile, "utf8")) as Record<string, unknown>;
    const genesis = readGenesisConsensus(genesisFile, genesisJson, errors);
    if (errors.length > before || !bootnode || !genesis) return undefined;
    return { bootnode, nodes, genesis, forkOrder: forkOrderProblem(genesisJson.config as Record<string, unknown>) };
}

/** What each file the folder brings must hold, beyond existing. */
const CONTENT_CHECKS: Record<string, [check: (text: string) => boolean, expected: string]> = {
    [BOOTNODE_KEY]: [(text) => parsePrivateKeyHex(text) !== undefined, "a secp256k1 private key as 64 hex characters"],
    [NODE_KEY]: [(text) => parsePrivateKeyHex(text) !== undefined, "a secp256k1 private key as 64 hex characters"],
    [GENESIS]: [(text) => isQuorumGenesis(parseJson(text)), "a genesis with config.isQuorum true and an alloc object"],
    [`${KEYSTORE_DIR}/`]: [(text) => isKeystore(parseJson(text)), "a Web3 Secret Storage (version 3) key file"],
    [TM_KEY]: [(text) => isConstellationPrivateKey(parseJson(text)), 'constellation JSON {"data":{"bytes":"<base64 32-byte key>"},"type":"unlocked"}'],
    [TM_PUB]: [(text) => isBase64Key(text.trim()), "a base64 Curve25519 public key (32 bytes)"],
};

function readMember(root: string, index: number, errors: string[], layout: readonly LayoutEntry[]): QdataMember | undefined {
    const dir = memberDir(root, index);
    const before = errors.length;
    const kind = index === 0 ? "bootnode" : "node";
    const files = layout.filter((entry) => entry.from === "folder" && entry.member === kind).flatMap((entry) => filesOf(dir, entry, errors));
    for (const file of files) checkContent(dir, file, errors);
    if (errors.length > before) return undefined;
    const key = parsePrivateKeyHex(fs.readFileSync(path.join(dir, index === 0 ? BOOTNODE_KEY : NODE_KEY), "utf8"));
    if (!key) return undefined;
    const hash = crypto.createHash("sha256");
    for (const file of files) hash.update(file).update("\0").update(fs.readFileSync(path.join(dir, file))).update("\0");
    return { index, sourceDir: dir, files, enodeId: enodeIdFromPrivateKey(key), nodeAddress: addressFromPrivateKey(key), contentHash: hash.digest("hex") };
}

/** The entry's files that exist, recording a problem for a missing one (a folder entry needs one file at least). */
function filesOf(dir: string, entry: LayoutEntry, errors: string[]): string[] {
    if (entry.path.endsWith("/")) {
        const folder = path.join(dir, entry.path);
        const names = fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => name.startsWith("UTC--")) : [];
        if (names.length === 0) errors.push(`${folder.replace(/\/$/, "")}: needs one account file UTC--<time>--<address>`);
        return names.sort().map((name) => `${entry.path}${name}`);
    }
    const full = path.join(dir, entry.path);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return [entry.path];
    errors.push(`${full}: required file is missing`);
    return [];
}

function checkContent(dir: string, file: string, errors: string[]): void {
    const rule = CONTENT_CHECKS[file] ?? CONTENT_CHECKS[file.replace(/[^/]+$/, "")];
    if (rule && !rule[0](fs.readFileSync(path.join(dir, file), "utf8"))) errors.push(`${path.join(dir, file)}: must be ${rule[1]}`);
}

/** `genesis` is the parsed `file`, already checked to be a Quorum genesis. */
export function readGenesisConsensus(file: string, genesis: Record<string, unknown>, errors: string[]): GenesisConsensus | undefined {
    const config = genesis.config as Record<string, unknown>;
    const mixHash = String(genesis.mixHash ?? genesis.mixhash ?? "").toLowerCase();
    if (isRecord(config.qbft)) {
        const validators = typeof genesis.extraData === "string" ? qbftValidators(genesis.extraData) : undefined;
        const { blockPeriodSeconds, requestTimeoutSeconds, ceil2Nby3Block } = config.qbft;
        if (!validators || validators.length === 0 || typeof blockPeriodSeconds !== "number") {
            errors.push(`${file}: a QBFT genesis needs config.qbft.blockPeriodSeconds and extraData of RLP [32 bytes vanity, validators, vote, round, seals] naming at least one validator`);
            return undefined;
        }
        // config.qbft without the key takes GoQuorum's default, 0 (consensus/istanbul/config.go DefaultConfig).
        const fromBlock = typeof ceil2Nby3Block === "number" ? ceil2Nby3Block : 0;
        return { kind: "qbft", validators, blockPeriodSeconds, ...(typeof requestTimeoutSeconds === "number" ? { requestTimeoutSeconds } : {}), ceil2Nby3Block: fromBlock };
    }
    if (!isRecord(config.istanbul) && mixHash !== ISTANBUL_MIX_HASH) return { kind: "raft" };
    const validators = typeof genesis.extraData === "string" ? istanbulValidators(genesis.extraData) : undefined;
    if (!validators || validators.length === 0) {
        errors.push(`${file}: an Istanbul genesis needs extraData of 32 bytes vanity + RLP [validators, seal, committed seals] naming at least one validator`);
        return undefined;
    }
    // Legacy config.istanbul without the key leaves it nil in GoQuorum (eth/ethconfig/config.go): 2F+1 at every height.
    const ceil2Nby3Block = isRecord(config.istanbul) ? config.istanbul.ceil2Nby3Block : undefined;
    return { kind: "ibft", validators, ...(typeof ceil2Nby3Block === "number" ? { ceil2Nby3Block } : {}) };
}

function checkSameGenesis(root: string, nodeCount: number, errors: string[]): void {
    const bodies = new Set<string>();
    for (let index = 1; index <= nodeCount; index++) {
        const file = path.join(memberDir(root, index), GENESIS);
        if (fs.existsSync(file)) bodies.add(fs.readFileSync(file, "utf8").trim());
    }
    if (bodies.size > 1) errors.push(`${root}: qdata_1..qdata_${nodeCount} must share one ${GENESIS}; they differ`);
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isQuorumGenesis(value: unknown): boolean {
    return isRecord(value) && isRecord(value.alloc) && isRecord(value.config) && value.config.isQuorum === true;
}

function isKeystore(value: unknown): boolean {
    return isRecord(value) && value.version === 3 && typeof value.address === "string" && isRecord(value.crypto);
}

function isBase64Key(text: string): boolean {
    return /^[A-Za-z0-9+/]{43}=$/.test(text) && Buffer.from(text, "base64").length === 32;
}

function isConstellationPrivateKey(value: unknown): boolean {
    return isRecord(value) && isRecord(value.data) && typeof value.data.bytes === "string" && isBase64Key(value.data.bytes);
}
