// The e2e's kubectl wrapper (test/e2e/shims) first on PATH while `body` runs: kwok pods run no
// process, so geth console calls into them reach the fake nodes that `routing` names.
import { spawnSync } from "child_process";
import * as path from "path";

export async function withKubectlShim(routing: Record<string, string>, body: () => Promise<void>): Promise<void> {
    const realKubectl = spawnSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).stdout.trim();
    const saved = process.env.PATH;
    Object.assign(process.env, { PATH: `${path.join(__dirname, "shims")}${path.delimiter}${saved}`, E2E_REAL_KUBECTL: realKubectl, ...routing });
    try {
        await body();
    } finally {
        process.env.PATH = saved;
        for (const key of Object.keys(routing)) delete process.env[key];
    }
}
