// npm run backup -- --out DIR [--stack dev]     a copy of every member of the running network
// npm run backup -- --verify DIR                checks a backup's files against its manifest
// One member at a time: refused when taking one down would leave fewer than a Raft majority or a
// BFT quorum running. DIR gets qdata_0..qdata_N (a qdata folder, chain data included) and
// manifest.json: chain id, genesis hash, each node's head, a checksum a file.
import * as fs from "fs";
import * as path from "path";
import { verifyBackup } from "../../lib/backup/manifest";
import { Tool, ToolArgs, UsageError } from "../../lib/cli";
import { backupNetwork } from "./act";

const log = (line: string) => console.error(`backup: ${line}`);

function verify(dir: string): number {
    if (!fs.existsSync(dir))
        throw new UsageError(
            `--verify ${dir}: the folder does not exist (give the folder npm run backup -- --out wrote)`,
        );
    const problems = verifyBackup(dir);
    for (const problem of problems) log(problem);
    log(
        problems.length === 0
            ? `${dir} is whole: regular files and folders only, every file listed with its checksum, every member folder covered`
            : `${dir}: ${problems.length} problems`,
    );
    return problems.length === 0 ? 0 : 1;
}

async function run(args: ToolArgs): Promise<number> {
    const [verifyDir, out] = [args.option("verify"), args.option("out")];
    if (verifyDir && out) throw new UsageError("--out makes a backup, --verify checks one: give one of them");
    if (verifyDir) return verify(verifyDir);
    if (!out) throw new UsageError("--out DIR is required: a new folder for the backup");
    const outputs = args.stack();
    const dir = path.resolve(out);
    const manifest = await backupNetwork(outputs, args.stackName() ?? "(selected)", dir, log);
    const bytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
    log(
        `${manifest.members.length} members in ${dir}: ${manifest.files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB; check it with npm run backup -- --verify ${dir}`,
    );
    return 0;
}

const USAGE =
    "usage: npm run backup -- --out DIR [--stack NAME]   copies every member of the running network, one at a time\n   or: npm run backup -- --verify DIR              checks a backup's files against its manifest";

export const backupTool: Tool = { name: "backup", usage: USAGE, options: ["out", "stack", "verify"], run };
