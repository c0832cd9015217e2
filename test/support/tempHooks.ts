// Root hooks, loaded by .mocharc.json's `require` before any spec: the run gets a temp directory
// of its own (TMPDIR, for this process and every process it starts), tempDir()'s folders are
// removed as each test and suite ends, and the run fails naming whatever it left in that directory.
// Another run on the machine, with its own directory, cannot be mistaken for this one.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Context, RootHookObject, Suite } from "mocha";
import { closeScope, openScope, removeAllTempDirs } from "./tempDir";

/** The compile caches that npm's Node (node-compile-cache) and ts-node (v8-compile-cache-<uid>) keep for every process: no test's leftovers. */
const CACHES = /^(node-compile-cache|v8-compile-cache(-\d+)?)$/;

const RUN_TEMP = fs.mkdtempSync(path.join(os.tmpdir(), "kq-test-run-"));
process.env.TMPDIR = RUN_TEMP;
process.once("exit", () => fs.rmSync(RUN_TEMP, { recursive: true, force: true }));

/** A scope for each suite, opened after its own before hooks (claiming what they made), closed after its after hooks. */
function scopeEverySuite(suite: Suite): void {
    for (const child of suite.suites) {
        child.beforeAll(() => openScope(child));
        child.afterAll(() => closeScope(child));
        scopeEverySuite(child);
    }
}

export const mochaHooks: RootHookObject = {
    beforeAll(this: Context) {
        const root = this.test!.parent!;
        openScope(root);
        scopeEverySuite(root);
    },
    beforeEach(this: Context) {
        openScope(this.currentTest!);
    },
    afterEach(this: Context) {
        closeScope(this.currentTest!);
    },
    afterAll() {
        removeAllTempDirs();
        const left = fs
            .readdirSync(RUN_TEMP)
            .filter((name) => !CACHES.test(name))
            .sort();
        fs.rmSync(RUN_TEMP, { recursive: true, force: true });
        if (left.length > 0)
            throw new Error(
                `the tests left ${left.join(", ")} in the temp directory: make folders with tempDir() (test/support/tempDir.ts), and remove what the processes they start leave`,
            );
    },
};
