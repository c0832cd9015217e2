// A stack's file (Pulumi.<stack>.yaml) as raw config, for tools that run before the Pulumi CLI
// does: keys without the project prefix, encrypted secrets left out.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { RawConfig } from "./values";

const PREFIX = "kaleido-quorum:";
const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

/** A qualified name (org/project/stack) has its file under the stack's own name, as Pulumi keeps it. */
export function stackFilePath(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack.split("/").pop()}.yaml`);
}

/** Every key of the project's namespace the file sets, secrets included; none when the stack has no file. */
function projectEntries(projectDir: string, stack: string): [string, unknown][] {
    const file = stackFilePath(projectDir, stack);
    if (!fs.existsSync(file)) return [];
    const config =
        (yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null | undefined)?.config ??
        {};
    return Object.entries(config)
        .filter(([key]) => key.startsWith(PREFIX))
        .map(([key, value]) => [key.slice(PREFIX.length), value]);
}

/** Empty when the stack has no file: every key then takes its Pulumi.yaml default. */
export function stackFileConfig(projectDir: string, stack: string): RawConfig {
    const plain = projectEntries(projectDir, stack).filter(
        ([, value]) => !(typeof value === "object" && value !== null && "secure" in value),
    );
    return Object.fromEntries(
        plain.map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}

/** The keys the file sets, a secret's too: a mistyped secret key is as much a typo as any. */
export function stackFileKeys(projectDir: string, stack: string): string[] {
    return projectEntries(projectDir, stack).map(([key]) => key);
}

/** The stacks that have a file in the project folder, by name; none when there is no such folder. */
export function stackFileNames(projectDir: string): string[] {
    if (!fs.existsSync(projectDir)) return [];
    return fs
        .readdirSync(projectDir)
        .flatMap((name) => {
            const stack = STACK_FILE.exec(name)?.[1];
            return stack !== undefined && isFile(path.join(projectDir, name)) ? [stack] : [];
        })
        .sort();
}

/** A regular file, or a link to one: a FIFO or device named like a stack file would hang its reading. */
function isFile(file: string): boolean {
    try {
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}
