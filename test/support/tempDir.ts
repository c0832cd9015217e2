// Temporary folders for tests, each removed, pass or fail, when the scope that made it ends: the
// test (its beforeEach and afterEach hooks included), the suite (its before and after hooks), or
// the run (a describe body). test/support/tempHooks.ts opens and closes the scopes; without it (a
// mocha config that does not require it) every folder lives until the process exits.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A test, a suite or the run: whatever opened the scope. */
type Owner = object;

interface Folder {
    dir: string;
    owner: Owner;
}

const RUN: Owner = {};
const open: Owner[] = [RUN];
const folders = new Set<Folder>();
/** Made since a scope last opened or closed: by the before hooks of the suite whose scope opens next. */
let unclaimed: Folder[] = [];

/** A new empty folder kq-<name>-XXXXXX in the system's temp directory, removed when its scope ends. */
export function tempDir(name: string): string {
    const folder = { dir: fs.mkdtempSync(path.join(os.tmpdir(), `kq-${name}-`)), owner: open[open.length - 1] };
    folders.add(folder);
    unclaimed.push(folder);
    return folder.dir;
}

/** Folders made from now on belong to `owner` until closeScope(owner), and so do those made since the last scope change. */
export function openScope(owner: Owner): void {
    for (const folder of unclaimed) folder.owner = owner;
    unclaimed = [];
    open.push(owner);
}

/**
 * Removes the folders `owner` made. A suite whose before hook failed never opened its scope: its
 * folders belong to the scope around it, which ends later.
 */
export function closeScope(owner: Owner): void {
    unclaimed = [];
    const at = open.lastIndexOf(owner);
    if (at > 0) open.length = at;
    for (const folder of folders) if (folder.owner === owner) remove(folder);
}

/** Removes every folder still there, whatever its scope. */
export function removeAllTempDirs(): void {
    for (const folder of folders) remove(folder);
}

function remove(folder: Folder): void {
    fs.rmSync(folder.dir, { recursive: true, force: true });
    folders.delete(folder);
}

process.once("exit", removeAllTempDirs);
