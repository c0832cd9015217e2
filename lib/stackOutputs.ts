// The deployed network as the operations tools see it: the stack's outputs, read with the Pulumi CLI.
import { execFileSync } from "child_process";
import { OUTPUTS_VERSION, StackOutputs } from "./model/outputs";

/** Where the stack a tool works on came from. */
export type StackSource = "--stack" | "$STACK" | "selected" | "default";

export interface StackChoice {
    name: string;
    source: StackSource;
}

/** A tool's refusal in one line: no stack, or one that describes no network. */
export class StackOutputsMissing extends Error {}

function pulumi(args: string[]): string {
    return execFileSync("pulumi", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function notInstalled(tool: string, error: unknown): StackOutputsMissing | undefined {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
    return new StackOutputsMissing(
        `${tool}: the Pulumi CLI is not installed (no pulumi on PATH): install it from https://www.pulumi.com/docs/install/`,
    );
}

/** The stack `pulumi stack select` chose in this project; undefined when none is (or it is gone). */
export function selectedStack(tool: string): string | undefined {
    try {
        return pulumi(["stack", "--show-name"]).trim() || undefined;
    } catch (error) {
        const missing = notInstalled(tool, error);
        if (missing) throw missing;
        return undefined;
    }
}

/** The stack as a refusal names it; the tool's first line has named the selected one already. */
function stackWords(choice: StackChoice): string {
    if (choice.source === "selected") return "the selected stack";
    if (choice.source === "default") return `stack ${choice.name}, the default as no stack is selected`;
    return `stack ${choice.name}`;
}

/** What to do when the stack has no outputs, by how it was chosen. */
function nextStep(choice: StackChoice): string {
    if (choice.source === "selected") return "run 'npm run up' first, or pass --stack <name>";
    if (choice.source === "default") return "bring it up with npm run up, or pass --stack <name>";
    return `bring it up first (STACK=${choice.name} npm run up), or name another`;
}

/** The outputs of the chosen stack; StackOutputsMissing in the tool's words when there are none. */
export function readStackOutputs(tool: string, choice: StackChoice): StackOutputs {
    let outputs: Partial<StackOutputs>;
    try {
        outputs = JSON.parse(pulumi(["stack", "output", "--json", "--stack", choice.name])) as Partial<StackOutputs>;
    } catch (error) {
        const missing = notInstalled(tool, error);
        if (missing) throw missing;
        // Pulumi's own last words say why: no such stack, no passphrase, no backend.
        const said =
            String((error as { stderr?: string }).stderr ?? "")
                .trim()
                .split("\n")
                .pop() || "no answer";
        throw new StackOutputsMissing(
            `${tool}: could not read the outputs of ${stackWords(choice)} (pulumi: ${said}); ${nextStep(choice)}`,
        );
    }
    if (
        !outputs.namespace ||
        !Array.isArray(outputs.nodes) ||
        !outputs.runtime ||
        !outputs.consensus ||
        !outputs.kubeContext
    ) {
        throw new StackOutputsMissing(
            `${tool}: the stack's outputs do not describe a network (namespace, runtime, consensus, nodes); run 'npm run up' first`,
        );
    }
    if (outputs.outputsVersion !== OUTPUTS_VERSION) {
        const was =
            outputs.outputsVersion === undefined
                ? "an earlier version's, with no outputsVersion"
                : `outputsVersion ${String(outputs.outputsVersion)}`;
        throw new StackOutputsMissing(
            `${tool}: ${stackWords(choice)}'s outputs are ${was}; this version reads outputsVersion ${OUTPUTS_VERSION}: run 'npm run up' once to rewrite them (it changes no resource)`,
        );
    }
    return outputs as StackOutputs;
}
