// e2e: the BFT stacks on the kwok nodes: IBFT (Pulumi.ibft.yaml) and QBFT on GoQuorum and Tessera
// (Pulumi.goquorum.yaml), each read from the cluster and the node folder, then destroyed.
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { Wallet } from "ethers";
import { expect, kubectl, kubectlList, Step } from "./harness";
import {
    checkNetwork,
    checkSeededWithGoEthereum,
    destroyLeavingNothing,
    GOQUORUM,
    hostFolder,
    IBFT,
    nodeIp,
    Shape,
} from "./network";
import { plannedSteps, Stack, stackFileValues } from "./stack";
import { changeValidatorsByVote } from "./validators";

export function bftSteps(): Step[] {
    return [
        ["ibft: 4 validators + 1 up, real go-ethereum on its seeded files, then destroy", runIbftStack],
        [
            "goquorum: QBFT 4+1 on GoQuorum and Tessera up, the program's command lines, real go-ethereum on its seeded files, no-change preview; the policy pack passes it and fails it with admin on RPC; validators 4 → 5 → 4 by vote through fake nodes, no pod replaced; destroy",
            runGoQuorumStack,
        ],
    ];
}

/** A 5-node stack from its stack file, up, checked as the cluster, its outputs and upstream geth see it. */
async function upAndChecked(
    name: string,
    file: string,
    shape: Shape,
    check: (outputs: Record<string, unknown>) => void,
): Promise<Stack> {
    const stack = new Stack(name);
    await stack.init(stackFileValues(file));
    await stack.up();
    checkNetwork(5, shape);
    check(await stack.outputs());
    await checkSeededWithGoEthereum(5, shape);
    return stack;
}

async function runIbftStack(): Promise<void> {
    const ibft = await upAndChecked("e2e-ibft", "Pulumi.ibft.yaml", IBFT, checkIbft);
    await destroyLeavingNothing(ibft, IBFT);
}

async function runGoQuorumStack(): Promise<void> {
    const goquorum = await upAndChecked("e2e-goquorum", "Pulumi.goquorum.yaml", GOQUORUM, checkGoQuorum);
    await goquorum.cli("preview", "--expect-no-changes");
    const podUids = () =>
        kubectlList("pods", "-n", GOQUORUM.namespace, "-l", "app.kubernetes.io/name=quorum-node")
            .map((pod) => `${pod.metadata.name} ${pod.metadata.uid}`)
            .sort();
    await checkPolicyPack(goquorum);
    await changeValidatorsByVote(goquorum, plannedSteps, podUids);
    await destroyLeavingNothing(goquorum, GOQUORUM);
}

/** The IBFT stack as the cluster and the node folder show it: flags, ports and genesis validators. */
function checkIbft(outputs: Record<string, unknown>): void {
    const ns = IBFT.namespace;
    for (let i = 1; i <= 5; i++) {
        const args = kubectl(
            "get",
            "statefulset",
            `node-set-${i}`,
            "-n",
            ns,
            "-o",
            `jsonpath={.spec.template.spec.containers[?(@.name=="quorum")].args}`,
        );
        expect(
            args.includes('"--ibft"') &&
                args.includes('"--blockperiod=1"') &&
                args.includes('"--roundChangeTimer=11000"') &&
                !args.includes("raft"),
            `node-set-${i} starts with the IBFT flags only`,
            args,
        );
        const ports = kubectl("get", "service", `quorum-node-${i}`, "-n", ns, "-o", "jsonpath={.spec.ports[*].port}");
        expect(!ports.split(" ").includes("50400"), `Service quorum-node-${i} opens no Raft port`, ports);
    }
    const genesis = JSON.parse(fs.readFileSync(path.join(hostFolder(1, IBFT), "ethereum/genesis.json"), "utf8")) as {
        mixHash: string;
        extraData: string;
    };
    expect(
        genesis.mixHash === "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
        "the seeded genesis has the Istanbul mixHash",
        genesis.mixHash,
    );
    const nodeKeyAddress = (i: number) =>
        new Wallet(`0x${fs.readFileSync(path.join(hostFolder(i, IBFT), "ethereum/nodekey"), "utf8").trim()}`).address
            .slice(2)
            .toLowerCase();
    const validators = [1, 2, 3, 4].map(nodeKeyAddress);
    expect(
        validators.every((address) => genesis.extraData.includes(address)) &&
            !genesis.extraData.includes(nodeKeyAddress(5)),
        "the genesis extraData names nodes 1-4, not node 5",
        genesis.extraData,
    );
    expect(
        isDeepStrictEqual(outputs.consensus, {
            kind: "ibft",
            validators: 4,
            blockPeriod: 1,
            roundChangeTimerMs: 11000,
            ceil2Nby3Block: 0,
        }),
        "output consensus describes the IBFT network, ceil(2N/3) from its genesis",
        outputs.consensus,
    );
}

