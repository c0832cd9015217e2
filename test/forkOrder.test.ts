import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { FORK_ORDER, forkOrderProblem, withMissingForks } from "../lib/keys/forkOrder";
import { Consensus, GenesisConsensus } from "../lib/model/consensus";
import { ensureGeneratedQdata, genesisJson } from "../lib/qdata/generate";
import { forkOrderWarning } from "../lib/qdata/genesis";
import { readQdataFolder } from "../lib/qdata/folder";
import { REPO_ROOT } from "./support/fakeHost";
import { makeWorkspace, runProgram } from "./support/program";
import { bft, makeQuorumToolsFolder, SETUP_SH_RAFT_CONFIG, TEST_SCRYPT_N } from "./support/workspace";

type ChainConfig = Record<string, unknown>;

/**
 * go-ethereum's rule, stated independently of lib/keys/forkOrder.ts: every mandatory fork that is
 * set has every earlier mandatory fork set, at a block no later. Optional forks may be absent.
 */
const MANDATORY = [
    "homesteadBlock",
    "eip150Block",
    "eip155Block",
    "eip158Block",
    "byzantiumBlock",
    "constantinopleBlock",
    "petersburgBlock",
    "istanbulBlock",
    "berlinBlock",
];
const OPTIONAL = { daoForkBlock: "eip150Block", muirGlacierBlock: "berlinBlock" };

function obeysForkOrder(config: ChainConfig): boolean {
    const set = (name: string) => typeof config[name] === "number";
    return MANDATORY.every(
        (fork, i) =>
            !set(fork) ||
            MANDATORY.slice(0, i).every(
                (earlier) => set(earlier) && (config[earlier] as number) <= (config[fork] as number),
            ),
    );
}

/** Each genesis config the program can write, and the quorum-tools ones it may be given. */
function writtenConfigs(): [string, ChainConfig][] {
    const address = "ab".repeat(20);
    const four = [address, "cd".repeat(20), "ef".repeat(20), "12".repeat(20)];
    const kinds: [string, GenesisConsensus][] = [
        ["raft", { kind: "raft" }],
        ["ibft, one validator", { kind: "ibft", validators: [address] }],
        ["ibft, four validators", { kind: "ibft", validators: four }],
        ["qbft, four validators", { kind: "qbft", validators: four, blockPeriodSeconds: 1, requestTimeoutSeconds: 11 }],
    ];
    return kinds.map(([what, consensus]) => [
        what,
        (JSON.parse(genesisJson([address], 3543006677, "0x2FEFD800", consensus)) as { config: ChainConfig }).config,
    ]);
}

