// The policy pack's rules (policy/rules.ts) against the program's own renders: every example stack
// passes them; a stack that widens a default breaks the rule for it, naming what.
import { strict as assert } from "assert";
import { ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { budgetKeepsQuorum, hardened, noKeysInConfigMaps, policiesSelectMembers, POLICIES, rpcApis } from "../policy/rules";
import { ProgramRun, runProgram, workspaceFixture } from "./support/program";

/** Every violation the rules report for a render, as "rule: message". */
function violations(run: ProgramRun, policies = POLICIES): string[] {
    const found: string[] = [];
    const resources = run.resources.map((resource) => ({ type: resource.type, name: resource.name, props: resource.inputs }));
    for (const policy of policies) {
        const report = (message: string) => found.push(`${policy.name}: ${message}`);
        if ("validateResource" in policy) {
            const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
            for (const resource of resources) for (const validate of validations) void validate(resource as unknown as ResourceValidationArgs, report);
        } else {
            void (policy as StackValidationPolicy).validateStack?.({ resources } as unknown as StackValidationArgs, report);
        }
    }
    return found;
}

describe("the policy pack's rules (policy/rules.ts)", function () {
    this.timeout(120_000);
    const workspace = workspaceFixture({ dev: 5, goquorum: 5, kaleido: 5, cluster: 3 });
    const render = (stack: string, config: Record<string, string> = {}) => runProgram({ stack, fake: workspace.fake, projectDir: workspace.projectDir, config });

    for (const [stack, config] of [["dev", {}], ["goquorum", {}], ["kaleido", {}], ["cluster", { kubeContext: "my-cluster" }]] as const) {
        it(`finds nothing in the ${stack} stack`, async () => {
            assert.deepEqual(violations(await render(stack, config)), []);
        });
    }

    it("refuses admin or personal on RPC, naming the container and the namespaces", async () => {
        const found = violations(await render("goquorum", { rpcApis: "eth,net,web3,admin,personal" }), [rpcApis]);
        assert.ok(found.includes("rpc-no-admin-apis: quorum: --http.api serves admin, personal; remove them from rpcApis (the program administers nodes over IPC)"), found.join("\n"));
    });

    it("refuses a network without NetworkPolicies, naming each member", async () => {
        const found = violations(await render("dev", { networkPolicy: "false" }), [policiesSelectMembers]);
        assert.equal(found.length, 6);
        assert.ok(found.includes("network-policy-selects-every-member: no NetworkPolicy selects bootnode: set networkPolicy true"), found.join("\n"));
    });

    it("refuses a workload that is not hardened, a ConfigMap with keys, and a spread network without a budget", async () => {
        const run = await render("cluster", { kubeContext: "my-cluster" });
        const set = run.resources.find((resource) => resource.name === "quorum-node-1-set")!;
        set.inputs = { ...set.inputs, spec: { ...set.inputs.spec, template: { ...set.inputs.spec.template, spec: { ...set.inputs.spec.template.spec, automountServiceAccountToken: undefined } } } };
        run.resources.push({ type: "kubernetes:core/v1:ConfigMap", name: "leak", inputs: { metadata: { name: "leak" }, data: { "ethereum_nodekey": "ab" } }, dependsOn: [] });
        const withoutBudget = { ...run, resources: run.resources.filter((resource) => resource.type !== "kubernetes:policy/v1:PodDisruptionBudget") };
        const found = violations(withoutBudget, [hardened, noKeysInConfigMaps, budgetKeepsQuorum]);
        assert.deepEqual(found.sort(), [
            "disruption-budget-keeps-quorum: 3 nodes spread over cluster nodes, but no PodDisruptionBudget keeps 2 of them up",
            "hardened-pods: the pod must not mount a service-account token (automountServiceAccountToken: false)",
            "no-key-material-in-configmaps: ConfigMap leak holds key material: ethereum_nodekey",
        ]);
    });
});
