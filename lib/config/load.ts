// Reads the project's config namespace for the current stack (the Pulumi CLI passes every declared
// key, defaults included), then validates it.
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
    return validateConfig(raw, { stack: pulumi.getStack(), projectDir });
}
