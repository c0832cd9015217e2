// npm run qdata -- --nodes 5 --out ./qdata [--chain-id N] [--gas-limit 0x...]
// Writes a complete qdata folder (quorum-tools layout) without Docker or geth. Existing keys in
// the folder are kept; the account password comes from QDATA_PASSWORD (empty by default).
import * as path from "path";
import { DEFAULTS, MAX_NODES } from "../lib/config";
import { ensureGeneratedQdata } from "../lib/keygen";

function parseArgs(argv: string[]): { nodes: number; out: string; chainId: number; gasLimit: string } {
    const values = new Map<string, string>();
    for (let i = 0; i < argv.length; i += 2) {
        if (!argv[i].startsWith("--") || argv[i + 1] === undefined) throw new Error(`unexpected argument ${argv[i]}`);
        values.set(argv[i].slice(2), argv[i + 1]);
    }
    const unknown = [...values.keys()].filter((key) => !["nodes", "out", "chain-id", "gas-limit"].includes(key));
    if (unknown.length > 0) throw new Error(`unknown option --${unknown[0]}`);
    const nodes = Number(values.get("nodes") ?? DEFAULTS.nodeCount);
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) throw new Error(`--nodes must be a whole number from 1 to ${MAX_NODES}`);
    const out = values.get("out");
    if (!out) throw new Error("--out <folder> is required");
    const chainId = Number(values.get("chain-id") ?? DEFAULTS.chainId);
    if (!Number.isSafeInteger(chainId) || chainId < 1) throw new Error("--chain-id must be a positive whole number");
    const gasLimit = values.get("gas-limit") ?? DEFAULTS.gasLimit;
    if (!/^0x[0-9a-fA-F]{1,16}$/.test(gasLimit)) throw new Error("--gas-limit must be a hex quantity such as 0x2FEFD800");
    return { nodes, out: path.resolve(out), chainId, gasLimit };
}

async function main(): Promise<void> {
    let args: ReturnType<typeof parseArgs>;
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (error) {
        console.error(`qdata: ${(error as Error).message}\nusage: npm run qdata -- --nodes 5 --out ./qdata [--chain-id N] [--gas-limit 0x2FEFD800]`);
        process.exit(2);
    }
    const started = Date.now();
    await ensureGeneratedQdata({
        dir: args.out,
        nodeCount: args.nodes,
        password: process.env.QDATA_PASSWORD ?? "",
        chainId: args.chainId,
        gasLimit: args.gasLimit,
        onProgress: (line) => console.log(line),
    });
    console.log(`qdata: ${args.nodes} nodes in ${args.out} (${((Date.now() - started) / 1000).toFixed(1)} s); set qdataDir to use it`);
}

main().catch((error: Error) => {
    console.error(`qdata: ${error.message}`);
    process.exit(1);
});
