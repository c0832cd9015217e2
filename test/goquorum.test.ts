import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateConfig } from "../lib/config/validate";
import { configWarnings } from "../lib/config/warnings";
import { FakeHost } from "./support/fakeHost";
import { ProgramRun, runProgram, stackFixture, workspaceFixture } from "./support/program";
import { container, Container, named, podSpec, seededText } from "./support/query";

/** What clients may call by default; the program administers the nodes over IPC. */
const API = "eth,net,web3";

/** geth's metrics server, last on its command line under the default monitoring. */
const METRICS = ["--metrics", "--metrics.addr", "0.0.0.0", "--metrics.port", "9545"];

/** The Host names node `index` of namespace quorum-goquorum answers RPC to (besides any IP). */
function vhosts(index: number): string {
    const names = (service: string) => [
        service,
        `${service}.quorum-goquorum`,
        `${service}.quorum-goquorum.svc`,
        `${service}.quorum-goquorum.svc.cluster.local`,
    ];
    return ["localhost", ...names("node-service"), ...names(`quorum-node-${index}`)].join(",");
}

/** Every flag but the consensus and metrics ones, for node `index` of a 10.96.3.x network. */
function commonArgs(run: ProgramRun, index: number, api = API): string[] {
    return [
        "--datadir",
        "/qdata/ethereum",
        "--networkid",
        "2018",
        "--port",
        "30303",
        "--bootnodes",
        run.outputs.bootnodeEnode,
        "--nat",
        `extip:10.96.3.${100 + index}`,
        "--permissioned",
        "--syncmode",
        "full",
        "--verbosity",
        "3",
        "--http",
        "--http.addr",
        "0.0.0.0",
        "--http.port",
        "8545",
        "--http.api",
        api,
        "--http.vhosts",
        vhosts(index),
        "--ws",
        "--ws.addr",
        "0.0.0.0",
        "--ws.port",
        "8546",
        "--ws.api",
        api,
        "--unlock",
        "0",
        "--allow-insecure-unlock",
        "--password",
        "/qdata/ethereum/passwords.txt",
    ];
}

/**
 * The geth container's start script run by sh with /qdata moved to a temp folder, Tessera's socket
 * and upcheck answering, and a geth that prints the arguments it was given.
 */
function gethStartedBy(script: string, held: boolean, args: string[]): { args: string[]; said: string } {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "kq-geth-start-"));
    try {
        const bin = path.join(work, "bin");
        fs.mkdirSync(path.join(work, "qdata/tessera"), { recursive: true });
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "wget"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "geth"), '#!/bin/sh\nfor a do echo "arg:$a"; done\n', { mode: 0o755 });
        if (held) fs.writeFileSync(path.join(work, "qdata/.kaleido-hold-sealing"), "held\n");
        const socket = spawnSync("python3", [
            "-c",
            "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
            path.join(work, "qdata/tessera/tm.ipc"),
        ]);
        assert.equal(socket.status, 0, "a unix socket for Tessera's");
        const moved = script.split("/qdata/").join(`${work}/qdata/`);
        const result = spawnSync("sh", ["-c", moved, "geth", ...args], {
            encoding: "utf8",
            env: { PATH: `${bin}:/usr/bin:/bin` },
        });
        assert.equal(result.status, 0, result.stderr);
        const lines = result.stdout.trim().split("\n");
        return {
            args: lines.filter((line) => line.startsWith("arg:")).map((line) => line.slice(4)),
            said: lines.filter((line) => !line.startsWith("arg:")).join("\n"),
        };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

