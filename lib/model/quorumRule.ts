// Whether a network of this size can lose one counted member at all: Raft needs a majority of its
// members, IBFT/QBFT a quorum of its validators (quorumSize, as GoQuorum computes it).
import { quorumSize, QuorumRule, stackCountedMembers } from "./consensus";

/** Whether the network keeps its majority or quorum with any one counted member down: 1 or 2 Raft members, or 1 or 2 validators under ceil(2N/3), do not. */
export function toleratesOneDown(consensus: QuorumRule, nodeCount: number): boolean {
    const counted = stackCountedMembers(consensus, nodeCount);
    return counted - 1 >= quorumSize(consensus, counted);
}
