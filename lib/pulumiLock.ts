// A lock of a stack on a file backend, as the Pulumi CLI writes it:
// <backend>/.pulumi/locks/organization/<project>/<stack>/<id>.json with the pid, hostname and
// timestamp of the pulumi that holds it. One left by a pulumi that no longer runs here (a crash, a
// SIGKILL) is stale; pulumi itself only says "currently locked".
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

export interface StaleLock {
    pid: number;
    timestamp: string;
}

interface LockFile {
    pid?: number;
    hostname?: string;
    timestamp?: string;
}

/** The file backend's folder: PULUMI_BACKEND_URL, else Pulumi.yaml's backend.url (file://~ is the home folder); undefined for another backend. */
function fileBackendRoot(url: string | undefined): string | undefined {
    if (!url?.startsWith("file://")) return undefined;
    return url.slice("file://".length).replace(/^~(?=$|\/)/, os.homedir());
}

function running(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // Another user's process: it runs, this user may not signal it.
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** The stack's lock held by a pulumi of this machine that no longer runs, if any. */
export function staleLock(projectDir: string, stack: string): StaleLock | undefined {
    const project = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as {
        name: string;
        backend?: { url?: string };
    };
    const root = fileBackendRoot(process.env.PULUMI_BACKEND_URL || project.backend?.url);
    const dir =
        root && path.join(root, ".pulumi", "locks", "organization", project.name, stack.split("/").pop() ?? stack);
    if (!dir || !fs.existsSync(dir)) return undefined;
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith(".json"))) {
        const lock = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as LockFile;
        if (lock.hostname === os.hostname() && lock.pid && !running(lock.pid))
            return { pid: lock.pid, timestamp: lock.timestamp ?? "an unknown time" };
    }
    return undefined;
}