describe("runtime goquorum, QBFT 4+1 (Pulumi.goquorum.yaml) under mocks", function () {
    this.timeout(60_000);
    const fixture = stackFixture("goquorum", 5);
    let run: ProgramRun;
    before(() => ({ run } = fixture));

    it("runs geth with the program's command line, every node mining", () => {
        const validator = container(run, 1, "quorum");
        assert.equal(validator.image, "quorumengineering/quorum:24.4.1");
        assert.deepEqual(validator.args, [...commonArgs(run, 1), "--mine", "--miner.threads", "1", ...METRICS]);
        // Every node mines: GoQuorum seals nothing while a node is not a validator, and one voted in seals at once.
        assert.deepEqual(container(run, 5, "quorum").args, [
            ...commonArgs(run, 5),
            "--mine",
            "--miner.threads",
            "1",
            ...METRICS,
        ]);
        assert.match(run.outputs.bootnodeEnode, /^enode:\/\/[0-9a-f]{128}@10\.96\.3\.100:30301$/);
    });

    it("starts geth only once Tessera's socket and upcheck answer, pointed at the socket by PRIVATE_CONFIG", () => {
        const geth = container(run, 2, "quorum");
        assert.deepEqual(geth.command?.slice(0, 2), ["sh", "-c"]);
        assert.match(
            geth.command?.[2] ?? "",
            /^tries=0; until \[ -S \/qdata\/tessera\/tm\.ipc \] && wget -q -O \/dev\/null http:\/\/127\.0\.0\.1:9000\/upcheck; do .*; done; if .*; fi; exec geth "\$@"$/,
        );
        assert.equal(geth.command?.[3], "geth", "$0 of the wrapper");
        assert.deepEqual(geth.env, [
            { name: "PRIVATE_CONFIG", value: "/qdata/tessera/tm.ipc" },
            { name: "HOME", value: "/tmp" },
        ]);
    });

    it("starts geth without --mine and its thread count while a restore's hold marker is on the volume, and with them otherwise", () => {
        const geth = container(run, 2, "quorum");
        const started = (held: boolean) =>
            gethStartedBy(geth.command?.[2] ?? "", held, [
                "--datadir",
                "d",
                "--mine",
                "--miner.threads",
                "1",
                "--metrics",
            ]);
        assert.deepEqual(started(true), {
            args: ["--datadir", "d", "--metrics"],
            said: "sealing held: a restore waits for every node to hold one chain",
        });
        assert.deepEqual(started(false), {
            args: ["--datadir", "d", "--mine", "--miner.threads", "1", "--metrics"],
            said: "",
        });
    });

    it("writes the genesis block once, in an init container of the quorum image", () => {
        const { initContainers } = podSpec(run, 3);
        assert.deepEqual(
            initContainers.map((c) => [c.name, c.image, c.command]),
            [
                [
                    "geth-init",
                    "quorumengineering/quorum:24.4.1",
                    [
                        "sh",
                        "-c",
                        "test -d /qdata/ethereum/geth/chaindata || exec geth --datadir /qdata/ethereum init /qdata/ethereum/genesis.json",
                    ],
                ],
            ],
        );
    });

    it("fails geth's container, saying why, when Tessera never answers, instead of waiting forever", () => {
        const [shell, flag, script, zero] = container(run, 1, "quorum").command!;
        const fakes = fs.mkdtempSync(path.join(os.tmpdir(), "kq-wait-"));
        try {
            for (const tool of ["wget", "sleep"])
                fs.writeFileSync(path.join(fakes, tool), tool === "wget" ? "#!/bin/sh\nexit 1\n" : "#!/bin/sh\n", {
                    mode: 0o755,
                });
            const result = spawnSync(shell, [flag, script, zero, "--datadir", "/qdata/ethereum"], {
                env: { PATH: `${fakes}:/usr/bin:/bin` },
                encoding: "utf8",
            });
            assert.equal(result.status, 1);
            assert.match(result.stderr, /^tessera did not answer its upcheck within 300 s$/m);
            assert.equal(result.stdout.split("\n").filter((line) => line === "waiting for tessera").length, 150);
        } finally {
            fs.rmSync(fakes, { recursive: true, force: true });
        }
    });

    it("runs Tessera on its config, peering with every other node's Tessera at its fixed address", () => {
        const tessera = container(run, 2, "tessera");
        assert.equal(tessera.image, "quorumengineering/tessera:24.4.2");
        assert.deepEqual(tessera.args, ["-configfile", "/qdata/tessera/tessera-config.json"]);
        // A socket a killed Tessera left on the volume would refuse every later start.
        assert.deepEqual(tessera.command, [
            "sh",
            "-c",
            'rm -f /qdata/tessera/tm.ipc; exec /tessera/bin/tessera "$@"',
            "tessera",
        ]);
        assert.equal(seededText(run, 2, "constellation/tm.conf"), undefined, "no constellation config");
        const config = JSON.parse(seededText(run, 2, "tessera/tessera-config.json")!);
        assert.deepEqual(
            config.peer,
            [1, 3, 4, 5].map((i) => ({ url: `http://10.96.3.${100 + i}:9000` })),
        );
        assert.deepEqual(
            config.serverConfigs.map((server: { app: string; serverAddress: string; bindingAddress?: string }) => [
                server.app,
                server.serverAddress,
                server.bindingAddress,
            ]),
            [
                ["ThirdParty", "http://10.96.3.102:9080", "http://0.0.0.0:9080"],
                ["Q2T", "unix:/qdata/tessera/tm.ipc", undefined],
                ["P2P", "http://10.96.3.102:9000", "http://0.0.0.0:9000"],
            ],
        );
        assert.deepEqual(config.keys.keyData, [
            { privateKeyPath: "/qdata/constellation/tm.key", publicKeyPath: "/qdata/constellation/tm.pub" },
        ]);
        assert.match(config.jdbc.url, /^jdbc:h2:\/qdata\/tessera\/db;/);
    });

    it("runs the bootnode from the GoQuorum image", () => {
        const [bootnode] = named(run, "quorum-bootnode-set").inputs.spec.template.spec.containers as Container[];
        assert.equal(bootnode.image, "quorumengineering/quorum:24.4.1");
        assert.deepEqual(bootnode.command, ["bootnode", "-nodekey", "/qdata/nodekey"]);
    });

    it("loads no image into minikube: GoQuorum, Tessera and the stock Node.js image of the racecourse are pulled", () => {
        const loads = run.resources.filter((r) => r.type === "command:local:Command" && r.name.includes("image"));
        assert.deepEqual(loads, []);
    });

    it("writes a QBFT genesis naming the first four node keys, and reports the consensus", () => {
        const genesis = JSON.parse(
            fs.readFileSync(path.join(fixture.projectDir, ".keys/goquorum/qdata_1/ethereum/genesis.json"), "utf8"),
        );
        assert.deepEqual(genesis.config.qbft, {
            epochLength: 30000,
            blockPeriodSeconds: 1,
            requestTimeoutSeconds: 11,
            policy: 0,
            ceil2Nby3Block: 0,
        });
        assert.match(genesis.extraData, /^0xf87aa0/);
        assert.deepEqual(run.outputs.consensus, {
            kind: "qbft",
            validators: 4,
            blockPeriod: 1,
            roundChangeTimerMs: 11000,
            ceil2Nby3Block: 0,
        });
        assert.equal(named(run, "quorum-node-4-service").inputs.metadata.labels["kaleido.io/validator"], "true");
        assert.equal(named(run, "quorum-node-5-service").inputs.metadata.labels["kaleido.io/validator"], undefined);
    });
});

