// npm run raft-peer -- add <node> <enode>        adds a voting member to a running Raft network
// npm run raft-peer -- remove <node> <raft-id>   removes one
// <node> is a node pod (node-set-1-0) of the stack's namespace (--stack, or --context and
// --namespace), reached over geth's IPC socket through 'kubectl exec', or the URL of a node's
// JSON-RPC that serves the raft API. Prints the member's Raft id on stdout; running it again for
// the same member changes nothing. By hand these are GoQuorum's calls as they are: the steps'
// phases below are the ones that wait until the chain can take a change.
// join, promote and leave are the Pulumi steps' phases (step.ts): the environment names the member
// (KUBE_CONTEXT, NAMESPACE, MEMBER node-N; join and promote: ENODE; leave: RAFT_ID), changed on the
// lowest-numbered Ready node other than the member itself. join adds it as a learner, before its
// pod; promote makes it a voting member once its pod runs in step; leave removes it once it leads
// no more and the rest keep a majority in step.
import { Tool, ToolArgs, UsageError } from "../../lib/cli";
import { httpRpc, RpcCall } from "../../lib/httpRequest";
import { ipcRpc } from "../../lib/kubernetes/gethIpc";
import { Kube, Kubectl } from "../../lib/kubernetes/kubectl";
import { memberIndexOf, memberName } from "../../lib/network/names";
import { enodePublicKey } from "../../lib/network/nodeAddress";
import { addRaftLearner, addRaftPeer, GUARDED_OPTIONS, leaveCluster, promoteLearner, removeRaftPeer } from "./act";
import { readyPeerPod } from "./observe";

const RPC_TIMEOUT_MS = 120_000;

function rpcTo(node: string, args: ToolArgs): RpcCall {
    if (/^https?:\/\//.test(node)) return httpRpc(node, RPC_TIMEOUT_MS);
    const { kubeContext, namespace } = args.kubeTarget();
    return ipcRpc(new Kubectl(kubeContext, namespace), node);
}

function enodeOf(text: string): string {
    if (!enodePublicKey(text)) throw new UsageError(`${text} is not an enode URL (enode://<128 hex digits>@<ip>:<port>?raftport=<port>)`);
    return text;
}

function raftIdOf(text: string): number {
    const raftId = Number(text);
    if (!/^\d+$/.test(text) || raftId <= 0) throw new UsageError(`${text} is not a Raft id (a whole number from raft_cluster)`);
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

async function onPeer(args: ToolArgs, index: number): Promise<OnPeer> {
    const log = (line: string) => console.error(`raft-membership[${memberName(index)}]: ${line}`);
    const kube = new Kubectl(args.env("KUBE_CONTEXT"), args.env("NAMESPACE"));
    const pod = await readyPeerPod(kube, index, log);
    return { kube, rpc: ipcRpc(kube, pod), log: (line) => log(`${line} (on ${pod})`) };
}

/** join: a learner, before the member's pod, which starts with the Raft id printed. */
async function joinPhase(args: ToolArgs, index: number): Promise<number> {
    const enode = enodeOf(args.env("ENODE"));
    const { rpc, log } = await onPeer(args, index);
    const { raftId, added } = await addRaftLearner(rpc, enode);
    log(added ? `added as a learner, Raft id ${raftId}` : `already a member, Raft id ${raftId}`);
    return raftId;
}

/** promote: a voting member once the learner's pod runs in step. */
async function promotePhase(args: ToolArgs, index: number): Promise<number> {
    const enode = enodeOf(args.env("ENODE"));
    const { kube, rpc, log } = await onPeer(args, index);
    const { raftId, promoted } = await promoteLearner(kube, rpc, { index, enode }, GUARDED_OPTIONS, log);
    log(promoted ? `promoted Raft id ${raftId} to a voting member` : `Raft id ${raftId} is a voting member already; nothing to do`);
    return raftId;
}

/** leave: removed once it leads no more and the rest keep a majority in step. */
async function leavePhase(args: ToolArgs, index: number): Promise<number> {
    const raftId = raftIdOf(args.env("RAFT_ID"));
    const { kube, rpc, log } = await onPeer(args, index);
    const removed = await leaveCluster(kube, rpc, { index, raftId }, GUARDED_OPTIONS, log);
    log(removed ? `removed Raft id ${raftId}` : `Raft id ${raftId} is not a member; nothing to do`);
    return raftId;
}

/** Each phase reads its input before it waits for a node: a missing one is named at once. */
const PHASES = new Map([
    ["join", joinPhase],
    ["promote", promotePhase],
    ["leave", leavePhase],
]);

/** The step's phases: on another member's pod, the member named in the environment. */
async function stepPhase(phase: (args: ToolArgs, index: number) => Promise<number>, args: ToolArgs): Promise<number> {
    const index = memberIndexOf(args.env("MEMBER"));
    if (index === undefined) throw new UsageError(`MEMBER must be node-N, not ${args.env("MEMBER")}`);
    return phase(args, index);
}

async function run(args: ToolArgs): Promise<number> {
    const [action, node, member] = args.positional();
    const log = (line: string) => console.error(`raft-peer: ${line}`);
    const phase = PHASES.get(action);
    let raftId: number;
    if (phase) raftId = await stepPhase(phase, args);
    else if (action !== "add" && action !== "remove") throw new UsageError(action === undefined ? "give add or remove" : `no action "${action}": add or remove`);
    else if (!node || !member) throw new UsageError(`give the node and the ${action === "add" ? "new member's enode" : "member's Raft id"}`);
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

const USAGE = "usage: npm run raft-peer -- add <pod|rpc-url> <enode> | remove <pod|rpc-url> <raft-id>   [--stack NAME | --context C --namespace N]";

export const raftMembershipTool: Tool = { name: "raft-peer", usage: USAGE, options: ["stack", "context", "namespace"], arguments: 3, run };
