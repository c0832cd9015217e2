import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import program = require("../index");
import { FakeHost, REPO_ROOT } from "./support/fakeHost";
import { ProgramRun, RecordedResource, runProgram, stackFixture, workspaceFixture } from "./support/program";
import { named, ofType, seededText } from "./support/query";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const COMMAND = "command:local:Command";
/** The seed's system: its three images, each built by the user. */
const SEED_IMAGES = { runtime: "kaleido", racecourseImage: "test/racecourse" };

describe("stack program under mocks", function () {
    this.timeout(60_000);

    for (const { stack, nodeCount, namespace, bootnodeIp, nodeServiceIp, hostRoot, config } of [
        {
            stack: "kaleido",
            nodeCount: 5,
            namespace: "quorum",
            bootnodeIp: "10.96.0.100",
            nodeServiceIp: "10.96.0.99",
            hostRoot: "/data",
        },
        {
            stack: "small",
            nodeCount: 3,
            namespace: "quorum-small",
            bootnodeIp: "10.96.1.100",
            nodeServiceIp: "10.96.1.99",
            hostRoot: "/data/quorum-small",
            config: SEED_IMAGES,
        },
    ]) {
        describe(`${stack} stack on the seed's images`, () => {
            const fixture = stackFixture(stack, nodeCount, config);
            let run: ProgramRun;
            let projectDir: string;
            before(() => ({ run, projectDir } = fixture));

            it("declares a bootnode and one StatefulSet per node, each on its own PVC", () => {
                const sets = ofType(run, STATEFUL_SET)
                    .map((set) => set.inputs.metadata.name)
                    .sort();
                assert.deepEqual(
                    sets,
                    ["bootnode-set", ...Array.from({ length: nodeCount }, (_, i) => `node-set-${i + 1}`)].sort(),
                );
                const claims = ofType(run, "kubernetes:core/v1:PersistentVolumeClaim");
                assert.equal(claims.length, nodeCount + 1);
                for (const claim of claims) {
                    assert.equal(claim.inputs.metadata.namespace, namespace);
                    assert.equal(claim.inputs.spec.volumeName, `${namespace}-${claim.inputs.metadata.name}`);
                }
            });

            it("puts each member's PV at its host folder, reserved for its claim", () => {
                const volumes = ofType(run, "kubernetes:core/v1:PersistentVolume");
                assert.equal(volumes.length, nodeCount + 1);
                for (let index = 0; index <= nodeCount; index++) {
                    const volume = volumes.find((v) => v.inputs.metadata.name === `${namespace}-qdata-${index}`);
                    assert.ok(volume, `PV for qdata_${index}`);
                    assert.deepEqual(volume.inputs.spec.hostPath, {
                        path: `${hostRoot}/qdata_${index}`,
                        type: "DirectoryOrCreate",
                    });
                    assert.deepEqual(volume.inputs.spec.claimRef, { namespace, name: `qdata-${index}` });
                    assert.equal(volume.inputs.spec.persistentVolumeReclaimPolicy, "Retain");
                }
            });

            it("starts every StatefulSet only after its seeding Command and its PVC", () => {
                for (const set of ofType(run, STATEFUL_SET)) {
                    const member = set.name.replace(/-set$/, "");
                    assert.ok(
                        set.dependsOn.includes(`${member}-qdata-seed`),
                        `${set.name} depends on ${set.dependsOn}`,
                    );
                    assert.ok(set.dependsOn.includes(`${member}-qdata-pvc`), `${set.name} depends on ${set.dependsOn}`);
                    const seed = named(run, `${member}-qdata-seed`);
                    assert.equal(
                        set.inputs.spec.template.metadata.annotations["kaleido.io/seed-id"],
                        seed.inputs.environment.SEED_ID,
                    );
                }
            });

            it("leaves every member's readiness to the rollout step, after all their StatefulSets, which the racecourse waits for", () => {
                const skips = (resource: RecordedResource) =>
                    resource.inputs.metadata.annotations?.["pulumi.com/skipAwait"] === "true";
                const memberServices = ofType(run, "kubernetes:core/v1:Service").filter((s) =>
                    /^quorum-(node-\d+|bootnode)$/.test(s.inputs.metadata.name),
                );
                assert.equal(memberServices.length, nodeCount + 1);
                const sets = ofType(run, STATEFUL_SET);
                for (const resource of [
                    ...memberServices,
                    ...sets,
                    ...ofType(run, "kubernetes:core/v1:PersistentVolumeClaim"),
                ])
                    assert.ok(skips(resource), resource.name);
                for (const resource of [
                    ...ofType(run, "kubernetes:apps/v1:Deployment"),
                    named(run, "quorum-node-service"),
                ])
                    assert.ok(!skips(resource), `${resource.name} must be awaited`);
                assert.deepEqual(
                    [...named(run, "quorum-rollout").dependsOn].sort(),
                    sets.map((set) => set.name).sort(),
                );
                assert.ok(named(run, "quorum-racecourse-deployment").dependsOn.includes("quorum-rollout"));
            });

            it("gives the bootnode its fixed clusterIP on UDP 30301 and runs bootnode on its key", () => {
                const service = named(run, "quorum-bootnode-service");
                assert.equal(service.inputs.spec.clusterIP, bootnodeIp);
                assert.deepEqual(
                    service.inputs.spec.ports.map((p: { protocol: string; port: number }) => `${p.protocol}/${p.port}`),
                    ["UDP/30301"],
                );
                const container = named(run, "quorum-bootnode-set").inputs.spec.template.spec.containers[0];
                assert.deepEqual(container.command, ["bootnode", "-nodekey", "/qdata/nodekey"]);
                assert.equal(container.imagePullPolicy, "IfNotPresent");
            });

            it("gives each node a Service on its own clusterIP with every peer port, selecting only that node", () => {
                for (let index = 1; index <= nodeCount; index++) {
                    const service = named(run, `quorum-node-${index}-service`);
                    assert.equal(service.inputs.spec.clusterIP, run.outputs.nodes[index - 1].ip);
                    assert.equal(service.inputs.spec.publishNotReadyAddresses, true);
                    const ports = service.inputs.spec.ports
                        .map((p: { protocol: string; port: number }) => `${p.protocol}/${p.port}`)
                        .sort();
                    assert.deepEqual(
                        ports,
                        ["TCP/30303", "TCP/50400", "TCP/8545", "TCP/8546", "TCP/9000", "UDP/30303"].sort(),
                    );
                    const podLabels = named(run, `quorum-node-${index}-set`).inputs.spec.template.metadata.labels;
                    for (const [key, value] of Object.entries(service.inputs.spec.selector))
                        assert.equal(podLabels[key], value);
                    const other = named(run, `quorum-node-${(index % nodeCount) + 1}-set`).inputs.spec.template.metadata
                        .labels;
                    if (nodeCount > 1)
                        assert.ok(
                            Object.entries(service.inputs.spec.selector).some(([key, value]) => other[key] !== value),
                        );
                }
            });

            it("runs start.sh against the bootnode enode derived from qdata_0/nodekey", () => {
                const quorum = named(run, "quorum-node-1-set").inputs.spec.template.spec.containers.find(
                    (c: { name: string }) => c.name === "quorum",
                );
                assert.deepEqual(quorum.args, [
                    "start.sh",
                    `--bootnode=${run.outputs.bootnodeEnode}`,
                    "--raftInit",
                    "--networkid",
                    "2018",
                ]);
                assert.match(
                    run.outputs.bootnodeEnode,
                    new RegExp(`^enode://[0-9a-f]{128}@${bootnodeIp.replace(/\./g, "\\.")}:30301$`),
                );
            });

            it("probes the quorum rpc port and constellation's upcheck, within resource limits", () => {
                const containers = named(run, "quorum-node-2-set").inputs.spec.template.spec.containers;
                const byName = Object.fromEntries(containers.map((c: { name: string }) => [c.name, c]));
                assert.deepEqual(byName.quorum.readinessProbe.tcpSocket, { port: 8545 });
                assert.deepEqual(byName.quorum.livenessProbe.tcpSocket, { port: 8545 });
                assert.deepEqual(byName.constellation.readinessProbe.httpGet, { path: "/upcheck", port: 9000 });
                assert.deepEqual(byName.quorum.resources, {
                    requests: { cpu: "250m", memory: "512Mi" },
                    limits: { cpu: "1", memory: "1Gi" },
                });
                for (const container of containers)
                    assert.deepEqual(container.volumeMounts, [{ name: "qdata", mountPath: "/qdata" }]);
            });

            it("balances rpc and ws over all nodes at the node Service IP", () => {
                const service = named(run, "quorum-node-service");
                assert.equal(service.inputs.spec.clusterIP, nodeServiceIp);
                assert.deepEqual(
                    service.inputs.spec.ports.map((p: { port: number }) => p.port),
                    [8545, 8546],
                );
                for (let index = 1; index <= nodeCount; index++) {
                    const podLabels = named(run, `quorum-node-${index}-set`).inputs.spec.template.metadata.labels;
                    for (const [key, value] of Object.entries(service.inputs.spec.selector))
                        assert.equal(podLabels[key], value);
                }
                const racecourseLabels = named(run, "quorum-racecourse-deployment").inputs.spec.template.metadata
                    .labels;
                assert.ok(
                    Object.entries(service.inputs.spec.selector).some(
                        ([key, value]) => racecourseLabels[key] !== value,
                    ),
                );
                assert.equal(run.outputs.rpcEndpoint, `http://${nodeServiceIp}:8545`);
            });

            it("routes / through an nginx Ingress to racecourse port 3000, and points racecourse at the node Service", () => {
                const ingress = named(run, "quorum-racecourse-ingress");
                assert.equal(ingress.inputs.spec.ingressClassName, "nginx");
                const rulePath = ingress.inputs.spec.rules[0].http.paths[0];
                assert.equal(rulePath.path, "/");
                assert.deepEqual(rulePath.backend.service, { name: "racecourse-service", port: { number: 3000 } });
                assert.ok(ingress.dependsOn.includes("quorum-minikube-ingress-addon"));
                const container = named(run, "quorum-racecourse-deployment").inputs.spec.template.spec.containers[0];
                assert.deepEqual(
                    container.env.find((e: { name: string }) => e.name === "QUORUM_RPC_URL"),
                    { name: "QUORUM_RPC_URL", value: `http://${nodeServiceIp}:8545` },
                );
                assert.deepEqual(container.readinessProbe.httpGet, { path: "/", port: 3000 });
            });

            it("binds every Kubernetes resource to the stack's provider and labels it", () => {
                const provider = ofType(run, "pulumi:providers:kubernetes");
                assert.equal(provider.length, 1);
                assert.equal(provider[0].inputs.context, "minikube");
                assert.equal(provider[0].inputs.namespace, namespace);
                for (const resource of run.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
                    assert.equal(
                        resource.inputs.metadata.labels["app.kubernetes.io/part-of"],
                        "kaleido-quorum",
                        resource.name,
                    );
                    assert.equal(
                        resource.inputs.metadata.labels["app.kubernetes.io/managed-by"],
                        "pulumi",
                        resource.name,
                    );
                }
            });

            it("exports the endpoints and addresses, and nothing secret", () => {
                assert.equal(run.outputs.namespace, namespace);
                assert.equal(run.outputs.nodes.length, nodeCount);
                assert.equal(run.outputs.ingressAddress, "192.168.49.2");
                const text = JSON.stringify(run.outputs);
                for (const secret of secretValues(projectDir, stack))
                    assert.ok(!text.includes(secret), "an output holds key material");
                const commands = JSON.stringify(ofType(run, COMMAND).map((c) => c.inputs));
                for (const secret of secretValues(projectDir, stack))
                    assert.ok(!commands.includes(secret), "a Command input holds key material");
            });
        });
    }
});

