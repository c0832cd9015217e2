// Which members a rollout replaces and in what order, whether it may start, and when a replaced
// member is back: pure, from what observe.ts read.
import { Consensus, validatorCount } from "../../lib/model/consensus";
import { compareVersions, formatVersion, parseVersion, Version, versionOf } from "../../lib/model/imageVersion";
import { MemberState, stopProblem } from "../../lib/model/quorumRule";
import { memberName } from "../../lib/network/names";

/** A member's StatefulSet and its pod (none while the controller makes it anew). */
export interface MemberPod {
    /** 0: the bootnode; N: node N. */
    index: number;
    set: string;
    pod: string;
    /** The revision the StatefulSet's spec makes pods from. */
    wanted?: string;
    running?: { uid: string; revision?: string; ready: boolean; waiting?: string };
}

/** A restarted node, and the head of another Ready node to compare it with. */
export interface RestartedNode {
    ready: boolean;
    height?: number;
    peers?: number;
    /** Other node pods Ready: the peers it should have. */
    readyOthers: number;
    referenceHeight?: number;
    /** Raft: whether it knows a leader; undefined when its node serves no raft API. */
    raftLeader?: boolean;
}

/** The bootnode, or node-N. */
export function memberLabel(index: number): string {
    return index === 0 ? "bootnode" : memberName(index);
}

/** The pod runs another spec than its StatefulSet's (or is missing). */
export function isOutdated(member: MemberPod): boolean {
    return member.running === undefined || member.wanted === undefined || member.running.revision !== member.wanted;
}

/**
 * Members already down first (replacing them costs the chain nothing), then the bootnode, the
 * non-validators, the validators; under Raft the leader last, so the cluster elects once.
 */
export function rolloutOrder(members: MemberPod[], consensus: Consensus, raftLeader?: number): MemberPod[] {
    const validators = validatorCount(consensus);
    const rank = (member: MemberPod) => {
        if (!member.running?.ready) return 0;
        if (member.index === 0) return 1;
        if (member.index === raftLeader) return 4;
        return member.index <= validators ? 3 : 2;
    };
    return [...members].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}

/** The members as the quorum rule counts them: Ready or not, validator or not. */
export function memberStatesOf(members: MemberPod[], consensus: Consensus): MemberState[] {
    return members.map((member) => ({ index: member.index, name: memberLabel(member.index), ready: member.running?.ready ?? false, validator: member.index > 0 && member.index <= validatorCount(consensus) }));
}

/** Why the rollout may not take `member` down now, or undefined. */
export function takeDownProblem(members: MemberPod[], consensus: Consensus, member: MemberPod): string | undefined {
    const states = memberStatesOf(members, consensus);
    return stopProblem(consensus, states, states.find((state) => state.index === member.index)!);
}

/** Blocks a restarted node may trail the highest by and count as in step (a block in flight). */
const IN_STEP_BLOCKS = 2;

/**
 * Why a restarted node is not back yet, or undefined when it is: Ready, answering, within a few
 * blocks of another node's head, peered with every other Ready node, and the chain going on (BFT:
 * a block newer than the head when it came back; Raft: a leader).
 */
export function notBackYet(node: RestartedNode, consensus: Consensus, headWhenBack: number): string | undefined {
    if (!node.ready) return "not Ready";
    if (node.height === undefined) return "geth does not answer over its IPC socket";
    const head = Math.max(node.height, node.referenceHeight ?? 0);
    if (head - node.height > IN_STEP_BLOCKS) return `${head - node.height} blocks behind the head (${head})`;
    if ((node.peers ?? 0) < node.readyOthers) return `${node.peers ?? 0} of ${node.readyOthers} peers`;
    if (consensus.kind !== "raft" && head <= headWhenBack) return `no block sealed since it came back (head ${head})`;
    if (consensus.kind === "raft" && node.raftLeader === false) return "no Raft leader";
    return undefined;
}

/** The Raft leader's index, when a node says it mints. */
export function raftLeader(nodes: { index: number; role?: string }[]): number | undefined {
    return nodes.find((node) => node.role === "minter")?.index;
}

/** Per role (quorum, transactionManager): an image, or the highest version that has run the chain. */
export type ByRole<T> = Record<"quorum" | "transactionManager", T>;

export interface VersionVerdict {
    /** What the preview says of a change (a new version, one that cannot be compared). */
    notes: string[];
    /** A downgrade below what has run the chain, unless the stack allows it. */
    refusal?: string;
    /** The highest version that will have run the chain after this up, per role ("" when unknown). */
    highest: ByRole<string>;
}

const ROLE_NAMES: ByRole<string> = { quorum: "the quorum image", transactionManager: "the transaction manager's image" };

/** The highest of what has run the chain (the record, the running image) and what will. */
function highestOf(versions: (Version | undefined)[]): Version | undefined {
    return versions.filter((version): version is Version => version !== undefined).sort(compareVersions).pop();
}

/**
 * A running network's images against the stack's: a new version is named with the advice to back
 * up first; one below the highest that has run the chain is refused unless allowed (its database
 * is not guaranteed to open in an older version). A new network has nothing running.
 */
export function versionVerdict(running: ByRole<string> | undefined, wanted: ByRole<string>, recorded: ByRole<string>, allowDowngrade: boolean): VersionVerdict {
    const notes: string[] = [];
    const refusals: string[] = [];
    const highest = { ...recorded };
    for (const role of ["quorum", "transactionManager"] as const) {
        const [from, to] = [running?.[role], wanted[role]];
        const ran = highestOf([parseVersion(recorded[role]), from ? versionOf(from) : undefined]);
        const target = versionOf(to);
        const top = highestOf([ran, target]);
        if (top) highest[role] = formatVersion(top);
        if (!from || from === to) continue;
        const change = `${ROLE_NAMES[role]}: ${from} → ${to} on a running network`;
        if (!target || !ran || compareVersions(target, ran) >= 0) notes.push(`${change}: its members restart one at a time; take a backup first (npm run backup)`);
        else if (allowDowngrade) notes.push(`${change} goes below ${formatVersion(ran)}, which has run this chain (allowImageDowngrade is true): take a backup first (npm run backup)`);
        else refusals.push(`${change} goes below ${formatVersion(ran)}, which has run this chain; its database is not guaranteed to open in an older version: restore a backup taken before the upgrade, or set allowImageDowngrade to true to try`);
    }
    return { notes, highest, ...(refusals.length > 0 ? { refusal: refusals.join("; ") } : {}) };
}

/** The chain-versions annotation as written by chainVersionsText; missing roles are "". */
export function parseChainVersions(text: string | undefined): ByRole<string> {
    const pairs = new Map((text ?? "").split(",").map((pair) => pair.split("=") as [string, string]));
    return { quorum: pairs.get("quorum") ?? "", transactionManager: pairs.get("transactionManager") ?? "" };
}

export function chainVersionsText(versions: ByRole<string>): string {
    return `quorum=${versions.quorum},transactionManager=${versions.transactionManager}`;
}
