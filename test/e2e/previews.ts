// e2e: stacks that only preview: the dev stack a newcomer runs, and bad input refused at preview
// with nothing created.
import * as fs from "fs";
import * as path from "path";
import { expect, kubectlList, Step } from "./harness";
import { FAKE_STATE, names } from "./network";
import { PROJECT, Stack, stackFileValues } from "./stack";

export function previewOnlySteps(): Step[] {
    return [
        [
            "the dev stack a newcomer runs (GoQuorum, Tessera, the project's racecourse): previewed under the real engine, preflight and sizing included",
            previewDevStack,
        ],
        ["bad input fails at preview with the program's message, nothing created", refuseBadInput],
    ];
}

async function previewDevStack(): Promise<void> {
    const dev = new Stack("e2e-dev");
    await dev.init({
        ...stackFileValues("Pulumi.dev.yaml"),
        namespace: "quorum-dev",
        bootnodeIp: "10.96.6.100",
        nodeServiceIp: "10.96.6.99",
        hostPathRoot: "/data/quorum-dev",
    });
    const preview = await dev.cli("preview");
    for (const name of ["quorum-racecourse-app", "quorum-racecourse-deployment", "quorum-node-5-set"])
        expect(
            preview.includes(name),
            `the dev stack's preview plans ${name}`,
            preview.split("\n").slice(-30).join("\n"),
        );
    expect((await dev.resourceCount()) === 0, "a preview creates nothing in the state");
    await dev.remove();
}

async function refuseBadInput(): Promise<void> {
    const bad = new Stack("e2e-bad");
    await bad.init({
        namespace: "quorum-bad",
        nodeCount: "1",
        bootnodeIp: "10.96.2.100",
        nodeServiceIp: "10.96.2.99",
        hostPathRoot: "/data/bad",
    });
    await bad.setConfig("nodeIps[0]", "192.168.1.10", "--path");
    expect(
        (await bad.cliFailing("preview")).includes("nodeIps[0]: 192.168.1.10 must lie inside serviceCidr 10.96.0.0/12"),
        "a node IP outside serviceCidr is refused, naming the key",
    );
    await bad.cli("config", "rm", "kaleido-quorum:nodeIps");
    await bad.setConfig("imagePullPolicy", "Sometimes");
    expect(
        (await bad.cliFailing("preview")).includes(
            'imagePullPolicy: "Sometimes" must be one of Always, IfNotPresent, Never',
        ),
        "an unknown image pull policy is refused, naming the allowed values",
    );
    await bad.cli("config", "rm", "kaleido-quorum:imagePullPolicy");
    fs.writeFileSync(path.join(FAKE_STATE, "host"), "Stopped\n");
    try {
        expect(
            (await bad.cliFailing("preview")).includes("preflight: minikube profile minikube is not running"),
            "a stopped minikube is refused by the preflight",
        );
    } finally {
        fs.rmSync(path.join(FAKE_STATE, "host"));
    }
    expect((await bad.resourceCount()) === 0, "the failed previews created nothing in the state");
    expect(
        !names(kubectlList("namespaces")).includes("quorum-bad"),
        "the failed previews created nothing in the cluster",
    );
    expect(!fs.existsSync(path.join(PROJECT, ".keys", "e2e-bad")), "the failed previews generated no keys");
    await bad.remove();
}