/** Private keys as they appear in the generated files: nodekeys and constellation keys. */
function secretValues(projectDir: string, stack: string): string[] {
    const root = `${projectDir}/.keys/${stack}`;
    const values: string[] = [fs.readFileSync(`${root}/qdata_0/nodekey`, "utf8")];
    for (const member of fs.readdirSync(root).filter((name) => name !== "qdata_0")) {
        values.push(fs.readFileSync(`${root}/${member}/ethereum/nodekey`, "utf8"));
        values.push(JSON.parse(fs.readFileSync(`${root}/${member}/constellation/tm.key`, "utf8")).data.bytes);
    }
    return values;
}

describe("ibft stack under mocks (4 validators + 1, Pulumi.ibft.yaml)", function () {
    this.timeout(60_000);
    const fixture = stackFixture("ibft", 5);
    let run: ProgramRun;
    let projectDir: string;
    before(() => ({ run, projectDir } = fixture));

    it("starts every node with the boot script's IBFT flags and no Raft flag", () => {
        for (let index = 1; index <= 5; index++) {
            const quorum = named(run, `quorum-node-${index}-set`).inputs.spec.template.spec.containers.find(
                (c: { name: string }) => c.name === "quorum",
            );
            assert.deepEqual(quorum.args, [
                "start.sh",
                `--bootnode=${run.outputs.bootnodeEnode}`,
                "--ibft",
                "--blockperiod=1",
                "--roundChangeTimer=11000",
                "--networkid",
                "2018",
            ]);
            assert.ok(
                !quorum.ports.some((port: { containerPort: number }) => port.containerPort === 50400),
                "a Raft port on an IBFT node",
            );
        }
    });

    it("opens no Raft port in the node Services and names no raftport in static-nodes.json", () => {
        const ports = named(run, "quorum-node-1-service")
            .inputs.spec.ports.map((p: { protocol: string; port: number }) => `${p.protocol}/${p.port}`)
            .sort();
        assert.deepEqual(ports, ["TCP/30303", "TCP/8545", "TCP/8546", "TCP/9000", "UDP/30303"].sort());
        const staticNodes: string[] = JSON.parse(seededText(run, 1, "ethereum/static-nodes.json")!);
        assert.equal(staticNodes.length, 5);
        for (const enode of staticNodes)
            assert.match(enode, /^enode:\/\/[0-9a-f]{128}@10\.96\.2\.10\d:30303\?discport=0$/);
    });

    it("generates an Istanbul genesis naming nodes 1-4 as validators, and says so in the outputs", () => {
        const genesis = JSON.parse(
            fs.readFileSync(path.join(projectDir, ".keys/ibft/qdata_1/ethereum/genesis.json"), "utf8"),
        );
        assert.equal(genesis.mixHash, "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365");
        assert.equal(genesis.extraData.length, 2 + 64 + 2 * (2 + 2 + 4 * 21 + 2));
        assert.deepEqual(run.outputs.consensus, {
            kind: "ibft",
            validators: 4,
            blockPeriod: 1,
            roundChangeTimerMs: 11000,
            ceil2Nby3Block: 0,
        });
    });
});

