// A stack file written before the seed's runtime was named quorum-tools says `runtime: kaleido`: it
// still declares the same network, resource for resource (the volumes' runtime record and the seed
// ids included), so its next up changes nothing that runs.
import { strict as assert } from "assert";
import * as path from "path";
import { REPO_ROOT } from "./support/fakeHost";
import { runProgram, withWorkspace } from "./support/program";

const QDATA = path.join(REPO_ROOT, "test/fixtures/qdata-raft");

describe("the runtime's former name kaleido", function () {
    this.timeout(120_000);

    it("declares every resource as quorum-tools does, and outputs the runtime by its name", async () => {
        await withWorkspace(async ({ fake, projectDir }) => {
            const render = (runtime: string) =>
                runProgram({ stack: "kaleido", fake, projectDir, config: { qdataDir: QDATA, runtime } });
            const [before, now] = [await render("kaleido"), await render("quorum-tools")];
            assert.ok(
                now.resources.some((resource) => resource.type === "kubernetes:apps/v1:StatefulSet"),
                "the program declared the network",
            );
            assert.deepEqual(before.resources, now.resources);
            assert.equal(before.outputs.runtime, "quorum-tools");
            assert.equal(now.outputs.runtime, "quorum-tools");
        });
    });
});
