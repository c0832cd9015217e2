// e2e: a running network backed up member by member, destroyed, and brought back into a new stack
// from the backup (restoreFrom), on the harness's real node. A sealing chain (QBFT 4+1) is backed
// up while transactions are sent and a watcher measures its gaps between blocks; its restore must
// bring every node to the manifest's one head (restorePoint), the same block on each, and the
// chain must seal past it. The chain folder on a volume holds the backup's files (a marker written
// into chain data first is there), a tampered backup or a member folder made a link is refused at
// preview, and a restore killed midway finishes when run again.
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { E2eFailure, expect, kubectl, kubectlList, pulumiInterrupted, requireEnv, waitUntil } from "./harness";
import { Shape } from "./network";
import { watchRollout, WatchReport } from "./rollout";
import { PROJECT, Stack, StackValues } from "./stack";

const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");

export interface BackupTarget {
    stack: Stack;
    config: StackValues;
    namespace: string;
    nodeCount: number;
    /** geth's console in node N's quorum container. */
    console: (index: number, script: string) => string;
    /** Destroys a stack and checks that nothing of it is left. */
    destroy: (stack: Stack) => Promise<void>;
    /** A chain that seals every blockPeriod seconds: backed up under transactions, its gaps measured. */
    sealing?: { shape: Shape; blockPeriod: number };
}

interface Manifest {
    genesisHash: string;
    members: { head?: { number: number } }[];
    files: { size: number }[];
    restorePoint?: { number: number; hash: string; way: string };
}

const nodePods = (namespace: string) =>
    kubectlList("pods", "-n", namespace, "-l", "app.kubernetes.io/name=quorum-node");
