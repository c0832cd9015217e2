// Each folder check of the hostile-files table runs in a child process under a time limit: a
// synchronous read of a FIFO blocks the whole process, so only a process that can be killed shows
// a hang as a failure. The child stays up between checks (ts-node compiles once) and is replaced
// after a hang. Run directly (fork), this file is the child. The children's temp directory is the
// checks' own, removed with its scope: a child killed mid-check leaves there what it had staged.
import { ChildProcess, execFileSync, fork } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { pipeline } from "stream/promises";
import { tempDir } from "./tempDir";

export type CheckName = "config" | "verify" | "stage" | "tar" | "clusterSeed" | "qdataOptions";

export interface CheckResult {
    outcome: "refused" | "accepted" | "crashed" | "hung";
    messages: string[];
}

/** A swap made after the folder was read and checked, before the cluster platform reads it again. */
export interface Swap {
    file: string;
    kind: "link" | "fifo" | "content" | "folderLink";
    target?: string;
}

interface Request {
    check: CheckName;
    args: Record<string, unknown>;
}

/** A refusal's lines: a ConfigError's problems, else the message. */
function linesOf(error: unknown): string[] {
    const problems = (error as { problems?: unknown }).problems;
    return Array.isArray(problems) ? problems.map(String) : [(error as Error).message];
}

async function runCheck({ check, args }: Request): Promise<CheckResult> {
    const text = (key: string) => String(args[key]);
    const refusedIfAny = (messages: string[]): CheckResult => ({
        outcome: messages.length > 0 ? "refused" : "accepted",
        messages,
    });
    switch (check) {
        case "config": {
            const { validateConfig } = await import("../../lib/config/validate");
            validateConfig(args.raw as Record<string, string>, { stack: "hostile", projectDir: text("projectDir") });
            return { outcome: "accepted", messages: [] };
        }
        case "verify":
            return refusedIfAny((await import("../../lib/backup/manifest")).verifyBackup(text("dir")));
        case "stage": {
            const { stageMember } = await import("../../operations/restore/stage");
            const { notRestored } = await import("../../operations/restore/plan");
            stageMember(text("root"), text("folder"), notRestored()).remove();
            return { outcome: "accepted", messages: [] };
        }
        case "tar": {
            const { PlainTarCheck } = await import("../../lib/files/plainTar");
            const sink = fs.createWriteStream("/dev/null");
            await pipeline(fs.createReadStream(text("archive")), new PlainTarCheck(text("archive")), sink);
            return { outcome: "accepted", messages: [] };
        }
        case "clusterSeed":
            return clusterSeed(text("root"), Number(args.nodeCount), args.swap as Swap | undefined);
        case "qdataOptions":
            (await import("../../lib/qdata/madeWith")).qdataOptionsOf(text("dir"));
            return { outcome: "accepted", messages: [] };
    }
}

/** The folder read and checked as a preview does, then swapped, then read by the cluster platform as `pulumi up` does. */
async function clusterSeed(root: string, nodeCount: number, swap: Swap | undefined): Promise<CheckResult> {
    const { readQdataFolder } = await import("../../lib/qdata/folder");
    const { memberSeed } = await import("../../components/kubernetes/seededClaim");
    const errors: string[] = [];
    const folder = readQdataFolder(root, nodeCount, errors);
    if (!folder) return { outcome: "crashed", messages: [`the untouched folder was refused: ${errors.join("; ")}`] };
    if (swap) swapEntry(path.join(root, swap.file), swap);
    memberSeed({ member: folder.nodes[0] });
    return { outcome: "accepted", messages: [] };
}

function swapEntry(full: string, swap: Swap): void {
    if (swap.kind === "content") {
        fs.appendFileSync(full, " ");
        return;
    }
    if (swap.kind === "folderLink") fs.renameSync(full, `${full}.moved`);
    else fs.rmSync(full, { recursive: true });
    if (swap.kind === "fifo") execFileSync("mkfifo", [full]);
    else fs.symlinkSync(swap.kind === "folderLink" ? `${full}.moved` : swap.target!, full);
}

/** The child's side: one check per message, its outcome sent back; anything but a refusal is a crash, stack included. */
function serve(): void {
    process.on("message", (request: Request) => {
        runCheck(request).then(
            (result) => process.send!(result),
            (error: unknown) => {
                const refusal =
                    error instanceof Error &&
                    ["ConfigError", "NotPlainError", "UserError"].includes(error.constructor.name);
                const crash = { outcome: "crashed", messages: [String((error as Error).stack ?? error)] };
                process.send!(refusal ? { outcome: "refused", messages: linesOf(error) } : crash);
            },
        );
    });
    process.send!("ready");
}

/** The parent's side: make it in a describe body or a before hook, for its children outlive a test. */
export class TimedChecks {
    private child?: ChildProcess;
    private ready?: Promise<ChildProcess>;
    private readonly temp = tempDir("checks");

    /** Runs one check, failing it as "hung" when it takes longer than `limitMs` (the child is then replaced). */
    async run(check: CheckName, args: Record<string, unknown>, limitMs = 5000): Promise<CheckResult> {
        const child = await this.start();
        return new Promise((resolve) => {
            const timer = setTimeout(() => {
                child.off("message", onMessage);
                this.stop();
                resolve({ outcome: "hung", messages: [`${check} took more than ${limitMs / 1000} s`] });
            }, limitMs);
            const onMessage = (result: CheckResult) => {
                clearTimeout(timer);
                resolve(result);
            };
            child.once("message", onMessage);
            child.send({ check, args });
        });
    }

    stop(): void {
        this.child?.kill("SIGKILL");
        this.child = undefined;
        this.ready = undefined;
    }

    private start(): Promise<ChildProcess> {
        this.ready ??= new Promise((resolve, reject) => {
            const child = fork(__filename, [], {
                env: { ...process.env, TMPDIR: this.temp },
                execArgv: ["-r", "ts-node/register/transpile-only"],
                stdio: ["ignore", "inherit", "inherit", "ipc"],
            });
            this.child = child;
            child.once("message", () => resolve(child));
            child.once("error", reject);
        });
        return this.ready;
    }
}

if (require.main === module) serve();
