import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeHost } from "./support/fakeHost";
import { makeWorkspace, ProgramRun, runProgram, stackFixture, Workspace } from "./support/program";
import { SECRET_SIG_VALUE, SECRET_SIGNATURE } from "./support/schemas";
import { pregenerateKeys } from "./support/workspace";
import { named, ofType } from "./support/query";

describe("platform kubernetes under mocks (Pulumi.cluster.yaml)", function () {
    this.timeout(60_000);
    const fixture = stackFixture("cluster", 3);
    let run: ProgramRun;
    let fake: FakeHost;
    let projectDir: string;
    before(() => ({ run, fake, projectDir } = fixture));

    it("uses the namespace that exists already and declares none, so a destroy leaves it (createNamespace false)", () => {
        assert.equal(ofType(run, "kubernetes:core/v1:Namespace").length, 0);
        assert.equal(named(run, "quorum-node-1-set").inputs.metadata.namespace, "quorum");
        assert.ok(
            fake.calls().includes("kubectl --context my-cluster get namespace quorum"),
            "the preflight checked the namespace",
        );
    });

    it("runs no minikube at all: no preflight of it, image load, addon, PV or seeding Command", () => {
        assert.ok(
            !fake.calls().some((call) => call.startsWith("minikube") || call.startsWith("docker")),
            fake.calls().join("\n"),
        );
        assert.deepEqual(
            ofType(run, "command:local:Command").map((r) => r.name),
            ["quorum-generated-keys", "quorum-rollout"],
        );
        assert.equal(ofType(run, "kubernetes:core/v1:PersistentVolume").length, 0);
        assert.ok(
            fake.calls().includes("kubectl --context my-cluster get --raw /readyz"),
            "the preflight checked the kube context",
        );
    });

    it("claims each member's volume from the default StorageClass", () => {
        const claims = ofType(run, "kubernetes:core/v1:PersistentVolumeClaim");
        assert.deepEqual(claims.map((c) => c.inputs.metadata.name).sort(), [
            "qdata-0",
            "qdata-1",
            "qdata-2",
            "qdata-3",
        ]);
        for (const claim of claims) {
            assert.equal(claim.inputs.spec.storageClassName, undefined);
            assert.equal(claim.inputs.spec.resources.requests.storage, "1Gi");
            assert.equal(claim.inputs.spec.volumeName, undefined);
        }
    });

    it("puts key material in a Secret and public files in a ConfigMap, nothing of one in the other", () => {
        const registered = named(run, "quorum-node-1-qdata-keys").inputs.data;
        // The engine's wire form of a secret: the data is a Pulumi secret from the start.
        assert.equal(registered[SECRET_SIGNATURE], SECRET_SIG_VALUE, "the Secret's data is not a Pulumi secret");
        const keys: Record<string, string> = registered.value;
        const files = named(run, "quorum-node-1-qdata-files").inputs;
        const member = path.join(projectDir, ".keys/cluster/qdata_1");
        const nodekey = fs.readFileSync(path.join(member, "ethereum/nodekey"));
        assert.equal(keys.ethereum_nodekey, nodekey.toString("base64"));
        assert.ok(Object.keys(keys).some((key) => key.startsWith("ethereum_keystore_UTC--")));
        assert.deepEqual(
            Object.keys(keys)
                .sort()
                .filter((key) => !key.startsWith("ethereum_keystore_")),
            ["constellation_tm.key", "ethereum_nodekey", "ethereum_passwords.txt"],
        );
        assert.deepEqual(Object.keys(files.data).sort(), [
            "constellation_tm.pub",
            "ethereum_genesis.json",
            "kaleido-runtime",
            "node-seed.sh",
        ]);
        const peers = named(run, "quorum-node-1-qdata-peers").inputs;
        assert.deepEqual(Object.keys(peers.data).sort(), [
            "constellation_tm.conf",
            "ethereum_permissioned-nodes.json",
            "ethereum_static-nodes.json",
        ]);
        for (const configMap of [files, peers])
            assert.ok(!JSON.stringify(configMap.data).includes(nodekey.toString("utf8")), "a node key in a ConfigMap");
        assert.deepEqual(Object.keys(named(run, "quorum-bootnode-qdata-keys").inputs.data.value), ["nodekey"]);
    });

    it("seeds in the pod: an init container lays the projected Secret and ConfigMap into the volume with node-seed.sh", () => {
        const pod = named(run, "quorum-node-2-set").inputs.spec.template.spec;
        const [seed] = pod.initContainers;
        const seedId = named(run, "quorum-node-2-set").inputs.spec.template.metadata.annotations["kaleido.io/seed-id"];
        assert.deepEqual(seed.command, ["sh", "/seed-script/node-seed.sh", "/seed", "/volume/qdata", seedId, "/peers"]);
        assert.equal(seed.image, "registry.example.com/kaleido/quorum:latest");
        const projected = pod.volumes.find((v: { name: string }) => v.name === "seed").projected.sources;
        const paths = projected.flatMap(
            (source: {
                secret?: { items: { path: string; mode: number }[] };
                configMap?: { items: { path: string; mode: number }[] };
            }) => (source.secret ?? source.configMap)?.items ?? [],
        );
        assert.ok(
            paths.some(
                (item: { path: string; mode: number }) => item.path === "ethereum/nodekey" && item.mode === 0o600,
            ),
        );
        assert.ok(
            paths.some(
                (item: { path: string; mode: number }) => item.path === "ethereum/genesis.json" && item.mode === 0o644,
            ),
        );
        assert.ok(
            !paths.some((item: { path: string }) => item.path === "ethereum/static-nodes.json"),
            "the peer list is copied, not linked",
        );
        // The peer list as the kubelet keeps it current, never through a subPath (which it does not refresh).
        const peers = pod.volumes.find((v: { name: string }) => v.name === "peers").configMap;
        assert.equal(peers.name, "qdata-2-peers");
        assert.ok(
            peers.items.some(
                (item: { path: string; mode: number }) =>
                    item.path === "ethereum/permissioned-nodes.json" && item.mode === 0o644,
            ),
        );
        const mounts = [
            { name: "qdata", mountPath: "/qdata", subPath: "qdata" },
            { name: "peers", mountPath: "/peers", readOnly: true },
        ];
        for (const container of pod.containers) assert.deepEqual(container.volumeMounts, mounts);
        assert.deepEqual(named(run, "quorum-node-2-set").dependsOn.sort(), [
            "quorum-node-2-qdata-files",
            "quorum-node-2-qdata-keys",
            "quorum-node-2-qdata-peers",
            "quorum-node-2-qdata-pvc",
        ]);
    });

    it("spreads the nodes over the cluster's hosts and keeps a Raft majority through drains", () => {
        const pod = named(run, "quorum-node-1-set").inputs.spec.template.spec;
        assert.deepEqual(pod.topologySpreadConstraints, [
            {
                maxSkew: 1,
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: "DoNotSchedule",
                nodeTaintsPolicy: "Honor",
                labelSelector: {
                    matchLabels: {
                        "app.kubernetes.io/name": "quorum-node",
                        "app.kubernetes.io/part-of": "kaleido-quorum",
                    },
                },
            },
        ]);
        const budget = named(run, "quorum-nodes-budget").inputs;
        assert.equal(budget.spec.minAvailable, 2);
        assert.deepEqual(budget.spec.selector.matchLabels, pod.topologySpreadConstraints[0].labelSelector.matchLabels);
    });

    it("pulls every image with the configured pull Secrets", () => {
        for (const name of ["quorum-bootnode-set", "quorum-node-1-set", "quorum-racecourse-deployment"]) {
            assert.deepEqual(
                named(run, name).inputs.spec.template.spec.imagePullSecrets,
                [{ name: "registry-credentials" }],
                name,
            );
        }
    });

    it("routes the Ingress host with the configured class, and reports its URL", () => {
        const ingress = named(run, "quorum-racecourse-ingress").inputs.spec;
        assert.equal(ingress.ingressClassName, "nginx");
        assert.equal(ingress.rules[0].host, "racecourse.example.com");
        assert.equal(ingress.tls, undefined);
        assert.equal(run.outputs.racecourseUrl, "http://racecourse.example.com/");
    });
});

