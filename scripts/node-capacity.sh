#!/usr/bin/env bash
# Runs at the start of every preview and update on minikube, after preflight.sh: prints each
# node's allocatable CPU and memory ("<cpu> <memory>" a line, as Kubernetes writes quantities),
# then one line "policy-engine: <name>" naming a NetworkPolicy engine's DaemonSet, or
# "policy-engine: none" when none of the known ones runs.
#
# Environment: KUBE_CONTEXT
set -euo pipefail

fail() {
    echo "preflight: $*" >&2
    exit 1
}

kubectl --context "$KUBE_CONTEXT" get nodes -o jsonpath='{range .items[*]}{.status.allocatable.cpu} {.status.allocatable.memory}{"\n"}{end}' ||
    fail "could not read the nodes of kube context $KUBE_CONTEXT"
daemonsets="$(kubectl --context "$KUBE_CONTEXT" get daemonsets --all-namespaces -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' 2>/dev/null || true)"
engine="$(grep -m1 -xE 'calico-node|cilium|kube-router|weave-net|antrea-agent|canal' <<<"$daemonsets" || true)"
echo "policy-engine: ${engine:-none}"
