// The membership step of a Raft network that grows or shrinks, run by the program's Command
// resources: reaches a running member through 'kubectl port-forward' and adds or removes one
// member there (the same calls as scripts/raft-peer.ts). Prints the Raft id on stdout.
//
// Usage: raft-membership.ts join|leave
// Environment: KUBE_CONTEXT, NAMESPACE; VIA_MEMBERS (node indexes to reach, e.g. "1,2,3");
//   join: ENODE (the new member's), MEMBER (its name, for messages); leave: RAFT_ID, MEMBER.
import { Kubectl } from "../lib/kubernetes/kubectl";
import { PORTS } from "../lib/network/ports";
import { addRaftPeer, removeRaftPeer } from "../lib/network/raftMembership";

const WAIT_FOR_MEMBER_MS = 300_000;

function env(name: string): string {
    const value = process.env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
}

/** The first Ready pod of the members named in VIA_MEMBERS, waiting for one up to 5 minutes. */
async function readyMember(kube: Kubectl, via: string[], log: (line: string) => void): Promise<string> {
    const wanted = new Set(via.map((index) => `node-set-${index}-0`));
    const deadline = Date.now() + WAIT_FOR_MEMBER_MS;
    for (let attempt = 0; ; attempt++) {
        const ready = (await kube.pods()).find((pod) => wanted.has(pod.name) && pod.ready);
        if (ready) return ready.name;
        if (Date.now() > deadline) throw new Error(`none of ${[...wanted].join(", ")} was Ready within ${WAIT_FOR_MEMBER_MS / 1000} s`);
        if (attempt % 5 === 0) log(`waiting for a Ready member (${[...wanted].join(", ")})`);
        await new Promise((resolve) => setTimeout(resolve, 2000));
    }
}

async function main(action: string | undefined): Promise<void> {
    if (action !== "join" && action !== "leave") throw new Error("usage: raft-membership.ts join|leave");
    const member = env("MEMBER");
    const log = (line: string) => console.error(`raft-membership[${member}]: ${line}`);
    const kube = new Kubectl(env("KUBE_CONTEXT"), env("NAMESPACE"));
    const pod = await readyMember(kube, env("VIA_MEMBERS").split(","), log);
    const forward = await kube.portForward(`pod/${pod}`, [PORTS.rpc]);
    try {
        const rpcUrl = `http://127.0.0.1:${forward.ports.get(PORTS.rpc)}`;
        if (action === "join") {
            const { raftId, added } = await addRaftPeer(rpcUrl, env("ENODE"));
            log(added ? `added to the Raft cluster on ${pod} as Raft id ${raftId}` : `already a member of the Raft cluster, Raft id ${raftId}`);
            console.log(raftId);
        } else {
            const raftId = Number(env("RAFT_ID"));
            const removed = await removeRaftPeer(rpcUrl, raftId);
            log(removed ? `Raft id ${raftId} removed from the cluster on ${pod}` : `Raft id ${raftId} was not a member any more`);
            console.log(raftId);
        }
    } finally {
        forward.close();
    }
}

main(process.argv[2]).catch((error: Error) => {
    console.error(`raft-membership: ${error.message}`);
    process.exit(1);
});
