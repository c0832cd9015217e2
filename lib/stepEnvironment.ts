// What a Pulumi step hands the phase it runs: one request, typed per phase, carried in its
// Command's environment as one JSON variable (lib/stepCommand.ts writes it). The phase reads it
// back here and trusts nothing of its shape: a field that is missing, of another type, or that the
// phase does not take is refused, named, as bad arguments are. Nothing here loads Pulumi: a
// phase's process starts without it.
import { ToolArgs, UsageError } from "./cli";

/** The one variable of a step's environment that a phase reads. */
export const STEP_REQUEST = "STEP_REQUEST";

/** The cluster a step works on: part of every request. */
export interface StepTarget {
    kubeContext: string;
    namespace: string;
}

/** A request's own fields, beside its target: what a phase's decoder reads. */
export type StepFields<T extends StepTarget> = Omit<T, keyof StepTarget>;

/** What a text field must be, in words for the refusal. */
export interface TextRule {
    test(value: string): boolean;
    what: string;
}

export const NON_EMPTY: TextRule = { test: (value) => value !== "", what: "a non-empty string" };
export const ANY_TEXT: TextRule = { test: () => true, what: "a string" };

export function matching(pattern: RegExp, what: string): TextRule {
    return { test: (value) => pattern.test(value), what };
}

const SHOWN_CHARACTERS = 80;

function shown(value: unknown): string {
    if (value === undefined) return "missing";
    const text = JSON.stringify(value);
    return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}...` : text;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** A request's object, read field by field: each read checks its field and names it when it is wrong. */
export class RequestFields {
    private readonly read = new Set<string>();
    private readonly nested: RequestFields[] = [];

    constructor(
        private readonly value: Record<string, unknown>,
        private readonly path = "",
    ) {}

    private field(name: string): unknown {
        this.read.add(name);
        return this.value[name];
    }

    private refuse(name: string, wanted: string): never {
        throw new UsageError(`${STEP_REQUEST}: ${this.path}${name} must be ${wanted}, not ${shown(this.value[name])}`);
    }

    string(name: string, rule: TextRule = NON_EMPTY): string {
        const value = this.field(name);
        if (typeof value !== "string" || !rule.test(value)) return this.refuse(name, rule.what);
        return value;
    }

    /** A list, each entry as `rule` says; of one entry at least unless `mayBeEmpty`. */
    strings(name: string, rule: TextRule, mayBeEmpty = false): string[] {
        const value = this.field(name);
        const entries = Array.isArray(value)
            ? value.filter((entry): entry is string => typeof entry === "string" && rule.test(entry))
            : [];
        const whole = Array.isArray(value) && entries.length === value.length && (mayBeEmpty || entries.length > 0);
        if (!whole) return this.refuse(name, `a${mayBeEmpty ? "" : " non-empty"} list, each entry ${rule.what}`);
        return entries;
    }

    wholeNumber(name: string, min = 0): number {
        const value = this.field(name);
        if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min)
            return this.refuse(name, `a whole number from ${min}`);
        return value;
    }

    boolean(name: string): boolean {
        const value = this.field(name);
        if (typeof value !== "boolean") return this.refuse(name, "true or false");
        return value;
    }

    oneOf<T extends string>(name: string, values: readonly T[]): T {
        const value = this.field(name);
        const known = values.find((candidate) => candidate === value);
        if (known === undefined) return this.refuse(name, `one of ${values.join(", ")}`);
        return known;
    }

    /** A nested object, read as this one is. */
    object(name: string): RequestFields {
        const value = this.field(name);
        if (!isObject(value)) return this.refuse(name, "an object");
        const fields = new RequestFields(value, `${this.path}${name}.`);
        this.nested.push(fields);
        return fields;
    }

    /** The fields nothing read, nested ones included: the step wrote what its phase does not take. */
    unread(): string[] {
        const own = Object.keys(this.value).filter((name) => !this.read.has(name));
        return [...own.map((name) => `${this.path}${name}`), ...this.nested.flatMap((fields) => fields.unread())];
    }
}

/**
 * The one decoder: the request in `text`, its target and what `decode` reads of the rest.
 * Refused with a UsageError: text that is not a JSON object, a field `decode` finds wrong, a field
 * no read asked for.
 */
export function decodeStepRequest<T>(text: string, decode: (fields: RequestFields) => T): StepTarget & T {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new UsageError(`${STEP_REQUEST} is not JSON: ${(error as Error).message}`);
    }
    if (!isObject(parsed)) throw new UsageError(`${STEP_REQUEST} must be a JSON object, not ${shown(parsed)}`);
    const fields = new RequestFields(parsed);
    const request = {
        kubeContext: fields.string("kubeContext"),
        namespace: fields.string("namespace"),
        ...decode(fields),
    };
    const unread = fields.unread();
    if (unread.length > 0)
        throw new UsageError(`${STEP_REQUEST} holds fields this phase does not take: ${unread.join(", ")}`);
    return request;
}

/** A phase's request, from its Command's environment. */
export function stepRequest<T>(args: ToolArgs, decode: (fields: RequestFields) => T): StepTarget & T {
    return decodeStepRequest(args.env(STEP_REQUEST), decode);
}