describe("runtime goquorum with Raft and legacy IBFT under mocks", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ goquorum: 5 });
    let fake: FakeHost;
    let projectDir: string;
    before(() => ({ fake, projectDir } = workspace));

    it("lets the pages of rpcBrowserOrigins call RPC from a browser, and no other page", async () => {
        const run = await runProgram({
            stack: "goquorum",
            fake,
            projectDir,
            config: { rpcBrowserOrigins: '["http://localhost:5173","https://dapp.example.com"]' },
        });
        const args = container(run, 2, "quorum").args ?? [];
        const origins = "http://localhost:5173,https://dapp.example.com";
        assert.equal(args[args.indexOf("--http.corsdomain") + 1], origins);
        assert.equal(args[args.indexOf("--ws.origins") + 1], origins);
        assert.equal(args[args.indexOf("--http.vhosts") + 1], vhosts(2), "Host names stay the in-cluster ones");
        await assert.rejects(
            runProgram({ stack: "goquorum", fake, projectDir, config: { rpcBrowserOrigins: '["*"]' } }),
            /rpcBrowserOrigins: "\*" must be an origin such as http:\/\/localhost:5173/,
        );
    });

    it("warns at preview when rpcApis opens admin, debug, personal or miner to RPC's clients", () => {
        const base = validateConfig({ runtime: "goquorum" }, { stack: "test", projectDir: "/tmp" });
        assert.deepEqual(configWarnings(base), []);
        const [warning] = configWarnings({ ...base, rpcApis: ["eth", "admin", "personal"] });
        assert.match(
            warning,
            /^rpcApis: admin, personal on HTTP and WS let every pod that reaches RPC .*admin adds and removes peers.*personal unlocks accounts/,
        );
        const seed = validateConfig({ runtime: "quorum-tools" }, { stack: "test", projectDir: "/tmp" });
        assert.deepEqual(
            configWarnings({ ...seed, rpcApis: ["eth", "admin"] }),
            [],
            "the seed's start.sh serves its own namespaces, not rpcApis",
        );
    });

    it("serves the namespaces rpcApis names, and refuses one GoQuorum 24.4.1 does not serve", async () => {
        const run = await runProgram({
            stack: "goquorum",
            fake,
            projectDir,
            config: { rpcApis: "eth,net,web3,txpool,istanbul" },
        });
        assert.deepEqual(container(run, 5, "quorum").args, [
            ...commonArgs(run, 5, "eth,net,web3,txpool,istanbul"),
            "--mine",
            "--miner.threads",
            "1",
            ...METRICS,
        ]);
        await assert.rejects(
            runProgram({ stack: "goquorum", fake, projectDir, config: { rpcApis: "eth,quorum,raft" } }),
            /rpcApis: "quorum,raft" is not a namespace GoQuorum 24\.4\.1 serves under qbft; choose from admin, debug, eth, miner, net, personal, txpool, web3, istanbul/,
        );
    });

    it("Raft: --raft with its port and block time, no mining flags, the raft API", async () => {
        const run = await runProgram({
            stack: "goquorum",
            fake,
            projectDir,
            config: { consensus: "raft", raftBlockTime: "250", validators: "0" },
        });
        assert.deepEqual(container(run, 1, "quorum").args, [
            ...commonArgs(run, 1),
            "--raft",
            "--raftport",
            "50400",
            "--raftblocktime",
            "250",
            ...METRICS,
        ]);
        assert.ok(container(run, 1, "quorum").ports?.some((port) => port.containerPort === 50400));
    });

    it("IBFT: the timing flags GoQuorum 24 still reads for a config.istanbul genesis, every node mining", async () => {
        const run = await runProgram({
            stack: "goquorum",
            fake,
            projectDir,
            config: { consensus: "ibft", blockPeriod: "2" },
        });
        const timing = ["--istanbul.blockperiod", "2", "--istanbul.requesttimeout", "12000"];
        assert.deepEqual(container(run, 4, "quorum").args, [
            ...commonArgs(run, 4),
            ...timing,
            "--mine",
            "--miner.threads",
            "1",
            ...METRICS,
        ]);
        assert.deepEqual(container(run, 5, "quorum").args, [
            ...commonArgs(run, 5),
            ...timing,
            "--mine",
            "--miner.threads",
            "1",
            ...METRICS,
        ]);
    });

    it("platform kubernetes: Tessera's config in the member's peer list ConfigMap, the geth init after the seeding init container", async () => {
        fake.setContexts(["my-cluster"]);
        const run = await runProgram({
            stack: "goquorum",
            fake,
            projectDir,
            config: {
                platform: "kubernetes",
                kubeContext: "my-cluster",
                hostPathRoot: "",
                enableIngressAddon: "true",
                loadImages: "true",
            },
        });
        const files = run.resources.find(
            (r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata.name === "qdata-1-peers",
        );
        assert.ok(files && JSON.parse(files.inputs.data["tessera_tessera-config.json"]).peer.length === 4);
        assert.deepEqual(
            podSpec(run, 1).initContainers.map((c) => c.name),
            ["seed", "geth-init"],
        );
        const budget = run.resources.find((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget");
        assert.equal(budget?.inputs.spec.minAvailable, 3, "2F+1 of 4 QBFT validators");
    });
});
