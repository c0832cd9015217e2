// The tree's layers import one way: the stack program, then components, then operations, then the
// plain libraries, with lib/model (the types everyone shares) at the bottom importing nothing; and
// no two files or folders import each other, however far round.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { REPO_ROOT } from "./support/fakeHost";
import { sourceFiles } from "./support/sourceFiles";

/** Each file's relative imports, as repository paths. */
function importGraph(): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles()) {
        const imported = ts
            .preProcessFile(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"), true, true)
            .importedFiles.map((entry) => entry.fileName);
        const local = imported.filter((name) => name.startsWith("."));
        graph.set(
            file,
            local
                .map((name) => path.join(path.dirname(file), name))
                .map((target) =>
                    fs.existsSync(path.join(REPO_ROOT, `${target}.ts`))
                        ? `${target}.ts`
                        : path.join(target, "index.ts"),
                ),
        );
    }
    return graph;
}

/** The groups of nodes that reach each other (Tarjan), of more than one node or a node importing itself. */
function circles(graph: Map<string, string[]>): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const found: string[][] = [];
    const visit = (node: string) => {
        index.set(node, index.size);
        low.set(node, index.get(node)!);
        stack.push(node);
        for (const next of graph.get(node) ?? []) {
            if (!index.has(next)) visit(next);
            if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, low.get(next)!));
        }
        if (low.get(node) !== index.get(node)) return;
        const group = stack.splice(stack.indexOf(node));
        if (group.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(group.sort());
    };
    for (const node of graph.keys()) if (!index.has(node)) visit(node);
    return found;
}

function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
    const folders = new Map<string, Set<string>>();
    for (const [file, targets] of graph) {
        const from = path.dirname(file);
        if (!folders.has(from)) folders.set(from, new Set());
        for (const target of targets) if (path.dirname(target) !== from) folders.get(from)!.add(path.dirname(target));
    }
    return new Map([...folders].map(([folder, targets]) => [folder, [...targets]]));
}

const layer = (file: string) => file.split(path.sep)[0].replace(/\.ts$/, "");

describe("the import graph", () => {
    const graph = importGraph();
    const violations = (forbidden: (file: string, target: string) => boolean) =>
        [...graph].flatMap(([file, targets]) =>
            targets.filter((target) => forbidden(file, target)).map((target) => `${file} → ${target}`),
        );

    it("has no circle of files", () => assert.deepEqual(circles(graph), []));

    it("has no circle of folders", () => assert.deepEqual(circles(folderGraph(graph)), []));

    it("keeps lib/model free of imports from outside it", () => {
        assert.deepEqual(
            violations((file, target) => file.startsWith("lib/model/") && !target.startsWith("lib/model/")),
            [],
        );
    });

    it("runs one way: lib under operations under components under the stack program", () => {
        const above: Record<string, string[]> = {
            lib: ["operations", "components", "program", "index", "scripts"],
            operations: ["components", "program", "index", "scripts"],
            components: ["program", "index", "scripts"],
        };
        assert.deepEqual(
            violations((file, target) => above[layer(file)]?.includes(layer(target)) ?? false),
            [],
        );
    });

    it("finds a circle where there is one", () => {
        assert.deepEqual(
            circles(
                new Map([
                    ["a", ["b"]],
                    ["b", ["c"]],
                    ["c", ["a"]],
                    ["d", ["a"]],
                ]),
            ),
            [["a", "b", "c"]],
        );
    });
});
