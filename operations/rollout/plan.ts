// Which members a rollout replaces and in what order, whether it may start, and when a replaced
// member is back: pure, from what observe.ts read.
import { compareVersions, formatVersion, parseVersion, Version, versionOf } from "../../lib/model/imageVersion";
import { QuorumRule } from "../../lib/model/consensus";
import {
    chainQuorum,
    countedByChain,
    IN_STEP_BLOCKS,
    ObservedNetwork,
    outOfStep,
    settlingNodes,
    takeDownProblem,
} from "../../lib/model/observed";
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
 * members the chain does not count, those it counts; under Raft the leader last, so the cluster
 * elects once.
 */
export function rolloutOrder(members: MemberPod[], network: ObservedNetwork): MemberPod[] {
    const leader = network.nodes.find((node) => node.raftRole === "minter")?.index;
    const counted = (index: number) => {
        const node = network.nodes.find((candidate) => candidate.index === index);
        return node !== undefined && countedByChain(network, node) !== false;
    };
    const rank = (member: MemberPod) => {
        if (!member.running?.ready) return 0;
        if (member.index === 0) return 1;
        if (member.index === leader) return 4;
        return counted(member.index) ? 3 : 2;
    };
    return [...members].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}

/**
 * Why the rollout may not take node `index` down now, judged by the chain (its set, its members in
 * step), or undefined. The bootnode holds no consensus.
 */
export function takeDownRefusal(network: ObservedNetwork, index: number): string | undefined {
    return index === 0 ? undefined : takeDownProblem(network, index);
}

/**
 * Before anything: refused when even with every planned member that is down now back in step
 * (they go first), the first planned member in step could not go without stopping the chain.
 */
export function startRefusal(network: ObservedNetwork, planned: number[]): string | undefined {
    const quorum = chainQuorum(network);
    if (!quorum) return takeDownProblem(network, planned.find((index) => index > 0) ?? 1);
    const countedUp = (index: number) => quorum.upNodes.some((node) => node.index === index);
    const firstUp = planned.find(countedUp);
    if (firstUp === undefined) return undefined;
    const down = (index: number) =>
        network.nodes.some((node) => node.index === index && outOfStep(network, node) !== undefined);
    const returning = planned.filter(down).length;
    if (Math.min(quorum.of, quorum.up + returning) - 1 >= quorum.needed) return undefined;
    return takeDownProblem(network, firstUp);
}

/** Counted members Ready but not in step: an interrupted rollout's recreated pods still syncing; waited for before anything. */
export function stillSettling(network: ObservedNetwork): string | undefined {
    const settling = settlingNodes(network);
    return settling.length === 0 ? undefined : settling.map(({ node, why }) => `${node.name}: ${why}`).join(", ");
}

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

/** Per role (quorum, transactionManager): an image, or the highest version that has run the chain. */
export type ByRole<T> = Record<"quorum" | "transactionManager", T>;

export interface VersionVerdict {
    /** What the preview says of a change (a new version, one that cannot be compared). */
    notes: string[];
    /** A downgrade below what has run the chain, unless the stack allows it. */
    refusal?: string;
}

const ROLE_NAMES: ByRole<string> = {
    quorum: "the quorum image",
    transactionManager: "the transaction manager's image",
};

/** The highest of some versions, or undefined when none is known. */
function highestOf(versions: (Version | undefined)[]): Version | undefined {
    return versions
        .filter((version): version is Version => version !== undefined)
        .sort(compareVersions)
        .pop();
}

/** What the members run and are asked to run, per role: the highest version any names, and each version a pod runs now. */
export interface VersionsSeen {
    highest: ByRole<string>;
    podsRun: ByRole<string[]>;
}

/**
 * From every member pod (Ready or not: one Ready but behind has opened the chain all the same) and
 * every member StatefulSet's template: the highest version per role ("" when none names one), and
 * the versions pods run now.
 */
export function versionsSeen(pods: ByRole<string>[], templates: ByRole<string>[]): VersionsSeen {
    const versions = (images: ByRole<string>[], role: keyof ByRole<string>) =>
        images.map((image) => versionOf(image[role]));
    const text = (version: Version | undefined) => (version ? formatVersion(version) : "");
    const highest = (role: keyof ByRole<string>) => text(highestOf(versions([...pods, ...templates], role)));
    const running = (role: keyof ByRole<string>) => [
        ...new Set(
            versions(pods, role)
                .filter((version): version is Version => version !== undefined)
                .map(formatVersion),
        ),
    ];
    return {
        highest: { quorum: highest("quorum"), transactionManager: highest("transactionManager") },
        podsRun: { quorum: running("quorum"), transactionManager: running("transactionManager") },
    };
}

