// npm run qdata -- --nodes 5 --out ./qdata [--consensus raft|ibft|qbft] [--chain-id N] [--gas-limit 0x...]
//   [--block-period S] [--request-timeout S]
// Writes a complete qdata folder (quorum-tools layout) without Docker or geth. As setup.sh,
// `--consensus ibft --nodes 4+1` makes 4 validators and 1 non-validator; qbft (runtime goquorum)
// likewise, with its block period and request timeout in the genesis. A folder made with the same
// options is completed, its keys kept; one made with others is refused, naming them, unless
// --force replaces it. The account password comes from QDATA_PASSWORD (empty by default).
// npm run qdata -- --repair-genesis ./qdata enables the forks a quorum-tools genesis skips, so
// GoQuorum 2.6 and later accept it; each original is kept as genesis.json.orig.
import { exitOnHelp } from "../lib/cli";
import * as fs from "fs";
import * as path from "path";
import { Consensus, CONSENSUS_KINDS, validatorCount } from "../lib/model/consensus";
import { declaredDefault } from "../lib/config/declared";
import { MAX_NODES } from "../lib/model/network";
import { ensureGeneratedQdata } from "../lib/qdata/generate";
import { repairGenesisFiles } from "../lib/qdata/genesis";
import { differingOptions, qdataOptionsOf } from "../lib/qdata/madeWith";

const USAGE =
    "usage: npm run qdata -- --nodes 5 --out ./qdata [--consensus raft|ibft|qbft] [--chain-id N] [--gas-limit 0x2FEFD800] [--force]\n" +
    "  a folder made with other options is refused; --force replaces it, its keys lost\n" +
    "  with ibft or qbft, --nodes V+N makes V validators and N non-validators;\n" +
    "  qbft also takes --block-period S (default 1) and --request-timeout S (default block period + 10)\n" +
    "   or: npm run qdata -- --repair-genesis ./qdata";

interface Args {
    /** Replace a folder made with other options. */
    force: boolean;
    nodes: number;
    consensus: Consensus;
    out: string;
    chainId: number;
    gasLimit: string;
}

function seconds(text: string, option: string): number {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1 || value > 600) throw new Error(`${option} must be a whole number of seconds from 1 to 600`);
    return value;
}

function parseArgs(args: string[]): Args {
    const force = args.includes("--force");
    const argv = args.filter((arg) => arg !== "--force");
    const values = new Map<string, string>();
    for (let i = 0; i < argv.length; i += 2) {
        if (!argv[i].startsWith("--") || argv[i + 1] === undefined) throw new Error(`unexpected argument ${argv[i]}`);
        values.set(argv[i].slice(2), argv[i + 1]);
    }
    const unknown = [...values.keys()].filter((key) => !["nodes", "out", "consensus", "chain-id", "gas-limit", "block-period", "request-timeout"].includes(key));
    if (unknown.length > 0) throw new Error(`unknown option --${unknown[0]}`);
    const kind = CONSENSUS_KINDS.find((candidate) => candidate === (values.get("consensus") ?? String(declaredDefault("consensus"))));
    if (!kind) throw new Error(`--consensus must be one of ${CONSENSUS_KINDS.join(", ")}`);
    if (kind !== "qbft" && (values.has("block-period") || values.has("request-timeout"))) throw new Error("--block-period and --request-timeout go into a qbft genesis only");
    const nodesText = values.get("nodes") ?? String(declaredDefault("nodeCount"));
    const match = /^(\d+)(?:\+(\d+))?$/.exec(nodesText);
    const validators = Number(match?.[1]);
    const nodes = validators + Number(match?.[2] ?? 0);
    if (!match || validators < 1 || nodes > MAX_NODES || (kind === "raft" && match[2] !== undefined)) {
        throw new Error(`--nodes must be a whole number from 1 to ${MAX_NODES}${kind !== "raft" ? ", or V+N validators and non-validators" : ""}`);
    }
    const out = values.get("out");
    if (!out) throw new Error("--out <folder> is required");
    const chainId = Number(values.get("chain-id") ?? declaredDefault("chainId"));
    if (!Number.isSafeInteger(chainId) || chainId < 1) throw new Error("--chain-id must be a positive whole number");
    const gasLimit = values.get("gas-limit") ?? String(declaredDefault("gasLimit"));
    if (!/^0x[0-9a-fA-F]{1,16}$/.test(gasLimit)) throw new Error("--gas-limit must be a hex quantity such as 0x2FEFD800");
    const blockPeriod = seconds(values.get("block-period") ?? String(declaredDefault("blockPeriod")), "--block-period");
    const requestTimeout = seconds(values.get("request-timeout") ?? String(blockPeriod + 10), "--request-timeout");
    const consensus: Consensus = kind === "raft" ? { kind } : { kind, validators, blockPeriod, roundChangeTimerMs: requestTimeout * 1000 };
    return { force, nodes, consensus, out: path.resolve(out), chainId, gasLimit };
}

