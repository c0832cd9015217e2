// A stack's file (Pulumi.<stack>.yaml) as raw config, for tools that run before the Pulumi CLI
// does: keys without the project prefix, encrypted secrets left out.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { RawConfig } from "./values";

const PREFIX = "kaleido-quorum:";

/** Empty when the stack has no file: every key then takes its Pulumi.yaml default. */
export function stackFileConfig(projectDir: string, stack: string): RawConfig {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return {};
    const config = (yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined)?.config ?? {};
    const plain = Object.entries(config).filter(([key, value]) => key.startsWith(PREFIX) && !(typeof value === "object" && value !== null && "secure" in value));
    return Object.fromEntries(plain.map(([key, value]) => [key.slice(PREFIX.length), typeof value === "string" ? value : JSON.stringify(value)]));
}
