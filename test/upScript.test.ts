import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeHost, REPO_ROOT } from "./support/fakeHost";
import { tempDir } from "./support/tempDir";

/** A file backend holding one lock of stack `dev`, as the Pulumi CLI writes it. */
function backendWithLock(pid: number, hostname = os.hostname()): { url: string; lock: string } {
    const root = tempDir("backend");
    const dir = path.join(root, ".pulumi/locks/organization/kaleido-quorum/dev");
    fs.mkdirSync(dir, { recursive: true });
    const lock = path.join(dir, "3f2a.json");
    fs.writeFileSync(lock, JSON.stringify({ pid, username: "me", hostname, timestamp: "2026-11-26T02:00:00Z" }));
    return { url: `file://${root}`, lock };
}

/** The pid of a process that has ended. */
function deadPid(): number {
    const child = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
    return Number(child.stdout.trim());
}

describe("npm run up (scripts/up.ts) and a lock left by an interrupted run", () => {
    let fake: FakeHost;
    beforeEach(() => {
        fake = new FakeHost();
    });
    afterEach(() => fake.dispose());

    const up = (backendUrl: string) =>
        fake.sh("node --require ts-node/register/transpile-only scripts/up.ts --yes", {
            STACK: "dev",
            PULUMI_BACKEND_URL: backendUrl,
            PULUMI_CONFIG_PASSPHRASE: "test",
        });
    const pulumiCalls = () =>
        fs
            .readFileSync(path.join(fake.state, "calls.log"), "utf8")
            .split("\n")
            .filter((line) => line.startsWith("pulumi"));

    it("says in one line how to recover from a lock whose pulumi no longer runs here, and touches nothing", () => {
        const { url, lock } = backendWithLock(deadPid());
        const result = up(url);
        assert.equal(result.status, 1);
        assert.match(
            result.stderr.trim(),
            /^up: stack dev is locked by pulumi pid \d+ \(since 2026-11-26T02:00:00Z\), which no longer runs: .*pulumi cancel --yes --stack dev && pulumi refresh --clear-pending-creates --yes --stack dev && npm run up/,
        );
        assert.equal(result.stderr.trim().split("\n").length, 1);
        assert.ok(fs.existsSync(lock), "the lock is left for the user to clear");
        assert.deepEqual(pulumiCalls(), []);
    });

    it("leaves a lock held by a running pulumi, or one from another machine, to pulumi itself", () => {
        for (const { url, lock } of [backendWithLock(process.pid), backendWithLock(deadPid(), "another-laptop")]) {
            const result = up(url);
            assert.equal(result.status, 0, result.stderr);
            assert.ok(fs.existsSync(lock));
        }
        assert.deepEqual(pulumiCalls(), [
            "pulumi stack select --create dev",
            "pulumi up --yes",
            "pulumi stack select --create dev",
            "pulumi up --yes",
        ]);
    });

    it("selects or creates the stack and runs pulumi up with the extra arguments when nothing is locked", () => {
        const root = tempDir("backend");
        assert.equal(up(`file://${root}`).status, 0);
        assert.deepEqual(pulumiCalls(), ["pulumi stack select --create dev", "pulumi up --yes"]);
    });
});

describe("npm run up (scripts/up.ts) on a laptop that is not ready", function () {
    this.timeout(30_000);
    let fake: FakeHost;
    beforeEach(() => {
        fake = new FakeHost();
    });
    afterEach(() => fake.dispose());

    const calls = () => fs.readFileSync(path.join(fake.state, "calls.log"), "utf8").trim().split("\n").filter(Boolean);
    const emptyBackend = () => `file://${tempDir("backend")}`;

    it("--help prints its usage and exits 0, running nothing", () => {
        const result = fake.sh("node --require ts-node/register/transpile-only scripts/up.ts --help");
        assert.equal(result.status, 0);
        assert.match(result.stdout, /^usage: \[STACK=<stack>\] npm run up/);
        assert.deepEqual(calls(), []);
    });

    it("names a missing Pulumi CLI, with where to get it", () => {
        // A PATH with node and coreutils but no pulumi.
        const bin = tempDir("bin");
        for (const tool of ["node", "dirname"])
            fs.symlinkSync(
                spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim(),
                path.join(bin, tool),
            );
        const result = spawnSync(process.execPath, ["--require", "ts-node/register/transpile-only", "scripts/up.ts"], {
            cwd: REPO_ROOT,
            env: { PATH: bin, PULUMI_CONFIG_PASSPHRASE: "test" },
            encoding: "utf8",
        });
        assert.equal(result.status, 2, "could not start, as every tool says of a missing Pulumi CLI");
        assert.match(
            result.stderr,
            /^up: the Pulumi CLI is not installed: install it from https:\/\/www\.pulumi\.com\/docs\/install\//,
        );
    });

    it("explains the passphrase when none is set, before touching anything", () => {
        const env = fake.env({ STACK: "dev", PULUMI_BACKEND_URL: emptyBackend() });
        delete env.PULUMI_CONFIG_PASSPHRASE;
        const result = spawnSync(process.execPath, ["--require", "ts-node/register/transpile-only", "scripts/up.ts"], {
            cwd: REPO_ROOT,
            env,
            encoding: "utf8",
        });
        assert.equal(result.status, 1);
        assert.match(
            result.stderr,
            /PULUMI_CONFIG_PASSPHRASE is not set\. The passphrase encrypts the stack's secrets .* nothing can recover it/,
        );
        assert.deepEqual(calls(), []);
    });

    it("starts a stopped minikube sized for the stack, with a CNI that enforces NetworkPolicy, saying so", () => {
        fs.writeFileSync(path.join(fake.state, "host"), "Stopped\n");
        const result = fake.sh("node --require ts-node/register/transpile-only scripts/up.ts --yes", {
            STACK: "dev",
            PULUMI_BACKEND_URL: emptyBackend(),
            PULUMI_CONFIG_PASSPHRASE: "test",
        });
        assert.equal(result.status, 0, result.stderr);
        assert.match(
            result.stderr,
            /up: minikube profile minikube is not running \(Stopped\/Stopped\/Stopped\); starting it with 4 CPUs, 8192 MiB and the calico CNI/,
        );
        assert.deepEqual(
            calls().filter((call) => !call.startsWith("minikube -p minikube status")),
            [
                "minikube start -p minikube --cpus 4 --memory 8192 --cni calico",
                "minikube profile list -o json --light",
                "pulumi stack select --create dev",
                "pulumi up --yes",
            ],
        );
    });

    it("leaves a running minikube as it is", () => {
        const result = fake.sh("node --require ts-node/register/transpile-only scripts/up.ts --yes", {
            STACK: "dev",
            PULUMI_BACKEND_URL: emptyBackend(),
            PULUMI_CONFIG_PASSPHRASE: "test",
        });
        assert.equal(result.status, 0, result.stderr);
        assert.ok(!calls().some((call) => call.startsWith("minikube start")));
    });
});
