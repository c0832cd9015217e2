// e2e: watching a network as its users do. Debian's Prometheus scrapes the real pods at the targets
// the program's own prometheus.io annotations name (as the Prometheus Helm chart's pod and
// service-endpoints jobs keep and label them), and each query of the dashboard the program put in
// its ConfigMap must return a series for each node; then `npm run status` must show every node as
// geth itself reports it.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { E2eFailure, expect, kubectl, requireEnv, waitUntil } from "./harness";
import { PROJECT } from "./stack";

const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const server = net.createServer().listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

interface Annotated {
    metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: { selector?: Record<string, string> };
    status?: { podIP?: string };
}

const promLabels = (labels: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(labels).map(([key, value]) => [key.replace(/[^a-zA-Z0-9_]/g, "_"), value]));

/** A target as the chart's jobs keep it: prometheus.io/scrape true, its port and path, the object's labels. */
function targetOf(object: Annotated, podIp: string | undefined, pod: string, namespace: string) {
    const annotations = object.metadata.annotations ?? {};
    if (annotations["prometheus.io/scrape"] !== "true" || !podIp) return [];
    const labels = {
        ...promLabels(object.metadata.labels),
        __metrics_path__: annotations["prometheus.io/path"] ?? "/metrics",
        namespace,
        pod,
    };
    return [{ targets: [`${podIp}:${annotations["prometheus.io/port"]}`], labels }];
}

/**
 * Debian's Prometheus 2.42 is built without kubernetes_sd, so the targets its kubernetes-pods and
 * kubernetes-service-endpoints jobs would find are written for file_sd, from the program's own
 * annotations as kubectl shows them: each annotated pod, and each annotated Service's pod.
 */
function annotatedTargets(namespace: string) {
    const list = (kind: string) =>
        (JSON.parse(kubectl("get", kind, "-n", namespace, "-o", "json")) as { items: Annotated[] }).items;
    const pods = list("pods");
    const podTargets = pods.flatMap((pod) => targetOf(pod, pod.status?.podIP, pod.metadata.name, namespace));
    const serviceTargets = list("services").flatMap((service) => {
        const selector = Object.entries(service.spec?.selector ?? {});
        const pod = pods.find(
            (candidate) =>
                selector.length > 0 && selector.every(([key, value]) => candidate.metadata.labels?.[key] === value),
        );
        return pod ? targetOf(service, pod.status?.podIP, pod.metadata.name, namespace) : [];
    });
    return [...podTargets, ...serviceTargets];
}

