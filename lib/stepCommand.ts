// How a Pulumi step's Command runs a phase of an operation: the one entry, from the project root
// (where the Pulumi CLI runs the program and its Commands), and the one encoder of its request.
// The request travels in the Command's environment, never in the command line, so no shell reads
// it as code; the phase reads it back with lib/stepEnvironment.ts.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { STEP_REQUEST, StepTarget } from "./stepEnvironment";

/** No phase reads it: a value whose change alone makes Pulumi run the step again (its update). */
export const STEP_RERUN_ON = "STEP_RERUN_ON";

function operationCommand(operation: string, phase: string): string {
    return `node -r ts-node/register/transpile-only operations/run.ts ${operation} ${phase}`;
}

/** A request as a step declares it: any field may wait on another resource. */
export type StepInputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export interface OperationStep<T extends StepTarget> {
    operation: string;
    /** The phase run when the step is created. */
    create: string;
    /** The phase run when its environment changes; none: create runs again then (the Command's own rule). */
    update?: string;
    /** Only what the phases use: a change elsewhere in the stack leaves the step as it was. */
    request: StepInputs<T>;
    rerunOn?: pulumi.Input<string>;
}

/**
 * The step's Command, its request in STEP_REQUEST as JSON: a preview shows a change of a JSON
 * string field by field, as it shows an object's.
 */
export function operationStep<T extends StepTarget>(
    name: string,
    step: OperationStep<T>,
    opts: pulumi.CustomResourceOptions,
): command.local.Command {
    const environment: Record<string, pulumi.Input<string>> = { [STEP_REQUEST]: pulumi.jsonStringify(step.request) };
    if (step.rerunOn !== undefined) environment[STEP_RERUN_ON] = step.rerunOn;
    const phases = {
        create: operationCommand(step.operation, step.create),
        ...(step.update ? { update: operationCommand(step.operation, step.update) } : {}),
    };
    return new command.local.Command(name, { ...phases, environment }, opts);
}
