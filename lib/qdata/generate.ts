// Produces a complete qdata folder (quorum-tools layout) without Docker or geth. Idempotent:
// existing keys are kept, missing members are added, and files are rewritten only when their
// content would change, so a second run leaves every byte (and the seed hashes) as they were.
// A network's genesis funds the accounts of its first members only: members added later get the
// same genesis, so growing or shrinking the network never changes the chain.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { addressFromPrivateKey, curve25519PublicKey, parsePrivateKeyHex, randomSecp256k1Key } from "../keys/ethereum";
import { GENESIS_FORKS } from "../keys/forkOrder";
import {
    ISTANBUL_MIX_HASH,
    istanbulExtraData,
    istanbulValidators,
    qbftExtraData,
    qbftValidators,
} from "../keys/istanbul";
import { decryptKeystore, encryptKeystore, keystoreFileName, KeystoreV3, STANDARD_SCRYPT_N } from "../keys/keystore";
import { Consensus, GenesisConsensus, genesisConsensusOf, stackValidatorIndexes } from "../model/consensus";
import { memberDir } from "./folder";
import { BOOTNODE_KEY, GENESIS, KEYSTORE_DIR, NODE_KEY, PASSWORDS, TM_KEY, TM_PUB } from "../model/layout";

export interface GenerateOptions {
    dir: string;
    nodeCount: number;
    password: string;
    chainId: number;
    gasLimit: string;
    /** Raft unless given. */
    consensus?: Consensus;
    scryptN?: number;
    onProgress?: (line: string) => void;
}

/** Blocks between validator-vote checkpoints, as istanbul-tools and GoQuorum's examples set it. */
const EPOCH_LENGTH = 30000;

/** As setup.sh funds each node's account. */
const FUNDED_BALANCE = "1000000000000000000000000000";

/**
 * Makes or completes the folder. Returns problems instead of writing a genesis whose validator set
 * differs from the one the folder's existing genesis names: that would start another chain.
 */
export async function ensureGeneratedQdata(options: GenerateOptions): Promise<void> {
    const { dir, nodeCount } = options;
    const progress = options.onProgress ?? (() => undefined);
    makePrivateDir(dir);
    ensureNodeKey(path.join(memberDir(dir, 0), BOOTNODE_KEY));
    const addresses = await Promise.all(
        Array.from({ length: nodeCount }, async (_, i) => {
            const member = memberDir(dir, i + 1);
            const created = ensureNodeKey(path.join(member, NODE_KEY));
            ensureConstellationKeys(member);
            const address = await ensureAccount(member, options);
            if (created) progress(`[keys] node ${i + 1}/${nodeCount} generated (account 0x${address})`);
            return address;
        }),
    );
    const consensus = options.consensus ?? { kind: "raft" };
    const validators = stackValidatorIndexes(consensus).map((index) =>
        nodeKeyAddress(path.join(memberDir(dir, index), NODE_KEY)),
    );
    const existing = readExistingGenesis(dir);
    // A genesis, once made, keeps its validators: another count is reached by vote.
    const made = genesisConsensusOf(consensus, existing?.validators?.length ? existing.validators : validators);
    // A genesis, once made, keeps its commit formula too: IBFT chains made before ceil2Nby3Block was written keep 2F+1.
    const spec =
        existing?.validators?.length && made.kind !== "raft"
            ? { ...made, ceil2Nby3Block: existing.ceil2Nby3Block }
            : made;
    const funded = existing?.funded ?? addresses;
    const genesis = genesisJson(funded, options.chainId, options.gasLimit, spec);
    for (let index = 1; index <= nodeCount; index++) writeIfChanged(path.join(memberDir(dir, index), GENESIS), genesis);
}

interface ExistingGenesis {
    /** The alloc's accounts, lower-case hex without 0x, in the file's order. */
    funded: string[];
    /** IBFT/QBFT: the validators its extraData names. */
    validators?: string[];
    /** IBFT/QBFT: the block its commit quorum becomes ceil(2N/3) at, as the file says (absent: not set). */
    ceil2Nby3Block?: number;
}

/** The genesis the folder's first member has now, if any. */
function readExistingGenesis(dir: string): ExistingGenesis | undefined {
    const file = path.join(memberDir(dir, 1), GENESIS);
    if (!fs.existsSync(file)) return undefined;
    const genesis = JSON.parse(fs.readFileSync(file, "utf8")) as {
        alloc?: Record<string, unknown>;
        extraData?: string;
        config?: { qbft?: { ceil2Nby3Block?: unknown }; istanbul?: { ceil2Nby3Block?: unknown } };
    };
    const funded = Object.keys(genesis.alloc ?? {}).map((address) => address.toLowerCase().replace(/^0x/, ""));
    const extraData = genesis.extraData ?? "";
    const validators = genesis.config?.qbft ? qbftValidators(extraData) : istanbulValidators(extraData);
    const ceil2Nby3Block = (genesis.config?.qbft ?? genesis.config?.istanbul)?.ceil2Nby3Block;
    return { funded, validators, ...(typeof ceil2Nby3Block === "number" ? { ceil2Nby3Block } : {}) };
}

