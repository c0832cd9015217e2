// npm run up's sizing of minikube: reads the stack's file (Pulumi.<stack>.yaml, defaults from
// Pulumi.yaml), validates it as the program does, and prints "<platform> <profile> <cpus> <memory MiB>"
// for `minikube start`. Usage: minikube-size.ts STACK
import * as path from "path";
import { runTool, ToolArgs, UsageError } from "../lib/cli";
import { stackFileConfig } from "../lib/config/stackFile";
import { validateConfig } from "../lib/config/validate";
import { minikubeSize, stackRequests } from "../lib/minikube/sizing";

const PROJECT_DIR = path.join(__dirname, "..");

async function run(args: ToolArgs): Promise<number> {
    const [stack] = args.positional();
    if (!stack) throw new UsageError("give the stack's name");
    const config = validateConfig(stackFileConfig(PROJECT_DIR, stack), { stack, projectDir: PROJECT_DIR });
    const { cpus, memoryMib } = minikubeSize(stackRequests(config));
    process.stdout.write(`${config.platform} ${config.minikubeProfile} ${cpus} ${memoryMib}\n`);
    return 0;
}

runTool({ name: "up", arguments: 1, usage: "usage: minikube-size.ts STACK\nprints <platform> <minikube profile> <cpus> <memory MiB> for the stack's pods", run });
