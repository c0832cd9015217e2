// e2e: watching a network as its users do. Debian's Prometheus scrapes the real pods through the
// program's own prometheus.io annotations (kubernetes_sd against the harness's API server, the
// relabelling the Prometheus Helm chart's pod and service-endpoints jobs use), and each query of
// the dashboard the program put in its ConfigMap must return a series for each node; then
// `npm run status` must show every node as geth itself reports it.
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

/** The chart's annotation-driven jobs: keep prometheus.io/scrape=true, take its path and port, copy the object's labels. */
function annotatedJob(role: "pod" | "endpoints", namespace: string) {
    const meta = role === "pod" ? "__meta_kubernetes_pod" : "__meta_kubernetes_service";
    return {
        job_name: role === "pod" ? "kubernetes-pods" : "kubernetes-service-endpoints",
        kubernetes_sd_configs: [{ role, kubeconfig_file: requireEnv("KUBECONFIG"), namespaces: { names: [namespace] } }],
        relabel_configs: [
            { source_labels: [`${meta}_annotation_prometheus_io_scrape`], action: "keep", regex: "true" },
            { source_labels: [`${meta}_annotation_prometheus_io_path`], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
            { source_labels: ["__address__", `${meta}_annotation_prometheus_io_port`], action: "replace", regex: "([^:]+)(?::\\d+)?;(\\d+)", replacement: "$1:$2", target_label: "__address__" },
            { action: "labelmap", regex: `${meta}_label_(.+)` },
            { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
            { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
        ],
    };
}

async function startPrometheus(namespace: string): Promise<{ url: string; process: ChildProcess }> {
    const dir = path.join(RUN_DIR, "prometheus");
    fs.mkdirSync(dir, { recursive: true });
    const config = { global: { scrape_interval: "5s", evaluation_interval: "5s" }, scrape_configs: [annotatedJob("pod", namespace), annotatedJob("endpoints", namespace)] };
    fs.writeFileSync(path.join(dir, "prometheus.json"), JSON.stringify(config, null, 2));
    const port = await freePort();
    const log = fs.openSync(path.join(RUN_DIR, "logs", "prometheus.log"), "a");
    const child = spawn("prometheus", [`--config.file=${path.join(dir, "prometheus.json")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ["ignore", log, log] });
    const url = `http://127.0.0.1:${port}`;
    await waitUntil("Prometheus ready", 30, () => spawnSync("curl", ["-sf", `${url}/-/ready`]).status === 0);
    return { url, process: child };
}

interface Series {
    metric: Record<string, string>;
    value: [number, string];
}

function query(url: string, expr: string): Series[] {
    const result = spawnSync("curl", ["-sf", "--get", `${url}/api/v1/query`, "--data-urlencode", `query=${expr}`], { encoding: "utf8" });
    if (result.status !== 0) throw new E2eFailure(`Prometheus refused ${expr}: ${result.stderr}`);
    return (JSON.parse(result.stdout) as { data: { result: Series[] } }).data.result;
}

interface DashboardPanel {
    title: string;
    targets: { expr: string }[];
}

/** The dashboard as Grafana's sidecar would load it: from the stack's ConfigMap. */
function dashboardPanels(namespace: string): DashboardPanel[] {
    const data = JSON.parse(kubectl("get", "configmap", "quorum-dashboard", "-n", namespace, "-o", "jsonpath={.data}")) as Record<string, string>;
    return (JSON.parse(Object.values(data)[0]) as { panels: DashboardPanel[] }).panels;
}

/**
 * Every panel's query returns a series for each node (the validators' panel for each validator)
 * within `seconds`; Tessera's is up on every node. Returns what each panel showed last.
 */
export async function checkDashboardWithPrometheus(namespace: string, nodeCount: number, validators: number): Promise<void> {
    const prometheus = await startPrometheus(namespace);
    try {
        const panels = dashboardPanels(namespace);
        const nodes = (count: number) => Array.from({ length: count }, (_, i) => `node-${i + 1}`).join(",");
        const shown = new Map<string, string>();
        await waitUntil(`every dashboard panel showing each node (${panels.length} panels)`, 120, () =>
            panels.every((panel) => {
                const series = query(prometheus.url, panel.targets[0].expr.replace(/\$namespace/g, namespace));
                const seen = [...new Set(series.map((s) => s.metric.app_kubernetes_io_instance))].sort((a, b) => a.localeCompare(b, "en", { numeric: true })).join(",");
                shown.set(panel.title, seen);
                const wanted = panel.title === "Validators" ? nodes(validators) : nodes(nodeCount);
                return seen === wanted && (panel.title !== "Tessera up" || series.every((s) => s.value[1] === "1"));
            }),
        ).catch((error: Error) => {
            throw new E2eFailure(`${error.message}; panels showed: ${[...shown].map(([title, seen]) => `${title}: ${seen || "nothing"}`).join("; ")}`);
        });
        const heads = query(prometheus.url, `chain_head_block{namespace="${namespace}"}`).map((s) => `${s.metric.app_kubernetes_io_instance}=${s.value[1]}`);
        process.stdout.write(`e2e: Prometheus 2.42 filled all ${panels.length} panels; chain_head_block: ${heads.sort().join(" ")}\n`);
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

/** `npm run status -- --json` for a stack, and how long it took, whole (ts-node's start included). */
export function runStatus(stack: string, env: NodeJS.ProcessEnv = process.env): { nodes: StatusNode[]; seconds: number } {
    const started = Date.now();
    const result = spawnSync("npm", ["run", "--silent", "status", "--", "--stack", stack, "--json"], { cwd: PROJECT, encoding: "utf8", env });
    const seconds = (Date.now() - started) / 1000;
    if (result.status === 2 || !result.stdout.trim().startsWith("{")) throw new E2eFailure(`npm run status failed: ${result.stderr}${result.stdout}`);
    return { nodes: (JSON.parse(result.stdout) as { nodes: StatusNode[] }).nodes, seconds };
}

/** Status against real pods: every node, its height within a block of what geth says, its peers. */
export function checkStatus(stack: string, nodeCount: number, height: (index: number) => number, peers: number): number {
    const { nodes, seconds } = runStatus(stack);
    expect(nodes.length === nodeCount, `npm run status shows all ${nodeCount} nodes`, nodes);
    for (const [i, node] of nodes.entries()) {
        const actual = height(i + 1);
        expect(node.height !== undefined && Math.abs(node.height - actual) <= 1, `npm run status: ${node.node} at height ${node.height}, geth says ${actual}`, node);
        expect(node.peers === peers, `npm run status: ${node.node} has ${peers} peers`, node);
    }
    return seconds;
}
