// Changing an IBFT/QBFT network's validators by vote (GoQuorum's istanbul API): each current
// validator proposes the change, which goes into the blocks it proposes; the set changes once more
// than half of them have voted. One change at a time, each confirmed on every node before the next.
import { majorityOf } from "../../lib/model/consensus";
import { pollUntil } from "../../lib/poll";
import { signingAddress, validatorSet, VotingNode } from "./observe";
import { ValidatorChange } from "./plan";

export interface VoteOptions {
    /** How long a change may take to show in every node's set (votes ride on the validators' blocks). */
    settleMs: number;
    pollMs: number;
    log: (line: string) => void;
}

/**
 * Makes one change unless the set shows it already; returns the set every node agrees on after it.
 * A change that does not show on every node in time fails with each node's set, after withdrawing
 * the votes, so nothing half-done lingers; running it again proposes again.
 */
export async function changeValidator(nodes: VotingNode[], change: ValidatorChange, options: VoteOptions): Promise<{ changed: boolean; validators: string[] }> {
    const before = await validatorSet(nodes[0]);
    if (before.includes(change.address) === change.add) return { changed: false, validators: before };
    const addresses = await Promise.all(nodes.map(signingAddress));
    const voters = nodes.filter((_, i) => addresses[i] !== undefined && before.includes(addresses[i]!));
    const needed = majorityOf(before.length);
    if (voters.length < needed) {
        throw new Error(`${change.add ? "adding" : "removing"} ${change.address} needs the votes of ${needed} of the ${before.length} validators, but only ${voters.length} can be reached (${voters.map((v) => v.name).join(", ") || "none"})`);
    }
    for (const voter of voters) await voter.rpc("istanbul_propose", [change.address, change.add]);
    options.log(`${voters.length} of ${before.length} validators voted to ${change.add ? "add" : "remove"} ${change.address}; waiting for every node's set to show it`);
    try {
        return { changed: true, validators: await agreedSet(nodes, change, options) };
    } finally {
        await Promise.all(voters.map((voter) => voter.rpc("istanbul_discard", [change.address]).catch(() => undefined)));
    }
}

async function agreedSet(nodes: VotingNode[], change: ValidatorChange, options: VoteOptions): Promise<string[]> {
    let sets: (string[] | undefined)[] = [];
    const shownEverywhere = async () => {
        sets = await Promise.all(nodes.map((node) => validatorSet(node).catch(() => undefined)));
        return sets.every((set) => set !== undefined && set.includes(change.address) === change.add) ? sets[0] : undefined;
    };
    const onTimeout = () => {
        const shownOn = (set: string[] | undefined) => (set ? `${set.length} validators ${set.includes(change.address) ? "with" : "without"} ${change.address}` : "no answer");
        const each = nodes.map((node, i) => `${node.name}: ${shownOn(sets[i])}`);
        return new Error(`the vote to ${change.add ? "add" : "remove"} ${change.address} did not pass within ${Math.round(options.settleMs / 1000)} s (${each.join("; ")}); its votes were withdrawn: run the same again (pulumi up) to propose it anew`);
    };
    return pollUntil("the vote", shownEverywhere, { timeoutMs: options.settleMs, intervalMs: options.pollMs, onTimeout });
}
