// The network's consensus, one family of types for every layer: what the stack config asks for
// (Consensus) and what a genesis block says (GenesisConsensus).

export const CONSENSUS_KINDS = ["raft", "ibft", "qbft"] as const;
export type ConsensusKind = (typeof CONSENSUS_KINDS)[number];

/** IBFT and QBFT: the first `validators` nodes validate; blocks every `blockPeriod` s; rounds change after `roundChangeTimerMs`. */
export interface BftConsensus {
    kind: "ibft" | "qbft";
    validators: number;
    blockPeriod: number;
    roundChangeTimerMs: number;
}

export type Consensus = { kind: "raft" } | BftConsensus;

/**
 * What a genesis says about consensus, validators as lower-case hex addresses without 0x: legacy
 * IBFT (config.istanbul, timing from geth flags) or QBFT (timing in the genesis, whole seconds).
 */
export type GenesisConsensus =
    | { kind: "raft" }
    | { kind: "ibft"; validators: string[] }
    | { kind: "qbft"; validators: string[]; blockPeriodSeconds: number; requestTimeoutSeconds?: number };

/** The genesis a network's consensus writes, once its validators (the first nodes) have addresses. */
export function genesisConsensusOf(consensus: Consensus, validatorAddresses: string[]): GenesisConsensus {
    switch (consensus.kind) {
        case "raft":
            return { kind: "raft" };
        case "ibft":
            return { kind: "ibft", validators: validatorAddresses };
        case "qbft":
            return { kind: "qbft", validators: validatorAddresses, blockPeriodSeconds: consensus.blockPeriod, requestTimeoutSeconds: Math.ceil(consensus.roundChangeTimerMs / 1000) };
    }
}

/** What the quorum rule needs of a consensus: Raft counts every member, IBFT/QBFT its validators. */
export type QuorumRule = { kind: "raft" } | { kind: "ibft" | "qbft"; validators: number };

/** How many validators a consensus has: none under Raft. */
export function validatorCount(consensus: QuorumRule): number {
    return consensus.kind === "raft" ? 0 : consensus.validators;
}

/** More than half: a Raft majority, and the votes a validator change needs. */
export function majorityOf(members: number): number {
    return Math.floor(members / 2) + 1;
}

/** IBFT/QBFT: the 2F+1 of V validators that commit blocks, F = floor((V - 1) / 3). */
export function bftQuorum(validators: number): number {
    return validators - Math.floor((validators - 1) / 3);
}