describe("platform kubernetes: IBFT budget, TLS and preflight", function () {
    this.timeout(60_000);
    let workspace: Workspace;
    let fake: FakeHost;
    let projectDir: string;
    beforeEach(async () => {
        workspace = makeWorkspace();
        ({ fake, projectDir } = workspace);
        fake.setContexts(["my-cluster"]);
        await pregenerateKeys(projectDir, "cluster", 4);
    });
    afterEach(() => workspace.dispose());

    it("keeps the IBFT validators' quorum up, counting only validators, and serves HTTPS with a TLS Secret", async () => {
        const run = await runProgram({
            stack: "cluster",
            fake,
            projectDir,
            config: { nodeCount: "4", consensus: "ibft", validators: "4", ingressTlsSecret: "racecourse-tls" },
        });
        const budget = named(run, "quorum-nodes-budget").inputs.spec;
        assert.equal(budget.minAvailable, 3);
        assert.deepEqual(budget.selector.matchExpressions, [
            { key: "app.kubernetes.io/instance", operator: "In", values: ["node-1", "node-2", "node-3", "node-4"] },
        ]);
        assert.deepEqual(named(run, "quorum-racecourse-ingress").inputs.spec.tls, [
            { hosts: ["racecourse.example.com"], secretName: "racecourse-tls" },
        ]);
        assert.equal(run.outputs.racecourseUrl, "https://racecourse.example.com/");
    });

    const failures: [string, (fake: FakeHost) => void, Record<string, string>, RegExp][] = [
        [
            "an unknown context",
            (f) => f.setContexts(["kind-kind", "prod"]),
            {},
            /preflight: kube context my-cluster is not in your kubeconfig: set kubeContext to one of: kind-kind, prod/,
        ],
        [
            "an API server that does not answer",
            (f) => fs.mkdirSync(path.join(f.state, "kube/unreachable"), { recursive: true }),
            {},
            /preflight: the API server of kube context my-cluster does not answer/,
        ],
        [
            "no default StorageClass",
            (f) => writeClasses(f, "fast \nslow "),
            {},
            /preflight: kube context my-cluster has no default StorageClass: set storageClassName to one of: fast, slow/,
        ],
        [
            "an unknown StorageClass",
            (f) => writeClasses(f, "standard true"),
            { storageClassName: "gold" },
            /preflight: StorageClass gold does not exist in kube context my-cluster: set storageClassName to one of: standard/,
        ],
        [
            "a namespace to use that does not exist",
            (f) => f.setNamespaces(["default"]),
            {},
            /preflight: namespace quorum does not exist in kube context my-cluster and createNamespace is false: create it/,
        ],
    ];
    for (const [what, arrange, config, message] of failures) {
        it(`stops before creating anything on ${what}, in one line`, async () => {
            arrange(fake);
            await assert.rejects(runProgram({ stack: "cluster", fake, projectDir, config }), (error: Error) =>
                message.test(error.message),
            );
        });
    }

    it("creates the namespace, and so deletes it on destroy, with createNamespace true", async () => {
        const run = await runProgram({
            stack: "cluster",
            fake,
            projectDir,
            config: { createNamespace: "true", namespace: "quorum-new" },
        });
        assert.deepEqual(
            ofType(run, "kubernetes:core/v1:Namespace").map((ns) => ns.inputs.metadata.name),
            ["quorum-new"],
        );
    });

    it("goes on, saying so, when the user may not list StorageClasses (a namespace-bound team)", async () => {
        fs.writeFileSync(path.join(fake.state, "kube/storageclasses-forbidden"), "");
        const check = fake.sh("bash scripts/cluster-preflight.sh", {
            KUBE_CONTEXT: "my-cluster",
            STORAGE_CLASS: "gold",
            NAMESPACE: "quorum",
            CREATE_NAMESPACE: "false",
        });
        assert.equal(check.status, 0, check.stderr);
        assert.match(
            check.stderr,
            /preflight: cannot list StorageClasses in kube context my-cluster \(no permission\?\); not checking storageClassName/,
        );
        const run = await runProgram({ stack: "cluster", fake, projectDir, config: { storageClassName: "gold" } });
        assert.equal(
            run.resources.find((r) => r.name === "quorum-node-1-qdata-pvc")?.inputs.spec.storageClassName,
            "gold",
        );
    });

    it("refuses minikube-only keys on kubernetes, and storageClassName on minikube", async () => {
        await assert.rejects(
            runProgram({ stack: "cluster", fake, projectDir, config: { hostPathRoot: "/data/quorum" } }),
            /hostPathRoot: only used with platform minikube; remove it or set platform to minikube/,
        );
        await assert.rejects(
            runProgram({ stack: "dev", fake, projectDir, config: { storageClassName: "standard" } }),
            /storageClassName: only used with platform kubernetes/,
        );
    });
});

