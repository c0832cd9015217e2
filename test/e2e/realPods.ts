// e2e: real containers of the program's StatefulSets on the harness's real node (cluster.sh) for
// the seed's stack, platform kubernetes and runtime goquorum: each starts and peers, a transaction
// manager killed comes back, npm run verify passes, and the stack is destroyed or backed up and
// restored.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { backupAndRestore } from "./backup";
import { expect, kubectl, kubectlList, requireEnv, Step, waitUntil } from "./harness";
import { checkDashboardWithPrometheus, checkStatus } from "./monitoring";
import {
    destroyLeavingNothing,
    isReady,
    names,
    NODE_FS,
    nodeIp,
    podOf,
    REAL,
    REAL_GOQUORUM,
    Shape,
    waitForProvisionedVolumesDeleted,
} from "./network";
import { checkRacecourseInBrowser } from "./racecourse";
import { checkRollouts } from "./rollout";
import { PROJECT, Stack, stackFileValues, StackValues } from "./stack";

const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");

export function realPodsSteps(seedConfig: StackValues): Step[] {
    return [
        [
            "real pods: the seed's stack's containers start on the real node from their seeded volumes, pass their probes, run geth init once and peer over the Service IPs under enforced NetworkPolicies, which refuse an outsider until rpcClients names it; a transaction manager killed by SIGKILL comes back by itself",
            () =>
                realPods({
                    stack: new Stack("e2e-real"),
                    config: seedConfig,
                    shape: REAL,
                    nodeCount: 5,
                    hostPath: true,
                    policies: true,
                }),
        ],
        [
            "real pods, platform kubernetes: 3 nodes seeded by their init containers from Secrets and ConfigMaps into provisioned PVCs, peer lists linked from /peers; a transaction manager killed by SIGKILL comes back by itself; backed up, destroyed, restored into a new stack",
            realClusterPods,
        ],
    ];
}

export function realGoQuorumPodsStep(): Step {
    return [
        "real pods, runtime goquorum: QBFT 4+1 (the consensus the dev stack runs) stand-ins of GoQuorum and Tessera start, geth init runs once in its init container, the nodes peer over the Service IPs; a transaction manager killed by SIGKILL comes back by itself; a real Prometheus fills every dashboard panel by the program's annotations; npm run status shows each node; the project's racecourse, through npm run connect, in Chromium: every node's live height, a transaction sent from the page mined on every node; a new GoQuorum image rolled out one member at a time while the chain seals, a missing one stopped at its first member and set back, three of four validators stopped named by npm run status as a stalled chain and sealing again once back; npm run backup while the chain seals and transactions are sent, one member down at a time, its longest gap between blocks within the round-change timer plus two block periods; the stack destroyed, a tampered backup and a member folder made a link refused at preview, the backup restored into a new stack (a restore killed midway run again): every node holds the manifest's highest head, the same block, before sealing is released, and the chain seals past it",
        () => {
            // Never pulled: the images are on the node, and a tag that does not exist must not send the harness to a registry.
            const config = { ...stackFileValues("Pulumi.goquorum.yaml"), imagePullPolicy: "Never" };
            return realPods({
                stack: new Stack("e2e-real-goquorum"),
                config,
                shape: REAL_GOQUORUM,
                nodeCount: 5,
                hostPath: true,
                monitoredValidators: 4,
                browser: true,
                rolloutBlockPeriod: 1,
                backupRestore: true,
            });
        },
    ];
}

