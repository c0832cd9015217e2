// Changing an IBFT/QBFT network's validators by vote (GoQuorum's istanbul API): each validator in
// step proposes the change, which goes into the blocks it seals; the set changes once more than
// half of the validators have voted. One change at a time, judged again (plan.ts) on a fresh
// reading of the network just before the votes go out, and confirmed on every node in step.
import { majorityOf } from "../../lib/model/consensus";
import { chainQuorum, inStep, ObservedNode, outOfStep } from "../../lib/model/observed";
import { pollUntil } from "../../lib/poll";
import { Observe, VotingView } from "./observe";
import { changeProblem, ValidatorChange } from "./plan";

export interface VoteOptions {
    /** How long an added node may take to be in step, and then the vote to show in every node's set. */
    settleMs: number;
    pollMs: number;
    log: (line: string) => void;
    /** The validators command's nodes, for the by-hand vote a refusal may advise. */
    voteVia?: string;
}

const verbOf = (change: ValidatorChange) => (change.add ? "add" : "remove");

/**
 * Makes one change unless the chain's set shows it already; returns the set every node in step
 * agrees on after it. A change that would leave a chain that cannot seal is refused before any
 * vote. A vote that does not show in time fails; no more votes are proposed after it.
 */
export async function changeValidator(
    observe: Observe,
    change: ValidatorChange,
    options: VoteOptions,
): Promise<{ changed: boolean; validators: string[] }> {
    let view = await observe();
    const shown = (current: VotingView) => current.network.chainSet?.includes(change.address) === change.add;
    if (change.add && view.network.chainSet && !shown(view))
        view = await addedInStep(observe, view, change.address, options);
    const set = view.network.chainSet;
    if (set && shown(view)) return { changed: false, validators: set };
    const problem = changeProblem(view.network, change, { voteVia: options.voteVia });
    if (problem) throw new Error(problem);
    const voters = chainQuorum(view.network)!.upNodes;
    for (const voter of voters) await view.rpcOf(voter)("istanbul_propose", [change.address, change.add]);
    options.log(
        `${voters.length} of ${set!.length} validators voted to ${verbOf(change)} ${change.address}; waiting for every node's set to show it`,
    );
    try {
        return { changed: true, validators: await agreedSet(view, voters, change, options) };
    } finally {
        // Stops each voter proposing it in its next blocks; votes already sealed still count (see sealedVotes).
        await Promise.all(
            voters.map((voter) =>
                view
                    .rpcOf(voter)("istanbul_discard", [change.address])
                    .catch(() => undefined),
            ),
        );
    }
}

/** A node voted in while it syncs counts toward the quorum without sealing: the vote waits for it to be in step. */
async function addedInStep(
    observe: Observe,
    first: VotingView,
    added: string,
    options: VoteOptions,
): Promise<VotingView> {
    let view = first;
    const nodeOf = (current: VotingView) => current.network.nodes.find((node) => node.identity === added);
    const ready = (current: VotingView) => {
        const node = nodeOf(current);
        return node !== undefined && inStep(current.network, node);
    };
    if (ready(view)) return view;
    options.log(`waiting for the node of ${added} to be in step before voting it in`);
    const attempt = async () => {
        view = await observe();
        return ready(view) ? view : undefined;
    };
    const onTimeout = () => {
        const node = nodeOf(view);
        const which = node ? `${node.name} (${added})` : added;
        const why = node ? outOfStep(view.network, node) : "no node answers as it";
        const seconds = Math.round(options.settleMs / 1000);
        return new Error(
            `${which} is not in step after ${seconds} s (${why}); it is voted in only once it is: let it catch up, then run the same again`,
        );
    };
    return pollUntil(`${added} in step`, attempt, {
        timeoutMs: options.settleMs,
        intervalMs: options.pollMs,
        onTimeout,
    });
}

async function agreedSet(
    view: VotingView,
    voters: ObservedNode[],
    change: ValidatorChange,
    options: VoteOptions,
): Promise<string[]> {
    const nodes = view.network.nodes.filter((node) => inStep(view.network, node));
    const read = (node: ObservedNode) =>
        view
            .rpcOf(node)<string[]>("istanbul_getValidators")
            .then((set) => set.map((member) => member.toLowerCase()));
    let sets: (string[] | undefined)[] = [];
    const shownEverywhere = async () => {
        sets = await Promise.all(nodes.map((node) => read(node).catch(() => undefined)));
        return sets.every((set) => set !== undefined && set.includes(change.address) === change.add)
            ? sets[0]
            : undefined;
    };
    const onTimeout = async () => {
        const withOrWithout = (set: string[]) => (set.includes(change.address) ? "with" : "without");
        const shownOn = (set?: string[]) =>
            set ? `${set.length} validators ${withOrWithout(set)} ${change.address}` : "no answer";
        const each = nodes.map((node, i) => `${node.name}: ${shownOn(sets[i])}`).join("; ");
        const sealed = await sealedVotes(view, voters[0], change);
        return new Error(
            `the vote to ${verbOf(change)} ${change.address} did not pass within ${Math.round(options.settleMs / 1000)} s (${each}); ${sealed}`,
        );
    };
    return pollUntil("the vote", shownEverywhere, {
        timeoutMs: options.settleMs,
        intervalMs: options.pollMs,
        onTimeout,
    });
}

interface Snapshot {
    epoch: number;
    number: number;
    validators: string[];
    tally?: Record<string, { authorize: boolean; votes: number }>;
}

/**
 * What becomes of the votes: istanbul_discard drops only each node's own proposal (backend.go);
 * votes sealed in block headers keep counting until the next epoch block (engine.go), where the
 * tally starts over. The snapshot (istanbul_getSnapshot) says how many there are.
 */
async function sealedVotes(view: VotingView, voter: ObservedNode, change: ValidatorChange): Promise<string> {
    const resume = "run the same again (pulumi up) to propose it anew";
    const snapshot = await view
        .rpcOf(voter)<Snapshot>("istanbul_getSnapshot", ["latest"])
        .catch(() => undefined);
    if (!snapshot)
        return `no more votes will be proposed; votes already sealed in blocks count until the next epoch block: ${resume}`;
    const tally = Object.entries(snapshot.tally ?? {}).find(([member]) => member.toLowerCase() === change.address)?.[1];
    const votes = tally && tally.authorize === change.add ? tally.votes : 0;
    const needed = majorityOf(snapshot.validators.length);
    const epochBlock = (Math.floor(snapshot.number / snapshot.epoch) + 1) * snapshot.epoch;
    return (
        `no more votes will be proposed; ${votes} votes already sealed in blocks count until the next epoch block (block ${epochBlock}): ` +
        `the change may still pass before then if ${needed - votes} more validators vote for it: ${resume}`
    );
}