function repairGenesis(dir: string): void {
    const repairs = repairGenesisFiles(path.resolve(dir));
    if (repairs.length === 0) throw new Error(`${path.resolve(dir)} holds no qdata_1/ethereum/genesis.json`);
    for (const repair of repairs) {
        const change = repair.added.length > 0 ? `enabled ${repair.added.join(", ")} (original kept as genesis.json.orig)` : "already in go-ethereum's fork order";
        console.log(`qdata: ${repair.file}: ${change}`);
        if (repair.remaining) throw new Error(`${repair.file}: ${repair.remaining}; fix those blocks by hand`);
    }
}

/** A folder made with other options would become a mix of two networks: refused, or replaced with --force. */
function refuseAnotherNetwork(args: Args): void {
    const existing = qdataOptionsOf(args.out);
    if (!existing) return;
    const wanted = { nodes: args.nodes, consensus: args.consensus.kind, validators: validatorCount(args.consensus) || undefined, chainId: args.chainId, gasLimit: args.gasLimit };
    const differences = differingOptions(existing, wanted);
    if (differences.length === 0) return;
    if (!args.force) throw new Error(`${args.out} holds a network made with other options: ${differences.join(", ")}. Use another --out, or --force to replace it (its keys are lost)`);
    for (const entry of fs.readdirSync(args.out).filter((name) => /^qdata_\d+$/.test(name))) fs.rmSync(path.join(args.out, entry), { recursive: true });
    console.log(`qdata: --force: removed the network in ${args.out} (${differences.join(", ")})`);
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    if (argv[0] === "--repair-genesis") {
        if (argv.length !== 2) throw new Error(`--repair-genesis takes one folder\n${USAGE}`);
        return repairGenesis(argv[1]);
    }
    let args: Args;
    try {
        args = parseArgs(argv);
    } catch (error) {
        console.error(`qdata: ${(error as Error).message}\n${USAGE}`);
        process.exit(2);
    }
    refuseAnotherNetwork(args);
    const started = Date.now();
    await ensureGeneratedQdata({
        dir: args.out,
        nodeCount: args.nodes,
        consensus: args.consensus,
        password: process.env.QDATA_PASSWORD ?? "",
        chainId: args.chainId,
        gasLimit: args.gasLimit,
        onProgress: (line) => console.log(line),
    });
    const kind = args.consensus.kind === "raft" ? "Raft" : `${args.consensus.kind.toUpperCase()}, ${args.consensus.validators} validators`;
    console.log(`qdata: ${args.nodes} nodes (${kind}) in ${args.out} (${((Date.now() - started) / 1000).toFixed(1)} s); use it with: pulumi config set kaleido-quorum:qdataDir ${args.out}`);
}

exitOnHelp(process.argv, USAGE);
main().catch((error: Error) => {
    console.error(`qdata: ${error.message}`);
    process.exit(1);
});
