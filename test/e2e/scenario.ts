// The e2e scenario: the real Pulumi CLI runs this program against the harness's control plane.
// Every check reads the cluster with kubectl or the fake minikube's node folder, never the
// program's own code. Run through `npm run e2e`, which starts and stops the cluster.
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { Wallet } from "ethers";
import { FakeQuorum } from "../support/fakeQuorum";
import { checkGenesisAccepted, checkWithGoEthereum } from "./goEthereum";
import { backupAndRestore } from "./backup";
import { checkDashboardWithPrometheus, checkStatus, runStatus } from "./monitoring";
import { checkRacecourseInBrowser } from "./racecourse";
import { withKubectlShim } from "./shim";
import { changeValidatorsByVote } from "./validators";
import { E2eFailure, expect, kubectl, kubectlList, KubeObject, pulumiInterrupted, requireEnv, runSteps, waitUntil } from "./harness";
import { copyProject, PROJECT, Stack, stackFileValues, StackValues } from "./stack";

const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");
const FAKE_STATE = requireEnv("FAKE_STATE");
const NODE_FS = path.join(FAKE_STATE, "node");
const PART_OF = "app.kubernetes.io/part-of=kaleido-quorum";

/** Where a stack's network lives: its namespace, clusterIPs and host folders. */
interface Shape {
    namespace: string;
    /** The first three octets of its clusterIPs: bootnode .100, node Service .99, nodes .101... */
    ipPrefix: string;
    hostRoot: string;
    /** Which config the nodes' transaction manager was seeded with. */
    tessera?: boolean;
}

const DEV: Shape = { namespace: "quorum", ipPrefix: "10.96.0", hostRoot: "data" };
const IBFT: Shape = { namespace: "quorum-ibft", ipPrefix: "10.96.2", hostRoot: "data/quorum-ibft" };
const GOQUORUM: Shape = { namespace: "quorum-goquorum", ipPrefix: "10.96.3", hostRoot: "data/quorum-goquorum", tessera: true };
/** The seed's stack on the real node: its host folders where the fake minikube and the kubelet both see them. */
const REAL: Shape = { ...DEV, hostRoot: path.relative("/", path.join(RUN_DIR, "real-node-data")) };
const REAL_GOQUORUM: Shape = { ...GOQUORUM, hostRoot: path.relative("/", path.join(RUN_DIR, "real-node-goquorum")) };
const NAMESPACE = DEV.namespace;

function nodeIp(index: number, shape = DEV): string {
    return `${shape.ipPrefix}.${100 + index}`;
}

function hostFolder(member: number, shape = DEV): string {
    return path.join(NODE_FS, shape.hostRoot, `qdata_${member}`);
}

function mode(file: string): string {
    return (fs.statSync(file).mode & 0o777).toString(8).padStart(4, "0");
}

