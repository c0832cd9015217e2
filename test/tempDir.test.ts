// test/support/tempHooks.ts on a spec that leaks (test/fixtures/tempDir/leaks.ts), run by a mocha
// of its own in a temp directory of this test's.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { REPO_ROOT } from "./support/fakeHost";
import { tempDir } from "./support/tempDir";

describe("temp folders of a test run", function () {
    this.timeout(60_000);

    it("are removed as their test or suite ends, and the run fails naming what it left, then removes it", () => {
        const parent = tempDir("hooks");
        const mocha = [
            require.resolve("mocha/bin/mocha.js"),
            "--no-config",
            "--require",
            "ts-node/register/transpile-only",
            "--require",
            "test/support/tempHooks.ts",
        ];
        const result = spawnSync(process.execPath, [...mocha, "test/fixtures/tempDir/leaks.ts"], {
            cwd: REPO_ROOT,
            env: { ...process.env, TMPDIR: parent },
            encoding: "utf8",
        });
        const said = result.stdout + result.stderr;
        assert.equal(result.status, 1, said);
        assert.match(said, /4 passing/);
        assert.match(said, /the tests left kq-by-hand-\w{6}, kq-child in the temp directory/);
        assert.deepEqual(
            fs.readdirSync(parent).filter((name) => name.startsWith("kq-")),
            [],
            "the run's temp directory is gone",
        );
    });
});
