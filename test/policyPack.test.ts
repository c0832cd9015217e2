// The policy pack's rules (policy/rules.ts) against the program's own renders: every shipped stack
// and the safe changes below pass them (no false alarm); a stack that widens a default breaks the rule
// for it, naming what. policyMutations.test.ts mutates renders the ways a hostile review did.
import { strict as assert } from "assert";
import * as fs from "fs";
import {
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { budgetKeepsQuorum, hardened, noKeyMaterial, policiesSelectMembers, POLICIES, rpcApis } from "../policy/rules";
import { REPO_ROOT } from "./support/fakeHost";
import { ProgramRun, RecordedResource, runProgram, stackConfig, workspaceFixture } from "./support/program";

/** Every violation the rules report for a render, as "rule: message". */
function violations(run: ProgramRun, policies = POLICIES): string[] {
    const found: string[] = [];
    const resources = run.resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        props: resource.inputs,
    }));
    for (const policy of policies) {
        const report = (message: string) => found.push(`${policy.name}: ${message}`);
        if ("validateResource" in policy) {
            const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
            for (const resource of resources)
                for (const validate of validations)
                    void validate(resource as unknown as ResourceValidationArgs, report);
        } else {
            void (policy as StackValidationPolicy).validateStack?.(
                { resources } as unknown as StackValidationArgs,
                report,
            );
        }
    }
    return found;
}

const SHIPPED = fs.readdirSync(REPO_ROOT).flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? []);
/** A 7-node QBFT network on a multi-node cluster: its budget keeps 5 of the 7 validators up. */
const QBFT_7 = {
    platform: "kubernetes",
    kubeContext: "my-cluster",
    runtime: "goquorum",
    consensus: "qbft",
    nodeCount: "7",
    createNamespace: "false",
};

type Inputs = RecordedResource["inputs"];
const find = (run: ProgramRun, name: string): Inputs =>
    run.resources.find((resource) => resource.name === name)!.inputs;
const budget = (run: ProgramRun): Inputs => find(run, "quorum-nodes-budget").spec;
const nodePod = (run: ProgramRun): Inputs => find(run, "quorum-node-1-set").spec.template.spec;
const quorumContainer = (run: ProgramRun): Inputs =>
    nodePod(run).containers.find((container: Inputs) => container.name === "quorum");

/** Changes to a render that keep every invariant: each must pass the pack. */
const SAFE: { what: string; stack: string; change(run: ProgramRun): void }[] = [
    { what: "minAvailable 100% of 7 validators", stack: "qbft7", change: (run) => (budget(run).minAvailable = "100%") },
    {
        what: "minAvailable 70% of 7 validators (4.9, rounded up to 5)",
        stack: "qbft7",
        change: (run) => (budget(run).minAvailable = "70%"),
    },
    {
        what: "maxUnavailable 2 of 7 validators",
        stack: "qbft7",
        change: (run) => Object.assign(budget(run), { minAvailable: undefined, maxUnavailable: 2 }),
    },
    {
        what: "minAvailable 100% of 3 Raft nodes",
        stack: "cluster",
        change: (run) => (budget(run).minAvailable = "100%"),
    },
    {
        what: "maxUnavailable 1 of 3 Raft nodes",
        stack: "cluster",
        change: (run) => Object.assign(budget(run), { minAvailable: undefined, maxUnavailable: 1 }),
    },
    {
        what: "runAsUser 0 where the image needs root (GoQuorum's geth)",
        stack: "dev",
        change: (run) => (quorumContainer(run).securityContext.runAsUser = 0),
    },
    {
        what: "a pod's hostPath inside its member's own folder",
        stack: "dev",
        change: (run) => nodePod(run).volumes.push({ name: "logs", hostPath: { path: "/data/dev/qdata_1/logs" } }),
    },
];

