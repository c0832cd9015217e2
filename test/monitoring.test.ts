// What the program declares for watching the network: geth's metrics, how a Prometheus finds them
// (annotations or a ServiceMonitor, with its preflight), the metrics NetworkPolicy and the dashboard.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Dashboard, Panel } from "@grafana/schema";
import { PrometheusObject, selects, serviceMonitorProblem } from "../lib/kubernetes/monitoringChecks";
import { quorumDashboard } from "../lib/monitoring/dashboard";
import { ProgramRun, runProgram, workspaceFixture } from "./support/program";
import { container, named, ofType } from "./support/query";

const METRICS_FLAGS = ["--metrics", "--metrics.addr", "0.0.0.0", "--metrics.port", "9545"];
const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SCRAPE_GETH = {
    "prometheus.io/scrape": "true",
    "prometheus.io/port": "9545",
    "prometheus.io/path": "/debug/metrics/prometheus",
};
const SCRAPE_TESSERA = {
    "prometheus.io/scrape": "true",
    "prometheus.io/port": "9000",
    "prometheus.io/path": "/metrics",
};
const PROMETHEUS_PODS = {
    podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
};

const podAnnotations = (run: ProgramRun, index: number) =>
    named(run, `quorum-node-${index}-set`).inputs.spec.template.metadata.annotations as Record<string, string>;
const nodeService = (run: ProgramRun, index: number) => named(run, `quorum-node-${index}-service`).inputs;
const scrapeKeys = (annotations: Record<string, string>) =>
    Object.fromEntries(Object.entries(annotations).filter(([key]) => key.startsWith("prometheus.io/")));
const dashboardOf = (run: ProgramRun) =>
    Object.values(named(run, "quorum-monitoring-dashboard").inputs.data as Record<string, string>).map(
        (text) => JSON.parse(text) as Dashboard,
    )[0];

