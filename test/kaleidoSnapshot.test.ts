// Every example stack, on both runtimes, renders exactly as these snapshots pin it: each
// resource's type, name, inputs, dependencies and parent, on fixed keys (test/fixtures).
// UPDATE_SNAPSHOTS=1 rewrites them after a deliberate change.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./support/fakeHost";
import { makeWorkspace, runProgram } from "./support/program";

const FIXTURES = path.join(REPO_ROOT, "test/fixtures");
const SNAPSHOTS = path.join(REPO_ROOT, "test/snapshots");

const STACKS: { stack: string; snapshot?: string; fixture: string; config?: Record<string, string> }[] = [
    { stack: "dev", fixture: "qdata-qbft" },
    { stack: "kaleido", fixture: "qdata-raft" },
    { stack: "small", fixture: "qdata-raft" },
    { stack: "ibft", fixture: "qdata-ibft" },
    { stack: "cluster", fixture: "qdata-raft", config: { kubeContext: "my-cluster" } },
    { stack: "goquorum", fixture: "qdata-qbft" },
    { stack: "raft", fixture: "qdata-raft" },
    {
        stack: "cluster",
        snapshot: "cluster-goquorum",
        fixture: "qdata-raft",
        config: { kubeContext: "my-cluster", runtime: "goquorum", constellationImage: "jpmorganchase/constellation" },
    },
];

async function render(stack: string, fixture: string, config: Record<string, string> = {}): Promise<string> {
    const { fake, projectDir, dispose } = makeWorkspace();
    const qdataDir = path.join(FIXTURES, fixture);
    try {
        const run = await runProgram({ stack, fake, projectDir, config: { qdataDir, ...config } });
        const resources = [...run.resources].sort((a, b) => a.name.localeCompare(b.name));
        return (
            JSON.stringify(resources, null, 1).split(qdataDir).join("<qdata>").split(projectDir).join("<project>") +
            "\n"
        );
    } finally {
        dispose();
    }
}

describe("example stacks render as their snapshots pin them", function () {
    this.timeout(60_000);
    for (const { stack, snapshot = stack, fixture, config } of STACKS) {
        it(`${snapshot} stack`, async () => {
            const file = path.join(SNAPSHOTS, `kaleido-${snapshot}.json`);
            const rendered = await render(stack, fixture, config);
            if (process.env.UPDATE_SNAPSHOTS === "1") fs.writeFileSync(file, rendered);
            assert.ok(fs.existsSync(file), `${file} is missing: run with UPDATE_SNAPSHOTS=1`);
            assert.equal(rendered, fs.readFileSync(file, "utf8"));
        });
    }
});
