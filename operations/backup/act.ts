// A copy of every member of the running network, one at a time (the bootnode, then node 1..N):
// each member is stopped (0 replicas) while a helper pod of its own image copies its whole volume
// read-only, then started again; it is started again whatever fails, and on Ctrl-C or SIGTERM too.
// The next member goes only once the chain says every other member it counts is in step and it
// keeps its quorum without it: a pod's readiness alone (a TCP check) says neither.
// The copy is private (folders 0700, files 0600); tar leaves the IPC sockets out (a process's, not data).
import * as fs from "fs";
import * as path from "path";
import { BackupManifest, fileEntries, makePrivate, MemberCopy, writeManifest } from "../../lib/backup/manifest";
import { withHelperPod } from "../../lib/kubernetes/helperPod";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import { observeNetwork } from "../../lib/kubernetes/observeNetwork";
import { waitPodGone, waitPodReady } from "../../lib/kubernetes/podWaits";
import { inQdata, qdataFolderName } from "../../lib/model/paths";
import { BOOTNODE_SET, claimName, memberName, nodeSetName, podOf } from "../../lib/network/names";
import { countedByChain, raftLeadership } from "../../lib/model/observed";
import { CopiedHead, restorePoint, RestorePointResult } from "../../lib/model/restorePoint";
import { runtimeNamed } from "../../lib/runtime/runtimes";
import { StackOutputs } from "../../lib/model/outputs";
import { pollUntil } from "../../lib/poll";
import { chainIdentity, headOf, joinedRaft, memberPod } from "./observe";
import { notRestored } from "../restore/plan";
import { backupOrder, notBackInStep, notYetStoppable } from "./plan";

const STOP_TIMEOUT_MS = 180_000;
const START_TIMEOUT_MS = 300_000;
/** How long the others may take to be in step before a member is stopped, and a copied member to be back in step. */
const IN_STEP_TIMEOUT_MS = 300_000;
const POLL_MS = 2000;
const INTERRUPTED_EXIT = 130;

