// The membership changes of a running Raft network, as GoQuorum's raft API makes them, each
// confirmed by raft_cluster: a new member joins as a learner (raft_addLearner) and becomes a voting
// member (raft_promoteToPeer) once its node is in step; a leaving one is removed (raft_removePeer)
// once it leads no more and the others keep a majority in step.
import { RpcCall, RpcRefusal } from "../../lib/httpRequest";
import { Kube } from "../../lib/kubernetes/kubectl";
import { memberName, nodePodName } from "../../lib/network/names";
import { pollUntil, PollTimeout } from "../../lib/poll";
import { enodeKey, findMember, observeRaft, raftCluster } from "./observe";
import { isVoter, leaveStep, LeaveStep, promotionStep, PromotionStep } from "./plan";

export interface MembershipOptions {
    /** How long to wait for the cluster to list the change (it commits through the Raft log). */
    settleMs: number;
    pollMs: number;
}

/** The waits of a change made only when the chain can take it. */
export interface GuardedOptions extends MembershipOptions {
    /** How long a learner may take to be in step: its pod starts (images pulled), then it catches up through the Raft log. */
    inStepMs: number;
    /** How long the others may take to elect a leader once the leaving leader's pod is deleted (an election takes 1-2 s). */
    leaderMs: number;
}

/** Long: a change can wait out a block proposal and a leader election (see proposeUntilDone). */
const DEFAULT_OPTIONS: MembershipOptions = { settleMs: 180_000, pollMs: 1_000 };
export const GUARDED_OPTIONS: GuardedOptions = {
    settleMs: 180_000,
    pollMs: 2_000,
    inStepMs: 900_000,
    leaderMs: 120_000,
};

type Log = (line: string) => void;

/** The chain cannot take the change now: said with the member, the numbers and what was left undone. */
export class MembershipRefused extends Error {}

/** The member's Raft id, and whether this call added it (false: it was a member already). */
export interface Added {
    raftId: number;
    added: boolean;
}

/** A member on its way in, and the node pod it runs on. */
export interface Joining {
    index: number;
    enode: string;
}

/** The member's Raft id, and whether this call promoted it (false: it voted already). */
export interface Promoted {
    raftId: number;
    promoted: boolean;
}

/** A member on its way out, by the id it holds in the cluster. */
export interface Leaving {
    index: number;
    raftId: number;
}

/** By hand: adds the enode as a voting member unless it is a member already; its Raft id once raft_cluster lists it. */
export function addRaftPeer(rpc: RpcCall, enode: string, options = DEFAULT_OPTIONS): Promise<Added> {
    return addMember("raft_addPeer", rpc, enode, options);
}

/**
 * A new member of the step's network joins as a learner: it counts toward no majority while it
 * catches up, so a 2-member cluster growing to 3 still needs 2 of the 2 that run. Its Raft id is
 * returned once raft_cluster lists it, and a member listed already keeps its id.
 */
export function addRaftLearner(
    rpc: RpcCall,
    enode: string,
    options: MembershipOptions = GUARDED_OPTIONS,
): Promise<Added> {
    return addMember("raft_addLearner", rpc, enode, options);
}

/** raft_addPeer and raft_addLearner refuse an enode in the cluster (raft/handler.go:330-373): a member keeps its id. */
async function addMember(
    call: "raft_addPeer" | "raft_addLearner",
    rpc: RpcCall,
    enode: string,
    options: MembershipOptions,
): Promise<Added> {
    const existing = await findMember(rpc, enode);
    if (existing !== undefined) return { raftId: existing.raftId, added: false };
    const listed = async () => (await findMember(rpc, enode))?.raftId;
    const raftId = await proposeUntilDone(call, () => rpc<number>(call, [enode]), listed, options);
    await pollUntil(
        `raft id ${raftId} listed by raft_cluster`,
        async () => ((await listed()) === raftId ? true : undefined),
        pollOptions(options),
    );
    return { raftId, added: true };
}

/**
 * Promotes the joining learner once its node is in step (promotionStep), waiting for it up to
 * inStepMs; a member that votes already is left as it is. Whether it was promoted, and its id.
 */
export async function promoteLearner(
    kube: Kube,
    rpc: RpcCall,
    joining: Joining,
    options: GuardedOptions,
    log: Log,
): Promise<Promoted> {
    const name = memberName(joining.index);
    const member = { index: joining.index, key: enodeKey(joining.enode) };
    let last: PromotionStep | undefined;
    const next = async () => {
        last = promotionStep(await raftCluster(rpc), member, await observeRaft(kube, joining.index));
        if (last.kind === "notMember")
            throw new MembershipRefused(`${name} is not in the Raft cluster: its join step adds it as a learner first`);
        if (last.kind === "wait") throw new Error(last.why);
        return last;
    };
    const onTimeout = (timeout: PollTimeout) => {
        const id = last && "raftId" in last ? ` (Raft id ${last.raftId})` : "";
        const why = `not ready to vote within ${seconds(timeout.timeoutMs)} s (${timeout.lastError})`;
        return new MembershipRefused(
            `${name}${id} stays a learner: ${why}; a later run promotes it once it is in step`,
        );
    };
    const waits = { ...guardedPoll(options.inStepMs, options), onTimeout, onWait: everyTenth(log) };
    const ready = await pollUntil(`${name} in step`, next, waits);
    if (ready.kind === "done") return { raftId: ready.raftId, promoted: false };
    const votes = async () => {
        const listed = await findMember(rpc, joining.enode);
        return listed && isVoter(listed) ? true : undefined;
    };
    await proposeUntilDone(
        "raft_promoteToPeer",
        () => rpc<boolean>("raft_promoteToPeer", [ready.raftId]),
        votes,
        options,
    );
    await pollUntil(`${name} (Raft id ${ready.raftId}) listed as a voting member`, votes, pollOptions(options));
    return { raftId: ready.raftId, promoted: true };
}

