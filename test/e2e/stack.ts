// A stack of the project as the e2e harness drives it through the real Pulumi CLI, in a copy of the
// project inside the run folder, so stacks, keys and state never touch the repo.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { E2eFailure, expect, pulumi, requireEnv } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");
export const PROJECT = path.join(RUN_DIR, "project");
const LOGS = path.join(RUN_DIR, "logs");
const PROJECT_FILES = [
    "index.ts",
    "program.ts",
    "apps",
    "components",
    "operations",
    "lib",
    "scripts",
    "Pulumi.yaml",
    "Pulumi.dev.yaml",
    "package.json",
    "tsconfig.json",
    "tsconfig.pulumi.json",
];

/** The project as a user has it, in the run folder, so stacks, keys and state never touch the repo. */
export function copyProject(): void {
    fs.mkdirSync(PROJECT, { recursive: true });
    for (const entry of PROJECT_FILES)
        fs.cpSync(path.join(ROOT, entry), path.join(PROJECT, entry), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(PROJECT, "node_modules"));
}

export class Stack {
    constructor(readonly name: string) {}

    async cli(...args: string[]): Promise<string> {
        const result = await pulumi(PROJECT, path.join(LOGS, `pulumi-${this.name}.log`), [
            ...args,
            "--stack",
            this.name,
        ]);
        if (result.status !== 0)
            throw new E2eFailure(
                `pulumi ${args.join(" ")} failed (stack ${this.name}); see ${LOGS}/pulumi-${this.name}.log:\n${tail(result.output)}`,
            );
        return result.output;
    }

    /** Runs a command that must fail; returns its output. */
    async cliFailing(...args: string[]): Promise<string> {
        const result = await pulumi(PROJECT, path.join(LOGS, `pulumi-${this.name}.log`), [
            ...args,
            "--stack",
            this.name,
        ]);
        expect(result.status !== 0, `pulumi ${args.join(" ")} should have failed`, tail(result.output));
        return result.output;
    }

    /** A new stack with these values; lists become real config lists, as a stack file holds them. */
    async init(config: StackValues): Promise<void> {
        await pulumi(PROJECT, path.join(LOGS, `pulumi-${this.name}.log`), ["stack", "init", this.name]);
        const pairs = Object.entries(config).flatMap(([key, value]) =>
            Array.isArray(value)
                ? value.map((item, i) => `kaleido-quorum:${key}[${i}]=${item}`)
                : [`kaleido-quorum:${key}=${value}`],
        );
        await this.cli("config", "set-all", "--path", ...pairs.flatMap((pair) => ["--plaintext", pair]));
    }

    setConfig(key: string, value: string, ...flags: string[]): Promise<string> {
        return this.cli("config", "set", ...flags, `kaleido-quorum:${key}`, value);
    }

    async up(): Promise<void> {
        await this.cli("up", "--yes", "--skip-preview");
    }

    async outputs(): Promise<Record<string, unknown>> {
        return JSON.parse(await this.cli("stack", "output", "--json")) as Record<string, unknown>;
    }

    async resourceCount(): Promise<number> {
        const state = JSON.parse(await this.cli("stack", "export")) as { deployment?: { resources?: unknown[] } };
        return state.deployment?.resources?.length ?? 0;
    }

    async remove(): Promise<void> {
        await this.cli("stack", "rm", "--yes");
    }
}

function tail(text: string, lines = 25): string {
    return text.trim().split("\n").slice(-lines).join("\n");
}

export type StackValues = Record<string, string | string[]>;

/** A stack file's values, keys without the project prefix. */
export function stackFileValues(file: string): StackValues {
    const parsed = yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(
        Object.entries(parsed.config).map(([key, value]) => [
            key.replace(/^kaleido-quorum:/, ""),
            Array.isArray(value) ? value.map(String) : String(value),
        ]),
    );
}

/** The operations a preview plans, by resource name (the URN's last part); a resource left as it is may be absent. */
export async function plannedSteps(stack: Stack): Promise<Map<string, string>> {
    const text = await stack.cli("preview", "--json");
    const plan = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as {
        steps?: { op: string; urn: string }[];
    };
    return new Map((plan.steps ?? []).map((step) => [step.urn.split("::").pop() ?? step.urn, step.op]));
}
