import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, validateConfig } from "../lib/config/validate";
import { configWarnings } from "../lib/config/warnings";
import { locallyBuiltImages, NetworkConfig, RUNTIMES } from "../lib/model/network";
import { RawConfig } from "../lib/config/values";
import { istanbulExtraData } from "../lib/keys/istanbul";
import { deployQuorumNetwork } from "../program";
import { REPO_ROOT } from "./support/fakeHost";
import { bft, makeProjectDir, makeQuorumToolsFolder } from "./support/workspace";

const CONTEXT = { stack: "test", projectDir: "/home/user/kaleido-quorum" };

function problemsOf(raw: RawConfig, context = CONTEXT): string[] {
    try {
        validateConfig(raw, context);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    assert.fail("config was accepted");
}

describe("config validation", () => {
    it("accepts the defaults: 5 generated nodes at the seed's addresses", () => {
        const config: NetworkConfig = validateConfig({}, CONTEXT);
        assert.equal(config.nodeCount, 5);
        assert.deepEqual(config.nodeIps, ["10.96.0.101", "10.96.0.102", "10.96.0.103", "10.96.0.104", "10.96.0.105"]);
        assert.deepEqual(config.qdata, {
            kind: "generated",
            dir: "/home/user/kaleido-quorum/.keys/test",
            password: "",
            chainId: 3543006677,
            gasLimit: "0x2FEFD800",
        });
        assert.equal(config.imagePullPolicy, "IfNotPresent");
        assert.deepEqual(config.resources.quorum, {
            requests: { cpu: "250m", memory: "512Mi" },
            limits: { cpu: "1", memory: "1Gi" },
        });
    });

    it("reads values the way the Pulumi CLI passes them: strings, and JSON for lists", () => {
        const config = validateConfig(
            {
                nodeCount: "3",
                nodeIps: '["10.96.5.1","10.96.5.2","10.96.5.3"]',
                racecourseEnv: '["A=1","B=x=y"]',
                keepChainData: "true",
                ingressHost: "race.local",
            },
            CONTEXT,
        );
        assert.deepEqual(config.nodeIps, ["10.96.5.1", "10.96.5.2", "10.96.5.3"]);
        assert.deepEqual(config.racecourse?.env, { A: "1", B: "x=y" });
        assert.equal(config.keepChainData, true);
        assert.equal(config.ingressHost, "race.local");
    });

    it("runs each runtime's own quorum image unless the stack names one, even the other runtime's", () => {
        assert.equal(validateConfig({}, CONTEXT).images.quorum, "quorumengineering/quorum:24.4.1");
        assert.equal(validateConfig({ runtime: "quorum-tools" }, CONTEXT).images.quorum, "jpmorganchase/quorum");
        assert.equal(
            validateConfig({ runtime: "goquorum", quorumImage: "jpmorganchase/quorum" }, CONTEXT).images.quorum,
            "jpmorganchase/quorum",
        );
        assert.equal(
            validateConfig({ runtime: "quorum-tools", quorumImage: "quorumengineering/quorum:24.4.1" }, CONTEXT).images
                .quorum,
            "quorumengineering/quorum:24.4.1",
        );
    });

    it("takes the seed's runtime by its former name kaleido as quorum-tools, with a warning naming the new value", () => {
        const now = validateConfig({ runtime: "quorum-tools", constellationImage: "my/constellation:1" }, CONTEXT);
        const before = validateConfig({ runtime: "kaleido", constellationImage: "my/constellation:1" }, CONTEXT);
        assert.deepEqual({ ...before, runtimeSetAs: undefined }, { ...now, runtimeSetAs: undefined });
        assert.equal(before.runtime, "quorum-tools");
        assert.deepEqual(configWarnings(now), []);
        assert.deepEqual(configWarnings(before), [
            'runtime: "kaleido" is the former name of runtime quorum-tools (the seed\'s images); it runs the same network, nothing on the cluster or its volumes changes, but write the new name: pulumi config set runtime quorum-tools',
        ]);
        assert.match(
            problemsOf({ runtime: "kaleido", consensus: "qbft" })[0],
            /^consensus: "qbft" needs runtime goquorum \(runtime quorum-tools, the seed's images, runs raft and ibft only\); set runtime to goquorum or pick raft or ibft$/,
        );
    });

    it("loads the seed's images into minikube, which the user builds, and none of GoQuorum's, which the cluster pulls", () => {
        const racecourse = { racecourseImage: "test/racecourse" };
        assert.deepEqual(locallyBuiltImages(validateConfig({ runtime: "quorum-tools", ...racecourse }, CONTEXT)), [
            "jpmorganchase/quorum",
            "jpmorganchase/constellation",
            "test/racecourse",
        ]);
        assert.deepEqual(locallyBuiltImages(validateConfig({ runtime: "goquorum", ...racecourse }, CONTEXT)), [
            "test/racecourse",
        ]);
    });

    const cases: [string, RawConfig, RegExp][] = [
        ["node count below 1", { nodeCount: "0" }, /^nodeCount: "0" must be a whole number from 1 to 50$/],
        ["node count not a number", { nodeCount: "five" }, /^nodeCount: "five" must be a whole number from 1 to 50$/],
        [
            "an IP outside the service CIDR",
            { bootnodeIp: "192.168.1.10" },
            /^bootnodeIp: 192\.168\.1\.10 must lie inside serviceCidr 10\.96\.0\.0\/12/,
        ],
        [
            "the apiserver's first address",
            { nodeServiceIp: "10.96.0.1" },
            /^nodeServiceIp: 10\.96\.0\.1 must lie inside serviceCidr/,
        ],
        [
            "a malformed IP",
            { nodeServiceIp: "10.96.0.300" },
            /^nodeServiceIp: "10\.96\.0\.300" must be an IPv4 address$/,
        ],
        [
            "duplicate IPs",
            { nodeServiceIp: "10.96.0.101" },
            /^nodeIps \(derived from bootnodeIp\) for node 1: 10\.96\.0\.101 is already used by nodeServiceIp/,
        ],
        [
            "a node IP list of the wrong length",
            { nodeIps: '["10.96.5.1"]' },
            /^nodeIps: lists 1 addresses but nodeCount is 5/,
        ],
        ["a bad CIDR", { serviceCidr: "10.96.0.0/33" }, /^serviceCidr: "10\.96\.0\.0\/33" must be an IPv4 CIDR/],
        ["an empty image", { tesseraImage: " " }, /^tesseraImage: must not be empty$/],
        [
            "an unknown pull policy",
            { imagePullPolicy: "Sometimes" },
            /^imagePullPolicy: "Sometimes" must be one of Always, IfNotPresent, Never$/,
        ],
        ["a relative host path", { hostPathRoot: "data" }, /^hostPathRoot: "data" must be an absolute folder/],
        [
            "the root host path",
            { hostPathRoot: "/" },
            /^hostPathRoot: \/ lies outside the folders minikube keeps for data \(\/data, \/tmp\/hostpath_pv, \/tmp\/hostpath-provisioner\)/,
        ],
        [
            "a request above its limit",
            { quorumMemory: "2Gi:1Gi" },
            /^quorumMemory: request 2Gi must not exceed limit 1Gi$/,
        ],
        [
            "a resource without a limit",
            { racecourseCpu: "100m" },
            /^racecourseCpu: "100m" must be request:limit such as 250m:1, each a CPU quantity above zero and at most 1000 cores, such as 250m, 1 or 1\.5$/,
        ],
        [
            "a bad namespace",
            { namespace: "Quorum_Net" },
            /^namespace: "Quorum_Net" must be a namespace name \(a DNS label: /,
        ],
        ["a non-boolean switch", { loadImages: "yes" }, /^loadImages: "yes" must be true or false$/],
        ["a bad env entry", { racecourseEnv: '["1X=2"]' }, /^racecourseEnv: "1X=2" must be NAME=value/],
        ["a bad gas limit", { gasLimit: "lots" }, /^gasLimit: "lots" must be a hex quantity/],
        [
            "a bad volume size",
            { volumeSize: "1GB" },
            /^volumeSize: "1GB" is not a memory quantity: volumeSize is a memory quantity above zero and at most 1Pi, such as 512Mi, 1Gi or 1G$/,
        ],
        [
            "a bad ingress host",
            { ingressHost: "Race Course" },
            /^ingressHost: "Race Course" must be a lower-case DNS name/,
        ],
        ["a missing qdata folder", { qdataDir: "/nowhere/qdata" }, /^qdataDir: folder \/nowhere\/qdata does not exist/],
        ["an unknown consensus", { consensus: "pbft" }, /^consensus: "pbft" must be one of raft, ibft, qbft$/],
        [
            "an IBFT key under Raft",
            { validators: "3" },
            /^validators: only used with consensus ibft or qbft; remove it or set consensus to ibft or qbft$/,
        ],
        ["an unknown runtime", { runtime: "besu" }, /^runtime: "besu" must be one of quorum-tools, goquorum$/],
        [
            "QBFT on the seed's images",
            { runtime: "quorum-tools", consensus: "qbft" },
            /^consensus: "qbft" needs runtime goquorum/,
        ],
        [
            "a Tessera key under the seed's images",
            { runtime: "quorum-tools", tesseraImage: "my/tessera:1" },
            /^tesseraImage: only used with runtime goquorum; remove it or set runtime to goquorum$/,
        ],
        [
            "a constellation key under goquorum",
            { constellationImage: "my/constellation" },
            /^constellationImage: only used with runtime quorum-tools; remove it or set runtime to quorum-tools$/,
        ],
        [
            "RPC namespaces under the seed's images",
            { runtime: "quorum-tools", rpcApis: "eth,admin" },
            /^rpcApis: only used with runtime goquorum; remove it or set runtime to goquorum$/,
        ],
        [
            "monitoring under the seed's images, whose geth exports nothing",
            { runtime: "quorum-tools", monitoring: "serviceMonitor" },
            /^monitoring: only used with runtime goquorum; remove it or set runtime to goquorum$/,
        ],
        [
            "a Raft block time under QBFT",
            { runtime: "goquorum", consensus: "qbft", raftBlockTime: "100" },
            /^raftBlockTime: only used with consensus raft/,
        ],
        [
            "more validators than nodes",
            { consensus: "ibft", validators: "6" },
            /^validators: "6" must be a whole number from 0 to 5$/,
        ],
        [
            "a zero block period",
            { consensus: "ibft", blockPeriod: "0" },
            /^blockPeriod: "0" must be a whole number from 1 to 60$/,
        ],
    ];
    for (const [what, raw, expected] of cases) {
        it(`rejects ${what}, naming the key and what is allowed`, () => {
            const problems = problemsOf(raw);
            assert.ok(
                problems.some((problem) => expected.test(problem)),
                `got:\n${problems.join("\n")}`,
            );
        });
    }

    it("reads IBFT settings with setup.sh's defaults: every node validates, rounds change after (period + 10) s", () => {
        assert.deepEqual(validateConfig({}, CONTEXT).consensus, { kind: "raft" });
        assert.deepEqual(validateConfig({ consensus: "ibft" }, CONTEXT).consensus, {
            kind: "ibft",
            validators: 5,
            blockPeriod: 1,
            roundChangeTimerMs: 11_000,
        });
        assert.deepEqual(validateConfig({ consensus: "ibft", validators: "4", blockPeriod: "2" }, CONTEXT).consensus, {
            kind: "ibft",
            validators: 4,
            blockPeriod: 2,
            roundChangeTimerMs: 12_000,
        });
        assert.deepEqual(validateConfig({ consensus: "ibft", roundChangeTimer: "5000" }, CONTEXT).consensus, {
            kind: "ibft",
            validators: 5,
            blockPeriod: 1,
            roundChangeTimerMs: 5000,
        });
    });

    it("reports every problem at once", () => {
        const problems = problemsOf({
            nodeCount: "0",
            imagePullPolicy: "Sometimes",
            hostPathRoot: "data",
            loadImages: "maybe",
        });
        assert.equal(problems.length, 4, problems.join("\n"));
    });

    describe("a qdata folder from quorum-tools", () => {
        let dir: string;
        before(async () => {
            dir = await makeQuorumToolsFolder(2);
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("is read with every member's enode and seed files", () => {
            const config = validateConfig({ qdataDir: dir, nodeCount: "2" }, CONTEXT);
            assert.equal(config.qdata.kind, "folder");
            if (config.qdata.kind !== "folder") return;
            assert.equal(config.qdata.folder.nodes.length, 2);
            assert.match(config.qdata.folder.bootnode.enodeId, /^[0-9a-f]{128}$/);
            assert.ok(config.qdata.folder.nodes[0].files.includes("ethereum/genesis.json"));
            assert.ok(
                !config.qdata.folder.nodes[0].files.includes("ethereum/static-nodes.json"),
                "network files are rendered, not copied",
            );
        });

        it("names each missing or malformed file", () => {
            const nodekey = path.join(dir, "qdata_1/ethereum/nodekey");
            const tmPub = path.join(dir, "qdata_2/constellation/tm.pub");
            const saved = [fs.readFileSync(nodekey), fs.readFileSync(tmPub)];
            fs.writeFileSync(nodekey, "not-hex");
            fs.rmSync(tmPub);
            try {
                const problems = problemsOf({ qdataDir: dir, nodeCount: "3" });
                assert.ok(
                    problems.includes(`qdataDir: ${nodekey}: must be a secp256k1 private key as 64 hex characters`),
                    problems.join("\n"),
                );
                assert.ok(problems.includes(`qdataDir: ${tmPub}: required file is missing`), problems.join("\n"));
                assert.ok(
                    problems.includes(
                        `qdataDir: ${path.join(dir, "qdata_3/ethereum/nodekey")}: required file is missing`,
                    ),
                    problems.join("\n"),
                );
            } finally {
                fs.writeFileSync(nodekey, saved[0]);
                fs.writeFileSync(tmPub, saved[1]);
            }
        });

        it("rejects members whose genesis files differ", () => {
            const genesis = path.join(dir, "qdata_2/ethereum/genesis.json");
            const saved = fs.readFileSync(genesis, "utf8");
            fs.writeFileSync(genesis, saved.replace("3543006677", "1"));
            try {
                assert.ok(
                    problemsOf({ qdataDir: dir, nodeCount: "2" }).some((problem) =>
                        /must share one ethereum\/genesis\.json/.test(problem),
                    ),
                );
            } finally {
                fs.writeFileSync(genesis, saved);
            }
        });
    });

    describe("an IBFT qdata folder (2 validators + 1)", () => {
        let dir: string;
        let genesisFile: string;
        before(async () => {
            dir = await makeQuorumToolsFolder(3, bft("ibft", 2));
            genesisFile = path.join(dir, "qdata_1/ethereum/genesis.json");
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("is recognised, with its validator count taken from the genesis", () => {
            const config = validateConfig({ qdataDir: dir, nodeCount: "3", consensus: "ibft" }, CONTEXT);
            assert.deepEqual(config.consensus, {
                kind: "ibft",
                validators: 2,
                blockPeriod: 1,
                roundChangeTimerMs: 11_000,
            });
        });

        it("is refused under consensus raft, and a Raft folder under ibft", async () => {
            assert.ok(
                problemsOf({ qdataDir: dir, nodeCount: "3" }).includes(
                    `consensus: "raft", but ${genesisFile} is an Istanbul (IBFT) genesis; set consensus to ibft or use a raft qdata folder`,
                ),
            );
            const raftDir = await makeQuorumToolsFolder(1);
            try {
                assert.ok(
                    problemsOf({ qdataDir: raftDir, nodeCount: "1", consensus: "ibft" }).some((problem) =>
                        problem.startsWith(
                            `consensus: "ibft", but ${path.join(raftDir, "qdata_1/ethereum/genesis.json")} is a Raft genesis`,
                        ),
                    ),
                );
            } finally {
                fs.rmSync(raftDir, { recursive: true, force: true });
            }
        });

        it("may count another number of validators than it names (votes make the change), when it names the first nodes", () => {
            const config = validateConfig(
                { qdataDir: dir, nodeCount: "3", consensus: "ibft", validators: "3" },
                CONTEXT,
            );
            assert.equal(config.consensus.kind === "ibft" && config.consensus.validators, 3);
        });

        it("may name only node keys of the folder as validators", () => {
            const foreign = "ab".repeat(20);
            const saved = new Map(
                [1, 2, 3].map((index) => [
                    index,
                    fs.readFileSync(path.join(dir, `qdata_${index}/ethereum/genesis.json`), "utf8"),
                ]),
            );
            const genesis = JSON.parse(saved.get(1) ?? "");
            genesis.extraData = istanbulExtraData([foreign]);
            for (const index of saved.keys())
                fs.writeFileSync(path.join(dir, `qdata_${index}/ethereum/genesis.json`), JSON.stringify(genesis));
            try {
                assert.ok(
                    problemsOf({ qdataDir: dir, nodeCount: "3", consensus: "ibft" }).includes(
                        `qdataDir: ${genesisFile}: validator 0x${foreign} is not the node key address of any of qdata_1..qdata_3`,
                    ),
                );
            } finally {
                for (const [index, text] of saved)
                    fs.writeFileSync(path.join(dir, `qdata_${index}/ethereum/genesis.json`), text);
            }
        });
    });

    it("creates nothing when the config is bad", async () => {
        let created = 0;
        let invoked = 0;
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    created++;
                    return { id: "id", state: args.inputs };
                },
                call: () => {
                    invoked++;
                    return {};
                },
            },
            "kaleido-quorum",
            "bad",
            false,
        );
        pulumi.runtime.setAllConfig({ "kaleido-quorum:nodeCount": "0", "kaleido-quorum:bootnodeIp": "1.2.3.4" }, []);
        const projectDir = makeProjectDir();
        await assert.rejects(
            deployQuorumNetwork(projectDir),
            (error: Error) => /nodeCount/.test(error.message) && /bootnodeIp/.test(error.message),
        );
        assert.equal(created, 0);
        assert.equal(invoked, 0, "preflight ran before config was checked");
        assert.ok(!fs.existsSync(path.join(projectDir, ".keys")), "keys were generated for a bad config");
        fs.rmSync(projectDir, { recursive: true, force: true });
    });
});

describe("a key Pulumi.yaml does not declare", () => {
    it("is refused, named with the nearest declared key, among the other problems", () => {
        assert.deepEqual(problemsOf({ nodeCout: "3", NAMESPACE: "q", nodeCount: "0" }).slice(0, 2), [
            "nodeCout: no such key (Pulumi.yaml declares the keys of kaleido-quorum); did you mean nodeCount?",
            "NAMESPACE: no such key (Pulumi.yaml declares the keys of kaleido-quorum); did you mean namespace?",
        ]);
    });

    it("is refused at preview, before anything is created", async () => {
        let created = 0;
        const mocks: pulumi.runtime.Mocks = {
            newResource: (args) => (created++, { id: "id", state: args.inputs }),
            call: () => ({}),
        };
        await pulumi.runtime.setMocks(mocks, "kaleido-quorum", "typo", false);
        pulumi.runtime.setAllConfig({ "kaleido-quorum:nodeCout": "3", "kubernetes:context": "minikube" }, []);
        const projectDir = makeProjectDir();
        await assert.rejects(
            deployQuorumNetwork(projectDir),
            /invalid stack configuration:\n {2}- nodeCout: no such key .*; did you mean nodeCount\?$/,
        );
        assert.equal(created, 0);
        fs.rmSync(projectDir, { recursive: true, force: true });
    });
});

describe("Pulumi.yaml config declarations", () => {
    type Declaration = { type: string; default: unknown; description: string; items?: { type: string } };
    const project = yaml.load(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
        config: Record<string, Declaration>;
    };

    it("declare exactly the keys the program reads, each default of its declared type", () => {
        const read = new Set<string>();
        for (const runtime of RUNTIMES) {
            const raw = new Proxy({ runtime } as RawConfig, {
                get: (target, key: string) => (read.add(key), target[key]),
            });
            validateConfig(raw, CONTEXT);
        }
        assert.deepEqual([...read].sort(), Object.keys(project.config).sort());
        for (const [key, declaration] of Object.entries(project.config)) {
            assert.ok(declaration.description.length > 10, `${key} needs a description`);
            const value = declaration.default;
            const actualType = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
            assert.equal(
                actualType,
                declaration.type,
                `${key}: its default ${JSON.stringify(value)} is not a ${declaration.type}`,
            );
        }
    });

    it("let every example stack's values pass validation", () => {
        for (const file of fs.readdirSync(REPO_ROOT).filter((name) => /^Pulumi\.[\w-]+\.yaml$/.test(name))) {
            const stack = yaml.load(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as {
                config: Record<string, unknown>;
            };
            const raw: RawConfig = {};
            for (const [key, value] of Object.entries(stack.config)) {
                const short = key.replace(/^kaleido-quorum:/, "");
                assert.ok(short in project.config, `${file}: unknown key ${key}`);
                raw[short] = typeof value === "string" ? value : JSON.stringify(value);
            }
            assert.doesNotThrow(() => validateConfig(raw, CONTEXT), file);
        }
    });
});
