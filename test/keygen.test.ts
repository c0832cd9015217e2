import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Wallet } from "ethers";
import { curve25519PublicKey, enodeIdFromPrivateKey, parsePrivateKeyHex } from "../lib/keys/ethereum";
import { ensureGeneratedQdata } from "../lib/qdata/generate";
import { decryptKeystore, KeystoreV3, STANDARD_SCRYPT_N } from "../lib/keys/keystore";
import { readQdataFolder } from "../lib/qdata/folder";
import { FakeHost, REPO_ROOT } from "./support/fakeHost";
import { runProgram, withWorkspace } from "./support/program";
import { bft, makeProjectDir, pregenerateKeys, TEST_SCRYPT_N } from "./support/workspace";
import { named, seededText } from "./support/query";
import { tempDir } from "./support/tempDir";

const BASE = { password: "", chainId: 3543006677, gasLimit: "0x2FEFD800" };

function keystoreOf(member: string): { file: string; keystore: KeystoreV3 } {
    const dir = path.join(member, "ethereum/keystore");
    const [name] = fs.readdirSync(dir);
    return { file: name, keystore: JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) };
}

/** Every file's bytes below dir, by relative path. */
function contents(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) {
            const full = path.join(entry.parentPath, entry.name);
            out[path.relative(dir, full)] = fs.readFileSync(full, "hex");
        }
    }
    return out;
}

