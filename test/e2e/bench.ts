// npm run bench:e2e [-- N ...]: on the harness, for each size (5 and 50 nodes unless given), one run
// of `pulumi up` of an N-node stack of the seed's (keys made beforehand, as a qdataDir), against
// `kubectl apply` of the very objects that up created and the time until they are ready; then the
// no-change preview, `pulumi destroy` and `kubectl delete`. Prints where each up's time went, from
// the engine's event log, and one table of every size. A benchmark, not a test: nothing fails on a
// slow machine.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { E2eFailure, kubectl, kubectlList, KubeObject, requireEnv, waitUntil } from "./harness";
import { copyProject, PROJECT, Stack, stackFileValues } from "./stack";

const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");
const NAMESPACE = "quorum";
const PART_OF = "app.kubernetes.io/part-of=kaleido-quorum";

async function timed<T>(body: () => Promise<T> | T): Promise<[T, number]> {
    const started = Date.now();
    const result = await body();
    return [result, (Date.now() - started) / 1000];
}

/** Written by kubectl and controllers (binding, revisions), not by the stack. */
const SERVER_ANNOTATIONS = [
    "kubectl.kubernetes.io/",
    "pv.kubernetes.io/",
    "volume.kubernetes.io/",
    "volume.beta.kubernetes.io/",
    "deployment.kubernetes.io/",
];

/** The stack's objects as the API server holds them, minus what the server owns, in an order kubectl can apply. */
function dumpObjects(): KubeObject[] {
    const strip = (object: KubeObject): KubeObject => {
        const { name, namespace, labels, annotations } = object.metadata;
        const kept = {
            ...object,
            metadata: {
                name,
                namespace,
                labels,
                annotations: Object.fromEntries(
                    Object.entries(annotations ?? {}).filter(
                        ([key]) => !SERVER_ANNOTATIONS.some((prefix) => key.startsWith(prefix)),
                    ),
                ),
            },
        };
        delete kept.status;
        const spec = kept.spec as { claimRef?: Record<string, unknown> } | undefined;
        if (spec?.claimRef) spec.claimRef = { namespace: spec.claimRef.namespace, name: spec.claimRef.name };
        return kept;
    };
    const namespaced = (kind: string) => kubectlList(kind, "-n", NAMESPACE, "-l", PART_OF);
    const namespace = JSON.parse(kubectl("get", "namespace", NAMESPACE, "-o", "json")) as KubeObject;
    return [
        namespace,
        ...kubectlList("pv", "-l", PART_OF),
        ...["pvc", "services", "statefulsets", "deployments", "ingresses"].flatMap(namespaced),
    ].map(strip);
}

function allReady(): boolean {
    const sets = kubectlList("statefulsets", "-n", NAMESPACE);
    const deployments = kubectlList("deployments", "-n", NAMESPACE);
    const ready = (object: KubeObject, field: string) =>
        ((object.status as Record<string, number> | undefined)?.[field] ?? 0) >= 1;
    return (
        sets.length > 0 &&
        sets.every((set) => ready(set, "readyReplicas")) &&
        deployments.every((d) => ready(d, "availableReplicas"))
    );
}

interface EngineEvent {
    timestamp: number;
    resourcePreEvent?: { metadata: { urn: string; type: string; op: string } };
    resOutputsEvent?: { metadata: { urn: string; type: string; op: string } };
}

/** Per kind of resource: how many, the sum of their own durations, and the span from the first start to the last end. */
function profile(eventLog: string): string[] {
    const events = fs
        .readFileSync(eventLog, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as EngineEvent);
    const first = events[0]?.timestamp ?? 0;
    const starts = new Map<string, number>();
    const groups = new Map<string, { count: number; busy: number; from: number; to: number }>();
    const groupOf = (type: string, urn: string) =>
        type === "command:local:Command"
            ? `Command ${urn
                  .split("::")
                  .pop()
                  ?.replace(/^quorum-(node-\d+|bootnode)-qdata-/, "*-")}`
            : type;
    for (const event of events) {
        if (event.resourcePreEvent) starts.set(event.resourcePreEvent.metadata.urn, event.timestamp);
        const done = event.resOutputsEvent?.metadata;
        if (!done || done.op === "same") continue;
        const start = starts.get(done.urn) ?? event.timestamp;
        const key = groupOf(done.type, done.urn);
        const group = groups.get(key) ?? { count: 0, busy: 0, from: Infinity, to: 0 };
        groups.set(key, {
            count: group.count + 1,
            busy: group.busy + event.timestamp - start,
            from: Math.min(group.from, start),
            to: Math.max(group.to, event.timestamp),
        });
    }
    const firstResource = Math.min(
        ...events
            .filter((e) => e.resourcePreEvent && e.resourcePreEvent.metadata.type !== "pulumi:pulumi:Stack")
            .map((e) => e.timestamp),
    );
    const lines = [
        `engine and program start (ts-node, config, preflight, keys read) to the first resource: ${firstResource - first}s`,
    ];
    for (const [key, group] of [...groups].sort((a, b) => a[1].from - b[1].from)) {
        lines.push(
            `${key}: ${group.count}, busy ${group.busy}s in all, from +${group.from - first}s to +${group.to - first}s`,
        );
    }
    return lines;
}