function writeClasses(fake: FakeHost, lines: string): void {
    fs.mkdirSync(path.join(fake.state, "kube"), { recursive: true });
    fs.writeFileSync(path.join(fake.state, "kube/storageclasses"), lines + "\n");
}

describe("node-seed.sh from a projected volume (the init container)", () => {
    let work: string;
    let fake: FakeHost;
    beforeEach(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "kq-projected-"));
        fake = new FakeHost();
        // As the kubelet lays a projected volume out: files in a timestamped folder, ..data linking to it, top-level links.
        const stamped = path.join(work, "seed", "..2026_11_25");
        fs.mkdirSync(path.join(stamped, "ethereum"), { recursive: true });
        fs.mkdirSync(path.join(stamped, "constellation"), { recursive: true });
        fs.writeFileSync(path.join(stamped, "ethereum/nodekey"), "ab".repeat(32), { mode: 0o600 });
        fs.writeFileSync(path.join(stamped, "ethereum/genesis.json"), "{}", { mode: 0o644 });
        fs.writeFileSync(path.join(stamped, "constellation/tm.pub"), "pub", { mode: 0o644 });
        fs.symlinkSync("..2026_11_25", path.join(work, "seed", "..data"));
        fs.symlinkSync("..data/ethereum", path.join(work, "seed", "ethereum"));
        fs.symlinkSync("..data/constellation", path.join(work, "seed", "constellation"));
        // The peer list ConfigMap's volume, laid out the same way.
        const peers = path.join(work, "peers", "..2026_11_25");
        fs.mkdirSync(path.join(peers, "ethereum"), { recursive: true });
        fs.mkdirSync(path.join(peers, "constellation"), { recursive: true });
        for (const file of ["ethereum/static-nodes.json", "ethereum/permissioned-nodes.json"])
            fs.writeFileSync(path.join(peers, file), "[]", { mode: 0o644 });
        fs.writeFileSync(path.join(peers, "constellation/tm.conf"), "url = x", { mode: 0o644 });
        fs.symlinkSync("..2026_11_25", path.join(work, "peers", "..data"));
        fs.symlinkSync("..data/ethereum", path.join(work, "peers", "ethereum"));
        fs.symlinkSync("..data/constellation", path.join(work, "peers", "constellation"));
    });
    afterEach(() => {
        fs.rmSync(work, { recursive: true, force: true });
        fake.dispose();
    });
    const seed = (id: string) =>
        fake.sh(`sh scripts/node-seed.sh ${work}/seed ${work}/volume/qdata ${id} ${work}/peers`);

    it("copies the tree, not the kubelet's hidden folders, keeping key modes, and marks the seed", () => {
        const result = seed("one");
        assert.equal(result.status, 0, result.stderr);
        const target = path.join(work, "volume/qdata");
        assert.deepEqual(fs.readdirSync(target).sort(), [".kaleido-seed-id", "constellation", "ethereum", "logs"]);
        assert.equal(fs.lstatSync(path.join(target, "ethereum")).isDirectory(), true, "copied a link, not the folder");
        assert.equal(fs.statSync(path.join(target, "ethereum/nodekey")).mode & 0o777, 0o600);
        assert.equal(fs.statSync(path.join(target, "ethereum/genesis.json")).mode & 0o777, 0o644);
        assert.ok(fs.existsSync(path.join(target, "constellation/storage")));
        assert.ok(fs.existsSync(path.join(work, "seed/ethereum/nodekey")), "the read-only source was touched");
    });

    it("links the peer list into the volume, so a refreshed ConfigMap reaches the running containers", () => {
        const target = path.join(work, "volume/qdata");
        assert.equal(seed("one").status, 0);
        for (const file of [
            "ethereum/static-nodes.json",
            "ethereum/permissioned-nodes.json",
            "constellation/tm.conf",
        ]) {
            assert.equal(fs.readlinkSync(path.join(target, file)), `${work}/peers/${file}`, file);
        }
        assert.ok(!fs.existsSync(path.join(target, "tessera")), "linked a peer file the member does not have");
        // The kubelet's refresh: a new timestamped folder and ..data swapped to it.
        fs.cpSync(path.join(work, "peers", "..2026_11_25"), path.join(work, "peers", "..2026_11_26"), {
            recursive: true,
        });
        fs.writeFileSync(
            path.join(work, "peers", "..2026_11_26", "ethereum/permissioned-nodes.json"),
            '["enode://new"]',
        );
        fs.rmSync(path.join(work, "peers", "..data"));
        fs.symlinkSync("..2026_11_26", path.join(work, "peers", "..data"));
        assert.equal(fs.readFileSync(path.join(target, "ethereum/permissioned-nodes.json"), "utf8"), '["enode://new"]');
    });

    it("is a no-op for the same seed, and moves aside its own older seed and a folder it did not seed", () => {
        const target = path.join(work, "volume/qdata");
        seed("one");
        fs.mkdirSync(path.join(target, "ethereum/geth"));
        assert.match(seed("one").stdout, /unchanged/);
        assert.ok(fs.existsSync(path.join(target, "ethereum/geth")));
        fs.writeFileSync(path.join(work, "seed", "..2026_11_25", "ethereum/genesis.json"), '{"another":"chain"}');
        assert.match(
            seed("two").stdout,
            /moved the earlier seed in \S*qdata, chain data included, to \S*qdata\.earlier-seed\.\d+/,
        );
        assert.ok(!fs.existsSync(path.join(target, "ethereum/geth")), "chain data stayed in the new seed's folder");
        assert.equal(
            fs.readdirSync(path.join(work, "volume")).filter((entry) => entry.startsWith("qdata.earlier-seed.")).length,
            1,
        );
        fs.rmSync(path.join(target, ".kaleido-seed-id"));
        const result = seed("three");
        assert.match(result.stdout, /moved the folder's earlier content to .*qdata\.before-kaleido-quorum\./);
        assert.equal(
            fs
                .readdirSync(path.join(work, "volume"))
                .filter((entry) => entry.startsWith("qdata.before-kaleido-quorum.")).length,
            1,
        );
    });
});
