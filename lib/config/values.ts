// Reading one config value of a known shape, recording a problem (not an exception) for a bad one.
import { ResourceSpec } from "../model/network";
import { declaredDefault } from "./declared";
import { IMAGE_REFERENCE_HELP, isImageReference } from "./imageReference";
import { QUANTITY_RULE, QuantityKind, quantityProblem, quantityValue } from "../model/quantities";

/** Config as the user wrote it: strings, or JSON values for arrays. Absent keys take Pulumi.yaml's defaults. */
export type RawConfig = Partial<Record<string, unknown>>;

/**
 * C0 and C1 controls, DEL, and Unicode's line and paragraph separators: no config value holds one,
 * and each reaches a terminal, a log or a file as something else (a line break splits a kube
 * context or a password file's line, an escape sequence rewrites the terminal showing the error).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROLS = new RegExp(CONTROL.source, "g");
/** Why a key says it more precisely than "one line". */
const ONE_LINE_BECAUSE: Record<string, string> = {
    accountPassword: "geth reads each line of passwords.txt as one account's password",
};
const codePoint = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

const PAIR_EXAMPLE: Record<QuantityKind, string> = { cpu: "250m:1", memory: "512Mi:1Gi" };

const asText = (value: unknown) => (typeof value === "string" ? value.trim() : JSON.stringify(value));

/** Prefixes of the resource keys (quorumCpu, tesseraMemory...). */
export type ContainerClass = "bootnode" | "quorum" | "constellation" | "tessera" | "racecourse";

/** Reads each key once, falling back to its declared default. */
export class ValueReader {
    /** Keys refused for their control characters: their other checks would only repeat it. */
    private readonly unreadable = new Set<string>();

    constructor(
        private readonly raw: RawConfig,
        readonly problems: string[],
    ) {}

    /** Records "key: text", unless the key was already refused for its control characters. */
    problem(key: string, text: string): void {
        if (!this.unreadable.has(key)) this.problems.push(`${key}: ${text}`);
    }

    private value(key: string): unknown {
        const value = this.raw[key];
        if (value === undefined) return declaredDefault(key);
        return typeof value === "string" ? this.readable(key, value) : value;
    }

    /** The text, each control character replaced, after a problem naming the first; never quoting the value (a password). */
    private readable(key: string, text: string, where = ""): string {
        const at = text.search(CONTROL);
        if (at < 0) return text;
        const because = ONE_LINE_BECAUSE[key] ? ` (${ONE_LINE_BECAUSE[key]})` : "";
        const found = `${codePoint(text[at])} at character ${at + 1}`;
        this.problem(
            key,
            `${where}must not contain control characters: ${found}; write it on one line without tabs or escapes${because}`,
        );
        this.unreadable.add(key);
        return text.replace(CONTROLS, "\uFFFD");
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
        for (const key of keys)
            if (this.differsFromDefault(key))
                this.problem(key, `only used with ${setting} ${wanted}; remove it or set ${setting} to ${wanted}`);
    }

    string(key: string): string {
        const value = this.value(key);
        if (typeof value === "string") return value.trim();
        this.problem(key, "must be a string");
        return "";
    }

    /** A string `check` accepts (it says why not), or empty when `emptyAllowed` (the key's own default applies then). */
    valid(key: string, check: (value: string) => string | undefined, emptyAllowed = false): string {
        const value = this.string(key);
        const problem = emptyAllowed && value === "" ? undefined : check(value);
        if (problem) this.problem(key, problem);
        return value;
    }

    /** An image reference, or "" when `emptyAllowed` (the key's own default applies then). */
    image(key: string, emptyAllowed = false): string {
        const problem = (value: string) => {
            if (value === "") return "must not be empty";
            return isImageReference(value) ? undefined : `"${value}" must be ${IMAGE_REFERENCE_HELP}`;
        };
        return this.valid(key, problem, emptyAllowed);
    }

    integer(key: string, min: number, max: number): number {
        const text = String(this.value(key)).trim();
        const number = /^\d+$/.test(text) ? Number(text) : NaN;
        if (!Number.isSafeInteger(number) || number < min || number > max) {
            this.problem(key, `"${text}" must be a whole number from ${min} to ${max}`);
            return min;
        }
        return number;
    }

    boolean(key: string): boolean {
        const text = String(this.value(key)).trim();
        if (text === "true" || text === "false") return text === "true";
        this.problem(key, `"${text}" must be true or false`);
        return false;
    }

    oneOf<T extends string>(key: string, allowed: readonly T[]): T {
        const value = this.string(key);
        const match = allowed.find((candidate) => candidate === value);
        if (match) return match;
        this.problem(key, `"${value}" must be one of ${allowed.join(", ")}`);
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
        if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
            return value.map((item, i) => this.readable(key, item, `item ${i + 1} `).trim());
        }
        this.problem(key, "must be a list of strings");
        return [];
    }

    envList(key: string): Record<string, string> {
        const env: Record<string, string> = {};
        for (const entry of this.stringList(key)) {
            const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(entry);
            if (match) env[match[1]] = match[2];
            else this.problem(key, `"${entry}" must be NAME=value with NAME made of letters, digits and _`);
        }
        return env;
    }

    /** A memory or storage size above zero, such as a volume's (quantities.ts's grammar). */
    size(key: string): string {
        return this.valid(key, (value) => {
            const problem = quantityProblem(value, "memory");
            return problem && `${JSON.stringify(value)} ${problem}: ${key} is ${QUANTITY_RULE.memory}`;
        });
    }

    /** "<request>:<limit>" pairs, e.g. quorumCpu "250m:1" and quorumMemory "512Mi:1Gi". */
    resources(container: ContainerClass): ResourceSpec {
        const cpu = this.pair(`${container}Cpu`, "cpu");
        const memory = this.pair(`${container}Memory`, "memory");
        return { requests: { cpu: cpu[0], memory: memory[0] }, limits: { cpu: cpu[1], memory: memory[1] } };
    }

    /** Each part a quantity above zero (quantities.ts's grammar, the one every reader uses), the request at most the limit. */
    private pair(key: string, kind: QuantityKind): [string, string] {
        const text = this.string(key);
        const [request = "", limit = "", ...rest] = text.split(":");
        const form = `request:limit such as ${PAIR_EXAMPLE[kind]}, each ${QUANTITY_RULE[kind]}`;
        if (rest.length > 0 || !text.includes(":")) {
            this.problem(key, `"${text}" must be ${form}`);
            return [request, limit];
        }
        const parts = [
            ["request", request],
            ["limit", limit],
        ].flatMap(([role, quantity]) => {
            const problem = quantityProblem(quantity, kind);
            return problem ? [`${role} ${JSON.stringify(quantity)} ${problem}`] : [];
        });
        if (parts.length > 0) this.problem(key, `${parts.join("; ")} (${form})`);
        else if ((quantityValue(request, kind) ?? 0) > (quantityValue(limit, kind) ?? 0)) {
            this.problem(key, `request ${request} must not exceed limit ${limit}`);
        }
        return [request, limit];
    }
}