describe("genesis fork order (go-ethereum CheckConfigForkOrder)", () => {
    const table: [string, ChainConfig, string | undefined][] = [
        ["no forks", {}, undefined],
        [
            "the seed's set in order, all at 0",
            { homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0, byzantiumBlock: 0 },
            undefined,
        ],
        [
            "quorum-tools setup.sh's Raft config",
            SETUP_SH_RAFT_CONFIG,
            "eip158Block not enabled, but byzantiumBlock enabled at 0",
        ],
        [
            "istanbul-tools' staggered blocks",
            { homesteadBlock: 1, eip150Block: 2, eip155Block: 3, eip158Block: 3 },
            undefined,
        ],
        ["a skipped optional DAO fork", { homesteadBlock: 0, eip150Block: 0 }, undefined],
        ["a set optional DAO fork", { homesteadBlock: 0, daoForkBlock: 0, eip150Block: 0 }, undefined],
        ["homestead missing", { eip150Block: 0 }, "homesteadBlock not enabled, but eip150Block enabled at 0"],
        [
            "a fork before its predecessor",
            { homesteadBlock: 5, eip150Block: 2 },
            "homesteadBlock enabled at 5, but eip150Block enabled at 2",
        ],
        [
            "berlin after a skipped muir glacier",
            {
                homesteadBlock: 0,
                eip150Block: 0,
                eip155Block: 0,
                eip158Block: 0,
                byzantiumBlock: 0,
                constantinopleBlock: 0,
                petersburgBlock: 0,
                istanbulBlock: 0,
                berlinBlock: 0,
            },
            undefined,
        ],
        [
            "a block number written as a string is not set (geth refuses it outright)",
            { homesteadBlock: "0", eip150Block: 0 },
            "homesteadBlock not enabled, but eip150Block enabled at 0",
        ],
    ];
    for (const [what, config, expected] of table) {
        it(`${what}: ${expected ?? "accepted"}`, () => {
            const problem = forkOrderProblem(config);
            const words =
                problem &&
                (problem.kind === "missing"
                    ? `${problem.missing} not enabled, but ${problem.enabled} enabled at ${problem.at}`
                    : `${problem.earlier} enabled at ${problem.earlierAt}, but ${problem.enabled} enabled at ${problem.at}`);
            assert.equal(words, expected);
            assert.equal(
                obeysForkOrder(config),
                expected === undefined,
                "the independent statement of the rule agrees",
            );
        });
    }

    it("lists go-ethereum 1.10.3's forks in its order", () => {
        assert.deepEqual(
            FORK_ORDER.filter((fork) => !fork.optional).map((fork) => fork.name),
            MANDATORY,
        );
        assert.deepEqual(
            FORK_ORDER.filter((fork) => fork.optional).map((fork) => fork.name),
            Object.keys(OPTIONAL),
        );
    });

    for (const [what, config] of writtenConfigs()) {
        it(`every genesis the program writes obeys it: ${what}`, () => {
            assert.ok(obeysForkOrder(config), JSON.stringify(config));
            assert.equal(config.eip158Block, 0);
        });
    }

    it("the generated folders on disk obey it (Raft, IBFT 4+1, QBFT 4+1)", async () => {
        const kinds: Consensus[] = [{ kind: "raft" }, bft("ibft", 4), bft("qbft", 4)];
        for (const consensus of kinds) {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-forks-"));
            try {
                await ensureGeneratedQdata({
                    dir,
                    nodeCount: 5,
                    consensus,
                    password: "",
                    chainId: 3543006677,
                    gasLimit: "0x2FEFD800",
                    scryptN: TEST_SCRYPT_N,
                });
                for (let i = 1; i <= 5; i++) {
                    const genesis = JSON.parse(
                        fs.readFileSync(path.join(dir, `qdata_${i}/ethereum/genesis.json`), "utf8"),
                    ) as { config: ChainConfig };
                    assert.ok(obeysForkOrder(genesis.config), `${consensus.kind} qdata_${i}`);
                }
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
    });

    it("repair enables a missing fork at the next set fork's block and keeps everything else", () => {
        const { config, added } = withMissingForks({
            chainId: 1,
            homesteadBlock: 0,
            byzantiumBlock: 7,
            eip150Block: 0,
            eip155Block: 0,
            isQuorum: true,
        });
        assert.deepEqual(added, ["eip158Block"]);
        assert.deepEqual(config, {
            chainId: 1,
            homesteadBlock: 0,
            eip158Block: 7,
            byzantiumBlock: 7,
            eip150Block: 0,
            eip155Block: 0,
            isQuorum: true,
        });
        assert.ok(obeysForkOrder(config));
        assert.deepEqual(withMissingForks(SETUP_SH_RAFT_CONFIG).added, ["eip158Block"]);
    });
});

describe("a quorum-tools folder with the old fork order", function () {
    this.timeout(60_000);
    let dir: string;
    beforeEach(async () => {
        dir = await makeQuorumToolsFolder(2);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is read, with a warning naming the file, the missing fork, who refuses it and the fix", () => {
        const problems: string[] = [];
        const folder = readQdataFolder(dir, 2, problems);
        assert.deepEqual(problems, []);
        assert.ok(folder);
        const warning = forkOrderWarning(dir, folder) ?? "";
        assert.ok(
            warning.startsWith(
                `qdataDir: ${path.join(dir, "qdata_1/ethereum/genesis.json")} has eip158Block not enabled, but byzantiumBlock enabled at 0.`,
            ),
            warning,
        );
        assert.match(warning, /Quorum 2\.5 and older start on it, but GoQuorum 2\.6 and later/);
        assert.ok(warning.includes(`npm run qdata -- --repair-genesis ${dir}`), warning);
    });

    it("deploys under the program with exactly one warning, its genesis seeded unchanged", async () => {
        const { fake, projectDir, dispose } = makeWorkspace();
        const warnings: string[] = [];
        const original = console.warn;
        console.warn = (message: string) => void warnings.push(message);
        try {
            const run = await runProgram({
                stack: "kaleido",
                config: { qdataDir: dir, nodeCount: "2" },
                fake,
                projectDir,
            });
            assert.ok(run.resources.some((resource) => resource.type === "kubernetes:apps/v1:StatefulSet"));
        } finally {
            console.warn = original;
            dispose();
        }
        const ours = warnings.filter((message) => message.includes("--repair-genesis"));
        assert.equal(ours.length, 1, warnings.join("\n"));
        const genesis = JSON.parse(fs.readFileSync(path.join(dir, "qdata_1/ethereum/genesis.json"), "utf8")) as {
            config: ChainConfig;
        };
        assert.deepEqual(genesis.config, SETUP_SH_RAFT_CONFIG, "the user's genesis is not rewritten");
    });

    it("npm run qdata -- --repair-genesis fixes every member, keeps the originals, and a second run changes nothing", () => {
        const before = fs.readFileSync(path.join(dir, "qdata_2/ethereum/genesis.json"), "utf8");
        const run = () =>
            execFileSync("npx", ["ts-node", "scripts/generate-qdata.ts", "--repair-genesis", dir], {
                cwd: REPO_ROOT,
                encoding: "utf8",
            });
        const output = run();
        for (const i of [1, 2]) {
            const file = path.join(dir, `qdata_${i}/ethereum/genesis.json`);
            assert.ok(
                output.includes(`qdata: ${file}: enabled eip158Block (original kept as genesis.json.orig)`),
                output,
            );
            const genesis = JSON.parse(fs.readFileSync(file, "utf8")) as { config: ChainConfig; alloc: unknown };
            assert.ok(obeysForkOrder(genesis.config));
            assert.deepEqual(genesis.alloc, (JSON.parse(before) as { alloc: unknown }).alloc);
        }
        assert.equal(fs.readFileSync(path.join(dir, "qdata_2/ethereum/genesis.json.orig"), "utf8"), before);
        const problems: string[] = [];
        const folder = readQdataFolder(dir, 2, problems);
        assert.ok(folder && forkOrderWarning(dir, folder) === undefined, "no warning after the repair");
        assert.match(run(), /genesis\.json: already in go-ethereum's fork order/);
        assert.equal(
            fs.readFileSync(path.join(dir, "qdata_2/ethereum/genesis.json.orig"), "utf8"),
            before,
            "the kept original is not overwritten",
        );
    });
});
