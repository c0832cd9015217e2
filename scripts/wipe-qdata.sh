#!/usr/bin/env bash
# Delete step of each member's seed Command: removes the member's host folder on the minikube
# node, unless keepChainData is set. Only the node's copy is touched, never the local source folder.
#
# A folder that records another owner (another stack seeded it) is left alone.
#
# Environment: MINIKUBE_PROFILE, SEED_NAME, SEED_TARGET_DIR, SEED_OWNER, KEEP_CHAIN_DATA (true|false)
set -euo pipefail
# shellcheck source=remote-shell.sh
source "$(dirname "${BASH_SOURCE[0]}")/remote-shell.sh"

say() { echo "wipe-qdata[${SEED_NAME:-?}]: $*"; }

if [ "${KEEP_CHAIN_DATA:-false}" = "true" ]; then
    say "keeping $SEED_TARGET_DIR (keepChainData is true)"
    exit 0
fi

command -v minikube >/dev/null || { say "minikube is not on PATH; install it to wipe $SEED_TARGET_DIR" >&2; exit 1; }
host_state="$(minikube -p "$MINIKUBE_PROFILE" status --format '{{.Host}}' 2>/dev/null || true)"
case "$host_state" in
Running) ;;
"" | *Nonexistent* | *"not found"*)
    say "minikube profile $MINIKUBE_PROFILE no longer exists; nothing to wipe"
    exit 0
    ;;
*)
    say "minikube profile $MINIKUBE_PROFILE is not running (host: $host_state); run 'minikube start -p $MINIKUBE_PROFILE', then 'pulumi destroy' again" >&2
    exit 1
    ;;
esac

# On the node: the folder and its owner are data ($1, $2) of a fixed script.
# shellcheck disable=SC2016
wipe='owner="$(cat "$1/.kaleido-owner" 2>/dev/null || true)"
if [ -n "$owner" ] && [ "$owner" != "$2" ]; then echo "$owner"; exit 0; fi
rm -rf "$1" "$1.kaleido-partial"'
other="$(minikube -p "$MINIKUBE_PROFILE" ssh -- "$(remote_command sudo sh -c "$wipe" wipe "$SEED_TARGET_DIR" "${SEED_OWNER:-}")" | tr -d '\r')"
if [ -n "$other" ]; then
    say "left $MINIKUBE_PROFILE:$SEED_TARGET_DIR alone: it holds the chain of $other"
    exit 0
fi
say "removed $MINIKUBE_PROFILE:$SEED_TARGET_DIR"