describe("monitoring under runtime goquorum (QBFT 4+1)", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ goquorum: 5 });
    const render = (config: Record<string, string> = {}) =>
        runProgram({ stack: "goquorum", fake: workspace.fake, projectDir: workspace.projectDir, config });
    const kubeState = (file: string, text: string) => {
        fs.mkdirSync(path.join(workspace.fake.state, "kube"), { recursive: true });
        fs.writeFileSync(path.join(workspace.fake.state, "kube", file), text);
    };
    afterEach(() => fs.rmSync(path.join(workspace.fake.state, "kube"), { recursive: true, force: true }));

    describe("annotations (the default)", () => {
        let run: ProgramRun;
        before(async () => (run = await render()));

        it("runs geth's stand-alone metrics server on port 9545, not --pprof's profiling endpoints", () => {
            const geth = container(run, 5, "quorum");
            assert.deepEqual(geth.args?.slice(-METRICS_FLAGS.length), METRICS_FLAGS);
            assert.ok(!geth.args?.some((arg) => arg.startsWith("--pprof")), geth.args?.join(" "));
            assert.ok(
                geth.ports?.some(
                    (port) => port.containerPort === 9545 && (port as { name?: string }).name === "metrics",
                ),
            );
        });

        it("annotates each node pod for geth and each node's Service for Tessera, and names the metrics port on the Service", () => {
            for (const index of [1, 5]) {
                assert.deepEqual(scrapeKeys(podAnnotations(run, index)), SCRAPE_GETH);
                const service = nodeService(run, index);
                assert.deepEqual(scrapeKeys(service.metadata.annotations), SCRAPE_TESSERA);
                assert.ok(
                    (service.spec.ports as { name: string; port: number }[]).some(
                        (port) => port.name === "metrics" && port.port === 9545,
                    ),
                );
            }
            assert.equal(ofType(run, SERVICE_MONITOR).length, 0);
        });

        it("lets the metricsScrapers (Prometheus pods of the monitoring namespace by default) reach geth's metrics port only, not Tessera's P2P port", () => {
            const spec = named(run, "quorum-policies-metrics").inputs.spec;
            assert.deepEqual(spec.podSelector, {
                matchLabels: { "app.kubernetes.io/name": "quorum-node", "app.kubernetes.io/part-of": "kaleido-quorum" },
            });
            assert.deepEqual(spec.ingress, [{ from: [PROMETHEUS_PODS], ports: [{ protocol: "TCP", port: 9545 }] }]);
        });

        it("writes the dashboard into a ConfigMap Grafana's sidecar loads (label grafana_dashboard=1)", () => {
            const configMap = named(run, "quorum-monitoring-dashboard").inputs;
            assert.equal(configMap.metadata.labels.grafana_dashboard, "1");
            const dashboard = dashboardOf(run);
            assert.equal(dashboard.uid, "kaleido-quorum-quorum-goquorum");
            assert.deepEqual(Object.keys(configMap.data), ["kaleido-quorum-quorum-goquorum.json"]);
            assert.ok((dashboard.panels ?? []).some((panel) => panel.title === "Validators"));
        });
    });

    it("no metricsScrapers: no metrics policy (an empty `from` would admit every pod)", async () => {
        const run = await render({ metricsScrapers: "[]" });
        assert.ok(!ofType(run, POLICY).some((policy) => policy.inputs.metadata.name === "quorum-metrics"));
    });

    it("none: geth exports nothing; no annotations, port, policy or dashboard", async () => {
        const run = await render({ monitoring: "none" });
        assert.ok(!container(run, 1, "quorum").args?.includes("--metrics"));
        assert.deepEqual(scrapeKeys(podAnnotations(run, 1)), {});
        assert.ok(!(nodeService(run, 1).spec.ports as { name: string }[]).some((port) => port.name === "metrics"));
        assert.ok(
            !run.resources.some(
                (resource) =>
                    resource.name === "quorum-monitoring-dashboard" || resource.name === "quorum-policies-metrics",
            ),
        );
    });

    it("grafanaDashboard false: no ConfigMap", async () => {
        const run = await render({ grafanaDashboard: "false" });
        assert.ok(!run.resources.some((resource) => resource.name === "quorum-monitoring-dashboard"));
    });

    describe("serviceMonitor", () => {
        const SELECTING = (matchLabels: Record<string, string>, namespace = "monitoring"): PrometheusObject => ({
            metadata: { name: "k8s", namespace },
            spec: { serviceMonitorSelector: { matchLabels }, serviceMonitorNamespaceSelector: {} },
        });

        it("is refused at preview, naming the fix, when the cluster has no ServiceMonitor kind", async () => {
            await assert.rejects(
                render({ monitoring: "serviceMonitor" }),
                /preflight: kube context minikube has no ServiceMonitor kind \(monitoring\.coreos\.com\/v1\): install prometheus-operator .*, or set monitoring to annotations/,
            );
        });

        it("declares a ServiceMonitor over both endpoints of every node's Service, and no scrape annotations", async () => {
            kubeState("api-resources", "servicemonitors.monitoring.coreos.com\nprometheuses.monitoring.coreos.com\n");
            kubeState(
                "prometheuses.json",
                JSON.stringify({ items: [SELECTING({ release: "kube-prometheus-stack" })] }),
            );
            const run = await render({ monitoring: "serviceMonitor" });
            const [monitor] = ofType(run, SERVICE_MONITOR).map((resource) => resource.inputs);
            assert.equal(monitor.metadata.labels.release, "kube-prometheus-stack");
            assert.deepEqual(monitor.spec.selector, {
                matchLabels: {
                    "app.kubernetes.io/part-of": "kaleido-quorum",
                    "app.kubernetes.io/name": "quorum-node",
                    "app.kubernetes.io/component": "node",
                },
            });
            assert.deepEqual(
                monitor.spec.endpoints.map((e: { port: string; path: string }) => `${e.port} ${e.path}`),
                ["metrics /debug/metrics/prometheus", "tessera /metrics"],
            );
            assert.deepEqual(monitor.spec.podTargetLabels, ["app.kubernetes.io/name", "app.kubernetes.io/instance"]);
            assert.deepEqual(monitor.spec.targetLabels, ["kaleido.io/validator"]);
            assert.deepEqual(scrapeKeys(podAnnotations(run, 1)), {});
            assert.deepEqual(scrapeKeys(nodeService(run, 1).metadata.annotations), {});
            assert.deepEqual(container(run, 1, "quorum").args?.slice(-METRICS_FLAGS.length), METRICS_FLAGS);
        });

        it("is refused when no Prometheus selects serviceMonitorLabels, naming what each one selects", async () => {
            kubeState("api-resources", "servicemonitors.monitoring.coreos.com\n");
            kubeState("prometheuses.json", JSON.stringify({ items: [SELECTING({ release: "monitoring" })] }));
            await assert.rejects(
                render({ monitoring: "serviceMonitor" }),
                /no Prometheus selects a ServiceMonitor labelled release=kube-prometheus-stack in namespace quorum-goquorum \(monitoring\/k8s selects \{"matchLabels":\{"release":"monitoring"\}\}\): set serviceMonitorLabels/,
            );
            await render({ monitoring: "serviceMonitor", serviceMonitorLabels: "release=monitoring" });
        });

        it("goes ahead when the user may not list Prometheus objects", async () => {
            kubeState("api-resources", "servicemonitors.monitoring.coreos.com\n");
            kubeState("prometheuses-forbidden", "");
            assert.equal(ofType(await render({ monitoring: "serviceMonitor" }), SERVICE_MONITOR).length, 1);
        });
    });
});

