// Reads the project's config namespace for the current stack (the Pulumi CLI passes every declared
// key, defaults included, and every key the stack file sets), then validates it.
import * as pulumi from "@pulumi/pulumi";
import { declaredKeys } from "./declared";
import { NetworkConfig } from "../model/network";
import { validateConfig } from "./validate";
import { RawConfig } from "./values";

const SECRET_KEYS = ["accountPassword"];

export async function loadConfig(projectDir: string): Promise<NetworkConfig> {
    const config = new pulumi.Config();
    const raw: RawConfig = {};
    for (const key of Object.keys(declaredKeys())) {
        if (SECRET_KEYS.includes(key)) continue;
        const value = config.get(key);
        if (value !== undefined) raw[key] = value;
    }
    for (const key of SECRET_KEYS) {
        // A secret config value is known at preview too, so apply() always runs.
        const secret = config.getSecret(key);
        if (secret) raw[key] = await new Promise<string>((resolve) => secret.apply(resolve));
    }
    // A key Pulumi.yaml does not declare goes in too, so that validation names it as the typo it is.
    Object.assign(raw, undeclaredKeys(`${pulumi.getProject()}:`));
    return validateConfig(raw, { stack: pulumi.getStack(), projectDir });
}

/** The keys of the project's namespace that the stack sets and Pulumi.yaml does not declare, without the prefix. */
function undeclaredKeys(prefix: string): RawConfig {
    const declared = declaredKeys();
    const set = Object.entries(pulumi.runtime.allConfig()).filter(
        ([key]) => key.startsWith(prefix) && !(key.slice(prefix.length) in declared),
    );
    return Object.fromEntries(set.map(([key, value]) => [key.slice(prefix.length), value]));
}
