// Who founds a Raft network, who joins it and who leaves it, from the members running now: a pure
// plan the network component only wires into resources.
import { foundingMembers, RaftStart } from "./raftMembership";

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
        if (index <= founders && running.get(index)?.kind !== "joined") {
            entries.set(index, { kind: "founder", founders });
            continue;
        }
        entries.set(index, { kind: "joiner", afterMembers: staying.filter((member) => member < index), ...(previousJoiner === undefined ? {} : { afterJoinOf: previousJoiner }) });
        previousJoiner = index;
    }
    // With no member staying, the whole network goes (a destroy): no membership changes.
    const leaving = staying.length === 0 ? [] : [...running.entries()].filter(([index]) => index > nodeCount).sort(([a], [b]) => b - a);
    const leaves = leaving.map(([index, start]) => ({ index, raftId: start.kind === "joined" ? start.raftId : index }));
    return { entries, leaves };
}
