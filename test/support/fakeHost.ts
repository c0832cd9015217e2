// A throw-away "laptop + minikube node": fake minikube/kubectl/docker/crictl on PATH whose state,
// including the node's filesystem, lives in a temp folder.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "./tempDir";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
const FAKE_BIN = path.join(REPO_ROOT, "test", "fakebin");

export interface RunResult {
    status: number;
    stdout: string;
    stderr: string;
}

export class FakeHost {
    readonly state: string;

    constructor() {
        this.state = tempDir("fake");
        fs.mkdirSync(path.join(this.state, "node"));
        fs.mkdirSync(path.join(this.state, "docker"));
        fs.writeFileSync(path.join(this.state, "calls.log"), "");
    }

    /** The environment a command sees on this fake host. */
    env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
        return {
            ...process.env,
            PATH: `${FAKE_BIN}${path.delimiter}${process.env.PATH}`,
            FAKE_STATE: this.state,
            ...extra,
        };
    }

    /** Runs in-process code (which spawns kubectl, minikube, ...) with this host's fakes on PATH. */
    async withFakesOnPath<T>(body: () => Promise<T>): Promise<T> {
        const saved = { PATH: process.env.PATH, FAKE_STATE: process.env.FAKE_STATE };
        Object.assign(process.env, { PATH: this.env().PATH, FAKE_STATE: this.state });
        try {
            return await body();
        } finally {
            process.env.PATH = saved.PATH;
            if (saved.FAKE_STATE === undefined) delete process.env.FAKE_STATE;
            else process.env.FAKE_STATE = saved.FAKE_STATE;
        }
    }

    /** Runs a shell command line from the repository root, as the Command provider would. */
    sh(commandLine: string, extra: Record<string, string> = {}): RunResult {
        const result = spawnSync("/bin/sh", ["-c", commandLine], {
            cwd: REPO_ROOT,
            env: this.env(extra),
            encoding: "utf8",
        });
        return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    }

    /** As sh, without blocking this process: for scripts that talk to servers it runs (the fake Quorum nodes). */
    shAsync(commandLine: string, extra: Record<string, string> = {}): Promise<RunResult> {
        return new Promise((resolve, reject) => {
            const child = spawn("/bin/sh", ["-c", commandLine], {
                cwd: REPO_ROOT,
                env: this.env(extra),
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
            child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            child.on("error", reject);
            child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
        });
    }

    /** A path on the fake minikube node. */
    nodePath(absolute: string): string {
        return path.join(this.state, "node", absolute);
    }

    setHost(state: "Running" | "Stopped" | "Nonexistent"): void {
        fs.writeFileSync(path.join(this.state, "host"), state);
    }

    setContexts(names: string[]): void {
        fs.writeFileSync(path.join(this.state, "contexts"), names.join("\n") + "\n");
    }

    /** The namespaces the fake cluster has. */
    setNamespaces(names: string[]): void {
        fs.mkdirSync(path.join(this.state, "kube"), { recursive: true });
        fs.writeFileSync(path.join(this.state, "kube", "namespaces"), names.join("\n") + "\n");
    }

    setLocalImage(image: string, id: string): void {
        fs.writeFileSync(path.join(this.state, "docker", imageKey(image)), id);
    }

    setNodeImage(image: string, id: string): void {
        fs.mkdirSync(path.join(this.state, "node-images"), { recursive: true });
        fs.writeFileSync(path.join(this.state, "node-images", imageKey(image)), id);
    }

    nodeImage(image: string): string | undefined {
        const file = path.join(this.state, "node-images", imageKey(image));
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    }

    setAddon(addon: string, enabled: boolean): void {
        const file = path.join(this.state, "addons", addon);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        if (enabled) fs.writeFileSync(file, "");
        else fs.rmSync(file, { force: true });
    }

    addonEnabled(addon: string): boolean {
        return fs.existsSync(path.join(this.state, "addons", addon));
    }

    /** Every fake minikube/kubectl/docker invocation so far, one per line. */
    calls(): string[] {
        return fs.readFileSync(path.join(this.state, "calls.log"), "utf8").split("\n").filter(Boolean);
    }

    clearCalls(): void {
        fs.writeFileSync(path.join(this.state, "calls.log"), "");
    }

    dispose(): void {
        fs.rmSync(this.state, { recursive: true, force: true });
    }
}

function imageKey(image: string): string {
    return image.replace(/[/:]/g, "_");
}
