// Every npm run tool: --help prints its usage and exits 0; without the Pulumi CLI, the tools that
// read the stack's outputs say that it is missing, not that the stack has none.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeHost, REPO_ROOT } from "./support/fakeHost";
import { tempDir } from "./support/tempDir";

/** By the name its messages start with: the script, or the operation the one entry runs. */
const TOOLS: Record<string, string[]> = {
    status: ["operations/run.ts", "status"],
    verify: ["operations/run.ts", "verify"],
    backup: ["operations/run.ts", "backup"],
    "raft-peer": ["operations/run.ts", "raft-membership"],
    validators: ["operations/run.ts", "validator-votes"],
    restore: ["operations/run.ts", "restore"],
    rollout: ["operations/run.ts", "rollout"],
    run: ["operations/run.ts"],
    dashboard: ["scripts/dashboard.ts"],
    connect: ["scripts/connect.ts"],
    qdata: ["scripts/generate-qdata.ts"],
    bench: ["scripts/bench.ts"],
    up: ["scripts/up.ts"],
    destroy: ["scripts/destroy.ts"],
};
const STACK_READERS: [string, string[]][] = [
    ["status", []],
    ["verify", []],
    ["backup", ["--out", "x"]],
    ["dashboard", ["--out", "x"]],
    ["connect", []],
    ["rollout", []],
    ["raft-peer", ["remove", "node-set-1-0", "2"]],
    ["validators", ["add", "node-set-1-0", `0x${"ab".repeat(20)}`]],
];

function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    return spawnSync(process.execPath, ["--require", "ts-node/register/transpile-only", ...TOOLS[tool], ...args], {
        cwd: REPO_ROOT,
        env,
        encoding: "utf8",
        timeout: 30_000,
    });
}

describe("every tool's --help", function () {
    this.timeout(120_000);
    for (const tool of Object.keys(TOOLS)) {
        it(`${tool} prints its usage and exits 0`, () => {
            const result = runTool(tool, ["--help"]);
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.stdout, /^usage: /);
        });
    }
});

describe("the operations' one entry", () => {
    it("names an unknown operation, lists the known ones and exits 2", () => {
        const result = runTool("run", ["rollback"]);
        assert.equal(result.status, 2);
        assert.match(
            result.stderr,
            /^run: no operation "rollback"\n.*operations: backup, raft-membership, restore, rollout, status, validator-votes, verify/s,
        );
    });

    it("passes a bad argument's refusal on in one line with the usage, exit 2", () => {
        const result = runTool("status", ["--interval", "0"]);
        assert.equal(result.status, 2);
        assert.match(
            result.stderr,
            /^status: --interval must be a whole number from 1, not "0"\nusage: npm run status/,
        );
    });
});

describe("a tool's options", () => {
    it("refuses one it does not take, naming those it does, before reading any stack", () => {
        const result = runTool("rollout", ["--stak", "prod"]);
        assert.equal(result.status, 2);
        assert.match(
            result.stderr,
            /^rollout: unknown option --stak \(it takes --stack, --timeout, --allow-downtime\)\n/,
        );
    });

    it("refuses a stray word before reading any stack, as a typo of an option would be", () => {
        for (const [tool, args] of [
            ["verify", ["now"]],
            ["backup", ["create", "--out", "x"]],
            ["rollout", ["restart"]],
            ["connect", ["dev"]],
        ] as const) {
            const result = runTool(tool, [...args]);
            assert.equal(result.status, 2, `${tool}: ${result.stderr}`);
            assert.match(result.stderr, new RegExp(`^${tool}: unexpected argument ${args[0]}\n`));
        }
    });

    it("backup makes a backup or checks one, never both at once", () => {
        const result = runTool("backup", ["--out", "x", "--verify", "y"]);
        assert.equal(result.status, 2);
        assert.match(result.stderr, /^backup: --out makes a backup, --verify checks one: give one of them\n/);
    });

    it("takes --name=value as --name value", () => {
        const result = runTool("status", ["--interval=0"]);
        assert.equal(result.status, 2);
        assert.match(result.stderr, /^status: --interval must be a whole number from 1, not "0"/);
    });
});

