// Hostile files: qdata folders, backups, a restore's staging copy, a member's tar stream and the
// seeding's copy, each crafted with a link, FIFO, socket, device, unlisted file, uncovered member
// folder, odd key content or a manifest that is a link. Every case is refused naming its path (or
// key), with no stack trace, no byte of the operator's secret, and no hang: each check runs in a
// child process under a 5 s limit. The untouched folders pass the same checks, so each case can fail.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { networkSeedMember } from "../components/minikube/qdataVolume";
import { seedPlan } from "../lib/minikube/seedPlan";
import { claimName } from "../lib/network/names";
import { seedIdAt } from "../lib/network/workload";
import { readQdataFolder } from "../lib/qdata/folder";
import { FakeHost } from "./support/fakeHost";
import { CheckName, CheckResult, Swap, TimedChecks } from "./support/fileChecks";
import { minikubeCalls, runNetworkSeed } from "./support/minikubeSeed";
import {
    copyOf,
    deviceAt,
    fifo,
    Fixture,
    folderInstead,
    link,
    makeFixture,
    NODES,
    rewriteManifest,
    SECRET,
    socketAt,
    tarOf,
} from "./support/hostileFolders";

type Check = (dir: string) => [CheckName, Record<string, unknown>];
type Damage = (dir: string, fixture: Fixture) => void | boolean | Promise<() => void>;
/** What is damaged, the folder it starts from, the damage, the check, and the path (or key) the refusal must name. */
type Case = [what: string, base: "qdata" | "backup", damage: Damage, check: Check, names: string];

let fx: Fixture;
const qdataConfig: Check = (dir) => [
    "config",
    { raw: { qdataDir: dir, nodeCount: String(NODES) }, projectDir: fx.work },
];
const restoreConfig: Check = (dir) => [
    "config",
    { raw: { restoreFrom: dir, nodeCount: String(NODES) }, projectDir: fx.work },
];
const verify: Check = (dir) => ["verify", { dir }];
const stage: Check = (dir) => ["stage", { root: dir, folder: "qdata_2" }];
const qdataOptions: Check = (dir) => ["qdataOptions", { dir }];
const clusterSeed =
    (swap: Swap): Check =>
    (dir) => ["clusterSeed", { root: dir, nodeCount: NODES, swap: { ...swap, target: fx.secretFile } }];

/** The operator's own files a link may point at. */
type Target = (fixture: Fixture) => string;
const TOKEN: Target = (f) => f.secretFile;
const JSON_FILE: Target = (f) => f.secretJson;
const FOLDER: Target = (f) => f.secretFolder;
const DEV_NULL: Target = () => "/dev/null";
const at = (dir: string, file: string) => path.join(dir, file === "keystore" ? keystoreOf(dir) : file);
const keystoreOf = (dir: string, member = 1) =>
    `qdata_${member}/ethereum/keystore/${fs.readdirSync(path.join(dir, `qdata_${member}/ethereum/keystore`))[0]}`;
const linked =
    (file: string, to: Target): Damage =>
    (d, f) =>
        link(at(d, file), to(f));
/** The entry moved beside the folder, a link to it in its place: the content is the same, only the link is wrong. */
const linkedCopy =
    (file: string): Damage =>
    (d) => (fs.renameSync(path.join(d, file), `${d}-moved`), link(path.join(d, file), `${d}-moved`));
const aFifo =
    (file: string): Damage =>
    (d) =>
        fifo(at(d, file));
const aSocket =
    (file: string): Damage =>
    (d) =>
        socketAt(path.join(d, file));
const aDevice =
    (file: string): Damage =>
    (d) =>
        deviceAt(path.join(d, file));
const aFolder =
    (file: string): Damage =>
    (d) =>
        folderInstead(at(d, file));
const written =
    (file: string, text: string): Damage =>
    (d) =>
        fs.writeFileSync(at(d, file), text);
const manifestEdit =
    (change: Parameters<typeof rewriteManifest>[1]): Damage =>
    (d) =>
        rewriteManifest(d, change);
