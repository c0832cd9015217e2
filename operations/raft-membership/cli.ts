// npm run raft-peer -- add <node> <enode>        adds a member to a running Raft network
// npm run raft-peer -- remove <node> <raft-id>   removes one
// <node> is a node pod (node-set-1-0) of the stack's namespace (--stack, or --context and
// --namespace), reached over geth's IPC socket through 'kubectl exec', or the URL of a node's
// JSON-RPC that serves the raft API. Prints the member's Raft id on stdout; running it again for
// the same member changes nothing.
// join and leave are the Pulumi step's phases (step.ts): the environment names the member
// (KUBE_CONTEXT, NAMESPACE, MEMBER node-N; join: ENODE; leave: RAFT_ID), changed on the
// lowest-numbered Ready node other than the member itself.
import { Tool, ToolArgs, UsageError } from "../../lib/cli";
import { httpRpc, RpcCall } from "../../lib/httpRequest";
import { ipcRpc } from "../../lib/kubernetes/gethIpc";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import { memberIndexOf, memberName } from "../../lib/network/names";
import { enodePublicKey } from "../../lib/network/nodeAddress";
import { addRaftPeer, removeRaftPeer } from "./act";
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

async function join(rpc: RpcCall, enode: string, log: (line: string) => void): Promise<number> {
    const { raftId, added } = await addRaftPeer(rpc, enode);
    log(added ? `added as Raft id ${raftId}` : `already a member, Raft id ${raftId}`);
    return raftId;
}

async function leave(rpc: RpcCall, raftId: number, log: (line: string) => void): Promise<number> {
    const removed = await removeRaftPeer(rpc, raftId);
    log(removed ? `removed Raft id ${raftId}` : `Raft id ${raftId} is not a member; nothing to do`);
    return raftId;
}

/** The step's phases: on another member's pod, the member named in the environment. */
async function stepPhase(phase: "join" | "leave", args: ToolArgs): Promise<number> {
    const member = memberIndexOf(args.env("MEMBER"));
    if (member === undefined) throw new UsageError(`MEMBER must be node-N, not ${args.env("MEMBER")}`);
    const log = (line: string) => console.error(`raft-membership[${memberName(member)}]: ${line}`);
    const kube = new Kubectl(args.env("KUBE_CONTEXT"), args.env("NAMESPACE"));
    const pod = await readyPeerPod(kube, member, log);
    const onPod = (line: string) => log(`${line} (on ${pod})`);
    const rpc = ipcRpc(kube, pod);
    return phase === "join" ? join(rpc, args.env("ENODE"), onPod) : leave(rpc, raftIdOf(args.env("RAFT_ID")), onPod);
}

async function run(args: ToolArgs): Promise<number> {
    const [action, node, member] = args.positional();
    const log = (line: string) => console.error(`raft-peer: ${line}`);
    let raftId: number;
    if (action === "join" || action === "leave") raftId = await stepPhase(action, args);
    else if (action !== "add" && action !== "remove") throw new UsageError(action === undefined ? "give add or remove" : `no action "${action}": add or remove`);
    else if (!node || !member) throw new UsageError(`give the node and the ${action === "add" ? "new member's enode" : "member's Raft id"}`);
    // The enode or id is checked before rpcTo reads the stack: a bad argument is named as such.
    else if (action === "add") {
        const enode = enodeOf(member);
        raftId = await join(rpcTo(node, args), enode, log);
    } else {
        const id = raftIdOf(member);
        raftId = await leave(rpcTo(node, args), id, log);
    }
    console.log(raftId);
    return 0;
}

const USAGE = "usage: npm run raft-peer -- add <pod|rpc-url> <enode> | remove <pod|rpc-url> <raft-id>   [--stack NAME | --context C --namespace N]";

export const raftMembershipTool: Tool = { name: "raft-peer", usage: USAGE, options: ["stack", "context", "namespace"], arguments: 3, run };
