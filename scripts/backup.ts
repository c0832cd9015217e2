// npm run backup -- --out DIR [--stack dev]     a copy of every member of the running network
// npm run backup -- --verify DIR                checks a backup's files against its manifest
// One member at a time (the bootnode, then node 1..N): refused when taking it down would leave
// fewer than a Raft majority or a BFT quorum running; each member is stopped while its volume is
// copied (scripts/backup-member.sh) and started again. DIR gets qdata_0..qdata_N (a qdata folder,
// chain data included) and manifest.json: chain id, genesis hash, each node's head, a checksum a file.
import { helperPodOverrides } from "../lib/backup/helperPod";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { exitOnHelp, option } from "../lib/cli";
import { MemberState, backupOrder, stopProblem } from "../lib/backup/plan";
import { BackupManifest, fileEntries, makePrivate, MemberCopy, verifyBackup, writeManifest } from "../lib/backup/manifest";
import { ipcRpc } from "../lib/kubernetes/gethIpc";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { BOOTNODE_SET, claimName, memberName, nodePodName, nodeSetName, podOf, qdataFolderName } from "../lib/network/names";
import { readStackOutputs, StackOutputs, StackOutputsMissing } from "../lib/stackOutputs";

const log = (line: string) => console.error(`backup: ${line}`);

async function memberStates(kube: Kubectl, outputs: StackOutputs): Promise<MemberState[]> {
    const ready = new Set((await kube.pods()).filter((pod) => pod.ready).map((pod) => pod.name));
    const validators = outputs.consensus.kind === "raft" ? 0 : outputs.consensus.validators;
    const nodes = outputs.nodes.map((_, i) => ({ index: i + 1, name: memberName(i + 1), ready: ready.has(nodePodName(i + 1)), validator: i < validators }));
    return [{ index: 0, name: "bootnode", ready: ready.has(podOf(BOOTNODE_SET)), validator: false }, ...nodes];
}

async function headOf(kube: Kubectl, index: number): Promise<{ number: number; hash: string }> {
    const block = await ipcRpc(kube, nodePodName(index))<{ number: string; hash: string }>("eth_getBlockByNumber", ["latest", false]);
    return { number: Number(BigInt(block.number)), hash: block.hash };
}

/** How the member's own pods run: its image, pulled as they pull it, and its folder in the claim. */
interface MemberPod {
    image: string;
    imagePullPolicy: string;
    imagePullSecrets: string[];
    folder: string;
}

async function memberPod(kube: Kubectl, set: string): Promise<MemberPod> {
    const pod = "{.spec.template.spec";
    const container = `${pod}.containers[0]`;
    return {
        image: await kube.field(`statefulset/${set}`, `${container}.image}`),
        imagePullPolicy: (await kube.field(`statefulset/${set}`, `${container}.imagePullPolicy}`)) || "IfNotPresent",
        imagePullSecrets: (await kube.field(`statefulset/${set}`, `${pod}.imagePullSecrets[*].name}`)).split(/\s+/).filter(Boolean),
        // The member's folder is the part of the claim its pods mount at /qdata (a subPath on clusters).
        folder: await kube.field(`statefulset/${set}`, `${container}.volumeMounts[?(@.mountPath=="/qdata")].subPath}`),
    };
}

function copyMember(outputs: StackOutputs, member: MemberState, pod: MemberPod, out: string): void {
    const set = member.index === 0 ? BOOTNODE_SET : nodeSetName(member.index);
    const claim = claimName(member.index);
    const overrides = helperPodOverrides({ claim, image: pod.image, imagePullPolicy: pod.imagePullPolicy, imagePullSecrets: pod.imagePullSecrets, readOnly: true });
    const env = { ...process.env, KUBE_CONTEXT: outputs.kubeContext, NAMESPACE: outputs.namespace, SET: set, CLAIM: claim, FOLDER: pod.folder, IMAGE: pod.image, OUT: out, HELPER_OVERRIDES: overrides };
    const result = spawnSync("bash", [path.join(__dirname, "backup-member.sh")], { env, stdio: ["ignore", "inherit", "inherit"] });
    if (result.status !== 0) throw new Error(`copying ${member.name} failed (see above); it was started again`);
}

