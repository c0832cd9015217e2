import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { BftConsensus } from "../../lib/model/consensus";
import { desiredValidators, genesisValidators } from "../../lib/network/validatorPlan";
import { QdataFolder } from "../../lib/model/qdata";

export interface ValidatorStepArgs {
    consensus: BftConsensus;
    /** The nodes' signing addresses, and the genesis's validators: a new network starts with those. */
    qdata: QdataFolder;
    kubeContext: string;
    namespace: pulumi.Input<string>;
}

/**
 * The IBFT/QBFT validator set of a running network (scripts/validator-votes.ts): the first
 * `validators` nodes. A change of `validators` updates this step, which votes the chain's set there
 * on every Ready node, one change at a time, and keeps the set it left in its stdout. A vote that
 * does not pass fails the update, so the state keeps the old set and the next up votes again.
 * Nothing on delete: a destroy takes the whole network down and votes nothing.
 */
export function validatorStep(name: string, args: ValidatorStepArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
    const script = "node -r ts-node/register/transpile-only scripts/validator-votes.ts";
    const environment = {
        KUBE_CONTEXT: args.kubeContext,
        NAMESPACE: args.namespace,
        VALIDATORS: JSON.stringify(desiredValidators(args.consensus, args.qdata)),
        GENESIS_VALIDATORS: JSON.stringify(genesisValidators(args.qdata)),
        BLOCK_PERIOD: String(args.consensus.blockPeriod),
    };
    return new command.local.Command(name, { create: `${script} create`, update: `${script} update`, environment }, opts);
}
