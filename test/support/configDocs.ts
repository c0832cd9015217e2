// The config keys as the docs state them: docs/REFERENCE.md's table, rendered from Pulumi.yaml's
// declarations, and the README's hand-written table of the keys most people change, read back.
import { KeyDeclaration } from "../../lib/config/declared";

const BEGIN =
    "<!-- config keys: generated from Pulumi.yaml; edit Pulumi.yaml, then UPDATE_CONFIG_REFERENCE=1 npm test -->";
const END = "<!-- end of the config keys generated from Pulumi.yaml -->";

const TYPE_NAMES: Record<KeyDeclaration["type"], string> = {
    string: "string",
    integer: "integer",
    boolean: "boolean",
    array: "list of strings",
};

/** A default as the CLI hands it to the program: strings as they are, the rest as JSON. */
export const defaultText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** A pipe would end the cell; `<stack>` would read as an HTML tag. */
const escaped = (text: string) => text.replace(/\|/g, "\\|").replace(/</g, "&lt;");

function defaultCell(value: unknown): string {
    const text = defaultText(value);
    return text === "" ? "empty" : `\`${text.replace(/\|/g, "\\|")}\``;
}

/** Every declared key, in Pulumi.yaml's order, as one Markdown table. */
export function renderKeyTable(declared: Record<string, KeyDeclaration>): string {
    const rows = Object.entries(declared).map(
        ([key, declaration]) =>
            `| \`${key}\` | ${TYPE_NAMES[declaration.type]} | ${defaultCell(declaration.default)} | ${escaped(declaration.description)} |`,
    );
    return ["| key | type | default | description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** What lies between the markers, or undefined when the document lacks them. */
export function generatedSection(document: string): string | undefined {
    const begin = document.indexOf(BEGIN);
    const end = document.indexOf(END);
    return begin < 0 || end < begin ? undefined : document.slice(begin + BEGIN.length, end).trim();
}

/** The document with `table` between the markers, which it must have already (the prose around them is written by hand). */
export function withGeneratedSection(document: string, table: string): string {
    const begin = document.indexOf(BEGIN);
    const end = document.indexOf(END);
    if (begin < 0 || end < begin)
        throw new Error(`the document has no ${BEGIN} ... ${END} section to write the table into`);
    return `${document.slice(0, begin + BEGIN.length)}\n${table}\n${document.slice(end)}`;
}

/** One row of the README's config table: its keys ("…" for more), the default of each, and the rest. */
export interface ReadmeRow {
    keys: string[];
    defaults: string[];
    says: string;
}

const unquoted = (text: string) => text.replace(/^`|`$/g, "");

/** The rows of the first table in the README's "## Config" section. */
export function readmeConfigRows(readme: string): ReadmeRow[] {
    const section = readme.split(/^## /m).find((part) => part.startsWith("Config\n")) ?? "";
    return section
        .split("\n")
        .filter((line) => line.startsWith("| `"))
        .map((line) => {
            const [keys, defaults, says] = line.slice(2, -2).split(" | ");
            const keyList = keys.split(", ").map(unquoted);
            return { keys: keyList, defaults: keyList.length === 1 ? [defaults] : defaults.split(", "), says };
        });
}

/**
 * Whether the README's default for a key is Pulumi.yaml's: "empty…", or a first `literal` equal to
 * it (or its end, written from a dot: `.99` for 10.96.0.99); "compared" false for prose ("the runtime's").
 */
export function readmeDefault(stated: string, declared: unknown): { compared: boolean; problem?: string } {
    const text = defaultText(declared);
    if (/^empty\b/.test(stated))
        return {
            compared: true,
            ...(text === "" || text === "[]" ? {} : { problem: `says empty, Pulumi.yaml says ${text}` }),
        };
    const literal = /^`([^`]*)`/.exec(stated)?.[1];
    if (literal === undefined) return { compared: false };
    const agrees = literal === text || (literal.startsWith(".") && text.endsWith(literal));
    return { compared: true, ...(agrees ? {} : { problem: `says ${literal}, Pulumi.yaml says ${text}` }) };
}