const CHAIN_FILE = "qdata_1/ethereum/geth/chaindata/000002.ldb";
const NODEKEY = "qdata_1/ethereum/nodekey";
const PASSWORDS = "qdata_1/ethereum/passwords.txt";
const GENESIS = "qdata_2/ethereum/genesis.json";
const TM_KEY = "qdata_1/constellation/tm.key";
const KEYSTORE = "qdata_1/ethereum/keystore/UTC--";
const STAGED = "qdata_2/ethereum/geth/chaindata/000001.ldb";
const MANIFEST = "manifest.json";
const ETHEREUM = "qdata_1/ethereum";
const UNLISTED = "qdata_1/ethereum/geth/chaindata/000003.ldb";
const STRAY_ENTRY = { path: "elsewhere/x", size: 1, sha256: "0".repeat(64) };
const genesisOf = (member: number) => `qdata_${member}/ethereum/genesis.json`;
const notIn = (folder: string) => (file: { path: string }) => !file.path.startsWith(folder);
const notNamed = (name: string) => (member: Record<string, unknown>) => member.name !== name;
const node2In = (folder: string) => (member: Record<string, unknown>) =>
    member.name === "node-2" ? { ...member, folder } : member;
const UTC_FOLDER = `qdata_1/ethereum/keystore/UTC--2026-01-01T00-00-00.000Z--${"0".repeat(40)}`;

