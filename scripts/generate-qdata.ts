// npm run qdata -- --nodes 5 --out ./qdata [--consensus raft|ibft|qbft] [--chain-id N] [--gas-limit 0x...]
//   [--block-period S] [--request-timeout S]
// Writes a complete qdata folder (quorum-tools layout) without Docker or geth. As setup.sh,
// `--consensus ibft --nodes 4+1` makes 4 validators and 1 non-validator; qbft (runtime goquorum)
// likewise, with its block period and request timeout in the genesis. A folder made with the same
// options is completed, its keys kept; one made with others is refused, naming them, unless
// --force replaces it. The account password comes from QDATA_PASSWORD (empty by default).
// npm run qdata -- --repair-genesis ./qdata enables the forks a quorum-tools genesis skips, so
// GoQuorum 2.6 and later accept it; each original is kept as genesis.json.orig.
import * as fs from "fs";
import * as path from "path";
import { runTool, ToolArgs, UsageError } from "../lib/cli";
import { declaredDefault } from "../lib/config/declared";
import { ConfigError, validateConfig } from "../lib/config/validate";
import { RawConfig } from "../lib/config/values";
import { Consensus, genesisConsensusOf, validatorCount } from "../lib/model/consensus";
import { NetworkConfig } from "../lib/model/network";
import { ensureGeneratedQdata } from "../lib/qdata/generate";
import { repairGenesisFiles } from "../lib/qdata/genesis";
import { differingOptions, qbftTimingOf, qdataOptionsOf } from "../lib/qdata/madeWith";

const USAGE =
    "usage: npm run qdata -- --nodes 5 --out ./qdata [--consensus raft|ibft|qbft] [--chain-id N] [--gas-limit 0x2FEFD800] [--force]\n" +
    "  a folder made with other options is refused; --force replaces it, its keys lost\n" +
    "  with ibft or qbft, --nodes V+N makes V validators and N non-validators;\n" +
    "  qbft also takes --block-period S and --request-timeout S (defaults: the stack keys blockPeriod and roundChangeTimer)\n" +
    "  the accounts' password is $QDATA_PASSWORD (default: none)\n" +
    "   or: npm run qdata -- --repair-genesis ./qdata";

interface Args {
    /** Replace a folder made with other options. */
    force: boolean;
    nodes: number;
    consensus: Consensus;
    out: string;
    chainId: number;
    gasLimit: string;
    /** The options given (others took their defaults), by name without "--". */
    given: string[];
}

const PROJECT_DIR = path.join(__dirname, "..");

/** Each option is the stack key of the same meaning, and is checked by the program's own rules. */
const OPTION_KEYS: Record<string, string> = {
    nodes: "nodeCount",
    consensus: "consensus",
    "chain-id": "chainId",
    "gas-limit": "gasLimit",
    "block-period": "blockPeriod",
    "request-timeout": "roundChangeTimer",
};

/** The options as stack config: --nodes V+N is V validators of V+N nodes; --request-timeout is in seconds, roundChangeTimer in ms. */
function asStackConfig(args: ToolArgs): RawConfig {
    const raw: RawConfig = {};
    for (const [option, key] of Object.entries(OPTION_KEYS)) {
        const value = args.option(option);
        if (value !== undefined) raw[key] = value;
    }
    const split = /^(\d+)\+(\d+)$/.exec(args.option("nodes") ?? "");
    if (split) Object.assign(raw, { nodeCount: String(Number(split[1]) + Number(split[2])), validators: split[1] });
    const timeout = args.option("request-timeout");
    if (timeout !== undefined) raw.roundChangeTimer = /^\d+$/.test(timeout) ? String(Number(timeout) * 1000) : timeout;
    return raw;
}

/** A stack key in a problem, named as the option the user typed. */
function inOptionWords(problem: string): string {
    const [option] = Object.entries(OPTION_KEYS).find(([, key]) => problem.startsWith(`${key}:`)) ?? [];
    if (problem.startsWith("validators:")) return `--nodes V+N (the stack key ${problem})`;
    const unit = option === "request-timeout" ? ", in ms: the option is in seconds" : "";
    return option
        ? `--${option} (the stack key ${problem.split(":")[0]}${unit}):${problem.slice(problem.indexOf(":") + 1)}`
        : problem;
}

