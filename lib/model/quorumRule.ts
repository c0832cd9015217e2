// Whether taking one member down now would break the network: Raft needs a majority of its
// members, IBFT/QBFT a quorum of its validators. A backup and a rollout stop members one at a time
// by this rule.
import { bftQuorum, majorityOf, QuorumRule } from "./consensus";

export interface MemberState {
    /** 0 for the bootnode, N for node N. */
    index: number;
    name: string;
    ready: boolean;
    /** IBFT/QBFT: in the set the stack counts. */
    validator: boolean;
}

/** Why `member` may not be stopped now (the others as they are), or undefined when it may. */
export function stopProblem(consensus: QuorumRule, members: MemberState[], member: MemberState): string | undefined {
    // The bootnode holds no consensus; a member already down takes nothing more down.
    if (member.index === 0 || !member.ready) return undefined;
    const nodes = members.filter((other) => other.index > 0);
    const counted = consensus.kind === "raft" ? nodes : nodes.filter((node) => node.validator);
    if (consensus.kind !== "raft" && !member.validator) return undefined;
    const needed = consensus.kind === "raft" ? majorityOf(counted.length) : bftQuorum(counted.length);
    const left = counted.filter((other) => other.ready && other.index !== member.index).length;
    if (left >= needed) return undefined;
    const what = consensus.kind === "raft" ? `Raft members (a majority is ${needed})` : `validators (a quorum is ${needed})`;
    return `taking ${member.name} down would leave ${left} of ${counted.length} ${what} running`;
}

/** Whether the network keeps its majority or quorum with any one counted member down: 1-3 BFT validators or 1-2 Raft members do not. */
export function toleratesOneDown(consensus: QuorumRule, nodeCount: number): boolean {
    const counted = consensus.kind === "raft" ? nodeCount : consensus.validators;
    const needed = consensus.kind === "raft" ? majorityOf(counted) : bftQuorum(counted);
    return counted - 1 >= needed;
}