describe("the policy pack's rules (policy/rules.ts)", function () {
    this.timeout(120_000);
    const nodeCounts = Object.fromEntries(
        SHIPPED.map((stack) => [stack, Number(stackConfig(stack)["kaleido-quorum:nodeCount"])]),
    );
    const workspace = workspaceFixture({ ...nodeCounts, qbft7: 7 });
    const render = (stack: string, config: Record<string, string> = {}) =>
        runProgram({ stack, fake: workspace.fake, projectDir: workspace.projectDir, config });

    it("knows the shipped stacks, the seed's and the cluster one among them", () => {
        assert.ok(
            ["dev", "kaleido", "cluster", "goquorum", "ibft"].every((stack) => SHIPPED.includes(stack)),
            SHIPPED.join(", "),
        );
    });

    for (const stack of SHIPPED) {
        it(`finds nothing in the ${stack} stack`, async () => {
            assert.deepEqual(violations(await render(stack)), []);
        });
    }

    it("finds nothing in a 7-node QBFT network on a cluster, its budget keeping 5 of the 7 validators", async () => {
        const run = await render("qbft7", QBFT_7);
        assert.equal(budget(run).minAvailable, 5);
        assert.deepEqual(violations(run), []);
    });

    it("finds nothing where RPC serves txpool and istanbul and rpcClients admit a named namespace's pods", async () => {
        const run = await render("goquorum", {
            rpcApis: "eth,net,web3,txpool,istanbul",
            rpcClients: JSON.stringify(["namespace:team=dapps app=explorer"]),
        });
        assert.deepEqual(violations(run), []);
    });

    for (const safe of SAFE) {
        it(`finds nothing for ${safe.what}`, async () => {
            const run = await render(safe.stack, safe.stack === "qbft7" ? QBFT_7 : {});
            safe.change(run);
            assert.deepEqual(violations(run), []);
        });
    }

    it("refuses admin or personal on RPC, naming the container and the namespaces", async () => {
        const found = violations(await render("goquorum", { rpcApis: "eth,net,web3,admin,personal" }), [rpcApis]);
        const expected =
            "StatefulSet node-set-1: quorum: --http.api serves admin, personal; remove them from rpcApis (the program administers nodes over IPC)";
        assert.ok(found.includes(`rpc-no-admin-apis: ${expected}`), found.join("\n"));
    });

    it("refuses a network without NetworkPolicies, naming each member", async () => {
        const found = violations(await render("dev", { networkPolicy: "false" }), [policiesSelectMembers]);
        assert.equal(found.length, 6);
        assert.ok(
            found.includes(
                "network-policy-selects-every-member: no NetworkPolicy selects bootnode: set networkPolicy true",
            ),
            found.join("\n"),
        );
    });

    it("refuses a workload that is not hardened, a ConfigMap with keys, and a spread network without a budget", async () => {
        const run = await render("cluster");
        const set = run.resources.find((resource) => resource.name === "quorum-node-1-set")!;
        set.inputs.spec.template.spec.automountServiceAccountToken = undefined;
        const leak = { metadata: { name: "leak" }, data: { ethereum_nodekey: "ab" } };
        run.resources.push({ type: "kubernetes:core/v1:ConfigMap", name: "leak", inputs: leak, dependsOn: [] });
        const withoutBudget = {
            ...run,
            resources: run.resources.filter((resource) => resource.type !== "kubernetes:policy/v1:PodDisruptionBudget"),
        };
        const found = violations(withoutBudget, [hardened, noKeyMaterial, budgetKeepsQuorum]);
        assert.deepEqual(found.sort(), [
            "disruption-budget-keeps-quorum: 3 Raft nodes spread over cluster nodes need 2 up (a majority), but no PodDisruptionBudget keeps 2 of them up",
            "hardened-pods: StatefulSet node-set-1: the pod must not mount a service-account token (automountServiceAccountToken: false)",
            "no-key-material-outside-secrets: ConfigMap leak holds key material: ethereum_nodekey; put it in a Secret",
        ]);
    });
});