/**
 * Removes the leaving member once leaveStep allows it: when it leads, its pod is deleted first (its
 * StatefulSet makes it anew) and the removal waits until another member leads, up to leaderMs.
 * Whether it removed the member (false: it was gone already).
 */
export async function leaveCluster(
    kube: Kube,
    rpc: RpcCall,
    leaving: Leaving,
    options: GuardedOptions,
    log: Log,
): Promise<boolean> {
    const name = memberName(leaving.index);
    let podDeleted = false;
    const next = async (): Promise<LeaveStep> => {
        const step = leaveStep(await raftCluster(rpc), leaving, await observeRaft(kube, leaving.index));
        if (step.kind === "refuse")
            throw new MembershipRefused(`${step.why}; Raft id ${leaving.raftId} was not removed`);
        if (step.kind === "gone" || step.kind === "remove") return step;
        if (step.kind === "moveLeadership" && !podDeleted) {
            log(`${name} leads: deleting its pod so that another member is elected before it is removed`);
            await kube.deletePod(nodePodName(leaving.index));
            podDeleted = true;
        }
        throw new Error(step.kind === "wait" ? step.why : `${name} still leads`);
    };
    const onTimeout = (timeout: PollTimeout) => {
        const within = `within ${seconds(timeout.timeoutMs)} s`;
        const why = podDeleted
            ? `${name} leads, and no other member led ${within} of its pod's deletion`
            : `${name} could not leave ${within}`;
        return new MembershipRefused(`${why} (${timeout.lastError}); Raft id ${leaving.raftId} was not removed`);
    };
    const waits = { ...guardedPoll(options.leaderMs, options), onTimeout, onWait: everyTenth(log) };
    const step = await pollUntil(`${name} ready to leave`, next, waits);
    if (step.kind === "gone") return false;
    return removeRaftPeer(rpc, leaving.raftId, options);
}

/** Removes the member with this Raft id unless it is gone already; returns whether it removed it. */
export async function removeRaftPeer(rpc: RpcCall, raftId: number, options = DEFAULT_OPTIONS): Promise<boolean> {
    const listed = async () => (await raftCluster(rpc)).some((member) => member.raftId === raftId);
    if (!(await listed())) return false;
    const gone = async () => ((await listed()) ? undefined : true);
    await proposeUntilDone(
        `raft_removePeer`,
        () => rpc<null>("raft_removePeer", [raftId]).then(() => true),
        gone,
        options,
    );
    await pollUntil(`raft id ${raftId} gone from raft_cluster`, gone, pollOptions(options));
    return true;
}

const seconds = (ms: number) => Math.round(ms / 1000);
const pollOptions = (options: MembershipOptions) => ({ timeoutMs: options.settleMs, intervalMs: options.pollMs });
const isRefusal = (error: unknown) => error instanceof MembershipRefused;
const guardedPoll = (timeoutMs: number, options: MembershipOptions) => ({
    timeoutMs,
    intervalMs: options.pollMs,
    isFinal: isRefusal,
});

/** A wait of minutes says why now and then, not on every poll. */
const everyTenth = (log: Log) => (attempt: number, why: string | undefined) =>
    attempt % 10 === 1 && log(`waiting: ${why}`);

/**
 * GoQuorum hands its membership calls to its raft loop over an unbuffered channel, which blocks
 * while the loop is proposing a block or has no leader, so the call can go unanswered past any time
 * limit and still take effect; and it answers once proposed, not committed (raft/handler.go:330-401).
 * A call without an answer is no refusal: raft_cluster tells whether the change happened, and only
 * if it has not is it proposed again, until settleMs. The node's own refusal stands, unless a
 * proposal before it has meanwhile gone through.
 */
async function proposeUntilDone<T>(
    call: string,
    propose: () => Promise<T>,
    happened: () => Promise<T | undefined>,
    options: MembershipOptions,
): Promise<T> {
    const attempt = async () => {
        try {
            return await propose();
        } catch (error) {
            const done = await happened().catch(() => undefined);
            if (done !== undefined) return done;
            throw error;
        }
    };
    return pollUntil(`${call} taking effect`, attempt, {
        ...pollOptions(options),
        isFinal: (error) => error instanceof RpcRefusal,
    });
}
