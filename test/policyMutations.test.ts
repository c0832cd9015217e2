// The policy pack against mutations of real renders: each mutation (the 16 a hostile review made of
// the program's renders, and more) is reported by the rule named for it, with a message naming what.
// The safe cases (every shipped stack, budgets that keep quorum) are in policyPack.test.ts.
// Rules see the inputs through the engine's proxy, as `pulumi preview --policy-pack` hands them.
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import {
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import {
    budgetKeepsQuorum,
    hardened,
    hostPathsOwn,
    noAllowAll,
    noHostNamespaces,
    noKeyMaterial,
    POLICIES,
} from "../policy/rules";
import { policiesSelectMembers, rootOnlyWhereNeeded, rpcApis, seedRpcClosed } from "../policy/rules";
import { RecordedResource, runProgram, workspaceFixture } from "./support/program";

type Resources = RecordedResource[];
type Inputs = RecordedResource["inputs"];

// The engine's proxy over a resource's inputs, and its mark of a value a preview cannot know yet
// (neither is in @pulumi/policy's type declarations).
const engine = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy(props: Inputs): Inputs;
    unknownStringValue: unknown;
};

/** Every violation the pack reports for a stack, as "rule: message". */
function violations(resources: Resources): string[] {
    const found: string[] = [];
    const seen = resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        props: engine.unknownCheckingProxy(resource.inputs),
    }));
    for (const policy of POLICIES) {
        const report = (message: string) => found.push(`${policy.name}: ${message}`);
        if ("validateResource" in policy) {
            const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
            for (const resource of seen)
                for (const validate of validations)
                    void validate(resource as unknown as ResourceValidationArgs, report);
        } else {
            void (policy as StackValidationPolicy).validateStack?.(
                { resources: seen } as unknown as StackValidationArgs,
                report,
            );
        }
    }
    return found;
}

const find = (resources: Resources, name: string): Inputs => {
    const found = resources.find((resource) => resource.name === name);
    assert.ok(found, `the render has no resource ${name}`);
    return found.inputs;
};
const podSpec = (r: Resources, name: string): Inputs => find(r, name).spec.template.spec;
const container = (r: Resources, name: string, containerName: string): Inputs =>
    [...(podSpec(r, name).initContainers ?? []), ...podSpec(r, name).containers].find(
        (candidate: Inputs) => candidate.name === containerName,
    );
const context = (r: Resources, name: string, containerName: string): Inputs =>
    container(r, name, containerName).securityContext;
const add = (r: Resources, kind: string, name: string, inputs: Inputs) =>
    void r.push({ type: kind, name, inputs: { metadata: { name, namespace: "quorum" }, ...inputs }, dependsOn: [] });
const args = (r: Resources, node: number): string[] => container(r, `quorum-node-${node}-set`, "quorum").args;
const setFlag = (r: Resources, flag: string, value: string) =>
    args(r, 1).splice(args(r, 1).indexOf(flag) + 1, 1, value);
/** A pod template of the render, to run in a workload of another kind. */
const template = (r: Resources, name = "quorum-racecourse-deployment"): Inputs =>
    structuredClone(find(r, name).spec.template);
const templateWith = (r: Resources, spec: Inputs) => ({
    spec: { template: { ...template(r), spec: { ...template(r).spec, ...spec } } },
});
const configMap = (data: Record<string, string>, binaryData?: Record<string, string>) => (r: Resources) =>
    add(r, "kubernetes:core/v1:ConfigMap", "leak", { data, binaryData });
const networkPolicy = (podSelector: Inputs, ingress: Inputs[]) => (r: Resources) =>
    add(r, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-all", {
        spec: { podSelector, ingress, policyTypes: ["Ingress"] },
    });
const budget = (r: Resources): Inputs => find(r, "quorum-nodes-budget").spec;
const withoutPolicies = (r: Resources) =>
    void r.splice(0, r.length, ...r.filter((resource) => !resource.type.endsWith(":NetworkPolicy")));
const moveFolders = (from: string, to: string) => (r: Resources) => {
    for (const { inputs } of r.filter(({ type }) => type.endsWith(":PersistentVolume")))
        inputs.spec.hostPath.path = inputs.spec.hostPath.path.replace(from, to);
};

