#!/usr/bin/env bash
# npm run up: gets a laptop ready for the stack $STACK (default dev) or says exactly what is
# missing, then selects (or creates) the stack and runs `pulumi up` with any extra arguments.
#  - Node.js 22 or later, the Pulumi CLI, and the passphrase that encrypts the stack's secrets.
#  - platform minikube: minikube and kubectl; a profile that is not running is started with the
#    CPUs and memory the stack's pods need and the calico CNI, which enforces NetworkPolicy.
#  - On a file backend, a lock of this stack left by a pulumi that no longer runs on this machine
#    (a crash, a SIGKILL) is named with the recovery instead of pulumi's generic "currently
#    locked" error. It never removes a lock itself.
set -euo pipefail
stack="${STACK:-dev}"
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
    cat <<'USAGE'
usage: [STACK=<stack>] npm run up [-- <pulumi up arguments>]
Checks Node.js, the Pulumi CLI, the passphrase and (platform minikube) minikube and kubectl;
starts the minikube profile sized for the stack when it is not running; then runs
`pulumi stack select --create <stack>` and `pulumi up <arguments>`. STACK defaults to dev.
USAGE
    exit 0
fi

fail() {
    echo "up: $*" >&2
    exit 1
}

node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 22 ] || fail "Node.js $(node --version) is too old: @pulumi/pulumi needs Node.js 22 or later (https://nodejs.org/en/download)"
command -v pulumi >/dev/null || fail "the Pulumi CLI is not installed: install it from https://www.pulumi.com/docs/install/ (no account needed: state stays in files under ~/.pulumi)"
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    fail "PULUMI_CONFIG_PASSPHRASE is not set. The passphrase encrypts the stack's secrets (accountPassword) in Pulumi.$stack.yaml; pulumi asks for it on every run of this stack, and nothing can recover it: lose it and you must 'pulumi config set --secret' each secret again (the network's keys are in .keys/$stack, not behind it). Choose one and keep it in your password manager: export PULUMI_CONFIG_PASSPHRASE='...'"
fi

# The backend: PULUMI_BACKEND_URL, else Pulumi.yaml's backend.url (file://~ means ~/.pulumi).
backend="${PULUMI_BACKEND_URL:-$(sed -n 's/^ *url: *//p' Pulumi.yaml | head -n 1)}"
case "$backend" in
file://*)
    root="${backend#file://}"
    root="${root/#\~/$HOME}"
    for lock in "$root"/.pulumi/locks/organization/kaleido-quorum/"$stack"/*.json; do
        [ -f "$lock" ] || continue
        pid="$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$lock")"
        host="$(sed -n 's/.*"hostname":"\([^"]*\)".*/\1/p' "$lock")"
        since="$(sed -n 's/.*"timestamp":"\([^"]*\)".*/\1/p' "$lock")"
        if [ "$host" = "$(hostname)" ] && [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            fail "stack $stack is locked by pulumi pid $pid (since $since), which no longer runs: an interrupted run left it. Recover with: pulumi cancel --yes --stack $stack && pulumi refresh --clear-pending-creates --yes --stack $stack && npm run up   (README: Interrupted runs)"
        fi
    done
    ;;
esac

read -r platform profile cpus memory < <(node --require ts-node/register/transpile-only scripts/minikube-size.ts "$stack") || exit 1
if [ "$platform" = minikube ]; then
    command -v minikube >/dev/null || fail "minikube is not installed: install it from https://minikube.sigs.k8s.io/docs/start/"
    command -v kubectl >/dev/null || fail "kubectl is not installed: install it from https://kubernetes.io/docs/tasks/tools/"
    state="$(minikube -p "$profile" status --format '{{.Host}}/{{.Kubelet}}/{{.APIServer}}' 2>/dev/null || true)"
    if [ "$state" != "Running/Running/Running" ]; then
        echo "up: minikube profile $profile is not running (${state:-not created}); starting it with $cpus CPUs, $memory MiB and the calico CNI, which enforces NetworkPolicy (a few minutes the first time)" >&2
        minikube start -p "$profile" --cpus "$cpus" --memory "$memory" --cni calico
    fi
fi

# A mistyped STACK would silently become a new network on the defaults: say so.
[ -f "Pulumi.$stack.yaml" ] || echo "up: there is no Pulumi.$stack.yaml: stack $stack takes every default (its own new network); the stack files here: $(ls Pulumi.*.yaml | sed 's/^Pulumi\.\(.*\)\.yaml$/\1/' | paste -sd, - | sed 's/,/, /g')" >&2
pulumi stack select --create "$stack"
exec pulumi up "$@"
