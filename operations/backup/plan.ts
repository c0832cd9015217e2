// The order a backup takes the members in, one at a time.
import { MemberState } from "../../lib/model/quorumRule";

/** The bootnode first (no consensus depends on it), then the nodes in order. */
export function backupOrder(members: MemberState[]): MemberState[] {
    return [...members].sort((a, b) => a.index - b.index);
}
