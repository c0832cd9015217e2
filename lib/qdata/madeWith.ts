// What an existing qdata folder was made with (nodes, consensus, validators, chain id, gas limit,
// QBFT's timing), read from its folders and genesis, so `npm run qdata` never turns it into
// another network.
import * as fs from "fs";
import * as path from "path";
import { Consensus, GenesisConsensus } from "../model/consensus";
import { readGenesisConsensus } from "./folder";
import { isRecord } from "./fileContent";
import { entryWithin, NotPlainError, notPlainMessage, readPlainFile } from "../files/plainFiles";
import { GENESIS } from "../model/layout";
import { qdataFolderName } from "../model/paths";

export interface QdataOptions {
    nodes: number;
    consensus: Consensus["kind"];
    /** IBFT/QBFT: how many the genesis names. */
    validators?: number;
    chainId: number;
    gasLimit: string;
    /** QBFT: the block period and request timeout its genesis holds, "1/11" (seconds). */
    qbftTiming?: string;
}

/** A genesis's QBFT timing as QdataOptions shows it; undefined for other consensus. */
export function qbftTimingOf(genesis: GenesisConsensus | undefined): string | undefined {
    return genesis?.kind === "qbft"
        ? `${genesis.blockPeriodSeconds}/${genesis.requestTimeoutSeconds ?? "-"}`
        : undefined;
}

/**
 * The options the folder's member folders and first genesis show; undefined when it holds no
 * network. Throws NotPlainError, naming the path, when the genesis or a member folder is a link or
 * another odd entry, or the genesis is no Quorum genesis: nothing but a regular file is opened.
 */
export function qdataOptionsOf(dir: string): QdataOptions | undefined {
    const genesisPath = `${qdataFolderName(1)}/${GENESIS}`;
    const genesisFile = path.join(dir, genesisPath);
    if (!entryWithin(dir, genesisPath)) return undefined;
    const genesis = parsedGenesis(genesisFile, readPlainFile(dir, genesisPath).toString("utf8"));
    const consensus = readGenesisConsensus(genesisFile, genesis, []);
    const nodes = fs
        .readdirSync(dir)
        .filter((entry) => /^qdata_[1-9]\d*$/.test(entry) && isMemberFolder(dir, entry)).length;
    return {
        nodes,
        consensus: consensus?.kind ?? "raft",
        validators: consensus && consensus.kind !== "raft" ? consensus.validators.length : undefined,
        chainId: Number((genesis.config as { chainId?: unknown }).chainId),
        gasLimit: String(genesis.gasLimit ?? ""),
        qbftTiming: qbftTimingOf(consensus),
    };
}

function parsedGenesis(file: string, text: string): Record<string, unknown> & { config: Record<string, unknown> } {
    let genesis: unknown;
    try {
        genesis = JSON.parse(text);
    } catch {
        genesis = undefined;
    }
    if (!isRecord(genesis) || !isRecord(genesis.config))
        throw new NotPlainError(`${file}: must be a genesis with a config object; it is not one`);
    return genesis as Record<string, unknown> & { config: Record<string, unknown> };
}

/** A member folder counts only as a folder: a link or another entry under its name is refused, naming it. */
function isMemberFolder(dir: string, entry: string): boolean {
    const stats = fs.lstatSync(path.join(dir, entry));
    if (stats.isFile())
        throw new NotPlainError(`${path.join(dir, entry)}: is a file where a member folder is expected`);
    if (!stats.isDirectory()) throw new NotPlainError(notPlainMessage(path.join(dir, entry), stats));
    return true;
}

/** Each option the folder was made with that differs from the one asked for, as "--nodes 3 (asked 5)". */
export function differingOptions(existing: QdataOptions, wanted: QdataOptions): string[] {
    const shown = (options: QdataOptions) => ({
        "--nodes":
            options.validators !== undefined && options.validators !== options.nodes
                ? `${options.validators}+${options.nodes - options.validators}`
                : String(options.nodes),
        "--consensus": options.consensus,
        "--chain-id": String(options.chainId),
        "--gas-limit": options.gasLimit.toLowerCase(),
        "--block-period/--request-timeout": options.qbftTiming ?? "-",
    });
    const [had, asked] = [shown(existing), shown(wanted)];
    return (Object.keys(had) as (keyof typeof had)[])
        .filter((key) => had[key] !== asked[key])
        .map((key) => `${key} ${had[key]} (asked ${asked[key]})`);
}
