// The shared genesis of a qdata folder: which consensus it founds, whether the stack's consensus
// matches it, and go-ethereum's fork order (warned about, and repaired on request).
import * as fs from "fs";
import * as path from "path";
import { ConsensusKind } from "../model/consensus";
import { describeForkOrderProblem, forkOrderProblem, withMissingForks } from "../keys/forkOrder";
import { memberDir, readQdataFolder } from "./folder";
import { QdataFolder } from "../model/qdata";
import { GENESIS } from "../model/layout";

/** What the stack asks of a folder's genesis; validators 0 takes the genesis's count. */
export interface WantedConsensus {
    kind: ConsensusKind;
    validators: number;
}

/** The folder, read and checked against the stack's consensus; every problem is added to problems. */
export function checkedQdataFolder(
    root: string,
    nodeCount: number,
    wanted: WantedConsensus,
    problems: string[],
): QdataFolder | undefined {
    const folder = readQdataFolder(root, nodeCount, problems);
    if (!folder) return undefined;
    const mismatches = consensusProblems(root, folder, wanted);
    problems.push(...mismatches);
    return mismatches.length === 0 ? folder : undefined;
}

/**
 * The genesis must be of the configured kind, and an Istanbul genesis may name only the folder's
 * node keys as validators. Another `validators` count is reached by vote, from the genesis's set,
 * so that set must be the first nodes, as the stack counts validators.
 */
function consensusProblems(root: string, folder: QdataFolder, wanted: WantedConsensus): string[] {
    const genesisFile = path.join(memberDir(root, 1), GENESIS);
    if (folder.genesis.kind !== wanted.kind) {
        const kinds = {
            raft: "a Raft genesis (no Istanbul extraData)",
            ibft: "an Istanbul (IBFT) genesis",
            qbft: "a QBFT genesis",
        };
        return [
            `consensus: "${wanted.kind}", but ${genesisFile} is ${kinds[folder.genesis.kind]}; set consensus to ${folder.genesis.kind} or use a ${wanted.kind} qdata folder`,
        ];
    }
    if (folder.genesis.kind === "raft") return [];
    const named = folder.genesis.validators;
    const nodeAddresses = new Set(folder.nodes.map((node) => node.nodeAddress));
    const problems = named
        .filter((address) => !nodeAddresses.has(address))
        .map(
            (address) =>
                `${genesisFile}: validator 0x${address} is not the node key address of any of qdata_1..qdata_${folder.nodes.length}`,
        );
    const firstNodes = folder.nodes.slice(0, named.length).map((node) => node.nodeAddress);
    if (
        wanted.validators !== 0 &&
        wanted.validators !== named.length &&
        !named.every((address) => firstNodes.includes(address))
    ) {
        problems.push(
            `validators: ${wanted.validators}, but ${genesisFile} names ${named.length} validators that are not qdata_1..qdata_${named.length}; validators can change by vote only from a genesis set of the first nodes: leave validators unset`,
        );
    }
    return problems;
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
