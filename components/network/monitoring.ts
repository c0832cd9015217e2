import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MonitoringSettings } from "../../lib/model/monitoring";
import { quorumDashboard } from "../../lib/monitoring/dashboard";
import { NodeMetrics, serviceMonitor } from "../../lib/monitoring/scrape";
import { COMMON_LABELS, NODES_SERVICE_MONITOR } from "../../lib/network/names";

export interface MonitoringArgs {
    settings: MonitoringSettings;
    metrics: NodeMetrics;
    namespace: pulumi.Output<string>;
    provider: k8s.Provider;
    /** Names the dashboard (title, uid, file): one per network. */
    networkName: string;
    bft: boolean;
}

/** The label kube-prometheus-stack's Grafana sidecar loads dashboards from ConfigMaps by. */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" };

/**
 * What a Prometheus and a Grafana of the cluster need besides the nodes' own annotations: the
 * ServiceMonitor (monitoring serviceMonitor) and the dashboard's ConfigMap (grafanaDashboard).
 */
export class Monitoring extends pulumi.ComponentResource {
    readonly serviceMonitor?: k8s.apiextensions.CustomResource;
    readonly dashboard?: k8s.core.v1.ConfigMap;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:Monitoring", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };
        if (args.settings.discovery === "serviceMonitor") {
            this.serviceMonitor = new k8s.apiextensions.CustomResource(
                `${name}-service-monitor`,
                serviceMonitor(NODES_SERVICE_MONITOR, args.namespace, args.settings, args.metrics),
                childOpts,
            );
        }
        if (args.settings.grafanaDashboard) {
            const dashboard = quorumDashboard({ network: args.networkName, bft: args.bft });
            this.dashboard = new k8s.core.v1.ConfigMap(
                `${name}-dashboard`,
                {
                    metadata: {
                        name: "quorum-dashboard",
                        namespace: args.namespace,
                        labels: { ...COMMON_LABELS, ...GRAFANA_DASHBOARD_LABEL },
                    },
                    data: { [`${dashboard.uid}.json`]: JSON.stringify(dashboard, null, 2) },
                },
                childOpts,
            );
        }
        this.registerOutputs({});
    }
}
