// npm run raft-peer -- add <node> <enode>        adds a voting member to a running Raft network
// npm run raft-peer -- remove <node> <raft-id>   removes one
// <node> is a node pod (node-set-1-0) of the stack's namespace (--stack, or --context and
// --namespace), reached over geth's IPC socket through 'kubectl exec', or the URL of a node's
// JSON-RPC that serves the raft API. Prints the member's Raft id on stdout; running it again for
// the same member changes nothing. By hand these are GoQuorum's calls as they are: the steps'
// phases below are the ones that wait until the chain can take a change.
// join, promote and leave are the Pulumi steps' phases (step.ts): the request names the member
// (join and promote: RaftEntryStepRequest; leave: RaftLeaveStepRequest), changed on the
// lowest-numbered Ready node other than the member itself. join adds it as a learner, before its
// pod; promote makes it a voting member once its pod runs in step; leave removes it once it leads
// no more and the rest keep a majority in step.
import { Tool, ToolArgs, UsageError } from "../../lib/cli";
import { httpRpc, RpcCall } from "../../lib/httpRequest";
import { ipcRpc } from "../../lib/kubernetes/gethIpc";
import { Kube, Kubectl } from "../../lib/kubernetes/kubectl";
import { memberName } from "../../lib/network/names";
import { enodePublicKey } from "../../lib/network/nodeAddress";
import { RequestFields, StepFields, stepRequest, StepTarget, TextRule } from "../../lib/stepEnvironment";
import { addRaftLearner, addRaftPeer, GUARDED_OPTIONS, leaveCluster, promoteLearner, removeRaftPeer } from "./act";
import { readyPeerPod } from "./observe";

const RPC_TIMEOUT_MS = 120_000;
const ENODE: TextRule = {
    test: (text: string) => enodePublicKey(text) !== undefined,
    what: "an enode URL (enode://<128 hex digits>@<ip>:<port>?raftport=<port>)",
};

/** join and promote: the member (its N in node-N) and its enode. */
export interface RaftEntryStepRequest extends StepTarget {
    index: number;
    enode: string;
}

/** leave: the member and its Raft id. */
export interface RaftLeaveStepRequest extends StepTarget {
    index: number;
    raftId: number;
}

export function raftEntryStepFields(fields: RequestFields): StepFields<RaftEntryStepRequest> {
    return { index: fields.wholeNumber("index", 1), enode: fields.string("enode", ENODE) };
}

export function raftLeaveStepFields(fields: RequestFields): StepFields<RaftLeaveStepRequest> {
    return { index: fields.wholeNumber("index", 1), raftId: fields.wholeNumber("raftId", 1) };
}

function rpcTo(node: string, args: ToolArgs): RpcCall {
    if (/^https?:\/\//.test(node)) return httpRpc(node, RPC_TIMEOUT_MS);
    const { kubeContext, namespace } = args.kubeTarget();
    return ipcRpc(new Kubectl(kubeContext, namespace), node);
}

function enodeOf(text: string): string {
    if (!ENODE.test(text)) throw new UsageError(`${text} is not ${ENODE.what}`);
    return text;
}

function raftIdOf(text: string): number {
    const raftId = Number(text);
    if (!/^\d+$/.test(text) || raftId <= 0)
        throw new UsageError(`${text} is not a Raft id (a whole number from raft_cluster)`);
    return raftId;
}

async function add(rpc: RpcCall, enode: string, log: (line: string) => void): Promise<number> {
    const { raftId, added } = await addRaftPeer(rpc, enode);
    log(added ? `added as Raft id ${raftId}` : `already a member, Raft id ${raftId}`);
    return raftId;
}

async function remove(rpc: RpcCall, raftId: number, log: (line: string) => void): Promise<number> {
    const removed = await removeRaftPeer(rpc, raftId);
    log(removed ? `removed Raft id ${raftId}` : `Raft id ${raftId} is not a member; nothing to do`);
    return raftId;
}

/** A step's member, and the node other than it that takes the change. */
interface OnPeer {
    kube: Kube;
    rpc: RpcCall;
    log: (line: string) => void;
}

async function onPeer(target: StepTarget, index: number): Promise<OnPeer> {
    const log = (line: string) => console.error(`raft-membership[${memberName(index)}]: ${line}`);
    const kube = new Kubectl(target.kubeContext, target.namespace);
    const pod = await readyPeerPod(kube, index, log);
    return { kube, rpc: ipcRpc(kube, pod), log: (line) => log(`${line} (on ${pod})`) };
}

/** join: a learner, before the member's pod, which starts with the Raft id printed. */
async function joinPhase(args: ToolArgs): Promise<number> {
    const request = stepRequest(args, raftEntryStepFields);
    const { rpc, log } = await onPeer(request, request.index);
    const { raftId, added } = await addRaftLearner(rpc, request.enode);
    log(added ? `added as a learner, Raft id ${raftId}` : `already a member, Raft id ${raftId}`);
    return raftId;
}

/** promote: a voting member once the learner's pod runs in step. */
async function promotePhase(args: ToolArgs): Promise<number> {
    const { index, enode, ...target } = stepRequest(args, raftEntryStepFields);
    const { kube, rpc, log } = await onPeer(target, index);
    const { raftId, promoted } = await promoteLearner(kube, rpc, { index, enode }, GUARDED_OPTIONS, log);
    log(
        promoted
            ? `promoted Raft id ${raftId} to a voting member`
            : `Raft id ${raftId} is a voting member already; nothing to do`,
    );
    return raftId;
}

/** leave: removed once it leads no more and the rest keep a majority in step. */
async function leavePhase(args: ToolArgs): Promise<number> {
    const { index, raftId, ...target } = stepRequest(args, raftLeaveStepFields);
    const { kube, rpc, log } = await onPeer(target, index);
    const removed = await leaveCluster(kube, rpc, { index, raftId }, GUARDED_OPTIONS, log);
    log(removed ? `removed Raft id ${raftId}` : `Raft id ${raftId} is not a member; nothing to do`);
    return raftId;
}

/** The steps' phases, on another member's pod: each reads its request before it waits for a node, so a bad one is named at once. */
const PHASES = new Map([
    ["join", joinPhase],
    ["promote", promotePhase],
    ["leave", leavePhase],
]);

async function run(args: ToolArgs): Promise<number> {
    const [action, node, member] = args.positional();
    const log = (line: string) => console.error(`raft-peer: ${line}`);
    const phase = PHASES.get(action);
    let raftId: number;
    if (phase) raftId = await phase(args);
    else if (action !== "add" && action !== "remove")
        throw new UsageError(action === undefined ? "give add or remove" : `no action "${action}": add or remove`);
    else if (!node || !member)
        throw new UsageError(`give the node and the ${action === "add" ? "new member's enode" : "member's Raft id"}`);
    // The enode or id is checked before rpcTo reads the stack: a bad argument is named as such.
    else if (action === "add") {
        const enode = enodeOf(member);
        raftId = await add(rpcTo(node, args), enode, log);
    } else {
        const id = raftIdOf(member);
        raftId = await remove(rpcTo(node, args), id, log);
    }
    console.log(raftId);
    return 0;
}

const USAGE =
    "usage: npm run raft-peer -- add <pod|rpc-url> <enode> | remove <pod|rpc-url> <raft-id>   [--stack NAME | --context C --namespace N]";

export const raftMembershipTool: Tool = {
    name: "raft-peer",
    usage: USAGE,
    options: ["stack", "context", "namespace"],
    arguments: 3,
    run,
};
