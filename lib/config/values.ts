// Reading one config value of a known shape, recording a problem (not an exception) for a bad one.
import { ResourceSpec } from "../model/network";
import { declaredDefault } from "./declared";
import { IMAGE_REFERENCE_HELP, isImageReference } from "./imageReference";
import { CPU_QUANTITY, cpuMillis, MEMORY_QUANTITY, memoryBytes } from "../model/quantities";

/** Config as the user wrote it: strings, or JSON values for arrays. Absent keys take Pulumi.yaml's defaults. */
export type RawConfig = Partial<Record<string, unknown>>;




const asText = (value: unknown) => (typeof value === "string" ? value.trim() : JSON.stringify(value));

/** Prefixes of the resource keys (quorumCpu, tesseraMemory...). */
export type ContainerClass = "bootnode" | "quorum" | "constellation" | "tessera" | "racecourse";

/** Reads each key once, falling back to its declared default. */
export class ValueReader {
    constructor(
        private readonly raw: RawConfig,
        readonly problems: string[],
    ) {}

    private value(key: string): unknown {
        const value = this.raw[key];
        return value === undefined ? declaredDefault(key) : value;
    }

    /**
     * Whether the stack sets a key to something other than its default. Presence says nothing: the
     * Pulumi CLI hands the program every default that Pulumi.yaml declares as if the stack set it.
     */
    differsFromDefault(key: string): boolean {
        const value = this.raw[key];
        return value !== undefined && asText(value) !== asText(declaredDefault(key));
    }

    /** A problem for each of `keys` set although `setting` is not `wanted`. */
    onlyFor(keys: readonly string[], setting: string, wanted: string): void {
        for (const key of keys) if (this.differsFromDefault(key)) this.problems.push(`${key}: only used with ${setting} ${wanted}; remove it or set ${setting} to ${wanted}`);
    }

    string(key: string): string {
        const value = this.value(key);
        if (typeof value === "string") return value.trim();
        this.problems.push(`${key}: must be a string`);
        return "";
    }

    nonEmpty(key: string): string {
        const value = this.string(key);
        if (value === "") this.problems.push(`${key}: must not be empty`);
        return value;
    }

    /** A string matching `pattern`, or empty when `emptyAllowed`; else a problem saying `expected`. */
    matching(key: string, pattern: RegExp, expected: string, emptyAllowed = false): string {
        const value = this.string(key);
        if (!(emptyAllowed && value === "") && !pattern.test(value)) this.problems.push(`${key}: "${value}" must be ${expected}`);
        return value;
    }

    /** An image reference, or "" when `emptyAllowed` (the key's own default applies then). */
    image(key: string, emptyAllowed = false): string {
        const value = this.string(key);
        if (value === "" && emptyAllowed) return value;
        if (value === "") this.problems.push(`${key}: must not be empty`);
        else if (!isImageReference(value)) this.problems.push(`${key}: "${value}" must be ${IMAGE_REFERENCE_HELP}`);
        return value;
    }

    integer(key: string, min: number, max: number): number {
        const text = String(this.value(key)).trim();
        const number = /^\d+$/.test(text) ? Number(text) : NaN;
        if (!Number.isSafeInteger(number) || number < min || number > max) {
            this.problems.push(`${key}: "${text}" must be a whole number from ${min} to ${max}`);
            return min;
        }
        return number;
    }

    boolean(key: string): boolean {
        const text = String(this.value(key)).trim();
        if (text === "true" || text === "false") return text === "true";
        this.problems.push(`${key}: "${text}" must be true or false`);
        return false;
    }

    oneOf<T extends string>(key: string, allowed: readonly T[]): T {
        const value = this.string(key);
        const match = allowed.find((candidate) => candidate === value);
        if (match) return match;
        this.problems.push(`${key}: "${value}" must be one of ${allowed.join(", ")}`);
        return allowed[0];
    }

    stringList(key: string): string[] {
        let value = this.value(key);
        if (typeof value === "string") {
            try {
                value = JSON.parse(value);
            } catch {
                value = undefined;
            }
        }
        if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value.map((item) => item.trim());
        this.problems.push(`${key}: must be a list of strings`);
        return [];
    }

    envList(key: string): Record<string, string> {
        const env: Record<string, string> = {};
        for (const entry of this.stringList(key)) {
            const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(entry);
            if (match) env[match[1]] = match[2];
            else this.problems.push(`${key}: "${entry}" must be NAME=value with NAME made of letters, digits and _`);
        }
        return env;
    }

    /** "<request>:<limit>" pairs, e.g. quorumCpu "250m:1" and quorumMemory "512Mi:1Gi". */
    resources(container: ContainerClass): ResourceSpec {
        const cpu = this.pair(`${container}Cpu`, CPU_QUANTITY, cpuMillis, "CPU quantities such as 250m:1");
        const memory = this.pair(`${container}Memory`, MEMORY_QUANTITY, memoryBytes, "memory quantities such as 512Mi:1Gi");
        return { requests: { cpu: cpu[0], memory: memory[0] }, limits: { cpu: cpu[1], memory: memory[1] } };
    }

    private pair(key: string, pattern: RegExp, magnitude: (quantity: string) => number, example: string): [string, string] {
        const text = this.string(key);
        const parts = text.split(":");
        if (parts.length === 2 && parts.every((part) => pattern.test(part))) {
            if (magnitude(parts[0]) <= magnitude(parts[1])) return [parts[0], parts[1]];
            this.problems.push(`${key}: request ${parts[0]} must not exceed limit ${parts[1]}`);
        } else {
            this.problems.push(`${key}: "${text}" must be request:limit ${example}`);
        }
        return [parts[0] ?? "", parts[1] ?? ""];
    }
}
