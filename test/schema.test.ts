import { strict as assert } from "assert";
import { makeWorkspace, runProgram } from "./support/program";
import { validateObject } from "./support/schemas";
import { pregenerateKeys } from "./support/workspace";

describe("rendered Kubernetes objects", function () {
    this.timeout(60_000);

    it("the validator rejects an object that breaks the schema", () => {
        const broken = {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: "x" },
            spec: {
                selector: {},
                serviceName: "x",
                template: { spec: { containers: [{ name: "c", ports: [{ containerPort: "8545" }] }] } },
            },
        };
        assert.throws(() => validateObject("kubernetes:apps/v1:StatefulSet", broken), /containerPort/);
    });

    for (const [stack, nodeCount] of [
        ["dev", 5],
        ["kaleido", 5],
        ["small", 3],
        ["ibft", 5],
        ["cluster", 3],
    ] as const) {
        it(`all validate against the upstream schemas (${stack} stack)`, async () => {
            const { fake, projectDir, dispose } = makeWorkspace();
            try {
                await pregenerateKeys(projectDir, stack, nodeCount);
                const run = await runProgram({ stack, fake, projectDir });
                const objects = run.resources.filter((resource) => resource.type.startsWith("kubernetes:"));
                assert.ok(objects.length >= 4 * nodeCount, `only ${objects.length} Kubernetes objects`);
                for (const object of objects) {
                    assert.doesNotThrow(
                        () => validateObject(object.type, object.inputs),
                        `${object.type} ${object.name}`,
                    );
                }
            } finally {
                dispose();
            }
        });
    }
});