/** The goquorum stack as kubectl shows it: geth's and Tessera's command lines, the geth init container, the QBFT genesis. */
function checkGoQuorum(outputs: Record<string, unknown>): void {
    const ns = GOQUORUM.namespace;
    for (let i = 1; i <= 5; i++) {
        const spec = JSON.parse(
            kubectl("get", "statefulset", `node-set-${i}`, "-n", ns, "-o", "jsonpath={.spec.template.spec}"),
        ) as {
            initContainers: { name: string; image: string }[];
            containers: { name: string; image: string; args: string[]; env?: { name: string; value: string }[] }[];
        };
        const geth = spec.containers.find((c) => c.name === "quorum");
        const tessera = spec.containers.find((c) => c.name === "tessera");
        expect(
            geth?.image === "quorumengineering/quorum:24.4.1" && tessera?.image === "quorumengineering/tessera:24.4.2",
            `node-set-${i} runs GoQuorum 24.4.1 and Tessera 24.4.2`,
            [geth?.image, tessera?.image],
        );
        const args = geth?.args.join(" ") ?? "";
        expect(
            args.includes(`--nat extip:${nodeIp(i, GOQUORUM)}`) &&
                args.includes("--permissioned") &&
                args.includes("--http.api eth,net,web3") &&
                args.includes("--ws.api eth,net,web3"),
            `node-set-${i}'s geth advertises its clusterIP, is permissioned and serves clients eth, net and web3 only`,
            args,
        );
        expect(
            args.includes("--mine"),
            `node-set-${i} mines (a validator seals; a non-validator seals nothing until voted in)`,
            args,
        );
        const validatorLabel = kubectl(
            "get",
            "service",
            `quorum-node-${i}`,
            "-n",
            ns,
            "-o",
            "jsonpath={.metadata.labels.kaleido\\.io/validator}",
        );
        expect(
            (validatorLabel === "true") === i <= 4,
            `quorum-node-${i}'s Service ${i <= 4 ? "labels it a validator" : "does not label it a validator"}`,
            validatorLabel,
        );
        expect(
            geth?.env?.some((e) => e.name === "PRIVATE_CONFIG" && e.value === "/qdata/tessera/tm.ipc") === true,
            `node-set-${i}'s geth reaches Tessera on its socket`,
        );
        expect(
            JSON.stringify(tessera?.args) === JSON.stringify(["-configfile", "/qdata/tessera/tessera-config.json"]),
            `node-set-${i}'s Tessera runs on the seeded config`,
            tessera?.args,
        );
        expect(
            spec.initContainers.map((c) => c.name).join(",") === "geth-init",
            `node-set-${i} writes its genesis block in an init container`,
            spec.initContainers,
        );
    }
    const tesseraPort = kubectl(
        "get",
        "service",
        "quorum-node-1",
        "-n",
        ns,
        "-o",
        'jsonpath={.spec.ports[?(@.name=="tessera")].port}',
    );
    expect(tesseraPort === "9000", "Service quorum-node-1 opens Tessera's P2P port", tesseraPort);
    const genesis = JSON.parse(
        fs.readFileSync(path.join(hostFolder(1, GOQUORUM), "ethereum/genesis.json"), "utf8"),
    ) as { config: { qbft?: unknown } };
    expect(
        isDeepStrictEqual(genesis.config.qbft, {
            epochLength: 30000,
            blockPeriodSeconds: 1,
            requestTimeoutSeconds: 11,
            policy: 0,
            ceil2Nby3Block: 0,
        }),
        "the seeded genesis is QBFT's",
        genesis.config,
    );
    expect(
        isDeepStrictEqual(outputs.consensus, {
            kind: "qbft",
            validators: 4,
            blockPeriod: 1,
            roundChangeTimerMs: 11000,
            ceil2Nby3Block: 0,
        }),
        "output consensus describes the QBFT network, ceil(2N/3) from its genesis",
        outputs.consensus,
    );
}

/** The policy pack under the real CLI: the stack passes it; with admin on RPC, the preview fails naming the rule. */
async function checkPolicyPack(stack: Stack): Promise<void> {
    const analyzer = path.join(__dirname, "policy-analyzer");
    const passing = await stack.cli("preview", "--policy-pack", analyzer);
    expect(
        !passing.includes("mandatory"),
        "the goquorum stack passes the policy pack",
        passing.split("\n").slice(-12).join("\n"),
    );
    await stack.setConfig("rpcApis", "eth,net,web3,admin");
    const failing = await stack.cliFailing("preview", "--policy-pack", analyzer);
    expect(
        failing.includes("rpc-no-admin-apis") && failing.includes("--http.api serves admin"),
        "with admin on RPC the policy pack fails the preview, naming its rule",
        failing.split("\n").slice(-20).join("\n"),
    );
    await stack.cli("config", "rm", "kaleido-quorum:rpcApis");
}
