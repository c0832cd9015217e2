// The validation as a black box fed Pulumi.yaml's defaults the way the Pulumi CLI hands them over:
// what it reads, what it refuses, which choices it lists, and which settings each key conflicts
// with; and where a key's description states otherwise.
import { declaredKeys } from "../../lib/config/declared";
import { ConfigError, validateConfig } from "../../lib/config/validate";
import { RawConfig } from "../../lib/config/values";
import { defaultText } from "./configDocs";

export const DECLARED = declaredKeys();
export const KEYS = Object.keys(DECLARED);
/** No stack files and no qdata folder: nothing on disk takes part. */
const CONTEXT = { stack: "keys", projectDir: "/nonexistent/kaleido-quorum" };
const CLI_DEFAULTS: RawConfig = Object.fromEntries(KEYS.map((key) => [key, defaultText(DECLARED[key].default)]));

export interface Outcome {
    problems: string[];
    /** Every key the validation looked up. */
    read: Set<string>;
}

/** Validates every default with `overrides` on top, as `pulumi up` would. */
export function validate(overrides: RawConfig): Outcome {
    const read = new Set<string>();
    const given: RawConfig = { ...CLI_DEFAULTS, ...overrides };
    const raw = new Proxy(given, {
        get(target, key, receiver) {
            if (typeof key === "string") read.add(key);
            return Reflect.get(target, key, receiver);
        },
    });
    try {
        validateConfig(raw, CONTEXT);
        return { problems: [], read };
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return { problems: error.problems, read };
    }
}

/** The problems refusing the key's value; a conflict with another setting is not one. */
export const refusals = (key: string, problems: string[]) =>
    problems.filter((problem) => problem.startsWith(`${key}: `) && !problem.startsWith(`${key}: only used with `));

/** A value other than the default, valid or not: a conflict only asks whether the stack sets the key. */
export function otherValue(key: string): string {
    const { type, default: value } = DECLARED[key];
    if (type === "boolean") return String(!value);
    if (type === "integer") return String(Number(value) + 1);
    if (type === "array") return JSON.stringify(["other"]);
    return value === "" ? "other" : `${defaultText(value)}-other`;
}

/** How a refusal lists the choices: one of them ("must be one of"), or a comma-separated list of them ("choose from"). */
export const ONE_OF = /must be one of (.+)$/;
const ANY_OF = /(?:must be one of|choose from) (.+)$/;

/** What the validation lists when it refuses a value outside a key's choices; undefined for a key without. */
export function choicesOf(key: string, setting: RawConfig = {}, listedAs = ANY_OF): string[] | undefined {
    if (DECLARED[key].type !== "string" || key in setting) return undefined;
    const listed = refusals(key, validate({ ...setting, [key]: "not-a-choice" }).problems).map(
        (problem) => listedAs.exec(problem)?.[1],
    );
    return listed.find((list) => list !== undefined)?.split(", ");
}

/** The defaults, then each setting alone off its default: every other choice of a key with choices, the other boolean. */
export function settings(): RawConfig[] {
    const moved = KEYS.flatMap((key): RawConfig[] => {
        if (DECLARED[key].type === "boolean") return [{ [key]: otherValue(key) }];
        const others = (choicesOf(key) ?? []).filter((choice) => choice !== DECLARED[key].default);
        return others.map((choice) => ({ [key]: choice }));
    });
    return [{}, ...moved];
}

/** "setting wanted" for each setting under which the validation refuses the key set: "platform minikube", "consensus ibft or qbft". */
export function conflictsOf(key: string, among: RawConfig[]): string[] {
    const conflicts = new Set<string>();
    const only = new RegExp(`^${key}: only used with (\\S+) (.+?); `);
    for (const setting of among.filter((candidate) => !(key in candidate))) {
        for (const problem of validate({ ...setting, [key]: otherValue(key) }).problems) {
            const match = only.exec(problem);
            if (match) conflicts.add(`${match[1]} ${match[2]}`);
        }
    }
    return [...conflicts].sort();
}

