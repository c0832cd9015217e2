// The network's consensus, one family of types for every layer: what the stack config asks for
// (Consensus) and what a genesis block says (GenesisConsensus).

export const CONSENSUS_KINDS = ["raft", "ibft", "qbft"] as const;
export type ConsensusKind = (typeof CONSENSUS_KINDS)[number];

/**
 * IBFT and QBFT: the first `validators` nodes validate; blocks every `blockPeriod` s; rounds change
 * after `roundChangeTimerMs`; from block `ceil2Nby3Block` (the genesis's, absent when it sets none)
 * a block needs ceil(2N/3) commits instead of 2F+1.
 */
export interface BftConsensus {
    kind: "ibft" | "qbft";
    validators: number;
    blockPeriod: number;
    roundChangeTimerMs: number;
    ceil2Nby3Block?: number;
}

export type Consensus = { kind: "raft" } | BftConsensus;

/**
 * What a genesis says about consensus, validators as lower-case hex addresses without 0x: legacy
 * IBFT (config.istanbul, timing from geth flags) or QBFT (timing in the genesis, whole seconds).
 */
export type GenesisConsensus =
    | { kind: "raft" }
    | { kind: "ibft"; validators: string[]; ceil2Nby3Block?: number }
    | {
          kind: "qbft";
          validators: string[];
          blockPeriodSeconds: number;
          requestTimeoutSeconds?: number;
          ceil2Nby3Block?: number;
      };

/** The block from which a new chain's BFT quorum is ceil(2N/3): its first, so V = 2 or 3 never commits on one validator. */
export const NEW_CHAIN_CEIL_2N_BY_3_BLOCK = 0;

/** The genesis a network's consensus writes, once its validators (the first nodes) have addresses. */
export function genesisConsensusOf(consensus: Consensus, validatorAddresses: string[]): GenesisConsensus {
    switch (consensus.kind) {
        case "raft":
            return { kind: "raft" };
        case "ibft":
            return { kind: "ibft", validators: validatorAddresses, ceil2Nby3Block: NEW_CHAIN_CEIL_2N_BY_3_BLOCK };
        case "qbft":
            return {
                kind: "qbft",
                validators: validatorAddresses,
                blockPeriodSeconds: consensus.blockPeriod,
                requestTimeoutSeconds: Math.ceil(consensus.roundChangeTimerMs / 1000),
                ceil2Nby3Block: NEW_CHAIN_CEIL_2N_BY_3_BLOCK,
            };
    }
}

/** The stack's consensus with the commit formula its chain's genesis sets (the genesis, not the config, decides it). */
export function withGenesisQuorum(consensus: Consensus, genesis: GenesisConsensus): Consensus {
    if (consensus.kind === "raft" || genesis.kind === "raft" || genesis.ceil2Nby3Block === undefined) return consensus;
    return { ...consensus, ceil2Nby3Block: genesis.ceil2Nby3Block };
}

/** What the quorum rule needs of a consensus: Raft counts every member, IBFT/QBFT its validators and their commit formula. */
export type QuorumRule = { kind: "raft" } | { kind: "ibft" | "qbft"; validators: number; ceil2Nby3Block?: number };

/** How many validators a consensus has: none under Raft. */
export function validatorCount(consensus: QuorumRule): number {
    return consensus.kind === "raft" ? 0 : consensus.validators;
}

/** The stack's validators are its first V nodes, as quorum-tools' setup.sh --nodes V+N lays them out. */
export function isStackValidator(consensus: QuorumRule, index: number): boolean {
    return index >= 1 && index <= validatorCount(consensus);
}

/** Nodes 1..V: the stack's validators. */
export function stackValidatorIndexes(consensus: QuorumRule): number[] {
    return Array.from({ length: validatorCount(consensus) }, (_, i) => i + 1);
}

/** How many members the stack counts toward the chain's quorum: every Raft member, or the validators. */
export function stackCountedMembers(consensus: QuorumRule, nodeCount: number): number {
    return consensus.kind === "raft" ? nodeCount : consensus.validators;
}

/** More than half: a Raft majority, and the votes a validator change needs (tally > size/2). */
export function majorityOf(members: number): number {
    return Math.floor(members / 2) + 1;
}

/**
 * How many of `members` counted members the chain needs to go on, as GoQuorum 24.4.1 computes it:
 * Raft a majority; IBFT and QBFT alike (qbft/core/core.go and ibft/core/core.go QuorumSize)
 * ceil(2N/3) from the chain config's ceil2Nby3Block on, else 2F+1 with F = ceil(N/3) - 1
 * (validator/default.go).
 */
export function quorumSize(
    rule: Pick<QuorumRule, "kind"> & { ceil2Nby3Block?: number },
    members: number,
    height?: number,
): number {
    if (rule.kind === "raft") return majorityOf(members);
    if (members === 0) return 0;
    // ceil(2N/3) is never below 2F+1: the stricter one stands for a height not known.
    const ceil2Nby3 = rule.ceil2Nby3Block !== undefined && (height === undefined || height >= rule.ceil2Nby3Block);
    return ceil2Nby3 ? Math.ceil((2 * members) / 3) : 2 * (Math.ceil(members / 3) - 1) + 1;
}
