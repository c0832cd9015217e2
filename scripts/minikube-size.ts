// npm run up's sizing of minikube: reads the stack's file (Pulumi.<stack>.yaml, defaults from
// Pulumi.yaml), validates it as the program does, and prints "<platform> <profile> <cpus> <memory MiB>"
// for `minikube start`. Usage: minikube-size.ts STACK
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { minikubeSize, stackRequests } from "../lib/minikube/sizing";
import { validateConfig } from "../lib/config/validate";
import { RawConfig } from "../lib/config/values";

const PROJECT_DIR = path.join(__dirname, "..");
const PREFIX = "kaleido-quorum:";

/** The stack file's values, keys without the project prefix; encrypted secrets left out (none sizes a pod). */
function stackFileConfig(stack: string): RawConfig {
    const file = path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return {};
    const config = (yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined)?.config ?? {};
    const plain = Object.entries(config).filter(([key, value]) => key.startsWith(PREFIX) && !(typeof value === "object" && value !== null && "secure" in value));
    return Object.fromEntries(plain.map(([key, value]) => [key.slice(PREFIX.length), typeof value === "string" ? value : JSON.stringify(value)]));
}

const stack = process.argv[2];
if (!stack || stack === "--help") {
    process.stdout.write("usage: minikube-size.ts STACK\nprints <platform> <minikube profile> <cpus> <memory MiB> for the stack's pods\n");
    process.exit(stack ? 0 : 2);
}
try {
    const config = validateConfig(stackFileConfig(stack), { stack, projectDir: PROJECT_DIR });
    const { cpus, memoryMib } = minikubeSize(stackRequests(config));
    process.stdout.write(`${config.platform} ${config.minikubeProfile} ${cpus} ${memoryMib}\n`);
} catch (error) {
    process.stderr.write(`up: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
}
