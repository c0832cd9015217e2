// The cluster as the program and the operations see it: kubectl get / exec / logs / delete /
// port-forward against one context and namespace.
import { ChildProcess, spawn } from "child_process";
import { PROJECT_SELECTOR, selectorText } from "../network/names";

export interface PodStatus {
    name: string;
    /** Changes when the pod is replaced. */
    uid: string;
    ready: boolean;
    containers: string[];
    /** Of all its containers since the pod was made. */
    restarts: number;
    /** The StatefulSet revision the pod was made from (its controller-revision-hash label). */
    revision?: string;
    /** Why a container is not running, when one waits (ErrImagePull: ..., CrashLoopBackOff: ...). */
    waiting?: string;
    /** Each container's image, by container name. */
    images: Record<string, string>;
}

export interface PortForward {
    /** Local port by remote port. */
    ports: Map<number, number>;
    close(): void;
}

/** An object as `kubectl get -o json` lists it: what every reader needs of it. */
export interface KubeObject {
    metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
}

export interface Kube {
    pods(): Promise<PodStatus[]>;
    /** The objects of a kind whose labels match `selector`. */
    list<T extends KubeObject>(kind: string, selector: Record<string, string>): Promise<T[]>;
    /** Fails after timeoutMs (the process is killed) when given. */
    exec(pod: string, container: string, command: string[], timeoutMs?: number): Promise<string>;
    portForward(resource: string, remotePorts: number[]): Promise<PortForward>;
    /** A field of one object, by a kubectl JSONPath expression. */
    field(resource: string, jsonPath: string): Promise<string>;
    /** Deletes the pod without waiting: its controller makes it anew. */
    deletePod(pod: string): Promise<void>;
    /** The container's last `lines` log lines (of its previous run when it restarted). */
    logs(pod: string, container: string, lines: number): Promise<string>;
}

interface ContainerStatus {
    restartCount?: number;
    state?: { waiting?: { reason?: string; message?: string } };
}

interface PodObject extends KubeObject {
    metadata: KubeObject["metadata"] & { uid: string };
    spec?: { containers?: { name: string; image?: string }[] };
    status?: {
        conditions?: { type: string; status: string }[];
        containerStatuses?: ContainerStatus[];
        initContainerStatuses?: ContainerStatus[];
    };
}

function waitingOf(pod: PodObject): string | undefined {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const waiting = statuses
        .map((status) => status.state?.waiting)
        .find((state) => state?.reason && state.reason !== "PodInitializing");
    return waiting && `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`;
}

export class Kubectl implements Kube {
    constructor(
        private readonly context: string,
        private readonly namespace: string,
    ) {}

    /** kubectl's arguments for `rest` in this context and namespace. */
    args(rest: string[]): string[] {
        return ["--context", this.context, "--namespace", this.namespace, ...rest];
    }

    /** Any kubectl command here, its stdout; `input` is its stdin (data, never a command line). */
    run(rest: string[], timeoutMs?: number, input?: string): Promise<string> {
        return new Promise((resolve, reject) => {
            const child = spawn("kubectl", this.args(rest), {
                stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
            });
            child.stdin?.end(input);
            const timer =
                timeoutMs === undefined
                    ? undefined
                    : setTimeout(() => {
                          child.kill();
                          reject(new Error(`kubectl ${rest[0]} ${rest[1]}: no answer within ${timeoutMs} ms`));
                      }, timeoutMs);
            let stdout = "";
            let stderr = "";
            child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
            child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                if (code === 0) resolve(stdout);
                else reject(new Error(`kubectl ${rest[0]} failed: ${stderr.trim()}`));
            });
        });
    }

    async list<T extends KubeObject>(kind: string, selector: Record<string, string>): Promise<T[]> {
        return (JSON.parse(await this.run(["get", kind, "-l", selectorText(selector), "-o", "json"])) as { items: T[] })
            .items;
    }

    async pods(): Promise<PodStatus[]> {
        const items = await this.list<PodObject>("pods", PROJECT_SELECTOR);
        return items.map((pod) => ({
            name: pod.metadata.name,
            uid: pod.metadata.uid,
            containers: (pod.spec?.containers ?? []).map((container) => container.name),
            ready: (pod.status?.conditions ?? []).some(
                (condition) => condition.type === "Ready" && condition.status === "True",
            ),
            restarts: (pod.status?.containerStatuses ?? []).reduce(
                (sum, container) => sum + (container.restartCount ?? 0),
                0,
            ),
            revision: pod.metadata.labels?.["controller-revision-hash"],
            waiting: waitingOf(pod),
            images: Object.fromEntries(
                (pod.spec?.containers ?? []).map((container) => [container.name, container.image ?? ""]),
            ),
        }));
    }

    field(resource: string, jsonPath: string): Promise<string> {
        return this.run(["get", resource, "-o", `jsonpath=${jsonPath}`]);
    }

    async deletePod(pod: string): Promise<void> {
        await this.run(["delete", "pod", pod, "--wait=false"]);
    }

    async logs(pod: string, container: string, lines: number): Promise<string> {
        const tail = (previous: boolean) =>
            this.run(["logs", pod, "-c", container, `--tail=${lines}`, ...(previous ? ["--previous"] : [])]);
        return tail(true).catch(() => tail(false));
    }

    exec(pod: string, container: string, command: string[], timeoutMs?: number): Promise<string> {
        return this.run(["exec", pod, "-c", container, "--", ...command], timeoutMs);
    }

    portForward(resource: string, remotePorts: number[]): Promise<PortForward> {
        const child: ChildProcess = spawn(
            "kubectl",
            this.args(["port-forward", resource, ...remotePorts.map((port) => `:${port}`)]),
            {
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        const ports = new Map<number, number>();
        let stderr = "";
        return new Promise((resolve, reject) => {
            const fail = (reason: string) => {
                child.kill();
                reject(new Error(`kubectl port-forward ${resource}: ${reason}`));
            };
            const timer = setTimeout(() => fail(`no forwarding within 15 s ${stderr.trim()}`), 15_000);
            child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            child.stdout?.on("data", (chunk: Buffer) => {
                for (const match of chunk.toString().matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g))
                    ports.set(Number(match[2]), Number(match[1]));
                if (remotePorts.every((port) => ports.has(port))) {
                    clearTimeout(timer);
                    resolve({ ports, close: () => child.kill() });
                }
            });
            child.on("exit", () => {
                clearTimeout(timer);
                fail(`exited: ${stderr.trim()}`);
            });
        });
    }
}

/**
 * The cluster as one moment shows it: each listing read once, however many readers ask (the
 * preview's checks each look at the same pods and StatefulSets). Exec and the rest pass through.
 */
export function snapshotOf(kube: Kube): Kube {
    const listings = new Map<string, Promise<unknown>>();
    const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
        if (!listings.has(key)) listings.set(key, read());
        return listings.get(key) as Promise<T>;
    };
    return {
        pods: () => once("pods", () => kube.pods()),
        list: <T extends KubeObject>(kind: string, selector: Record<string, string>) =>
            once(`${kind} ${selectorText(selector)}`, () => kube.list<T>(kind, selector)),
        exec: (pod, container, command, timeoutMs) => kube.exec(pod, container, command, timeoutMs),
        portForward: (resource, remotePorts) => kube.portForward(resource, remotePorts),
        field: (resource, jsonPath) => kube.field(resource, jsonPath),
        deletePod: (pod) => kube.deletePod(pod),
        logs: (pod, container, lines) => kube.logs(pod, container, lines),
    };
}
