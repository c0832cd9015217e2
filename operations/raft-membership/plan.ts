// Who founds a Raft network, who joins it and who leaves it, from the members running now: a pure
// plan the network component only wires into resources.
import { KubeObject } from "../../lib/kubernetes/kubectl";
import { nodeIndexOf, RAFT_FOUNDERS_ANNOTATION, RAFT_ID_ANNOTATION, RAFT_JOINED_ANNOTATION } from "../../lib/network/names";

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
export type RaftEntryPlan = { kind: "founder"; founders: number } | { kind: "joiner"; afterMembers: number[]; afterJoinOf?: number };

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
        entries.set(index, { kind: "joiner", afterMembers: staying.filter((member) => member < index), ...(previousJoiner === undefined ? {} : { afterJoinOf: previousJoiner }) });
        previousJoiner = index;
    }
    // With no member staying, the whole network goes (a destroy): no membership changes.
    const leaving = staying.length === 0 ? [] : [...running.entries()].filter(([index]) => index > nodeCount).sort(([a], [b]) => b - a);
    const leaves = leaving.map(([index, start]) => ({ index, raftId: start.kind === "joiner" ? start.raftId : index }));
    return { entries, leaves };
}