describe("npm run up and npm run destroy", function () {
    this.timeout(60_000);

    it("up --help names the config check it makes before anything starts", () => {
        const help = runTool("up", ["--help"]);
        assert.match(help.stdout, /^usage: \[STACK=<stack>\] npm run up \[-- --stack NAME\] \[--new\]/);
        const text = help.stdout.replace(/\s+/g, " ");
        assert.ok(
            text.includes(
                "the stack's config: Pulumi.<stack>.yaml must exist (--new starts a stack without one, on every default)",
            ),
            text,
        );
        assert.ok(
            text.includes("and pass the program's config check (each key declared in Pulumi.yaml, each value valid)"),
            text,
        );
    });

    it("destroy prints its usage for --help, and names a missing Pulumi CLI", () => {
        assert.match(
            runTool("destroy", ["--help"]).stdout,
            /^usage: \[STACK=<stack>\] npm run destroy \[-- --stack NAME\]/,
        );
        const missing = runTool("destroy", [], { PATH: tempDir("no-pulumi") });
        assert.equal(missing.status, 2, "could not start, as every tool says of a missing Pulumi CLI");
        assert.match(
            missing.stderr,
            /^destroy: the Pulumi CLI is not installed: install it from https:\/\/www\.pulumi\.com\/docs\/install\//,
        );
    });

    it("destroy names a stack that does not exist, and those that do, in its own line", () => {
        const fake = new FakeHost();
        fs.writeFileSync(path.join(fake.state, "stacks"), "dev\nibft\n");
        const result = runTool("destroy", ["--stack", "small", "--yes"], fake.env());
        fake.dispose();
        assert.equal(result.status, 2);
        assert.equal(result.stdout, "destroy: stack small\n");
        assert.equal(
            result.stderr,
            "destroy: there is no stack small: nothing to destroy (the stacks of this project: dev, ibft)\n",
        );
    });
});

describe("a message for each mistake", function () {
    this.timeout(60_000);

    it("connect says the same of every port out of range, 0 and 70000 alike", () => {
        for (const port of ["0", "70000", "port"]) {
            const result = runTool("connect", ["--rpc-port", port]);
            assert.equal(result.status, 2);
            assert.equal(
                result.stderr.split("\n")[0],
                `connect: --rpc-port must be a port from 1 to 65535, not ${port}`,
            );
        }
    });

    it("backup --verify names a folder that does not exist as such", () => {
        const result = runTool("backup", ["--verify", "/nonexistent"]);
        assert.equal(result.status, 2);
        assert.equal(
            result.stderr.split("\n")[0],
            "backup: --verify /nonexistent: the folder does not exist (give the folder npm run backup -- --out wrote)",
        );
    });
});

describe("the tools without the Pulumi CLI", function () {
    this.timeout(120_000);
    const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), "kq-no-pulumi-"));
    after(() => fs.rmSync(emptyPath, { recursive: true, force: true }));

    for (const [tool, args] of STACK_READERS) {
        it(`${tool} names the missing CLI and where to get it`, () => {
            const result = runTool(tool, args, { ...process.env, PATH: emptyPath, STACK: "" });
            assert.equal(result.status, 2, result.stderr);
            assert.match(
                result.stderr.trim(),
                new RegExp(
                    `^${tool}: the Pulumi CLI is not installed \\(no pulumi on PATH\\): install it from https://www\\.pulumi\\.com/docs/install/$`,
                ),
            );
        });
    }
});

describe("npm run dashboard by the stack's runtime", function () {
    this.timeout(120_000);
    let fake: FakeHost;
    beforeEach(() => (fake = new FakeHost()));
    afterEach(() => fake.dispose());

    const dashboardOf = (runtime: string) => {
        const outputs = {
            outputsVersion: 2,
            namespace: "quorum",
            kubeContext: "minikube",
            runtime,
            consensus: { kind: "raft" },
            nodes: [],
        };
        fs.writeFileSync(path.join(fake.state, "stack-outputs.json"), JSON.stringify(outputs));
        const out = path.join(fake.state, "dashboard.json");
        return {
            result: runTool("dashboard", ["--out", out, "--stack", "dev"], fake.env()),
            written: () => fs.existsSync(out),
        };
    };

    it("refuses outputs of another shape than this version reads, naming the way to rewrite them", () => {
        for (const [version, said] of [
            [undefined, "an earlier version's, with no outputsVersion"],
            [1, "outputsVersion 1"],
        ] as const) {
            const outputs = {
                outputsVersion: version,
                namespace: "quorum",
                kubeContext: "minikube",
                runtime: "goquorum",
                consensus: { kind: "raft" },
                nodes: [],
            };
            fs.writeFileSync(path.join(fake.state, "stack-outputs.json"), JSON.stringify(outputs));
            const result = runTool(
                "dashboard",
                ["--out", path.join(fake.state, "dashboard.json"), "--stack", "dev"],
                fake.env(),
            );
            assert.equal(result.status, 2, result.stderr);
            assert.match(
                result.stderr,
                new RegExp(
                    `^dashboard: stack dev's outputs are ${said.replace(/[()']/g, ".")}; this version reads outputsVersion 2: run 'npm run up' once to rewrite them \\(it changes no resource\\)$`,
                    "m",
                ),
            );
        }
    });

    it("refuses the seed's images, whose geth exports nothing, by their name and by their former one (outputs of an earlier up)", () => {
        for (const runtime of ["quorum-tools", "kaleido"]) {
            const { result, written } = dashboardOf(runtime);
            assert.equal(result.status, 2, `${runtime}: ${result.stderr}`);
            assert.match(
                result.stderr,
                /^dashboard: this stack runs the seed's images, whose geth exports no metrics; npm run status shows its nodes$/m,
                runtime,
            );
            assert.ok(!written(), runtime);
        }
    });

    it("writes GoQuorum's", () => {
        const { result, written } = dashboardOf("goquorum");
        assert.equal(result.status, 0, result.stderr);
        assert.ok(written());
    });
});

