// Whether a change of validators can be voted through and leave a chain that still seals: judged
// at preview and again just before the votes are sent, from one observation of the running
// network (the chain's set, each node's signing address, which nodes are in step), never from
// pods' readiness. Votes ride in sealed blocks: a change that stops sealing can never be undone.
import { BftConsensus, isStackValidator, majorityOf } from "../../lib/model/consensus";
import { QdataFolder } from "../../lib/model/qdata";
import { chainQuorum, ChainQuorum, ObservedNetwork, outOfStep } from "../../lib/model/observed";
import { nodePodName } from "../../lib/network/names";

const address = (hex: string) => `0x${hex}`;
const lower = (hex: string) => hex.toLowerCase();

export interface ValidatorChange {
    address: string;
    add: boolean;
}

/** The changes that take `current` to `desired`: removals first (a smaller set needs fewer votes), then additions, each in order. */
export function changesBetween(current: string[], desired: string[]): ValidatorChange[] {
    const has = (set: string[], member: string) => set.map(lower).includes(lower(member));
    const removals = current
        .filter((member) => !has(desired, member))
        .map((member) => ({ address: lower(member), add: false }));
    const additions = desired
        .filter((member) => !has(current, member))
        .map((member) => ({ address: lower(member), add: true }));
    return [...removals, ...additions];
}

/** The validators the stack counts: the first `validators` nodes' signing addresses. */
export function desiredValidators(consensus: BftConsensus, qdata: QdataFolder): string[] {
    return qdata.nodes
        .filter((node) => isStackValidator(consensus, node.index))
        .map((node) => address(node.nodeAddress));
}

/** The genesis's validators: a new network starts with these. */
export function genesisValidators(qdata: QdataFolder): string[] {
    return qdata.genesis.kind === "raft" ? [] : qdata.genesis.validators.map(address);
}

export interface ChangeOptions {
    /** Addresses of nodes this up creates (no pod yet): judged in step, since the vote step waits for them to be. */
    comingUp?: string[];
    /** The validators command's nodes (pods or RPC URLs) for a vote by hand; a pod of a validator in step unless given. */
    voteVia?: string;
}

/** Why the running chain cannot go from its set to `desired` in this up (one line), or undefined when it can. */
export function validatorChangeProblem(
    network: ObservedNetwork,
    desired: string[],
    options: ChangeOptions = {},
): string | undefined {
    if (!network.chainSet) return cannotRead(network);
    const changes = changesBetween(network.chainSet, desired);
    if (changes.length > 1) {
        return (
            `the running chain has ${network.chainSet.length} validators and the stack asks for ${desired.length}, ${changes.length} changes; ` +
            `each vote must pass before the next, so change validators (or nodeCount while validators is 0) by one per pulumi up`
        );
    }
    return changes.length === 0 ? undefined : changeProblem(network, changes[0], options);
}

/**
 * Why this one change must not be voted now, or undefined when it may: the chain must seal now (a
 * vote rides in a sealed block), more than half of its validators must be in step to vote (a vote
 * passes when its tally > size/2, backend/engine.go), and the set after it must have its quorum
 * among the members in step now.
 */
export function changeProblem(
    network: ObservedNetwork,
    change: ValidatorChange,
    options: ChangeOptions = {},
): string | undefined {
    if (!network.chainSet) return cannotRead(network);
    const now = chainQuorum(network)!;
    const lost = lostValidators(network, now, network.chainSet);
    if (now.up < now.needed) {
        return `the chain is not sealing: ${now.up} of ${now.of} validators in step; sealing needs ${now.needed}; bring back ${lost} before changing them`;
    }
    const votes = majorityOf(now.of);
    if (now.up < votes) {
        const verb = change.add ? "adding" : "removing";
        const numbers = `needs the votes of ${votes} of the ${now.of} validators, but only ${now.up} are in step`;
        return `${verb} ${named(network, change.address)} ${numbers}; bring back ${lost} first`;
    }
    return change.add
        ? additionProblem(network, change.address, options)
        : removalProblem(network, change.address, options);
}

function cannotRead(network: ObservedNetwork): string {
    const why = network.nodes.find((node) => node.error !== undefined);
    return `cannot read the chain's validator set${why ? ` (${why.name}: ${why.error})` : " (no node lists it: istanbul_getValidators)"}`;
}

/** "node-3 (0x…)" when a node is known to sign with the address, else the address. */
function named(network: ObservedNetwork, member: string): string {
    const node = network.nodes.find((candidate) => candidate.identity === member);
    return node ? `${node.name} (${member})` : member;
}

/** The set's members not in step, each with why. */
function lostMembers(network: ObservedNetwork, quorum: ChainQuorum, set: string[]): { member: string; why: string }[] {
    const up = new Set(quorum.upNodes.map((node) => node.identity));
    return set.flatMap((member) => {
        if (up.has(member)) return [];
        const node = network.nodes.find((candidate) => candidate.identity === member);
        return [{ member, why: node ? (outOfStep(network, node) ?? "not in step") : "no node answers as it" }];
    });
}

function lostValidators(network: ObservedNetwork, quorum: ChainQuorum, set: string[]): string {
    return (
        lostMembers(network, quorum, set)
            .map(({ member, why }) => `${named(network, member)}: ${why}`)
            .join("; ") || "the validators"
    );
}

function additionProblem(network: ObservedNetwork, added: string, options: ChangeOptions): string | undefined {
    const node = network.nodes.find((candidate) => candidate.identity === added);
    const comingUp = options.comingUp?.includes(added) ?? false;
    const why = node ? outOfStep(network, node) : "no node answers as it";
    if (why !== undefined && !comingUp) {
        const wait = "wait until it has caught up, then change validators";
        return `${named(network, added)} is not in step (${why}): voted in now it would count toward the quorum without sealing; ${wait}`;
    }
    const after = [...network.chainSet!, added];
    const quorum = chainQuorum(network, after)!;
    const up = quorum.up + (comingUp && why !== undefined ? 1 : 0);
    if (up >= quorum.needed) return undefined;
    const numbers = `after adding ${named(network, added)}, ${up} of ${quorum.of} validators in step; sealing needs ${quorum.needed}`;
    return `${numbers}; bring back ${lostValidators(network, quorum, after)} first`;
}

/**
 * A removal must leave a set that seals. The stack removes the highest-numbered validators, which
 * may be in step while a lost one stays. Removing a lost one instead always keeps a sealing chain
 * sealing (as many in step, a quorum no larger): that is the way out to name.
 */
function removalProblem(network: ObservedNetwork, removed: string, options: ChangeOptions): string | undefined {
    const set = network.chainSet!;
    const after = set.filter((member) => member !== removed);
    const quorum = chainQuorum(network, after)!;
    if (quorum.up >= quorum.needed) return undefined;
    const numbers = `after removing ${named(network, removed)}, ${quorum.up} of ${quorum.of} validators in step; sealing needs ${quorum.needed}`;
    const now = chainQuorum(network)!;
    const [lost] = lostMembers(network, now, set).filter(({ member }) => member !== removed);
    if (!lost) return `${numbers}; bring back the validators before lowering validators`;
    const via = options.voteVia ?? nodePodName(now.upNodes[0].index);
    return (
        `${numbers}. The stack removes the highest-numbered validator, which is in step, while ${named(network, lost.member)} is not (${lost.why}): ` +
        `vote that one out by hand instead (npm run validators -- remove ${via} ${lost.member}), ` +
        `or restore its volume or bring it back before lowering validators`
    );
}
