// e2e: the seed's stack (Pulumi.kaleido.yaml, 5 nodes on the kwok nodes) from its first preview to
// its destroy: every object it promises, real go-ethereum on its seeded files, a no-change preview,
// a new chain refused, nodeCount 5 → 6 → 5, and drift repaired.
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { SigningKey } from "ethers";
import { FakeQuorum } from "../support/fakeQuorum";
import { expect, kubectl, kubectlList, Step, waitUntil } from "./harness";
import {
    checkNetwork,
    checkSeededWithGoEthereum,
    destroyLeavingNothing,
    hostFolder,
    isReady,
    NAMESPACE,
    nodeIp,
    podOf,
    seedId,
} from "./network";
import { withFakeRaftNode } from "./shim";
import { plannedSteps, PROJECT, Stack, StackValues } from "./stack";

export function seedNetworkSteps(seed: Stack, seedConfig: StackValues): Step[] {
    return [
        ["preview and up: the seed's network, 5 nodes", () => previewAndUp(seed, seedConfig)],
        [
            "the seed's stack, continued: real go-ethereum on the seeded files: geth init, one genesis, enode ids, keystores, 5 nodes peered",
            () => checkSeededWithGoEthereum(5),
        ],
        [
            "the seed's stack, continued: a second preview shows no changes; another place for its volumes (a new chain under its running nodes) is refused at preview",
            () => previewKeepingTheChain(seed, seedConfig),
        ],
        [
            "the seed's stack, continued: nodeCount 5 → 6 → 5 keeps the running members' chain, pods and volumes; Raft membership through a JSON-RPC node",
            () => growAndShrink(seed),
        ],
        ["the seed's stack, continued: drift: a deleted Service and pod come back", () => repairDrift(seed)],
    ];
}

export function seedDestroyStep(seed: Stack): Step {
    return ["the seed's stack, continued: destroy leaves nothing", () => destroyLeavingNothing(seed)];
}

async function previewAndUp(seed: Stack, seedConfig: StackValues): Promise<void> {
    await seed.init(seedConfig);
    await seed.cli("preview");
    await seed.up();
    checkNetwork(5);
    await checkOutputs(seed, 5);
}

