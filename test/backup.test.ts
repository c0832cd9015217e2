// npm run backup's plan (order, the quorum rule) and its manifest (checksums, modes, --verify).
import { strict as assert } from "assert";
import { inStepNodes } from "./support/observedNodes";
import { execFileSync, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Writable } from "stream";
import { pipeline } from "stream/promises";
import {
    BackupManifest,
    fileEntries,
    makePrivate,
    MANIFEST,
    verifyBackup,
    writeManifest,
} from "../lib/backup/manifest";
import { PlainTarCheck } from "../lib/files/plainTar";
import { ObservedNetwork, ObservedNode } from "../lib/model/observed";
import { backupOrder, notBackInStep, notYetStoppable } from "../operations/backup/plan";
import { restoreMemberStepFields, restoreSettleStepFields } from "../operations/restore/cli";
import { notRestored, restoreAction } from "../operations/restore/plan";
import { QuorumRule } from "../lib/model/consensus";
import { decodeStepRequest } from "../lib/stepEnvironment";
import { runProgram, workspaceFixture } from "./support/program";
import { named } from "./support/query";
import { pregenerateKeys } from "./support/workspace";

/** Node N in step at height 100 with 3 peers, signing as 0xN. */
function network(rule: QuorumRule, count: number, faults: Record<number, Partial<ObservedNode>> = {}): ObservedNetwork {
    const nodes = inStepNodes(count, faults);
    return {
        rule,
        nodes,
        chainSet: nodes.slice(0, rule.kind === "raft" ? count : rule.validators).map((node) => node.identity!),
    };
}
const QBFT: QuorumRule = { kind: "qbft", validators: 4, ceil2Nby3Block: 0 };

describe("the backup plan", () => {
    it("takes the bootnode first, then the Raft leader (its election's entry missing from one copy only), then the nodes in order", () => {
        assert.deepEqual(backupOrder(3), [0, 1, 2, 3]);
        assert.deepEqual(backupOrder(4, 3), [0, 3, 1, 2, 4]);
    });

    it("stops the next member only once every other counted member whose pod runs is back in step", () => {
        assert.equal(
            notYetStoppable(network(QBFT, 5, { 1: { head: { number: 95 } } }), 2),
            "waiting for node-1: 5 blocks behind",
        );
        assert.equal(notYetStoppable(network(QBFT, 5), 2), undefined);
    });

    it("QBFT 4+1 with a validator lost: a non-validator may go, a validator may not (2 of 4 left, 3 needed)", () => {
        const lost = network(QBFT, 5, { 1: { podReady: false, error: "no pod", head: undefined } });
        assert.equal(notYetStoppable(lost, 5), undefined);
        assert.match(notYetStoppable(lost, 3) ?? "", /leave 2 of 4 validators in step; the chain needs 3/);
    });

    it("a copied member is back only once it is in step with the chain, not when its pod is Ready", () => {
        assert.equal(notBackInStep(network(QBFT, 5, { 3: { head: { number: 40 } } }), 3), "60 blocks behind");
        assert.equal(notBackInStep(network(QBFT, 5), 3), undefined);
    });
});

