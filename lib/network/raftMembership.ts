// Raft membership of a running network: who is in it (read from the live StatefulSets' annotations)
// and the JSON-RPC calls that add or remove a member on a running node (raft_cluster, raft_addPeer,
// raft_removePeer, as GoQuorum's raft API serves them).
import { RpcCall, RpcRefusal } from "../httpRequest";
import { nodeIndexOf } from "./names";

/**
 * On each node StatefulSet: the member's Raft id, "true" when it joined a running network, and on
 * founders how many founders the network still has (a first up cut short has not made them all yet).
 */
export const RAFT_ID_ANNOTATION = "kaleido.io/raft-id";
export const RAFT_JOINED_ANNOTATION = "kaleido.io/raft-joined";
export const RAFT_FOUNDERS_ANNOTATION = "kaleido.io/raft-founders";

/**
 * How a node's quorum process starts under Raft: a founder takes its id from its position in
 * static-nodes.json (the cluster's first configuration); a member that joined a running cluster
 * starts with the id raft_addPeer gave it.
 */
export type RaftStart = { kind: "founder"; founders: number } | { kind: "joined"; raftId: number };

/** A node StatefulSet as `kubectl get statefulsets -o json` shows it. */
interface StatefulSetItem {
    metadata: { name: string; annotations?: Record<string, string> };
}

/**
 * The Raft members whose StatefulSets exist, by node index. A node StatefulSet without a record is
 * no Raft member: it ran another consensus, whose chain a switch to Raft replaces.
 */
export function runningMembersFrom(statefulSetsJson: string): Map<number, RaftStart> {
    const list = JSON.parse(statefulSetsJson) as { items: StatefulSetItem[] };
    const members = new Map<number, RaftStart>();
    for (const item of list.items) {
        const index = nodeIndexOf(item.metadata.name);
        if (index === undefined) continue;
        const annotations = item.metadata.annotations ?? {};
        const raftId = Number(annotations[RAFT_ID_ANNOTATION]);
        const founders = Number(annotations[RAFT_FOUNDERS_ANNOTATION]);
        if (!isCount(raftId)) continue;
        if (annotations[RAFT_JOINED_ANNOTATION] === "true") members.set(index, { kind: "joined", raftId });
        else if (isCount(founders)) members.set(index, { kind: "founder", founders });
    }
    return members;
}

const isCount = (value: number) => Number.isInteger(value) && value > 0;

/**
 * How many of nodes 1..nodeCount are founders: all of them for a new network; else the recorded
 * count (which a first up cut short had not finished making), less those a shrink removed, who can
 * only come back by joining.
 */
export function foundingMembers(running: Map<number, RaftStart>, nodeCount: number): number {
    if (running.size === 0) return nodeCount;
    const recorded = [...running.values()].map((start) => (start.kind === "founder" ? start.founders : 0));
    return Math.min(Math.max(...recorded), nodeCount);
}

/** One entry of raft_cluster. */
export interface RaftClusterMember {
    raftId: number;
    /** The enode's public key, hex. */
    nodeId: string;
}

/** The enode's public key, lower case without 0x: what raft_cluster lists as nodeId. */
export function enodePublicKey(enode: string): string {
    const key = /^enode:\/\/([0-9a-fA-F]{128})@/.exec(enode)?.[1];
    if (!key) throw new Error(`not an enode URL: ${enode}`);
    return key.toLowerCase();
}

function sameKey(nodeId: string, key: string): boolean {
    return nodeId.toLowerCase().replace(/^0x/, "") === key;
}

export async function raftCluster(rpc: RpcCall): Promise<RaftClusterMember[]> {
    return rpc<RaftClusterMember[]>("raft_cluster");
}

/** The member's Raft id, if the enode is in the cluster. */
export async function findRaftId(rpc: RpcCall, enode: string): Promise<number | undefined> {
    const key = enodePublicKey(enode);
    return (await raftCluster(rpc)).find((member) => sameKey(member.nodeId, key))?.raftId;
}

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
    const raftId = await proposeUntilDone(() => rpc<number>("raft_addPeer", [enode]), listed, options);
    await settle(options, `raft id ${raftId} listed by raft_cluster`, async () => (await listed()) === raftId);
    return { raftId, added: true };
}

/** Removes the member with this Raft id unless it is gone already; returns whether it removed it. */
export async function removeRaftPeer(rpc: RpcCall, raftId: number, options = DEFAULT_OPTIONS): Promise<boolean> {
    const listed = async () => (await raftCluster(rpc)).some((member) => member.raftId === raftId);
    if (!(await listed())) return false;
    const gone = async () => ((await listed()) ? undefined : true);
    await proposeUntilDone(() => rpc<null>("raft_removePeer", [raftId]).then(() => true), gone, options);
    await settle(options, `raft id ${raftId} gone from raft_cluster`, async () => !(await listed()));
    return true;
}

/**
 * GoQuorum hands raft_addPeer and raft_removePeer to its raft loop over an unbuffered channel, which
 * blocks while the loop is proposing a block or has no leader, so the call can go unanswered past
 * any time limit and still take effect. A call without an answer is no refusal: raft_cluster tells
 * whether the change happened, and only if it has not is it proposed again, until settleMs.
 */
async function proposeUntilDone<T>(propose: () => Promise<T>, happened: () => Promise<T | undefined>, options: MembershipOptions): Promise<T> {
    const deadline = Date.now() + options.settleMs;
    for (;;) {
        try {
            return await propose();
        } catch (error) {
            const done = await happened().catch(() => undefined);
            if (done !== undefined) return done;
            // The node's own refusal stands, unless a proposal before it has meanwhile gone through.
            if (error instanceof RpcRefusal || Date.now() > deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
}

async function settle(options: MembershipOptions, what: string, done: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + options.settleMs;
    while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${options.settleMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
}
