// The Pulumi side of a rollout: the step that replaces member pods one at a time after their
// StatefulSets took a new spec (updateStrategy OnDelete replaces none by itself), and what the
// preview observes to know whether an earlier rollout was left unfinished.
import * as crypto from "crypto";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Kube } from "../../lib/kubernetes/kubectl";
import { Consensus } from "../../lib/model/consensus";
import { operationCommand } from "../../lib/stepCommand";
import { UserError } from "../../lib/userError";
import { chainVersions, memberPods } from "./observe";
import { ByRole, isUnfinished, memberLabel, versionVerdict } from "./plan";

export interface RolloutStepArgs {
    kubeContext: string;
    namespace: pulumi.Input<string>;
    consensus: Consensus;
    nodeCount: number;
    memberTimeoutSeconds: number;
    /** Every member's StatefulSet: their pod templates are the specs rolled out. */
    statefulSets: k8s.apps.v1.StatefulSet[];
    /** Members whose pods ran an older spec than their StatefulSet's, or were down, when the preview looked. */
    unfinished: string[];
}

/** Changes whenever any member's pod template does. */
function specsFingerprint(statefulSets: k8s.apps.v1.StatefulSet[]): pulumi.Output<string> {
    return pulumi.all(statefulSets.map((set) => set.spec.template)).apply((templates) => crypto.createHash("sha256").update(JSON.stringify(templates)).digest("hex"));
}

/**
 * Runs when a member's pod template changed, or when a rollout was left unfinished (an up that
 * stopped at a member, then a value set back): a no-change up runs nothing. Either way it ends
 * once every member is Ready (a new network, a new member), as the provider's own wait did.
 * Nothing on delete.
 */
export function rolloutStep(name: string, args: RolloutStepArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
    const environment = {
        KUBE_CONTEXT: args.kubeContext,
        NAMESPACE: args.namespace,
        CONSENSUS: JSON.stringify(args.consensus),
        NODE_COUNT: String(args.nodeCount),
        MEMBER_TIMEOUT: String(args.memberTimeoutSeconds),
        SPECS: specsFingerprint(args.statefulSets),
        UNFINISHED: args.unfinished.join(","),
    };
    return new command.local.Command(name, { create: operationCommand("rollout", "create"), update: operationCommand("rollout", "update"), environment }, { ...opts, dependsOn: args.statefulSets });
}

/**
 * At preview: the members a rollout has yet to see through (an older spec, no pod, not Ready),
 * among those the stack keeps; none on a new network. Set back after a rollout stopped at a member,
 * the specs equal those of the last run, and only this tells the step to run again.
 */
export async function unfinishedRollout(kube: Kube, nodeCount: number): Promise<string[]> {
    return (await memberPods(kube)).filter((member) => member.index <= nodeCount && isUnfinished(member)).map((member) => memberLabel(member.index));
}

/**
 * At preview: names a change of the quorum or transaction manager version on a running network
 * and refuses a downgrade below the version its Ready nodes run (unless allowed).
 */
export async function checkVersionChange(kube: Kube, wanted: ByRole<string>, transactionManager: string, allowDowngrade: boolean): Promise<void> {
    const { running, ran } = await chainVersions(kube, transactionManager);
    const verdict = versionVerdict(running, wanted, ran, allowDowngrade);
    if (verdict.refusal) throw new UserError(verdict.refusal);
    for (const note of verdict.notes) await pulumi.log.warn(note);
}
