// npm run raft-peer -- add <node> <enode>      adds a member to a running Raft network
// npm run raft-peer -- remove <node> <raft-id>  removes one
// <node> is a pod (node-set-1-0; with --context C --namespace N), reached over geth's IPC socket
// through 'kubectl exec', or the URL of a node's JSON-RPC that serves the raft API.
// Prints the member's Raft id on stdout; running it again for the same member changes nothing.
import { exitOnHelp, option } from "../lib/cli";
import { httpRpc, RpcCall } from "../lib/httpRequest";
import { ipcRpc } from "../lib/kubernetes/gethIpc";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { addRaftPeer, removeRaftPeer } from "../lib/network/raftMembership";

const USAGE = "usage: raft-peer add <pod|rpc-url> <enode> | raft-peer remove <pod|rpc-url> <raft-id>   [--context C] [--namespace N]";
const RPC_TIMEOUT_MS = 120_000;

function rpcTo(node: string, argv: string[]): RpcCall {
    if (/^https?:\/\//.test(node)) return httpRpc(node, RPC_TIMEOUT_MS);
    return ipcRpc(new Kubectl(option(argv, "context") ?? "minikube", option(argv, "namespace") ?? "quorum"), node);
}

async function main(argv: string[]): Promise<number> {
    const [action, node, member] = argv.filter((arg, i) => !arg.startsWith("--") && !argv[i - 1]?.startsWith("--"));
    if (!node || !member) {
        console.error(USAGE);
        return 2;
    }
    const rpc = rpcTo(node, argv);
    if (action === "add") {
        const { raftId, added } = await addRaftPeer(rpc, member);
        console.error(added ? `raft-peer: added as Raft id ${raftId}` : `raft-peer: already a member, Raft id ${raftId}`);
        console.log(raftId);
        return 0;
    }
    if (action === "remove") {
        const raftId = Number(member);
        if (!Number.isInteger(raftId) || raftId <= 0) {
            console.error(`raft-peer: ${member} is not a Raft id (a whole number from raft_cluster)`);
            return 2;
        }
        const removed = await removeRaftPeer(rpc, raftId);
        console.error(removed ? `raft-peer: removed Raft id ${raftId}` : `raft-peer: Raft id ${raftId} is not a member; nothing to do`);
        console.log(raftId);
        return 0;
    }
    console.error(USAGE);
    return 2;
}

exitOnHelp(process.argv, USAGE);
main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
        console.error(`raft-peer: ${error.message}`);
        process.exit(1);
    },
);
