// The membership changes of a running Raft network, as GoQuorum's raft API makes them:
// raft_addPeer of a new member, raft_removePeer of a leaving one, each confirmed by raft_cluster.
import { RpcCall, RpcRefusal } from "../../lib/httpRequest";
import { pollUntil } from "../../lib/poll";
import { findRaftId, raftCluster } from "./observe";

export interface MembershipOptions {
    /** How long to wait for the cluster to list the change (it commits through the Raft log). */
    settleMs: number;
    pollMs: number;
}

/** Long: a change can wait out a block proposal and a leader election (see proposeUntilDone). */
const DEFAULT_OPTIONS: MembershipOptions = { settleMs: 180_000, pollMs: 1_000 };

/**
 * Adds the enode to the cluster unless it is a member already; either way returns its Raft id once
 * raft_cluster lists it (a proposal Raft drops would otherwise hand out an id nobody holds).
 */
export async function addRaftPeer(rpc: RpcCall, enode: string, options = DEFAULT_OPTIONS): Promise<{ raftId: number; added: boolean }> {
    const existing = await findRaftId(rpc, enode);
    if (existing !== undefined) return { raftId: existing, added: false };
    const listed = () => findRaftId(rpc, enode);
    const raftId = await proposeUntilDone(`raft_addPeer`, () => rpc<number>("raft_addPeer", [enode]), listed, options);
    await pollUntil(`raft id ${raftId} listed by raft_cluster`, async () => ((await listed()) === raftId ? true : undefined), pollOptions(options));
    return { raftId, added: true };
}

/** Removes the member with this Raft id unless it is gone already; returns whether it removed it. */
export async function removeRaftPeer(rpc: RpcCall, raftId: number, options = DEFAULT_OPTIONS): Promise<boolean> {
    const listed = async () => (await raftCluster(rpc)).some((member) => member.raftId === raftId);
    if (!(await listed())) return false;
    const gone = async () => ((await listed()) ? undefined : true);
    await proposeUntilDone(`raft_removePeer`, () => rpc<null>("raft_removePeer", [raftId]).then(() => true), gone, options);
    await pollUntil(`raft id ${raftId} gone from raft_cluster`, gone, pollOptions(options));
    return true;
}

const pollOptions = (options: MembershipOptions) => ({ timeoutMs: options.settleMs, intervalMs: options.pollMs });

/**
 * GoQuorum hands raft_addPeer and raft_removePeer to its raft loop over an unbuffered channel, which
 * blocks while the loop is proposing a block or has no leader, so the call can go unanswered past
 * any time limit and still take effect. A call without an answer is no refusal: raft_cluster tells
 * whether the change happened, and only if it has not is it proposed again, until settleMs. The
 * node's own refusal stands, unless a proposal before it has meanwhile gone through.
 */
async function proposeUntilDone<T>(call: string, propose: () => Promise<T>, happened: () => Promise<T | undefined>, options: MembershipOptions): Promise<T> {
    const attempt = async () => {
        try {
            return await propose();
        } catch (error) {
            const done = await happened().catch(() => undefined);
            if (done !== undefined) return done;
            throw error;
        }
    };
    return pollUntil(`${call} taking effect`, attempt, { ...pollOptions(options), isFinal: (error) => error instanceof RpcRefusal });
}
