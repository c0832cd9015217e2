// What every stack's steps share: where a stack's network lives, and the checks of it that read the
// cluster with kubectl and the fake minikube's node folder, never the program's own code.
import * as fs from "fs";
import * as path from "path";
import { checkWithGoEthereum } from "./goEthereum";
import { expect, kubectl, kubectlList, KubeObject, requireEnv, waitUntil } from "./harness";
import { PROJECT, Stack } from "./stack";

const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");
export const FAKE_STATE = requireEnv("FAKE_STATE");
export const NODE_FS = path.join(FAKE_STATE, "node");
export const PART_OF = "app.kubernetes.io/part-of=kaleido-quorum";

/** Where a stack's network lives: its namespace, clusterIPs and host folders. */
export interface Shape {
    namespace: string;
    /** The first three octets of its clusterIPs: bootnode .100, node Service .99, nodes .101... */
    ipPrefix: string;
    hostRoot: string;
    /** Which config the nodes' transaction manager was seeded with. */
    tessera?: boolean;
}

export const DEV: Shape = { namespace: "quorum", ipPrefix: "10.96.0", hostRoot: "data" };
export const IBFT: Shape = { namespace: "quorum-ibft", ipPrefix: "10.96.2", hostRoot: "data/quorum-ibft" };
export const GOQUORUM: Shape = {
    namespace: "quorum-goquorum",
    ipPrefix: "10.96.3",
    hostRoot: "data/quorum-goquorum",
    tessera: true,
};
/** The seed's stack on the real node: its host folders where the fake minikube and the kubelet both see them. */
// The real node's host folders lie where minikube persists them (hostPathRoot must), named for this run.
export const REAL: Shape = {
    ...DEV,
    hostRoot: path.join("tmp/hostpath_pv", `${path.basename(RUN_DIR)}-real-node-data`),
};
export const REAL_GOQUORUM: Shape = {
    ...GOQUORUM,
    hostRoot: path.join("tmp/hostpath_pv", `${path.basename(RUN_DIR)}-real-node-goquorum`),
};
export const NAMESPACE = DEV.namespace;

export function nodeIp(index: number, shape = DEV): string {
    return `${shape.ipPrefix}.${100 + index}`;
}

export function hostFolder(member: number, shape = DEV): string {
    return path.join(NODE_FS, shape.hostRoot, `qdata_${member}`);
}

function mode(file: string): string {
    return (fs.statSync(file).mode & 0o777).toString(8).padStart(4, "0");
}

