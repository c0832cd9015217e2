// The Pulumi side of validator votes: the step that votes the stack's set on a running network,
// and the preview's refusal of a change the votes cannot make.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { Kube } from "../../lib/kubernetes/kubectl";
import { BftConsensus } from "../../lib/model/consensus";
import { QdataFolder } from "../../lib/model/qdata";
import { nodeIndexOf, nodePodName } from "../../lib/network/names";
import { UserError } from "../../lib/userError";
import { operationStep, StepInputs } from "../../lib/stepCommand";
import type { ValidatorStepRequest } from "./cli";
import { podObserver } from "./observe";
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
 * by the validators in step, one change at a time (an added node once it is in step too), and
 * keeps the set it left in its stdout. A vote that does not pass, or that would leave a chain that
 * cannot seal, fails the update, so the state keeps the old set and the next up votes again.
 * Nothing on delete: a destroy takes the whole network down and votes nothing.
 */
export function validatorStep(
    name: string,
    args: ValidatorStepArgs,
    opts: pulumi.CustomResourceOptions,
): command.local.Command {
    const request: StepInputs<ValidatorStepRequest> = {
        kubeContext: args.kubeContext,
        namespace: args.namespace,
        validators: desiredValidators(args.consensus, args.qdata),
        genesisValidators: genesisValidators(args.qdata),
        blockPeriodSeconds: args.consensus.blockPeriod,
    };
    return operationStep(name, { operation: "validator-votes", create: "create", update: "update", request }, opts);
}

/**
 * At every preview and update: refuses a change of validators the votes cannot make, or that would
 * leave a chain that cannot seal (plan.ts), judged by which validators are in step, not by pods'
 * readiness. A new network has nothing to check; a chain that cannot be read (images without the
 * istanbul API) is left to the vote step, with a warning.
 */
export async function checkValidatorChange(kube: Kube, consensus: BftConsensus, qdata: QdataFolder): Promise<void> {
    const pods = new Set((await kube.pods()).map((pod) => pod.name));
    if (![...pods].some((pod) => nodeIndexOf(pod) !== undefined)) return;
    const { network } = await podObserver(kube, {
        rule: consensus,
        addresses: qdata.nodes.map((node) => `0x${node.nodeAddress}`),
    })();
    if (!network.chainSet) {
        const why = network.nodes.find((node) => node.error !== undefined);
        const reason = why ? `${why.name}: ${why.error}` : "no node lists it: istanbul_getValidators";
        await pulumi.log.warn(
            `validators: cannot read the running chain's validator set (${reason}); the vote step checks when it runs`,
        );
        return;
    }
    // A validator whose node this up creates cannot be in step yet: the vote step waits for it.
    const comingUp = network.nodes.flatMap((node) =>
        node.identity !== undefined && !pods.has(nodePodName(node.index)) ? [node.identity] : [],
    );
    const problem = validatorChangeProblem(network, desiredValidators(consensus, qdata), { comingUp });
    if (problem) throw new UserError(`validators: ${problem}`);
}
