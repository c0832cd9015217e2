// Every difference between runtimes lives behind Runtime (lib/runtime): no other file compares a
// runtime's name, switches on it, looks it up in a table of its own or keys a type by it, so a
// runtime renamed or added changes lib/runtime alone.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { FORMER_RUNTIME_NAMES, RUNTIMES } from "../lib/model/network";
import { ALL_RUNTIMES } from "../lib/runtime/runtimes";
import { REPO_ROOT } from "./support/fakeHost";
import { sourceFiles } from "./support/sourceFiles";

/** Every name a runtime has had: the key's values now and before, and the names its volumes record. */
const NAMES = new Set<string>([
    ...RUNTIMES,
    ...Object.keys(FORMER_RUNTIME_NAMES),
    ...ALL_RUNTIMES.map((runtime) => runtime.name),
]);
const EQUALITY = new Set([
    ts.SyntaxKind.EqualsEqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsEqualsToken,
    ts.SyntaxKind.EqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsToken,
]);
const RUNTIME_TYPES = new Set(["RuntimeKind", "RuntimeName"]);

/** `runtime`, `x.runtime`, or a runtime's own name fields (`runtime.kind`, `config.runtime.name`). */
function readsRuntime(node: ts.Node): boolean {
    if (ts.isParenthesizedExpression(node)) return readsRuntime(node.expression);
    if (ts.isIdentifier(node)) return node.text === "runtime";
    if (!ts.isPropertyAccessExpression(node)) return false;
    return node.name.text === "runtime" || (["kind", "name"].includes(node.name.text) && readsRuntime(node.expression));
}

const isRuntimeName = (node: ts.Node) => ts.isStringLiteralLike(node) && NAMES.has(node.text);
const namesRuntime = (node: ts.Node) => readsRuntime(node) || isRuntimeName(node);

function isBranch(node: ts.Node): boolean {
    if (ts.isBinaryExpression(node))
        return EQUALITY.has(node.operatorToken.kind) && (namesRuntime(node.left) || namesRuntime(node.right));
    if (ts.isSwitchStatement(node)) return readsRuntime(node.expression);
    if (ts.isCaseClause(node)) return isRuntimeName(node.expression);
    if (ts.isElementAccessExpression(node)) return readsRuntime(node.argumentExpression);
    if (ts.isCallExpression(node))
        return (
            ts.isPropertyAccessExpression(node.expression) &&
            node.expression.name.text === "includes" &&
            node.arguments.some(readsRuntime)
        );
    if (ts.isTypeReferenceNode(node))
        return node.typeName.getText() === "Record" && RUNTIME_TYPES.has(node.typeArguments?.[0]?.getText() ?? "");
    return false;
}

/** Each branch on the runtime in `text`, as file:line: code. */
function runtimeBranches(text: string, file: string): string[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const found: string[] = [];
    const visit = (node: ts.Node) => {
        if (isBranch(node))
            found.push(
                `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText().split("\n")[0]}`,
            );
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

describe("runtime differences", () => {
    it("are asked of Runtime: nothing outside lib/runtime branches on a runtime's name", () => {
        const outside = sourceFiles().filter((file) => !file.startsWith(`lib${path.sep}runtime${path.sep}`));
        assert.ok(
            outside.includes("program.ts") && outside.some((file) => file.startsWith(`lib${path.sep}config`)),
            "the scan reads the program and lib/config",
        );
        assert.deepEqual(
            outside.flatMap((file) => runtimeBranches(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"), file)),
            [],
        );
    });

    const branches: [string, string][] = [
        ["a comparison of the config's runtime", 'if (config.runtime === "goquorum") go();'],
        ["an inequality against any value", "const other = target.runtime !== wanted;"],
        ["the new name compared", 'if (kind === "quorum-tools") go();'],
        ["the former name, loosely, on the left", 'if ("kaleido" == value) go();'],
        ["a Runtime's own name field", "if (runtime.kind !== other) go();"],
        ["a switch on the outputs' runtime", "switch (outputs.runtime) { default: go(); }"],
        ["a case of a runtime's name", 'switch (value) { case "goquorum": go(); }'],
        ["a table lookup by runtime", "const image = IMAGES[(config.runtime)];"],
        ["a membership test", 'const seed = ["kaleido"].includes(config.runtime);'],
        ["a table type keyed by runtime", "const table: Record<RuntimeKind, string> = make();"],
    ];
    for (const [what, code] of branches) {
        it(`finds ${what}`, () => assert.equal(runtimeBranches(code, "x.ts").length, 1, code));
    }

    it("passes what only mentions a runtime: comments, strings, its fields, other kinds", () => {
        const code = [
            '// config.runtime === "goquorum"',
            "const text = \"runtime === 'kaleido'\";",
            "if (runtime.metrics && runtimeNamed(config.runtime).holdsSealing) go();",
            'if (config.consensus.kind === "raft") go();',
            'const name: Record<string, RuntimeKind> = { kaleido: "quorum-tools" };',
        ].join("\n");
        assert.deepEqual(runtimeBranches(code, "x.ts"), []);
    });
});
