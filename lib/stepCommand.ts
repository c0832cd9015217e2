// How a Pulumi step's Command runs a phase of an operation: the one entry, from the project root
// (where the Pulumi CLI runs the program and its Commands). Its inputs travel in the Command's
// environment, never in this line, so no shell reads them as code.

export function operationCommand(operation: string, phase: string): string {
    return `node -r ts-node/register/transpile-only operations/run.ts ${operation} ${phase}`;
}