async function realClusterPods(): Promise<void> {
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
    await realPods({
        stack: new Stack("e2e-real-cluster"),
        config,
        shape,
        nodeCount: 3,
        hostPath: false,
        backupRestore: true,
    });
    await waitForProvisionedVolumesDeleted();
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
    return kubectl(
        "exec",
        "-n",
        shape.namespace,
        `node-set-${index}-0`,
        "-c",
        "quorum",
        "--",
        "geth",
        "attach",
        "--exec",
        script,
        "/qdata/ethereum/geth.ipc",
    ).trim();
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
    return ((pod?.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []).find(
        (c) => c.name === container,
    );
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
    const ctr = spawnSync(
        "ctr",
        [
            "--address",
            path.join(RUN_DIR, "real-node", "containerd.sock"),
            "-n",
            "k8s.io",
            "tasks",
            "kill",
            "-s",
            "SIGKILL",
            id!,
        ],
        { encoding: "utf8" },
    );
    expect(ctr.status === 0, `containerd killed ${pod}'s ${container} with SIGKILL`, ctr.stderr);
    await waitUntil(`${pod}'s ${container} back by itself and the pod Ready`, 120, () => {
        const now = containerStatus(shape, index, container);
        const podNow = podOf(`node-set-${index}`, shape);
        return (
            now !== undefined &&
            now.restartCount > (before?.restartCount ?? 0) &&
            now.ready &&
            podNow !== undefined &&
            isReady(podNow)
        );
    });
    const after = containerStatus(shape, index, container);
    expect(
        after?.restartCount === (before?.restartCount ?? 0) + 1,
        `${container} started again at its first try (the left-over socket did not stop it)`,
        after,
    );
    const socketTime = Number(
        kubectl("exec", "-n", shape.namespace, pod, "-c", "quorum", "--", "stat", "-c", "%Y", socket).trim(),
    );
    expect(socketTime >= killedAt, `${container}'s socket ${socket} is a fresh one`, { socketTime, killedAt });
    expect(/^\d+$/.test(gethConsole(shape, index, "eth.blockNumber")), `node ${index}'s geth answers after the crash`);
    const chain = kubectl(
        "exec",
        "-n",
        shape.namespace,
        pod,
        "-c",
        "quorum",
        "--",
        "ls",
        "/qdata/ethereum/geth/chaindata",
    ).trim();
    expect(chain.length > 0, `node ${index}'s chain data is still there`, chain);
}

/** "ip:port open" or "ip:port closed" for each target, probed at once from a container with busybox nc. */
function reachable(shape: Shape, pod: string, container: string, targets: string[]): Map<string, boolean> {
    const probes = targets
        .map(
            (target) =>
                `(nc -w 3 ${target.replace(":", " ")} </dev/null >/dev/null 2>&1 && echo "${target} open" || echo "${target} closed") &`,
        )
        .join(" ");
    const printed = kubectl("exec", "-n", shape.namespace, pod, "-c", container, "--", "sh", "-c", `${probes} wait`);
    return new Map(
        printed
            .trim()
            .split("\n")
            .map((line) => line.split(" ") as [string, string])
            .map(([target, verdict]) => [target, verdict === "open"]),
    );
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
    const fromRacecourse = reachable(shape, racecourse, "racecourse", [
        `${shape.ipPrefix}.99:8545`,
        `${nodeIp(1, shape)}:8545`,
    ]);
    expect(
        [...fromRacecourse.values()].every(Boolean),
        "the racecourse reaches the nodes' RPC (node-service and a node's Service) through the policies",
        [...fromRacecourse],
    );

    kubectl(
        "run",
        "probe",
        "-n",
        ns,
        "--image=test/racecourse",
        "--image-pull-policy=Never",
        "--labels=app=probe",
        "--restart=Never",
        "--command",
        "--",
        "sleep",
        "3600",
    );
    await waitUntil("the probe pod Ready", 60, () => {
        const pod = kubectlList("pods", "-n", ns, "-l", "app=probe")[0];
        return pod !== undefined && isReady(pod);
    });
    const podIps = Array.from({ length: nodeCount }, (_, i) =>
        kubectl("get", "pod", "-n", ns, `node-set-${i + 1}-0`, "-o", "jsonpath={.status.podIP}").trim(),
    );
    const targets = (ports: number[]) =>
        podIps.flatMap((ip, i) => ports.flatMap((port) => [`${ip}:${port}`, `${nodeIp(i + 1, shape)}:${port}`]));
    const control = reachable(shape, "node-set-1-0", "quorum", [`${podIps[1]}:30303`, `${podIps[1]}:9000`]);
    expect(
        [...control.values()].every(Boolean),
        "a member reaches another member's p2p and transaction manager ports (the probe itself works)",
        [...control],
    );

    const outsider = reachable(shape, "probe", "probe", targets([8545, 9000, 30303]));
    const open = [...outsider].filter(([, isOpen]) => isOpen).map(([target]) => target);
    expect(
        open.length === 0,
        "a pod that is neither member nor client reaches no member's RPC, transaction manager or p2p port",
        open,
    );

    await stack.setConfig("rpcClients[0]", "app=probe", "--path");
    await stack.up();
    await waitUntil("the probe, now an rpcClient, reaching every node's RPC", 60, () =>
        [...reachable(shape, "probe", "probe", targets([8545])).values()].every(Boolean),
    );
    const still = [...reachable(shape, "probe", "probe", targets([9000, 30303]))]
        .filter(([, isOpen]) => isOpen)
        .map(([target]) => target);
    expect(still.length === 0, "an rpcClient reaches RPC only, not the members' own ports", still);
    kubectl("delete", "pod", "probe", "-n", ns, "--grace-period=0", "--force", "--wait=true");
}

/** The real node has this machine's CPUs (2 here): requests small enough for every member on it. */
const SMALL_REQUESTS: StackValues = {
    quorumCpu: "50m:1",
    constellationCpu: "20m:500m",
    tesseraCpu: "50m:1",
    racecourseCpu: "20m:500m",
};

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
    /** Roll a new image out, a missing one back, and stop two validators (BFT stacks; their block period). */
    rolloutBlockPeriod?: number;
}

