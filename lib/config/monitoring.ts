// The monitoring keys: how a Prometheus finds the nodes' metrics, and the Grafana dashboard.
import { parseLabels } from "./labels";
import { Runtime } from "../runtime/runtime";
import { ValueReader } from "./values";
import { MONITORING_MODES, MonitoringSettings } from "../model/monitoring";

/** Keys that mean something only while the nodes export metrics. */
const EXPORT_KEYS = ["serviceMonitorLabels", "grafanaDashboard", "metricsScrapers"];

/** Undefined when nothing is exported: monitoring none, or a runtime whose geth has no exporter (the seed's images). */
export function readMonitoring(reader: ValueReader, runtime: Runtime): MonitoringSettings | undefined {
    const mode = reader.oneOf("monitoring", MONITORING_MODES);
    const labelsText = reader.string("serviceMonitorLabels");
    const serviceMonitorLabels = parseLabels(labelsText);
    if (!serviceMonitorLabels)
        reader.problems.push(
            `serviceMonitorLabels: "${labelsText}" must be labels key=value[,key=value]: those your Prometheus's serviceMonitorSelector matches (kube-prometheus-stack: release=<its release name>)`,
        );
    const grafanaDashboard = reader.boolean("grafanaDashboard");
    if (mode === "none") reader.onlyFor(EXPORT_KEYS, "monitoring", "annotations or serviceMonitor");
    else if (mode === "annotations") reader.onlyFor(["serviceMonitorLabels"], "monitoring", "serviceMonitor");
    if (!runtime.metrics || mode === "none") return undefined;
    return { discovery: mode, serviceMonitorLabels: serviceMonitorLabels ?? {}, grafanaDashboard };
}