describe("npm run qdata on an existing folder", function () {
    this.timeout(120_000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "kq-qdata-"));
    after(() => fs.rmSync(out, { recursive: true, force: true }));
    const qdata = (...args: string[]) => runTool("qdata", ["--out", out, ...args]);

    it("completes one made with the same options, refuses one made with others naming both, and --force replaces it", () => {
        assert.equal(qdata("--nodes", "2").status, 0);
        const key = fs.readFileSync(path.join(out, "qdata_1/ethereum/nodekey"), "utf8");
        assert.equal(qdata("--nodes", "2").status, 0);
        assert.equal(
            fs.readFileSync(path.join(out, "qdata_1/ethereum/nodekey"), "utf8"),
            key,
            "the same options keep the keys",
        );

        const refused = qdata("--nodes", "2+1", "--consensus", "ibft");
        assert.equal(refused.status, 1);
        assert.match(
            refused.stderr,
            /holds a network made with other options: --nodes 2 \(asked 2\+1\), --consensus raft \(asked ibft\)\. Use another --out, or --force/,
        );
        assert.equal(
            fs.readFileSync(path.join(out, "qdata_1/ethereum/nodekey"), "utf8"),
            key,
            "a refusal writes nothing",
        );

        const one = qdata("--nodes", "1", "--force");
        assert.equal(one.status, 0);
        assert.match(one.stdout, /^qdata: 1 node \(/m);
        assert.deepEqual(fs.readdirSync(out).sort(), ["qdata_0", "qdata_1"]);
        assert.notEqual(fs.readFileSync(path.join(out, "qdata_1/ethereum/nodekey"), "utf8"), key);
    });

    it("names a QBFT-only option as such under another consensus, and the unit of --request-timeout", () => {
        for (const consensus of ["raft", "ibft"]) {
            const refused = qdata("--nodes", "1", "--consensus", consensus, "--block-period", "2");
            assert.equal(refused.status, 2);
            assert.match(refused.stderr, /^qdata: --block-period and --request-timeout go into a qbft genesis only\n/);
        }
        const tooLong = qdata("--nodes", "1", "--consensus", "qbft", "--request-timeout", "700");
        assert.equal(tooLong.status, 2);
        assert.match(
            tooLong.stderr,
            /^qdata: --request-timeout \(the stack key roundChangeTimer, in ms: the option is in seconds\): "700000" must be a whole number from 0 to 600000\n/,
        );
    });

    it("refuses another QBFT timing: it is in the genesis, another chain", () => {
        assert.equal(qdata("--nodes", "1", "--consensus", "qbft", "--request-timeout", "5", "--force").status, 0);
        const genesis = fs.readFileSync(path.join(out, "qdata_1/ethereum/genesis.json"), "utf8");
        const refused = qdata("--nodes", "1", "--consensus", "qbft");
        assert.equal(refused.status, 1);
        assert.match(refused.stderr, /other options: --block-period\/--request-timeout 1\/5 \(default 1\/11\)\./);
        const asked = qdata("--nodes", "1", "--consensus", "qbft", "--request-timeout", "7");
        assert.match(asked.stderr, /other options: --block-period\/--request-timeout 1\/5 \(asked 1\/7\)\./);
        assert.equal(
            fs.readFileSync(path.join(out, "qdata_1/ethereum/genesis.json"), "utf8"),
            genesis,
            "a refusal writes nothing",
        );
        assert.equal(qdata("--nodes", "1", "--consensus", "qbft", "--request-timeout", "5").status, 0);
    });
});