describe("generated networks (no quorum-tools)", function () {
    this.timeout(60_000);

    it("writes a keystore with geth's scrypt cost that ethers decrypts to the address in its name and the genesis", async () => {
        const dir = tempDir("keys");
        try {
            await ensureGeneratedQdata({ ...BASE, dir, nodeCount: 1 });
            const member = path.join(dir, "qdata_1");
            const { file, keystore } = keystoreOf(member);
            assert.equal(keystore.crypto.kdfparams.n, STANDARD_SCRYPT_N);
            assert.deepEqual(
                [keystore.crypto.kdfparams.r, keystore.crypto.kdfparams.p, keystore.crypto.kdfparams.dklen],
                [8, 1, 32],
            );
            assert.equal(keystore.crypto.cipher, "aes-128-ctr");
            const wallet = await Wallet.fromEncryptedJson(
                JSON.stringify(keystore),
                fs.readFileSync(path.join(member, "ethereum/passwords.txt"), "utf8"),
            );
            assert.match(
                file,
                new RegExp(
                    `^UTC--\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d+Z--${wallet.address.slice(2).toLowerCase()}$`,
                ),
            );
            const genesis = JSON.parse(fs.readFileSync(path.join(member, "ethereum/genesis.json"), "utf8"));
            assert.deepEqual(Object.keys(genesis.alloc), [wallet.address.toLowerCase()]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("a 4-node network", () => {
        let dir: string;
        const progress: string[] = [];
        before(async () => {
            dir = tempDir("keys");
            await ensureGeneratedQdata({
                ...BASE,
                dir,
                nodeCount: 4,
                scryptN: TEST_SCRYPT_N,
                onProgress: (line) => progress.push(line),
            });
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("has the quorum-tools layout, which the qdata reader accepts", () => {
            const problems: string[] = [];
            const folder = readQdataFolder(dir, 4, problems);
            assert.deepEqual(problems, []);
            assert.equal(folder?.nodes.length, 4);
        });

        it("has keystores that ethers decrypts to the genesis accounts", async () => {
            const genesis = JSON.parse(fs.readFileSync(path.join(dir, "qdata_1/ethereum/genesis.json"), "utf8"));
            const addresses: string[] = [];
            for (let index = 1; index <= 4; index++) {
                const { file, keystore } = keystoreOf(path.join(dir, `qdata_${index}`));
                const wallet = await Wallet.fromEncryptedJson(JSON.stringify(keystore), "");
                assert.ok(file.endsWith(`--${wallet.address.slice(2).toLowerCase()}`));
                addresses.push(wallet.address.toLowerCase());
            }
            assert.deepEqual(Object.keys(genesis.alloc).sort(), addresses.sort());
            assert.equal(genesis.config.isQuorum, true);
            assert.equal(genesis.config.chainId, 3543006677);
            assert.equal(genesis.gasLimit, "0x2FEFD800");
            for (let index = 2; index <= 4; index++) {
                assert.equal(
                    fs.readFileSync(path.join(dir, `qdata_${index}/ethereum/genesis.json`), "utf8"),
                    JSON.stringify(genesis, null, 2) + "\n",
                );
            }
        });

        it("has distinct node keys and matching constellation key pairs", () => {
            const ids = new Set<string>();
            for (let index = 0; index <= 4; index++) {
                const file = index === 0 ? "qdata_0/nodekey" : `qdata_${index}/ethereum/nodekey`;
                const key = parsePrivateKeyHex(fs.readFileSync(path.join(dir, file), "utf8"));
                assert.ok(key, file);
                ids.add(enodeIdFromPrivateKey(key));
            }
            assert.equal(ids.size, 5);
            for (let index = 1; index <= 4; index++) {
                const tmKey = JSON.parse(
                    fs.readFileSync(path.join(dir, `qdata_${index}/constellation/tm.key`), "utf8"),
                );
                assert.equal(tmKey.type, "unlocked");
                const publicKey = Buffer.from(curve25519PublicKey(Buffer.from(tmKey.data.bytes, "base64"))).toString(
                    "base64",
                );
                assert.equal(fs.readFileSync(path.join(dir, `qdata_${index}/constellation/tm.pub`), "utf8"), publicKey);
            }
        });

        it("keeps every file owner-only", () => {
            for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
                const mode = fs.statSync(path.join(entry.parentPath, entry.name)).mode & 0o777;
                assert.equal(mode, entry.isDirectory() ? 0o700 : 0o600, path.join(entry.parentPath, entry.name));
            }
        });

        it("prints a progress line per node and no key material", () => {
            assert.equal(progress.length, 4);
            const printed = progress.join("\n");
            for (let index = 1; index <= 4; index++) {
                assert.ok(
                    !printed.includes(fs.readFileSync(path.join(dir, `qdata_${index}/ethereum/nodekey`), "utf8")),
                );
                assert.ok(!printed.includes(keystoreOf(path.join(dir, `qdata_${index}`)).keystore.crypto.ciphertext));
            }
        });

        it("changes no byte when run again", async () => {
            const before = contents(dir);
            await ensureGeneratedQdata({ ...BASE, dir, nodeCount: 4, scryptN: TEST_SCRYPT_N });
            assert.deepEqual(contents(dir), before);
        });

        it("keeps every existing byte, the genesis included, when the node count grows; new members get the same genesis", async () => {
            const before = contents(dir);
            await ensureGeneratedQdata({ ...BASE, dir, nodeCount: 6, scryptN: TEST_SCRYPT_N });
            const after = contents(dir);
            for (const [file, bytes] of Object.entries(before)) assert.equal(after[file], bytes, `${file} changed`);
            assert.ok(fs.existsSync(path.join(dir, "qdata_6/ethereum/nodekey")));
            const genesis = fs.readFileSync(path.join(dir, "qdata_1/ethereum/genesis.json"), "utf8");
            assert.equal(fs.readFileSync(path.join(dir, "qdata_6/ethereum/genesis.json"), "utf8"), genesis);
            assert.equal(
                Object.keys(JSON.parse(genesis).alloc).length,
                4,
                "the genesis funds the first members' accounts only",
            );
        });

        it("re-encrypts the accounts, same keys, when the password changes", async () => {
            const member = path.join(dir, "qdata_1");
            const before = keystoreOf(member).keystore;
            const privateKey = await decryptKeystore(before, "");
            await ensureGeneratedQdata({ ...BASE, password: "s3cret", dir, nodeCount: 6, scryptN: TEST_SCRYPT_N });
            const after = keystoreOf(member).keystore;
            assert.notEqual(after.crypto.ciphertext, before.crypto.ciphertext);
            assert.deepEqual(await decryptKeystore(after, "s3cret"), privateKey);
            await assert.rejects(decryptKeystore(after, ""), /password does not match/);
            assert.equal(fs.readFileSync(path.join(member, "ethereum/passwords.txt"), "utf8"), "s3cret");
        });
    });

    describe("an IBFT network of 2 validators and 1 non-validator", () => {
        let dir: string;
        let genesis: {
            difficulty: string;
            mixHash: string;
            extraData: string;
            config: { istanbul: unknown; isQuorum: boolean };
            alloc: Record<string, unknown>;
        };
        before(async () => {
            dir = tempDir("keys");
            await ensureGeneratedQdata({
                ...BASE,
                dir,
                nodeCount: 3,
                consensus: bft("ibft", 2),
                scryptN: TEST_SCRYPT_N,
            });
            genesis = JSON.parse(fs.readFileSync(path.join(dir, "qdata_1/ethereum/genesis.json"), "utf8"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("writes an Istanbul genesis: difficulty 1, the Istanbul mixHash, config.istanbul with ceil(2N/3) from block 0, accounts funded", () => {
            assert.equal(genesis.difficulty, "0x1");
            assert.equal(genesis.mixHash, "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365");
            assert.deepEqual(genesis.config.istanbul, { epoch: 30000, policy: 0, ceil2Nby3Block: 0 });
            assert.equal(genesis.config.isQuorum, true);
            assert.equal(Object.keys(genesis.alloc).length, 3);
        });

        it("adds a non-validator without touching the genesis, and keeps the genesis's validators when the count changes (votes change it)", async () => {
            const genesisFile = path.join(dir, "qdata_1/ethereum/genesis.json");
            const before = fs.readFileSync(genesisFile, "utf8");
            await ensureGeneratedQdata({
                ...BASE,
                dir,
                nodeCount: 4,
                consensus: bft("ibft", 2),
                scryptN: TEST_SCRYPT_N,
            });
            assert.equal(fs.readFileSync(path.join(dir, "qdata_4/ethereum/genesis.json"), "utf8"), before);
            await ensureGeneratedQdata({
                ...BASE,
                dir,
                nodeCount: 4,
                consensus: bft("ibft", 3),
                scryptN: TEST_SCRYPT_N,
            });
            assert.equal(fs.readFileSync(genesisFile, "utf8"), before, "a new validator count rewrote the genesis");
        });

        it("names the first two node keys' addresses (as ethers derives them) as validators", () => {
            const nodeKeyAddress = (index: number) =>
                new Wallet(`0x${fs.readFileSync(path.join(dir, `qdata_${index}/ethereum/nodekey`), "utf8")}`).address
                    .slice(2)
                    .toLowerCase();
            const addresses = [nodeKeyAddress(1), nodeKeyAddress(2)];
            // Two 21-byte items make a 42-byte list (ea); with 80 and c0 the outer list holds 45 bytes (ed).
            assert.equal(genesis.extraData, `0x${"00".repeat(32)}edea94${addresses[0]}94${addresses[1]}80c0`);
        });

        it("is read back as IBFT with those validators", () => {
            const folder = readQdataFolder(dir, 3, []);
            assert.deepEqual(folder?.genesis, {
                kind: "ibft",
                validators: folder?.nodes.slice(0, 2).map((node) => node.nodeAddress),
                ceil2Nby3Block: 0,
            });
        });

        it("keeps an existing IBFT genesis made without ceil2Nby3Block byte for byte (2F+1, another formula would be another chain)", async () => {
            const legacy = tempDir("keys");
            try {
                await ensureGeneratedQdata({
                    ...BASE,
                    dir: legacy,
                    nodeCount: 3,
                    consensus: bft("ibft", 2),
                    scryptN: TEST_SCRYPT_N,
                });
                const files = [1, 2, 3].map((index) => path.join(legacy, `qdata_${index}/ethereum/genesis.json`));
                const made = JSON.parse(fs.readFileSync(files[0], "utf8")) as {
                    config: { istanbul: Record<string, unknown> };
                };
                delete made.config.istanbul.ceil2Nby3Block;
                const before = JSON.stringify(made, null, 2) + "\n";
                for (const file of files) fs.writeFileSync(file, before);
                await ensureGeneratedQdata({
                    ...BASE,
                    dir: legacy,
                    nodeCount: 4,
                    consensus: bft("ibft", 2),
                    scryptN: TEST_SCRYPT_N,
                });
                assert.equal(fs.readFileSync(files[0], "utf8"), before);
                assert.deepEqual(
                    Object.keys(readQdataFolder(legacy, 4, [])!.genesis),
                    ["kind", "validators"],
                    "read back without ceil2Nby3Block: 2F+1",
                );
            } finally {
                fs.rmSync(legacy, { recursive: true, force: true });
            }
        });
    });

    describe("deployed by the program under mocks", () => {
        for (const nodeCount of [1, 5, 7]) {
            it(`deploys a generated ${nodeCount}-node network whose network files agree with its keys`, async () => {
                await withWorkspace(async ({ fake, projectDir }) => {
                    // 1 node: the program generates with geth's real scrypt cost; larger ones are pre-made cheaply.
                    if (nodeCount > 1) await pregenerateKeys(projectDir, "gen", nodeCount);
                    const run = await runProgram({
                        stack: "gen",
                        fake,
                        projectDir,
                        config: { nodeCount: String(nodeCount) },
                    });
                    const sets = run.resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet");
                    assert.equal(sets.length, nodeCount + 1);
                    const keysDir = path.join(projectDir, ".keys", "gen");
                    const expectedIds = Array.from({ length: nodeCount }, (_, i) =>
                        enodeIdFromPrivateKey(
                            parsePrivateKeyHex(
                                fs.readFileSync(path.join(keysDir, `qdata_${i + 1}/ethereum/nodekey`), "utf8"),
                            )!,
                        ),
                    );
                    const seed = named(run, "quorum-node-1-qdata-seed");
                    const staticNodes: string[] = JSON.parse(seededText(run, 1, "ethereum/static-nodes.json")!);
                    assert.deepEqual(
                        staticNodes.map((enode) => enode.slice(8, 136)),
                        expectedIds,
                    );
                    assert.deepEqual(
                        staticNodes,
                        run.outputs.nodes.map((node) => node.enode),
                    );
                    assert.equal(seed.inputs.environment.SEED_SOURCE_DIR, path.join(keysDir, "qdata_1"));
                });
            });
        }

        it("gives byte-identical seeds on a second evaluation, so nothing is re-seeded", async () => {
            await withWorkspace(async ({ fake, projectDir }) => {
                await pregenerateKeys(projectDir, "gen", 3);
                const seedIds = async () =>
                    (await runProgram({ stack: "gen", fake, projectDir, config: { nodeCount: "3" } })).resources
                        .filter((r) => r.type === "command:local:Command" && r.name.endsWith("-seed"))
                        .map((r) => `${r.name}=${r.inputs.environment?.SEED_ID ?? r.inputs.stdin}`)
                        .sort();
                const first = await seedIds();
                assert.equal(first.length, 5, "the network's seed and each member's");
                assert.deepEqual(await seedIds(), first);
            });
        });

        it("uses a different key set per stack", async () => {
            const projectDir = makeProjectDir();
            try {
                const dev = await pregenerateKeys(projectDir, "dev", 1);
                const small = await pregenerateKeys(projectDir, "small", 1);
                assert.notEqual(
                    fs.readFileSync(path.join(dev, "qdata_1/ethereum/nodekey"), "utf8"),
                    fs.readFileSync(path.join(small, "qdata_1/ethereum/nodekey"), "utf8"),
                );
            } finally {
                fs.rmSync(projectDir, { recursive: true, force: true });
            }
        });
    });

    it("npm run qdata writes the folder with a progress line per node", function () {
        this.timeout(60_000);
        const out = tempDir("keys");
        try {
            const result = new FakeHost().sh(
                `npx ts-node --transpile-only scripts/generate-qdata.ts --nodes 2 --out ${out}`,
            );
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout.split("\n").filter((line) => line.startsWith("[keys] node ")).length, 2);
            assert.deepEqual(readQdataFolder(out, 2, []) !== undefined, true);
            const bad = new FakeHost().sh(
                `npx ts-node --transpile-only scripts/generate-qdata.ts --nodes 0 --out ${out}`,
            );
            assert.equal(bad.status, 2);
            assert.match(
                bad.stderr,
                /^qdata: --nodes \(the stack key nodeCount\): "0" must be a whole number from 1 to 50\n/,
            );
            const ibft = new FakeHost().sh(
                `npx ts-node --transpile-only scripts/generate-qdata.ts --consensus ibft --nodes 2+1 --out ${out} --force`,
            );
            assert.equal(ibft.status, 0, ibft.stderr);
            assert.match(ibft.stdout, /qdata: 3 nodes \(IBFT, 2 validators\)/);
            assert.equal(readQdataFolder(out, 3, [])?.genesis.kind, "ibft");
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it("keeps generated keys and every ./qdata* folder out of git", () => {
        assert.match(fs.readFileSync(path.join(REPO_ROOT, ".gitignore"), "utf8"), /^\.keys\/$/m);
        assert.match(fs.readFileSync(path.join(REPO_ROOT, ".gitignore"), "utf8"), /^\/qdata\*\/$/m);
    });
});

describe("account password from a secret config value", function () {
    this.timeout(60_000);

    it("encrypts the accounts with it and keeps it out of every resource input and output", async () => {
        await withWorkspace(async ({ fake, projectDir }) => {
            const keys = await pregenerateKeys(projectDir, "pw", 2);
            const run = await runProgram({
                stack: "pw",
                fake,
                projectDir,
                config: { nodeCount: "2" },
                secrets: { accountPassword: "correct horse" },
            });
            const member = path.join(keys, "qdata_1");
            assert.equal(fs.readFileSync(path.join(member, "ethereum/passwords.txt"), "utf8"), "correct horse");
            await decryptKeystore(keystoreOf(member).keystore, "correct horse");
            assert.ok(!JSON.stringify(run.resources).includes("correct horse"), "the password reached a resource");
            assert.ok(!JSON.stringify(run.outputs).includes("correct horse"), "the password reached an output");
        });
    });
});
