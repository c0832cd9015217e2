// Observed nodes for the pure plans' tests: node N answers, in step at height 100, signing as 0xN.
import { ObservedNode } from "../../lib/model/observed";

/** Nodes 1..count with `peers` peers each; `faults` change single nodes. */
export function inStepNodes(
    count: number,
    faults: Record<number, Partial<ObservedNode>> = {},
    peers = 3,
): ObservedNode[] {
    return Array.from({ length: count }, (_, i) => ({
        index: i + 1,
        name: `node-${i + 1}`,
        podReady: true,
        head: { number: 100 },
        peers,
        identity: `0x${i + 1}`,
        ...faults[i + 1],
    }));
}
