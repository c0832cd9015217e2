// The shell that runs where no node runs (the seed in busybox, the wipe over minikube ssh) names
// the markers it leaves in a member's folder itself: their names must be the paths table's, which
// restore and the TypeScript readers use.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { OWNER_MARKER, RESTORE_STAGING, RESTORE_WHOLE, RESTORED_MARKER, SEED_MARKER } from "../lib/model/paths";
import { REPO_ROOT } from "./support/fakeHost";

const script = (name: string) => fs.readFileSync(path.join(REPO_ROOT, "scripts", name), "utf8");
/** A script's own scratch names beside a folder (name.kaleido-partial), not markers inside one. */
const SCRATCH = [".kaleido-unpacked", ".kaleido-new", ".kaleido-partial"];
const markersIn = (text: string) =>
    [...new Set(text.match(/\.kaleido-[a-z-]+/g) ?? [])].filter((name) => !SCRATCH.includes(name)).sort();

describe("the markers in a member's folder", () => {
    it("the seed writes the table's seed id and owner, and nothing else", () => {
        assert.deepEqual(markersIn(script("node-seed.sh")), [OWNER_MARKER, SEED_MARKER].sort());
    });

    it("the wipe reads the table's owner", () => {
        assert.deepEqual(markersIn(script("wipe-qdata.sh")), [OWNER_MARKER]);
    });

    it("are distinct names that stay inside the folder", () => {
        const all = [SEED_MARKER, OWNER_MARKER, RESTORED_MARKER, RESTORE_STAGING, RESTORE_WHOLE];
        assert.equal(new Set(all).size, all.length);
        for (const marker of all) assert.match(marker, /^\.kaleido-[a-z-]+$/);
    });
});
