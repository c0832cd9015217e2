// e2e: platform kubernetes on the kwok nodes (Pulumi.cluster.yaml): 3 nodes spread over 3 cluster
// nodes in a team's own namespace, seeded from Secrets, shrunk to 2 keeping node 1's pod, destroyed.
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { expect, kubectl, kubectlList, KubeObject, Step, waitUntil } from "./harness";
import {
    checkNothingLeft,
    DEV,
    FAKE_STATE,
    isReady,
    names,
    NAMESPACE,
    PART_OF,
    waitForProvisionedVolumesDeleted,
} from "./network";
import { withFakeRaftNode } from "./shim";
import { PROJECT, Stack, stackFileValues } from "./stack";

export function clusterPlatformStep(): Step {
    return [
        "platform kubernetes: 3 nodes spread over 3 cluster nodes, seeded from Secrets, 3 → 2 keeping node 1's pod, then destroy",
        runClusterPlatformStack,
    ];
}

async function runClusterPlatformStack(): Promise<void> {
    const cluster = new Stack("e2e-cluster");
    const minikubeCalls = fakeMinikubeCalls();
    // As the README has a team do it: their namespace and pull Secret first (createNamespace: false).
    kubectl("create", "namespace", NAMESPACE);
    kubectl(
        "create",
        "secret",
        "docker-registry",
        "registry-credentials",
        "-n",
        NAMESPACE,
        "--docker-server=registry.example.com",
        "--docker-username=e2e",
        "--docker-password=e2e",
    );
    await cluster.init({ ...stackFileValues("Pulumi.cluster.yaml"), kubeContext: "minikube" });
    await cluster.up();
    checkClusterPlatform(3);
    await checkNoKeyInState(cluster, path.join(PROJECT, ".keys", cluster.name));
    await cluster.cli("preview", "--expect-no-changes");
    await shrinkKeepingNodeOne(cluster);
    expect(fakeMinikubeCalls() === minikubeCalls, "platform kubernetes ran no minikube command");
    await cluster.cli("destroy", "--yes", "--skip-preview");
    checkNothingLeft(cluster.name, DEV, false);
    kubectl("get", "secret", "registry-credentials", "-n", NAMESPACE);
    kubectl("delete", "namespace", NAMESPACE, "--wait=false");
    await waitUntil(
        `namespace ${NAMESPACE} to be gone`,
        60,
        () => !names(kubectlList("namespaces")).includes(NAMESPACE),
    );
    await waitForProvisionedVolumesDeleted();
    await cluster.remove();
}

/** 3 → 2: node 3 leaves Raft first; node 1's peer list changes in place and its pod stays. */
async function shrinkKeepingNodeOne(cluster: Stack): Promise<void> {
    const peersBefore = kubectlList("configmaps", "-n", NAMESPACE).find((c) => c.metadata.name === "qdata-1-peers")
        ?.metadata.uid;
    const setBefore = kubectlList("statefulsets", "-n", NAMESPACE).find((o) => o.metadata.name === "node-set-1");
    await cluster.setConfig("nodeCount", "2");
    await withFakeRaftNode(((await cluster.outputs()) as { nodes: { enode: string }[] }).nodes, 0, async (raft) => {
        await cluster.up();
        expect(
            isDeepStrictEqual(raft.membershipCalls, ["remove 3"]),
            "node 3 was removed from Raft before its workload",
            raft.membershipCalls,
        );
    });
    checkClusterPlatform(2);
    const peers = JSON.parse(
        kubectl("get", "configmap", "qdata-1-peers", "-n", NAMESPACE, "-o", "json"),
    ) as KubeObject & { data: Record<string, string> };
    const staticNodes = JSON.parse(peers.data["ethereum_static-nodes.json"]) as string[];
    expect(
        staticNodes.length === 2 && peers.metadata.uid === peersBefore,
        "node 1's peer list ConfigMap was updated in place for 2 nodes",
        { staticNodes, uid: peers.metadata.uid, peersBefore },
    );
    const setAfter = kubectlList("statefulsets", "-n", NAMESPACE).find((o) => o.metadata.name === "node-set-1");
    expect(
        setAfter?.metadata.uid === setBefore?.metadata.uid &&
            isDeepStrictEqual(setAfter?.spec?.template, setBefore?.spec?.template),
        "node-set-1 is the same, its pod template unchanged (no restart)",
    );
}

function fakeMinikubeCalls(): number {
    const log = path.join(FAKE_STATE, "calls.log");
    return fs.existsSync(log)
        ? fs
              .readFileSync(log, "utf8")
              .split("\n")
              .filter((line) => line.startsWith("minikube")).length
        : 0;
}

/** platform kubernetes, read from the cluster: claims from the default class, Secrets, init-container seeding, spread. */
function checkClusterPlatform(nodeCount: number): void {
    const claims = kubectlList("pvc", "-n", NAMESPACE);
    expect(
        claims.length === nodeCount + 1 &&
            claims.every(
                (c) =>
                    (c.spec as { storageClassName?: string }).storageClassName === "e2e-standard" &&
                    (c.status as { phase?: string }).phase === "Bound",
            ),
        "every PVC is Bound from the default StorageClass",
        claims.map((c) => [c.metadata.name, c.status]),
    );
    expect(kubectlList("pv", "-l", PART_OF).length === 0, "no hostPath PV of ours");
    const secrets = names(kubectlList("secrets", "-n", NAMESPACE, "-l", PART_OF));
    const expectedSecrets = Array.from({ length: nodeCount + 1 }, (_, i) => `qdata-${i}-keys`).sort();
    expect(JSON.stringify(secrets) === JSON.stringify(expectedSecrets), "one key Secret per member", secrets);
    const pods = kubectlList("pods", "-n", NAMESPACE).filter((p) => p.metadata.name.startsWith("node-set-"));
    expect(
        pods.length === nodeCount && pods.every(isReady),
        `${nodeCount} node pods Running and Ready`,
        pods.map((p) => p.status),
    );
    const hosts = new Set(pods.map((p) => (p.spec as { nodeName?: string }).nodeName));
    expect(hosts.size === nodeCount, `the ${nodeCount} node pods run on ${nodeCount} different cluster nodes`, [
        ...hosts,
    ]);
    const init = (pods[0].spec as { initContainers?: { name: string; command: string[] }[] }).initContainers ?? [];
    expect(
        init.length === 1 && init[0].command.join(" ").startsWith("sh /seed-script/node-seed.sh /seed /volume/qdata"),
        "each node pod seeds its volume in an init container",
        init,
    );
    const budget = kubectl("get", "pdb", "quorum-nodes", "-n", NAMESPACE, "-o", "jsonpath={.spec.minAvailable}");
    expect(budget === String(Math.floor(nodeCount / 2) + 1), "a PodDisruptionBudget keeps a Raft majority", budget);
}

/** `pulumi stack export` (secrets not shown) holds no key file in clear text, raw or base64. */
async function checkNoKeyInState(stack: Stack, keysDir: string): Promise<void> {
    const state = await stack.cli("stack", "export");
    const keyFiles = ["qdata_0/nodekey", "qdata_1/ethereum/nodekey", "qdata_1/constellation/tm.key"].map((file) =>
        fs.readFileSync(path.join(keysDir, file), "utf8").trim(),
    );
    for (const key of keyFiles) {
        expect(
            !state.includes(key) && !state.includes(Buffer.from(key).toString("base64")),
            "the exported state holds no key material in clear text",
        );
    }
    expect(state.includes("ciphertext"), "the exported state holds the Secrets' data as Pulumi secrets");
}