const HEX_KEY = randomBytes(32).toString("hex");
const KEYSTORE = {
    address: "46d2d4c25c19e98feaf2792411f8a509d9ae53f2",
    crypto: { cipher: "aes-128-ctr", ciphertext: HEX_KEY, kdf: "scrypt" },
    version: 3,
};
const TM_KEY = { type: "unlocked", data: { bytes: randomBytes(32).toString("base64") } };
const NODE_PODS = { matchLabels: { "app.kubernetes.io/name": "quorum-node" } };
const RPC_PORTS = [{ port: 8545 }, { port: 8546 }];
const FIVE_NAMED = {
    matchExpressions: [
        {
            key: "app.kubernetes.io/instance",
            operator: "In",
            values: ["node-1", "node-2", "node-3", "node-4", "node-5"],
        },
    ],
};
/** A 7-node QBFT network on a multi-node cluster: a budget over the 7 validators. */
const QBFT_7 = {
    platform: "kubernetes",
    kubeContext: "my-cluster",
    runtime: "goquorum",
    consensus: "qbft",
    nodeCount: "7",
    createNamespace: "false",
};

const [RPC, SEED, HARDENED, HOST, ROOT] = [rpcApis, seedRpcClosed, hardened, noHostNamespaces, rootOnlyWhereNeeded].map(
    (policy) => policy.name,
);
const [PATHS, KEYS, ALLOW_ALL] = [hostPathsOwn, noKeyMaterial, noAllowAll].map((policy) => policy.name);
const [SELECTS, BUDGET] = [policiesSelectMembers, budgetKeepsQuorum].map((policy) => policy.name);

interface Mutation {
    what: string;
    stack: string;
    rule: string;
    message: RegExp;
    mutate(r: Resources): void;
}

const m = (
    what: string,
    stack: string,
    rule: string,
    message: RegExp,
    mutate: (r: Resources) => unknown,
): Mutation => ({ what, stack, rule, message, mutate });

