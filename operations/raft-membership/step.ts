import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { memberIndexOf } from "../../lib/network/names";
import { operationStep, StepInputs } from "../../lib/stepCommand";
import type { RaftEntryStepRequest, RaftLeaveStepRequest } from "./cli";

interface RaftMember {
    /** node-N. */
    member: string;
    kubeContext: string;
    namespace: pulumi.Input<string>;
}

/** join and promote: the new member's enode; leave: the member's Raft id. */
export type RaftMembershipStepArgs = RaftMember &
    ({ action: "join" | "promote"; enode: string } | { action: "leave"; raftId: number });

/**
 * One change of a running Raft cluster's membership (its cli's phases), made on the lowest-numbered
 * Ready node other than the member itself. join: raft_addLearner of a new member, whose Raft id is
 * the step's stdout (its pod starts with it, so the step comes before the pod). promote: after the
 * member's StatefulSet, raft_promoteToPeer once its pod runs in step (the step waits for it). leave:
 * raft_removePeer of a leaving member once another leads and the rest keep a majority in step. Its
 * inputs never change for a given member, so it runs once. Nothing on delete: a destroy takes the
 * whole network down and changes no membership.
 */
export function raftMembershipStep(
    name: string,
    args: RaftMembershipStepArgs,
    opts: pulumi.CustomResourceOptions,
): command.local.Command {
    const index = memberIndexOf(args.member);
    if (index === undefined) throw new Error(`a Raft membership step names its member node-N, not ${args.member}`);
    const [operation, create, target] = [
        "raft-membership",
        args.action,
        { kubeContext: args.kubeContext, namespace: args.namespace, index },
    ];
    if (args.action === "leave") {
        const leave: StepInputs<RaftLeaveStepRequest> = { ...target, raftId: args.raftId };
        return operationStep(name, { operation, create, request: leave }, opts);
    }
    const entry: StepInputs<RaftEntryStepRequest> = { ...target, enode: args.enode };
    return operationStep(name, { operation, create, request: entry }, opts);
}
