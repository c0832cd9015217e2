// e2e: a 5-node up of the seed's config stopped halfway, by Ctrl-C (SIGINT) and by a crash
// (SIGKILL), each followed by the README's recovery (Interrupted runs).
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { expect, pulumiInterrupted, requireEnv, Step } from "./harness";
import { checkNetwork, checkNothingLeft, destroyLeavingNothing, DEV, hostFolder, NODE_FS, seedId } from "./network";
import { PROJECT, Stack, StackValues } from "./stack";

const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");

export function interruptedUpSteps(seedConfig: StackValues): Step[] {
    return [
        [
            "interrupted up: Ctrl-C (SIGINT) during a 5-node up, then the README's recovery",
            () => interruptedByCtrlC(seedConfig),
        ],
        [
            "interrupted up: SIGKILL (a crash) during a 5-node up, then the README's recovery, then destroy",
            interruptedByCrash,
        ],
    ];
}

/** Keeps the destroyed stack: the SIGKILL step ups it again. */
async function interruptedByCtrlC(seedConfig: StackValues): Promise<void> {
    const stack = new Stack("e2e-interrupted");
    await stack.init(seedConfig);
    await interruptAndRecover(stack, "SIGINT");
    await stack.cli("destroy", "--yes", "--skip-preview");
    checkNothingLeft(stack.name);
}

async function interruptedByCrash(): Promise<void> {
    const stack = new Stack("e2e-interrupted");
    await interruptAndRecover(stack, "SIGKILL");
    await destroyLeavingNothing(stack);
}

/** sha256 over every file below `dir`, by relative path. */
function treeHash(dir: string): string {
    const hash = crypto.createHash("sha256");
    for (const file of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
        const full = path.join(dir, file);
        if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
    }
    return hash.digest("hex");
}

/** `npm run up` as a user runs it: scripts/up.ts, which checks for a stale lock before pulumi up. */
function npmRunUp(stack: Stack): { status: number; stderr: string } {
    const result = spawnSync(
        "node",
        ["--require", "ts-node/register/transpile-only", "scripts/up.ts", "--yes", "--skip-preview"],
        { cwd: PROJECT, env: { ...process.env, STACK: stack.name }, encoding: "utf8" },
    );
    fs.appendFileSync(
        path.join(RUN_DIR, "logs", `pulumi-${stack.name}.log`),
        `\n$ npm run up\n${result.stdout}${result.stderr}`,
    );
    return { status: result.status ?? 1, stderr: result.stderr };
}

/**
 * A 5-node up interrupted by `signal` once two members are seeded, then the README's recovery
 * (Interrupted runs): npm run up, and if it reports a stale lock, the line it prints; then
 * refresh --clear-pending-creates and npm run up. Afterwards: a clean no-change preview, every pod
 * Ready, and nothing re-seeded, regenerated or wiped.
 */
async function interruptAndRecover(stack: Stack, signal: NodeJS.Signals): Promise<void> {
    const seeded = () =>
        [0, 1, 2, 3, 4, 5].filter((member) => fs.existsSync(path.join(hostFolder(member), ".kaleido-seed-id")));
    const interrupted = await pulumiInterrupted(
        PROJECT,
        path.join(RUN_DIR, "logs", `pulumi-${stack.name}.log`),
        ["up", "--yes", "--skip-preview", "--stack", stack.name],
        signal,
        () => seeded().length >= 2,
    );
    expect(interrupted.status !== 0, `pulumi up stopped by ${signal} reports failure`, interrupted.status);
    const keysDir = path.join(PROJECT, ".keys", stack.name);
    const keys = treeHash(keysDir);
    const seedsBefore = new Map(seeded().map((member) => [member, seedId(member)]));
    for (const member of seedsBefore.keys())
        fs.writeFileSync(
            path.join(hostFolder(member), member === 0 ? "chain-marker" : "ethereum/chain-marker"),
            "must survive",
        );

    let first = npmRunUp(stack);
    if (first.status !== 0 && first.stderr.includes("which no longer runs")) {
        expect(signal === "SIGKILL", "only a killed run leaves a stale lock", first.stderr);
        await stack.cli("cancel", "--yes");
        first = { status: 1, stderr: "" };
    }
    if (first.status !== 0) {
        await stack.cli("refresh", "--clear-pending-creates", "--yes", "--skip-preview");
        const second = npmRunUp(stack);
        expect(
            second.status === 0,
            "npm run up converges after the README's recovery",
            second.stderr.trim().split("\n").slice(-5).join("\n"),
        );
    }
    await stack.cli("preview", "--expect-no-changes");
    checkNetwork(5);
    expect(treeHash(keysDir) === keys, "no key was regenerated");
    for (const [member, id] of seedsBefore) {
        expect(seedId(member) === id, `qdata_${member} kept the seed it had before the interruption`);
        expect(
            fs.existsSync(path.join(hostFolder(member), member === 0 ? "chain-marker" : "ethereum/chain-marker")),
            `qdata_${member}'s data was not wiped`,
        );
    }
    const backups = fs
        .readdirSync(path.join(NODE_FS, DEV.hostRoot))
        .filter((entry) => entry.includes("before-kaleido-quorum"));
    expect(backups.length === 0, "no folder was moved aside", backups);
}