describe("minikube set-up resources", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ small: 3 });
    let fake: FakeHost;
    let projectDir: string;
    before(() => ({ fake, projectDir } = workspace));

    it("loads each image once, keyed on its local id, before the workloads that run it", async () => {
        fake.setLocalImage("jpmorganchase/quorum", "sha256:" + "a".repeat(64));
        const run = await runProgram({ stack: "small", fake, projectDir, config: SEED_IMAGES });
        const loads = ofType(run, COMMAND).filter((command) => command.name.includes("-image-"));
        assert.deepEqual(loads.map((load) => load.inputs.environment.IMAGE).sort(), [
            "jpmorganchase/constellation",
            "jpmorganchase/quorum",
            "test/racecourse",
        ]);
        const quorumLoad = loads.find((load) => load.inputs.environment.IMAGE === "jpmorganchase/quorum")!;
        assert.deepEqual(quorumLoad.inputs.triggers, ["sha256:" + "a".repeat(64)]);
        assert.deepEqual(loads.find((load) => load.inputs.environment.IMAGE === "test/racecourse")!.inputs.triggers, [
            "absent",
        ]);
        assert.ok(named(run, "quorum-bootnode-set").dependsOn.includes(quorumLoad.name));
        const nodeDeps = named(run, "quorum-node-1-set").dependsOn;
        assert.ok(
            nodeDeps.includes(quorumLoad.name) && nodeDeps.some((dep) => dep.endsWith("jpmorganchase-constellation")),
            nodeDeps.join(),
        );
        const racecourseDeps = named(run, "quorum-racecourse-deployment").dependsOn;
        assert.ok(racecourseDeps.some((dep) => dep.endsWith("test-racecourse")));
        assert.ok(racecourseDeps.includes("quorum-rollout"), "started once every node is back");
        assert.ok(run.resources.some((resource) => resource.name === "quorum-generated-keys"));
    });

    it("declares no image loads or addon when config turns them off", async () => {
        const run = await runProgram({
            stack: "small",
            fake,
            projectDir,
            config: { loadImages: "false", enableIngressAddon: "false" },
        });
        assert.deepEqual(
            ofType(run, COMMAND)
                .filter((command) => !command.name.endsWith("-seed"))
                .map((command) => command.name),
            ["quorum-generated-keys", "quorum-rollout"],
        );
        assert.deepEqual(named(run, "quorum-racecourse-ingress").dependsOn, []);
    });
});

describe("index.ts, as Pulumi runs it", function () {
    this.timeout(60_000);
    const keys = path.join(REPO_ROOT, ".keys", "index-test");
    after(() => fs.rmSync(keys, { recursive: true, force: true }));

    it("exports an async program that generates keys beside it and returns the network outputs", async () => {
        // The mock runs invokes through the fake host, which puts its fakes on their PATH; the
        // program's own kubectl reads find them there too.
        const fake = new FakeHost();
        try {
            await pulumi.runtime.setMocks(
                {
                    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
                    call: (args) => {
                        const result = fake.sh(args.inputs.command, args.inputs.environment);
                        return { stdout: result.stdout, stderr: result.stderr };
                    },
                },
                "kaleido-quorum",
                "index-test",
                false,
            );
            pulumi.runtime.setAllConfig({ "kaleido-quorum:nodeCount": "1" }, []);
            const outputs = await fake.withFakesOnPath(() => program());
            assert.equal(outputs.nodes.length, 1);
            assert.equal(outputs.rpcEndpoint, "http://10.96.0.99:8545");
            assert.ok(fs.existsSync(path.join(keys, "qdata_1/ethereum/nodekey")));
        } finally {
            fake.dispose();
        }
    });
});