interface BenchRow {
    nodeCount: number;
    resources: number;
    objects: number;
    upSeconds: number;
    readySeconds: number;
}

/** The engine's resources of the up (its event log's resource outputs), the stack itself aside. */
function resourceCount(eventLog: string): number {
    const events = fs
        .readFileSync(eventLog, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as EngineEvent);
    return new Set(
        events.flatMap((event) =>
            event.resOutputsEvent && event.resOutputsEvent.metadata.type !== "pulumi:pulumi:Stack"
                ? [event.resOutputsEvent.metadata.urn]
                : [],
        ),
    ).size;
}

async function benchOne(nodeCount: number): Promise<BenchRow> {
    const qdataDir = path.join(RUN_DIR, `bench-qdata-${nodeCount}`);
    const [, keySeconds] = await timed(() =>
        spawnSync("npx", ["ts-node", "scripts/generate-qdata.ts", "--nodes", String(nodeCount), "--out", qdataDir], {
            cwd: PROJECT,
            stdio: "ignore",
        }),
    );
    const stack = new Stack(`bench-${nodeCount}`);
    await stack.init({ ...stackFileValues("Pulumi.kaleido.yaml"), nodeCount: String(nodeCount), qdataDir });
    const eventLog = path.join(RUN_DIR, "logs", `bench-up-${nodeCount}-events.jsonl`);
    const [, upSeconds] = await timed(() => stack.cli("up", "--yes", "--skip-preview", "--event-log", eventLog));
    const [, previewSeconds] = await timed(() => stack.cli("preview", "--expect-no-changes"));
    const objects = dumpObjects();
    const [, destroySeconds] = await timed(() => stack.cli("destroy", "--yes", "--skip-preview"));

    const manifest = path.join(RUN_DIR, `bench-objects-${nodeCount}.json`);
    fs.writeFileSync(manifest, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
    const [applySeconds, readySeconds] = await timed(async () => {
        const [, seconds] = await timed(() => kubectl("apply", "-f", manifest));
        await waitUntil("every StatefulSet and the Deployment ready after kubectl apply", 300, allReady);
        return seconds;
    });
    const [, deleteSeconds] = await timed(() => kubectl("delete", "-f", manifest, "--wait=true"));

    const out = (line: string) => process.stdout.write(`bench: ${line}\n`);
    out(
        `${nodeCount} nodes, ${objects.length} Kubernetes objects; keys made beforehand in ${keySeconds.toFixed(1)}s (not counted)`,
    );
    out(`pulumi up                       ${upSeconds.toFixed(1)}s`);
    out(`kubectl apply                   ${applySeconds.toFixed(1)}s, all ready at ${readySeconds.toFixed(1)}s`);
    out(`ratio up / kubectl floor        ${(upSeconds / readySeconds).toFixed(2)}`);
    out(`no-change pulumi preview        ${previewSeconds.toFixed(1)}s`);
    out(`pulumi destroy                  ${destroySeconds.toFixed(1)}s`);
    out(`kubectl delete --wait           ${deleteSeconds.toFixed(1)}s`);
    out(`where the up's time went (engine event log, whole seconds; ${eventLog}):`);
    for (const line of profile(eventLog)) out(`  ${line}`);
    await stack.remove();
    return { nodeCount, resources: resourceCount(eventLog), objects: objects.length, upSeconds, readySeconds };
}

async function main(): Promise<void> {
    const sizes = process.argv.slice(2).map(Number);
    if (sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 50))
        throw new E2eFailure("usage: npm run bench:e2e [-- <nodes, 1 to 50> ...]");
    copyProject();
    // The CLI offers --event-log only with its debug commands on.
    process.env.PULUMI_DEBUG_COMMANDS = "true";
    const rows: BenchRow[] = [];
    for (const nodeCount of sizes.length > 0 ? sizes : [5, 50]) rows.push(await benchOne(nodeCount));
    const table = rows.map(
        (row) =>
            `| ${row.nodeCount} | ${row.upSeconds.toFixed(1)} s (${row.resources} resources) | ${row.readySeconds.toFixed(1)} s (${row.objects} objects) | ${(row.upSeconds / row.readySeconds).toFixed(2)}x |`,
    );
    process.stdout.write(
        [
            "bench: the table (docs/DEVELOPING.md keeps the latest, with its date):",
            "| nodes | `pulumi up` | kubectl apply + ready | ratio |",
            "|---|---|---|---|",
            ...table,
        ].join("\n") + "\n",
    );
}

main().catch((error: unknown) => {
    process.stdout.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
