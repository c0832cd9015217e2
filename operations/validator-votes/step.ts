// The Pulumi side of validator votes: the step that votes the stack's set on a running network,
// and the preview's refusal of a change the votes cannot make.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { Kube } from "../../lib/kubernetes/kubectl";
import { BftConsensus } from "../../lib/model/consensus";
import { QdataFolder } from "../../lib/model/qdata";
import { nodeIndexOf } from "../../lib/network/names";
import { UserError } from "../../lib/userError";
import { operationCommand } from "../../lib/stepCommand";
import { seenValidators } from "./observe";
import { desiredValidators, genesisValidators, validatorChangeProblem } from "./plan";

export interface ValidatorStepArgs {
    consensus: BftConsensus;
    /** The nodes' signing addresses, and the genesis's validators: a new network starts with those. */
    qdata: QdataFolder;
    kubeContext: string;
    namespace: pulumi.Input<string>;
}

/**
 * The IBFT/QBFT validator set of a running network (the cli's create and update phases): the first
 * `validators` nodes. A change of `validators` updates this step, which votes the chain's set there
 * on every Ready node, one change at a time, and keeps the set it left in its stdout. A vote that
 * does not pass fails the update, so the state keeps the old set and the next up votes again.
 * Nothing on delete: a destroy takes the whole network down and votes nothing.
 */
export function validatorStep(name: string, args: ValidatorStepArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
    const environment = {
        KUBE_CONTEXT: args.kubeContext,
        NAMESPACE: args.namespace,
        VALIDATORS: JSON.stringify(desiredValidators(args.consensus, args.qdata)),
        GENESIS_VALIDATORS: JSON.stringify(genesisValidators(args.qdata)),
        BLOCK_PERIOD: String(args.consensus.blockPeriod),
    };
    return new command.local.Command(name, { create: operationCommand("validator-votes", "create"), update: operationCommand("validator-votes", "update"), environment }, opts);
}

/**
 * At every preview and update: refuses a change of validators the votes cannot make (more than one
 * at a time, too few validators Ready to vote). A new network has nothing to check; a chain that
 * cannot be read (images without the istanbul API) is left to the vote step, with a warning.
 */
export async function checkValidatorChange(kube: Kube, consensus: BftConsensus, qdata: QdataFolder): Promise<void> {
    const seen = await seenValidators(kube);
    if (seen.ready.length === 0) return;
    if (!seen.validators) {
        await pulumi.log.warn(`validators: cannot read the running chain's validator set (${seen.failure}); the vote step checks when it runs`);
        return;
    }
    const readyAddresses = seen.ready.flatMap((pod) => {
        const member = qdata.nodes[(nodeIndexOf(pod) ?? 0) - 1];
        return member ? [`0x${member.nodeAddress}`] : [];
    });
    const problem = validatorChangeProblem({ validators: seen.validators, readyAddresses }, desiredValidators(consensus, qdata));
    if (problem) throw new UserError(problem);
}