/** One role's change: a note, or a refusal when it goes below what the chain has run and no pod runs it now. */
function roleVerdict(
    from: string,
    to: string,
    role: keyof ByRole<string>,
    seen: VersionsSeen,
    allowDowngrade: boolean,
): { note?: string; refusal?: string } {
    const [top, target] = [parseVersion(seen.highest[role]), versionOf(to)];
    const change = `${ROLE_NAMES[role]}: ${from} → ${to} on a running network`;
    const backup = "take a backup first (npm run backup)";
    if (!target) return { note: `${change}: its members restart one at a time; ${backup}` };
    if (!top) {
        if (allowDowngrade)
            return {
                note: `${change}: no member names a version to compare with (allowImageDowngrade is true): ${backup}`,
            };
        return {
            refusal: `${change}: no member's pod or template names a version, so whether this goes below what has run the chain cannot be told; set allowImageDowngrade to true to go on`,
        };
    }
    // Setting back a value whose rollout stopped goes to what members run still: no downgrade of the chain.
    if (compareVersions(target, top) >= 0 || seen.podsRun[role].includes(formatVersion(target)))
        return { note: `${change}: its members restart one at a time; ${backup}` };
    if (allowDowngrade)
        return {
            note: `${change} goes below ${formatVersion(top)}, which has run this chain (allowImageDowngrade is true): ${backup}`,
        };
    return {
        refusal: `${change} goes below ${formatVersion(top)}, which has run this chain; its database is not guaranteed to open in an older version: restore a backup taken before the upgrade, or set allowImageDowngrade to true to try`,
    };
}

/**
 * A running network's images against the stack's: a new version is named with the advice to back
 * up first; one below the highest any member has run or is asked to run is refused unless allowed
 * (its database is not guaranteed to open in an older version), except a version pods run now (a
 * stopped rollout set back). A new network has nothing running.
 */
export function versionVerdict(
    running: ByRole<string> | undefined,
    wanted: ByRole<string>,
    seen: VersionsSeen,
    allowDowngrade: boolean,
): VersionVerdict {
    const verdicts = (["quorum", "transactionManager"] as const).flatMap((role) =>
        !running?.[role] || running[role] === wanted[role]
            ? []
            : [roleVerdict(running[role], wanted[role], role, seen, allowDowngrade)],
    );
    const refusals = verdicts.flatMap((verdict) => (verdict.refusal ? [verdict.refusal] : []));
    return {
        notes: verdicts.flatMap((verdict) => (verdict.note ? [verdict.note] : [])),
        ...(refusals.length > 0 ? { refusal: refusals.join("; ") } : {}),
    };
}

/**
 * Running nodes whose chain this config would replace. Another seed id lays another genesis or
 * other keys (or an empty place) under a node: it starts again at block 0 and never rejoins the
 * chain its peers run, so a rollout would stop at it and the blocks it held are left behind.
 * Nodes that do not run yet, or are being removed, replace nothing.
 */
export function chainReplacementRefusal(
    running: Map<number, string>,
    planned: Map<number, string>,
): string | undefined {
    const replaced = [...running]
        .filter(([index, seedId]) => planned.has(index) && planned.get(index) !== seedId)
        .map(([index]) => index);
    if (replaced.length === 0) return undefined;
    const names = replaced
        .sort((a, b) => a - b)
        .map(memberName)
        .join(", ");
    return (
        `${names} run a chain this config would replace with a new one at block 0, every block of it left behind: ` +
        "their keys, genesis, runtime or volume changed (chainId, gasLimit, consensus, runtime, accountPassword, qdataDir, hostPathRoot, " +
        "a QBFT blockPeriod or roundChangeTimer written into the genesis, or keys generated anew because their folder was removed). " +
        "Set the old values back (or put the keys folder back). A new chain on purpose: npm run backup, npm run destroy, then npm run up (host folders kept by keepChainData are moved aside, not reused)"
    );
}
