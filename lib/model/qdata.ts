// A qdata folder as read: each member's files and identity, and what its genesis says.
import { GenesisConsensus } from "./consensus";

/** One member's files in the local qdata folder. */
export interface QdataMember {
    /** Bootnode = 0, nodes = 1..N. */
    index: number;
    sourceDir: string;
    /** Paths relative to sourceDir, in the layout's order. */
    files: string[];
    enodeId: string;
    /** Address of the node key: what an Istanbul genesis names as a validator. */
    nodeAddress: string;
    /** sha256 over the files' paths and bytes: changes whenever anything copied changes. */
    contentHash: string;
}

export interface QdataFolder {
    bootnode: QdataMember;
    nodes: QdataMember[];
    genesis: GenesisConsensus;
    /** Set when the genesis breaks go-ethereum's fork order (quorum-tools' setup.sh Raft genesis does). */
    forkOrder?: ForkOrderProblem;
}

/** Why a chain config breaks the rule, worded as geth words its refusal. */
export type ForkOrderProblem =
    | { kind: "missing"; missing: string; enabled: string; at: number }
    | { kind: "later"; earlier: string; earlierAt: number; enabled: string; at: number };
