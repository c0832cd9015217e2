// Whether the chain goes on, judged by what the chain itself says: its own set (BFT: the
// validators istanbul_getValidators lists; Raft: raft_cluster's voting members) and how many of
// them are in step, never the set the stack asks for or a pod's readiness (a TCP check on the RPC
// port). When it does not go on: why, in the chain's terms, and what brings it back. Pure.
import { BftConsensus, Consensus, isStackValidator } from "../../lib/model/consensus";
import {
    ChainQuorum,
    chainQuorum,
    countedByChain,
    membersWord,
    ObservedNetwork,
    ObservedNode,
    outOfStep,
    raftLeadership,
} from "../../lib/model/observed";

export interface ChainVerdict {
    /** sealing: BFT blocks come, or a Raft leader holds its majority; unreadable: no node could say. */
    state: "sealing" | "stalled" | "unreadable";
    /** Not sealing: what the chain lacks, each a line. */
    why: string[];
    /** How many members the chain counts, how many it needs to go on, and how many are in step; absent when its set could not be read. */
    quorum?: { needed: number; of: number; up: number };
    /** Not sealing: what to do, the case named. */
    recovery?: string;
}

/** A node that is not in step, and why. */
interface Lagging {
    node: ObservedNode;
    why: string;
}

/**
 * BFT seals every block period, empty or not, and a proposer that is down costs a round or two:
 * silence longer than several periods and rounds is a stop. The one threshold status judges BFT
 * silence by, the chain's and each node's.
 */
export function stallAfterSeconds(consensus: BftConsensus): number {
    return Math.max(30, 5 * consensus.blockPeriod, Math.ceil((3 * consensus.roundChangeTimerMs) / 1000));
}

/** Entries of the chain's set that no answering node signs with (Raft: runs as). */
function unclaimed(network: ObservedNetwork): string[] {
    const claimed = new Set(network.nodes.flatMap((node) => (node.identity === undefined ? [] : [node.identity])));
    return (network.chainSet ?? []).filter((entry) => !claimed.has(entry));
}

/**
 * Members the chain counts that are not in step, and nodes that did not say who they are while
 * the set lists members no answering node claims (they may be those).
 */
function lagging(network: ObservedNetwork): Lagging[] {
    const unknownMayCount = unclaimed(network).length > 0;
    return network.nodes.flatMap((node) => {
        const why = (countedByChain(network, node) ?? unknownMayCount) ? outOfStep(network, node) : undefined;
        return why === undefined ? [] : [{ node, why }];
    });
}

/** "node-3: 10 blocks behind (pod Ready)": Ready said where it misleads. */
const lagLine = ({ node, why }: Lagging) => `${node.name}: ${why}${node.podReady ? " (pod Ready)" : ""}`;

const countsOf = ({ needed, of, up }: ChainQuorum) => ({ needed, of, up });

/** Seconds since the newest block past the genesis any node has, or undefined when none has one. */
function blockSilence(network: ObservedNetwork, nowSeconds: number): number | undefined {
    const stamps = network.nodes.flatMap((node) =>
        node.head && node.head.number > 0 && node.head.timestamp !== undefined ? [node.head.timestamp] : [],
    );
    return stamps.length === 0 ? undefined : Math.max(0, nowSeconds - Math.max(...stamps));
}

/** The chain judged at `nowSeconds`. */
export function judgeChain(
    network: ObservedNetwork,
    consensus: Consensus,
    namespace: string,
    nowSeconds: number,
): ChainVerdict {
    const quorum = chainQuorum(network);
    if (!quorum) return unreadable(network, consensus, namespace);
    return consensus.kind === "raft"
        ? judgeRaft(network, quorum, namespace)
        : judgeBft(network, consensus, quorum, { namespace, nowSeconds });
}

