#!/usr/bin/env bash
# platform kubernetes: runs at the start of every preview and update, before any resource is
# created. Checks that the kube context exists and answers, that the PVCs will find their
# StorageClass, and that a namespace the stack is to use (not create) exists. Says what is wrong
# in one line.
#
# Environment: KUBE_CONTEXT, STORAGE_CLASS (empty: the cluster's default class), NAMESPACE,
# CREATE_NAMESPACE (true|false)
set -euo pipefail

fail() {
    echo "preflight: $*" >&2
    exit 1
}

command -v kubectl >/dev/null || fail "kubectl is not on PATH: install it (https://kubernetes.io/docs/tasks/tools/)"

contexts="$(kubectl config get-contexts -o name)"
if ! grep -qxF -- "$KUBE_CONTEXT" <<<"$contexts"; then
    fail "kube context $KUBE_CONTEXT is not in your kubeconfig${KUBECONFIG:+ ($KUBECONFIG)}: set kubeContext to one of: $(paste -sd, - <<<"$contexts" | sed 's/,/, /g')"
fi
kube=(kubectl --context "$KUBE_CONTEXT")
"${kube[@]}" get --raw /readyz >/dev/null 2>&1 ||
    fail "the API server of kube context $KUBE_CONTEXT does not answer: check that the cluster runs and your credentials work ('kubectl --context $KUBE_CONTEXT get nodes')"

class_names() {
    local names
    names="$(cut -d' ' -f1 <<<"$classes" | paste -sd, - | sed 's/,/, /g')"
    echo "${names:-none (the cluster has no StorageClass)}"
}

# One line per class: "<name> <is-default-class annotation>". A user limited to a namespace may not
# list them: then the claims themselves will tell.
if ! classes="$("${kube[@]}" get storageclass -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}{"\n"}{end}' 2>/dev/null)"; then
    echo "preflight: cannot list StorageClasses in kube context $KUBE_CONTEXT (no permission?); not checking storageClassName" >&2
    class="${STORAGE_CLASS:-the default class}"
elif [ -n "${STORAGE_CLASS:-}" ]; then
    cut -d' ' -f1 <<<"$classes" | grep -qxF -- "$STORAGE_CLASS" ||
        fail "StorageClass $STORAGE_CLASS does not exist in kube context $KUBE_CONTEXT: set storageClassName to one of: $(class_names)"
    class="$STORAGE_CLASS"
else
    class="$(awk '$2 == "true" { print $1; exit }' <<<"$classes")"
    [ -n "$class" ] ||
        fail "kube context $KUBE_CONTEXT has no default StorageClass: set storageClassName to one of: $(class_names)"
fi
if [ "${CREATE_NAMESPACE:-true}" = false ] && ! "${kube[@]}" get namespace "$NAMESPACE" >/dev/null 2>&1; then
    fail "namespace $NAMESPACE does not exist in kube context $KUBE_CONTEXT and createNamespace is false: create it ('kubectl --context $KUBE_CONTEXT create namespace $NAMESPACE'), or set createNamespace to true"
fi
echo "preflight: kube context $KUBE_CONTEXT answers; volumes from StorageClass $class" >&2