/** On Ctrl-C or SIGTERM while a member is stopped: start it again, then exit. */
function startAgainOnSignal(kube: Kubectl, set: string, log: (line: string) => void): () => void {
    const start = ["scale", "statefulset", set, "--replicas=1"];
    const onSignal = (signal: NodeJS.Signals) => {
        log(`${signal}: starting ${set} again before exiting`);
        kube.run(start).then(
            () => process.exit(INTERRUPTED_EXIT),
            (error: Error) => {
                log(`${set} could not be started again (${error.message}): kubectl ${kube.args(start).join(" ")}`);
                process.exit(INTERRUPTED_EXIT);
            },
        );
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    return () => {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    };
}

/** The member stopped while `work` runs, and started again after it, whatever happens. */
async function whileStopped(
    kube: Kubectl,
    set: string,
    log: (line: string) => void,
    work: () => Promise<void>,
): Promise<void> {
    log(`stopping ${set}`);
    const forgetSignals = startAgainOnSignal(kube, set, log);
    await kube.run(["scale", "statefulset", set, "--replicas=0"]);
    const failed = await stoppedWork(kube, set, work).then(
        () => undefined,
        (error: Error) => error,
    );
    forgetSignals();
    const start = ["scale", "statefulset", set, "--replicas=1"];
    await kube.run(start).catch((error: Error) => {
        throw new Error(
            `${failed ? `${failed.message}; then ` : ""}${set} could not be started again (${error.message}): kubectl ${kube.args(start).join(" ")}`,
        );
    });
    if (failed) throw new Error(`${failed.message}; ${set} was started again`);
    log(`starting ${set} again`);
    await waitPodReady(kube, podOf(set), START_TIMEOUT_MS);
}

/** A copy of a running member is no backup: the work goes on only once its pod is gone. */
async function stoppedWork(kube: Kubectl, set: string, work: () => Promise<void>): Promise<void> {
    await waitPodGone(kube, podOf(set), STOP_TIMEOUT_MS).catch(() => {
        throw new Error(
            `pod ${podOf(set)} still runs ${STOP_TIMEOUT_MS / 1000} s after ${set} was scaled to 0: not copying a running member`,
        );
    });
    await work();
}

async function copyMember(kube: Kubectl, index: number, out: string, log: (line: string) => void): Promise<void> {
    const set = index === 0 ? BOOTNODE_SET : nodeSetName(index);
    const pod = await memberPod(kube, set);
    const helper = {
        claim: claimName(index),
        image: pod.image,
        imagePullPolicy: pod.imagePullPolicy,
        imagePullSecrets: pod.imagePullSecrets,
        readOnly: true,
    };
    await whileStopped(kube, set, log, () =>
        withHelperPod(kube, `backup-${helper.claim}`, helper, async (copier) => {
            fs.mkdirSync(out, { recursive: true, mode: 0o700 });
            log("copying its volume");
            // The seed's own links (a cluster's peer lists, linked to their ConfigMap) are no member data: a restore seeds them anew.
            await copier.copyOut(inQdata(pod.folder), out, notRestored());
        }),
    );
}

const memberLabel = (index: number) => (index === 0 ? "bootnode" : memberName(index));

/**
 * Waits until the chain may lose member `index` for its copy, and says whether the chain counts it
 * as a validator then; fails naming why not, with how far the backup came.
 */
async function waitUntilStoppable(
    kube: Kubectl,
    outputs: StackOutputs,
    index: number,
    copied: number,
    log: (line: string) => void,
): Promise<boolean | undefined> {
    if (index === 0) return undefined;
    let why: string | undefined;
    const stoppable = async () => {
        const network = await observeNetwork(kube, outputs.consensus, outputs.nodes.length);
        why = notYetStoppable(network, index);
        const node = network.nodes.find((candidate) => candidate.index === index);
        return why === undefined ? { counted: node && countedByChain(network, node) } : undefined;
    };
    const onWait = (attempt: number) =>
        attempt % 5 === 1 && why !== undefined && log(`${memberLabel(index)} waits: ${why}`);
    const onTimeout = () =>
        new Error(
            `${memberLabel(index)} was not stopped: ${why} after ${IN_STEP_TIMEOUT_MS / 1000} s. Bring the others back in step (npm run status) and run the backup again; ${copied} of ${outputs.nodes.length + 1} members copied, the folder is incomplete`,
        );
    const { counted } = await pollUntil(`${memberLabel(index)} stoppable`, stoppable, {
        timeoutMs: IN_STEP_TIMEOUT_MS,
        intervalMs: POLL_MS,
        onWait,
        onTimeout,
    });
    return counted;
}

/** A copied node takes part again only once it has caught up with the chain: Ready is not that. */
async function waitBackInStep(kube: Kubectl, outputs: StackOutputs, index: number): Promise<void> {
    let why: string | undefined;
    const back = async () => {
        why = notBackInStep(await observeNetwork(kube, outputs.consensus, outputs.nodes.length), index);
        return why === undefined ? true : undefined;
    };
    const onTimeout = () =>
        new Error(
            `${memberLabel(index)} runs again but is not back in step within ${IN_STEP_TIMEOUT_MS / 1000} s (${why}): see npm run status; the backup stopped there`,
        );
    await pollUntil(`${memberLabel(index)} back in step`, back, {
        timeoutMs: IN_STEP_TIMEOUT_MS,
        intervalMs: POLL_MS,
        onTimeout,
    });
}

async function copyOne(
    kube: Kubectl,
    outputs: StackOutputs,
    index: number,
    out: string,
    log: (line: string) => void,
    counted?: boolean,
): Promise<MemberCopy> {
    const head = index === 0 ? undefined : await headOf(kube, index);
    const validator = outputs.consensus.kind !== "raft" && counted !== undefined ? { validator: counted } : {};
    const joined = outputs.consensus.kind === "raft" && index > 0 && (await joinedRaft(kube, nodeSetName(index)));
    const memberLog = (line: string) => log(`[${claimName(index)}] ${line}`);
    await copyMember(kube, index, path.join(out, qdataFolderName(index)), memberLog).catch((error: Error) => {
        throw new Error(`copying ${memberLabel(index)} failed: ${error.message}`);
    });
    if (index > 0) await waitBackInStep(kube, outputs, index);
    const ip = index === 0 ? undefined : outputs.nodes[index - 1].ip;
    return {
        name: memberLabel(index),
        folder: qdataFolderName(index),
        head,
        ...(ip ? { ip } : {}),
        ...(joined ? { raftJoined: true } : {}),
        ...validator,
    };
}

/** Stops at the first member the chain cannot lose in time, or whose copy fails. */
export async function backupNetwork(
    outputs: StackOutputs,
    stack: string,
    out: string,
    log: (line: string) => void,
): Promise<BackupManifest> {
    if (fs.existsSync(out) && fs.readdirSync(out).length > 0)
        throw new Error(`${out} exists and is not empty: give a new folder`);
    const kube = new Kubectl(outputs.kubeContext, outputs.namespace);
    const { genesisHash, chainId } = await chainIdentity(kube);
    fs.mkdirSync(out, { recursive: true, mode: 0o700 });
    const copies: MemberCopy[] = [];
    const leader =
        outputs.consensus.kind === "raft"
            ? raftLeadership(await observeNetwork(kube, outputs.consensus, outputs.nodes.length)).leader?.index
            : undefined;
    for (const index of backupOrder(outputs.nodes.length, leader)) {
        const started = Date.now();
        const counted = await waitUntilStoppable(kube, outputs, index, copies.length, log);
        const copy = await copyOne(kube, outputs, index, out, log, counted);
        copies.push(copy);
        log(
            `${copy.name} copied${copy.head ? ` at block ${copy.head.number}` : ""} and back${index === 0 ? "" : " in step"} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
    }
    makePrivate(out);
    const point = pointOfCopies(outputs, copies);
    const restorable = "point" in point ? { restorePoint: point.point } : {};
    const taken = {
        format: 1 as const,
        createdAt: new Date().toISOString(),
        stack,
        namespace: outputs.namespace,
        consensus: outputs.consensus.kind,
    };
    const manifest: BackupManifest = {
        ...taken,
        chainId,
        genesisHash,
        members: copies,
        ...restorable,
        files: fileEntries(out),
    };
    writeManifest(out, manifest);
    if ("problem" in point)
        throw new Error(
            `every member is copied, but the copies cannot be restored to one chain: ${point.problem}. ${out} is kept; a restore refuses it`,
        );
    return manifest;
}

/** The one head a restore into this stack's runtime brings the copies to, as restoreFrom's check weighs it. */
function pointOfCopies(outputs: StackOutputs, copies: MemberCopy[]): RestorePointResult {
    const nodes = copies.flatMap((copy): CopiedHead[] =>
        copy.head ? [{ name: copy.name, head: copy.head, validator: copy.validator }] : [],
    );
    const ceil2Nby3Block = outputs.consensus.kind === "raft" ? undefined : outputs.consensus.ceil2Nby3Block;
    return restorePoint({
        consensus: outputs.consensus.kind,
        ceil2Nby3Block,
        nodes,
        canHoldSealing: runtimeNamed(outputs.runtime).holdsSealing,
    });
}
