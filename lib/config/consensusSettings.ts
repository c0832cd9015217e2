// The consensus keys: which consensus, and under IBFT/QBFT the validators and timing; under
// GoQuorum's Raft the block time.
import { Consensus, CONSENSUS_KINDS, ConsensusKind } from "../model/consensus";
import { QdataSource } from "../model/network";
import { Runtime } from "../runtime/runtime";
import { ALL_RUNTIMES } from "../runtime/runtimes";
import { ValueReader } from "./values";

const BFT_ONLY_KEYS = ["validators", "blockPeriod", "roundChangeTimer"] as const;

/** The keys as the stack sets them, before a qdata folder's genesis has its say. */
export interface ConsensusSettings {
    kind: ConsensusKind;
    /** 0: every node, or as many as a qdata folder's genesis names. */
    validators: number;
    blockPeriod: number;
    roundChangeTimerMs: number;
    raftBlockTimeMs: number;
}

export function readConsensusSettings(reader: ValueReader, nodeCount: number, runtime: Runtime): ConsensusSettings {
    const kind = reader.oneOf("consensus", CONSENSUS_KINDS);
    if (kind === "raft") {
        for (const key of BFT_ONLY_KEYS)
            if (reader.differsFromDefault(key))
                reader.problems.push(
                    `${key}: only used with consensus ibft or qbft; remove it or set consensus to ibft or qbft`,
                );
    } else if (runtime.stackKeys.includes("raftBlockTime") && reader.differsFromDefault("raftBlockTime")) {
        // Under a runtime without the key, the runtime check names it already.
        reader.problems.push("raftBlockTime: only used with consensus raft; remove it or set consensus to raft");
    }
    if (!runtime.consensusKinds.includes(kind)) reader.problems.push(consensusNotRun(kind, runtime));
    const blockPeriod = reader.integer("blockPeriod", 1, 60);
    const roundChangeTimer = reader.integer("roundChangeTimer", 0, 600_000);
    return {
        kind,
        validators: reader.integer("validators", 0, nodeCount),
        raftBlockTimeMs: reader.integer("raftBlockTime", 1, 10_000),
        blockPeriod,
        // setup.sh's default: ten seconds more than a block period.
        roundChangeTimerMs: roundChangeTimer === 0 ? (blockPeriod + 10) * 1000 : roundChangeTimer,
    };
}

function consensusNotRun(kind: ConsensusKind, runtime: Runtime): string {
    const runners = ALL_RUNTIMES.filter((other) => other.consensusKinds.includes(kind))
        .map((other) => other.kind)
        .join(" or ");
    const runs = runtime.consensusKinds;
    return `consensus: "${kind}" needs runtime ${runners} (runtime ${runtime.kind}, ${runtime.describedAs}, runs ${runs.join(" and ")} only); set runtime to ${runners} or pick ${runs.join(" or ")}`;
}

/**
 * `validators` when set (a running network votes its way there); unset, the folder's genesis's
 * count when there is one, else every node.
 */
export function resolveConsensus(settings: ConsensusSettings, qdata: QdataSource, nodeCount: number): Consensus {
    if (settings.kind === "raft") return { kind: "raft" };
    const genesis = qdata.kind === "folder" ? qdata.folder.genesis : undefined;
    const fromGenesis = genesis && genesis.kind !== "raft" ? genesis.validators.length : 0;
    const validators = settings.validators || fromGenesis || nodeCount;
    // A QBFT genesis carries its block period; geth reads it from there, not from config.
    const blockPeriod = genesis?.kind === "qbft" ? genesis.blockPeriodSeconds : settings.blockPeriod;
    return { kind: settings.kind, validators, blockPeriod, roundChangeTimerMs: settings.roundChangeTimerMs };
}
