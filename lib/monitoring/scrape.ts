// How a Prometheus finds a node's metrics: the prometheus.io annotations its kubernetes_sd jobs
// read (pods for geth, Services for the transaction manager: one port each), or a
// prometheus-operator ServiceMonitor over every node's Service.
import { MonitoringSettings } from "../model/monitoring";
import { COMMON_LABELS, NODE_NAME, nodeIdentity, PROJECT_SELECTOR, VALIDATOR_LABEL } from "../network/names";
import { MetricsEndpoint } from "../runtime/runtime";

/** The annotations the common kubernetes-pods and kubernetes-service-endpoints jobs keep targets by. */
export function scrapeAnnotations(endpoint: MetricsEndpoint): Record<string, string> {
    return {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": String(endpoint.port.port),
        "prometheus.io/path": endpoint.path,
    };
}

export interface NodeMetrics {
    geth: MetricsEndpoint;
    transactionManager: MetricsEndpoint;
}

/** Labels copied onto every series, so the dashboard can tell the nodes (pod labels) and the validators (Service label) apart. */
const POD_TARGET_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/instance"];
const SERVICE_TARGET_LABELS = [VALIDATOR_LABEL];

/** The node Services carry the component label "node"; the all-nodes Service does not. */
const NODE_SERVICES = {
    ...PROJECT_SELECTOR,
    "app.kubernetes.io/name": NODE_NAME,
    "app.kubernetes.io/component": nodeIdentity(1).component,
};

/** A monitoring.coreos.com/v1 ServiceMonitor: both endpoints of every node's own Service, in its own namespace. */
export function serviceMonitor<Namespace>(
    name: string,
    namespace: Namespace,
    settings: MonitoringSettings,
    metrics: NodeMetrics,
) {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name, namespace, labels: { ...COMMON_LABELS, ...settings.serviceMonitorLabels } },
        spec: {
            selector: { matchLabels: NODE_SERVICES },
            podTargetLabels: POD_TARGET_LABELS,
            targetLabels: SERVICE_TARGET_LABELS,
            endpoints: [metrics.geth, metrics.transactionManager].map((endpoint) => ({
                port: endpoint.port.name,
                path: endpoint.path,
                interval: "15s",
            })),
        },
    };
}
