// What the e2e scenario needs to drive the Pulumi CLI and read the cluster with kubectl.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface CommandResult {
    status: number;
    output: string;
}

export function requireEnv(name: string): string {
    const value = process.env[name];
    if (!value)
        throw new Error(
            `${name} is not set: run the scenario through 'npm run e2e' (or source the cluster's env file)`,
        );
    return value;
}

export class E2eFailure extends Error {}

export function expect(condition: boolean, what: string, detail?: unknown): void {
    if (!condition)
        throw new E2eFailure(
            detail === undefined ? what : `${what}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`,
        );
}

/** kubectl against the e2e cluster; throws on failure. */
export function kubectl(...args: string[]): string {
    const result = spawnSync("kubectl", args, { encoding: "utf8" });
    if (result.status !== 0) throw new E2eFailure(`kubectl ${args.join(" ")} failed: ${result.stderr.trim()}`);
    return result.stdout;
}

export interface KubeObject {
    metadata: {
        name: string;
        uid?: string;
        namespace?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
    };
    spec?: Record<string, unknown>;
    status?: Record<string, unknown>;
}

export function kubectlList(...args: string[]): KubeObject[] {
    return (JSON.parse(kubectl("get", ...args, "-o", "json")) as { items: KubeObject[] }).items;
}

const TIMED_COMMANDS = ["preview", "up", "refresh", "destroy"];

/**
 * Runs the Pulumi CLI in the project copy, logging everything to `logFile` and printing a progress
 * line every 15 s, since an `up` of 50 nodes runs for minutes.
 */
export function pulumi(projectDir: string, logFile: string, args: string[]): Promise<CommandResult> {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const log = fs.openSync(logFile, "a");
    fs.writeSync(log, `\n$ pulumi ${args.join(" ")}\n`);
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", [...args, "--non-interactive"], {
            cwd: projectDir,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        let lastLine = "";
        const started = Date.now();
        const onData = (chunk: Buffer) => {
            const text = chunk.toString();
            output += text;
            fs.writeSync(log, text);
            lastLine = text.trim().split("\n").pop() ?? lastLine;
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        const ticker = setInterval(() => {
            const seconds = Math.round((Date.now() - started) / 1000);
            process.stdout.write(`    … pulumi ${args[0]}: ${seconds}s, ${lastLine.slice(0, 100)}\n`);
        }, 15_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearInterval(ticker);
            fs.closeSync(log);
            // The engine's own time for the commands the performance figures are about.
            if (TIMED_COMMANDS.includes(args[0])) {
                const at = args.indexOf("--stack");
                const stack = at >= 0 ? args[at + 1] : "";
                process.stdout.write(
                    `    pulumi ${args[0]} ${stack}: ${((Date.now() - started) / 1000).toFixed(1)}s${code === 0 ? "" : " (failed)"}\n`,
                );
            }
            resolve({ status: code ?? 1, output });
        });
    });
}

/**
 * Starts the Pulumi CLI in its own session and process group and, once `when` holds (polled every
 * 200 ms), sends `signal` as a terminal's Ctrl-C (SIGINT) reaches it: to the CLI's process group.
 * SIGKILL, a crash or a stopped CI runner, goes to the whole session: the language host and the
 * providers run in process groups of their own, and a killed CLI would leave them spinning.
 * Resolves when the CLI ends.
 */
export function pulumiInterrupted(
    projectDir: string,
    logFile: string,
    args: string[],
    signal: NodeJS.Signals,
    when: () => boolean,
): Promise<CommandResult> {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const log = fs.openSync(logFile, "a");
    fs.writeSync(log, `\n$ pulumi ${args.join(" ")}   (${signal} when ready)\n`);
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", [...args, "--non-interactive"], {
            cwd: projectDir,
            stdio: ["ignore", log, log],
            detached: true,
        });
        const watcher = setInterval(() => {
            if (!when()) return;
            clearInterval(watcher);
            if (child.pid === undefined) return;
            if (signal === "SIGKILL") spawnSync("pkill", ["-KILL", "-s", String(child.pid)]);
            else process.kill(-child.pid, signal);
        }, 200);
        child.on("error", reject);
        child.on("close", (code) => {
            clearInterval(watcher);
            // Nothing of the run may outlive it into the next steps.
            if (child.pid !== undefined) spawnSync("pkill", ["-KILL", "-s", String(child.pid)]);
            fs.closeSync(log);
            resolve({ status: code ?? 1, output: fs.readFileSync(logFile, "utf8") });
        });
    });
}

/** Waits until `probe` returns true, once a second, up to `seconds`. */
export async function waitUntil(what: string, seconds: number, probe: () => boolean): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        if (probe()) return;
        if (Date.now() > deadline) throw new E2eFailure(`${what} did not happen within ${seconds}s`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }
}

/** A step of the scenario: its name, which E2E_ONLY matches, and what it runs. */
export type Step = [string, () => Promise<void>];

export interface StepTiming {
    /** 1-based, as the step lines number it. */
    number: number;
    name: string;
    seconds: number;
}

/** The step times as a table, slowest first: where an e2e run's minutes go. */
export function stepTable(timings: StepTiming[]): string {
    const total = timings.reduce((sum, timing) => sum + timing.seconds, 0);
    const short = (name: string) => (name.length > 70 ? `${name.slice(0, 69)}…` : name);
    const rows = [...timings]
        .sort((a, b) => b.seconds - a.seconds)
        .map(
            (t) =>
                `| ${t.number} | ${short(t.name.split(/[:;]/)[0])} | ${t.seconds.toFixed(1)} | ${((100 * t.seconds) / total).toFixed(0)}% |`,
        );
    return [
        "| step | what | seconds | share |",
        "|---|---|---|---|",
        ...rows,
        `| | all steps | ${total.toFixed(1)} | 100% |`,
    ].join("\n");
}

/**
 * Runs the steps in order, one line each with its wall time; stops at the first failure. While
 * working on one part, E2E_ONLY (a regular expression) runs only the steps whose names match: steps
 * that continue a stack need the ones before them.
 */
export async function runSteps(steps: Step[]): Promise<StepTiming[]> {
    const timings: StepTiming[] = [];
    const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : undefined;
    for (const [index, [name, body]] of steps.entries()) {
        if (only && !only.test(name)) {
            process.stdout.write(`e2e: step ${index + 1}/${steps.length} skipped (E2E_ONLY): ${name}\n`);
            continue;
        }
        const started = Date.now();
        process.stdout.write(`e2e: step ${index + 1}/${steps.length} ${name} …\n`);
        try {
            await body();
        } catch (error) {
            const seconds = (Date.now() - started) / 1000;
            process.stdout.write(`e2e: ✘ step ${index + 1} ${name} failed after ${seconds.toFixed(1)}s\n`);
            process.stdout.write(`e2e: ${index} passed, 1 failed, ${steps.length - index - 1} skipped\n`);
            throw error;
        }
        const seconds = (Date.now() - started) / 1000;
        timings.push({ number: index + 1, name, seconds });
        process.stdout.write(`e2e: ✔ step ${index + 1} ${name} (${seconds.toFixed(1)}s)\n`);
    }
    process.stdout.write(`e2e: ${steps.length} passed, 0 failed\n`);
    return timings;
}
