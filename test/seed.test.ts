import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseSeedPlan, PlannedMember, SeedPlan } from "../lib/minikube/seedPlan";
import { FakeHost, REPO_ROOT, RunResult } from "./support/fakeHost";
import { laptopTemp, minikubeCalls, runNetworkSeed, SeedResult } from "./support/minikubeSeed";
import { ProgramRun, RecordedResource, runProgram } from "./support/program";
import { named, ofType, seedManifest } from "./support/query";
import { makeQuorumToolsFolder } from "./support/workspace";

const NODE_COUNT = 3;
const NETWORK_SEED = "quorum-qdata-seed";

/** Every file below dir: relative path -> sha256 and mode. */
function snapshot(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (current: string) => {
        for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
            const full = path.join(current, entry.name);
            const stat = fs.statSync(full);
            const key = path.relative(dir, full);
            if (entry.isDirectory()) {
                out[`${key}/`] = (stat.mode & 0o777).toString(8);
                walk(full);
            } else {
                out[key] =
                    `${(stat.mode & 0o777).toString(8)} ${crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex")} ${stat.mtimeMs}`;
            }
        }
    };
    walk(dir);
    return out;
}

function mode(file: string): string {
    return (fs.statSync(file).mode & 0o777).toString(8);
}

/** A change to the plan: the members it holds and what they are told. */
type PlanChange = (plan: SeedPlan, member: (index: number) => PlannedMember) => void;

/** The member's rendered `file` as `text` (a text of the plan's own). */
function withText(plan: SeedPlan, member: PlannedMember, file: string, text: string): void {
    const planned = member.files.find((candidate) => candidate.path === file);
    assert.ok(planned, `${member.name} lays no ${file}`);
    planned.text = plan.texts.push(text) - 1;
}

