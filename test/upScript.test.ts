import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeHost } from "./support/fakeHost";

/** A file backend holding one lock of stack `dev`, as the Pulumi CLI writes it. */
function backendWithLock(pid: number, hostname = os.hostname()): { url: string; lock: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kq-backend-"));
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

describe("npm run up (scripts/up.sh) and a lock left by an interrupted run", () => {
    let fake: FakeHost;
    beforeEach(() => {
        fake = new FakeHost();
    });
    afterEach(() => fake.dispose());

    const up = (backendUrl: string) => fake.sh("bash scripts/up.sh --yes", { STACK: "dev", PULUMI_BACKEND_URL: backendUrl });
    const pulumiCalls = () => fs.readFileSync(path.join(fake.state, "calls.log"), "utf8").split("\n").filter((line) => line.startsWith("pulumi"));

    it("says in one line how to recover from a lock whose pulumi no longer runs here, and touches nothing", () => {
        const { url, lock } = backendWithLock(deadPid());
        const result = up(url);
        assert.equal(result.status, 1);
        assert.match(result.stderr.trim(), /^up: stack dev is locked by pulumi pid \d+ \(since 2026-11-26T02:00:00Z\), which no longer runs: .*pulumi cancel --yes --stack dev && pulumi refresh --clear-pending-creates --yes --stack dev && npm run up/);
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
        assert.deepEqual(pulumiCalls(), ["pulumi stack select --create dev", "pulumi up --yes", "pulumi stack select --create dev", "pulumi up --yes"]);
    });

    it("selects or creates the stack and runs pulumi up with the extra arguments when nothing is locked", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "kq-backend-"));
        assert.equal(up(`file://${root}`).status, 0);
        assert.deepEqual(pulumiCalls(), ["pulumi stack select --create dev", "pulumi up --yes"]);
    });
});