describe("the backup manifest", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-backup-"));
        fs.mkdirSync(path.join(dir, "qdata_1/ethereum/geth/chaindata"), { recursive: true });
        fs.writeFileSync(path.join(dir, "qdata_1/ethereum/nodekey"), "ab".repeat(32), { mode: 0o644 });
        fs.writeFileSync(path.join(dir, "qdata_1/ethereum/geth/chaindata/000001.ldb"), "blocks");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const manifest = (): BackupManifest => ({
        format: 1,
        createdAt: "2026-12-01T00:00:00Z",
        stack: "dev",
        namespace: "quorum",
        consensus: "raft",
        chainId: 10,
        genesisHash: `0x${"1".repeat(64)}`,
        members: [{ name: "node-1", folder: "qdata_1", head: { number: 3, hash: `0x${"2".repeat(64)}` } }],
        files: fileEntries(dir),
    });

    it("checksums every file; makes every folder 0700 and file 0600", () => {
        makePrivate(dir);
        const entries = fileEntries(dir);
        assert.deepEqual(
            entries.map((entry) => entry.path),
            ["qdata_1/ethereum/geth/chaindata/000001.ldb", "qdata_1/ethereum/nodekey"],
        );
        assert.equal(entries[0].sha256, crypto.createHash("sha256").update("blocks").digest("hex"));
        assert.equal(fs.statSync(path.join(dir, "qdata_1/ethereum/nodekey")).mode & 0o777, 0o600);
        assert.equal(fs.statSync(path.join(dir, "qdata_1/ethereum")).mode & 0o777, 0o700);
        writeManifest(dir, manifest());
        assert.equal(fs.statSync(path.join(dir, MANIFEST)).mode & 0o777, 0o600);
    });

    it("--verify: a whole backup has no problem; a changed, missing or extra file is named", () => {
        writeManifest(dir, manifest());
        assert.deepEqual(verifyBackup(dir), []);
        fs.writeFileSync(path.join(dir, "qdata_1/ethereum/geth/chaindata/000001.ldb"), "other blocks");
        fs.rmSync(path.join(dir, "qdata_1/ethereum/nodekey"));
        fs.writeFileSync(path.join(dir, "qdata_1/extra"), "x");
        const problems = verifyBackup(dir);
        assert.equal(
            problems[0],
            "qdata_1/ethereum/geth/chaindata/000001.ldb: changed (12 bytes, the manifest says 6)",
        );
        assert.deepEqual(problems.slice(1), [
            "qdata_1/ethereum/nodekey: missing",
            "qdata_1/extra: not in the manifest",
        ]);
    });

    it("--verify: a file changed in place, its size kept, is named by its checksum", () => {
        writeManifest(dir, manifest());
        fs.writeFileSync(path.join(dir, "qdata_1/ethereum/geth/chaindata/000001.ldb"), "BLOCKS");
        assert.match(
            verifyBackup(dir)[0],
            /^qdata_1\/ethereum\/geth\/chaindata\/000001\.ldb: changed \(sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}\)$/,
        );
    });

    it("refuses a folder without a manifest", () => {
        assert.throws(() => verifyBackup(dir), /has no manifest\.json: not a backup folder/);
    });

    it("refuses a link or a FIFO where it once skipped them, naming each path (npm run backup writes no manifest then)", () => {
        fs.symlinkSync("/etc/hostname", path.join(dir, "qdata_1/ethereum/geth/chaindata/000002.ldb"));
        execFileSync("mkfifo", [path.join(dir, "qdata_1/ethereum/pipe")]);
        const refused = (error: Error) =>
            /chaindata\/000002\.ldb: is a symbolic link/.test(error.message) &&
            /ethereum\/pipe: is a FIFO/.test(error.message);
        assert.throws(() => fileEntries(dir), refused);
    });

    it("--verify: names a link, and a member folder the manifest does not cover", () => {
        writeManifest(dir, manifest());
        fs.symlinkSync("/etc/hostname", path.join(dir, "qdata_1/ethereum/static-nodes.json"));
        fs.mkdirSync(path.join(dir, "qdata_2"));
        const problems = verifyBackup(dir);
        assert.match(
            problems[0],
            /qdata_1\/ethereum\/static-nodes\.json: is a symbolic link; only regular files and folders are read/,
        );
        assert.deepEqual(problems.slice(1), [
            "qdata_2: a folder the manifest's members do not name; a backup holds only the members it lists",
        ]);
    });

    it("passes a member's tar stream of regular files and folders byte for byte", async () => {
        const archive = path.join(dir, "..", `${path.basename(dir)}.tar`);
        execFileSync("tar", ["-C", dir, "-cf", archive, "."]);
        const chunks: Buffer[] = [];
        const collect = new Writable({
            write: (chunk: Buffer, _encoding, done) => {
                chunks.push(chunk);
                done();
            },
        });
        await pipeline(fs.createReadStream(archive), new PlainTarCheck(archive), collect);
        assert.ok(Buffer.concat(chunks).equals(fs.readFileSync(archive)));
        fs.rmSync(archive);
    });

    it("leaves out whole the entries the restore does not take (the seed's peer-list links on clusters), long names included", async () => {
        const long = `ethereum/${"p".repeat(120)}.json`;
        fs.symlinkSync("/peers/ethereum/static-nodes.json", path.join(dir, "qdata_1/ethereum/static-nodes.json"));
        fs.symlinkSync("/peers/x", path.join(dir, "qdata_1", long));
        const archive = `${dir}.tar`;
        execFileSync("tar", ["-C", path.join(dir, "qdata_1"), "-cf", archive, "."]);
        const out = path.join(dir, "unpacked");
        fs.mkdirSync(out);
        const unpack = spawn("tar", ["-C", out, "-xf", "-"], { stdio: ["pipe", "ignore", "inherit"] });
        await pipeline(
            fs.createReadStream(archive),
            new PlainTarCheck(archive, ["ethereum/static-nodes.json", long]),
            unpack.stdin,
        );
        await new Promise((resolve) => unpack.on("close", resolve));
        assert.deepEqual(
            fileEntries(out).map((entry) => entry.path),
            ["ethereum/geth/chaindata/000001.ldb", "ethereum/nodekey"],
        );
        fs.rmSync(archive);
    });
});

