// Sizing a stack: its pods' summed requests, the minikube that holds them, and the preflight that
// refuses a node too small before any pod is created.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { validateConfig } from "../lib/config/validate";
import { minikubeSize, stackRequests } from "../lib/minikube/sizing";
import { checkCapacity, parseCpu, parseMemory, parseNodeCapacity, policyEngineWarning } from "../lib/minikube/capacity";
import { runProgram, workspaceFixture } from "./support/program";

const GIB = 2 ** 30;
const CONTEXT = { stack: "test", projectDir: "/home/user/kaleido-quorum" };

describe("stack sizing", () => {
    it("sums the requests of the bootnode, each node's geth and Tessera, and the racecourse", () => {
        const requests = stackRequests(validateConfig({}, CONTEXT));
        // 5 × (250m + 250m) + 50m + 100m; 5 × (512Mi + 512Mi) + 64Mi + 128Mi.
        assert.deepEqual(requests, { cpuMillis: 2650, memoryBytes: 5 * GIB + 192 * 2 ** 20 });
        assert.deepEqual(stackRequests(validateConfig({ racecourse: "false", nodeCount: "1" }, CONTEXT)), {
            cpuMillis: 550,
            memoryBytes: GIB + 64 * 2 ** 20,
        });
    });

    it("sizes minikube for the requests and the platform's own pods, never below 2 CPUs and 4 GiB", () => {
        assert.deepEqual(minikubeSize({ cpuMillis: 2650, memoryBytes: 5.2 * GIB }), { cpus: 4, memoryMib: 8192 });
        assert.deepEqual(minikubeSize({ cpuMillis: 100, memoryBytes: GIB / 4 }), { cpus: 2, memoryMib: 4096 });
    });

    it("reads Kubernetes quantities as the API writes them", () => {
        assert.deepEqual(["4", "3900m", "1.5"].map(parseCpu), [4000, 3900, 1500]);
        assert.deepEqual(["8030196Ki", "8Gi", "8222920704", "512Mi", "1G"].map(parseMemory), [
            8030196 * 1024,
            8 * GIB,
            8222920704,
            512 * 2 ** 20,
            1e9,
        ]);
        assert.throws(() => parseMemory("lots"), /not a memory quantity/);
    });

    it("sums every node's allocatable and names the policy engine", () => {
        assert.deepEqual(parseNodeCapacity("4 8Gi\n2 4Gi\npolicy-engine: calico-node\n"), {
            allocatable: { cpuMillis: 6000, memoryBytes: 12 * GIB },
            policyEngine: "calico-node",
        });
        assert.equal(parseNodeCapacity("4 8Gi\npolicy-engine: none\n").policyEngine, undefined);
    });

    it("refuses requests over allocatable with both numbers and the minikube start that fits", () => {
        assert.throws(
            () =>
                checkCapacity(
                    { cpuMillis: 2650, memoryBytes: 5.2 * GIB },
                    { cpuMillis: 2000, memoryBytes: 3.8 * GIB },
                    "minikube",
                ),
            (error: Error) =>
                error.message.includes(
                    "request 2.65 CPUs and 5.2 GiB, but minikube profile minikube has 2 CPUs and 3.8 GiB allocatable",
                ) && error.message.includes("minikube start -p minikube --cpus 4 --memory 8192 --cni calico"),
        );
        checkCapacity(
            { cpuMillis: 2650, memoryBytes: 5.2 * GIB },
            { cpuMillis: 4000, memoryBytes: 7.6 * GIB },
            "minikube",
        );
    });

    it("warns when policies are declared and no engine enforces them", () => {
        assert.match(
            policyEngineWarning({ allocatable: { cpuMillis: 0, memoryBytes: 0 } }, "minikube") ?? "",
            /no NetworkPolicy engine .* runs on minikube profile minikube: the policies are stored but guard nothing/,
        );
        assert.equal(
            policyEngineWarning({ allocatable: { cpuMillis: 0, memoryBytes: 0 }, policyEngine: "cilium" }, "minikube"),
            undefined,
        );
    });
});

describe("the preflight against a node too small (dev stack under mocks)", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ dev: 5 });

    it("refuses, naming both sizes; the same stack runs on a node large enough", async () => {
        fs.mkdirSync(path.join(workspace.fake.state, "kube"), { recursive: true });
        fs.writeFileSync(path.join(workspace.fake.state, "kube", "allocatable"), "2 3880116Ki\n");
        try {
            await assert.rejects(
                runProgram({ stack: "dev", fake: workspace.fake, projectDir: workspace.projectDir }),
                /request 2\.65 CPUs and 5\.2 GiB, but minikube profile minikube has 2 CPUs and 3\.7 GiB allocatable/,
            );
        } finally {
            fs.rmSync(path.join(workspace.fake.state, "kube", "allocatable"));
        }
        assert.equal(
            await runProgram({ stack: "dev", fake: workspace.fake, projectDir: workspace.projectDir }).then(
                () => "ran",
            ),
            "ran",
        );
    });
});
