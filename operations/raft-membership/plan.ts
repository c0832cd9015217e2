// Who founds a Raft network, who joins it and who leaves it, from the members running now: a pure
// plan the network component only wires into resources. And, as the chain itself is observed, when
// a joining learner may be promoted and when a leaving member may be removed.
import { KubeObject } from "../../lib/kubernetes/kubectl";
import { majorityOf } from "../../lib/model/consensus";
import { chainQuorum, ObservedNetwork, outOfStep, raftLeadership } from "../../lib/model/observed";
import {
    memberName,
    nodeIndexOf,
    RAFT_FOUNDERS_ANNOTATION,
    RAFT_ID_ANNOTATION,
    RAFT_JOINED_ANNOTATION,
} from "../../lib/network/names";

/**
 * How a node's quorum process starts under Raft: a founder takes its id from its position in
 * static-nodes.json (the cluster's first configuration); a member that joined a running cluster
 * starts with the id raft_addPeer gave it.
 */
export type RaftStart = { kind: "founder"; founders: number } | { kind: "joiner"; raftId: number };

const isCount = (value: number) => Number.isInteger(value) && value > 0;

/**
 * The Raft members among node StatefulSets, by node index. One without a record is no Raft
 * member: it ran another consensus, whose chain a switch to Raft replaces.
 */
export function membersFrom(statefulSets: KubeObject[]): Map<number, RaftStart> {
    const members = new Map<number, RaftStart>();
    for (const item of statefulSets) {
        const index = nodeIndexOf(item.metadata.name);
        if (index === undefined) continue;
        const annotations = item.metadata.annotations ?? {};
        const raftId = Number(annotations[RAFT_ID_ANNOTATION]);
        const founders = Number(annotations[RAFT_FOUNDERS_ANNOTATION]);
        if (!isCount(raftId)) continue;
        if (annotations[RAFT_JOINED_ANNOTATION] === "true") members.set(index, { kind: "joiner", raftId });
        else if (isCount(founders)) members.set(index, { kind: "founder", founders });
    }
    return members;
}

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

/**
 * A founder starts with --raftInit. Any other member joins a running network: after the running
 * members before it that stay (their pods answer the membership call) and after the previous
 * joiner (Raft takes one membership change at a time).
 */
export type RaftEntryPlan =
    | { kind: "founder"; founders: number }
    | { kind: "joiner"; afterMembers: number[]; afterJoinOf?: number };

export interface RaftLeave {
    index: number;
    /** The id the member holds in the cluster: a founder's is its index, a joiner's the recorded one. */
    raftId: number;
}

export interface RaftPlan {
    /** For nodes 1..nodeCount. */
    entries: Map<number, RaftEntryPlan>;
    /** Members beyond nodeCount, highest first, each removed after the one before it. */
    leaves: RaftLeave[];
}

export function planRaft(running: Map<number, RaftStart>, nodeCount: number): RaftPlan {
    const founders = foundingMembers(running, nodeCount);
    const staying = [...running.keys()].filter((index) => index <= nodeCount).sort((a, b) => a - b);
    const entries = new Map<number, RaftEntryPlan>();
    let previousJoiner: number | undefined;
    for (let index = 1; index <= nodeCount; index++) {
        if (index <= founders && running.get(index)?.kind !== "joiner") {
            entries.set(index, { kind: "founder", founders });
            continue;
        }
        entries.set(index, {
            kind: "joiner",
            afterMembers: staying.filter((member) => member < index),
            ...(previousJoiner === undefined ? {} : { afterJoinOf: previousJoiner }),
        });
        previousJoiner = index;
    }
    // With no member staying, the whole network goes (a destroy): no membership changes.
    const leaving =
        staying.length === 0
            ? []
            : [...running.entries()].filter(([index]) => index > nodeCount).sort(([a], [b]) => b - a);
    const leaves = leaving.map(([index, start]) => ({ index, raftId: start.kind === "joiner" ? start.raftId : index }));
    return { entries, leaves };
}

/**
 * A member as a node's raft_cluster lists it (raft/api.go:82-119): role "minter" (the leader),
 * "verifier" or "learner"; "" for every member while that node knows no leader.
 */
export interface RaftClusterMember {
    raftId: number;
    /** The enode's public key, hex. */
    nodeId: string;
    role: string;
}

