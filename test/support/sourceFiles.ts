// The project's own TypeScript outside test/: what the structural tests (imports, runtime branches) read.
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./fakeHost";

export const SOURCE_ROOTS = ["program.ts", "index.ts", "components", "operations", "lib", "scripts", "policy"];

/** The .ts files under `entry` (a file or folder of the repository), as repository paths. */
function sourceFilesUnder(entry: string): string[] {
    const full = path.join(REPO_ROOT, entry);
    if (!fs.statSync(full).isDirectory()) return [entry];
    return fs
        .readdirSync(full)
        .flatMap((name) => (name === "node_modules" ? [] : sourceFilesUnder(path.join(entry, name))))
        .filter((file) => file.endsWith(".ts"));
}

export function sourceFiles(): string[] {
    return SOURCE_ROOTS.flatMap(sourceFilesUnder);
}