/** Whether the text names `word` whole ("eth" is not in "ethereum"). */
export function names(text: string, word: string, flags = ""): boolean {
    return new RegExp(`(?<![\\w-])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`, flags).test(text);
}

/** "min to max": whole numbers, hex quantities, or a key whose default bounds it ("0 to nodeCount"). */
export const RANGE = /(?<![\w.-])(0x[0-9a-fA-F]+|\d+) to (0x[0-9a-fA-F]+|\d+|[a-z][A-Za-z]*)(?!\w)/g;

/** Where the validation refuses inside, or takes outside, the one range the description states: min-1, min, max, max+1. */
export function rangeDisagreements(key: string, description: string): string[] {
    const stated = [...description.matchAll(RANGE)];
    if (stated.length === 0)
        return DECLARED[key].type === "integer"
            ? [`${key}: an integer whose description states no range "min to max"`]
            : [];
    if (stated.length > 1) return [`${key}: the description states ${stated.length} ranges`];
    const [, low, high] = stated[0];
    const bound = (text: string) => BigInt(text in DECLARED ? defaultText(DECLARED[text].default) : text);
    if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(high) && !(high in DECLARED))
        return [`${key}: "${low} to ${high}" ends at neither a number nor a key`];
    const write = (value: bigint) => (low.startsWith("0x") ? `0x${value.toString(16)}` : value.toString());
    const [min, max] = [bound(low), bound(high)];
    const cases: [bigint, boolean][] = [
        [min - 1n, false],
        [min, true],
        [max, true],
        [max + 1n, false],
    ];
    return cases.flatMap(([value, inside]) => {
        const refused = refusals(key, validate({ [key]: write(value) }).problems).length > 0;
        return refused === inside
            ? [
                  `${key}: ${write(value)} is ${refused ? "refused" : "taken"}, but the description says ${low} to ${high}`,
              ]
            : [];
    });
}

/** Each choice the validation lists under `setting` must be taken there and named by the description. */
export function choiceDisagreements(key: string, description: string, setting: RawConfig = {}): string[] {
    return (choicesOf(key, setting) ?? []).flatMap((choice) => [
        ...(names(description, choice)
            ? []
            : [`${key}: the validation takes ${choice}, which the description does not name`]),
        ...(refusals(key, validate({ ...setting, [key]: choice }).problems).length > 0
            ? [`${key}: ${choice} is listed but refused`]
            : []),
    ]);
}

/** Settings that decide where a key applies at all, stated as "<setting> <value> only". */
const PLACES = ["platform", "runtime"];

/**
 * A platform or runtime conflict must read "<setting> <value> only", and no key says so without
 * one; any other conflict names its setting or one of the values it wants.
 */
export function conflictDisagreements(key: string, description: string, conflicts: string[]): string[] {
    const stated = [...description.matchAll(/\b(platform|runtime) (\S+?) only\b/g)].map(
        (match) => `${match[1]} ${match[2]}`,
    );
    const placed = conflicts.filter((conflict) => PLACES.includes(conflict.split(" ")[0]));
    const unstated = placed
        .filter((conflict) => !stated.includes(conflict))
        .map((conflict) => `${key}: refused outside ${conflict}, but the description does not say "${conflict} only"`);
    const unenforced = stated
        .filter((claim) => !placed.includes(claim))
        .map((claim) => `${key}: the description says "${claim} only", but the validation takes it elsewhere`);
    const unnamed = conflicts
        .filter((conflict) => !placed.includes(conflict))
        .filter(
            (conflict) =>
                !conflict
                    .split(" ")
                    .some((word) => !["or", "true", "false"].includes(word) && names(description, word, "i")),
        )
        .map((conflict) => `${key}: refused outside ${conflict}, which the description does not name`);
    return [...unstated, ...unenforced, ...unnamed];
}