describe("the minikube seed (scripts/seed-qdata.ts and node-seed.sh against a fake minikube)", function () {
    this.timeout(60_000);
    let fake: FakeHost;
    let source: string;
    let run: ProgramRun;
    const outputs: string[] = [];

    /** A member's own Command: its seed as a preview shows it, and the wipe on delete. */
    const seedOf = (member: number): RecordedResource =>
        named(run, member === 0 ? "quorum-bootnode-qdata-seed" : `quorum-node-${member}-qdata-seed`);
    /** The network's seed, run as the Command provider would: its command line, its plan on stdin, changed as `change` says. */
    const runSeed = (change: PlanChange = () => undefined): SeedResult => {
        const plan = parseSeedPlan(named(run, NETWORK_SEED).inputs.stdin);
        change(plan, (index) => plan.members.find((member) => member.name === `qdata-${index}`)!);
        const result = runNetworkSeed(fake, plan);
        outputs.push(result.stdout, result.stderr);
        return result;
    };
    /** Only node `index`, changed as `change` says. */
    const seedOnly = (
        index: number,
        change: (member: PlannedMember, plan: SeedPlan) => void = () => undefined,
    ): SeedResult =>
        runSeed((plan, member) => {
            const only = member(index);
            plan.members = [only];
            change(only, plan);
        });
    /** A member Command's delete step, exactly as the Command provider would run it. */
    const runDelete = (member: number, override: Record<string, string> = {}): RunResult => {
        const seed = seedOf(member);
        const result = fake.sh(seed.inputs.delete, { ...seed.inputs.environment, ...override });
        outputs.push(result.stdout, result.stderr);
        return result;
    };
    const target = (member: number) => fake.nodePath(`/data/qdata_${member}`);
    const leftOnNode = () =>
        fs.readdirSync(fake.nodePath("/tmp")).filter((name) => name.startsWith("kaleido-quorum-seed"));
    /** What the seed staged on this machine (keys) and left behind. */
    const leftOnLaptop = () =>
        fs.readdirSync(laptopTemp(fake)).filter((name) => name.startsWith("kaleido-quorum-seed"));

    before(async () => {
        fake = new FakeHost();
        source = await makeQuorumToolsFolder(NODE_COUNT);
        run = await runProgram({
            stack: "small",
            fake,
            projectDir: source,
            config: { runtime: "kaleido", qdataDir: source, hostPathRoot: "/data" },
        });
    });
    after(() => {
        // No run may print key material: node keys, constellation private keys, keystore ciphertext.
        const printed = outputs.join("\n");
        for (let member = 1; member <= NODE_COUNT; member++) {
            const dir = path.join(source, `qdata_${member}`);
            assert.ok(
                !printed.includes(fs.readFileSync(path.join(dir, "ethereum/nodekey"), "utf8")),
                "a nodekey was printed",
            );
            assert.ok(
                !printed.includes(
                    JSON.parse(fs.readFileSync(path.join(dir, "constellation/tm.key"), "utf8")).data.bytes,
                ),
                "tm.key was printed",
            );
        }
        fake.dispose();
        fs.rmSync(source, { recursive: true, force: true });
    });

    it("is one Command for the whole network, which every member's pod waits for beside the member's own Command and claim", () => {
        const seed = named(run, NETWORK_SEED);
        assert.equal(seed.inputs.delete, undefined, "the network's seed wipes nothing");
        assert.deepEqual(
            parseSeedPlan(seed.inputs.stdin).members.map((member) => member.name),
            ["qdata-0", "qdata-1", "qdata-2", "qdata-3"],
        );
        for (const set of ofType(run, "kubernetes:apps/v1:StatefulSet")) {
            const member = set.name.replace(/-set$/, "");
            for (const dependency of [NETWORK_SEED, `${member}-qdata-seed`, `${member}-qdata-pvc`])
                assert.ok(set.dependsOn.includes(dependency), `${set.name} depends on ${set.dependsOn}`);
        }
        for (let member = 0; member <= NODE_COUNT; member++) {
            assert.equal(seedOf(member).inputs.create, undefined, "a member's own Command lays nothing");
            assert.equal(seedOf(member).inputs.delete, "bash scripts/wipe-qdata.sh");
        }
    });

    it("lays every member's files with their content, in one minikube cp and one minikube ssh, leaving nothing staged here or in the node's /tmp", () => {
        fake.clearCalls();
        const result = runSeed();
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(minikubeCalls(fake), ["cp", "ssh"]);
        assert.match(result.stdout, /^seed-qdata: copying 31 files of 4 members to minikube:\/data in one archive$/m);
        assert.deepEqual(leftOnNode(), []);
        assert.deepEqual(leftOnLaptop(), []);
        for (let member = 0; member <= NODE_COUNT; member++)
            assert.match(
                result.stdout,
                new RegExp(`^seed-qdata\\[qdata-${member}\\]: seeded \\S*/data/qdata_${member}$`, "m"),
            );
        assert.equal(
            fs.readFileSync(path.join(target(0), "nodekey"), "utf8"),
            fs.readFileSync(path.join(source, "qdata_0/nodekey"), "utf8"),
        );
        for (let member = 1; member <= NODE_COUNT; member++) {
            for (const [file, { mode: wanted, text }] of Object.entries(seedManifest(seedOf(member)))) {
                const laid = path.join(target(member), file);
                assert.deepEqual(
                    fs.readFileSync(laid),
                    text === undefined
                        ? fs.readFileSync(path.join(source, `qdata_${member}`, file))
                        : Buffer.from(text),
                    file,
                );
                assert.equal(`0${mode(laid)}`, wanted, `${file}'s mode`);
            }
            assert.ok(fs.statSync(path.join(target(member), "logs")).isDirectory());
        }
    });

    it("keeps keys owner-only and public files readable", () => {
        const node = target(1);
        assert.equal(mode(path.join(node, "ethereum/nodekey")), "600");
        assert.equal(mode(path.join(node, "constellation/tm.key")), "600");
        assert.equal(mode(path.join(node, "ethereum/passwords.txt")), "600");
        assert.equal(mode(path.join(node, "ethereum/keystore")), "700");
        assert.equal(mode(path.join(node, "ethereum/genesis.json")), "644");
        assert.equal(mode(path.join(node, "constellation/tm.pub")), "644");
        assert.equal(mode(path.join(target(0), "nodekey")), "600");
    });

    it("rewrites static-nodes, permissioned-nodes and tm.conf to the cluster IPs", () => {
        const ips = run.outputs.nodes.map((node) => node.ip);
        assert.deepEqual(ips, ["10.96.1.101", "10.96.1.102", "10.96.1.103"]);
        for (let member = 1; member <= NODE_COUNT; member++) {
            const staticNodes = JSON.parse(
                fs.readFileSync(path.join(target(member), "ethereum/static-nodes.json"), "utf8"),
            );
            assert.deepEqual(
                staticNodes,
                run.outputs.nodes.map((node) => node.enode),
            );
            assert.deepEqual(
                fs.readFileSync(path.join(target(member), "ethereum/permissioned-nodes.json"), "utf8"),
                JSON.stringify(staticNodes, null, 2) + "\n",
            );
            const tmConf = fs.readFileSync(path.join(target(member), "constellation/tm.conf"), "utf8");
            assert.match(tmConf, new RegExp(`^url = "http://${ips[member - 1].replace(/\./g, "\\.")}:9000/"$`, "m"));
            assert.match(
                tmConf,
                new RegExp(
                    `^othernodes = \\[${ips.map((ip) => `"http://${ip.replace(/\./g, "\\.")}:9000/"`).join(", ")}\\]$`,
                    "m",
                ),
            );
            assert.match(tmConf, /^socket = "\/qdata\/constellation\/tm.ipc"$/m);
            assert.match(tmConf, /^privatekeys = \["\/qdata\/constellation\/tm.key"\]$/m);
            for (const file of ["ethereum/static-nodes.json", "constellation/tm.conf"]) {
                assert.ok(
                    !fs.readFileSync(path.join(target(member), file), "utf8").includes("172.13."),
                    `${file} still names a docker-compose IP`,
                );
            }
        }
        for (const node of run.outputs.nodes) {
            const index = run.outputs.nodes.indexOf(node) + 1;
            const nodekeyEnode = node.enode.slice("enode://".length, "enode://".length + 128);
            assert.equal(seedOf(index).inputs.environment.SEED_ID.length, 64);
            assert.match(nodekeyEnode, /^[0-9a-f]{128}$/);
        }
    });

    it("changes nothing when run again with the same input", () => {
        const before = snapshot(fake.nodePath("/data"));
        const result = runSeed();
        assert.equal(result.status, 0, result.stderr);
        for (let member = 0; member <= NODE_COUNT; member++)
            assert.match(result.stdout, new RegExp(`^seed-qdata\\[qdata-${member}\\]: unchanged: `, "m"));
        assert.deepEqual(snapshot(fake.nodePath("/data")), before);
    });

    it("updates a new peer list in place, keeping the chain data and the seed", () => {
        const chaindata = path.join(target(2), "ethereum/geth/chaindata/000001.log");
        fs.mkdirSync(path.dirname(chaindata), { recursive: true });
        fs.writeFileSync(chaindata, "blocks of this chain");
        const seedBefore = fs.readFileSync(path.join(target(2), ".kaleido-seed-id"), "utf8");
        const grown = JSON.stringify(["enode://a@10.96.1.101:30303", "enode://b@10.96.1.104:30303"]);
        const result = seedOnly(2, (member, plan) => {
            withText(plan, member, "ethereum/static-nodes.json", grown);
            withText(plan, member, "ethereum/permissioned-nodes.json", grown);
        });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /kept the chain in \S+; updated 2 peer list file\(s\) in place/);
        assert.equal(fs.readFileSync(chaindata, "utf8"), "blocks of this chain");
        for (const file of ["ethereum/static-nodes.json", "ethereum/permissioned-nodes.json"]) {
            assert.equal(fs.readFileSync(path.join(target(2), file), "utf8"), grown, file);
            assert.equal(mode(path.join(target(2), file)), "644", file);
        }
        assert.equal(fs.readFileSync(path.join(target(2), ".kaleido-seed-id"), "utf8"), seedBefore);
        assert.deepEqual(
            fs.readdirSync(fake.nodePath("/data")).filter((name) => name.includes("kaleido-")),
            [],
            "a partial folder was left behind",
        );
    });

    it("starts a new chain when the runtime changes (another image family's chain data)", () => {
        const chaindata = path.join(target(2), "ethereum/geth/chaindata/000001.log");
        fs.mkdirSync(path.dirname(chaindata), { recursive: true });
        fs.writeFileSync(chaindata, "blocks written by the seed's Quorum");
        const result = seedOnly(2, (member, plan) => {
            withText(plan, member, "kaleido-runtime", "goquorum\n");
            member.seedId = "2".repeat(64);
        });
        assert.equal(result.status, 0, result.stderr);
        assert.match(
            result.stdout,
            /moved the earlier seed in \S*\/data\/qdata_2, chain data included, to \S*\/data\/qdata_2\.earlier-seed\.\d+/,
        );
        assert.ok(!fs.existsSync(chaindata));
        const [kept] = fs
            .readdirSync(fake.nodePath("/data"))
            .filter((name) => name.startsWith("qdata_2.earlier-seed."));
        assert.equal(
            fs.readFileSync(path.join(fake.nodePath("/data"), kept, "ethereum/geth/chaindata/000001.log"), "utf8"),
            "blocks written by the seed's Quorum",
        );
        assert.equal(fs.readFileSync(path.join(target(2), "kaleido-runtime"), "utf8"), "goquorum\n");
        assert.equal(mode(path.join(target(2), "kaleido-runtime")), "644");
    });

    it("moves an earlier seed's chain data aside when its chain identity changed", () => {
        const chaindata = path.join(target(2), "ethereum/geth/chaindata");
        const otherChain = fs.mkdtempSync(path.join(fake.nodePath("/"), "other-chain-"));
        fs.cpSync(path.join(source, "qdata_2"), otherChain, { recursive: true });
        const genesis = path.join(otherChain, "ethereum/genesis.json");
        fs.writeFileSync(genesis, fs.readFileSync(genesis, "utf8").replace(/"gasLimit": "[^"]*"/, '"gasLimit": "0x1"'));
        const result = seedOnly(2, (member) =>
            Object.assign(member, { seedId: "0".repeat(64), sourceDir: otherChain }),
        );
        assert.equal(result.status, 0, result.stderr);
        assert.match(
            result.stdout,
            /moved the earlier seed in \S*, chain data included, to \S*qdata_2\.earlier-seed\.\d+/,
        );
        assert.ok(!fs.existsSync(chaindata), "old chain data stayed in the new seed's folder");
        assert.equal(
            fs.readFileSync(path.join(target(2), "ethereum/genesis.json"), "utf8"),
            fs.readFileSync(genesis, "utf8"),
        );
        assert.equal(fs.readFileSync(path.join(target(2), ".kaleido-seed-id"), "utf8").trim(), "0".repeat(64));
    });

    it("moves aside, never deletes, a folder it did not seed", () => {
        const foreign = path.join(target(3), "hand-copied.txt");
        fs.rmSync(path.join(target(3), ".kaleido-seed-id"));
        fs.writeFileSync(foreign, "from the manual setup");
        const result = seedOnly(3);
        assert.equal(result.status, 0, result.stderr);
        assert.match(
            result.stdout,
            /moved the folder's earlier content to \S*\/data\/qdata_3\.before-kaleido-quorum\.\d+/,
        );
        const backups = fs
            .readdirSync(fake.nodePath("/data"))
            .filter((name) => name.startsWith("qdata_3.before-kaleido-quorum."));
        assert.equal(backups.length, 1);
        assert.equal(
            fs.readFileSync(path.join(fake.nodePath("/data"), backups[0], "hand-copied.txt"), "utf8"),
            "from the manual setup",
        );
        assert.ok(fs.existsSync(path.join(target(3), "ethereum/nodekey")));
    });

    it("discards the half-written seed a killed run left beside a folder, and lays the seed whole", () => {
        const partial = `${target(1)}.kaleido-partial`;
        fs.rmSync(target(1), { recursive: true, force: true });
        fs.mkdirSync(path.join(partial, "ethereum"), { recursive: true });
        fs.writeFileSync(path.join(partial, "ethereum/nodekey"), "half");
        const result = seedOnly(1);
        assert.equal(result.status, 0, result.stderr);
        assert.ok(!fs.existsSync(partial), "the leftover is gone");
        assert.notEqual(fs.readFileSync(path.join(target(1), "ethereum/nodekey"), "utf8"), "half");
        assert.ok(fs.existsSync(path.join(target(1), ".kaleido-seed-id")));
        assert.deepEqual(
            fs.readdirSync(fake.nodePath("/data")).filter((name) => name.startsWith("qdata_1.")),
            [],
            "nothing moved aside",
        );
    });

    it("fails loudly, naming the file, when a required file is missing, and nothing reaches the node", () => {
        const missing = path.join(source, "qdata_1/constellation/tm.pub");
        const saved = fs.readFileSync(missing);
        fs.rmSync(missing);
        fake.clearCalls();
        try {
            const result = runSeed((_plan, member) => (member(1).seedId = "1".repeat(64)));
            assert.equal(result.status, 1);
            assert.match(
                result.stderr,
                new RegExp(`^seed-qdata\\[qdata-1\\]: ${missing.replace(/[.]/g, "\\.")}: is missing$`, "m"),
            );
            assert.deepEqual(minikubeCalls(fake), []);
            assert.deepEqual(leftOnLaptop(), []);
        } finally {
            fs.writeFileSync(missing, saved);
        }
    });

    it("copies no link: a key file made a link to a file of this machine fails, naming it, and nothing reaches the node", () => {
        const passwords = path.join(source, "qdata_2/ethereum/passwords.txt");
        const saved = fs.readFileSync(passwords);
        fs.rmSync(passwords);
        fs.symlinkSync("/etc/hostname", passwords);
        try {
            const result = seedOnly(2, (member) =>
                Object.assign(member, { seedId: "2".repeat(64), targetDir: "/data/linked" }),
            );
            assert.equal(result.status, 1, result.stderr);
            assert.match(
                result.stderr,
                new RegExp(
                    `${passwords.replace(/[.]/g, "\\.")}: is a symbolic link; only regular files and folders are read, never followed or opened`,
                ),
            );
            assert.ok(!fs.existsSync(fake.nodePath("/data/linked")));
        } finally {
            fs.rmSync(passwords);
            fs.writeFileSync(passwords, saved);
        }
    });

    it("node-seed.sh lays no seed holding a link (only seed-qdata.ts's regular files and folders)", () => {
        const work = fs.mkdtempSync(path.join(fake.state, "planted-"));
        fs.mkdirSync(path.join(work, "chain/ethereum"), { recursive: true });
        fs.mkdirSync(path.join(work, "peers"));
        fs.symlinkSync("/etc/shadow", path.join(work, "chain/ethereum/nodekey"));
        execFileSync("tar", ["-C", work, "-cf", path.join(work, "seed.tar"), "chain", "peers"]);
        const result = fake.sh(`sh ${REPO_ROOT}/scripts/node-seed.sh ${work}/seed.tar ${work}/target one`);
        assert.equal(result.status, 1, result.stderr);
        assert.match(
            result.stderr,
            /refused: the seed holds chain\/ethereum\/nodekey, which is not a regular file or folder; nothing was laid/,
        );
        assert.ok(!fs.existsSync(path.join(work, "target")));
    });

    it("fails naming the folder when the source folder is gone", () => {
        const result = seedOnly(1, (member) => (member.sourceDir = path.join(source, "qdata_9")));
        assert.equal(result.status, 1);
        assert.match(result.stderr, /^seed-qdata\[qdata-1\]: source folder .*qdata_9 does not exist$/m);
    });

    describe("a host folder another stack seeded", () => {
        const other = { SEED_OWNER: "kaleido-quorum/other" };

        it("is recorded as the stack's own when seeded", () => {
            assert.equal(fs.readFileSync(path.join(target(2), ".kaleido-owner"), "utf8"), "kaleido-quorum/small\n");
        });

        it("is refused by another stack's seed, naming the owner, and left as it was", () => {
            const before = snapshot(target(2));
            const result = runSeed((plan) => (plan.owner = "kaleido-quorum/other"));
            assert.equal(result.status, 1);
            assert.match(
                result.stderr,
                /^seed-qdata\[qdata-2\]: refused: .*qdata_2 holds the chain of kaleido-quorum\/small, not of kaleido-quorum\/other; give this stack a hostPathRoot of its own$/m,
            );
            assert.deepEqual(snapshot(target(2)), before);
            assert.deepEqual(leftOnNode(), [], "the run's files are gone from the node");
            assert.deepEqual(leftOnLaptop(), []);
        });

        it("stops none of the run's other members, and fails the run once they are laid", () => {
            const owner = path.join(target(2), ".kaleido-owner");
            fs.writeFileSync(owner, "kaleido-quorum/other\n");
            try {
                const result = runSeed();
                assert.equal(result.status, 1);
                assert.match(
                    result.stderr,
                    /^seed-qdata\[qdata-2\]: refused: .*qdata_2 holds the chain of kaleido-quorum\/other, not of kaleido-quorum\/small/m,
                );
                assert.match(result.stderr, /^seed-qdata: 1 of 4 members not seeded \(each named above\)$/m);
                for (const member of [0, 1, 3])
                    assert.match(result.stdout, new RegExp(`^seed-qdata\\[qdata-${member}\\]: unchanged: `, "m"));
            } finally {
                fs.writeFileSync(owner, "kaleido-quorum/small\n");
            }
        });

        it("is left alone by another stack's destroy", () => {
            const result = runDelete(2, other);
            assert.equal(result.status, 0, result.stderr);
            assert.match(
                result.stdout,
                /left minikube:\/data\/qdata_2 alone: it holds the chain of kaleido-quorum\/small/,
            );
            assert.ok(fs.existsSync(path.join(target(2), "ethereum/nodekey")));
        });
    });

    describe("delete step (scripts/wipe-qdata.sh)", () => {
        it("keeps the host folder when keepChainData is true", () => {
            const result = runDelete(1, { KEEP_CHAIN_DATA: "true" });
            assert.equal(result.status, 0);
            assert.ok(fs.existsSync(path.join(target(1), "ethereum/nodekey")));
        });

        it("fails, saying what to run, when the profile is stopped", () => {
            fake.setHost("Stopped");
            const result = runDelete(1);
            fake.setHost("Running");
            assert.notEqual(result.status, 0);
            assert.match(result.stderr, /minikube start -p minikube/);
            assert.ok(fs.existsSync(target(1)));
        });

        it("wipes the host folder, and never the local source folder", () => {
            const sourceBefore = snapshot(source);
            const result = runDelete(1);
            assert.equal(result.status, 0, result.stderr);
            assert.ok(!fs.existsSync(target(1)), "host folder survived");
            assert.ok(fs.existsSync(target(2)), "another member's folder was wiped");
            assert.deepEqual(snapshot(source), sourceBefore);
        });

        it("succeeds with nothing to do when the profile was deleted", () => {
            fake.setHost("Nonexistent");
            const result = runDelete(2);
            fake.setHost("Running");
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.stdout, /no longer exists/);
        });
    });
});
