// NetworkPolicies as the program renders them, and the rpcClients key.
import { HELPER_LABELS, helperPodOverrides } from "../lib/kubernetes/helperPod";
import { strict as assert } from "assert";
import { parsePeerSelector } from "../lib/config/networkPolicy";
import { ConfigError, validateConfig } from "../lib/config/validate";
import { ProgramRun, runProgram, stackFixture, workspaceFixture } from "./support/program";
import { named, ofType } from "./support/query";

const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
type Spec = {
    podSelector: unknown;
    policyTypes: string[];
    ingress: { from: unknown[]; ports: { protocol: string; port: number }[] }[];
};
const specOf = (run: ProgramRun, suffix: string) => named(run, `quorum-policies-${suffix}`).inputs.spec as Spec;
const ports = (spec: Spec) => spec.ingress.flatMap((rule) => rule.ports.map((p) => `${p.protocol}/${p.port}`)).sort();
const MEMBERS = {
    matchLabels: { "app.kubernetes.io/part-of": "kaleido-quorum" },
    matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["quorum-node", "quorum-bootnode"] }],
};
const RACECOURSE = {
    matchLabels: { "app.kubernetes.io/name": "racecourse", "app.kubernetes.io/instance": "racecourse" },
};

describe("NetworkPolicies (kaleido stack, Raft, the seed's images)", function () {
    this.timeout(60_000);
    const fixture = stackFixture("kaleido", 5);

    it("isolates the network's pods' ingress only (egress stays open), in three policies", () => {
        const policies = ofType(fixture.run, POLICY).filter((p) => p.inputs.metadata.name !== "quorum-helpers");
        assert.deepEqual(policies.map((p) => p.inputs.metadata.name).sort(), [
            "quorum-members",
            "quorum-racecourse",
            "quorum-rpc",
        ]);
        for (const policy of policies) assert.deepEqual(policy.inputs.spec.policyTypes, ["Ingress"]);
    });

    it("cuts the volume-copying helpers of backup and restore off the network, both ways", () => {
        const spec = specOf(fixture.run, "helpers");
        assert.deepEqual(spec.podSelector, { matchLabels: HELPER_LABELS });
        assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual([spec.ingress, (spec as { egress?: unknown[] }).egress], [[], []]);
        const overrides = JSON.parse(
            helperPodOverrides({
                claim: "qdata-1",
                image: "registry.example.com/q:1",
                imagePullPolicy: "Always",
                imagePullSecrets: ["registry-credentials"],
                readOnly: true,
            }),
        );
        assert.deepEqual(overrides.metadata.labels, HELPER_LABELS);
        assert.deepEqual(overrides.spec.imagePullSecrets, [{ name: "registry-credentials" }]);
        assert.equal(overrides.spec.containers[0].imagePullPolicy, "Always");
        assert.deepEqual(overrides.spec.containers[0].resources.requests, { cpu: "50m", memory: "64Mi" });
        assert.equal(overrides.spec.automountServiceAccountToken, false);
    });

    it("lets only members reach members, on p2p, Raft, discovery and constellation's port", () => {
        const spec = specOf(fixture.run, "members");
        assert.deepEqual(spec.podSelector, MEMBERS);
        assert.deepEqual(
            spec.ingress.map((rule) => rule.from),
            [[{ podSelector: MEMBERS }]],
        );
        assert.deepEqual(ports(spec), ["TCP/30303", "TCP/50400", "TCP/9000", "UDP/30301", "UDP/30303"].sort());
    });

    it("lets only the racecourse reach the nodes' RPC and WS, and only the ingress controller reach the racecourse", () => {
        const rpc = specOf(fixture.run, "rpc");
        assert.deepEqual(rpc.podSelector, {
            matchLabels: { "app.kubernetes.io/name": "quorum-node", "app.kubernetes.io/part-of": "kaleido-quorum" },
        });
        assert.deepEqual(
            rpc.ingress.map((rule) => rule.from),
            [[{ podSelector: RACECOURSE }]],
        );
        assert.deepEqual(ports(rpc), ["TCP/8545", "TCP/8546"]);
        const racecourse = specOf(fixture.run, "racecourse");
        assert.deepEqual(racecourse.podSelector, RACECOURSE);
        assert.deepEqual(
            racecourse.ingress.map((rule) => rule.from),
            [[{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }]],
        );
        assert.deepEqual(ports(racecourse), ["TCP/3000"]);
    });
});

describe("NetworkPolicies under other settings", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ goquorum: 5 });
    const render = (config: Record<string, string>) =>
        runProgram({ stack: "goquorum", fake: workspace.fake, projectDir: workspace.projectDir, config });

    it("QBFT on GoQuorum: no Raft port, Tessera's peer port, rpcClients among the RPC peers", async () => {
        const run = await render({
            rpcClients: JSON.stringify(["app=explorer", "namespace:team=dapps", "namespace:team=dapps app=wallet"]),
            ingressNamespace: "traefik",
        });
        assert.deepEqual(ports(specOf(run, "members")), ["TCP/30303", "TCP/9000", "UDP/30301", "UDP/30303"].sort());
        assert.deepEqual(specOf(run, "rpc").ingress[0].from, [
            { podSelector: RACECOURSE },
            { podSelector: { matchLabels: { app: "explorer" } } },
            { namespaceSelector: { matchLabels: { team: "dapps" } } },
            { podSelector: { matchLabels: { app: "wallet" } }, namespaceSelector: { matchLabels: { team: "dapps" } } },
        ]);
        assert.deepEqual(specOf(run, "racecourse").ingress[0].from, [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } },
        ]);
    });

    it("networkPolicy false declares none", async () => {
        assert.equal(ofType(await render({ networkPolicy: "false" }), POLICY).length, 0);
    });
});

describe("rpcClients and the networkPolicy keys", () => {
    const CONTEXT = { stack: "test", projectDir: "/home/user/kaleido-quorum" };
    const problems = (raw: Record<string, string>) => {
        try {
            validateConfig(raw, CONTEXT);
        } catch (error) {
            if (error instanceof ConfigError) return error.problems;
            throw error;
        }
        return [];
    };

    it("reads pod labels, namespace labels, or both", () => {
        assert.deepEqual(parsePeerSelector("app=explorer,tier=web"), { pods: { app: "explorer", tier: "web" } });
        assert.deepEqual(parsePeerSelector("namespace:team=dapps"), { namespaces: { team: "dapps" } });
        assert.deepEqual(parsePeerSelector("namespace:team=dapps app.kubernetes.io/name=wallet"), {
            namespaces: { team: "dapps" },
            pods: { "app.kubernetes.io/name": "wallet" },
        });
    });

    for (const bad of ["app", "namespace:", "a=b c=d", "app=ex plorer x=y z=w", "Bad Key=x", "app=-x"]) {
        it(`refuses "${bad}", naming the key and the forms it takes`, () => {
            assert.ok(
                problems({ rpcClients: JSON.stringify([bad]) }).some((problem) =>
                    problem.startsWith(`rpcClients: "${bad}" must be pod labels key=value`),
                ),
            );
        });
    }

    it("refuses rpcClients or ingressNamespace with networkPolicy false", () => {
        const found = problems({ networkPolicy: "false", rpcClients: '["app=x"]', ingressNamespace: "traefik" });
        assert.ok(
            found.includes("rpcClients: only used with networkPolicy true; remove it or set networkPolicy to true"),
            found.join("\n"),
        );
        assert.ok(
            found.includes(
                "ingressNamespace: only used with networkPolicy true; remove it or set networkPolicy to true",
            ),
            found.join("\n"),
        );
    });
});
