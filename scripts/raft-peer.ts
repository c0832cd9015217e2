// npm run raft-peer -- add <rpc-url> <enode>      adds a member to a running Raft network
// npm run raft-peer -- remove <rpc-url> <raft-id>  removes one
// Against any GoQuorum node's JSON-RPC (e.g. through 'kubectl port-forward pod/node-set-1-0 8545').
// Prints the member's Raft id on stdout; running it again for the same member changes nothing.
import { addRaftPeer, removeRaftPeer } from "../lib/network/raftMembership";

const USAGE = "usage: raft-peer add <rpc-url> <enode> | raft-peer remove <rpc-url> <raft-id>";

async function main(argv: string[]): Promise<number> {
    const [action, rpcUrl, member] = argv;
    if (!rpcUrl || !member) {
        console.error(USAGE);
        return 2;
    }
    if (action === "add") {
        const { raftId, added } = await addRaftPeer(rpcUrl, member);
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
        const removed = await removeRaftPeer(rpcUrl, raftId);
        console.error(removed ? `raft-peer: removed Raft id ${raftId}` : `raft-peer: Raft id ${raftId} is not a member; nothing to do`);
        console.log(raftId);
        return 0;
    }
    console.error(USAGE);
    return 2;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
        console.error(`raft-peer: ${error.message}`);
        process.exit(1);
    },
);
