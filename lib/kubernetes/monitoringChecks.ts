// monitoring serviceMonitor: whether the cluster has the ServiceMonitor kind and a Prometheus that
// selects the ServiceMonitor by its labels, checked before anything is created.
import * as pulumi from "@pulumi/pulumi";
import { runCheck } from "../localCheck";
import { UserError } from "../userError";

interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface PrometheusObject {
    metadata: { name: string; namespace: string };
    spec?: { serviceMonitorSelector?: LabelSelector | null; serviceMonitorNamespaceSelector?: LabelSelector | null };
}

/** Kubernetes' label selector semantics; prometheus-operator reads a missing selector as "none". */
export function selects(selector: LabelSelector | null | undefined, labels: Record<string, string>): boolean {
    if (!selector) return false;
    const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
    return (
        byLabel &&
        (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
            const value = labels[key];
            if (operator === "In") return value !== undefined && values.includes(value);
            if (operator === "NotIn") return value === undefined || !values.includes(value);
            if (operator === "Exists") return value !== undefined;
            return value === undefined;
        })
    );
}

/** A null namespace selector means the Prometheus's own namespace; otherwise judged by the namespace's name label. */
function watchesNamespace(prometheus: PrometheusObject, namespace: string): boolean {
    const selector = prometheus.spec?.serviceMonitorNamespaceSelector;
    if (!selector) return prometheus.metadata.namespace === namespace;
    return selects(selector, { "kubernetes.io/metadata.name": namespace });
}

/** Undefined when some Prometheus will pick the ServiceMonitor up (or none can be seen); else why not. */
export function serviceMonitorProblem(
    prometheuses: PrometheusObject[],
    labels: Record<string, string>,
    namespace: string,
): string | undefined {
    if (prometheuses.length === 0) return undefined;
    if (
        prometheuses.some(
            (prometheus) =>
                selects(prometheus.spec?.serviceMonitorSelector, labels) && watchesNamespace(prometheus, namespace),
        )
    )
        return undefined;
    const found = prometheuses
        .map(
            (p) =>
                `${p.metadata.namespace}/${p.metadata.name} selects ${JSON.stringify(p.spec?.serviceMonitorSelector ?? null)}`,
        )
        .join("; ");
    const ours = Object.entries(labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
    return `preflight: no Prometheus selects a ServiceMonitor labelled ${ours} in namespace ${namespace} (${found}): set serviceMonitorLabels to labels one of them selects, or widen its serviceMonitorSelector / serviceMonitorNamespaceSelector`;
}

export async function serviceMonitorPreflight(
    kubeContext: string,
    labels: Record<string, string>,
    namespace: string,
): Promise<void> {
    const { stdout } = await runCheck("bash scripts/monitoring-preflight.sh", { KUBE_CONTEXT: kubeContext });
    const prometheuses = (JSON.parse(stdout) as { items: PrometheusObject[] }).items;
    const problem = serviceMonitorProblem(prometheuses, labels, namespace);
    if (problem) throw new UserError(problem);
    if (prometheuses.length === 0)
        await pulumi.log.warn(
            "preflight: no Prometheus object of prometheus-operator is visible to you: the ServiceMonitor is scraped only by one whose serviceMonitorSelector matches serviceMonitorLabels",
        );
}