export function isReady(pod: KubeObject): boolean {
    const status = pod.status as { phase?: string; conditions?: { type: string; status: string }[] } | undefined;
    return (
        status?.phase === "Running" && (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
    );
}

export function names(objects: KubeObject[]): string[] {
    return objects.map((o) => o.metadata.name).sort();
}

/** Everything step 1 promises, read from the cluster and the node folder, for `nodeCount` nodes. */
export function checkNetwork(nodeCount: number, shape = DEV): void {
    const NAMESPACE = shape.namespace;
    const indexes = Array.from({ length: nodeCount }, (_, i) => i + 1);
    const statefulSets = kubectlList("statefulsets", "-n", NAMESPACE, "-l", PART_OF);
    expect(
        JSON.stringify(names(statefulSets)) ===
            JSON.stringify(["bootnode-set", ...indexes.map((i) => `node-set-${i}`)].sort()),
        "StatefulSets are the bootnode and one per node",
        names(statefulSets),
    );

    const services = new Map(
        kubectlList("services", "-n", NAMESPACE).map((s) => [
            s.metadata.name,
            (s.spec as { clusterIP: string }).clusterIP,
        ]),
    );
    const expectedIps: [string, string][] = [
        ["quorum-bootnode", nodeIp(0, shape)],
        ["node-service", `${shape.ipPrefix}.99`],
        ...indexes.map((i): [string, string] => [`quorum-node-${i}`, nodeIp(i, shape)]),
    ];
    for (const [service, ip] of expectedIps)
        expect(
            services.get(service) === ip,
            `Service ${service} has clusterIP ${ip}`,
            services.get(service) ?? "missing",
        );
    expect(services.has("racecourse-service"), "the racecourse Service exists");

    const claims = new Map(kubectlList("pvc", "-n", NAMESPACE).map((c) => [c.metadata.name, c]));
    const volumes = new Map(kubectlList("pv", "-l", PART_OF).map((v) => [v.metadata.name, v]));
    expect(volumes.size === nodeCount + 1 && claims.size === nodeCount + 1, `${nodeCount + 1} PVs and PVCs`, {
        pvs: [...volumes.keys()],
        pvcs: [...claims.keys()],
    });
    for (const member of [0, ...indexes]) {
        const volume = volumes.get(`${NAMESPACE}-qdata-${member}`);
        const claimRef = volume?.spec?.claimRef as { name?: string; namespace?: string } | undefined;
        expect(
            (volume?.status as { phase?: string })?.phase === "Bound" &&
                claimRef?.name === `qdata-${member}` &&
                claimRef.namespace === NAMESPACE,
            `PV ${NAMESPACE}-qdata-${member} is Bound to PVC qdata-${member}`,
            volume?.status ?? "missing",
        );
        expect(
            (claims.get(`qdata-${member}`)?.spec as { volumeName?: string })?.volumeName ===
                `${NAMESPACE}-qdata-${member}`,
            `PVC qdata-${member} names its PV`,
        );
    }

    const pods = kubectlList("pods", "-n", NAMESPACE);
    const notReady = pods.filter((p) => !isReady(p)).map((p) => p.metadata.name);
    expect(pods.length === nodeCount + 2 && notReady.length === 0, `${nodeCount + 2} pods, all Running and Ready`, {
        pods: names(pods),
        notReady,
    });
    const ingress = kubectlList("ingress", "-n", NAMESPACE);
    expect(
        ingress.length === 1 && JSON.stringify(ingress[0].status).includes("192.168.49.2"),
        "the racecourse Ingress has the node address",
        ingress.map((i) => i.status),
    );

    checkHostFolders(nodeCount, shape);
}

function checkHostFolders(nodeCount: number, shape: Shape): void {
    expect(
        fs.existsSync(path.join(hostFolder(0, shape), ".kaleido-seed-id")) &&
            mode(path.join(hostFolder(0, shape), "nodekey")) === "0600",
        "the bootnode's folder holds its seed, nodekey 0600",
    );
    for (let i = 1; i <= nodeCount; i++) {
        const folder = hostFolder(i, shape);
        for (const file of [
            "ethereum/genesis.json",
            "ethereum/passwords.txt",
            "ethereum/permissioned-nodes.json",
            "constellation/tm.pub",
            ".kaleido-seed-id",
        ]) {
            expect(fs.existsSync(path.join(folder, file)), `qdata_${i} holds ${file}`);
        }
        const keystore = fs.readdirSync(path.join(folder, "ethereum/keystore")).map((f) => `ethereum/keystore/${f}`);
        for (const key of ["ethereum/nodekey", "constellation/tm.key", ...keystore])
            expect(mode(path.join(folder, key)) === "0600", `qdata_${i}/${key} is 0600`, mode(path.join(folder, key)));
        const staticNodes = JSON.parse(
            fs.readFileSync(path.join(folder, "ethereum/static-nodes.json"), "utf8"),
        ) as string[];
        const ips = staticNodes.map((enode) => /@([\d.]+):/.exec(enode)?.[1]);
        const expected = Array.from({ length: nodeCount }, (_, n) => nodeIp(n + 1, shape));
        expect(
            JSON.stringify(ips) === JSON.stringify(expected),
            `qdata_${i}/ethereum/static-nodes.json names the node clusterIPs`,
            ips,
        );
        if (shape.tessera) {
            const config = JSON.parse(fs.readFileSync(path.join(folder, "tessera/tessera-config.json"), "utf8")) as {
                serverConfigs: { app: string; serverAddress: string }[];
            };
            const p2p = config.serverConfigs.find((server) => server.app === "P2P")?.serverAddress;
            expect(
                p2p === `http://${nodeIp(i, shape)}:9000`,
                `qdata_${i}/tessera/tessera-config.json gives its own clusterIP`,
                p2p,
            );
        } else {
            expect(
                fs
                    .readFileSync(path.join(folder, "constellation/tm.conf"), "utf8")
                    .includes(`url = "http://${nodeIp(i, shape)}:9000/"`),
                `qdata_${i}/constellation/tm.conf gives its own clusterIP`,
            );
        }
    }
}

export function seedId(member: number): string {
    return fs.readFileSync(path.join(hostFolder(member), ".kaleido-seed-id"), "utf8").trim();
}

export function podOf(statefulSet: string, shape = DEV): KubeObject | undefined {
    return kubectlList("pods", "-n", shape.namespace).find((p) => p.metadata.name === `${statefulSet}-0`);
}

/**
 * After a destroy: no object of the stack left in the cluster, on the node or in the keys folder.
 * A namespace the stack did not create stays, with nothing of the stack in it.
 */
export function checkNothingLeft(stackName: string, shape = DEV, namespaceCreated = true): void {
    const namespaces = names(kubectlList("namespaces"));
    if (namespaceCreated) {
        expect(!namespaces.includes(shape.namespace), `namespace ${shape.namespace} is gone`, namespaces);
    } else {
        expect(
            namespaces.includes(shape.namespace),
            `namespace ${shape.namespace}, not the stack's, stays`,
            namespaces,
        );
        const ours = names(kubectlList("all,pvc,secrets,configmaps,pdb,ingress", "-n", shape.namespace, "-l", PART_OF));
        expect(ours.length === 0, `nothing of the stack is left in namespace ${shape.namespace}`, ours);
    }
    const volumes = names(kubectlList("pv", "-l", PART_OF)).filter((v) => v.startsWith(`${shape.namespace}-`));
    expect(volumes.length === 0, "no PV of the stack is left", volumes);
    const root = path.join(NODE_FS, shape.hostRoot);
    const hostFolders = fs.existsSync(root) ? fs.readdirSync(root).filter((entry) => entry.startsWith("qdata_")) : [];
    expect(hostFolders.length === 0, "the host folders are wiped", hostFolders);
    expect(
        !fs.existsSync(path.join(PROJECT, ".keys", stackName)),
        `the generated keys in .keys/${stackName} are removed`,
    );
    expect(
        !fs.existsSync(path.join(FAKE_STATE, "addons", "ingress")),
        "the ingress addon this stack enabled is disabled again",
    );
}

/** Destroys the stack, checks that nothing of it is left, and removes it. */
export async function destroyLeavingNothing(stack: Stack, shape = DEV): Promise<void> {
    await stack.cli("destroy", "--yes", "--skip-preview");
    checkNothingLeft(stack.name, shape);
    await stack.remove();
}

/** Upstream go-ethereum on what the program seeded for nodes 1..nodeCount, with the network id and bootnode its StatefulSets start with. */
export async function checkSeededWithGoEthereum(nodeCount: number, shape = DEV): Promise<void> {
    const indexes = Array.from({ length: nodeCount }, (_, i) => i + 1);
    const args = indexes.map(
        (i) =>
            JSON.parse(
                kubectl(
                    "get",
                    "statefulset",
                    `node-set-${i}`,
                    "-n",
                    shape.namespace,
                    "-o",
                    `jsonpath={.spec.template.spec.containers[?(@.name=="quorum")].args}`,
                ),
            ) as string[],
    );
    const networkIds = new Set(args.map((list) => list[list.indexOf("--networkid") + 1]));
    expect(networkIds.size === 1, "every node starts with the same --networkid", [...networkIds]);
    await checkWithGoEthereum({
        nodeFolders: indexes.map((i) => hostFolder(i, shape)),
        bootnodeFolder: hostFolder(0, shape),
        networkId: Number([...networkIds][0]),
        // The seed's start.sh takes --bootnode=<enode>; GoQuorum's geth takes --bootnodes <enode>.
        bootnodeArgs: args.map(
            (list) =>
                list.find((arg) => arg.startsWith("--bootnode=")) ?? list[list.indexOf("--bootnodes") + 1] ?? "none",
        ),
        workDir: path.join(RUN_DIR, "go-ethereum"),
    });
}

/** The volumes the default StorageClass (e2e-standard) provisioned go some time after their claims. */
export async function waitForProvisionedVolumesDeleted(): Promise<void> {
    await waitUntil(
        "the provisioned volumes to be deleted",
        30,
        () =>
            kubectlList("pv").filter(
                (v) => (v.spec as { storageClassName?: string }).storageClassName === "e2e-standard",
            ).length === 0,
    );
}
