// Reads and checks a qdata folder in the quorum-tools layout (see README "qdata layout").
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { addressFromPrivateKey, enodeIdFromPrivateKey, parsePrivateKeyHex } from "./ethereum";
import { describeForkOrderProblem, ForkOrderProblem, forkOrderProblem, withMissingForks } from "./forkOrder";
import { ISTANBUL_MIX_HASH, istanbulValidators, qbftValidators } from "./istanbul";

/** One file to copy from the local qdata folder to the node's volume, by its path relative to qdata_N. */
export interface QdataMember {
    /** Bootnode = 0, nodes = 1..N. */
    index: number;
    sourceDir: string;
    files: string[];
    enodeId: string;
    /** Address of the node key: what an Istanbul genesis names as a validator. */
    nodeAddress: string;
    /** sha256 over the seeded files' paths and bytes: changes whenever anything seeded changes. */
    contentHash: string;
}

/** What the shared genesis says about consensus; validators as lower-case hex addresses. */
export type GenesisConsensus = { kind: "raft" } | { kind: "ibft"; validators: string[] } | { kind: "qbft"; validators: string[]; blockPeriodSeconds: number };

export interface QdataFolder {
    bootnode: QdataMember;
    nodes: QdataMember[];
    genesis: GenesisConsensus;
    /** Set when the genesis breaks go-ethereum's fork order (quorum-tools' setup.sh Raft genesis does). */
    forkOrder?: ForkOrderProblem;
}

export const BOOTNODE_KEY = "nodekey";
export const NODE_KEY = "ethereum/nodekey";
export const GENESIS = "ethereum/genesis.json";
export const PASSWORDS = "ethereum/passwords.txt";
export const KEYSTORE_DIR = "ethereum/keystore";
export const TM_KEY = "constellation/tm.key";
export const TM_PUB = "constellation/tm.pub";

export function memberDir(root: string, index: number): string {
    return path.join(root, `qdata_${index}`);
}