async function startPrometheus(namespace: string): Promise<{ url: string; process: ChildProcess }> {
    const dir = path.join(RUN_DIR, "prometheus");
    fs.mkdirSync(dir, { recursive: true });
    const targets = annotatedTargets(namespace);
    fs.writeFileSync(path.join(dir, "targets.json"), JSON.stringify(targets, null, 2));
    const config = {
        global: { scrape_interval: "5s", evaluation_interval: "5s" },
        scrape_configs: [
            { job_name: "kubernetes-annotated", file_sd_configs: [{ files: [path.join(dir, "targets.json")] }] },
        ],
    };
    fs.writeFileSync(path.join(dir, "prometheus.json"), JSON.stringify(config, null, 2));
    const port = await freePort();
    const logFile = path.join(RUN_DIR, "logs", "prometheus.log");
    const log = fs.openSync(logFile, "a");
    const child = spawn(
        "prometheus",
        [
            `--config.file=${path.join(dir, "prometheus.json")}`,
            `--storage.tsdb.path=${path.join(dir, "data")}`,
            `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: ["ignore", log, log] },
    );
    const url = `http://127.0.0.1:${port}`;
    await waitUntil("Prometheus ready", 30, () => spawnSync("curl", ["-sf", `${url}/-/ready`]).status === 0).catch(
        () => {
            child.kill();
            throw new E2eFailure(
                `Prometheus did not start: ${fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-3).join("\n")}`,
            );
        },
    );
    return { url, process: child };
}

interface Series {
    metric: Record<string, string>;
    value: [number, string];
}

function query(url: string, expr: string): Series[] {
    const result = spawnSync("curl", ["-sf", "--get", `${url}/api/v1/query`, "--data-urlencode", `query=${expr}`], {
        encoding: "utf8",
    });
    if (result.status !== 0) throw new E2eFailure(`Prometheus refused ${expr}: ${result.stderr}`);
    return (JSON.parse(result.stdout) as { data: { result: Series[] } }).data.result;
}

interface DashboardPanel {
    title: string;
    targets: { expr: string }[];
}

/** The dashboard as Grafana's sidecar would load it: from the stack's ConfigMap. */
function dashboardPanels(namespace: string): DashboardPanel[] {
    const data = JSON.parse(
        kubectl("get", "configmap", "quorum-dashboard", "-n", namespace, "-o", "jsonpath={.data}"),
    ) as Record<string, string>;
    return (JSON.parse(Object.values(data)[0]) as { panels: DashboardPanel[] }).panels;
}

/**
 * Every panel's query returns a series for each node (the validators' panel for each validator)
 * within `seconds`; Tessera's is up on every node. Returns what each panel showed last.
 */
export async function checkDashboardWithPrometheus(
    namespace: string,
    nodeCount: number,
    validators: number,
): Promise<void> {
    const prometheus = await startPrometheus(namespace);
    try {
        const panels = dashboardPanels(namespace);
        const nodes = (count: number) => Array.from({ length: count }, (_, i) => `node-${i + 1}`).join(",");
        const shown = new Map<string, string>();
        await waitUntil(`every dashboard panel showing each node (${panels.length} panels)`, 120, () =>
            panels.every((panel) => {
                const series = query(prometheus.url, panel.targets[0].expr.replace(/\$namespace/g, namespace));
                const seen = [...new Set(series.map((s) => s.metric.app_kubernetes_io_instance))]
                    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
                    .join(",");
                shown.set(panel.title, seen);
                const wanted = panel.title === "Validators" ? nodes(validators) : nodes(nodeCount);
                return seen === wanted && (panel.title !== "Tessera up" || series.every((s) => s.value[1] === "1"));
            }),
        ).catch((error: Error) => {
            throw new E2eFailure(
                `${error.message}; panels showed: ${[...shown].map(([title, seen]) => `${title}: ${seen || "nothing"}`).join("; ")}`,
            );
        });
        const heads = query(prometheus.url, `chain_head_block{namespace="${namespace}"}`).map(
            (s) => `${s.metric.app_kubernetes_io_instance}=${s.value[1]}`,
        );
        process.stdout.write(
            `e2e: Prometheus 2.42 filled all ${panels.length} panels; chain_head_block: ${heads.sort().join(" ")}\n`,
        );
    } finally {
        prometheus.process.kill();
    }
}

interface StatusNode {
    node: string;
    height?: number;
    peers?: number;
    verdict: string;
}

/**
 * `npm run status -- --json` for a stack, and how long it took, whole (ts-node's start included).
 * Not blocking this process: the fake nodes its execs may reach are served here.
 */
export async function runStatus(stack: string): Promise<{ nodes: StatusNode[]; seconds: number; readSeconds: number }> {
    const started = Date.now();
    const child = spawn("npm", ["run", "--silent", "status", "--", "--stack", stack, "--json"], {
        cwd: PROJECT,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    const seconds = (Date.now() - started) / 1000;
    if (status === 2 || !stdout.trim().startsWith("{"))
        throw new E2eFailure(`npm run status failed: ${stderr}${stdout}`);
    const printed = JSON.parse(stdout) as { nodes: StatusNode[]; readMs: number };
    return { nodes: printed.nodes, seconds, readSeconds: printed.readMs / 1000 };
}

/** Status against real pods: every node, its height within a block of what geth says, its peers. */
export async function checkStatus(
    stack: string,
    nodeCount: number,
    height: (index: number) => number,
    peers: number,
): Promise<number> {
    const started = Date.now();
    const { nodes, seconds } = await runStatus(stack);
    expect(nodes.length === nodeCount, `npm run status shows all ${nodeCount} nodes`, nodes);
    for (const [i, node] of nodes.entries()) {
        const actual = height(i + 1);
        // A mining chain grows while status and geth are read: about a block a second.
        const drift = 1 + Math.ceil((Date.now() - started) / 1000);
        expect(
            node.height !== undefined && Math.abs(node.height - actual) <= drift,
            `npm run status: ${node.node} at height ${node.height}, geth says ${actual} (within ${drift})`,
            node,
        );
        expect(node.peers === peers, `npm run status: ${node.node} has ${peers} peers`, node);
    }
    return seconds;
}
