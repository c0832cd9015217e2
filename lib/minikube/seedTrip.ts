// The minikube seed's side on this machine: every member of the plan staged from its local folder
// (only regular files: plainFiles never follows a link nor opens a FIFO or device), packed with
// node-seed.sh into one archive, copied to the node with one `minikube cp`, and laid by one
// `minikube ssh` running node-seed-all.sh. However many members, two minikube calls (a third,
// removing the run's files from the node, only after a failure). The staged copy holds keys:
// owner-only, removed once copied and on every path. Messages name paths, never a file's bytes.
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { copyPlainFile, kindOf, NotPlainError } from "../files/plainFiles";
import { PlannedMember, SeedPlan } from "./seedPlan";

/** The scripts the node runs, from the project's scripts folder. */
export interface NodeScripts {
    /** node-seed.sh's path: it travels in the archive. */
    nodeSeed: string;
    /** node-seed-all.sh's text: it travels in the ssh command line, as data. */
    runAll: string;
}

/** A refusal or failure of one member, named by it: the run stops before anything reaches the node. */
export class SeedRefusal extends Error {}

/**
 * Lays the plan's members on its minikube profile's node, saying what it copies to `log`; the
 * node's lines go to this process's stdout and stderr. Rejects naming what failed (SeedRefusal:
 * before anything reached the node); `stop` ends it, killing a running minikube.
 */
export async function seedOnNode(
    plan: SeedPlan,
    scripts: NodeScripts,
    log: (line: string) => void,
    stop: AbortSignal,
): Promise<void> {
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), "kaleido-quorum-seed-"));
    try {
        const files = plan.members.reduce((count, member) => count + stageMember(stage, member, plan.texts), 0);
        const archive = packRun(stage, plan.members, scripts.nodeSeed);
        // Names of this run alone on the node: two stacks' ups may seed at once.
        const remote = `/tmp/kaleido-quorum-seed-${crypto.randomBytes(8).toString("hex")}`;
        const members = plan.members.flatMap((member) => [member.name, member.seedId, member.targetDir]);
        const runAll = [
            "sudo",
            "sh",
            "-c",
            scripts.runAll,
            "node-seed-all",
            `${remote}.tar`,
            remote,
            plan.owner,
            ...members,
        ];
        log(
            `seed-qdata: copying ${files} files of ${plan.members.length} members to ${destination(plan)} in one archive`,
        );
        try {
            await minikube(plan.profile, ["cp", archive, `${remote}.tar`], "ignore", stop);
            // Copied: the keys leave this machine's disk before the node's longer part.
            fs.rmSync(stage, { recursive: true, force: true });
            await minikube(plan.profile, ["ssh", "--", remoteCommand(runAll)], "inherit", stop);
        } catch (error) {
            // node-seed-all.sh removes them on every path once it runs; this when it never got to.
            const cleanUp = ["ssh", "--", remoteCommand(["sudo", "rm", "-rf", `${remote}.tar`, remote])];
            if (!stop.aborted) await minikube(plan.profile, cleanUp, "ignore", stop).catch(() => undefined);
            throw error;
        }
    } finally {
        fs.rmSync(stage, { recursive: true, force: true });
    }
}

/** profile:folder when the members' folders share one (hostPathRoot), else the profile. */
function destination(plan: SeedPlan): string {
    const roots = new Set(plan.members.map((member) => path.posix.dirname(member.targetDir)));
    return roots.size === 1 ? `${plan.profile}:${[...roots][0]}` : plan.profile;
}

/**
 * The member's files under stage/NAME: its chain identity under chain/, its peer list under peers/
 * (node-seed.sh treats them apart), each with its mode, folders owner-only. Returns the count.
 */
function stageMember(stage: string, member: PlannedMember, texts: readonly string[]): number {
    const source = member.sourceDir;
    const stats = fs.lstatSync(source, { throwIfNoEntry: false });
    if (!stats) throw new SeedRefusal(`seed-qdata[${member.name}]: source folder ${source} does not exist`);
    if (stats.isSymbolicLink())
        throw new SeedRefusal(
            `seed-qdata[${member.name}]: source folder ${source} is a symbolic link; a link is never followed: name the folder itself`,
        );
    if (!stats.isDirectory())
        throw new SeedRefusal(`seed-qdata[${member.name}]: source folder ${source} is ${kindOf(stats)}, not a folder`);
    const parts = { chain: path.join(stage, member.name, "chain"), peers: path.join(stage, member.name, "peers") };
    for (const part of Object.values(parts)) fs.mkdirSync(part, { recursive: true, mode: 0o700 });
    for (const file of member.files) {
        const part = file.role === "peers" ? parts.peers : parts.chain;
        const laid = path.join(part, file.path);
        try {
            if (file.text === undefined) copyPlainFile(source, file.path, part);
            else writeNew(laid, texts[file.text]);
        } catch (error) {
            if (error instanceof NotPlainError) throw new SeedRefusal(`seed-qdata[${member.name}]: ${error.message}`);
            throw error;
        }
        fs.chmodSync(laid, file.mode);
    }
    return member.files.length;
}

function writeNew(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, text, { mode: 0o600, flag: "wx" });
}

/** stage/seed.tar: node-seed.sh and NAME.tar of each member's chain/ and peers/; what it packs goes. */
function packRun(stage: string, members: readonly PlannedMember[], nodeSeed: string): string {
    const pack = path.join(stage, "pack");
    fs.mkdirSync(pack, { mode: 0o700 });
    fs.copyFileSync(nodeSeed, path.join(pack, "node-seed.sh"));
    for (const member of members) {
        tar(["-cf", path.join(pack, `${member.name}.tar`), "-C", path.join(stage, member.name), "chain", "peers"]);
        fs.rmSync(path.join(stage, member.name), { recursive: true });
    }
    const archive = path.join(stage, "seed.tar");
    tar(["-cf", archive, "-C", pack, "node-seed.sh", ...members.map((member) => `${member.name}.tar`)]);
    fs.rmSync(pack, { recursive: true });
    return archive;
}

function tar(args: string[]): void {
    // COPYFILE_DISABLE keeps macOS tar from adding ._ metadata files.
    const result = spawnSync("tar", args, {
        env: { ...process.env, COPYFILE_DISABLE: "1" },
        stdio: ["ignore", "ignore", "pipe"],
        encoding: "utf8",
    });
    if (result.status !== 0)
        throw new Error(`tar could not pack the seed: ${result.error?.message ?? result.stderr.trim()}`);
}

/** `minikube -p PROFILE ...ARGS`, its stdout as `stdout` says, its stderr this process's; rejects unless it exits 0. */
function minikube(profile: string, args: string[], stdout: "ignore" | "inherit", stop: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn("minikube", ["-p", profile, ...args], {
            stdio: ["ignore", stdout, "inherit"],
            signal: stop,
        });
        child.on("error", (error: NodeJS.ErrnoException) =>
            reject(
                new Error(
                    error.code === "ENOENT" ? "minikube is not on PATH" : `minikube ${args[0]}: ${error.message}`,
                ),
            ),
        );
        child.on("exit", (code, signal) =>
            code === 0 ? resolve() : reject(new Error(`minikube ${args[0]} ended with ${code ?? signal}`)),
        );
    });
}

/**
 * The words as one line that the node's shell reads back as the same words, each in single quotes
 * (a ' inside written '\''): `minikube ssh -- WORDS` joins its words into one line that the node's
 * shell parses again, where a space, a quote or a `;` would otherwise become code.
 */
function remoteCommand(words: readonly string[]): string {
    return words.map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(" ");
}
