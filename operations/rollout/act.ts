// Replacing the members' pods one at a time, each waited for until it is back (Ready, in step
// with the chain, peered, the chain going on) before the next; stopping at the first that is not,
// which leaves every later member on the spec it runs.
import { Kube } from "../../lib/kubernetes/kubectl";
import { QuorumRule } from "../../lib/model/consensus";
import { observeNetwork } from "../../lib/kubernetes/observeNetwork";
import { ObservedNetwork } from "../../lib/model/observed";
import { toleratesOneDown } from "../../lib/model/quorumRule";
import { pollUntil, PollTimeout } from "../../lib/poll";
import { memberPods, restartedNode } from "./observe";
import {
    isOutdated,
    MemberPod,
    memberLabel,
    notBackYet,
    rolloutOrder,
    startRefusal,
    stillSettling,
    takeDownRefusal,
} from "./plan";

export interface RolloutRequest {
    consensus: QuorumRule;
    nodeCount: number;
    /** How long one member may take to be back. */
    memberTimeoutMs: number;
    /** Every member, not only those whose pod runs an older spec than its StatefulSet's (a restart by hand). */
    everyMember: boolean;
    /** Restart members even when the rest cannot keep the quorum: the chain stops meanwhile (by hand only). */
    allowDowntime?: boolean;
    pollMs: number;
}

/** The rollout stopped: the member, why, and what to do; the members after it were not touched. */
export class RolloutStopped extends Error {}

const LOG_LINES = 12;