function unreadable(network: ObservedNetwork, consensus: Consensus, namespace: string): ChainVerdict {
    const kubectl = `kubectl -n ${namespace}`;
    if (!network.nodes.some((node) => node.error === undefined && node.head !== undefined)) {
        const why = [
            "cannot read the chain: no node answers",
            ...network.nodes.map((node) => `${node.name}: ${outOfStep(network, node) ?? "answers"}`),
        ];
        const recovery = `bring the nodes back: ${kubectl} get pods; ${kubectl} describe pod <pod>; ${kubectl} logs <pod> -c quorum`;
        return { state: "unreadable", why, recovery };
    }
    const method = consensus.kind === "raft" ? "raft_cluster" : "istanbul_getValidators";
    return {
        state: "unreadable",
        why: [`cannot read the chain's ${membersWord(consensus)}: nodes answer, but none answers ${method}`],
        recovery: `GoQuorum serves ${method} over each node's IPC socket: check that the nodes run GoQuorum (${kubectl} logs <pod> -c quorum)`,
    };
}

function judgeBft(
    network: ObservedNetwork,
    consensus: BftConsensus,
    quorum: ChainQuorum,
    at: { namespace: string; nowSeconds: number },
): ChainVerdict {
    const silence = blockSilence(network, at.nowSeconds);
    const limit = stallAfterSeconds(consensus);
    if (silence !== undefined && silence <= limit) return { state: "sealing", why: [], quorum: countsOf(quorum) };
    const behind = lagging(network);
    const why = [
        silence === undefined
            ? "no node reports a block past the genesis"
            : `no block for ${silence} s (more than ${limit} s, several rounds)`,
        `${quorum.up} of the chain's ${quorum.of} validators in step; sealing needs ${quorum.needed}`,
        ...behind.map(lagLine),
    ];
    const timing = silence === undefined ? undefined : roundWaitWords(consensus, silence);
    const recovery =
        quorum.up < quorum.needed
            ? `too few validators: ${whatToFix(behind, network, at.namespace)}. ` +
              `The chain goes on by itself once ${quorum.needed} are in step${timing ? `, at the end of the round then running: ${timing}` : ""}.`
            : likeliestBftCauses(network, consensus, { quorum, behind, timing });
    return { state: "stalled", why, quorum: countsOf(quorum), recovery };
}

function judgeRaft(network: ObservedNetwork, quorum: ChainQuorum, namespace: string): ChainVerdict {
    const { leader, problem } = raftLeadership(network);
    // Raft makes blocks only for transactions: a quiet chain whose leader holds its majority goes on.
    if (problem === undefined) return { state: "sealing", why: [], quorum: countsOf(quorum) };
    const behind = lagging(network);
    const why = [
        problem,
        `${quorum.up} of the chain's ${quorum.of} Raft members in step; a leader needs ${quorum.needed}`,
        ...behind.map(lagLine),
    ];
    if (quorum.up >= quorum.needed) {
        const recovery =
            "a majority is in step, yet no leader: a member removed from the cluster (npm run raft-peer) or one with a new key is counted but cannot vote; " +
            "see README: When the chain stops.";
        return { state: "stalled", why, quorum: countsOf(quorum), recovery };
    }
    // GoQuorum runs Raft without CheckQuorum or PreVote (raft/handler.go:545-561): a leader that lost its majority keeps its role.
    const lone = leader
        ? ` ${leader.name} still says minter: a GoQuorum leader that lost its majority keeps the role but commits nothing.`
        : "";
    const recovery = `too few members for a majority: ${whatToFix(behind, network, namespace)}. Raft goes on by itself once ${quorum.needed} are in step.`;
    return { state: "stalled", why, quorum: countsOf(quorum), recovery: recovery + lone };
}

/**
 * What brings the missing members back: the pods that are down, the Ready ones that take no part
 * (Ready is what a reader trusts, and only a TCP check), or, with neither, the keys no node runs.
 */
function whatToFix(behind: Lagging[], network: ObservedNetwork, namespace: string): string {
    const down = behind.filter(({ node }) => !node.podReady).map(({ node }) => node.name);
    const ready = behind
        .filter(({ node }) => node.podReady)
        .map(({ node, why }) => `${node.name} is Ready but not in step (${why})`);
    const keys = unclaimed(network).join(", ");
    const parts = [
        ...(down.length > 0
            ? [
                  `bring back ${down.join(", ")} (kubectl -n ${namespace} get pods; kubectl -n ${namespace} describe pod <pod>)`,
              ]
            : []),
        ...(ready.length > 0 ? [`${ready.join(", ")}: Ready is only a TCP check on the RPC port`] : []),
        ...(behind.length === 0
            ? [`restore the volumes of the members the chain counts that no node runs as (${keys}) from a backup`]
            : []),
    ];
    return parts.join("; ");
}