describe("the restore plan", () => {
    const id = "2026-12-01T10:00:00.000Z";
    it("leaves a volume that holds this backup, lays a whole staging again, copies into an empty one, refuses another chain", () => {
        assert.equal(restoreAction({ holds: id, copiedWhole: false, hasChain: true }, id), "done");
        assert.equal(restoreAction({ holds: id, copiedWhole: true, hasChain: true }, id), "done");
        assert.equal(
            restoreAction({ copiedWhole: true, hasChain: true }, id),
            "lay",
            "its own half-laid chain is no other chain",
        );
        assert.equal(restoreAction({ copiedWhole: false, hasChain: false }, id), "copy");
        assert.equal(restoreAction({ copiedWhole: false, hasChain: true }, id), "refuse");
        assert.equal(
            restoreAction({ holds: "2026-11-01T10:00:00.000Z", copiedWhole: false, hasChain: true }, id),
            "refuse",
        );
    });

    it("leaves out the peer list (the stack seeds its own) and the backed-up stack's markers", () => {
        assert.deepEqual(notRestored(), [
            "ethereum/static-nodes.json",
            "ethereum/permissioned-nodes.json",
            "constellation/tm.conf",
            "tessera/tessera-config.json",
            ".kaleido-seed-id",
            ".kaleido-owner",
            ".kaleido-restored-from",
            ".kaleido-hold-sealing",
        ]);
    });
});