export async function rollout(kube: Kube, request: RolloutRequest, log: (line: string) => void): Promise<void> {
    const members = await settledMembers(kube, request);
    const outdated = members.filter((member) => request.everyMember || isOutdated(member));
    const network = outdated.length === 0 ? undefined : await settledNetwork(kube, request, log);
    const planned = network ? rolloutOrder(outdated, network) : [];
    const refused =
        request.allowDowntime || !network
            ? undefined
            : startRefusal(
                  network,
                  planned.map((member) => member.index),
              );
    if (refused) throw new RolloutStopped(`${refused}: ${refusalAdvice(request)}; nothing was restarted`);
    if (planned.length > 0)
        log(
            `replacing ${planned.length} members one at a time: ${planned.map((member) => memberLabel(member.index)).join(", ")}`,
        );
    const started = Date.now();
    for (const [done, member] of planned.entries()) {
        const left = planned.slice(done + 1).map((later) => memberLabel(later.index));
        await replaceWhenNeeded(kube, member.index, request, left, log);
    }
    if (planned.length > 0) log(`all ${planned.length} members replaced in ${seconds(Date.now() - started)} s`);
    await waitEveryMemberReady(kube, request);
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const SETTLE_MS = 30_000;
/** A new network's first start pulls its images: as long as the provider's own wait gave it. */
const FIRST_START_MS = 600_000;

/** The chain's view of itself once no counted member is Ready but still syncing (an interrupted run's recreated pod): waited for before anything. */
async function settledNetwork(
    kube: Kube,
    request: RolloutRequest,
    log: (line: string) => void,
): Promise<ObservedNetwork> {
    let settling: string | undefined;
    const settled = async () => {
        const network = await observeNetwork(kube, request.consensus, request.nodeCount);
        settling = stillSettling(network);
        return settling === undefined ? network : undefined;
    };
    const onWait = (attempt: number) =>
        attempt % 5 === 1 &&
        settling !== undefined &&
        log(`waiting for members back in step before any restart: ${settling}`);
    const onTimeout = () =>
        new RolloutStopped(
            `members Ready but not in step with the chain after ${seconds(request.memberTimeoutMs)} s (${settling}); nothing was restarted: see npm run status`,
        );
    return pollUntil("every counted member in step", settled, {
        timeoutMs: request.memberTimeoutMs,
        intervalMs: request.pollMs,
        onWait,
        onTimeout,
    });
}

/** The members the stack keeps: a shrink's leaving members go after this step. */
async function keptMembers(kube: Kube, request: RolloutRequest): Promise<MemberPod[]> {
    return (await memberPods(kube)).filter((member) => member.index <= request.nodeCount);
}

/** The kept members once the StatefulSet controller has seen every spec just applied: until then a revision is the old one. */
async function settledMembers(kube: Kube, request: RolloutRequest): Promise<MemberPod[]> {
    let members: MemberPod[] = [];
    const settled = async () => {
        members = await keptMembers(kube, request);
        return members.every((member) => member.settled) ? members : undefined;
    };
    return pollUntil("every StatefulSet's new spec seen by its controller", settled, {
        timeoutMs: SETTLE_MS,
        intervalMs: request.pollMs,
    });
}

function refusalAdvice(request: RolloutRequest): string {
    if (toleratesOneDown(request.consensus, request.nodeCount))
        return "bring the others back (npm run status shows them) before a change restarts members";
    const members =
        request.consensus.kind === "raft"
            ? `${request.nodeCount} Raft members`
            : `${request.consensus.validators} validators`;
    return `a network of ${members} needs every one of them to go on, so no member can restart without stopping the chain. The members keep the spec they run; to restart them anyway, the chain stopping during each restart: npm run rollout -- --allow-downtime`;
}

/** Observed again right before: an interrupted rollout skips what an earlier run replaced. */
async function replaceWhenNeeded(
    kube: Kube,
    index: number,
    request: RolloutRequest,
    left: string[],
    log: (line: string) => void,
): Promise<void> {
    const members = await keptMembers(kube, request);
    const member = members.find((candidate) => candidate.index === index);
    if (!member || (!request.everyMember && !isOutdated(member))) return;
    const problem =
        request.allowDowntime || index === 0
            ? undefined
            : takeDownRefusal(await observeNetwork(kube, request.consensus, request.nodeCount), index);
    if (problem) throw await stopped(kube, member, `${problem}, so it was not restarted`, left, request);
    const started = Date.now();
    const deadline = started + request.memberTimeoutMs;
    if (member.running) await kube.deletePod(member.pod);
    await waitForNewPod(kube, member, deadline, request, left);
    const readyAfter = Date.now() - started;
    if (index === 0) return log(`bootnode: Ready after ${seconds(readyAfter)} s`);
    await waitUntilBack(kube, member, deadline, request, left);
    log(
        `${memberLabel(index)}: Ready after ${seconds(readyAfter)} s, back in step after ${seconds(Date.now() - started)} s`,
    );
}

/** The StatefulSet's new pod, of its current revision, Ready. */
async function waitForNewPod(
    kube: Kube,
    old: MemberPod,
    deadline: number,
    request: RolloutRequest,
    left: string[],
): Promise<void> {
    let seen: MemberPod | undefined;
    const replaced = async () => {
        seen = (await memberPods(kube)).find((member) => member.index === old.index);
        const fresh = seen?.running && seen.running.uid !== old.running?.uid && !isOutdated(seen);
        return fresh && seen?.running?.ready ? true : undefined;
    };
    const onTimeout = () =>
        stopped(
            kube,
            seen ?? old,
            `not Ready within ${seconds(request.memberTimeoutMs)} s${seen?.running?.waiting ? ` (${seen.running.waiting})` : ""}`,
            left,
            request,
        );
    await pollUntil(`${memberLabel(old.index)} Ready`, replaced, {
        timeoutMs: Math.max(0, deadline - Date.now()),
        intervalMs: request.pollMs,
        onTimeout,
    });
}

async function waitUntilBack(
    kube: Kube,
    member: MemberPod,
    deadline: number,
    request: RolloutRequest,
    left: string[],
): Promise<void> {
    const first = await restartedNode(kube, member.index, request.consensus);
    const headWhenBack = Math.max(first.height ?? 0, first.referenceHeight ?? 0);
    let reason: string | undefined;
    const back = async () => {
        reason = notBackYet(
            await restartedNode(kube, member.index, request.consensus),
            request.consensus,
            headWhenBack,
        );
        return reason === undefined ? true : undefined;
    };
    const onTimeout = (timeout: PollTimeout) =>
        stopped(
            kube,
            member,
            `Ready, but not back in step within ${seconds(request.memberTimeoutMs)} s: ${reason ?? timeout.message}`,
            left,
            request,
        );
    await pollUntil(`${memberLabel(member.index)} back in step`, back, {
        timeoutMs: Math.max(0, deadline - Date.now()),
        intervalMs: request.pollMs,
        onTimeout,
    });
}

/** New members and untouched ones too: up ends with every member Ready, as the provider's own wait did. */
async function waitEveryMemberReady(kube: Kube, request: RolloutRequest): Promise<void> {
    let waiting: string[] = [];
    const allReady = async () => {
        const members = await keptMembers(kube, request);
        waiting = members
            .filter((member) => !member.running?.ready)
            .map(
                (member) =>
                    `${memberLabel(member.index)}${member.running?.waiting ? ` (${member.running.waiting})` : ""}`,
            );
        return members.length === request.nodeCount + 1 && waiting.length === 0 ? true : undefined;
    };
    const timeoutMs = Math.max(request.memberTimeoutMs, FIRST_START_MS);
    const onTimeout = () =>
        new RolloutStopped(
            `not every member is Ready within ${seconds(timeoutMs)} s: ${waiting.join(", ") || "members missing"}`,
        );
    await pollUntil("every member Ready", allReady, { timeoutMs, intervalMs: request.pollMs, onTimeout });
}

/** The stop, in words a person acts on: who, why, its last log lines, what was left alone and how to go back. */
async function stopped(
    kube: Kube,
    member: MemberPod,
    why: string,
    left: string[],
    request: RolloutRequest,
): Promise<RolloutStopped> {
    const container = member.index === 0 ? "bootnode" : "quorum";
    const lines = await kube.logs(member.pod, container, LOG_LINES).catch(() => "");
    const logs = lines.trim()
        ? `\nlast log lines of ${member.pod} (${container}):\n${lines
              .trim()
              .split("\n")
              .map((line) => `  ${line}`)
              .join("\n")}`
        : "";
    const untouched =
        left.length > 0
            ? `\n${left.join(", ")} ${request.everyMember ? "were not restarted" : "still run their previous spec"}.`
            : "";
    const next = request.everyMember
        ? "Fix what it names, then run npm run rollout again."
        : "To go back: set the value you changed back (e.g. quorumImage) and run pulumi up again: the same rollout then replaces the members that run the new spec, one at a time.";
    return new RolloutStopped(`rollout stopped at ${memberLabel(member.index)}: ${why}.${logs}${untouched}\n${next}`);
}
