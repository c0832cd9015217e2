// The short-lived pod that copies a member's volume (backup out, restore in): rendered here, as the
// stack's own pods are, started with `kubectl run --overrides`, and the tar streams through
// `kubectl exec` between it and a local folder.
import { spawn } from "child_process";
import { pipeline, Transform } from "stream";
import { NotPlainError } from "../files/plainFiles";
import { PlainTarCheck } from "../files/plainTar";
import { QDATA_MOUNT } from "../model/paths";
import { POD_SECURITY_CONTEXT } from "../network/security";
import { Kubectl } from "./kubectl";

/** What every helper pod carries: the NetworkPolicy that cuts them off from the network selects it. */
export const HELPER_LABELS: Record<string, string> = {
    "app.kubernetes.io/name": "quorum-volume-copy",
    "app.kubernetes.io/part-of": "kaleido-quorum",
};
/** It sleeps while tar streams through `kubectl exec`: little CPU, the stream's buffers in memory. */
const HELPER_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const CONTAINER = "copy";
const READY_TIMEOUT = "180s";

export interface HelperPodRequest {
    /** The member's claim. */
    claim: string;
    /** The member's own image: it has sh and tar. */
    image: string;
    imagePullPolicy: string;
    imagePullSecrets: string[];
    /** A backup only reads. */
    readOnly: boolean;
}

/** The pod as `kubectl run --overrides` takes it (JSON). */
export function helperPodOverrides(request: HelperPodRequest): string {
    const { claim, image, imagePullPolicy, imagePullSecrets, readOnly } = request;
    return JSON.stringify({
        apiVersion: "v1",
        metadata: { labels: HELPER_LABELS },
        spec: {
            // Nothing of it to wait 30 s for on delete: it only sleeps.
            terminationGracePeriodSeconds: 1,
            automountServiceAccountToken: false,
            securityContext: POD_SECURITY_CONTEXT,
            imagePullSecrets: imagePullSecrets.map((name) => ({ name })),
            volumes: [{ name: "qdata", persistentVolumeClaim: { claimName: claim, readOnly } }],
            containers: [
                {
                    name: CONTAINER,
                    image,
                    imagePullPolicy,
                    command: ["sleep", "3600"],
                    resources: HELPER_RESOURCES,
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    volumeMounts: [{ name: "qdata", mountPath: QDATA_MOUNT, readOnly }],
                },
            ],
        },
    });
}

/** A running helper pod: commands in its container, and tar streams to and from its volume. */
export interface HelperPod {
    name: string;
    /** A command in the copy container; its stdout. `input` reaches it as data on stdin. */
    exec(command: string[], input?: string): Promise<string>;
    /**
     * The pod's folder `podDir` into local `localDir` (which exists), as tar carries it: only regular
     * files and folders, every other entry refused naming it, and `leftOut` (relative paths) dropped.
     */
    copyOut(podDir: string, localDir: string, leftOut?: string[]): Promise<void>;
    /** Local `localDir` into the pod's `podDir` (which exists), leaving out `excludes` (relative paths). */
    copyIn(localDir: string, podDir: string, excludes: string[]): Promise<void>;
}

/**
 * Runs `work` with a helper pod named `name` from `overrides`, deleting the pod after, whatever
 * happens. A leftover of the same name (a run killed before it cleaned up) is replaced first.
 */
export async function withHelperPod<T>(
    kube: Kubectl,
    name: string,
    request: HelperPodRequest,
    work: (pod: HelperPod) => Promise<T>,
): Promise<T> {
    const remove = () => kube.run(["delete", "pod", name, "--ignore-not-found", "--wait=true"]);
    await remove();
    try {
        await kube.run([
            "run",
            name,
            `--image=${request.image}`,
            "--restart=Never",
            `--overrides=${helperPodOverrides(request)}`,
        ]);
        await kube.run(["wait", "--for=condition=Ready", `pod/${name}`, `--timeout=${READY_TIMEOUT}`]);
        return await work(helperPod(kube, name));
    } finally {
        await remove().catch(() => undefined);
    }
}

function helperPod(kube: Kubectl, name: string): HelperPod {
    const inPod = (command: string[]) => kube.args(["exec", "-i", name, "-c", CONTAINER, "--", ...command]);
    return {
        name,
        exec: (command, input) =>
            kube.run(
                ["exec", ...(input === undefined ? [] : ["-i"]), name, "-c", CONTAINER, "--", ...command],
                undefined,
                input,
            ),
        copyOut: (podDir, localDir, leftOut = []) =>
            pipe(
                ["kubectl", inPod(["tar", "-C", podDir, "-cf", "-", "."])],
                ["tar", ["-C", localDir, "-xf", "-", "--no-same-owner", "--no-same-permissions"]],
                new PlainTarCheck(`${name}:${podDir}`, leftOut),
            ),
        copyIn: (localDir, podDir, excludes) =>
            pipe(
                ["tar", ["-C", localDir, ...excludes.map((path) => `--exclude=./${path}`), "-cf", "-", "."]],
                ["kubectl", inPod(["tar", "-C", podDir, "-xf", "-"])],
            ),
    };
}

type Program = [command: string, args: string[]];

/** The stream between the two sides, through `check` when given: a check's refusal is the copy's error, naming the entry. */
function connect(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, check?: Transform): Promise<void> {
    return new Promise((resolve, reject) => {
        // A side that ends early breaks the pipe: its exit code says so, not an uncaught EPIPE.
        const done = (error?: Error | null) => (error instanceof NotPlainError ? reject(error) : resolve());
        if (check) pipeline(from, check, to, done);
        else pipeline(from, to, done);
    });
}

/** `from | to`, with no shell: fails naming the side that failed, with its last words. */
async function pipe(from: Program, to: Program, check?: Transform): Promise<void> {
    const run = ([command, args]: Program, stdio: ("pipe" | "ignore")[]) =>
        spawn(command, args, { stdio: stdio as ["pipe", "pipe", "pipe"] });
    const producer = run(from, ["ignore", "pipe", "pipe"]);
    const consumer = run(to, ["pipe", "ignore", "pipe"]);
    const finished = (child: ReturnType<typeof run>, side: string) =>
        new Promise<void>((resolve, reject) => {
            let stderr = "";
            child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            child.on("error", reject);
            child.on("close", (code) =>
                code === 0
                    ? resolve()
                    : reject(
                          new Error(`${side} of the copy failed: ${stderr.trim().split("\n").pop() || `exit ${code}`}`),
                      ),
            );
        });
    const sides = [
        connect(producer.stdout, consumer.stdin, check),
        finished(producer, `${from[0]}, the sending side,`),
        finished(consumer, `${to[0]}, the receiving side,`),
    ];
    // Every side settles; the check's refusal, listed first, names the cause rather than the broken pipe it leaves.
    const failed = (await Promise.allSettled(sides)).find(
        (result): result is PromiseRejectedResult => result.status === "rejected",
    );
    if (failed) throw failed.reason;
}