/** The member's enode public key as observed nodes give theirs: lower-case hex without 0x. */
export const memberKey = (member: RaftClusterMember) => member.nodeId.toLowerCase().replace(/^0x/, "");

/** Minters and verifiers count toward Raft's majority; learners do not. */
export const isVoter = (member: RaftClusterMember) => member.role === "minter" || member.role === "verifier";

const NO_LEADER_KNOWN = "the member node asked knows no Raft leader (raft_cluster gives no roles)";

/** What a joining member needs next: it joined as a learner (raft_addLearner) and becomes a voting member once in step. */
export type PromotionStep =
    | { kind: "notMember" }
    | { kind: "done"; raftId: number }
    | { kind: "wait"; raftId: number; why: string }
    | { kind: "promote"; raftId: number };

/**
 * GoQuorum promotes a learner without asking whether it caught up (raft/handler.go:386-401), and a
 * voting member that has not counts toward the majority all the same: the learner is promoted only
 * when its own node answers, is peered and within IN_STEP_BLOCKS of the head, and a leader with a
 * majority in step is there to commit the change.
 */
export function promotionStep(
    cluster: RaftClusterMember[],
    joining: { index: number; key: string },
    network: ObservedNetwork,
): PromotionStep {
    const listed = cluster.find((member) => memberKey(member) === joining.key);
    if (!listed) return { kind: "notMember" };
    if (isVoter(listed)) return { kind: "done", raftId: listed.raftId };
    if (listed.role !== "learner") return { kind: "wait", raftId: listed.raftId, why: NO_LEADER_KNOWN };
    const node = network.nodes.find((candidate) => candidate.index === joining.index);
    const behind = node ? outOfStep(network, node) : "not observed";
    const why = behind ? `${memberName(joining.index)} is not in step: ${behind}` : raftLeadership(network).problem;
    return why ? { kind: "wait", raftId: listed.raftId, why } : { kind: "promote", raftId: listed.raftId };
}

/** What a leaving member needs next; "refuse" stands (the rest lacks a majority), "wait" may pass. */
export type LeaveStep =
    | { kind: "gone" }
    | { kind: "remove" }
    | { kind: "moveLeadership" }
    | { kind: "wait"; why: string }
    | { kind: "refuse"; why: string };

/**
 * Raft here has no leadership transfer, and a removed leader stops its raft, leaving the rest to
 * elect one while the chain waits (raft/handler.go:941-982): a member that leads is not removed; its
 * pod is restarted first so the others elect one of them (no CheckQuorum or PreVote,
 * raft/handler.go:545-561: it goes on calling itself minter until it stops). Whoever leaves, the
 * other voting members in step must be a majority of the voting members left, and a majority of all
 * of them must be in step for the removal to commit.
 */
export function leaveStep(
    cluster: RaftClusterMember[],
    leaving: { index: number; raftId: number },
    network: ObservedNetwork,
): LeaveStep {
    const listed = cluster.find((member) => member.raftId === leaving.raftId);
    if (!listed) return { kind: "gone" };
    const voters = cluster.filter(isVoter).map(memberKey);
    if (voters.length === 0) return { kind: "wait", why: NO_LEADER_KNOWN };
    const name = memberName(leaving.index);
    const rest = chainQuorum(
        network,
        voters.filter((voter) => voter !== memberKey(listed)),
    )!;
    if (rest.up < rest.needed) {
        return {
            kind: "refuse",
            why: `removing ${name} would leave ${rest.up} of the other ${rest.of} Raft members in step; they need ${rest.needed}`,
        };
    }
    const leads =
        listed.role === "minter" ||
        network.nodes.some((node) => node.index === leaving.index && node.raftRole === "minter");
    if (leads) {
        const electing = majorityOf(voters.length);
        if (rest.up >= electing) return { kind: "moveLeadership" };
        const others = `${rest.up} of the other ${rest.of} Raft members in step`;
        return {
            kind: "refuse",
            why: `${name} leads, and ${others} cannot elect another without it (${electing} votes of ${voters.length})`,
        };
    }
    const all = chainQuorum(network, voters)!;
    if (all.up < all.needed)
        return {
            kind: "wait",
            why: `${all.up} of ${all.of} Raft members are in step; the removal commits with ${all.needed}`,
        };
    return { kind: "remove" };
}