/** A BFT round's timeout, as GoQuorum 24.4.1 grows it from the request timeout, and the rule in words. */
function roundRule(consensus: BftConsensus): { timeout: (round: number) => number; words: string } {
    if (consensus.kind === "qbft") {
        // The genesis holds QBFT's request timeout in whole seconds.
        const base = Math.ceil(consensus.roundChangeTimerMs / 1000);
        return {
            timeout: (round) => base * 2 ** round,
            words: `QBFT doubles its round timer every round (${base} s × 2^round, qbft/core/core.go:293)`,
        };
    }
    const base = consensus.roundChangeTimerMs / 1000;
    const words = `IBFT waits its request timeout plus 2^round s in each round (${base} s + 2^round s, ibft/core/core.go:335-339)`;
    return { timeout: (round) => base + (round > 0 ? 2 ** round : 0), words };
}

/** The round the validators are in `silence` s after the last block, and when (s after that block) it ends. */
export function roundAt(consensus: BftConsensus, silence: number): { round: number; endsAt: number } {
    const { timeout } = roundRule(consensus);
    let round = 0;
    let endsAt = timeout(0);
    while (endsAt <= silence) endsAt += timeout(++round);
    return { round, endsAt: Math.ceil(endsAt) };
}

function roundWaitWords(consensus: BftConsensus, silence: number): string {
    const { round, endsAt } = roundAt(consensus, silence);
    const when = `round ${round}, which ends about ${endsAt} s after the last block, ${endsAt - silence} s from now`;
    return `${roundRule(consensus).words}, so ${silence} s without a block is ${when}`;
}

/** A validator signing with a key the chain does not count, and what the reading shows of it. */
function keysCause(network: ObservedNetwork, consensus: BftConsensus): string {
    const missing = unclaimed(network);
    const silent = network.nodes.filter((node) => node.identity === undefined).length;
    // The stack's first V nodes are the ones meant to validate: a hint for naming suspects, never a count.
    const uncounted = network.nodes.filter(
        (node) => isStackValidator(consensus, node.index) && countedByChain(network, node) === false,
    );
    const unexplained =
        silent === 0
            ? "which no node signs with"
            : `which no answering node signs with, and only ${silent} nodes did not answer`;
    const seen = [
        ...(missing.length > silent ? [`the chain counts ${missing.join(", ")}, ${unexplained}`] : []),
        ...uncounted.map((node) => `${node.name} signs with ${node.identity}, which the chain does not count`),
    ];
    const shown = seen.length > 0 ? ` (${seen.join("; ")})` : "";
    const restore = "restore that member's volume from a backup (README: When the chain stops)";
    return `a validator signing with a key the chain does not count, from a wiped or re-seeded volume or a changed nodekey${shown}: ${restore}`;
}

/** Enough validators in step, yet no block: the likeliest causes first. */
function likeliestBftCauses(
    network: ObservedNetwork,
    consensus: BftConsensus,
    seen: { quorum: ChainQuorum; behind: Lagging[]; timing?: string },
): string {
    const ready = seen.behind.filter(({ node }) => node.podReady).map(lagLine);
    const waiting = `the round timer, still long after the outage: ${seen.timing}; blocks come back by themselves then, so wait that long before acting`;
    const causes = [
        ...(seen.timing ? [waiting] : []),
        ...(ready.length > 0
            ? [
                  `a validator whose pod is Ready but that takes no part: ${ready.join(", ")}; Ready is only a TCP check on the RPC port`,
              ]
            : []),
        keysCause(network, consensus),
    ];
    const { up, of, needed } = seen.quorum;
    const numbered = causes.map((cause, i) => `${i + 1}) ${cause}`).join("; ");
    return `enough validators are in step (${up} of ${of}, sealing needs ${needed}), yet no block comes; likeliest first: ${numbered}`;
}