/** A Raft genesis, an Istanbul one as istanbul-tools writes it, or a QBFT one as GoQuorum 22+ reads it. */
export function genesisJson(
    addresses: string[],
    chainId: number,
    gasLimit: string,
    consensus: GenesisConsensus = { kind: "raft" },
): string {
    const alloc = Object.fromEntries(addresses.map((address) => [`0x${address}`, { balance: FUNDED_BALANCE }]));
    const common = {
        alloc,
        coinbase: "0x0000000000000000000000000000000000000000",
        gasLimit,
        nonce: "0x0",
        parentHash: "0x0000000000000000000000000000000000000000000000000000000000000000",
        timestamp: "0x00",
    };
    const config = { ...Object.fromEntries(GENESIS_FORKS.map((fork) => [fork, 0])), isQuorum: true, chainId };
    const bft = { difficulty: "0x1", mixHash: ISTANBUL_MIX_HASH };
    let genesis: Record<string, unknown>;
    switch (consensus.kind) {
        case "raft":
            genesis = {
                ...common,
                config,
                difficulty: "0x0",
                mixhash: "0x00000000000000000000000000000000000000647572616c65787365646c6578",
            };
            break;
        case "ibft":
            genesis = {
                ...common,
                config: { ...config, istanbul: { epoch: EPOCH_LENGTH, policy: 0, ...ceil2Nby3Of(consensus) } },
                ...bft,
                extraData: istanbulExtraData(consensus.validators),
            };
            break;
        case "qbft": {
            const qbft = {
                epochLength: EPOCH_LENGTH,
                blockPeriodSeconds: consensus.blockPeriodSeconds,
                requestTimeoutSeconds: consensus.requestTimeoutSeconds,
                policy: 0,
                ...ceil2Nby3Of(consensus),
            };
            genesis = {
                ...common,
                config: { ...config, qbft },
                ...bft,
                extraData: qbftExtraData(consensus.validators),
            };
            break;
        }
    }
    return JSON.stringify(genesis, null, 2) + "\n";
}

/** The genesis key only when the consensus sets it: a legacy IBFT genesis made without it stays byte for byte as it was. */
function ceil2Nby3Of(consensus: { ceil2Nby3Block?: number }): { ceil2Nby3Block?: number } {
    return consensus.ceil2Nby3Block === undefined ? {} : { ceil2Nby3Block: consensus.ceil2Nby3Block };
}

function nodeKeyAddress(file: string): string {
    const key = parsePrivateKeyHex(fs.readFileSync(file, "utf8"));
    if (!key) throw new Error(`${file}: not a node key`);
    return addressFromPrivateKey(key);
}

function makePrivateDir(dir: string): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
}

function writeIfChanged(file: string, content: string): void {
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return;
    makePrivateDir(path.dirname(file));
    fs.writeFileSync(file, content, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
}

/** Returns true when a new key was made. */
function ensureNodeKey(file: string): boolean {
    if (fs.existsSync(file)) return false;
    writeIfChanged(file, Buffer.from(randomSecp256k1Key()).toString("hex"));
    return true;
}

/** Keeps the existing account; re-encrypts it when the configured password changed. Returns its address. */
async function ensureAccount(member: string, options: GenerateOptions): Promise<string> {
    const keystoreDir = path.join(member, KEYSTORE_DIR);
    const passwordsFile = path.join(member, PASSWORDS);
    const existing = fs.existsSync(keystoreDir)
        ? fs.readdirSync(keystoreDir).filter((name) => name.startsWith("UTC--"))
        : [];
    const scryptN = options.scryptN ?? STANDARD_SCRYPT_N;
    if (existing.length > 0) {
        const file = path.join(keystoreDir, existing.sort()[0]);
        const keystore = JSON.parse(fs.readFileSync(file, "utf8")) as KeystoreV3;
        const oldPassword = fs.existsSync(passwordsFile) ? fs.readFileSync(passwordsFile, "utf8") : "";
        if (oldPassword !== options.password) {
            const privateKey = await decryptKeystore(keystore, oldPassword);
            const reencrypted = await encryptKeystore(privateKey, options.password, keystore.crypto.kdfparams.n);
            writeIfChanged(file, JSON.stringify(reencrypted));
            writeIfChanged(passwordsFile, options.password);
        }
        return keystore.address;
    }
    const keystore = await encryptKeystore(randomSecp256k1Key(), options.password, scryptN);
    writeIfChanged(path.join(keystoreDir, keystoreFileName(keystore, new Date())), JSON.stringify(keystore));
    writeIfChanged(passwordsFile, options.password);
    return keystore.address;
}

function ensureConstellationKeys(member: string): void {
    const keyFile = path.join(member, TM_KEY);
    if (fs.existsSync(keyFile)) return;
    const privateKey = crypto.randomBytes(32);
    const publicKey = Buffer.from(curve25519PublicKey(privateKey)).toString("base64");
    writeIfChanged(keyFile, JSON.stringify({ data: { bytes: privateKey.toString("base64") }, type: "unlocked" }));
    writeIfChanged(path.join(member, TM_PUB), publicKey);
}