const QDATA_CASES: Case[] = [
    ["nodekey a link to the operator's token", "qdata", linked(NODEKEY, TOKEN), qdataConfig, NODEKEY],
    ["passwords.txt a link to the operator's token", "qdata", linked(PASSWORDS, TOKEN), qdataConfig, PASSWORDS],
    ["the bootnode's nodekey a link", "qdata", linked("qdata_0/nodekey", TOKEN), qdataConfig, "qdata_0/nodekey"],
    [
        "tm.key a link to /dev/null",
        "qdata",
        linked("qdata_3/constellation/tm.key", DEV_NULL),
        qdataConfig,
        "qdata_3/constellation/tm.key",
    ],
    ["a keystore file a link to the operator's JSON", "qdata", linked("keystore", JSON_FILE), qdataConfig, KEYSTORE],
    [
        "the keystore folder a link to the operator's folder",
        "qdata",
        linked("qdata_2/ethereum/keystore", FOLDER),
        qdataConfig,
        "qdata_2/ethereum/keystore",
    ],
    ["the ethereum folder a link to a copy", "qdata", linkedCopy("qdata_1/ethereum"), qdataConfig, "qdata_1/ethereum"],
    ["a member folder a link to a copy", "qdata", linkedCopy("qdata_2"), qdataConfig, "qdata_2"],
    ["the bootnode's folder a link", "qdata", linked("qdata_0", FOLDER), qdataConfig, "qdata_0"],
    ["a link in chaindata to the operator's token", "qdata", linked(CHAIN_FILE, TOKEN), qdataConfig, CHAIN_FILE],
    [
        "a dangling link in a member folder",
        "qdata",
        linked("qdata_3/logs", () => "/nonexistent/kq"),
        qdataConfig,
        "qdata_3/logs",
    ],
    ["genesis.json a FIFO", "qdata", aFifo(GENESIS), qdataConfig, GENESIS],
    [
        "node 1's genesis.json a FIFO",
        "qdata",
        aFifo("qdata_1/ethereum/genesis.json"),
        qdataConfig,
        "qdata_1/ethereum/genesis.json",
    ],
    ["nodekey a FIFO", "qdata", aFifo(NODEKEY), qdataConfig, NODEKEY],
    ["a FIFO beside the keys", "qdata", aFifo("qdata_3/ethereum/pipe"), qdataConfig, "qdata_3/ethereum/pipe"],
    ["geth.ipc a socket", "qdata", aSocket("qdata_1/ethereum/geth.ipc"), qdataConfig, "qdata_1/ethereum/geth.ipc"],
    ["tm.pub a socket", "qdata", aSocket("qdata_2/constellation/tm.pub"), qdataConfig, "qdata_2/constellation/tm.pub"],
    ["nodekey a character device", "qdata", aDevice(NODEKEY), qdataConfig, NODEKEY],
    [
        "a folder named like a keystore file",
        "qdata",
        (d) => fs.mkdirSync(path.join(d, UTC_FOLDER)),
        qdataConfig,
        UTC_FOLDER,
    ],
    ["the only keystore file a folder", "qdata", aFolder("keystore"), qdataConfig, KEYSTORE],
    ["nodekey a folder", "qdata", aFolder(NODEKEY), qdataConfig, NODEKEY],
    ["genesis.json a folder", "qdata", aFolder(GENESIS), qdataConfig, GENESIS],
    ["passwords.txt of two lines", "qdata", written(PASSWORDS, "first\nsecond\n"), qdataConfig, PASSWORDS],
    [
        "passwords.txt with an escape character",
        "qdata",
        written(PASSWORDS, "pass\u001b[2Jword"),
        qdataConfig,
        PASSWORDS,
    ],
    ["passwords.txt with a NUL", "qdata", written(PASSWORDS, "pass\u0000word"), qdataConfig, PASSWORDS],
    ["passwords.txt with a carriage return", "qdata", written(PASSWORDS, "password\r\n"), qdataConfig, PASSWORDS],
    [
        "passwords.txt holding the operator's token on a second line",
        "qdata",
        written(PASSWORDS, `\n${SECRET}`),
        qdataConfig,
        PASSWORDS,
    ],
    ["nodekey with 0x", "qdata", written(NODEKEY, `0x${"ab".repeat(32)}`), qdataConfig, NODEKEY],
    ["nodekey of 63 hex digits", "qdata", written(NODEKEY, "a".repeat(63)), qdataConfig, NODEKEY],
    ["nodekey with trailing text", "qdata", written(NODEKEY, `${"ab".repeat(32)}\n${SECRET}`), qdataConfig, NODEKEY],
    ["nodekey of zeros (no secp256k1 key)", "qdata", written(NODEKEY, "0".repeat(64)), qdataConfig, NODEKEY],
    ["tm.key that is the operator's token", "qdata", written(TM_KEY, SECRET), qdataConfig, TM_KEY],
    [
        "tm.key locked",
        "qdata",
        written(TM_KEY, JSON.stringify({ data: { bytes: `${"A".repeat(43)}=` }, type: "argon2sbox" })),
        qdataConfig,
        TM_KEY,
    ],
    [
        "tm.pub of 31 bytes",
        "qdata",
        written("qdata_3/constellation/tm.pub", Buffer.alloc(31).toString("base64")),
        qdataConfig,
        "qdata_3/constellation/tm.pub",
    ],
    [
        "a keystore file without crypto",
        "qdata",
        written("keystore", JSON.stringify({ version: 3, address: "ab".repeat(20), SECRET })),
        qdataConfig,
        KEYSTORE,
    ],
    ["a keystore file that is not JSON", "qdata", written("keystore", `${SECRET} {`), qdataConfig, KEYSTORE],
    [
        "genesis.json that is not JSON",
        "qdata",
        (d) => {
            for (const i of [1, 2, 3]) written(genesisOf(i), `${SECRET} {`)(d, fx);
        },
        qdataConfig,
        GENESIS,
    ],
    [
        "npm run qdata: genesis.json a FIFO",
        "qdata",
        aFifo("qdata_1/ethereum/genesis.json"),
        qdataOptions,
        "qdata_1/ethereum/genesis.json",
    ],
    ["npm run qdata: a member folder a link", "qdata", linked("qdata_2", FOLDER), qdataOptions, "qdata_2"],
    [
        "npm run qdata: genesis.json the operator's JSON",
        "qdata",
        linked(genesisOf(1), JSON_FILE),
        qdataOptions,
        genesisOf(1),
    ],
];

