// How the nodes' metrics are found: prometheus.io annotations or a prometheus-operator ServiceMonitor.
export const MONITORING_MODES = ["annotations", "serviceMonitor", "none"] as const;
export type MonitoringMode = (typeof MONITORING_MODES)[number];

export interface MonitoringSettings {
    /** prometheus.io/* annotations, or a prometheus-operator ServiceMonitor. */
    discovery: Exclude<MonitoringMode, "none">;
    /** serviceMonitor: the labels the user's Prometheus selects ServiceMonitors by. */
    serviceMonitorLabels: Record<string, string>;
    /** A ConfigMap with the dashboard, labelled for Grafana's dashboard sidecar. */
    grafanaDashboard: boolean;
}
