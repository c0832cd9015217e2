// Whether a change of `validators` can be voted through on the running network, decided at
// preview from the chain's set and which validators' pods are Ready.
import { BftConsensus, majorityOf } from "../../lib/model/consensus";
import { QdataFolder } from "../../lib/model/qdata";

const address = (hex: string) => `0x${hex}`;
const lower = (hex: string) => hex.toLowerCase();

export interface ValidatorChange {
    address: string;
    add: boolean;
}

/** The changes that take `current` to `desired`: removals first (a smaller set needs fewer votes), then additions, each in order. */
export function changesBetween(current: string[], desired: string[]): ValidatorChange[] {
    const has = (set: string[], member: string) => set.map(lower).includes(lower(member));
    const removals = current.filter((member) => !has(desired, member)).map((member) => ({ address: lower(member), add: false }));
    const additions = desired.filter((member) => !has(current, member)).map((member) => ({ address: lower(member), add: true }));
    return [...removals, ...additions];
}

/** The validators the stack counts: the first `validators` nodes' signing addresses. */
export function desiredValidators(consensus: BftConsensus, qdata: QdataFolder): string[] {
    return qdata.nodes.slice(0, consensus.validators).map((node) => address(node.nodeAddress));
}

/** The genesis's validators: a new network starts with these. */
export function genesisValidators(qdata: QdataFolder): string[] {
    return qdata.genesis.kind === "raft" ? [] : qdata.genesis.validators.map(address);
}

export interface RunningValidators {
    /** The chain's set (0x addresses), as a Ready node reports it. */
    validators: string[];
    /** The signing addresses of the node pods that are Ready. */
    readyAddresses: string[];
}

/** One line naming why the change cannot be made in this up, or undefined when it can. */
export function validatorChangeProblem(running: RunningValidators, desired: string[]): string | undefined {
    const changes = changesBetween(running.validators, desired);
    if (changes.length > 1) {
        return (
            `validators: the running chain has ${running.validators.length} validators and the stack asks for ${desired.length}, ${changes.length} changes; ` +
            `each vote must pass before the next, so change validators (or nodeCount while validators is 0) by one per pulumi up`
        );
    }
    if (changes.length === 0) return undefined;
    const [change] = changes;
    const ready = running.validators.filter((address) => running.readyAddresses.includes(address)).length;
    const needed = majorityOf(running.validators.length);
    if (ready >= needed) return undefined;
    return (
        `validators: ${change.add ? "adding" : "removing"} ${change.address} needs the votes of ${needed} of the ${running.validators.length} validators, ` +
        `but only ${ready} of their pods are Ready; bring them back (kubectl get pods) before changing validators`
    );
}