const BACKUP_CASES: Case[] = [
    [
        "a member folder a link to unlisted content",
        "backup",
        (d, f) => (linkedCopy("qdata_2")(d, f), fs.writeFileSync(`${d}-moved/x`, "x")),
        verify,
        "qdata_2",
    ],
    ["a link in chaindata to the operator's token", "backup", linked(CHAIN_FILE, TOKEN), verify, CHAIN_FILE],
    ["a link in chaindata, at preview", "backup", linked(CHAIN_FILE, TOKEN), restoreConfig, CHAIN_FILE],
    ["a FIFO in chaindata", "backup", aFifo(CHAIN_FILE), verify, CHAIN_FILE],
    ["geth.ipc a socket", "backup", aSocket("qdata_2/ethereum/geth.ipc"), verify, "qdata_2/ethereum/geth.ipc"],
    [
        "a character device",
        "backup",
        aDevice("qdata_3/ethereum/geth/chaindata/000009.ldb"),
        verify,
        "qdata_3/ethereum/geth/chaindata/000009.ldb",
    ],
    ["an unlisted file in chaindata", "backup", written(UNLISTED, "planted"), verify, UNLISTED],
    [
        "a member folder the manifest does not name",
        "backup",
        (d) => fs.cpSync(`${d}/qdata_3`, `${d}/qdata_4`, { recursive: true }),
        verify,
        "qdata_4",
    ],
    [
        "a member folder the manifest does not name, at preview",
        "backup",
        (d) => fs.mkdirSync(path.join(d, "qdata_9")),
        restoreConfig,
        "qdata_9",
    ],
    [
        "a member whose files the manifest omits",
        "backup",
        manifestEdit((m) => ({ ...m, files: m.files.filter(notIn("qdata_3/")) })),
        verify,
        "qdata_3",
    ],
    [
        "node-2 left out, at preview",
        "backup",
        manifestEdit((m) => ({ ...m, members: m.members.filter(notNamed("node-2")) })),
        restoreConfig,
        "qdata_2",
    ],
    [
        "a file listed twice",
        "backup",
        manifestEdit((m) => ({ ...m, files: [...m.files, m.files[0]] })),
        restoreConfig,
        "restoreFrom:",
    ],
    [
        "node-2 named for qdata_3",
        "backup",
        manifestEdit((m) => ({ ...m, members: m.members.map(node2In("qdata_3")) })),
        restoreConfig,
        "members[2].folder",
    ],
    [
        "a file listed outside the members' folders",
        "backup",
        manifestEdit((m) => ({ ...m, files: [...m.files, STRAY_ENTRY] })),
        verify,
        "elsewhere/x",
    ],
    ["the manifest a link to the operator's JSON", "backup", linked(MANIFEST, JSON_FILE), verify, MANIFEST],
    ["the manifest a link, at preview", "backup", linked(MANIFEST, JSON_FILE), restoreConfig, MANIFEST],
    ["the manifest a FIFO", "backup", aFifo(MANIFEST), verify, MANIFEST],
    ["the manifest a folder", "backup", aFolder(MANIFEST), verify, MANIFEST],
    ["the manifest the operator's token", "backup", written(MANIFEST, `${SECRET} {`), verify, MANIFEST],
    ["staging: a file changed after the manifest", "backup", written(STAGED, "other blocks"), stage, STAGED],
    ["staging: a link to the operator's token", "backup", linked(STAGED, TOKEN), stage, STAGED],
    ["staging: the member folder a link", "backup", linked("qdata_2", FOLDER), stage, "qdata_2"],
    [
        "staging: an unlisted file",
        "backup",
        written("qdata_2/ethereum/planted", "x"),
        stage,
        "qdata_2/ethereum/planted",
    ],
    ["staging: a FIFO", "backup", aFifo(STAGED), stage, STAGED],
    [
        "staging: a listed file gone",
        "backup",
        (d) => fs.rmSync(path.join(d, "qdata_2/ethereum/nodekey")),
        stage,
        "qdata_2/ethereum/nodekey",
    ],
    [
        "cluster Secret: passwords.txt swapped for a link after the check",
        "qdata",
        () => undefined,
        clusterSeed({ file: PASSWORDS, kind: "link" }),
        PASSWORDS,
    ],
    [
        "cluster Secret: tm.key changed after the check",
        "qdata",
        () => undefined,
        clusterSeed({ file: TM_KEY, kind: "content" }),
        "qdata_1",
    ],
    [
        "cluster ConfigMap: genesis.json a FIFO after the check",
        "qdata",
        () => undefined,
        clusterSeed({ file: genesisOf(1), kind: "fifo" }),
        genesisOf(1),
    ],
    [
        "cluster Secret: ethereum/ a link after the check",
        "qdata",
        () => undefined,
        clusterSeed({ file: ETHEREUM, kind: "folderLink" }),
        ETHEREUM,
    ],
];

