// The qdata layout is the one place a member's files are declared: a file added there reaches both
// platforms with its mode, as the right kind of object, and through the scripts onto the volume.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { FileRole, LayoutEntry, QDATA_LAYOUT } from "../lib/model/layout";
import { ProgramRun, runProgram, workspaceFixture } from "./support/program";
import { named, seedManifest } from "./support/query";
import { makeQuorumToolsFolder } from "./support/workspace";

const ADDED: [string, FileRole][] = [
    ["ethereum/extra-secret", "key"],
    ["ethereum/extra-public.json", "chain"],
];

describe("a file added to the qdata layout", function () {
    this.timeout(60_000);
    const added: LayoutEntry[] = ADDED.map(([file, role]) => ({ path: file, role, from: "folder", member: "node" }));
    const workspace = workspaceFixture();
    let source: string;
    const render = (stack: string, config: Record<string, string> = {}): Promise<ProgramRun> =>
        runProgram({ stack, fake: workspace.fake, projectDir: workspace.projectDir, config: { qdataDir: source, ...config } });

    before(async () => {
        QDATA_LAYOUT.push(...added);
        source = await makeQuorumToolsFolder(3);
        for (let member = 1; member <= 3; member++) for (const [file] of ADDED) fs.writeFileSync(path.join(source, `qdata_${member}`, file), `${file} of node ${member}`);
    });
    after(() => {
        QDATA_LAYOUT.splice(QDATA_LAYOUT.length - added.length, added.length);
        fs.rmSync(source, { recursive: true, force: true });
    });

    it("is required in the qdata folder, named by its path", async () => {
        fs.rmSync(path.join(source, "qdata_2", ADDED[1][0]));
        try {
            await assert.rejects(render("small"), (error: Error) => error.message.includes(`qdata_2/${ADDED[1][0]}: required file is missing`));
        } finally {
            fs.writeFileSync(path.join(source, "qdata_2", ADDED[1][0]), `${ADDED[1][0]} of node 2`);
        }
    });

    it("on minikube: is in the seed's manifest with its mode and laid onto the node with it", async () => {
        const run = await render("small", { hostPathRoot: "/data" });
        const seed = named(run, "quorum-node-1-qdata-seed");
        const manifest = seedManifest(seed);
        assert.deepEqual(manifest[ADDED[0][0]], { mode: "0600", role: "key" });
        assert.deepEqual(manifest[ADDED[1][0]], { mode: "0644", role: "chain" });
        const result = workspace.fake.sh(seed.inputs.create, seed.inputs.environment);
        assert.equal(result.status, 0, result.stderr);
        for (const [file, mode] of [[ADDED[0][0], 0o600], [ADDED[1][0], 0o644]] as const) {
            const laid = workspace.fake.nodePath(`/data/qdata_1/${file}`);
            assert.equal(fs.readFileSync(laid, "utf8"), `${file} of node 1`);
            assert.equal(fs.statSync(laid).mode & 0o777, mode, file);
        }
    });

    it("on any cluster: key material in the member's Secret, a public file in its ConfigMap, each projected with its mode", async () => {
        const run = await render("cluster", { kubeContext: "my-cluster" });
        const keyOf = (file: string) => file.replace(/[^-._a-zA-Z0-9]/g, "_");
        // A Pulumi secret from the start: the mock engine records it wrapped.
        const secret = named(run, "quorum-node-1-qdata-keys").inputs.data.value as Record<string, string>;
        const files = named(run, "quorum-node-1-qdata-files").inputs.data as Record<string, string>;
        assert.equal(Buffer.from(secret[keyOf(ADDED[0][0])], "base64").toString(), `${ADDED[0][0]} of node 1`);
        assert.equal(files[keyOf(ADDED[0][0])], undefined, "key material in a ConfigMap");
        assert.equal(files[keyOf(ADDED[1][0])], `${ADDED[1][0]} of node 1`);
        assert.equal(secret[keyOf(ADDED[1][0])], undefined);
        const volume = named(run, "quorum-node-1-set").inputs.spec.template.spec.volumes.find((v: { name: string }) => v.name === "seed");
        const items = volume.projected.sources.flatMap((source: { secret?: { items: unknown[] }; configMap?: { items: unknown[] } }) => (source.secret ?? source.configMap)!.items);
        assert.deepEqual(items.find((item: { path: string }) => item.path === ADDED[0][0]), { key: keyOf(ADDED[0][0]), path: ADDED[0][0], mode: 0o600 });
        assert.deepEqual(items.find((item: { path: string }) => item.path === ADDED[1][0]), { key: keyOf(ADDED[1][0]), path: ADDED[1][0], mode: 0o644 });
    });
});
