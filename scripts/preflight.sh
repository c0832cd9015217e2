#!/usr/bin/env bash
# Runs at the start of every preview and update, before any resource is created.
# Checks that the minikube profile runs and the kube context exists; prints the node IP on stdout.
#
# Environment: MINIKUBE_PROFILE, KUBE_CONTEXT
set -euo pipefail

fail() {
    echo "preflight: $*" >&2
    exit 1
}

command -v minikube >/dev/null || fail "minikube is not on PATH: install it (https://minikube.sigs.k8s.io/docs/start/)"
command -v kubectl >/dev/null || fail "kubectl is not on PATH: install it, or use 'minikube kubectl'"

state="$(minikube -p "$MINIKUBE_PROFILE" status --format '{{.Host}}/{{.Kubelet}}/{{.APIServer}}' 2>/dev/null || true)"
if [ "$state" != "Running/Running/Running" ]; then
    fail "minikube profile $MINIKUBE_PROFILE is not running (host/kubelet/apiserver: ${state:-unknown}): run 'minikube start -p $MINIKUBE_PROFILE'"
fi

if ! kubectl config get-contexts -o name | grep -qxF -- "$KUBE_CONTEXT"; then
    fail "kube context $KUBE_CONTEXT is not in your kubeconfig: run 'minikube -p $MINIKUBE_PROFILE update-context', or set kubeContext"
fi

echo "preflight: minikube profile $MINIKUBE_PROFILE is running; kube context $KUBE_CONTEXT found" >&2
minikube -p "$MINIKUBE_PROFILE" ip
