// Every pod runs under the runtime's seccomp filter and every container without capabilities or
// privilege escalation; a read-only root where the image writes only under /qdata and /tmp.
import { strict as assert } from "assert";
import { stackFixture } from "./support/program";
import { ofType } from "./support/query";

interface Container {
    name: string;
    securityContext?: {
        allowPrivilegeEscalation?: boolean;
        capabilities?: { drop?: string[] };
        readOnlyRootFilesystem?: boolean;
    };
    volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
    securityContext?: { seccompProfile?: { type: string } };
    containers: Container[];
    initContainers?: Container[];
    volumes?: { name: string; emptyDir?: object }[];
}

const READ_ONLY: Record<string, string[]> = {
    dev: ["bootnode", "geth-init", "quorum", "tessera", "racecourse"],
    kaleido: ["bootnode"],
    goquorum: ["bootnode", "geth-init", "quorum", "tessera", "racecourse"],
    cluster: ["bootnode", "seed"],
};

for (const [stack, nodeCount] of [
    ["dev", 5],
    ["kaleido", 5],
    ["goquorum", 5],
    ["cluster", 3],
] as const) {
    describe(`security contexts (${stack} stack)`, function () {
        this.timeout(60_000);
        const fixture = stackFixture(stack, nodeCount);
        const pods = (): [string, PodSpec][] =>
            [
                ...ofType(fixture.run, "kubernetes:apps/v1:StatefulSet"),
                ...ofType(fixture.run, "kubernetes:apps/v1:Deployment"),
            ].map((workload) => [workload.name, workload.inputs.spec.template.spec as PodSpec]);

        it("mounts no service-account token into any pod: none calls the Kubernetes API", () => {
            for (const [name, pod] of pods())
                assert.equal(
                    (pod as { automountServiceAccountToken?: boolean }).automountServiceAccountToken,
                    false,
                    name,
                );
        });

        it("runs every pod under the container runtime's default seccomp profile", () => {
            for (const [name, pod] of pods())
                assert.deepEqual(pod.securityContext?.seccompProfile, { type: "RuntimeDefault" }, name);
        });

        it("drops every capability and privilege escalation in every container, init containers included", () => {
            for (const [name, pod] of pods()) {
                for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
                    assert.equal(
                        container.securityContext?.allowPrivilegeEscalation,
                        false,
                        `${name}/${container.name}`,
                    );
                    assert.deepEqual(
                        container.securityContext?.capabilities?.drop,
                        ["ALL"],
                        `${name}/${container.name}`,
                    );
                }
            }
        });

        it("gives a read-only root, with a scratch /tmp, to the containers whose images write only to their volumes", () => {
            for (const [name, pod] of pods()) {
                for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
                    const readOnly = READ_ONLY[stack].includes(container.name);
                    assert.equal(
                        container.securityContext?.readOnlyRootFilesystem,
                        readOnly,
                        `${name}/${container.name}`,
                    );
                    if (!readOnly) continue;
                    const scratch = container.volumeMounts?.find((mount) => mount.mountPath === "/tmp");
                    assert.ok(
                        scratch && pod.volumes?.some((volume) => volume.name === scratch.name && volume.emptyDir),
                        `${name}/${container.name} has no scratch /tmp`,
                    );
                }
            }
        });
    });
}

describe("Pod Security Admission on the namespace the stack creates", function () {
    this.timeout(60_000);
    const fixture = stackFixture("dev", 5);

    it("enforces baseline, which every pod meets, and warns and audits at restricted", () => {
        const namespace = ofType(fixture.run, "kubernetes:core/v1:Namespace")[0];
        const labels = namespace.inputs.metadata.labels;
        assert.equal(labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
        assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
    });
});