/** What a compromised member could put in the tar stream of its volume. */
const TAR_CASES: [what: string, archive: () => string, names: string][] = [
    [
        "an absolute link",
        () => tarOf(fx, (d) => fs.symlinkSync(fx.secretFile, path.join(d, "ethereum/static-nodes.json"))),
        "./ethereum/static-nodes.json",
    ],
    [
        "a link out through ..",
        () => tarOf(fx, (d) => fs.symlinkSync("../../../../etc/passwd", path.join(d, "ethereum/000002.ldb"))),
        "./ethereum/000002.ldb",
    ],
    [
        "a hard link",
        () => tarOf(fx, (d) => fs.linkSync(path.join(d, "ethereum/nodekey"), path.join(d, "ethereum/hard"))),
        "./ethereum/",
    ],
    ["a FIFO", () => tarOf(fx, (d) => fifo(path.join(d, "ethereum/pipe"))), "./ethereum/pipe"],
    [
        "a link with a long name",
        () => tarOf(fx, (d) => fs.symlinkSync(fx.secretFile, path.join(d, `ethereum/${"l".repeat(120)}`))),
        "l".repeat(120),
    ],
    [
        "a link in pax format",
        () => tarOf(fx, (d) => fs.symlinkSync(fx.secretFile, path.join(d, "ethereum/pax")), ["."], ["--format=pax"]),
        "./ethereum/pax",
    ],
    [
        "a path out through ..",
        () => tarOf(fx, () => undefined, ["../member/ethereum/nodekey"], ["-P"]),
        "../member/ethereum/nodekey",
    ],
    ["an absolute path", () => tarOf(fx, () => undefined, [fx.secretFile], ["-P"]), "/operator/token"],
];

/** scripts/seed-qdata.ts (minikube): the folder is checked at preview, then damaged before the seed copies it. */
const SEED_CASES: [what: string, damage: (member: string) => void | boolean, names: string][] = [
    [
        "passwords.txt a link to the operator's token",
        (m) => link(path.join(m, "ethereum/passwords.txt"), fx.secretFile),
        "ethereum/passwords.txt",
    ],
    ["genesis.json a FIFO", (m) => fifo(path.join(m, "ethereum/genesis.json")), "ethereum/genesis.json"],
    [
        "the ethereum folder a link",
        (m) => (fs.renameSync(`${m}/ethereum`, `${m}-eth`), link(`${m}/ethereum`, `${m}-eth`)),
        "/ethereum: is a symbolic link",
    ],
    [
        "tm.key a link to /dev/null",
        (m) => link(path.join(m, "constellation/tm.key"), "/dev/null"),
        "constellation/tm.key",
    ],
    ["nodekey a character device", (m) => deviceAt(path.join(m, "ethereum/nodekey")), "ethereum/nodekey"],
];

function assertRefused(result: CheckResult, names: string): void {
    const said = result.messages.join("\n");
    assert.equal(result.outcome, "refused", said);
    assert.ok(
        result.messages.some((message) => message.includes(names)),
        `no message names ${names}:\n${said}`,
    );
    assert.ok(!/\n\s+at /.test(said), `a stack trace:\n${said}`);
    assert.ok(!said.includes(SECRET), `the operator's secret was quoted:\n${said}`);
}

