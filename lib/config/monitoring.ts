// The monitoring keys: how a Prometheus finds the nodes' metrics, and the Grafana dashboard.
import { parseLabels } from "./labels";
import { RuntimeKind } from "../model/network";
import { ValueReader } from "./values";
import { MONITORING_MODES, MonitoringSettings } from "../model/monitoring";



/** Keys that mean something only while the nodes export metrics. */
const EXPORT_KEYS = ["serviceMonitorLabels", "grafanaDashboard", "metricsScrapers"];

/** Undefined when nothing is exported: monitoring none, or the seed's images (their geth has no exporter). */
export function readMonitoring(reader: ValueReader, runtime: RuntimeKind): MonitoringSettings | undefined {
    const mode = reader.oneOf("monitoring", MONITORING_MODES);
    const labelsText = reader.string("serviceMonitorLabels");
    const serviceMonitorLabels = parseLabels(labelsText);
    if (!serviceMonitorLabels) reader.problems.push(`serviceMonitorLabels: "${labelsText}" must be labels key=value[,key=value]: those your Prometheus's serviceMonitorSelector matches (kube-prometheus-stack: release=<its release name>)`);
    const grafanaDashboard = reader.boolean("grafanaDashboard");
    if (mode === "none") reader.onlyFor(EXPORT_KEYS, "monitoring", "annotations or serviceMonitor");
    else if (mode === "annotations") reader.onlyFor(["serviceMonitorLabels"], "monitoring", "serviceMonitor");
    if (runtime === "kaleido" || mode === "none") return undefined;
    return { discovery: mode, serviceMonitorLabels: serviceMonitorLabels ?? {}, grafanaDashboard };
}
