import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeHost } from "./support/fakeHost";
import { runProgram } from "./support/program";
import { makeProjectDir } from "./support/workspace";

const PROFILE = { MINIKUBE_PROFILE: "minikube" };

describe("minikube set-up scripts against fake minikube and docker", () => {
    let fake: FakeHost;
    beforeEach(() => {
        fake = new FakeHost();
    });
    afterEach(() => fake.dispose());

    describe("preflight (scripts/preflight.sh)", () => {
        const preflight = () => fake.sh("bash scripts/preflight.sh", { ...PROFILE, KUBE_CONTEXT: "minikube" });

        it("prints the node IP when the profile runs and the context exists", () => {
            const result = preflight();
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout.trim(), "192.168.49.2");
        });

        it("says to start the profile when it is stopped", () => {
            fake.setHost("Stopped");
            const result = preflight();
            assert.notEqual(result.status, 0);
            assert.match(
                result.stderr,
                /minikube profile minikube is not running \(host\/kubelet\/apiserver: Stopped\/Stopped\/Stopped\): run 'minikube start -p minikube'/,
            );
        });

        it("says how to fix a missing kube context", () => {
            fake.setContexts(["other"]);
            const result = preflight();
            assert.notEqual(result.status, 0);
            assert.match(
                result.stderr,
                /kube context minikube is not in your kubeconfig: run 'minikube -p minikube update-context'/,
            );
        });

        it("stops the program before anything is created", async () => {
            fake.setHost("Stopped");
            const projectDir = makeProjectDir();
            try {
                await assert.rejects(runProgram({ stack: "dev", fake, projectDir }), /minikube start -p minikube/);
                assert.ok(
                    !fs.existsSync(path.join(projectDir, ".keys")),
                    "keys were generated before preflight passed",
                );
            } finally {
                fs.rmSync(projectDir, { recursive: true, force: true });
            }
        });
    });

    describe("ingress addon (scripts/minikube-addon.sh)", () => {
        const addon = (action: string, extra: Record<string, string> = {}) =>
            fake.sh(`bash scripts/minikube-addon.sh ${action}`, { ...PROFILE, ADDON: "ingress", ...extra });

        it("enables a disabled addon and disables it again on delete", () => {
            const enable = addon("enable");
            assert.equal(enable.status, 0, enable.stderr);
            assert.ok(fake.addonEnabled("ingress"));
            const disable = addon("disable", { PULUMI_COMMAND_STDOUT: enable.stdout });
            assert.equal(disable.status, 0, disable.stderr);
            assert.ok(!fake.addonEnabled("ingress"));
        });

        it("leaves an addon that was already enabled as it found it", () => {
            fake.setAddon("ingress", true);
            const enable = addon("enable");
            assert.equal(enable.status, 0);
            assert.ok(!fake.calls().some((call) => call.includes("addons enable")), "enabled twice");
            assert.equal(addon("disable", { PULUMI_COMMAND_STDOUT: enable.stdout }).status, 0);
            assert.ok(fake.addonEnabled("ingress"), "disabled an addon the stack did not enable");
        });
    });

    describe("image loading (scripts/image.sh)", () => {
        const image = (action: string, name: string) =>
            fake.sh(`bash scripts/image.sh ${action}`, { ...PROFILE, IMAGE: name });
        const ID = "sha256:" + "1".repeat(64);

        it("reports the local image id, or absent", () => {
            fake.setLocalImage("test/racecourse", ID);
            assert.equal(image("local-id", "test/racecourse").stdout.trim(), ID);
            assert.equal(image("local-id", "nowhere/image").stdout.trim(), "absent");
        });

        it("loads an image minikube lacks, then skips it once minikube has that id", () => {
            fake.setLocalImage("jpmorganchase/quorum", ID);
            const first = image("load", "jpmorganchase/quorum");
            assert.equal(first.status, 0, first.stderr);
            assert.equal(fake.nodeImage("jpmorganchase/quorum"), ID);
            fake.clearCalls();
            const second = image("load", "jpmorganchase/quorum");
            assert.equal(second.status, 0);
            assert.match(second.stderr, /already has sha256:1111/);
            assert.ok(!fake.calls().some((call) => call.includes("image load")), "loaded again");
        });

        it("reloads when the local image was rebuilt", () => {
            fake.setLocalImage("jpmorganchase/quorum", ID);
            fake.setNodeImage("jpmorganchase/quorum", "sha256:" + "2".repeat(64));
            assert.equal(image("load", "jpmorganchase/quorum").status, 0);
            assert.equal(fake.nodeImage("jpmorganchase/quorum"), ID);
        });

        it("accepts an image only minikube has", () => {
            fake.setNodeImage("test/racecourse", ID);
            const result = image("load", "test/racecourse");
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.stderr, /not in the local Docker daemon, but minikube profile minikube has it/);
        });

        it("fails naming an image that exists nowhere", () => {
            const result = image("load", "test/racecourse");
            assert.notEqual(result.status, 0);
            assert.match(
                result.stderr,
                /image\[test\/racecourse\]: exists neither in the local Docker daemon nor in minikube profile minikube/,
            );
        });
    });

    describe("generated keys on destroy (scripts/forget-keys.sh)", () => {
        let keys: string;
        beforeEach(() => {
            keys = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kq-proj-")), ".keys", "dev");
            fs.mkdirSync(path.join(keys, "qdata_0"), { recursive: true });
        });
        afterEach(() => fs.rmSync(path.dirname(path.dirname(keys)), { recursive: true, force: true }));

        it("removes the stack's keys", () => {
            assert.equal(
                fake.sh("bash scripts/forget-keys.sh", { KEYS_DIR: keys, KEEP_CHAIN_DATA: "false" }).status,
                0,
            );
            assert.ok(!fs.existsSync(keys));
        });

        it("keeps them with keepChainData", () => {
            assert.equal(fake.sh("bash scripts/forget-keys.sh", { KEYS_DIR: keys, KEEP_CHAIN_DATA: "true" }).status, 0);
            assert.ok(fs.existsSync(keys));
        });

        it("refuses any folder that is not a generated keys folder", () => {
            const result = fake.sh("bash scripts/forget-keys.sh", {
                KEYS_DIR: path.dirname(keys),
                KEEP_CHAIN_DATA: "false",
            });
            assert.notEqual(result.status, 0);
            assert.ok(fs.existsSync(keys));
        });
    });
});