async function previewKeepingTheChain(seed: Stack, seedConfig: StackValues): Promise<void> {
    await seed.cli("preview", "--expect-no-changes");
    await seed.setConfig("hostPathRoot", "/data/elsewhere");
    try {
        const refusal = await seed.cliFailing("preview");
        expect(
            refusal.includes("node-1, node-2, node-3, node-4, node-5 run a chain this config would replace"),
            "the preview refuses a new chain under the running nodes, naming each",
            refusal.slice(-800),
        );
    } finally {
        await seed.setConfig("hostPathRoot", String(seedConfig.hostPathRoot));
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
    for (const [key, value] of Object.entries(expected))
        expect(outputs[key] === value, `output ${key} is ${String(value)}`, outputs[key]);
    expect(
        String(outputs.bootnodeEnode).includes("@10.96.0.100:"),
        "output bootnodeEnode names the bootnode clusterIP",
        outputs.bootnodeEnode,
    );
    const nodes = outputs.nodes as { ip: string }[];
    expect(
        nodes.length === nodeCount && nodes.every((n, i) => n.ip === nodeIp(i + 1)),
        `output nodes lists ${nodeCount} nodes with their clusterIPs`,
        nodes,
    );
}

async function repairDrift(seed: Stack): Promise<void> {
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
    const claim = (
        (after?.spec as { volumes?: { persistentVolumeClaim?: { claimName: string } }[] } | undefined)?.volumes ?? []
    ).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
    expect(after?.metadata.uid !== before?.metadata.uid && claim === "qdata-2", "a new pod mounts the same PVC", claim);
}

/** UIDs of the node StatefulSets and claims 1..count: a replaced one gets a new UID. */
function workloadUids(count: number): Record<string, string | undefined> {
    const uids: Record<string, string | undefined> = {};
    const sets = new Map(kubectlList("statefulsets", "-n", NAMESPACE).map((o) => [o.metadata.name, o.metadata.uid]));
    const claims = new Map(kubectlList("pvc", "-n", NAMESPACE).map((o) => [o.metadata.name, o.metadata.uid]));
    for (let i = 1; i <= count; i++)
        Object.assign(uids, { [`node-set-${i}`]: sets.get(`node-set-${i}`), [`qdata-${i}`]: claims.get(`qdata-${i}`) });
    return uids;
}

function permissionedNodes(member: number): string[] {
    return JSON.parse(
        fs.readFileSync(path.join(hostFolder(member), "ethereum/permissioned-nodes.json"), "utf8"),
    ) as string[];
}

/** What growing and shrinking must leave as it was: node 1..5's workloads and claims, qdata_1's chain folder and seed. */
interface Untouched {
    /** node-set-1..5's and qdata-1..5's UIDs. */
    uids: Record<string, string | undefined>;
    /** A file written into qdata_1's chain data. */
    marker: string;
    /** qdata_1's seed id. */
    seedId: string;
}

/**
 * On the harness: growing and shrinking changes no running member's workload,
 * volume or chain folder; the peer lists change in place; the membership step adds and removes on a
 * JSON-RPC node (kwok pods run no process, so the geth console calls of kubectl exec reach the fake
 * node the scenario runs) and the new member starts with the id that node gave.
 */
async function growAndShrink(seed: Stack): Promise<void> {
    const outputs = (await seed.outputs()) as { nodes: { enode: string }[] };
    await withFakeRaftNode(outputs.nodes, 1, async (raft) => {
        const uids = workloadUids(5);
        const marker = path.join(hostFolder(1), "ethereum/geth/chaindata/e2e-marker");
        fs.mkdirSync(path.dirname(marker), { recursive: true });
        fs.writeFileSync(marker, "a block of this chain");
        const untouched: Untouched = { uids, marker, seedId: seedId(1) };
        await growToSix(seed, raft, untouched);
        await shrinkToFive(seed, raft, untouched);
    });
}

function isChainFolderUntouched(untouched: Untouched): boolean {
    return fs.readFileSync(untouched.marker, "utf8") === "a block of this chain" && seedId(1) === untouched.seedId;
}

async function growToSix(seed: Stack, raft: FakeQuorum, untouched: Untouched): Promise<void> {
    const before = untouched.uids;
    await seed.setConfig("nodeCount", "6");
    const planned = await plannedSteps(seed);
    expect(
        planned.get("quorum-node-6-raft-join") === "create" &&
            planned.get("quorum-node-6-raft-promote") === "create" &&
            planned.get("quorum-node-6-set") === "create",
        "the preview creates node 6, its join step (as a learner) and its promotion step",
        [...planned],
    );
    // Node 6's fake node answers with the key the preview generated for it, as its geth would.
    const sixthKey = fs.readFileSync(path.join(PROJECT, ".keys", seed.name, "qdata_6/ethereum/nodekey"), "utf8").trim();
    const founders = ((await seed.outputs()) as { nodes: { enode: string }[] }).nodes.map((node) =>
        node.enode.slice("enode://".length, "enode://".length + 128),
    );
    const keys = [...founders, new SigningKey(`0x${sixthKey}`).publicKey.slice(4)];
    raft.useNodeKeys(
        keys,
        keys.map(() => "0x"),
    );
    for (let i = 1; i <= 5; i++) {
        expect(
            (planned.get(`quorum-node-${i}-set`) ?? "same") === "same",
            `the preview leaves node-set-${i} as it is`,
            planned.get(`quorum-node-${i}-set`),
        );
        expect(
            planned.get(`quorum-node-${i}-qdata-seed`) === "update",
            `the preview updates qdata_${i}'s peer list in place`,
            planned.get(`quorum-node-${i}-qdata-seed`),
        );
    }
    const replaced = [...planned].filter(([, op]) => op.includes("replace") || op === "delete");
    expect(replaced.length === 0, "the preview replaces and deletes nothing", replaced);
    await seed.up();
    checkNetwork(6);
    expect(isDeepStrictEqual(workloadUids(5), before), "node-set-1..5 and qdata-1..5 keep their UIDs", {
        before,
        after: workloadUids(5),
    });
    expect(isChainFolderUntouched(untouched), "qdata_1's chain folder and seed are untouched");
    const sixth = ((await seed.outputs()) as { nodes: { enode: string }[] }).nodes[5].enode;
    for (let i = 1; i <= 6; i++)
        expect(
            permissionedNodes(i).length === 6 && permissionedNodes(i)[5] === sixth,
            `qdata_${i}/ethereum/permissioned-nodes.json lists node 6`,
        );
    const joined = raft.raftCluster.find((member) => sixth.includes(member.nodeId));
    expect(
        joined?.raftId === 6 && !joined.learner,
        "the membership steps added node 6 as a learner, which got Raft id 6, and promoted it once in step",
        raft.membershipCalls,
    );
    expect(
        isDeepStrictEqual(raft.membershipCalls.slice(-2), [`learner ${keys[5]}`, "promote 6"]),
        "node 6 joined as a learner, then was promoted",
        raft.membershipCalls,
    );
    const args = JSON.parse(
        kubectl(
            "get",
            "statefulset",
            "node-set-6",
            "-n",
            NAMESPACE,
            "-o",
            `jsonpath={.spec.template.spec.containers[?(@.name=="quorum")].args}`,
        ),
    ) as string[];
    expect(args.includes("--raftID=6") && !args.includes("--raftInit"), "node 6 starts with the id it got", args);
    await seed.cli("preview", "--expect-no-changes");
}

async function shrinkToFive(seed: Stack, raft: FakeQuorum, untouched: Untouched): Promise<void> {
    await seed.setConfig("nodeCount", "5");
    await seed.up();
    checkNetwork(5);
    expect(
        isDeepStrictEqual(raft.membershipCalls.slice(-1), ["remove 6"]) && raft.raftCluster.length === 5,
        "node 6 was removed from Raft by its id",
        raft.membershipCalls,
    );
    expect(
        isDeepStrictEqual(workloadUids(5), untouched.uids),
        "node-set-1..5 and qdata-1..5 keep their UIDs",
        workloadUids(5),
    );
    expect(isChainFolderUntouched(untouched), "qdata_1's chain folder and seed are untouched");
    expect(!fs.existsSync(hostFolder(6)), "qdata_6 is wiped (keepChainData false)");
    for (let i = 1; i <= 5; i++)
        expect(permissionedNodes(i).length === 5, `qdata_${i}/ethereum/permissioned-nodes.json no longer lists node 6`);
    // The finished leave step is declared only while node 6 runs: the next up drops it from the state, running nothing.
    const changes = [...(await plannedSteps(seed))].filter(([, op]) => op !== "same");
    expect(
        isDeepStrictEqual(changes, [["quorum-node-6-raft-leave", "delete"]]),
        "the next preview only forgets the finished leave step",
        changes,
    );
    await seed.up();
    await seed.cli("preview", "--expect-no-changes");
}
