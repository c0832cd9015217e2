// Which members a rollout replaces and in what order, whether it may start, and when a replaced
// member is back: pure, from what observe.ts read.
import { compareVersions, formatVersion, parseVersion, Version, versionOf } from "../../lib/model/imageVersion";
import { QuorumRule, validatorCount } from "../../lib/model/consensus";
import { MemberState, stopProblem } from "../../lib/model/quorumRule";
import { memberName } from "../../lib/network/names";

/** A member's StatefulSet and its pod (none while the controller makes it anew). */
export interface MemberPod {
    /** 0: the bootnode; N: node N. */
    index: number;
    set: string;
    pod: string;
    /** The controller has seen the StatefulSet's latest spec, so `wanted` is its revision. */
    settled: boolean;
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

/** The pod runs another spec than its StatefulSet's (or is missing); a revision not known yet is no change. */
export function isOutdated(member: MemberPod): boolean {
    if (member.wanted === undefined) return false;
    return member.running === undefined || member.running.revision !== member.wanted;
}


/**
 * Members already down first (replacing them costs the chain nothing), then the bootnode, the
 * non-validators, the validators; under Raft the leader last, so the cluster elects once.
 */
export function rolloutOrder(members: MemberPod[], consensus: QuorumRule, raftLeader?: number): MemberPod[] {
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
export function memberStatesOf(members: MemberPod[], consensus: QuorumRule): MemberState[] {
    return members.map((member) => ({ index: member.index, name: memberLabel(member.index), ready: member.running?.ready ?? false, validator: member.index > 0 && member.index <= validatorCount(consensus) }));
}

/** Why the rollout may not take `member` down now, or undefined. `returning`: members down now that it replaces before. */
export function takeDownProblem(members: MemberPod[], consensus: QuorumRule, member: MemberPod, returning: number[] = []): string | undefined {
    const states = memberStatesOf(members, consensus).map((state) => (returning.includes(state.index) ? { ...state, ready: true } : state));
    return stopProblem(consensus, states, states.find((state) => state.index === member.index)!);
}

/** Before anything: the first planned member the rule refuses, counting the down members planned before it as back. */
export function startRefusal(members: MemberPod[], consensus: QuorumRule, planned: MemberPod[]): string | undefined {
    const downFirst = planned.filter((member) => !member.running?.ready).map((member) => member.index);
    return planned.map((member) => takeDownProblem(members, consensus, member, downFirst)).find((problem) => problem !== undefined);
}

/** Blocks a restarted node may trail the highest by and count as in step (a block in flight). */
const IN_STEP_BLOCKS = 2;

/**
 * Why a restarted node is not back yet, or undefined when it is: Ready, answering, within a few
 * blocks of another node's head, peered with every other Ready node, and the chain going on (BFT:
 * a block newer than the head when it came back; Raft: a leader).
 */
export function notBackYet(node: RestartedNode, consensus: QuorumRule, headWhenBack: number): string | undefined {
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
}

const ROLE_NAMES: ByRole<string> = { quorum: "the quorum image", transactionManager: "the transaction manager's image" };

/** The highest of some versions, or undefined when none is known. */
function highestOf(versions: (Version | undefined)[]): Version | undefined {
    return versions.filter((version): version is Version => version !== undefined).sort(compareVersions).pop();
}

/** The highest version per role the Ready node pods run ("" when none names one). */
export function ranVersions(readyPods: ByRole<string>[]): ByRole<string> {
    const highest = (role: keyof ByRole<string>) => highestOf(readyPods.map((images) => versionOf(images[role])));
    const text = (version: Version | undefined) => (version ? formatVersion(version) : "");
    return { quorum: text(highest("quorum")), transactionManager: text(highest("transactionManager")) };
}

/**
 * A running network's images against the stack's: a new version is named with the advice to back
 * up first; one below the highest that has run the chain (`ran`) is refused unless allowed (its
 * database is not guaranteed to open in an older version). A new network has nothing running.
 */
export function versionVerdict(running: ByRole<string> | undefined, wanted: ByRole<string>, ran: ByRole<string>, allowDowngrade: boolean): VersionVerdict {
    const notes: string[] = [];
    const refusals: string[] = [];
    for (const role of ["quorum", "transactionManager"] as const) {
        const [from, to] = [running?.[role], wanted[role]];
        if (!from || from === to) continue;
        const [top, target] = [parseVersion(ran[role]), versionOf(to)];
        const change = `${ROLE_NAMES[role]}: ${from} → ${to} on a running network`;
        if (!target || !top || compareVersions(target, top) >= 0) notes.push(`${change}: its members restart one at a time; take a backup first (npm run backup)`);
        else if (allowDowngrade) notes.push(`${change} goes below ${formatVersion(top)}, which has run this chain (allowImageDowngrade is true): take a backup first (npm run backup)`);
        else refusals.push(`${change} goes below ${formatVersion(top)}, which has run this chain; its database is not guaranteed to open in an older version: restore a backup taken before the upgrade, or set allowImageDowngrade to true to try`);
    }
    return { notes, ...(refusals.length > 0 ? { refusal: refusals.join("; ") } : {}) };
}

/**
 * Running nodes whose chain this config would replace. Another seed id lays another genesis or
 * other keys (or an empty place) under a node: it starts again at block 0 and never rejoins the
 * chain its peers run, so a rollout would stop at it and the blocks it held are left behind.
 * Nodes that do not run yet, or are being removed, replace nothing.
 */
export function chainReplacementRefusal(running: Map<number, string>, planned: Map<number, string>): string | undefined {
    const replaced = [...running].filter(([index, seedId]) => planned.has(index) && planned.get(index) !== seedId).map(([index]) => index);
    if (replaced.length === 0) return undefined;
    const names = replaced.sort((a, b) => a - b).map(memberName).join(", ");
    return (
        `${names} run a chain this config would replace with a new one at block 0, every block of it left behind: ` +
        "their keys, genesis, runtime or volume changed (chainId, gasLimit, consensus, runtime, accountPassword, qdataDir, hostPathRoot, " +
        "a QBFT blockPeriod or roundChangeTimer written into the genesis, or keys generated anew because their folder was removed). " +
        "Set the old values back (or put the keys folder back). A new chain on purpose: npm run backup, npm run destroy, then npm run up (host folders kept by keepChainData are moved aside, not reused)"
    );
}
