// What an existing qdata folder was made with (nodes, consensus, validators, chain id, gas limit,
// QBFT's timing), read from its folders and genesis, so `npm run qdata` never turns it into
// another network.
import * as fs from "fs";
import * as path from "path";
import { Consensus, GenesisConsensus } from "../model/consensus";
import { memberDir, readGenesisConsensus } from "./folder";
import { GENESIS } from "../model/layout";

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
    return genesis?.kind === "qbft" ? `${genesis.blockPeriodSeconds}/${genesis.requestTimeoutSeconds ?? "-"}` : undefined;
}

/** The options the folder's member folders and first genesis show; undefined when it holds no network. */
export function qdataOptionsOf(dir: string): QdataOptions | undefined {
    const genesisFile = path.join(memberDir(dir, 1), GENESIS);
    if (!fs.existsSync(genesisFile)) return undefined;
    const genesis = JSON.parse(fs.readFileSync(genesisFile, "utf8")) as Record<string, unknown> & { config?: { chainId?: number }; gasLimit?: string };
    const consensus = readGenesisConsensus(genesisFile, genesis, []);
    const nodes = fs.readdirSync(dir).filter((entry) => /^qdata_[1-9]\d*$/.test(entry)).length;
    return {
        nodes,
        consensus: consensus?.kind ?? "raft",
        validators: consensus && consensus.kind !== "raft" ? consensus.validators.length : undefined,
        chainId: Number(genesis.config?.chainId),
        gasLimit: String(genesis.gasLimit ?? ""),
        qbftTiming: qbftTimingOf(consensus),
    };
}

/** Each option the folder was made with that differs from the one asked for, as "--nodes 3 (asked 5)". */
export function differingOptions(existing: QdataOptions, wanted: QdataOptions): string[] {
    const shown = (options: QdataOptions) => ({
        "--nodes": options.validators !== undefined && options.validators !== options.nodes ? `${options.validators}+${options.nodes - options.validators}` : String(options.nodes),
        "--consensus": options.consensus,
        "--chain-id": String(options.chainId),
        "--gas-limit": options.gasLimit.toLowerCase(),
        "--block-period/--request-timeout": options.qbftTiming ?? "-",
    });
    const [had, asked] = [shown(existing), shown(wanted)];
    return (Object.keys(had) as (keyof typeof had)[]).filter((key) => had[key] !== asked[key]).map((key) => `${key} ${had[key]} (asked ${asked[key]})`);
}
