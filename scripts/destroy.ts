// npm run destroy [-- --stack NAME] [<pulumi destroy arguments>]
// Selects the stack (--stack NAME, else $STACK, else the selected stack, else dev) and runs
// `pulumi destroy` with the other arguments: the network, its volumes and (unless keepChainData)
// its host folders and keys go. A stack that does not exist is named, with those that do.
import { spawnSync } from "child_process";
import * as path from "path";
import { chooseStack, ownArguments, stackLine } from "../lib/cli";
import { onPath, Refusal, runLaptopCommand, runOnTerminal } from "../lib/laptop";
import { selectedStack } from "../lib/stackOutputs";

const USAGE = `usage: [STACK=<stack>] npm run destroy [-- --stack NAME] [<pulumi destroy arguments>]
Works on --stack NAME, else $STACK, else the stack Pulumi has selected, else dev: runs
\`pulumi stack select <stack>\` and \`pulumi destroy <arguments>\`, which removes the network, its
volumes and namespace, and (unless keepChainData is true) its host folders and generated keys.`;

/** The project's stacks in the backend, by their own names; undefined when pulumi cannot list them. */
function stacksInBackend(): string[] | undefined {
    const listed = spawnSync("pulumi", ["stack", "ls", "--json"], { encoding: "utf8" });
    if (listed.status !== 0) return undefined;
    try {
        return (JSON.parse(listed.stdout) as { name: string }[]).map(
            (stack) => stack.name.split("/").pop() ?? stack.name,
        );
    } catch {
        return undefined;
    }
}

/** `pulumi stack select`; its failure in destroy's words, naming the stacks there are when this one is not among them. */
function selectStack(stack: string): void {
    const selected = spawnSync("pulumi", ["stack", "select", stack], {
        encoding: "utf8",
        stdio: ["ignore", "inherit", "pipe"],
    });
    if (selected.status === 0) return;
    const stacks = stacksInBackend();
    if (stacks && !stacks.includes(stack.split("/").pop() ?? stack)) {
        throw new Refusal(
            `there is no stack ${stack}: nothing to destroy (the stacks of this project: ${stacks.join(", ") || "none"})`,
            2,
        );
    }
    const said = selected.stderr.trim().split("\n").pop() || `exit ${selected.status}`;
    throw new Refusal(`could not select stack ${stack} (pulumi: ${said})`);
}

async function destroy(argv: string[]): Promise<number> {
    const own = ownArguments(argv, []);
    if (!onPath("pulumi"))
        throw new Refusal("the Pulumi CLI is not installed: install it from https://www.pulumi.com/docs/install/", 2);
    const choice = chooseStack(own.stack, process.env.STACK, () => selectedStack("destroy"));
    console.log(stackLine("destroy", choice));
    selectStack(choice.name);
    return runOnTerminal("pulumi", ["destroy", ...own.rest]);
}

runLaptopCommand("destroy", USAGE, path.join(__dirname, ".."), destroy);
