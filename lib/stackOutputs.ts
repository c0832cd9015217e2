// The deployed network as the operations tools see it: the stack's outputs, read with the Pulumi CLI.
import { execFileSync } from "child_process";
import { StackOutputs } from "./model/outputs";

/** A tool's refusal in one line: no stack, or one that describes no network. */
export class StackOutputsMissing extends Error {}

/** The outputs of `stack` (the selected stack if undefined); StackOutputsMissing in the tool's words when there are none. */
export function readStackOutputs(tool: string, stack: string | undefined): StackOutputs {
    let outputs: Partial<StackOutputs>;
    try {
        const text = execFileSync("pulumi", ["stack", "output", "--json", ...(stack ? ["--stack", stack] : [])], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        outputs = JSON.parse(text) as Partial<StackOutputs>;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            throw new StackOutputsMissing(`${tool}: the Pulumi CLI is not installed (no pulumi on PATH): install it from https://www.pulumi.com/docs/install/`);
        }
        // Pulumi's own last words say why: no such stack, no passphrase, no backend.
        const said = String((error as { stderr?: string }).stderr ?? "").trim().split("\n").pop() ?? "";
        throw new StackOutputsMissing(`${tool}: could not read the outputs of ${stack ? `stack ${stack}` : "the selected stack"} (pulumi: ${said || "no answer"}); ${stack ? `bring it up first (STACK=${stack} npm run up), or name another` : "run 'npm run up' first, or pass --stack <name>"}`);
    }
    if (!outputs.namespace || !Array.isArray(outputs.nodes) || !outputs.runtime || !outputs.consensus || !outputs.kubeContext) {
        throw new StackOutputsMissing(`${tool}: the stack's outputs do not describe a network (namespace, runtime, consensus, nodes); run 'npm run up' first`);
    }
    return outputs as StackOutputs;
}