async function backup(outputs: StackOutputs, stack: string, out: string): Promise<void> {
    if (fs.existsSync(out) && fs.readdirSync(out).length > 0) throw new Error(`${out} exists and is not empty: give a new folder`);
    const kube = new Kubectl(outputs.kubeContext, outputs.namespace);
    const first = ipcRpc(kube, nodePodName(1));
    const genesis = await first<{ hash: string }>("eth_getBlockByNumber", ["0x0", false]);
    const chainId = Number(BigInt(await first<string>("eth_chainId")));
    fs.mkdirSync(out, { recursive: true, mode: 0o700 });
    const copies: MemberCopy[] = [];
    for (const planned of backupOrder(await memberStates(kube, outputs))) {
        const started = Date.now();
        const states = await memberStates(kube, outputs);
        const problem = stopProblem(outputs.consensus, states, states.find((state) => state.index === planned.index)!);
        if (problem) throw new Error(`${problem}; ${copies.length} of ${states.length} members copied, the folder is incomplete`);
        const set = planned.index === 0 ? BOOTNODE_SET : nodeSetName(planned.index);
        const pod = await memberPod(kube, set);
        const head = planned.index === 0 ? undefined : await headOf(kube, planned.index);
        const joined = outputs.consensus.kind === "raft" && planned.index > 0 && (await kube.field(`statefulset/${set}`, `{.metadata.annotations.kaleido\\.io/raft-joined}`)) === "true";
        copyMember(outputs, planned, pod, path.join(out, qdataFolderName(planned.index)));
        const ip = planned.index === 0 ? undefined : outputs.nodes[planned.index - 1].ip;
        copies.push({ name: planned.name, folder: qdataFolderName(planned.index), head, ...(ip ? { ip } : {}), ...(joined ? { raftJoined: true } : {}) });
        log(`${planned.name} copied${head ? ` at block ${head.number}` : ""} and running again (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    makePrivate(out);
    const manifest: BackupManifest = { format: 1, createdAt: new Date().toISOString(), stack, namespace: outputs.namespace, consensus: outputs.consensus.kind, chainId, genesisHash: genesis.hash, members: copies, files: fileEntries(out) };
    writeManifest(out, manifest);
    const bytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
    log(`${copies.length} members in ${out}: ${manifest.files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB; check it with npm run backup -- --verify ${out}`);
}

function verify(dir: string): number {
    const problems = verifyBackup(dir);
    for (const problem of problems) console.error(`backup: ${problem}`);
    console.error(problems.length === 0 ? `backup: ${dir} is whole: every file matches its manifest checksum` : `backup: ${dir}: ${problems.length} problems`);
    return problems.length === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
    const verifyDir = option(argv, "verify");
    if (verifyDir) return verify(verifyDir);
    const out = option(argv, "out");
    if (!out) {
        console.error("usage: backup --out DIR [--stack S] | backup --verify DIR");
        return 2;
    }
    const stack = option(argv, "stack") ?? process.env.STACK;
    let outputs: StackOutputs;
    try {
        outputs = readStackOutputs("backup", stack);
    } catch (error) {
        if (!(error instanceof StackOutputsMissing)) throw error;
        console.error(error.message);
        return 2;
    }
    await backup(outputs, stack ?? "(selected)", path.resolve(out));
    return 0;
}

const USAGE =
    "usage: npm run backup -- --out DIR [--stack NAME]   copies every member of the running network, one at a time\n   or: npm run backup -- --verify DIR              checks a backup's files against its manifest";

exitOnHelp(process.argv, USAGE);
main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
        console.error(`backup: ${error.message}`);
        process.exit(1);
    },
);