describe("hostile files", function () {
    this.timeout(60_000);
    before(async () => (fx = await makeFixture()));
    after(() => fs.rmSync(fx.work, { recursive: true, force: true }));

    describe("only regular files and folders enter, each listed and checked", function () {
        const checks = new TimedChecks();
        after(() => checks.stop());

        it("has at least 45 crafted cases", () =>
            assert.ok(QDATA_CASES.length + BACKUP_CASES.length + TAR_CASES.length + SEED_CASES.length >= 45));

        it("accepts the untouched folders and archive, so each refusal below is the damage's", async () => {
            const untouched: [Check, "qdata" | "backup"][] = [
                [qdataConfig, "qdata"],
                [restoreConfig, "backup"],
                [verify, "backup"],
                [stage, "backup"],
                [qdataOptions, "qdata"],
            ];
            for (const [check, base] of untouched)
                assert.deepEqual(await checks.run(...check(copyOf(fx, base))), { outcome: "accepted", messages: [] });
            assert.deepEqual(await checks.run("clusterSeed", { root: copyOf(fx, "qdata"), nodeCount: NODES }), {
                outcome: "accepted",
                messages: [],
            });
            assert.deepEqual(await checks.run("tar", { archive: tarOf(fx, () => undefined) }), {
                outcome: "accepted",
                messages: [],
            });
        });

        for (const [what, base, damage, check, names] of [...QDATA_CASES, ...BACKUP_CASES]) {
            it(`${base} folder: refuses ${what}, naming ${names}`, async function () {
                const dir = copyOf(fx, base);
                const done = await damage(dir, fx);
                if (done === false) this.skip();
                try {
                    assertRefused(await checks.run(...check(dir)), names);
                } finally {
                    if (typeof done === "function") done();
                }
            });
        }

        for (const [what, archive, names] of TAR_CASES) {
            it(`a member's tar stream: refuses ${what} before the local tar sees it, naming ${names}`, async () => {
                assertRefused(await checks.run("tar", { archive: archive() }), names);
            });
        }
    });

    describe("the minikube seed copies no link, FIFO or device onto the node", () => {
        let fake: FakeHost;
        before(() => (fake = new FakeHost()));
        after(() => fake.dispose());
        /** The seed's plan for node 1 of a fresh copy, as the preview read it; `damage` after. */
        function seedRun(damage: (member: string) => void | boolean): {
            status: number | null;
            stderr: string;
            skipped: boolean;
            target: string;
            calls: string[];
        } {
            const dir = copyOf(fx, "qdata");
            const errors: string[] = [];
            const member = readQdataFolder(dir, NODES, errors)?.nodes[0];
            assert.ok(member, errors.join("\n"));
            const hostPath = `/data/${path.basename(dir)}`;
            const args = {
                member,
                hostPath,
                minikubeProfile: "minikube",
                keepChainData: false,
                owner: "kaleido-quorum/hostile",
            };
            const plan = seedPlan(args.minikubeProfile, args.owner, [
                networkSeedMember(args, claimName(1), seedIdAt(member, hostPath)),
            ]);
            const skipped = damage(member.sourceDir) === false;
            fake.clearCalls();
            const result = runNetworkSeed(fake, plan, 5000);
            return {
                status: result.status,
                stderr: result.stderr,
                skipped,
                target: fake.nodePath(hostPath),
                calls: minikubeCalls(fake),
            };
        }

        it("seeds the untouched folder", () => assert.equal(seedRun(() => undefined).status, 0));

        for (const [what, damage, names] of SEED_CASES) {
            it(`refuses ${what}, naming ${names}, and lays nothing`, function () {
                const run = seedRun(damage);
                if (run.skipped) this.skip();
                assert.notEqual(run.status, null, "the seed hung (killed after 5 s)");
                assert.equal(run.status, 1, run.stderr);
                assert.ok(run.stderr.includes(names), run.stderr);
                assert.ok(!run.stderr.includes(SECRET), run.stderr);
                assert.ok(!fs.existsSync(run.target), "something was laid on the node");
                assert.deepEqual(run.calls, [], "minikube was called");
            });
        }
    });
});