function isReady(pod: KubeObject): boolean {
    const status = pod.status as { phase?: string; conditions?: { type: string; status: string }[] } | undefined;
    return status?.phase === "Running" && (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

function names(objects: KubeObject[]): string[] {
    return objects.map((o) => o.metadata.name).sort();
}

/** Everything step 1 promises, read from the cluster and the node folder, for `nodeCount` nodes. */
function checkNetwork(nodeCount: number, shape = DEV): void {
    const NAMESPACE = shape.namespace;
    const indexes = Array.from({ length: nodeCount }, (_, i) => i + 1);
    const statefulSets = kubectlList("statefulsets", "-n", NAMESPACE, "-l", PART_OF);
    expect(JSON.stringify(names(statefulSets)) === JSON.stringify(["bootnode-set", ...indexes.map((i) => `node-set-${i}`)].sort()), "StatefulSets are the bootnode and one per node", names(statefulSets));

    const services = new Map(kubectlList("services", "-n", NAMESPACE).map((s) => [s.metadata.name, (s.spec as { clusterIP: string }).clusterIP]));
    const expectedIps: [string, string][] = [["quorum-bootnode", nodeIp(0, shape)], ["node-service", `${shape.ipPrefix}.99`], ...indexes.map((i): [string, string] => [`quorum-node-${i}`, nodeIp(i, shape)])];
    for (const [service, ip] of expectedIps) expect(services.get(service) === ip, `Service ${service} has clusterIP ${ip}`, services.get(service) ?? "missing");
    expect(services.has("racecourse-service"), "the racecourse Service exists");

    const claims = new Map(kubectlList("pvc", "-n", NAMESPACE).map((c) => [c.metadata.name, c]));
    const volumes = new Map(kubectlList("pv", "-l", PART_OF).map((v) => [v.metadata.name, v]));
    expect(volumes.size === nodeCount + 1 && claims.size === nodeCount + 1, `${nodeCount + 1} PVs and PVCs`, { pvs: [...volumes.keys()], pvcs: [...claims.keys()] });
    for (const member of [0, ...indexes]) {
        const volume = volumes.get(`${NAMESPACE}-qdata-${member}`);
        const claimRef = volume?.spec?.claimRef as { name?: string; namespace?: string } | undefined;
        expect((volume?.status as { phase?: string })?.phase === "Bound" && claimRef?.name === `qdata-${member}` && claimRef.namespace === NAMESPACE, `PV ${NAMESPACE}-qdata-${member} is Bound to PVC qdata-${member}`, volume?.status ?? "missing");
        expect((claims.get(`qdata-${member}`)?.spec as { volumeName?: string })?.volumeName === `${NAMESPACE}-qdata-${member}`, `PVC qdata-${member} names its PV`);
    }

    const pods = kubectlList("pods", "-n", NAMESPACE);
    const notReady = pods.filter((p) => !isReady(p)).map((p) => p.metadata.name);
    expect(pods.length === nodeCount + 2 && notReady.length === 0, `${nodeCount + 2} pods, all Running and Ready`, { pods: names(pods), notReady });
    const ingress = kubectlList("ingress", "-n", NAMESPACE);
    expect(ingress.length === 1 && JSON.stringify(ingress[0].status).includes("192.168.49.2"), "the racecourse Ingress has the node address", ingress.map((i) => i.status));

    checkHostFolders(nodeCount, shape);
}

function checkHostFolders(nodeCount: number, shape: Shape): void {
    expect(fs.existsSync(path.join(hostFolder(0, shape), ".kaleido-seed-id")) && mode(path.join(hostFolder(0, shape), "nodekey")) === "0600", "the bootnode's folder holds its seed, nodekey 0600");
    for (let i = 1; i <= nodeCount; i++) {
        const folder = hostFolder(i, shape);
        for (const file of ["ethereum/genesis.json", "ethereum/passwords.txt", "ethereum/permissioned-nodes.json", "constellation/tm.pub", ".kaleido-seed-id"]) {
            expect(fs.existsSync(path.join(folder, file)), `qdata_${i} holds ${file}`);
        }
        const keystore = fs.readdirSync(path.join(folder, "ethereum/keystore")).map((f) => `ethereum/keystore/${f}`);
        for (const key of ["ethereum/nodekey", "constellation/tm.key", ...keystore]) expect(mode(path.join(folder, key)) === "0600", `qdata_${i}/${key} is 0600`, mode(path.join(folder, key)));
        const staticNodes = JSON.parse(fs.readFileSync(path.join(folder, "ethereum/static-nodes.json"), "utf8")) as string[];
        const ips = staticNodes.map((enode) => /@([\d.]+):/.exec(enode)?.[1]);
        const expected = Array.from({ length: nodeCount }, (_, n) => nodeIp(n + 1, shape));
        expect(JSON.stringify(ips) === JSON.stringify(expected), `qdata_${i}/ethereum/static-nodes.json names the node clusterIPs`, ips);
        if (shape.tessera) {
            const config = JSON.parse(fs.readFileSync(path.join(folder, "tessera/tessera-config.json"), "utf8")) as { serverConfigs: { app: string; serverAddress: string }[] };
            const p2p = config.serverConfigs.find((server) => server.app === "P2P")?.serverAddress;
            expect(p2p === `http://${nodeIp(i, shape)}:9000`, `qdata_${i}/tessera/tessera-config.json gives its own clusterIP`, p2p);
        } else {
            expect(fs.readFileSync(path.join(folder, "constellation/tm.conf"), "utf8").includes(`url = "http://${nodeIp(i, shape)}:9000/"`), `qdata_${i}/constellation/tm.conf gives its own clusterIP`);
        }
    }
}

async function checkOutputs(stack: Stack, nodeCount: number): Promise<void> {
    const outputs = await stack.outputs();
    const expected: Record<string, unknown> = {
        namespace: NAMESPACE,
        kubeContext: "minikube",
        racecourseUrl: "http://192.168.49.2/",
        rpcEndpoint: "http://10.96.0.99:8545",
        wsEndpoint: "ws://10.96.0.99:8546",
    };
    for (const [key, value] of Object.entries(expected)) expect(outputs[key] === value, `output ${key} is ${String(value)}`, outputs[key]);
    expect(String(outputs.bootnodeEnode).includes("@10.96.0.100:"), "output bootnodeEnode names the bootnode clusterIP", outputs.bootnodeEnode);
    const nodes = outputs.nodes as { ip: string }[];
    expect(nodes.length === nodeCount && nodes.every((n, i) => n.ip === nodeIp(i + 1)), `output nodes lists ${nodeCount} nodes with their clusterIPs`, nodes);
}

function seedId(member: number): string {
    return fs.readFileSync(path.join(hostFolder(member), ".kaleido-seed-id"), "utf8").trim();
}

function podOf(statefulSet: string, shape = DEV): KubeObject | undefined {
    return kubectlList("pods", "-n", shape.namespace).find((p) => p.metadata.name === `${statefulSet}-0`);
}

/**
 * After a destroy: no object of the stack left in the cluster, on the node or in the keys folder.
 * A namespace the stack did not create stays, with nothing of the stack in it.
 */
function checkNothingLeft(stackName: string, shape = DEV, namespaceCreated = true): void {
    const namespaces = names(kubectlList("namespaces"));
    if (namespaceCreated) {
        expect(!namespaces.includes(shape.namespace), `namespace ${shape.namespace} is gone`, namespaces);
    } else {
        expect(namespaces.includes(shape.namespace), `namespace ${shape.namespace}, not the stack's, stays`, namespaces);
        const ours = names(kubectlList("all,pvc,secrets,configmaps,pdb,ingress", "-n", shape.namespace, "-l", PART_OF));
        expect(ours.length === 0, `nothing of the stack is left in namespace ${shape.namespace}`, ours);
    }
    const volumes = names(kubectlList("pv", "-l", PART_OF)).filter((v) => v.startsWith(`${shape.namespace}-`));
    expect(volumes.length === 0, "no PV of the stack is left", volumes);
    const root = path.join(NODE_FS, shape.hostRoot);
    const hostFolders = fs.existsSync(root) ? fs.readdirSync(root).filter((entry) => entry.startsWith("qdata_")) : [];
    expect(hostFolders.length === 0, "the host folders are wiped", hostFolders);
    expect(!fs.existsSync(path.join(PROJECT, ".keys", stackName)), `the generated keys in .keys/${stackName} are removed`);
    expect(!fs.existsSync(path.join(FAKE_STATE, "addons", "ingress")), "the ingress addon this stack enabled is disabled again");
}

/** Upstream go-ethereum on what the program seeded for nodes 1..nodeCount, with the network id and bootnode its StatefulSets start with. */
async function checkSeededWithGoEthereum(nodeCount: number, shape = DEV): Promise<void> {
    const indexes = Array.from({ length: nodeCount }, (_, i) => i + 1);
    const args = indexes.map((i) => JSON.parse(kubectl("get", "statefulset", `node-set-${i}`, "-n", shape.namespace, "-o", `jsonpath={.spec.template.spec.containers[?(@.name=="quorum")].args}`)) as string[]);
    const networkIds = new Set(args.map((list) => list[list.indexOf("--networkid") + 1]));
    expect(networkIds.size === 1, "every node starts with the same --networkid", [...networkIds]);
    await checkWithGoEthereum({
        nodeFolders: indexes.map((i) => hostFolder(i, shape)),
        bootnodeFolder: hostFolder(0, shape),
        networkId: Number([...networkIds][0]),
        // The seed's start.sh takes --bootnode=<enode>; GoQuorum's geth takes --bootnodes <enode>.
        bootnodeArgs: args.map((list) => list.find((arg) => arg.startsWith("--bootnode=")) ?? list[list.indexOf("--bootnodes") + 1] ?? "none"),
        workDir: path.join(RUN_DIR, "go-ethereum"),
    });
}

/** sha256 over every file below `dir`, by relative path. */
function treeHash(dir: string): string {
    const hash = crypto.createHash("sha256");
    for (const file of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
        const full = path.join(dir, file);
        if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
    }
    return hash.digest("hex");
}

/** `npm run up` as a user runs it: scripts/up.sh, which checks for a stale lock before pulumi up. */
function npmRunUp(stack: Stack): { status: number; stderr: string } {
    const result = spawnSync("bash", ["scripts/up.sh", "--yes", "--skip-preview"], { cwd: PROJECT, env: { ...process.env, STACK: stack.name }, encoding: "utf8" });
    fs.appendFileSync(path.join(RUN_DIR, "logs", `pulumi-${stack.name}.log`), `\n$ npm run up\n${result.stdout}${result.stderr}`);
    return { status: result.status ?? 1, stderr: result.stderr };
}

/**
 * A 5-node up interrupted by `signal` once two members are seeded, then the README's recovery
 * (Interrupted runs): npm run up, and if it reports a stale lock, the line it prints; then
 * refresh --clear-pending-creates and npm run up. Afterwards: a clean no-change preview, every pod
 * Ready, and nothing re-seeded, regenerated or wiped.
 */
async function interruptAndRecover(stack: Stack, signal: NodeJS.Signals): Promise<void> {
    const seeded = () => [0, 1, 2, 3, 4, 5].filter((member) => fs.existsSync(path.join(hostFolder(member), ".kaleido-seed-id")));
    const interrupted = await pulumiInterrupted(PROJECT, path.join(RUN_DIR, "logs", `pulumi-${stack.name}.log`), ["up", "--yes", "--skip-preview", "--stack", stack.name], signal, () => seeded().length >= 2);
    expect(interrupted.status !== 0, `pulumi up stopped by ${signal} reports failure`, interrupted.status);
    const keysDir = path.join(PROJECT, ".keys", stack.name);
    const keys = treeHash(keysDir);
    const seedsBefore = new Map(seeded().map((member) => [member, seedId(member)]));
    for (const member of seedsBefore.keys()) fs.writeFileSync(path.join(hostFolder(member), member === 0 ? "chain-marker" : "ethereum/chain-marker"), "must survive");

    let first = npmRunUp(stack);
    if (first.status !== 0 && first.stderr.includes("which no longer runs")) {
        expect(signal === "SIGKILL", "only a killed run leaves a stale lock", first.stderr);
        await stack.cli("cancel", "--yes");
        first = { status: 1, stderr: "" };
    }
    if (first.status !== 0) {
        await stack.cli("refresh", "--clear-pending-creates", "--yes", "--skip-preview");
        const second = npmRunUp(stack);
        expect(second.status === 0, "npm run up converges after the README's recovery", second.stderr.trim().split("\n").slice(-5).join("\n"));
    }
    await stack.cli("preview", "--expect-no-changes");
    checkNetwork(5);
    expect(treeHash(keysDir) === keys, "no key was regenerated");
    for (const [member, id] of seedsBefore) {
        expect(seedId(member) === id, `qdata_${member} kept the seed it had before the interruption`);
        expect(fs.existsSync(path.join(hostFolder(member), member === 0 ? "chain-marker" : "ethereum/chain-marker")), `qdata_${member}'s data was not wiped`);
    }
    const backups = fs.readdirSync(path.join(NODE_FS, DEV.hostRoot)).filter((entry) => entry.includes("before-kaleido-quorum"));
    expect(backups.length === 0, "no folder was moved aside", backups);
}

/** The IBFT stack as the cluster and the node folder show it: flags, ports and genesis validators. */
function checkIbft(outputs: Record<string, unknown>): void {
    const ns = IBFT.namespace;
    for (let i = 1; i <= 5; i++) {
        const args = kubectl("get", "statefulset", `node-set-${i}`, "-n", ns, "-o", `jsonpath={.spec.template.spec.containers[?(@.name=="quorum")].args}`);
        expect(args.includes('"--ibft"') && args.includes('"--blockperiod=1"') && args.includes('"--roundChangeTimer=11000"') && !args.includes("raft"), `node-set-${i} starts with the IBFT flags only`, args);
        const ports = kubectl("get", "service", `quorum-node-${i}`, "-n", ns, "-o", "jsonpath={.spec.ports[*].port}");
        expect(!ports.split(" ").includes("50400"), `Service quorum-node-${i} opens no Raft port`, ports);
    }
    const genesis = JSON.parse(fs.readFileSync(path.join(hostFolder(1, IBFT), "ethereum/genesis.json"), "utf8")) as { mixHash: string; extraData: string };
    expect(genesis.mixHash === "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365", "the seeded genesis has the Istanbul mixHash", genesis.mixHash);
    const nodeKeyAddress = (i: number) => new Wallet(`0x${fs.readFileSync(path.join(hostFolder(i, IBFT), "ethereum/nodekey"), "utf8").trim()}`).address.slice(2).toLowerCase();
    const validators = [1, 2, 3, 4].map(nodeKeyAddress);
    expect(validators.every((address) => genesis.extraData.includes(address)) && !genesis.extraData.includes(nodeKeyAddress(5)), "the genesis extraData names nodes 1-4, not node 5", genesis.extraData);
    expect(isDeepStrictEqual(outputs.consensus, { kind: "ibft", validators: 4, blockPeriod: 1, roundChangeTimerMs: 11000 }), "output consensus describes the IBFT network", outputs.consensus);
}

/** The goquorum stack as kubectl shows it: geth's and Tessera's command lines, the geth init container, the QBFT genesis. */
function checkGoQuorum(outputs: Record<string, unknown>): void {
    const ns = GOQUORUM.namespace;
    for (let i = 1; i <= 5; i++) {
        const spec = JSON.parse(kubectl("get", "statefulset", `node-set-${i}`, "-n", ns, "-o", "jsonpath={.spec.template.spec}")) as {
            initContainers: { name: string; image: string }[];
            containers: { name: string; image: string; args: string[]; env?: { name: string; value: string }[] }[];
        };
        const geth = spec.containers.find((c) => c.name === "quorum");
        const tessera = spec.containers.find((c) => c.name === "tessera");
        expect(geth?.image === "quorumengineering/quorum:24.4.1" && tessera?.image === "quorumengineering/tessera:24.4.2", `node-set-${i} runs GoQuorum 24.4.1 and Tessera 24.4.2`, [geth?.image, tessera?.image]);
        const args = geth?.args.join(" ") ?? "";
        expect(args.includes(`--nat extip:${nodeIp(i, GOQUORUM)}`) && args.includes("--permissioned") && args.includes("--http.api eth,net,web3") && args.includes("--ws.api eth,net,web3"), `node-set-${i}'s geth advertises its clusterIP, is permissioned and serves clients eth, net and web3 only`, args);
        expect(args.includes("--mine"), `node-set-${i} mines (a validator seals; a non-validator seals nothing until voted in)`, args);
        const validatorLabel = kubectl("get", "service", `quorum-node-${i}`, "-n", ns, "-o", "jsonpath={.metadata.labels.kaleido\\.io/validator}");
        expect((validatorLabel === "true") === i <= 4, `quorum-node-${i}'s Service ${i <= 4 ? "labels it a validator" : "does not label it a validator"}`, validatorLabel);
        expect(geth?.env?.some((e) => e.name === "PRIVATE_CONFIG" && e.value === "/qdata/tessera/tm.ipc") === true, `node-set-${i}'s geth reaches Tessera on its socket`);
        expect(JSON.stringify(tessera?.args) === JSON.stringify(["-configfile", "/qdata/tessera/tessera-config.json"]), `node-set-${i}'s Tessera runs on the seeded config`, tessera?.args);
        expect(spec.initContainers.map((c) => c.name).join(",") === "geth-init", `node-set-${i} writes its genesis block in an init container`, spec.initContainers);
    }
    const tesseraPort = kubectl("get", "service", "quorum-node-1", "-n", ns, "-o", "jsonpath={.spec.ports[?(@.name==\"tessera\")].port}");
    expect(tesseraPort === "9000", "Service quorum-node-1 opens Tessera's P2P port", tesseraPort);
    const genesis = JSON.parse(fs.readFileSync(path.join(hostFolder(1, GOQUORUM), "ethereum/genesis.json"), "utf8")) as { config: { qbft?: unknown } };
    expect(isDeepStrictEqual(genesis.config.qbft, { epochLength: 30000, blockPeriodSeconds: 1, requestTimeoutSeconds: 11, policy: 0, ceil2Nby3Block: 0 }), "the seeded genesis is QBFT's", genesis.config);
    expect(isDeepStrictEqual(outputs.consensus, { kind: "qbft", validators: 4, blockPeriod: 1, roundChangeTimerMs: 11000 }), "output consensus describes the QBFT network", outputs.consensus);
}

function fakeMinikubeCalls(): number {
    const log = path.join(FAKE_STATE, "calls.log");
    return fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter((line) => line.startsWith("minikube")).length : 0;
}

/** platform kubernetes, read from the cluster: claims from the default class, Secrets, init-container seeding, spread. */
function checkClusterPlatform(nodeCount: number): void {
    const claims = kubectlList("pvc", "-n", NAMESPACE);
    expect(claims.length === nodeCount + 1 && claims.every((c) => (c.spec as { storageClassName?: string }).storageClassName === "e2e-standard" && (c.status as { phase?: string }).phase === "Bound"), "every PVC is Bound from the default StorageClass", claims.map((c) => [c.metadata.name, c.status]));
    expect(kubectlList("pv", "-l", PART_OF).length === 0, "no hostPath PV of ours");
    const secrets = names(kubectlList("secrets", "-n", NAMESPACE, "-l", PART_OF));
    const expectedSecrets = Array.from({ length: nodeCount + 1 }, (_, i) => `qdata-${i}-keys`).sort();
    expect(JSON.stringify(secrets) === JSON.stringify(expectedSecrets), "one key Secret per member", secrets);
    const pods = kubectlList("pods", "-n", NAMESPACE).filter((p) => p.metadata.name.startsWith("node-set-"));
    expect(pods.length === nodeCount && pods.every(isReady), `${nodeCount} node pods Running and Ready`, pods.map((p) => p.status));
    const hosts = new Set(pods.map((p) => (p.spec as { nodeName?: string }).nodeName));
    expect(hosts.size === nodeCount, `the ${nodeCount} node pods run on ${nodeCount} different cluster nodes`, [...hosts]);
    const init = (pods[0].spec as { initContainers?: { name: string; command: string[] }[] }).initContainers ?? [];
    expect(init.length === 1 && init[0].command.join(" ").startsWith("sh /seed-script/node-seed.sh /seed /volume/qdata"), "each node pod seeds its volume in an init container", init);
    const budget = kubectl("get", "pdb", "quorum-nodes", "-n", NAMESPACE, "-o", "jsonpath={.spec.minAvailable}");
    expect(budget === String(Math.floor(nodeCount / 2) + 1), "a PodDisruptionBudget keeps a Raft majority", budget);
}

/** `pulumi stack export` (secrets not shown) holds no key file in clear text, raw or base64. */
async function checkNoKeyInState(stack: Stack, keysDir: string): Promise<void> {
    const state = await stack.cli("stack", "export");
    const keyFiles = ["qdata_0/nodekey", "qdata_1/ethereum/nodekey", "qdata_1/constellation/tm.key"].map((file) => fs.readFileSync(path.join(keysDir, file), "utf8").trim());
    for (const key of keyFiles) {
        expect(!state.includes(key) && !state.includes(Buffer.from(key).toString("base64")), "the exported state holds no key material in clear text");
    }
    expect(state.includes("ciphertext"), "the exported state holds the Secrets' data as Pulumi secrets");
}

/** UIDs of the node StatefulSets and claims 1..count: a replaced one gets a new UID. */
function workloadUids(count: number): Record<string, string | undefined> {
    const uids: Record<string, string | undefined> = {};
    const sets = new Map(kubectlList("statefulsets", "-n", NAMESPACE).map((o) => [o.metadata.name, o.metadata.uid]));
    const claims = new Map(kubectlList("pvc", "-n", NAMESPACE).map((o) => [o.metadata.name, o.metadata.uid]));
    for (let i = 1; i <= count; i++) Object.assign(uids, { [`node-set-${i}`]: sets.get(`node-set-${i}`), [`qdata-${i}`]: claims.get(`qdata-${i}`) });
    return uids;
}

function permissionedNodes(member: number): string[] {
    return JSON.parse(fs.readFileSync(path.join(hostFolder(member), "ethereum/permissioned-nodes.json"), "utf8")) as string[];
}

/** The operations a preview plans, by resource name (the URN's last part); a resource left as it is may be absent. */
async function plannedSteps(stack: Stack): Promise<Map<string, string>> {
    const text = await stack.cli("preview", "--json");
    const plan = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as { steps?: { op: string; urn: string }[] };
    return new Map((plan.steps ?? []).map((step) => [step.urn.split("::").pop() ?? step.urn, step.op]));
}

/**
 * On the harness: growing and shrinking changes no running member's workload,
 * volume or chain folder; the peer lists change in place; the membership step adds and removes on a
 * JSON-RPC node (kwok pods run no process, so the geth console calls of kubectl exec reach the fake
 * node the scenario runs) and the new member starts with the id that node gave.
 */
async function growAndShrink(seed: Stack): Promise<void> {
    const outputs = (await seed.outputs()) as { nodes: { enode: string }[] };
    await withFakeRaftNode(outputs.nodes, async (raft) => {
        const before = workloadUids(5);
        const marker = path.join(hostFolder(1), "ethereum/geth/chaindata/e2e-marker");
        fs.mkdirSync(path.dirname(marker), { recursive: true });
        fs.writeFileSync(marker, "a block of this chain");
        const seedBefore = seedId(1);

        await seed.setConfig("nodeCount", "6");
        const planned = await plannedSteps(seed);
        expect(planned.get("quorum-node-6-raft-join") === "create" && planned.get("quorum-node-6-set") === "create", "the preview creates node 6 and its membership step", [...planned]);
        for (let i = 1; i <= 5; i++) {
            expect((planned.get(`quorum-node-${i}-set`) ?? "same") === "same", `the preview leaves node-set-${i} as it is`, planned.get(`quorum-node-${i}-set`));
            expect(planned.get(`quorum-node-${i}-qdata-seed`) === "update", `the preview updates qdata_${i}'s peer list in place`, planned.get(`quorum-node-${i}-qdata-seed`));
        }
        const replaced = [...planned].filter(([, op]) => op.includes("replace") || op === "delete");
        expect(replaced.length === 0, "the preview replaces and deletes nothing", replaced);
        await seed.up();
        checkNetwork(6);
        expect(isDeepStrictEqual(workloadUids(5), before), "node-set-1..5 and qdata-1..5 keep their UIDs", { before, after: workloadUids(5) });
        expect(fs.readFileSync(marker, "utf8") === "a block of this chain" && seedId(1) === seedBefore, "qdata_1's chain folder and seed are untouched");
        const sixth = ((await seed.outputs()) as { nodes: { enode: string }[] }).nodes[5].enode;
        for (let i = 1; i <= 6; i++) expect(permissionedNodes(i).length === 6 && permissionedNodes(i)[5] === sixth, `qdata_${i}/ethereum/permissioned-nodes.json lists node 6`);
        const joined = raft.raftCluster.find((member) => sixth.includes(member.nodeId));
        expect(joined?.raftId === 6, "the membership step added node 6 on the JSON-RPC node, which gave it Raft id 6", raft.membershipCalls);
        const args = JSON.parse(kubectl("get", "statefulset", "node-set-6", "-n", NAMESPACE, "-o", `jsonpath={.spec.template.spec.containers[?(@.name=="quorum")].args}`)) as string[];
        expect(args.includes("--raftID=6") && !args.includes("--raftInit"), "node 6 starts with the id it got", args);
        await seed.cli("preview", "--expect-no-changes");

        await seed.setConfig("nodeCount", "5");
        await seed.up();
        checkNetwork(5);
        expect(isDeepStrictEqual(raft.membershipCalls.slice(-1), ["remove 6"]) && raft.raftCluster.length === 5, "node 6 was removed from Raft by its id", raft.membershipCalls);
        expect(isDeepStrictEqual(workloadUids(5), before), "node-set-1..5 and qdata-1..5 keep their UIDs", workloadUids(5));
        expect(fs.readFileSync(marker, "utf8") === "a block of this chain" && seedId(1) === seedBefore, "qdata_1's chain folder and seed are untouched");
        expect(!fs.existsSync(hostFolder(6)), "qdata_6 is wiped (keepChainData false)");
        for (let i = 1; i <= 5; i++) expect(permissionedNodes(i).length === 5, `qdata_${i}/ethereum/permissioned-nodes.json no longer lists node 6`);
        // The finished leave step is declared only while node 6 runs: the next up drops it from the state, running nothing.
        const changes = [...(await plannedSteps(seed))].filter(([, op]) => op !== "same");
        expect(isDeepStrictEqual(changes, [["quorum-node-6-raft-leave", "delete"]]), "the next preview only forgets the finished leave step", changes);
        await seed.up();
        await seed.cli("preview", "--expect-no-changes");
    });
}

/**
 * Runs `body` with a fake GoQuorum JSON-RPC node whose Raft cluster is these nodes, reached by every
 * geth console call ('kubectl exec … geth attach') the program's membership steps make (kwok pods
 * run no process): the e2e's kubectl wrapper (test/e2e/shims) is first on PATH meanwhile.
 */
async function withFakeRaftNode(nodes: { enode: string }[], body: (raft: FakeQuorum) => Promise<void>): Promise<void> {
    const raft = new FakeQuorum(nodes.length);
    await raft.start();
    raft.useRaftMembers(nodes.map((node) => node.enode.slice("enode://".length, "enode://".length + 128)));
    try {
        await withKubectlShim({ E2E_FAKE_RPC_PORT: String(raft.rpcPorts[0]) }, () => body(raft));
    } finally {
        raft.close();
    }
}

/** The harness's real node (cluster.sh): kubelet and containerd running the stand-in images. */
const REAL_NODE = "localhost";

/** Cordons the kwok nodes and opens the real node, or the other way round. */
function scheduleOnRealNode(real: boolean): void {
    for (const node of names(kubectlList("nodes"))) {
        const open = (node === REAL_NODE) === real;
        kubectl(open ? "uncordon" : "cordon", node);
    }
}

/** geth's JavaScript console in a node's quorum container, over its IPC socket (the HTTP RPC serves clients' namespaces only). */
function gethConsole(shape: Shape, index: number, script: string): string {
    return kubectl("exec", "-n", shape.namespace, `node-set-${index}-0`, "-c", "quorum", "--", "geth", "attach", "--exec", script, "/qdata/ethereum/geth.ipc").trim();
}

interface ContainerStatus {
    name: string;
    ready: boolean;
    restartCount: number;
    containerID?: string;
    state: { running?: unknown };
}

function containerStatus(shape: Shape, index: number, container: string): ContainerStatus | undefined {
    const pod = podOf(`node-set-${index}`, shape);
    return ((pod?.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []).find((c) => c.name === container);
}

/**
 * A crash of a member's transaction manager, as an OOM kill makes it: SIGKILL to its process through
 * containerd's task API (PID 1 of its container, which signals from inside the container cannot
 * kill). It leaves its socket on the volume; the container must come back by itself on a fresh one,
 * once, with geth answering and the chain data where it was.
 */
async function crashTransactionManager(shape: Shape, index: number, container: string, socket: string): Promise<void> {
    const pod = `node-set-${index}-0`;
    const before = containerStatus(shape, index, container);
    const id = before?.containerID?.replace(/^containerd:\/\//, "");
    expect(id !== undefined, `${pod}'s ${container} has a container id`, before);
    const killedAt = Math.floor(Date.now() / 1000);
    const ctr = spawnSync("ctr", ["--address", path.join(RUN_DIR, "real-node", "containerd.sock"), "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", id!], { encoding: "utf8" });
    expect(ctr.status === 0, `containerd killed ${pod}'s ${container} with SIGKILL`, ctr.stderr);
    await waitUntil(`${pod}'s ${container} back by itself and the pod Ready`, 120, () => {
        const now = containerStatus(shape, index, container);
        const podNow = podOf(`node-set-${index}`, shape);
        return now !== undefined && now.restartCount > (before?.restartCount ?? 0) && now.ready && podNow !== undefined && isReady(podNow);
    });
    const after = containerStatus(shape, index, container);
    expect(after?.restartCount === (before?.restartCount ?? 0) + 1, `${container} started again at its first try (the left-over socket did not stop it)`, after);
    const socketTime = Number(kubectl("exec", "-n", shape.namespace, pod, "-c", "quorum", "--", "stat", "-c", "%Y", socket).trim());
    expect(socketTime >= killedAt, `${container}'s socket ${socket} is a fresh one`, { socketTime, killedAt });
    expect(/^\d+$/.test(gethConsole(shape, index, "eth.blockNumber")), `node ${index}'s geth answers after the crash`);
    const chain = kubectl("exec", "-n", shape.namespace, pod, "-c", "quorum", "--", "ls", "/qdata/ethereum/geth/chaindata").trim();
    expect(chain.length > 0, `node ${index}'s chain data is still there`, chain);
}

/** "ip:port open" or "ip:port closed" for each target, probed at once from a container with busybox nc. */
function reachable(shape: Shape, pod: string, container: string, targets: string[]): Map<string, boolean> {
    const probes = targets.map((target) => `(nc -w 3 ${target.replace(":", " ")} </dev/null >/dev/null 2>&1 && echo "${target} open" || echo "${target} closed") &`).join(" ");
    const printed = kubectl("exec", "-n", shape.namespace, pod, "-c", container, "--", "sh", "-c", `${probes} wait`);
    return new Map(printed.trim().split("\n").map((line) => line.split(" ") as [string, string]).map(([target, verdict]) => [target, verdict === "open"]));
}

/**
 * With kube-router enforcing NetworkPolicy on the real node: members reach members (the peering
 * checks before this ran under it), the racecourse reaches node-service's RPC, and a probe pod that
 * is neither member nor client reaches no member's RPC, transaction manager or p2p port, directly
 * or through its Service, until its labels match rpcClients; then RPC only.
 */
async function checkNetworkPolicies(stack: Stack, shape: Shape, nodeCount: number): Promise<void> {
    const ns = shape.namespace;
    const racecourse = names(kubectlList("pods", "-n", ns, "-l", "app.kubernetes.io/name=racecourse"))[0];
    // A connection, as the policy decides it (busybox wget's --post-data crashes in Debian's build).
    const fromRacecourse = reachable(shape, racecourse, "racecourse", [`${shape.ipPrefix}.99:8545`, `${nodeIp(1, shape)}:8545`]);
    expect([...fromRacecourse.values()].every(Boolean), "the racecourse reaches the nodes' RPC (node-service and a node's Service) through the policies", [...fromRacecourse]);

    kubectl("run", "probe", "-n", ns, "--image=test/racecourse", "--image-pull-policy=Never", "--labels=app=probe", "--restart=Never", "--command", "--", "sleep", "3600");
    await waitUntil("the probe pod Ready", 60, () => {
        const pod = kubectlList("pods", "-n", ns, "-l", "app=probe")[0];
        return pod !== undefined && isReady(pod);
    });
    const podIps = Array.from({ length: nodeCount }, (_, i) => kubectl("get", "pod", "-n", ns, `node-set-${i + 1}-0`, "-o", "jsonpath={.status.podIP}").trim());
    const targets = (ports: number[]) => podIps.flatMap((ip, i) => ports.flatMap((port) => [`${ip}:${port}`, `${nodeIp(i + 1, shape)}:${port}`]));
    const control = reachable(shape, "node-set-1-0", "quorum", [`${podIps[1]}:30303`, `${podIps[1]}:9000`]);
    expect([...control.values()].every(Boolean), "a member reaches another member's p2p and transaction manager ports (the probe itself works)", [...control]);

    const outsider = reachable(shape, "probe", "probe", targets([8545, 9000, 30303]));
    const open = [...outsider].filter(([, isOpen]) => isOpen).map(([target]) => target);
    expect(open.length === 0, "a pod that is neither member nor client reaches no member's RPC, transaction manager or p2p port", open);

    await stack.setConfig("rpcClients[0]", "app=probe", "--path");
    await stack.up();
    await waitUntil("the probe, now an rpcClient, reaching every node's RPC", 60, () => [...reachable(shape, "probe", "probe", targets([8545])).values()].every(Boolean));
    const still = [...reachable(shape, "probe", "probe", targets([9000, 30303]))].filter(([, isOpen]) => isOpen).map(([target]) => target);
    expect(still.length === 0, "an rpcClient reaches RPC only, not the members' own ports", still);
    kubectl("delete", "pod", "probe", "-n", ns, "--grace-period=0", "--force", "--wait=true");
}

/** The real node has this machine's CPUs (2 here): requests small enough for every member on it. */
const SMALL_REQUESTS: StackValues = { quorumCpu: "50m:1", constellationCpu: "20m:500m", tesseraCpu: "50m:1", racecourseCpu: "20m:500m" };

interface RealStack {
    stack: Stack;
    config: StackValues;
    shape: Shape;
    nodeCount: number;
    /** minikube: the seeded host folders, where the fake minikube and the kubelet both see them. */
    hostPath: boolean;
    /** Check the NetworkPolicies under the real node's engine. */
    policies?: boolean;
    /** Scrape the pods with a real Prometheus and fill the dashboard's panels (a network of this many validators). */
    monitoredValidators?: number;
    /** Back the network up, destroy it, and restore it into a new stack. */
    backupRestore?: boolean;
    /** Open the racecourse page in a real browser and send a transaction from it. */
    browser?: boolean;
}

/**
 * Real containers of the program's StatefulSets (the stand-in images of
 * test/e2e/standins, upstream geth inside) start from their seeded volumes on the harness's real
 * node, pass their probes, run geth init once, and peer over the fixed Service IPs.
 */
async function realPods({ stack, config, shape, nodeCount, hostPath, policies, monitoredValidators, backupRestore, browser }: RealStack): Promise<void> {
    // The fake minikube writes its node's /X under NODE_FS/X; the real node reads /X: link the two.
    const hostRoot = `/${shape.hostRoot}`;
    if (hostPath) {
        fs.mkdirSync(path.join(NODE_FS, hostRoot), { recursive: true });
        fs.symlinkSync(path.join(NODE_FS, hostRoot), hostRoot);
    }
    scheduleOnRealNode(true);
    try {
        const runtimeKeys = config.runtime === "goquorum" ? ["constellationCpu"] : ["tesseraCpu"];
        const requests = Object.fromEntries(Object.entries(SMALL_REQUESTS).filter(([key]) => !runtimeKeys.includes(key)));
        await stack.init({ ...config, ...requests, ...(hostPath ? { hostPathRoot: hostRoot } : {}) });
        await stack.up();
        const pods = kubectlList("pods", "-n", shape.namespace);
        const statuses = pods.flatMap((pod) => ((pod.status as { containerStatuses?: ContainerStatus[] }).containerStatuses ?? []).map((c) => ({ pod: pod.metadata.name, ...c })));
        expect(pods.length === nodeCount + 2 && pods.every((pod) => (pod.spec as { nodeName?: string }).nodeName === REAL_NODE), `${nodeCount + 2} pods, all on the real node`, pods.map((p) => [p.metadata.name, (p.spec as { nodeName?: string }).nodeName]));
        const unwell = statuses.filter((c) => !c.ready || c.restartCount !== 0 || !c.state.running);
        expect(statuses.length === 2 * nodeCount + 2 && unwell.length === 0, "every container started, passed its probes, never restarted", unwell);

        const enodes = ((await stack.outputs()) as { nodes: { enode: string }[] }).nodes.map((node) => node.enode);
        const serviceIps = new Set(enodes.map((enode) => /@([\d.]+:\d+)/.exec(enode)?.[1]));
        const nodes = Array.from({ length: nodeCount }, (_, i) => i + 1);
        for (const i of nodes) {
            const own = JSON.parse(gethConsole(shape, i, "admin.nodeInfo.enode")) as string;
            expect(own.slice(0, 136) === enodes[i - 1].slice(0, 136), `node ${i}'s geth runs on its seeded nodekey`, own);
            const account = JSON.parse(gethConsole(shape, i, "eth.accounts[0]")) as string;
            const keystore = kubectl("exec", "-n", shape.namespace, `node-set-${i}-0`, "-c", "quorum", "--", "ls", "/qdata/ethereum/keystore").trim();
            expect(keystore.toLowerCase().endsWith(account.slice(2).toLowerCase()), `node ${i}'s geth unlocked its seeded keystore`, { account, keystore });
        }
        const others = nodeCount - 1;
        await waitUntil(`every node to reach ${others} peers`, 90, () => nodes.every((i) => gethConsole(shape, i, "net.peerCount") === String(others)));
        for (const i of nodes) {
            const list = JSON.parse(JSON.parse(gethConsole(shape, i, "JSON.stringify(admin.peers.map(function (p) { return [p.enode.slice(0, 136), p.network.inbound, p.network.remoteAddress]; }))")) as string) as [string, boolean, string][];
            const expected = enodes.filter((_, n) => n !== i - 1).map((enode) => enode.slice(0, 136)).sort();
            expect(isDeepStrictEqual(list.map(([id]) => id).sort(), expected), `node ${i} peers with the ${others} others`, list);
            const dialed = list.filter(([, inbound]) => !inbound);
            expect(dialed.every(([, , address]) => serviceIps.has(address)), `node ${i} dialled its peers at their Service IPs`, dialed);
        }
        if (!hostPath) {
            const link = kubectl("exec", "-n", shape.namespace, "node-set-1-0", "-c", "quorum", "--", "readlink", "/qdata/ethereum/permissioned-nodes.json").trim();
            expect(link === "/peers/ethereum/permissioned-nodes.json", "the seeded volume links the peer list to the ConfigMap the kubelet refreshes", link);
        }
        const inits = () => kubectl("exec", "-n", shape.namespace, "node-set-1-0", "-c", "quorum", "--", "cat", "/qdata/logs/init.log").trim().split("\n");
        expect(inits().length === 1, "node 1 ran geth init once", inits());
        const before = podOf("node-set-1", shape);
        kubectl("delete", "pod", "node-set-1-0", "-n", shape.namespace, "--wait=false");
        await waitUntil("node-set-1-0 back and Ready", 120, () => {
            const pod = podOf("node-set-1", shape);
            return pod !== undefined && pod.metadata.uid !== before?.metadata.uid && isReady(pod);
        });
        expect(inits().length === 1, "a second start of node 1 did not run geth init again", inits());
        const goquorum = config.runtime === "goquorum";
        await crashTransactionManager(shape, 2, goquorum ? "tessera" : "constellation", goquorum ? "/qdata/tessera/tm.ipc" : "/qdata/constellation/tm.ipc");
        if (policies) await checkNetworkPolicies(stack, shape, nodeCount);
        if (monitoredValidators !== undefined) {
            await checkDashboardWithPrometheus(shape.namespace, nodeCount, monitoredValidators);
            const seconds = await checkStatus(stack.name, nodeCount, (i) => Number(gethConsole(shape, i, "eth.blockNumber")), others);
            process.stdout.write(`e2e: npm run status over ${nodeCount} real pods answered in ${seconds.toFixed(1)} s (whole command)\n`);
        }
        if (browser) process.stdout.write(`e2e: the racecourse page in Chromium: screenshot ${await checkRacecourseInBrowser(stack.name, nodeCount)}\n`);

        const verify = spawnSync("npm", ["run", "verify", "--", "--stack", stack.name, "--timeout", "90"], { cwd: PROJECT, encoding: "utf8" });
        for (const check of ["every pod Ready", "each transaction manager answers its upcheck", `every node sees the others (${others} peers)`]) {
            expect(verify.stdout.includes(`✔ ${check}`), `npm run verify: ✔ ${check}`, verify.stdout.trim().split("\n").slice(-6).join("\n"));
        }
        const destroy = async (target: Stack) => {
            await target.cli("destroy", "--yes", "--skip-preview");
            checkNothingLeft(target.name, shape);
            await target.remove();
        };
        if (backupRestore) await backupAndRestore({ stack, config: { ...config, ...requests, ...(hostPath ? { hostPathRoot: hostRoot } : {}) }, namespace: shape.namespace, nodeCount, console: (i, script) => gethConsole(shape, i, script), destroy });
        else await destroy(stack);
    } finally {
        scheduleOnRealNode(false);
        if (hostPath) fs.rmSync(hostRoot, { force: true });
    }
}

/** The policy pack under the real CLI: the stack passes it; with admin on RPC, the preview fails naming the rule. */
async function checkPolicyPack(stack: Stack): Promise<void> {
    const analyzer = path.join(__dirname, "policy-analyzer");
    const passing = await stack.cli("preview", "--policy-pack", analyzer);
    expect(!passing.includes("mandatory"), "the goquorum stack passes the policy pack", passing.split("\n").slice(-12).join("\n"));
    await stack.setConfig("rpcApis", "eth,net,web3,admin");
    const failing = await stack.cliFailing("preview", "--policy-pack", analyzer);
    expect(failing.includes("rpc-no-admin-apis") && failing.includes("--http.api serves admin"), "with admin on RPC the policy pack fails the preview, naming its rule", failing.split("\n").slice(-20).join("\n"));
    await stack.cli("config", "rm", "kaleido-quorum:rpcApis");
}

async function main(): Promise<void> {
    copyProject();
    const seed = new Stack("e2e");
    const seedConfig = stackFileValues("Pulumi.kaleido.yaml");

    const timings = await runSteps([
        [
            "preview and up: the seed's network, 5 nodes",
            async () => {
                await seed.init(seedConfig);
                await seed.cli("preview");
                await seed.up();
                checkNetwork(5);
                await checkOutputs(seed, 5);
            },
        ],
        ["the seed's stack, continued: real go-ethereum on the seeded files: geth init, one genesis, enode ids, keystores, 5 nodes peered", () => checkSeededWithGoEthereum(5)],
        ["the seed's stack, continued: a second preview shows no changes", async () => void (await seed.cli("preview", "--expect-no-changes"))],
        ["the seed's stack, continued: nodeCount 5 → 6 → 5 keeps the running members' chain, pods and volumes; Raft membership through a JSON-RPC node", () => growAndShrink(seed)],
        [
            "the seed's stack, continued: drift: a deleted Service and pod come back",
            async () => {
                const before = podOf("node-set-2");
                kubectl("delete", "service", "quorum-node-1", "-n", NAMESPACE, "--wait=true");
                // Not --wait: the StatefulSet brings a pod of the same name back at once, which kubectl's wait can miss.
                kubectl("delete", "pod", "node-set-2-0", "-n", NAMESPACE, "--wait=false");
                await waitUntil("the StatefulSet to replace pod node-set-2-0", 60, () => {
                    const pod = podOf("node-set-2");
                    return pod !== undefined && pod.metadata.uid !== before?.metadata.uid;
                });
                await seed.cli("refresh", "--yes", "--skip-preview");
                await seed.up();
                const ip = kubectl("get", "service", "quorum-node-1", "-n", NAMESPACE, "-o", "jsonpath={.spec.clusterIP}");
                expect(ip === nodeIp(1), "Service quorum-node-1 is back at its clusterIP", ip);
                await waitUntil("pod node-set-2-0 Running and Ready again", 60, () => {
                    const pod = podOf("node-set-2");
                    return pod !== undefined && isReady(pod);
                });
                const after = podOf("node-set-2");
                const claim = ((after?.spec as { volumes: { persistentVolumeClaim?: { claimName: string } }[] }).volumes ?? []).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
                expect(after?.metadata.uid !== before?.metadata.uid && claim === "qdata-2", "a new pod mounts the same PVC", claim);
            },
        ],
        [
            "the dev stack a newcomer runs (GoQuorum, Tessera, the project's racecourse): previewed under the real engine, preflight and sizing included",
            async () => {
                const dev = new Stack("e2e-dev");
                await dev.init({ ...stackFileValues("Pulumi.dev.yaml"), namespace: "quorum-dev", bootnodeIp: "10.96.6.100", nodeServiceIp: "10.96.6.99", hostPathRoot: "/data/quorum-dev" });
                const preview = await dev.cli("preview");
                for (const name of ["quorum-racecourse-app", "quorum-racecourse-deployment", "quorum-node-5-set"]) expect(preview.includes(name), `the dev stack's preview plans ${name}`, preview.split("\n").slice(-30).join("\n"));
                expect((await dev.resourceCount()) === 0, "a preview creates nothing in the state");
                await dev.remove();
            },
        ],
        [
            "bad input fails at preview with the program's message, nothing created",
            async () => {
                const bad = new Stack("e2e-bad");
                await bad.init({ namespace: "quorum-bad", nodeCount: "1", bootnodeIp: "10.96.2.100", nodeServiceIp: "10.96.2.99", hostPathRoot: "/data/bad" });
                await bad.setConfig("nodeIps[0]", "192.168.1.10", "--path");
                expect((await bad.cliFailing("preview")).includes("nodeIps[0]: 192.168.1.10 must lie inside serviceCidr 10.96.0.0/12"), "a node IP outside serviceCidr is refused, naming the key");
                await bad.cli("config", "rm", "kaleido-quorum:nodeIps");
                await bad.setConfig("imagePullPolicy", "Sometimes");
                expect((await bad.cliFailing("preview")).includes('imagePullPolicy: "Sometimes" must be one of Always, IfNotPresent, Never'), "an unknown image pull policy is refused, naming the allowed values");
                await bad.cli("config", "rm", "kaleido-quorum:imagePullPolicy");
                fs.writeFileSync(path.join(FAKE_STATE, "host"), "Stopped\n");
                try {
                    expect((await bad.cliFailing("preview")).includes("preflight: minikube profile minikube is not running"), "a stopped minikube is refused by the preflight");
                } finally {
                    fs.rmSync(path.join(FAKE_STATE, "host"));
                }
                expect((await bad.resourceCount()) === 0, "the failed previews created nothing in the state");
                expect(!names(kubectlList("namespaces")).includes("quorum-bad"), "the failed previews created nothing in the cluster");
                expect(!fs.existsSync(path.join(PROJECT, ".keys", "e2e-bad")), "the failed previews generated no keys");
                await bad.remove();
            },
        ],
        [
            "the seed's stack, continued: destroy leaves nothing",
            async () => {
                await seed.cli("destroy", "--yes", "--skip-preview");
                checkNothingLeft(seed.name);
                await seed.remove();
            },
        ],
        [
            "real pods: the seed's stack's containers start on the real node from their seeded volumes, pass their probes, run geth init once and peer over the Service IPs under enforced NetworkPolicies, which refuse an outsider until rpcClients names it; a transaction manager killed by SIGKILL comes back by itself; backed up one member at a time, destroyed, restored into a new stack",
            () => realPods({ stack: new Stack("e2e-real"), config: seedConfig, shape: REAL, nodeCount: 5, hostPath: true, policies: true, backupRestore: true }),
        ],
        [
            "real pods, platform kubernetes: 3 nodes seeded by their init containers from Secrets and ConfigMaps into provisioned PVCs, peer lists linked from /peers; a transaction manager killed by SIGKILL comes back by itself; backed up, destroyed, restored into a new stack",
            async () => {
                // No host folders on a cluster: hostRoot names none.
                const shape: Shape = { namespace: "quorum-real", ipPrefix: "10.96.5", hostRoot: "none" };
                const config: StackValues = {
                    ...stackFileValues("Pulumi.cluster.yaml"),
                    kubeContext: "minikube",
                    namespace: shape.namespace,
                    createNamespace: "true",
                    bootnodeIp: "10.96.5.100",
                    nodeServiceIp: "10.96.5.99",
                    quorumImage: "jpmorganchase/quorum",
                    constellationImage: "jpmorganchase/constellation",
                    racecourseImage: "test/racecourse",
                    imagePullSecrets: [],
                };
                await realPods({ stack: new Stack("e2e-real-cluster"), config, shape, nodeCount: 3, hostPath: false, backupRestore: true });
                await waitUntil("the provisioned volumes to be deleted", 30, () => kubectlList("pv").filter((v) => (v.spec as { storageClassName?: string }).storageClassName === "e2e-standard").length === 0);
            },
        ],
        [
            "ibft: 4 validators + 1 up, real go-ethereum on its seeded files, then destroy",
            async () => {
                const ibft = new Stack("e2e-ibft");
                await ibft.init(stackFileValues("Pulumi.ibft.yaml"));
                await ibft.up();
                checkNetwork(5, IBFT);
                checkIbft(await ibft.outputs());
                await checkSeededWithGoEthereum(5, IBFT);
                await ibft.cli("destroy", "--yes", "--skip-preview");
                checkNothingLeft(ibft.name, IBFT);
                await ibft.remove();
            },
        ],
        [
            "goquorum: QBFT 4+1 on GoQuorum and Tessera up, the program's command lines, real go-ethereum on its seeded files, no-change preview; the policy pack passes it and fails it with admin on RPC; validators 4 → 5 → 4 by vote through fake nodes, no pod replaced; destroy",
            async () => {
                const goquorum = new Stack("e2e-goquorum");
                await goquorum.init(stackFileValues("Pulumi.goquorum.yaml"));
                await goquorum.up();
                checkNetwork(5, GOQUORUM);
                checkGoQuorum(await goquorum.outputs());
                await checkSeededWithGoEthereum(5, GOQUORUM);
                await goquorum.cli("preview", "--expect-no-changes");
                const podUids = () => kubectlList("pods", "-n", GOQUORUM.namespace, "-l", "app.kubernetes.io/name=quorum-node").map((pod) => `${pod.metadata.name} ${pod.metadata.uid}`).sort();
                await checkPolicyPack(goquorum);
                await changeValidatorsByVote(goquorum, plannedSteps, podUids);
                await goquorum.cli("destroy", "--yes", "--skip-preview");
                checkNothingLeft(goquorum.name, GOQUORUM);
                await goquorum.remove();
            },
        ],
        [
            "real pods, runtime goquorum: QBFT 4+1 stand-ins of GoQuorum and Tessera start, geth init runs once in its init container, the nodes peer over the Service IPs; a transaction manager killed by SIGKILL comes back by itself; a real Prometheus fills every dashboard panel by the program's annotations; npm run status shows each node; the project's racecourse, through npm run connect, in Chromium: every node's live height, a transaction sent from the page mined on every node",
            () => realPods({ stack: new Stack("e2e-real-goquorum"), config: stackFileValues("Pulumi.goquorum.yaml"), shape: REAL_GOQUORUM, nodeCount: 5, hostPath: true, monitoredValidators: 4, browser: true }),
        ],
        [
            "interrupted up: Ctrl-C (SIGINT) during a 5-node up, then the README's recovery",
            async () => {
                const stack = new Stack("e2e-interrupted");
                await stack.init(seedConfig);
                await interruptAndRecover(stack, "SIGINT");
                await stack.cli("destroy", "--yes", "--skip-preview");
                checkNothingLeft(stack.name);
            },
        ],
        [
            "interrupted up: SIGKILL (a crash) during a 5-node up, then the README's recovery, then destroy",
            async () => {
                const stack = new Stack("e2e-interrupted");
                await interruptAndRecover(stack, "SIGKILL");
                await stack.cli("destroy", "--yes", "--skip-preview");
                checkNothingLeft(stack.name);
                await stack.remove();
            },
        ],
        [
            "platform kubernetes: 3 nodes spread over 3 cluster nodes, seeded from Secrets, 3 → 2 keeping node 1's pod, then destroy",
            async () => {
                const cluster = new Stack("e2e-cluster");
                const minikubeCalls = fakeMinikubeCalls();
                // As the README has a team do it: their namespace and pull Secret first (createNamespace: false).
                kubectl("create", "namespace", NAMESPACE);
                kubectl("create", "secret", "docker-registry", "registry-credentials", "-n", NAMESPACE, "--docker-server=registry.example.com", "--docker-username=e2e", "--docker-password=e2e");
                await cluster.init({ ...stackFileValues("Pulumi.cluster.yaml"), kubeContext: "minikube" });
                await cluster.up();
                checkClusterPlatform(3);
                await checkNoKeyInState(cluster, path.join(PROJECT, ".keys", cluster.name));
                await cluster.cli("preview", "--expect-no-changes");
                const peersBefore = kubectlList("configmaps", "-n", NAMESPACE).find((c) => c.metadata.name === "qdata-1-peers")?.metadata.uid;
                const setBefore = kubectlList("statefulsets", "-n", NAMESPACE).find((o) => o.metadata.name === "node-set-1");
                await cluster.setConfig("nodeCount", "2");
                await withFakeRaftNode(((await cluster.outputs()) as { nodes: { enode: string }[] }).nodes, async (raft) => {
                    await cluster.up();
                    expect(isDeepStrictEqual(raft.membershipCalls, ["remove 3"]), "node 3 was removed from Raft before its workload", raft.membershipCalls);
                });
                checkClusterPlatform(2);
                const peers = JSON.parse(kubectl("get", "configmap", "qdata-1-peers", "-n", NAMESPACE, "-o", "json")) as KubeObject & { data: Record<string, string> };
                const staticNodes = JSON.parse(peers.data["ethereum_static-nodes.json"]) as string[];
                expect(staticNodes.length === 2 && peers.metadata.uid === peersBefore, "node 1's peer list ConfigMap was updated in place for 2 nodes", { staticNodes, uid: peers.metadata.uid, peersBefore });
                const setAfter = kubectlList("statefulsets", "-n", NAMESPACE).find((o) => o.metadata.name === "node-set-1");
                expect(setAfter?.metadata.uid === setBefore?.metadata.uid && isDeepStrictEqual(setAfter?.spec?.template, setBefore?.spec?.template), "node-set-1 is the same, its pod template unchanged (no restart)");
                expect(fakeMinikubeCalls() === minikubeCalls, "platform kubernetes ran no minikube command");
                await cluster.cli("destroy", "--yes", "--skip-preview");
                checkNothingLeft(cluster.name, DEV, false);
                kubectl("get", "secret", "registry-credentials", "-n", NAMESPACE);
                kubectl("delete", "namespace", NAMESPACE, "--wait=false");
                await waitUntil(`namespace ${NAMESPACE} to be gone`, 60, () => !names(kubectlList("namespaces")).includes(NAMESPACE));
                await waitUntil("the provisioned volumes to be deleted", 30, () => kubectlList("pv").filter((v) => (v.spec as { storageClassName?: string }).storageClassName === "e2e-standard").length === 0);
                await cluster.remove();
            },
        ],
        [
            "scale: up 50 nodes, upstream geth init accepts their one genesis; npm run status reads all 50",
            async () => {
                const scale = new Stack("e2e-scale");
                await scale.init({ ...seedConfig, nodeCount: "50" });
                await scale.up();
                checkNetwork(50);
                checkGenesisAccepted(Array.from({ length: 50 }, (_, i) => hostFolder(i + 1)), path.join(RUN_DIR, "go-ethereum"));
                await withFakeRaftNode(((await scale.outputs()) as { nodes: { enode: string }[] }).nodes, async () => {
                    const { nodes, seconds, readSeconds } = await runStatus(scale.name);
                    expect(nodes.length === 50 && nodes.every((node) => node.height !== undefined), "npm run status reads all 50 nodes", nodes.filter((node) => node.height === undefined));
                    process.stdout.write(`e2e: npm run status over 50 nodes: read in ${readSeconds.toFixed(1)} s, whole command ${seconds.toFixed(1)} s (each exec answered by the fake node through the kubectl shim)\n`);
                    // The read is what grows with the network; npm, ts-node and pulumi stack output add a fixed second or two.
                    expect(readSeconds < 3, `npm run status reads 50 nodes in under 3 s (${readSeconds.toFixed(1)} s; ${seconds.toFixed(1)} s whole)`);
                });
            },
        ],
        [
            "scale, continued: destroy 50 nodes",
            async () => {
                const scale = new Stack("e2e-scale");
                await scale.cli("destroy", "--yes", "--skip-preview");
                checkNothingLeft(scale.name);
                await scale.remove();
            },
        ],
    ]);
    process.stdout.write(`e2e: timings: ${timings.map((t) => `${t.name} ${t.seconds.toFixed(1)}s`).join("; ")}\n`);
}

main().catch((error: unknown) => {
    process.stdout.write(`e2e: ${error instanceof E2eFailure ? "FAILED: " : ""}${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