/** Reads qdata_0..qdata_nodeCount under root; every problem found is added to errors, named by its path. */
export function readQdataFolder(root: string, nodeCount: number, errors: string[]): QdataFolder | undefined {
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        errors.push(`qdataDir: folder ${root} does not exist (run quorum-tools examples/setup.sh, or leave qdataDir unset to generate keys)`);
        return undefined;
    }
    const before = errors.length;
    const bootnode = readBootnode(root, errors);
    const nodes: QdataMember[] = [];
    for (let index = 1; index <= nodeCount; index++) {
        const node = readNode(root, index, errors);
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

/** One line for a folder whose genesis newer Quorum refuses: the file, the first missing fork, who refuses, the fix. */
export function forkOrderWarning(root: string, folder: QdataFolder): string | undefined {
    if (!folder.forkOrder) return undefined;
    return (
        `qdataDir: ${path.join(memberDir(root, 1), GENESIS)} has ${describeForkOrderProblem(folder.forkOrder)}. ` +
        `Quorum 2.5 and older start on it, but GoQuorum 2.6 and later (go-ethereum 1.9+, every GoQuorum 20.x-24.x) refuse it at geth init ` +
        `("unsupported fork ordering") and the node pods crash-loop. Fix: npm run qdata -- --repair-genesis ${root} (then pulumi up re-seeds the nodes)`
    );
}

/** What --repair-genesis did to one member's genesis. */
export interface GenesisRepair {
    file: string;
    added: string[];
    /** Left for the owner: an order the repair cannot decide (a fork set later than one after it). */
    remaining?: string;
}

/**
 * Enables the forks each qdata_N genesis is missing, keeping the rest of the file, and keeps the
 * original beside it as genesis.json.orig (never overwriting an earlier one).
 */
export function repairGenesisFiles(root: string): GenesisRepair[] {
    const repairs: GenesisRepair[] = [];
    for (let index = 1; fs.existsSync(path.join(memberDir(root, index), GENESIS)); index++) {
        const file = path.join(memberDir(root, index), GENESIS);
        const genesis = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
        const { config, added } = withMissingForks(genesis.config as Record<string, unknown>);
        if (added.length > 0) {
            if (!fs.existsSync(`${file}.orig`)) fs.copyFileSync(file, `${file}.orig`);
            fs.writeFileSync(file, JSON.stringify({ ...genesis, config }, null, 2) + "\n");
        }
        const left = forkOrderProblem(config);
        repairs.push({ file, added, remaining: left && describeForkOrderProblem(left) });
    }
    return repairs;
}

/**
 * Problems of a folder's genesis for the configured consensus: the genesis must be of that kind,
 * and an Istanbul genesis may name only the folder's node keys as validators, `validators` of
 * them unless that is 0.
 */
export function consensusProblems(root: string, folder: QdataFolder, wanted: { kind: GenesisConsensus["kind"]; validators: number }): string[] {
    const { kind: consensus, validators } = wanted;
    const genesisFile = path.join(memberDir(root, 1), GENESIS);
    if (folder.genesis.kind !== consensus) {
        const kinds = { raft: "a Raft genesis (no Istanbul extraData)", ibft: "an Istanbul (IBFT) genesis", qbft: "a QBFT genesis" };
        return [`consensus: "${consensus}", but ${genesisFile} is ${kinds[folder.genesis.kind]}; set consensus to ${folder.genesis.kind} or use a ${consensus} qdata folder`];
    }
    if (folder.genesis.kind === "raft") return [];
    const problems: string[] = [];
    const nodeAddresses = new Set(folder.nodes.map((node) => node.nodeAddress));
    for (const address of folder.genesis.validators) {
        if (!nodeAddresses.has(address)) problems.push(`${genesisFile}: validator 0x${address} is not the node key address of any of qdata_1..qdata_${folder.nodes.length}`);
    }
    if (validators !== 0 && validators !== folder.genesis.validators.length) {
        problems.push(`validators: ${validators}, but ${genesisFile} names ${folder.genesis.validators.length}; set validators to ${folder.genesis.validators.length} or leave it unset`);
    }
    return problems;
}

/** `genesis` is the parsed `file`, already checked to be a Quorum genesis. */
function readGenesisConsensus(file: string, genesis: Record<string, unknown>, errors: string[]): GenesisConsensus | undefined {
    const config = genesis.config as Record<string, unknown>;
    const mixHash = String(genesis.mixHash ?? genesis.mixhash ?? "").toLowerCase();
    if (isRecord(config.qbft)) {
        const validators = typeof genesis.extraData === "string" ? qbftValidators(genesis.extraData) : undefined;
        const blockPeriodSeconds = config.qbft.blockPeriodSeconds;
        if (!validators || validators.length === 0 || typeof blockPeriodSeconds !== "number") {
            errors.push(`${file}: a QBFT genesis needs config.qbft.blockPeriodSeconds and extraData of RLP [32 bytes vanity, validators, vote, round, seals] naming at least one validator`);
            return undefined;
        }
        return { kind: "qbft", validators, blockPeriodSeconds };
    }
    if (!isRecord(config.istanbul) && mixHash !== ISTANBUL_MIX_HASH) return { kind: "raft" };
    const validators = typeof genesis.extraData === "string" ? istanbulValidators(genesis.extraData) : undefined;
    if (!validators || validators.length === 0) {
        errors.push(`${file}: an Istanbul genesis needs extraData of 32 bytes vanity + RLP [validators, seal, committed seals] naming at least one validator`);
        return undefined;
    }
    return { kind: "ibft", validators };
}

function readBootnode(root: string, errors: string[]): QdataMember | undefined {
    const dir = memberDir(root, 0);
    const key = readNodeKey(dir, BOOTNODE_KEY, errors);
    return key ? member(0, dir, [BOOTNODE_KEY], key) : undefined;
}

function readNode(root: string, index: number, errors: string[]): QdataMember | undefined {
    const dir = memberDir(root, index);
    const before = errors.length;
    const key = readNodeKey(dir, NODE_KEY, errors);
    const keystoreFiles = readKeystore(dir, errors);
    readRequired(dir, PASSWORDS, errors);
    checkJson(dir, GENESIS, errors, isQuorumGenesis, "a genesis with config.isQuorum true and an alloc object");
    checkJson(dir, TM_KEY, errors, isConstellationPrivateKey, 'constellation JSON {"data":{"bytes":"<base64 32-byte key>"},"type":"unlocked"}');
    const tmPub = readRequired(dir, TM_PUB, errors);
    if (tmPub !== undefined && !isBase64Key(tmPub.trim())) {
        errors.push(`${path.join(dir, TM_PUB)}: must be a base64 Curve25519 public key (32 bytes)`);
    }
    if (errors.length > before || !key) return undefined;
    const files = [NODE_KEY, PASSWORDS, GENESIS, ...keystoreFiles, TM_KEY, TM_PUB];
    return member(index, dir, files, key);
}

function member(index: number, sourceDir: string, files: string[], key: Uint8Array): QdataMember {
    const hash = crypto.createHash("sha256");
    for (const file of files) {
        hash.update(file).update("\0").update(fs.readFileSync(path.join(sourceDir, file))).update("\0");
    }
    return { index, sourceDir, files, enodeId: enodeIdFromPrivateKey(key), nodeAddress: addressFromPrivateKey(key), contentHash: hash.digest("hex") };
}

function readRequired(dir: string, file: string, errors: string[]): string | undefined {
    const full = path.join(dir, file);
    if (!fs.existsSync(full) || !fs.statSync(full).isFile()) {
        errors.push(`${full}: required file is missing`);
        return undefined;
    }
    return fs.readFileSync(full, "utf8");
}

function readNodeKey(dir: string, file: string, errors: string[]): Uint8Array | undefined {
    const text = readRequired(dir, file, errors);
    if (text === undefined) return undefined;
    const key = parsePrivateKeyHex(text);
    if (!key) {
        errors.push(`${path.join(dir, file)}: must be a secp256k1 private key as 64 hex characters`);
        return undefined;
    }
    return key;
}

function readKeystore(dir: string, errors: string[]): string[] {
    const keystore = path.join(dir, KEYSTORE_DIR);
    const names = fs.existsSync(keystore) ? fs.readdirSync(keystore).filter((name) => name.startsWith("UTC--")) : [];
    if (names.length === 0) {
        errors.push(`${keystore}: needs one account file UTC--<time>--<address>`);
        return [];
    }
    const files = names.sort().map((name) => `${KEYSTORE_DIR}/${name}`);
    for (const file of files) checkJson(dir, file, errors, isKeystore, "a Web3 Secret Storage (version 3) key file");
    return files;
}

function checkJson(dir: string, file: string, errors: string[], isValid: (value: unknown) => boolean, expected: string): void {
    const text = readRequired(dir, file, errors);
    if (text === undefined) return;
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        value = undefined;
    }
    if (!isValid(value)) errors.push(`${path.join(dir, file)}: must be ${expected}`);
}

function checkSameGenesis(root: string, nodeCount: number, errors: string[]): void {
    const bodies = new Set<string>();
    for (let index = 1; index <= nodeCount; index++) {
        const file = path.join(memberDir(root, index), GENESIS);
        if (fs.existsSync(file)) bodies.add(fs.readFileSync(file, "utf8").trim());
    }
    if (bodies.size > 1) errors.push(`${root}: qdata_1..qdata_${nodeCount} must share one ${GENESIS}; they differ`);
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