const MUTATIONS: Mutation[] = [
    // The seed's start.sh and geth's spellings of the RPC namespaces.
    m(
        "start.sh told --rpcapi admin,personal",
        "kaleido",
        RPC,
        /^StatefulSet node-set-1: quorum: --rpcapi serves admin, personal; remove them from start\.sh's arguments$/,
        (r) => args(r, 1).push("--rpcapi", "admin,personal"),
    ),
    m(
        "start.sh, admin and personal built in, with no NetworkPolicy",
        "kaleido",
        SEED,
        /^StatefulSet node-set-3: quorum: the seed's start\.sh serves admin, debug, miner, personal on RPC and WS, and no NetworkPolicy isolates its pod/,
        withoutPolicies,
    ),
    m(
        "start.sh, admin and personal built in, behind an allow-all policy",
        "kaleido",
        SEED,
        /^StatefulSet node-set-1: quorum: .*NetworkPolicy allow-all admits every source \(a rule without from\) to port 8545, 8546/,
        networkPolicy({}, [{}]),
    ),
    m(
        "--http.api=eth,admin",
        "dev",
        RPC,
        /^StatefulSet node-set-1: quorum: --http\.api serves admin; remove them from rpcApis/,
        (r) => args(r, 1).splice(args(r, 1).indexOf("--http.api"), 2, "--http.api=eth,admin"),
    ),
    m("--rpcapi eth,personal", "dev", RPC, /^StatefulSet node-set-2: quorum: --rpcapi serves personal;/, (r) =>
        args(r, 2).push("--rpcapi", "eth,personal"),
    ),
    m("--wsapi=debug", "dev", RPC, /node-set-1: quorum: --wsapi serves debug;/, (r) =>
        args(r, 1).push("--wsapi=debug"),
    ),
    m(
        "--ws.api 'eth, admin', a space after the comma",
        "dev",
        RPC,
        /node-set-1: quorum: --ws\.api serves admin;/,
        (r) => setFlag(r, "--ws.api", "eth, admin"),
    ),
    m("-http.api miner, one dash", "dev", RPC, /node-set-1: quorum: --http\.api serves miner;/, (r) =>
        args(r, 1).push("-http.api", "miner"),
    ),
    m(
        "--http.api inside the sh -c script",
        "dev",
        RPC,
        /^StatefulSet node-set-1: quorum: --http\.api serves admin, personal;/,
        (r) => {
            const command = container(r, "quorum-node-1-set", "quorum").command;
            command[2] = command[2].replace('exec geth "$@"', "exec geth \"$@\" --http.api 'admin,personal'");
        },
    ),
    // Pods and containers.
    m(
        "container-level seccompProfile Unconfined",
        "dev",
        HARDENED,
        /^StatefulSet node-set-1: quorum: seccompProfile Unconfined overrides the pod's RuntimeDefault/,
        (r) => (context(r, "quorum-node-1-set", "quorum").seccompProfile = { type: "Unconfined" }),
    ),
    m(
        "pod-level seccompProfile Unconfined",
        "dev",
        HARDENED,
        /^Deployment racecourse-deployment: the pod's seccompProfile must be RuntimeDefault$/,
        (r) => (podSpec(r, "quorum-racecourse-deployment").securityContext.seccompProfile = { type: "Unconfined" }),
    ),
    m(
        "added capabilities",
        "dev",
        HARDENED,
        /^StatefulSet node-set-2: tessera: capabilities\.add NET_ADMIN, SYS_ADMIN gives the container kernel privileges/,
        (r) => (context(r, "quorum-node-2-set", "tessera").capabilities.add = ["NET_ADMIN", "SYS_ADMIN"]),
    ),
    m(
        "a privileged init container",
        "dev",
        HARDENED,
        /^StatefulSet node-set-4: geth-init: privileged must not be true/,
        (r) => (context(r, "quorum-node-4-set", "geth-init").privileged = true),
    ),
    m(
        "hostNetwork",
        "dev",
        HOST,
        /^StatefulSet node-set-1: hostNetwork puts the pod in the cluster node's network namespace/,
        (r) => (podSpec(r, "quorum-node-1-set").hostNetwork = true),
    ),
    m(
        "hostPID",
        "dev",
        HOST,
        /^Deployment racecourse-deployment: hostPID puts the pod in the cluster node's process namespace/,
        (r) => (podSpec(r, "quorum-racecourse-deployment").hostPID = true),
    ),
    m(
        "hostIPC",
        "kaleido",
        HOST,
        /^StatefulSet bootnode-set: hostIPC puts the pod in the cluster node's IPC namespace/,
        (r) => (podSpec(r, "quorum-bootnode-set").hostIPC = true),
    ),
    m(
        "a hostPort",
        "dev",
        HOST,
        /^StatefulSet node-set-1: quorum: hostPort 8545 opens a port of the cluster node/,
        (r) => (container(r, "quorum-node-1-set", "quorum").ports[0].hostPort = 8545),
    ),
    m(
        "runAsUser 0 on the racecourse",
        "dev",
        ROOT,
        /^Deployment racecourse-deployment: racecourse: runAsUser 0 runs it as root; only the members' images need root \(quorum-node: /,
        (r) => (context(r, "quorum-racecourse-deployment", "racecourse").runAsUser = 0),
    ),
    m(
        "runAsNonRoot false on the racecourse pod",
        "dev",
        ROOT,
        /^Deployment racecourse-deployment: racecourse: runAsNonRoot false lets its image run as root/,
        (r) =>
            (podSpec(r, "quorum-racecourse-deployment").securityContext = {
                seccompProfile: { type: "RuntimeDefault" },
                runAsNonRoot: false,
            }),
    ),
    // Host folders.
    m(
        "a pod's hostPath of /",
        "dev",
        PATHS,
        /^StatefulSet node-set-1: volume host: hostPath \/ lies outside the stack's own folders \(\/data\/dev\/qdata_0\.\.qdata_N\)/,
        (r) => podSpec(r, "quorum-node-1-set").volumes.push({ name: "host", hostPath: { path: "/" } }),
    ),
    m(
        "a member's PersistentVolume at /",
        "dev",
        PATHS,
        /^PersistentVolume quorum-qdata-3: hostPath \/ lies outside .*; a member's volume is <hostPathRoot>\/qdata_3$/,
        (r) => (find(r, "quorum-node-3-qdata-pv").spec.hostPath.path = "/"),
    ),
    m(
        "a PersistentVolume climbing out with ..",
        "kaleido",
        PATHS,
        /^PersistentVolume quorum-qdata-2: hostPath \/data\/qdata_2\/\.\.\/\.\.\/etc lies outside/,
        (r) => (find(r, "quorum-node-2-qdata-pv").spec.hostPath.path = "/data/qdata_2/../../etc"),
    ),
    m(
        "a member's volume on another member's folder",
        "dev",
        PATHS,
        /^PersistentVolume quorum-qdata-2: hostPath \/data\/dev\/qdata_1 lies outside/,
        (r) => (find(r, "quorum-node-2-qdata-pv").spec.hostPath.path = "/data/dev/qdata_1"),
    ),
    m(
        "every member's folder under /etc",
        "dev",
        PATHS,
        /^the stack's host folders lie in \/etc, outside the folders minikube keeps for data \(\/data, /,
        moveFolders("/data/dev", "/etc"),
    ),
    // Bare workloads of every kind.
    m(
        "a bare Pod without hardening",
        "dev",
        HARDENED,
        /^Pod intruder: the pod's seccompProfile must be RuntimeDefault$/,
        (r) => add(r, "kubernetes:core/v1:Pod", "intruder", { spec: { ...template(r).spec, securityContext: {} } }),
    ),
    m("a bare Pod as root", "dev", ROOT, /^Pod intruder: racecourse: runAsUser 0 runs it as root/, (r) =>
        add(r, "kubernetes:core/v1:Pod", "intruder", {
            spec: { ...template(r).spec, securityContext: { runAsUser: 0 } },
        }),
    ),
    m("a Job in the host's PID namespace", "dev", HOST, /^Job intruder: hostPID puts the pod/, (r) =>
        add(r, "kubernetes:batch/v1:Job", "intruder", templateWith(r, { hostPID: true })),
    ),
    m(
        "a DaemonSet mounting the kubelet's folder",
        "cluster",
        PATHS,
        /^DaemonSet intruder: volume kubelet: hostPath \/var\/lib\/kubelet lies outside the stack's own folders \(it has none on host folders\)/,
        (r) =>
            add(
                r,
                "kubernetes:apps/v1:DaemonSet",
                "intruder",
                templateWith(r, { volumes: [{ name: "kubelet", hostPath: { path: "/var/lib/kubelet" } }] }),
            ),
    ),
    m("a CronJob serving admin", "dev", RPC, /^CronJob intruder: quorum: --http\.api serves admin;/, (r) => {
        const job = template(r, "quorum-node-5-set");
        job.spec.containers[0].args.push("--http.api", "admin");
        add(r, "kubernetes:batch/v1:CronJob", "intruder", { spec: { jobTemplate: { spec: { template: job } } } });
    }),
    // Keys by name and by content.
    m(
        "a node key under the ConfigMap key ethereum_nodekey",
        "cluster",
        KEYS,
        /^ConfigMap leak holds key material: ethereum_nodekey; put it in a Secret$/,
        configMap({ ethereum_nodekey: "ab" }),
    ),
    m(
        "a node key as hex under another name",
        "cluster",
        KEYS,
        /^ConfigMap leak holds key material: settings \(a 64-hex-digit private key\)/,
        configMap({ settings: `0x${HEX_KEY}\n` }),
    ),
    m(
        "a node key in binaryData",
        "cluster",
        KEYS,
        /^ConfigMap leak holds key material: blob \(a 64-hex-digit private key\)/,
        configMap({}, { blob: Buffer.from(HEX_KEY).toString("base64") }),
    ),
    m(
        "a keystore in a ConfigMap",
        "cluster",
        KEYS,
        /^ConfigMap leak holds key material: account\.json \(an Ethereum keystore\)/,
        configMap({ "account.json": JSON.stringify(KEYSTORE) }),
    ),
    m(
        "a tm.key in the member's own ConfigMap",
        "cluster",
        KEYS,
        /^ConfigMap qdata-1-files holds key material: manager\.json \(a transaction manager private key\)/,
        (r) => (find(r, "quorum-node-1-qdata-files").data["manager.json"] = JSON.stringify(TM_KEY)),
    ),
    m(
        "a node key in an env value",
        "dev",
        KEYS,
        /^StatefulSet node-set-1: quorum: env NODEKEY holds a 64-hex-digit private key/,
        (r) => (container(r, "quorum-node-1-set", "quorum").env = [{ name: "NODEKEY", value: HEX_KEY }]),
    ),
    m(
        "--nodekeyhex on the command line",
        "dev",
        KEYS,
        /^StatefulSet node-set-1: quorum: --nodekeyhex puts the node key in the pod's spec/,
        (r) => args(r, 1).push(`--nodekeyhex=${HEX_KEY}`),
    ),
    // NetworkPolicies add up.
    m(
        "an allow-all NetworkPolicy (- {})",
        "dev",
        ALLOW_ALL,
        /^NetworkPolicy allow-all admits every source \(a rule without from\) to every port of every pod of namespace quorum/,
        networkPolicy({}, [{}]),
    ),
    m(
        "RPC open to 0.0.0.0/0",
        "dev",
        ALLOW_ALL,
        /^NetworkPolicy allow-all admits every source \(ipBlock 0\.0\.0\.0\/0\) to port 8545\/TCP, 8546\/TCP of node-\d, /,
        networkPolicy(NODE_PODS, [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: RPC_PORTS }]),
    ),
    m(
        "RPC open to every namespace",
        "dev",
        ALLOW_ALL,
        /\(namespaceSelector \{\}: every pod of every namespace\) to port 8545/,
        networkPolicy(NODE_PODS, [{ from: [{ namespaceSelector: {} }], ports: RPC_PORTS }]),
    ),
    m(
        "the program's RPC policy without from",
        "dev",
        ALLOW_ALL,
        /^NetworkPolicy quorum-rpc admits every source \(a rule without from\) to port 8545\/TCP, 8546\/TCP of node-/,
        (r) => delete find(r, "quorum-policies-rpc").spec.ingress[0].from,
    ),
    m(
        "no NetworkPolicy at all",
        "dev",
        SELECTS,
        /^no NetworkPolicy selects bootnode: set networkPolicy true$/,
        withoutPolicies,
    ),
    // Disruption budgets against the quorum.
    m(
        "a 7-validator QBFT budget of 4",
        "qbft7",
        BUDGET,
        /^7 validators \(node-1, .*\) spread over cluster nodes need 5 up \(ceil\(2·7\/3\)\), but no .* keeps 5 of them up: quorum-nodes keeps 4$/,

        (r) => (budget(r).minAvailable = 4),
    ),
    m(
        "a budget that selects nothing",
        "qbft7",
        BUDGET,
        /^PodDisruptionBudget quorum-nodes selects no node: its selector matches none of node-1, /,
        (r) => (budget(r).selector = { matchLabels: { app: "none" } }),
    ),
    m("maxUnavailable 3 of 7 validators", "qbft7", BUDGET, /need 5 up .* quorum-nodes keeps 4$/, (r) =>
        Object.assign(budget(r), { minAvailable: undefined, maxUnavailable: 3 }),
    ),
    m(
        "minAvailable 50% of 7 validators",
        "qbft7",
        BUDGET,
        /need 5 up .* quorum-nodes keeps 4$/,
        (r) => (budget(r).minAvailable = "50%"),
    ),
    m(
        "a budget naming 5 of the 7 validators",
        "qbft7",
        BUDGET,
        /^7 validators .* need 5 up .* quorum-nodes keeps 4$/,
        (r) => Object.assign(budget(r), { minAvailable: 4, selector: FIVE_NAMED }),
    ),
    m(
        "minAvailable neither a number nor a percentage",
        "qbft7",
        BUDGET,
        /^PodDisruptionBudget quorum-nodes minAvailable "five" is neither a whole number nor a percentage$/,
        (r) => (budget(r).minAvailable = "five"),
    ),
    m(
        "a Raft budget of 1 of 3",
        "cluster",
        BUDGET,
        /^3 Raft nodes spread over cluster nodes need 2 up \(a majority\), but no PodDisruptionBudget keeps 2 of them up: quorum-nodes keeps 1$/,
        (r) => (budget(r).minAvailable = 1),
    ),
];

