// A copy of every member of the running network, one at a time (the bootnode, then node 1..N):
// each member is stopped (0 replicas) while a helper pod of its own image copies its whole volume
// read-only, then started again and waited for until Ready; it is started again whatever fails.
// The copy is private (folders 0700, files 0600); tar leaves the IPC sockets out (a process's, not data).
import * as fs from "fs";
import * as path from "path";
import { BackupManifest, fileEntries, makePrivate, MemberCopy, writeManifest } from "../../lib/backup/manifest";
import { withHelperPod } from "../../lib/kubernetes/helperPod";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import { waitPodGone, waitPodReady } from "../../lib/kubernetes/podWaits";
import { inQdata, qdataFolderName } from "../../lib/model/paths";
import { BOOTNODE_SET, claimName, nodeSetName, podOf } from "../../lib/network/names";
import { StackOutputs } from "../../lib/model/outputs";
import { chainIdentity, headOf, joinedRaft, memberPod } from "./observe";
import { memberStates } from "../../lib/kubernetes/memberStates";
import { MemberState, stopProblem } from "../../lib/model/quorumRule";
import { backupOrder } from "./plan";

const STOP_TIMEOUT_MS = 180_000;
const START_TIMEOUT_MS = 300_000;

/** The member stopped while `work` runs, and started again after it, whatever happens. */
async function whileStopped(kube: Kubectl, set: string, log: (line: string) => void, work: () => Promise<void>): Promise<void> {
    log(`stopping ${set}`);
    await kube.run(["scale", "statefulset", set, "--replicas=0"]);
    const failed = await stoppedWork(kube, set, work).then(
        () => undefined,
        (error: Error) => error,
    );
    const start = ["scale", "statefulset", set, "--replicas=1"];
    await kube.run(start).catch((error: Error) => {
        throw new Error(`${failed ? `${failed.message}; then ` : ""}${set} could not be started again (${error.message}): kubectl ${kube.args(start).join(" ")}`);
    });
    if (failed) throw new Error(`${failed.message}; ${set} was started again`);
    log(`starting ${set} again`);
    await waitPodReady(kube, podOf(set), START_TIMEOUT_MS);
}

/** A copy of a running member is no backup: the work goes on only once its pod is gone. */
async function stoppedWork(kube: Kubectl, set: string, work: () => Promise<void>): Promise<void> {
    await waitPodGone(kube, podOf(set), STOP_TIMEOUT_MS).catch(() => {
        throw new Error(`pod ${podOf(set)} still runs ${STOP_TIMEOUT_MS / 1000} s after ${set} was scaled to 0: not copying a running member`);
    });
    await work();
}

async function copyMember(kube: Kubectl, member: MemberState, out: string, log: (line: string) => void): Promise<void> {
    const set = member.index === 0 ? BOOTNODE_SET : nodeSetName(member.index);
    const pod = await memberPod(kube, set);
    const helper = { claim: claimName(member.index), image: pod.image, imagePullPolicy: pod.imagePullPolicy, imagePullSecrets: pod.imagePullSecrets, readOnly: true };
    await whileStopped(kube, set, log, () =>
        withHelperPod(kube, `backup-${helper.claim}`, helper, async (copier) => {
            fs.mkdirSync(out, { recursive: true, mode: 0o700 });
            log("copying its volume");
            await copier.copyOut(inQdata(pod.folder), out);
        }),
    );
}

/** Stops at the first member that may not be taken down now, or whose copy fails. */
export async function backupNetwork(outputs: StackOutputs, stack: string, out: string, log: (line: string) => void): Promise<BackupManifest> {
    if (fs.existsSync(out) && fs.readdirSync(out).length > 0) throw new Error(`${out} exists and is not empty: give a new folder`);
    const kube = new Kubectl(outputs.kubeContext, outputs.namespace);
    const { genesisHash, chainId } = await chainIdentity(kube);
    fs.mkdirSync(out, { recursive: true, mode: 0o700 });
    const copies: MemberCopy[] = [];
    for (const planned of backupOrder(await memberStates(kube, outputs.consensus, outputs.nodes.length))) {
        const started = Date.now();
        const states = await memberStates(kube, outputs.consensus, outputs.nodes.length);
        const problem = stopProblem(outputs.consensus, states, states.find((state) => state.index === planned.index)!);
        if (problem) throw new Error(`${problem}: bring the others back (kubectl get pods), or back up a stopped network; ${copies.length} of ${states.length} members copied, the folder is incomplete`);
        const head = planned.index === 0 ? undefined : await headOf(kube, planned.index);
        const joined = outputs.consensus.kind === "raft" && planned.index > 0 && (await joinedRaft(kube, nodeSetName(planned.index)));
        const memberLog = (line: string) => log(`[${claimName(planned.index)}] ${line}`);
        await copyMember(kube, planned, path.join(out, qdataFolderName(planned.index)), memberLog).catch((error: Error) => {
            throw new Error(`copying ${planned.name} failed: ${error.message}`);
        });
        const ip = planned.index === 0 ? undefined : outputs.nodes[planned.index - 1].ip;
        copies.push({ name: planned.name, folder: qdataFolderName(planned.index), head, ...(ip ? { ip } : {}), ...(joined ? { raftJoined: true } : {}) });
        log(`${planned.name} copied${head ? ` at block ${head.number}` : ""} and running again (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    makePrivate(out);
    const manifest: BackupManifest = { format: 1, createdAt: new Date().toISOString(), stack, namespace: outputs.namespace, consensus: outputs.consensus.kind, chainId, genesisHash, members: copies, files: fileEntries(out) };
    writeManifest(out, manifest);
    return manifest;
}
