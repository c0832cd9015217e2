// Pulumi.yaml declares every config key once: its type, default and description. The program reads
// the defaults from there; nothing restates them.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export interface KeyDeclaration {
    type: "string" | "integer" | "boolean" | "array";
    default: unknown;
    description: string;
}

const PROJECT_FILE = path.join(__dirname, "..", "..", "Pulumi.yaml");

let declared: Record<string, KeyDeclaration> | undefined;

/** Every key of the project's config namespace, as Pulumi.yaml declares it. */
export function declaredKeys(): Record<string, KeyDeclaration> {
    declared ??= (yaml.load(fs.readFileSync(PROJECT_FILE, "utf8")) as { config: Record<string, KeyDeclaration> })
        .config;
    return declared;
}

/** A key's default; a key Pulumi.yaml does not declare is a bug in the program, not the stack. */
export function declaredDefault(key: string): unknown {
    const declaration = declaredKeys()[key];
    if (!declaration) throw new Error(`config key ${key} is not declared in Pulumi.yaml`);
    return declaration.default;
}