describe("restoreFrom: a stack brought up from a backup folder", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture();
    let backupDir: string;
    /** A backup as npm run backup leaves it: the dev stack's members with chain data, and the manifest. */
    function makeBackup(
        ips = ["10.96.0.101", "10.96.0.102", "10.96.0.103", "10.96.0.104", "10.96.0.105"],
        joined?: number,
        heads = [7, 7, 7, 7, 7],
    ): void {
        backupDir = path.join(workspace.projectDir, "backup");
        fs.rmSync(backupDir, { recursive: true, force: true });
        fs.cpSync(path.join(workspace.projectDir, ".keys", "kaleido"), backupDir, { recursive: true });
        for (let i = 1; i <= 5; i++) {
            fs.mkdirSync(path.join(backupDir, `qdata_${i}/ethereum/geth/chaindata`), { recursive: true });
            fs.writeFileSync(path.join(backupDir, `qdata_${i}/ethereum/geth/chaindata/000001.ldb`), `blocks of ${i}`);
        }
        const members = [
            { name: "bootnode", folder: "qdata_0" },
            ...[1, 2, 3, 4, 5].map((i) => ({
                name: `node-${i}`,
                folder: `qdata_${i}`,
                head: { number: heads[i - 1], hash: `0x${String(heads[i - 1]).repeat(64)}` },
                ip: ips[i - 1],
                ...(i === joined ? { raftJoined: true } : {}),
            })),
        ];
        writeManifest(backupDir, {
            format: 1,
            createdAt: "2026-12-01T10:00:00.000Z",
            stack: "kaleido",
            namespace: "quorum",
            consensus: "raft",
            chainId: 1,
            genesisHash: `0x${"9".repeat(64)}`,
            members,
            files: fileEntries(backupDir),
        });
    }
    before(async () => {
        await pregenerateKeys(workspace.projectDir, "kaleido", 5);
        await runProgram({ stack: "kaleido", fake: workspace.fake, projectDir: workspace.projectDir });
    });
    const render = (config: Record<string, string>) =>
        runProgram({ stack: "kaleido", fake: workspace.fake, projectDir: workspace.projectDir, config });

    it("seeds each node's new volume from the backup before its StatefulSet: keys from the backup, the peer list from the stack", async () => {
        makeBackup();
        const run = await render({ restoreFrom: "backup" });
        const step = named(run, "quorum-node-3-restore");
        assert.deepEqual(Object.keys(step.inputs.environment), ["STEP_REQUEST"]);
        const request = decodeStepRequest(step.inputs.environment.STEP_REQUEST, restoreMemberStepFields);
        assert.equal(request.from, path.join(backupDir, "qdata_3"));
        assert.equal(request.helper.claim, "qdata-3");
        assert.equal(request.folder, "", "minikube mounts the whole claim");
        assert.equal(request.backupId, "2026-12-01T10:00:00.000Z");
        assert.match(step.inputs.create, /operations\/run\.ts restore member$/);
        assert.ok(step.dependsOn.includes("quorum-node-3-qdata-seed"), `after the seed: ${step.dependsOn}`);
        assert.ok(named(run, "quorum-node-3-set").dependsOn.includes("quorum-node-3-restore"));
        assert.ok(
            !run.resources.some((resource) => resource.name === "quorum-bootnode-restore"),
            "the bootnode holds no chain",
        );
        assert.equal(request.holdSealing, false, "Raft seals nothing on its own: no hold");
        const settle = named(run, "quorum-restore-settle");
        assert.match(settle.inputs.create, /operations\/run\.ts restore settle$/);
        const point = { number: 7, hash: `0x${"7".repeat(64)}`, way: "raft-one-head" };
        assert.deepEqual(decodeStepRequest(settle.inputs.environment.STEP_REQUEST, restoreSettleStepFields), {
            kubeContext: "minikube",
            namespace: "quorum",
            nodeCount: 5,
            point,
            timeoutMs: 300_000,
        });
        assert.ok(settle.dependsOn.includes("quorum-rollout"), `once every node runs: ${settle.dependsOn}`);
    });

    const refusals: [string, () => void, Record<string, string>, RegExp][] = [
        [
            "a folder without a manifest",
            () => fs.rmSync(path.join(backupDir, "manifest.json")),
            {},
            /restoreFrom: .* has no manifest\.json: not a backup folder \(npm run backup -- --out DIR makes one\)/,
        ],
        [
            "another node count",
            () => undefined,
            { nodeCount: "4" },
            /restoreFrom: the backup holds 5 nodes, nodeCount is 4; set nodeCount to 5/,
        ],
        [
            "Raft members at other addresses",
            () => makeBackup(["10.96.9.101", "10.96.9.102", "10.96.9.103", "10.96.9.104", "10.96.9.105"]),
            {},
            /restoreFrom: Raft members dial the addresses they joined with; the backup's nodes were at 10\.96\.9\.101, .* this stack's are at 10\.96\.0\.101/,
        ],
        [
            "a member that joined later",
            () => makeBackup(undefined, 5),
            {},
            /restoreFrom: node-5 joined the Raft network after it was founded/,
        ],
        [
            "Raft nodes copied at different heads",
            () => makeBackup(undefined, undefined, [9, 9, 8, 9, 7]),
            {},
            /restoreFrom: the backup's members cannot be brought to one chain: under Raft each member's log is its own, .*; node-3 at block 8, node-5 at block 7 behind node-1 at block 9/,
        ],
        [
            "a changed node key",
            () => fs.writeFileSync(path.join(backupDir, "qdata_2/ethereum/nodekey"), "cd".repeat(32)),
            {},
            /restoreFrom: the backup's files differ from its manifest \(qdata_2\/ethereum\/nodekey: changed \(sha256/,
        ],
        [
            "a node's chain data deleted",
            () => fs.rmSync(path.join(backupDir, "qdata_4/ethereum/geth"), { recursive: true }),
            {},
            /restoreFrom: the backup's files differ from its manifest \(qdata_4\/ethereum\/geth\/chaindata\/000001\.ldb: missing\)/,
        ],
        [
            "a member folder made a link",
            () => linkInstead("qdata_3"),
            {},
            /restoreFrom: the backup's files differ from its manifest \(\/\S*backup\/qdata_3: is a symbolic link; only regular files and folders are read, never followed or opened \(put the file itself there, or remove it\)\); npm run backup/,
        ],
        [
            "a link in a member's chain data",
            () => fs.symlinkSync("/etc/hostname", path.join(backupDir, "qdata_2/ethereum/geth/chaindata/000002.ldb")),
            {},
            /chaindata\/000002\.ldb: is a symbolic link/,
        ],
        [
            "an empty manifest",
            () => fs.writeFileSync(path.join(backupDir, "manifest.json"), "{}"),
            {},
            /restoreFrom: .*manifest\.json: format must be 1; createdAt must be a UTC time/,
        ],
        [
            "a manifest that is not JSON",
            () => fs.writeFileSync(path.join(backupDir, "manifest.json"), "{"),
            {},
            /restoreFrom: .*manifest\.json is not JSON/,
        ],
        [
            "shell syntax in the manifest",
            () => rewriteManifest((manifest) => ({ ...manifest, createdAt: "x'; touch /qdata/PWNED; echo '" })),
            {},
            /restoreFrom: .*createdAt must be a UTC time/,
        ],
        [
            "a file path that leaves the backup",
            () =>
                rewriteManifest((manifest) => ({
                    ...manifest,
                    files: [...manifest.files, { path: "../../etc/passwd", size: 1, sha256: "0".repeat(64) }],
                })),
            {},
            /restoreFrom: .*files\[\d+\]\.path must be a relative path inside the backup/,
        ],
    ];
    /** The member folder moved beside the backup, a link to it in its place. */
    function linkInstead(folder: string): void {
        const moved = path.join(workspace.projectDir, `moved-${folder}`);
        fs.rmSync(moved, { recursive: true, force: true });
        fs.renameSync(path.join(backupDir, folder), moved);
        fs.symlinkSync(moved, path.join(backupDir, folder));
    }
    function rewriteManifest(change: (manifest: BackupManifest) => unknown): void {
        const file = path.join(backupDir, "manifest.json");
        fs.writeFileSync(file, JSON.stringify(change(JSON.parse(fs.readFileSync(file, "utf8")) as BackupManifest)));
    }
    for (const [what, damage, config, message] of refusals) {
        it(`refuses ${what} at preview, naming the key`, async () => {
            makeBackup();
            damage();
            await assert.rejects(render({ restoreFrom: "backup", ...config }), message);
        });
    }

    it("refuses a backup of another chain than qdataDir's, naming both genesis hashes", async () => {
        makeBackup();
        const genesis = path.join(backupDir, "qdata_1/ethereum/genesis.json");
        const other = path.join(workspace.projectDir, "other");
        fs.cpSync(backupDir, other, { recursive: true });
        for (let i = 1; i <= 5; i++)
            fs.writeFileSync(
                path.join(other, `qdata_${i}/ethereum/genesis.json`),
                fs.readFileSync(genesis, "utf8").replace('"gasLimit"', '"extraField": 1, "gasLimit"'),
            );
        await assert.rejects(
            render({ restoreFrom: "backup", qdataDir: "other" }),
            /restoreFrom: the backup's chain \(genesis block 0x9{64}, genesis\.json sha256 [0-9a-f]{64}\) is not this stack's \(.*other: genesis\.json sha256 [0-9a-f]{64}\)/,
        );
    });
});