describe("the policy pack against mutations of real renders (policy/)", function () {
    this.timeout(120_000);
    const workspace = workspaceFixture({ dev: 5, kaleido: 5, cluster: 3, qbft7: 7 });
    const renders = new Map<string, Resources>();
    const render = (stack: string): Resources => structuredClone(renders.get(stack)!);

    before(async () => {
        // One at a time: the mock engine is process-wide.
        for (const [stack, config] of [
            ["dev", {}],
            ["kaleido", {}],
            ["cluster", {}],
            ["qbft7", QBFT_7],
        ] as const) {
            renders.set(
                stack,
                (await runProgram({ stack, fake: workspace.fake, projectDir: workspace.projectDir, config })).resources,
            );
        }
    });

    it("starts from renders the pack passes", () => {
        for (const stack of renders.keys()) assert.deepEqual(violations(render(stack)), [], stack);
    });

    for (const mutation of MUTATIONS) {
        it(`${mutation.rule} reports ${mutation.what}`, () => {
            const resources = render(mutation.stack);
            mutation.mutate(resources);
            const found = violations(resources);
            const named = found
                .filter((line) => line.startsWith(`${mutation.rule}: `))
                .map((line) => line.slice(mutation.rule.length + 2));
            const reported = `the pack reported:\n${found.join("\n")}`;
            assert.ok(
                named.some((message) => mutation.message.test(message)),
                `expected ${mutation.rule} to report ${mutation.message}; ${reported}`,
            );
        });
    }

    it("judges what a preview knows and leaves out what it cannot know yet", () => {
        const resources = render("dev");
        setFlag(resources, "--http.api", engine.unknownStringValue as string);
        find(resources, "quorum-node-1-qdata-pv").metadata.name = engine.unknownStringValue;
        podSpec(resources, "quorum-node-1-set").hostNetwork = true;
        const hostNetwork = `${HOST}: StatefulSet node-set-1: hostNetwork puts the pod in the cluster node's network namespace; remove it`;
        assert.deepEqual(violations(resources), [hostNetwork]);
    });
});