/**
 * Real containers of the program's StatefulSets (the stand-in images of
 * test/e2e/standins, upstream geth inside) start from their seeded volumes on the harness's real
 * node, pass their probes, run geth init once, and peer over the fixed Service IPs.
 */
async function realPods(real: RealStack): Promise<void> {
    const { stack, config, shape, nodeCount, hostPath, backupRestore } = real;
    // The fake minikube writes its node's /X under NODE_FS/X; the real node reads /X: link the two.
    const hostRoot = `/${shape.hostRoot}`;
    if (hostPath) {
        fs.mkdirSync(path.join(NODE_FS, hostRoot), { recursive: true });
        fs.mkdirSync(path.dirname(hostRoot), { recursive: true });
        fs.symlinkSync(path.join(NODE_FS, hostRoot), hostRoot);
    }
    scheduleOnRealNode(true);
    try {
        const runtimeKeys = config.runtime === "goquorum" ? ["constellationCpu"] : ["tesseraCpu"];
        const requests = Object.fromEntries(
            Object.entries(SMALL_REQUESTS).filter(([key]) => !runtimeKeys.includes(key)),
        );
        const values = { ...config, ...requests, ...(hostPath ? { hostPathRoot: hostRoot } : {}) };
        await stack.init(values);
        await stack.up();
        checkAllContainersStarted(shape, nodeCount);
        await checkKeysAndPeering(stack, shape, nodeCount);
        if (!hostPath) {
            const link = kubectl(
                "exec",
                "-n",
                shape.namespace,
                "node-set-1-0",
                "-c",
                "quorum",
                "--",
                "readlink",
                "/qdata/ethereum/permissioned-nodes.json",
            ).trim();
            expect(
                link === "/peers/ethereum/permissioned-nodes.json",
                "the seeded volume links the peer list to the ConfigMap the kubelet refreshes",
                link,
            );
        }
        await checkGethInitOnce(shape);
        const goquorum = config.runtime === "goquorum";
        await crashTransactionManager(
            shape,
            2,
            goquorum ? "tessera" : "constellation",
            goquorum ? "/qdata/tessera/tm.ipc" : "/qdata/constellation/tm.ipc",
        );
        await runOptionalChecks(real);
        checkNpmRunVerify(stack, nodeCount);
        if (real.rolloutBlockPeriod !== undefined) {
            const gethAt = (i: number, script: string) => gethConsole(shape, i, script);
            await checkRollouts({
                stack,
                shape,
                nodeCount,
                blockPeriod: real.rolloutBlockPeriod,
                gethAt,
                verify: () => checkNpmRunVerify(stack, nodeCount),
            });
        }
        const destroy = (target: Stack) => destroyLeavingNothing(target, shape);
        const sealing =
            real.rolloutBlockPeriod === undefined ? undefined : { shape, blockPeriod: real.rolloutBlockPeriod };
        if (backupRestore)
            await backupAndRestore({
                stack,
                config: values,
                namespace: shape.namespace,
                nodeCount,
                console: (i, script) => gethConsole(shape, i, script),
                destroy,
                sealing,
            });
        else await destroy(stack);
    } finally {
        scheduleOnRealNode(false);
        if (hostPath) fs.rmSync(hostRoot, { force: true });
    }
}

/** Every pod is on the real node; every container started, passed its probes and never restarted. */
function checkAllContainersStarted(shape: Shape, nodeCount: number): void {
    const pods = kubectlList("pods", "-n", shape.namespace);
    const statuses = pods.flatMap((pod) =>
        ((pod.status as { containerStatuses?: ContainerStatus[] }).containerStatuses ?? []).map((c) => ({
            pod: pod.metadata.name,
            ...c,
        })),
    );
    expect(
        pods.length === nodeCount + 2 &&
            pods.every((pod) => (pod.spec as { nodeName?: string }).nodeName === REAL_NODE),
        `${nodeCount + 2} pods, all on the real node`,
        pods.map((p) => [p.metadata.name, (p.spec as { nodeName?: string }).nodeName]),
    );
    const unwell = statuses.filter((c) => !c.ready || c.restartCount !== 0 || !c.state.running);
    expect(
        statuses.length === 2 * nodeCount + 2 && unwell.length === 0,
        "every container started, passed its probes, never restarted",
        unwell,
    );
}