const readyOf = (pod: { status?: unknown }) =>
    ((pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
        (c) => c.type === "Ready" && c.status === "True",
    );

/** sha256 of each file under the folder of the node's volume, as the quorum container sees it. */
function volumeChecksums(namespace: string, index: number, folder: string): Map<string, string> {
    const listing = kubectl(
        "exec",
        "-n",
        namespace,
        `node-set-${index}-0`,
        "-c",
        "quorum",
        "--",
        "sh",
        "-c",
        `cd /qdata/${folder} && find . -type f -exec sha256sum {} +`,
    );
    return new Map(
        listing
            .trim()
            .split("\n")
            .map((line) => line.trim().split(/\s+/))
            .map(([sum, file]) => [file.replace(/^\.\//, ""), sum]),
    );
}

function folderChecksums(dir: string): Map<string, string> {
    const sums = new Map<string, string>();
    const walk = (at: string) => {
        for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
            const full = path.join(at, entry.name);
            if (entry.isDirectory()) walk(full);
            else
                sums.set(
                    path.relative(dir, full),
                    crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex"),
                );
        }
    };
    walk(dir);
    return sums;
}

/** Sends a transaction from a Ready node's unlocked account about every second until stopped; counts those accepted. */
function sendTransactions(target: BackupTarget): { stop(): Promise<number> } {
    let [sent, stopped] = [0, false];
    const loop = (async () => {
        for (let i = 0; !stopped; i++) {
            const index = (i % target.nodeCount) + 1;
            try {
                if (
                    /^"0x[0-9a-f]{64}"$/.test(
                        target
                            .console(
                                index,
                                "eth.sendTransaction({from: eth.accounts[0], to: eth.accounts[0], value: 1})",
                            )
                            .trim(),
                    )
                )
                    sent++;
            } catch {
                // That node is stopped for its copy: the next one takes the next transaction.
            }
            await new Promise((resolve) => setTimeout(resolve, 1000));
        }
    })();
    return {
        async stop() {
            stopped = true;
            await loop;
            return sent;
        },
    };
}

/** npm run backup, sampling the node pods meanwhile (and on a sealing chain the heads, with transactions sent): at most one may be down at any moment. */
async function backupWatched(
    target: BackupTarget,
    out: string,
): Promise<{ seconds: number; mostDown: number; output: string; chain?: WatchReport; sent?: number }> {
    const started = Date.now();
    const watch = target.sealing && watchRollout(target.sealing.shape, target.nodeCount);
    const transactions = target.sealing && sendTransactions(target);
    const child = spawn("npm", ["run", "--silent", "backup", "--", "--stack", target.stack.name, "--out", out], {
        cwd: PROJECT,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const done = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    let mostDown = 0;
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
        mostDown = Math.max(mostDown, target.nodeCount - nodePods(target.namespace).filter(readyOf).length);
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const [chain, sent] = [await watch?.stop(), await transactions?.stop()];
    if ((await done) !== 0) throw new E2eFailure(`npm run backup failed:\n${output}`);
    return { seconds: (Date.now() - started) / 1000, mostDown, output, chain, sent };
}

/**
 * A sealing chain's backup: one member down at a time, transactions accepted throughout, and the
 * longest gap between blocks within the round-change timer plus two block periods (the bound
 * GoQuorum's QBFT holds when one validator of four is out).
 */
function checkBackupUnderSealing(backup: Awaited<ReturnType<typeof backupWatched>>, blockPeriod: number): void {
    const { chain, sent } = backup;
    const bound = blockPeriod + 10 + 2 * blockPeriod;
    process.stdout.write(
        `e2e: backup while the chain seals: ${sent} transactions sent; ${chain?.samples} samples, at most ${chain?.mostDown} members down, longest gap between blocks ${chain?.longestGap.toFixed(1)} s (bound ${bound} s)\n`,
    );
    expect(
        chain !== undefined && chain.samples > 10 && chain.mostDown === 1,
        "the backup took the members down one at a time, never two at once",
        chain,
    );
    expect(
        chain !== undefined && chain.longestGap <= bound,
        `the chain's longest gap between blocks during the backup stayed within the round-change timer plus two block periods (${bound} s)`,
        chain,
    );
    expect((sent ?? 0) >= 10, "transactions were accepted throughout the backup", sent);
}

/** A tampered backup (a node key changed) and a partial one (a node's chain data gone): each refused at preview, nothing created. */
async function refusedAtPreview(target: BackupTarget, out: string): Promise<void> {
    const damages: [string, (dir: string) => void, RegExp][] = [
        [
            "a changed node key",
            (dir) => fs.writeFileSync(path.join(dir, "qdata_2/ethereum/nodekey"), "ab".repeat(32)),
            /restoreFrom: the backup's files differ from its manifest \(qdata_2\/ethereum\/nodekey: changed/,
        ],
        [
            "a node's chain data deleted",
            (dir) => fs.rmSync(path.join(dir, "qdata_1/ethereum/geth"), { recursive: true }),
            /restoreFrom: the backup's files differ from its manifest \(qdata_1\/ethereum\/geth\/.*: missing/,
        ],
        [
            "a member folder made a link",
            (dir) => linkInstead(dir, "qdata_3"),
            /restoreFrom: .*qdata_3: is a symbolic link; only regular files and folders are read, never followed or opened/,
        ],
    ];
    for (const [what, damage, refusal] of damages) {
        const copy = path.join(
            RUN_DIR,
            `backup-${target.stack.name}-damaged-${damages.findIndex(([name]) => name === what)}`,
        );
        fs.rmSync(copy, { recursive: true, force: true });
        fs.cpSync(out, copy, { recursive: true });
        damage(copy);
        const stack = new Stack(`${target.stack.name}-damaged`);
        await stack.init({ ...target.config, restoreFrom: copy });
        const output = await stack.cliFailing("preview");
        expect(
            refusal.test(output),
            `a backup with ${what} is refused at preview, naming restoreFrom`,
            output.split("\n").slice(-8).join("\n"),
        );
        expect((await stack.resourceCount()) === 0, `the refused preview (${what}) created nothing`);
        expect(
            kubectlList("namespaces").every((ns) => ns.metadata.name !== target.namespace),
            `the refused preview (${what}) created no namespace`,
        );
        await stack.remove();
    }
}

/** The member folder moved beside the backup, a link to it in its place: the copy under the link is whole and unchanged. */
function linkInstead(dir: string, folder: string): void {
    const moved = `${dir}-${folder}`;
    fs.rmSync(moved, { recursive: true, force: true });
    fs.renameSync(path.join(dir, folder), moved);
    fs.symlinkSync(moved, path.join(dir, folder));
}

/**
 * The restore's `pulumi up` killed (SIGKILL) while node 1's volume is being copied, then the
 * README's recovery: the restore runs again and finishes, its helper pod's leftover replaced.
 */
async function interruptedRestoreResumed(restored: Stack, namespace: string): Promise<void> {
    const copying = () => kubectlList("pods", "-n", namespace).some((pod) => pod.metadata.name === "restore-qdata-1");
    const log = path.join(RUN_DIR, "logs", `pulumi-${restored.name}.log`);
    const killed = await pulumiInterrupted(
        PROJECT,
        log,
        ["up", "--yes", "--skip-preview", "--stack", restored.name],
        "SIGKILL",
        copying,
    );
    expect(killed.status !== 0, "the restore's pulumi up was killed while it copied", killed.status);
    await restored.cli("cancel", "--yes");
    await restored.cli("refresh", "--clear-pending-creates", "--yes", "--skip-preview");
    await restored.up();
}

/**
 * Ctrl-C as a terminal sends it (SIGINT to the whole process group) while the bootnode, the first
 * member, is stopped for its copy: the backup starts it again before it exits, and it is Ready
 * again. The bootnode, so no node's chain data goes through another stop and start (the restore's
 * byte-for-byte check below reads node 1's).
 */
async function interruptedBackupRestarts(target: BackupTarget): Promise<void> {
    const out = path.join(RUN_DIR, `backup-${target.stack.name}-interrupted`);
    fs.rmSync(out, { recursive: true, force: true });
    const child = spawn("npm", ["run", "--silent", "backup", "--", "--stack", target.stack.name, "--out", out], {
        cwd: PROJECT,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const replicas = () =>
        kubectl("get", "statefulset", "bootnode-set", "-n", target.namespace, "-o", "jsonpath={.spec.replicas}").trim();
    await waitUntil("the backup to stop the bootnode", 180, () => replicas() === "0");
    process.kill(-child.pid!, "SIGINT");
    const code = await exited;
    expect(
        code !== 0 && /SIGINT: starting bootnode-set again before exiting/.test(output),
        "the interrupted backup says it starts the bootnode again, and exits with failure",
        output.split("\n").slice(-6).join("\n"),
    );
    expect(
        replicas() === "1",
        "the bootnode's StatefulSet is back at 1 replica after the interrupted backup",
        replicas(),
    );
    const bootnodeReady = () =>
        kubectlList("pods", "-n", target.namespace).some(
            (pod) => pod.metadata.name === "bootnode-set-0" && readyOf(pod),
        );
    await waitUntil("the bootnode Ready again after the interrupted backup", 120, bootnodeReady);
    fs.rmSync(out, { recursive: true, force: true });
}

export async function backupAndRestore(target: BackupTarget): Promise<void> {
    const { namespace, nodeCount } = target;
    await interruptedBackupRestarts(target);
    const marker = `e2e marker ${Date.now()}`;
    kubectl(
        "exec",
        "-n",
        namespace,
        "node-set-1-0",
        "-c",
        "quorum",
        "--",
        "sh",
        "-c",
        `echo '${marker}' >/qdata/ethereum/geth/chaindata/e2e-marker`,
    );
    const heads = Array.from({ length: nodeCount }, (_, i) => Number(target.console(i + 1, "eth.blockNumber")));
    const out = path.join(RUN_DIR, `backup-${target.stack.name}`);

    const backup = await backupWatched(target, out);
    expect(backup.mostDown <= 1, "the backup stopped at most one node at a time, the others Ready", backup.mostDown);
    if (target.sealing) checkBackupUnderSealing(backup, target.sealing.blockPeriod);
    expect(
        (backup.output.match(/copied .*and back/g) ?? []).length === nodeCount + 1,
        `the backup copied all ${nodeCount + 1} members, one line each`,
        backup.output,
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")) as Manifest;
    expect(
        manifest.members.filter((m) => m.head).every((m, i) => m.head!.number >= heads[i]) &&
            /^0x[0-9a-f]{64}$/.test(manifest.genesisHash),
        "the manifest records each node's head and the genesis hash",
        manifest.members,
    );
    const point = manifest.restorePoint;
    const way = target.sealing ? "bft-held" : "raft-one-head";
    expect(
        point?.way === way && point.number === Math.max(...manifest.members.map((m) => m.head?.number ?? 0)),
        `the manifest's restorePoint is the highest head copied, restored ${way}`,
        point,
    );
    checkBackupFolder(out, marker);
    const bytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
    process.stdout.write(
        `e2e: backup of ${nodeCount + 1} members: ${backup.seconds.toFixed(1)} s, ${(bytes / 2 ** 20).toFixed(1)} MiB; heads copied ${manifest.members.flatMap((m) => (m.head ? [m.head.number] : [])).join(", ")}\n`,
    );

    await target.destroy(target.stack);
    await refusedAtPreview(target, out);
    const restored = new Stack(`${target.stack.name}-restored`);
    await restored.init({ ...target.config, restoreFrom: out });
    const started = Date.now();
    await interruptedRestoreResumed(restored, namespace);
    await waitUntil(
        `every restored node pod Ready`,
        120,
        () => nodePods(namespace).length === nodeCount && nodePods(namespace).every(readyOf),
    );
    process.stdout.write(
        `e2e: restore of ${nodeCount} nodes (pulumi up into a new stack): ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    checkRestoredVolume(namespace, out, marker);
    await waitUntil(`every restored node to reach ${nodeCount - 1} peers`, 90, () =>
        Array.from({ length: nodeCount }, (_, i) => target.console(i + 1, "net.peerCount")).every(
            (peers) => peers === String(nodeCount - 1),
        ),
    );
    await checkOneChain(target, point!);
    await target.destroy(restored);
}

const CHAIN_FOLDER = "ethereum/geth/chaindata";

function checkBackupFolder(out: string, marker: string): void {
    const modes = spawnSync(
        "find",
        [out, "(", "-type", "f", "!", "-perm", "600", ")", "-o", "(", "-type", "d", "!", "-perm", "700", ")"],
        { encoding: "utf8" },
    ).stdout.trim();
    expect(modes === "", "every backed-up file is 0600 and folder 0700", modes);
    const verify = spawnSync("npm", ["run", "--silent", "backup", "--", "--verify", out], {
        cwd: PROJECT,
        encoding: "utf8",
    });
    expect(verify.status === 0, "npm run backup -- --verify finds the backup whole", verify.stderr);
    expect(
        fs.readFileSync(path.join(out, "qdata_1", CHAIN_FOLDER, "e2e-marker"), "utf8").trim() === marker,
        "the backup holds the marker written into node 1's chain data",
    );
}

/**
 * Node 1's chain folder holds the backup's files: each still there is the backup's, byte for byte
 * (LevelDB's log, manifest and current file change as it runs, and a compaction may retire a table),
 * and the marker is there.
 */
function checkRestoredVolume(namespace: string, out: string, marker: string): void {
    const backedUp = folderChecksums(path.join(out, "qdata_1", CHAIN_FOLDER));
    const onVolume = volumeChecksums(namespace, 1, CHAIN_FOLDER);
    const differing = [...backedUp].filter(
        ([file, sum]) =>
            onVolume.has(file) && onVolume.get(file) !== sum && !/^(LOCK|LOG|\d+\.log$|MANIFEST|CURRENT)/.test(file),
    );
    const kept = [...backedUp.keys()].filter((file) => /\.ldb$/.test(file) && onVolume.has(file)).length;
    expect(
        differing.length === 0 && kept > 0,
        `node 1's chain folder holds the backup's files (${kept} tables byte for byte)`,
        differing,
    );
    expect(
        onVolume.get("e2e-marker") === backedUp.get("e2e-marker") && backedUp.has("e2e-marker"),
        `node 1's restored chain data holds the marker (${marker}), byte for byte`,
    );
}

/** Every node holds the restore point's block, the same on each; a sealing chain seals past it. */
async function checkOneChain(target: BackupTarget, point: { number: number; hash: string }): Promise<void> {
    const nodes = Array.from({ length: target.nodeCount }, (_, i) => i + 1);
    const hashes = nodes.map((i) => JSON.parse(target.console(i, `eth.getBlock(${point.number}).hash`)) as string);
    expect(
        hashes.every((hash) => hash === point.hash),
        `every restored node holds block ${point.number} of the manifest's restorePoint (${point.hash})`,
        hashes,
    );
    if (!target.sealing) return;
    const past = point.number + 3;
    await waitUntil(`every restored node past block ${past}: the chain seals again`, 120, () =>
        nodes.every((i) => Number(target.console(i, "eth.blockNumber")) >= past),
    );
    const after = nodes.map((i) => JSON.parse(target.console(i, `eth.getBlock(${past}).hash`)) as string);
    expect(
        after.every((hash) => hash === after[0]),
        `the chain sealed after the restore is one chain: block ${past} the same on every node`,
        after,
    );
}
