// The Pulumi side of a rollout: the step that replaces member pods one at a time after their
// StatefulSets took a new spec (updateStrategy OnDelete replaces none by itself), and the
// preview's checks: a change of version, and no new chain under running nodes.
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Kube } from "../../lib/kubernetes/kubectl";
import { Consensus } from "../../lib/model/consensus";
import { operationStep, StepInputs } from "../../lib/stepCommand";
import { UserError } from "../../lib/userError";
import type { RolloutStepRequest } from "./cli";
import { chainVersions, runningSeedIds } from "./observe";
import { ByRole, chainReplacementRefusal, versionVerdict } from "./plan";

export interface RolloutStepArgs {
    kubeContext: string;
    namespace: pulumi.Input<string>;
    consensus: Consensus;
    nodeCount: number;
    memberTimeoutSeconds: number;
    /** Every member's StatefulSet: their pod templates are the specs rolled out. */
    statefulSets: k8s.apps.v1.StatefulSet[];
}

/**
 * Each member StatefulSet's generation, which grows with every change of its spec. Set back after
 * a rollout stopped at a member, the specs equal those of the step's last successful run, but the
 * generations do not: the step runs again and rolls the members back. No phase reads them (the
 * pods' specs are read on the cluster), so they are the step's rerun marker, not its request.
 */
function specGenerations(statefulSets: k8s.apps.v1.StatefulSet[]): pulumi.Output<string> {
    return pulumi
        .all(statefulSets.map((set) => pulumi.all([set.metadata.name, set.metadata.generation])))
        .apply((pairs) => JSON.stringify(pairs));
}

/**
 * Runs when a member's spec changed (an up that stopped at a member and the value set back
 * included): a no-change up runs nothing. It ends once every member is Ready (a new network, a
 * new member), as the provider's own wait did. Nothing on delete.
 */
export function rolloutStep(
    name: string,
    args: RolloutStepArgs,
    opts: pulumi.CustomResourceOptions,
): command.local.Command {
    const request: StepInputs<RolloutStepRequest> = {
        kubeContext: args.kubeContext,
        namespace: args.namespace,
        consensusKind: args.consensus.kind,
        nodeCount: args.nodeCount,
        memberTimeoutMs: args.memberTimeoutSeconds * 1000,
    };
    const step = {
        operation: "rollout",
        create: "create",
        update: "update",
        request,
        rerunOn: specGenerations(args.statefulSets),
    };
    return operationStep(name, step, { ...opts, dependsOn: args.statefulSets });
}

/**
 * At preview: names a change of the quorum or transaction manager version on a running network
 * and refuses a downgrade below what its members have run (unless allowed).
 */
export async function checkVersionChange(
    kube: Kube,
    wanted: ByRole<string>,
    transactionManager: string,
    allowDowngrade: boolean,
): Promise<void> {
    const { running, seen } = await chainVersions(kube, transactionManager);
    const verdict = versionVerdict(running, wanted, seen, allowDowngrade);
    if (verdict.refusal) throw new UserError(verdict.refusal);
    for (const note of verdict.notes) await pulumi.log.warn(note);
}

/** At preview: refuses a config that would lay a new chain under running nodes (`planned`: each node's seed id, by index). */
export async function checkChainKept(kube: Kube, planned: Map<number, string>): Promise<void> {
    const refusal = chainReplacementRefusal(await runningSeedIds(kube), planned);
    if (refusal) throw new UserError(refusal);
}
