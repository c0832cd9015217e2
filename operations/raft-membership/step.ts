import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { operationCommand } from "../../lib/stepCommand";

export interface RaftMembershipStepArgs {
    action: "join" | "promote" | "leave";
    /** node-N, for messages. */
    member: string;
    kubeContext: string;
    namespace: pulumi.Input<string>;
    /** join and promote: the new member's enode. */
    enode?: string;
    /** leave: the member's Raft id. */
    raftId?: number;
}

/**
 * One change of a running Raft cluster's membership (its cli's phases), made on the lowest-numbered
 * Ready node other than the member itself. join: raft_addLearner of a new member, whose Raft id is
 * the step's stdout (its pod starts with it, so the step comes before the pod). promote: after the
 * member's StatefulSet, raft_promoteToPeer once its pod runs in step (the step waits for it). leave:
 * raft_removePeer of a leaving member once another leads and the rest keep a majority in step. Its
 * inputs never change for a given member, so it runs once. Nothing on delete: a destroy takes the
 * whole network down and changes no membership.
 */
export function raftMembershipStep(name: string, args: RaftMembershipStepArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
    const environment: Record<string, pulumi.Input<string>> = {
        KUBE_CONTEXT: args.kubeContext,
        NAMESPACE: args.namespace,
        MEMBER: args.member,
        ...(args.enode ? { ENODE: args.enode } : {}),
        ...(args.raftId !== undefined ? { RAFT_ID: String(args.raftId) } : {}),
    };
    return new command.local.Command(name, { create: operationCommand("raft-membership", args.action), environment }, opts);
}
