#!/usr/bin/env bash
# Usage: image.sh local-id|load
#   local-id  prints the image's id in the local Docker daemon, or "absent" (never fails), so that
#             the loading Command re-runs only when the local image changes.
#   load      copies the image from the local Docker daemon into minikube unless minikube already
#             holds that very id; fails naming the image when it exists in neither place.
#
# Environment: IMAGE; for load, MINIKUBE_PROFILE.
set -euo pipefail
# shellcheck source=remote-shell.sh
source "$(dirname "${BASH_SOURCE[0]}")/remote-shell.sh"

say() { echo "image[$IMAGE]: $*" >&2; }

local_id() {
    if command -v docker >/dev/null; then
        docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true
    fi
}

# crictl works for every minikube container runtime (docker, containerd, cri-o).
node_image() {
    minikube -p "$MINIKUBE_PROFILE" ssh -- "$(remote_command sudo crictl inspecti "$IMAGE")" 2>/dev/null || true
}

case "${1:-}" in
local-id)
    id="$(local_id)"
    echo "${id:-absent}"
    ;;
load)
    id="$(local_id)"
    on_node="$(node_image)"
    if [ -z "$id" ]; then
        if [ -n "$on_node" ]; then
            say "not in the local Docker daemon, but minikube profile $MINIKUBE_PROFILE has it; using that"
            exit 0
        fi
        say "exists neither in the local Docker daemon nor in minikube profile $MINIKUBE_PROFILE: build it (docker build -t $IMAGE .) and run 'pulumi up' again"
        exit 1
    fi
    if printf '%s' "$on_node" | grep -q "$id"; then
        say "minikube already has ${id:0:19}; nothing to load"
        exit 0
    fi
    say "loading ${id:0:19} into minikube profile $MINIKUBE_PROFILE (large images take a few minutes)"
    minikube -p "$MINIKUBE_PROFILE" image load "$IMAGE" >&2
    say "loaded"
    ;;
*)
    echo "usage: image.sh local-id|load" >&2
    exit 2
    ;;
esac