function parseArgs(args: ToolArgs): Args {
    const out = args.option("out");
    if (!out) throw new UsageError("--out <folder> is required");
    const given = asStackConfig(args);
    // Before the config's rules, whose advice (ibft or qbft) fits a stack: only a qbft genesis holds them.
    if ((given.consensus ?? declaredDefault("consensus")) !== "qbft" && (given.blockPeriod || given.roundChangeTimer))
        throw new UsageError("--block-period and --request-timeout go into a qbft genesis only");
    let config: NetworkConfig;
    try {
        config = validateConfig(given, { stack: "qdata", projectDir: PROJECT_DIR });
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw new UsageError(error.problems.map(inOptionWords).join("; "));
    }
    return {
        force: args.flag("force"),
        nodes: config.nodeCount,
        consensus: config.consensus,
        out: path.resolve(out),
        chainId: Number(given.chainId ?? declaredDefault("chainId")),
        gasLimit: String(given.gasLimit ?? declaredDefault("gasLimit")),
        given: Object.keys(OPTION_KEYS).filter((option) => args.option(option) !== undefined),
    };
}

function repairGenesis(dir: string): void {
    const repairs = repairGenesisFiles(path.resolve(dir));
    if (repairs.length === 0) throw new Error(`${path.resolve(dir)} holds no qdata_1/ethereum/genesis.json`);
    for (const repair of repairs) {
        const change =
            repair.added.length > 0
                ? `enabled ${repair.added.join(", ")} (original kept as genesis.json.orig)`
                : "already in go-ethereum's fork order";
        console.log(`qdata: ${repair.file}: ${change}`);
        if (repair.remaining) throw new Error(`${repair.file}: ${repair.remaining}; fix those blocks by hand`);
    }
}

/** A difference in options the user did not give is between the folder and a default, not what was asked: "(default raft)". */
function askedOrDefault(difference: string, given: string[]): string {
    const options = difference.split(" ")[0].split("/");
    return options.some((option) => given.includes(option.replace(/^--/, "")))
        ? difference
        : difference.replace(" (asked ", " (default ");
}

/** A folder made with other options would become a mix of two networks: refused, or replaced with --force. */
function refuseAnotherNetwork(args: Args): void {
    const existing = qdataOptionsOf(args.out);
    if (!existing) return;
    const timing = qbftTimingOf(genesisConsensusOf(args.consensus, []));
    const wanted = {
        nodes: args.nodes,
        consensus: args.consensus.kind,
        validators: validatorCount(args.consensus) || undefined,
        chainId: args.chainId,
        gasLimit: args.gasLimit,
        qbftTiming: timing,
    };
    const differences = differingOptions(existing, wanted).map((difference) => askedOrDefault(difference, args.given));
    if (differences.length === 0) return;
    if (!args.force)
        throw new Error(
            `${args.out} holds a network made with other options: ${differences.join(", ")}. Use another --out, or --force to replace it (its keys are lost)`,
        );
    for (const entry of fs.readdirSync(args.out).filter((name) => /^qdata_\d+$/.test(name)))
        fs.rmSync(path.join(args.out, entry), { recursive: true });
    console.log(`qdata: --force: removed the network in ${args.out} (${differences.join(", ")})`);
}

async function run(args: ToolArgs): Promise<number> {
    const repair = args.option("repair-genesis");
    if (repair !== undefined) {
        repairGenesis(repair);
        return 0;
    }
    const options = parseArgs(args);
    refuseAnotherNetwork(options);
    const started = Date.now();
    await ensureGeneratedQdata({
        dir: options.out,
        nodeCount: options.nodes,
        consensus: options.consensus,
        password: process.env.QDATA_PASSWORD ?? "",
        chainId: options.chainId,
        gasLimit: options.gasLimit,
        onProgress: (line) => console.log(line),
    });
    const kind =
        options.consensus.kind === "raft"
            ? "Raft"
            : `${options.consensus.kind.toUpperCase()}, ${options.consensus.validators} validators`;
    const nodes = `${options.nodes} node${options.nodes === 1 ? "" : "s"}`;
    console.log(
        `qdata: ${nodes} (${kind}) in ${options.out} (${((Date.now() - started) / 1000).toFixed(1)} s); use it with: pulumi config set kaleido-quorum:qdataDir ${options.out}`,
    );
    return 0;
}

runTool({
    name: "qdata",
    usage: USAGE,
    options: [...Object.keys(OPTION_KEYS), "out", "repair-genesis"],
    flags: ["force"],
    run,
});
