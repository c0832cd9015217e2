#!/usr/bin/env bash
# monitoring serviceMonitor: runs at the start of every preview and update, before any resource is
# created. Fails in one line unless the cluster serves prometheus-operator's ServiceMonitor kind;
# then prints the cluster's Prometheus objects as JSON (an empty list if it may not read them), so
# the program can tell whether any of them selects the ServiceMonitor's labels.
#
# Environment: KUBE_CONTEXT
set -euo pipefail

kube=(kubectl --context "$KUBE_CONTEXT")
# Discovery needs no right to read CRDs, which a namespace-bound user seldom has.
if ! "${kube[@]}" api-resources --api-group monitoring.coreos.com -o name 2>/dev/null | grep -qx 'servicemonitors.monitoring.coreos.com'; then
    echo "preflight: kube context $KUBE_CONTEXT has no ServiceMonitor kind (monitoring.coreos.com/v1): install prometheus-operator (e.g. the kube-prometheus-stack Helm chart), or set monitoring to annotations" >&2
    exit 1
fi
if ! "${kube[@]}" get prometheuses.monitoring.coreos.com --all-namespaces -o json 2>/dev/null; then
    echo '{"items": []}'
fi