/** Each node's geth runs on its seeded nodekey and keystore and peers with all the others, dialling them at their Service IPs. */
async function checkKeysAndPeering(stack: Stack, shape: Shape, nodeCount: number): Promise<void> {
    const enodes = ((await stack.outputs()) as { nodes: { enode: string }[] }).nodes.map((node) => node.enode);
    const serviceIps = new Set(enodes.map((enode) => /@([\d.]+:\d+)/.exec(enode)?.[1]));
    const nodes = Array.from({ length: nodeCount }, (_, i) => i + 1);
    for (const i of nodes) {
        const own = JSON.parse(gethConsole(shape, i, "admin.nodeInfo.enode")) as string;
        expect(own.slice(0, 136) === enodes[i - 1].slice(0, 136), `node ${i}'s geth runs on its seeded nodekey`, own);
        const account = JSON.parse(gethConsole(shape, i, "eth.accounts[0]")) as string;
        const keystore = kubectl(
            "exec",
            "-n",
            shape.namespace,
            `node-set-${i}-0`,
            "-c",
            "quorum",
            "--",
            "ls",
            "/qdata/ethereum/keystore",
        ).trim();
        expect(
            keystore.toLowerCase().endsWith(account.slice(2).toLowerCase()),
            `node ${i}'s geth unlocked its seeded keystore`,
            { account, keystore },
        );
    }
    const others = nodeCount - 1;
    await waitUntil(`every node to reach ${others} peers`, 90, () =>
        nodes.every((i) => gethConsole(shape, i, "net.peerCount") === String(others)),
    );
    for (const i of nodes) {
        const list = JSON.parse(
            JSON.parse(
                gethConsole(
                    shape,
                    i,
                    "JSON.stringify(admin.peers.map(function (p) { return [p.enode.slice(0, 136), p.network.inbound, p.network.remoteAddress]; }))",
                ),
            ) as string,
        ) as [string, boolean, string][];
        const expected = enodes
            .filter((_, n) => n !== i - 1)
            .map((enode) => enode.slice(0, 136))
            .sort();
        expect(
            isDeepStrictEqual(list.map(([id]) => id).sort(), expected),
            `node ${i} peers with the ${others} others`,
            list,
        );
        const dialed = list.filter(([, inbound]) => !inbound);
        expect(
            dialed.every(([, , address]) => serviceIps.has(address)),
            `node ${i} dialled its peers at their Service IPs`,
            dialed,
        );
    }
}

/** Node 1 ran geth init once, and a second start of it does not run it again. */
async function checkGethInitOnce(shape: Shape): Promise<void> {
    const inits = () =>
        kubectl("exec", "-n", shape.namespace, "node-set-1-0", "-c", "quorum", "--", "cat", "/qdata/logs/init.log")
            .trim()
            .split("\n");
    expect(inits().length === 1, "node 1 ran geth init once", inits());
    const before = podOf("node-set-1", shape);
    kubectl("delete", "pod", "node-set-1-0", "-n", shape.namespace, "--wait=false");
    await waitUntil("node-set-1-0 back and Ready", 120, () => {
        const pod = podOf("node-set-1", shape);
        return pod !== undefined && pod.metadata.uid !== before?.metadata.uid && isReady(pod);
    });
    expect(inits().length === 1, "a second start of node 1 did not run geth init again", inits());
}

/** What a stack asks for beyond the checks every one gets: its NetworkPolicies, its monitoring, its page in a browser. */
async function runOptionalChecks({
    stack,
    shape,
    nodeCount,
    policies,
    monitoredValidators,
    browser,
}: RealStack): Promise<void> {
    if (policies) await checkNetworkPolicies(stack, shape, nodeCount);
    if (monitoredValidators !== undefined) {
        await checkDashboardWithPrometheus(shape.namespace, nodeCount, monitoredValidators);
        const others = nodeCount - 1;
        const seconds = await checkStatus(
            stack.name,
            nodeCount,
            (i) => Number(gethConsole(shape, i, "eth.blockNumber")),
            others,
        );
        process.stdout.write(
            `e2e: npm run status over ${nodeCount} real pods answered in ${seconds.toFixed(1)} s (whole command)\n`,
        );
    }
    if (browser)
        process.stdout.write(
            `e2e: the racecourse page in Chromium: screenshot ${await checkRacecourseInBrowser(stack.name, nodeCount)}\n`,
        );
}

function checkNpmRunVerify(stack: Stack, nodeCount: number): void {
    const others = nodeCount - 1;
    const verify = spawnSync("npm", ["run", "verify", "--", "--stack", stack.name, "--timeout", "90"], {
        cwd: PROJECT,
        encoding: "utf8",
    });
    for (const check of [
        "every pod Ready",
        "each transaction manager answers its upcheck",
        `every node sees the others (${others} peers)`,
    ]) {
        expect(
            verify.stdout.includes(`✔ ${check}`),
            `npm run verify: ✔ ${check}`,
            verify.stdout.trim().split("\n").slice(-6).join("\n"),
        );
    }
}
