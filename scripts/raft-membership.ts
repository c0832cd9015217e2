// The membership step of a Raft network that grows or shrinks, run by the program's Command
// resources: on the lowest-numbered Ready node other than the member itself, through geth's IPC
// socket ('kubectl exec … geth attach'), adds or removes the member (the same calls as
// scripts/raft-peer.ts). Prints the Raft id on stdout.
//
// Usage: raft-membership.ts join|leave
// Environment: KUBE_CONTEXT, NAMESPACE, MEMBER (node-N); join: ENODE (the member's); leave: RAFT_ID.
import { exitOnHelp } from "../lib/cli";
import { ipcRpc } from "../lib/kubernetes/gethIpc";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { memberIndexOf, memberName, nodeIndexOf, nodePodName } from "../lib/network/names";
import { addRaftPeer, removeRaftPeer } from "../lib/network/raftMembership";

const WAIT_FOR_MEMBER_MS = 300_000;

function env(name: string): string {
    const value = process.env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
}

/** The lowest-numbered Ready node pod other than the member's own, waiting for one up to 5 minutes. */
async function readyMember(kube: Kubectl, member: number, log: (line: string) => void): Promise<string> {
    const own = nodePodName(member);
    const index = (pod: string) => nodeIndexOf(pod) ?? Infinity;
    const deadline = Date.now() + WAIT_FOR_MEMBER_MS;
    for (let attempt = 0; ; attempt++) {
        const ready = (await kube.pods()).filter((pod) => pod.ready && pod.name !== own && Number.isFinite(index(pod.name)));
        if (ready.length > 0) return ready.map((pod) => pod.name).sort((a, b) => index(a) - index(b))[0];
        if (Date.now() > deadline) throw new Error(`no other node was Ready within ${WAIT_FOR_MEMBER_MS / 1000} s`);
        if (attempt % 5 === 0) log("waiting for another node to be Ready");
        await new Promise((resolve) => setTimeout(resolve, 2000));
    }
}

const USAGE =
    "usage: raft-membership.ts join|leave   (run by pulumi up as a Command; its environment names the member, see the file's head)";

async function main(action: string | undefined): Promise<void> {
    if (action !== "join" && action !== "leave") throw new Error("usage: raft-membership.ts join|leave");
    const member = memberIndexOf(env("MEMBER"));
    if (member === undefined) throw new Error(`MEMBER must be node-N, not ${env("MEMBER")}`);
    const log = (line: string) => console.error(`raft-membership[${memberName(member)}]: ${line}`);
    const kube = new Kubectl(env("KUBE_CONTEXT"), env("NAMESPACE"));
    const pod = await readyMember(kube, member, log);
    const rpc = ipcRpc(kube, pod);
    if (action === "join") {
        const { raftId, added } = await addRaftPeer(rpc, env("ENODE"));
        log(added ? `added to the Raft cluster on ${pod} as Raft id ${raftId}` : `already a member of the Raft cluster, Raft id ${raftId}`);
        console.log(raftId);
    } else {
        const raftId = Number(env("RAFT_ID"));
        const removed = await removeRaftPeer(rpc, raftId);
        log(removed ? `Raft id ${raftId} removed from the cluster on ${pod}` : `Raft id ${raftId} was not a member any more`);
        console.log(raftId);
    }
}

exitOnHelp(process.argv, USAGE);
main(process.argv[2]).catch((error: Error) => {
    console.error(`raft-membership: ${error.message}`);
    process.exit(1);
});