describe("monitoring keys", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ goquorum: 5, kaleido: 5 });
    const render = (stack: string, config: Record<string, string>) =>
        runProgram({ stack, fake: workspace.fake, projectDir: workspace.projectDir, config });

    const refusals: [string, string, Record<string, string>, RegExp][] = [
        [
            "an unknown mode",
            "goquorum",
            { monitoring: "prometheus" },
            /monitoring: "prometheus" must be one of annotations, serviceMonitor, none/,
        ],
        [
            "labels that are not labels",
            "goquorum",
            { monitoring: "serviceMonitor", serviceMonitorLabels: "release" },
            /serviceMonitorLabels: "release" must be labels key=value\[,key=value\]/,
        ],
        [
            "serviceMonitorLabels without a ServiceMonitor",
            "goquorum",
            { serviceMonitorLabels: "release=x" },
            /serviceMonitorLabels: only used with monitoring serviceMonitor/,
        ],
        [
            "a dashboard with nothing exported",
            "goquorum",
            { monitoring: "none", grafanaDashboard: "false" },
            /grafanaDashboard: only used with monitoring annotations or serviceMonitor/,
        ],
        [
            "monitoring the seed's images, which export nothing",
            "kaleido",
            { monitoring: "serviceMonitor" },
            /monitoring: only used with runtime goquorum/,
        ],
        [
            "a bad scraper",
            "goquorum",
            { metricsScrapers: '["prometheus"]' },
            /metricsScrapers: "prometheus" must be pod labels key=value/,
        ],
    ];
    for (const [what, stack, config, message] of refusals) {
        it(`refuses ${what} before anything is created`, async () => {
            await assert.rejects(render(stack, config), message);
        });
    }

    it("the seed's images (kaleido stack): no metrics port, annotations, policy or dashboard by default", async () => {
        const run = await render("kaleido", {});
        assert.deepEqual(scrapeKeys(podAnnotations(run, 1)), {});
        assert.ok(
            !run.resources.some(
                (resource) =>
                    resource.name === "quorum-monitoring-dashboard" || resource.name === "quorum-policies-metrics",
            ),
        );
    });
});

describe("the ServiceMonitor preflight's label selector", () => {
    it("follows Kubernetes' semantics, and a missing selector selects nothing", () => {
        const labels = { release: "kps", team: "ledger" };
        assert.ok(selects({}, labels));
        assert.ok(selects({ matchLabels: { release: "kps" } }, labels));
        assert.ok(!selects({ matchLabels: { release: "other" } }, labels));
        assert.ok(selects({ matchExpressions: [{ key: "team", operator: "In", values: ["ledger", "x"] }] }, labels));
        assert.ok(!selects({ matchExpressions: [{ key: "team", operator: "NotIn", values: ["ledger"] }] }, labels));
        assert.ok(selects({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels));
        assert.ok(!selects({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels));
        assert.ok(!selects(null, labels));
        assert.ok(!selects(undefined, labels));
    });

    it("a Prometheus without a namespace selector watches only its own namespace", () => {
        const own: PrometheusObject = {
            metadata: { name: "p", namespace: "ledger" },
            spec: { serviceMonitorSelector: {} },
        };
        assert.equal(serviceMonitorProblem([own], { release: "x" }, "ledger"), undefined);
        assert.match(serviceMonitorProblem([own], { release: "x" }, "quorum") ?? "", /no Prometheus selects/);
    });
});

describe("the dashboard", () => {
    const panels = (bft: boolean) => (quorumDashboard({ network: "quorum", bft }).panels ?? []) as Panel[];
    const exprs = (bft: boolean) =>
        panels(bft).map((panel) => String((panel.targets?.[0] as { expr: string } | undefined)?.expr));

    it("has a panel for each thing to watch, every query over the node pods' labels and a chosen namespace", () => {
        assert.deepEqual(
            panels(true).map((panel) => panel.title),
            [
                "Chain head",
                "Blocks behind the highest",
                "Peers",
                "Transaction pool: pending",
                "Transaction pool: queued",
                "Time between blocks",
                "Validators",
                "Tessera up",
            ],
        );
        for (const expr of exprs(true))
            assert.match(expr, /app_kubernetes_io_name="quorum-node", namespace=~"\$namespace"/);
        for (const name of [
            "chain_head_block",
            "p2p_peers",
            "txpool_pending",
            "txpool_queued",
            'kaleido_io_validator="true"}',
            "up{",
            ':9000"',
        ])
            assert.ok(
                exprs(true).some((expr) => expr.includes(name)),
                name,
            );
    });

    it("under Raft lists the members, whose roles GoQuorum does not export", () => {
        assert.equal(panels(false)[6].title, "Raft members");
        assert.ok(!exprs(false)[6].includes("validator"));
    });

    it("lays panels two abreast without overlap, and keeps its uid within Grafana's 40 characters", () => {
        const cells = panels(true).map((panel) => `${panel.gridPos?.x},${panel.gridPos?.y}`);
        assert.equal(new Set(cells).size, cells.length);
        assert.ok(quorumDashboard({ network: "a".repeat(63), bft: true }).uid!.length <= 40);
    });
});
