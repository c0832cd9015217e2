// Running the minikube platform's seed Command (components/minikube/networkSeed.ts) as the Command
// provider runs it: its command line from the project root, its plan on stdin, the fakes on PATH.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SEED_COMMAND } from "../../components/minikube/networkSeed";
import { SeedPlan } from "../../lib/minikube/seedPlan";
import { FakeHost, REPO_ROOT } from "./fakeHost";

export interface SeedResult {
    /** null when it was killed for taking longer than the limit. */
    status: number | null;
    stdout: string;
    stderr: string;
}

/** The run's temporary folder on this machine (its TMPDIR), where it stages the keys it copies. */
export function laptopTemp(fake: FakeHost): string {
    const dir = path.join(fake.state, "laptop-tmp");
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

export function runNetworkSeed(fake: FakeHost, plan: SeedPlan, timeoutMs?: number): SeedResult {
    const env = fake.env({ TMPDIR: laptopTemp(fake) });
    const result = spawnSync("/bin/sh", ["-c", SEED_COMMAND], {
        cwd: REPO_ROOT,
        env,
        input: JSON.stringify(plan),
        encoding: "utf8",
        timeout: timeoutMs,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The minikube subcommands run since the fake's calls were last cleared, in order: cp, ssh, ... */
export function minikubeCalls(fake: FakeHost): string[] {
    return fake.calls().flatMap((call) => {
        const [tool, ...words] = call.split(" ");
        if (tool !== "minikube") return [];
        return [words[0] === "-p" ? words[2] : words[0]];
    });
}
