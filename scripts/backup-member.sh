#!/usr/bin/env bash
# One member's copy for npm run backup: stops its StatefulSet (0 replicas), copies its whole volume
# (claim CLAIM) through a short-lived pod of the member's own image that mounts it read-only, and
# starts the member again, waiting until it is Ready; it is started again whatever fails. The copy
# lands in OUT, private (folders 0700, files 0600); tar leaves the IPC sockets out (a process's, not data).
#
# Environment: KUBE_CONTEXT, NAMESPACE, SET (node-set-N or bootnode-set), CLAIM (qdata-N), FOLDER (the
# member's folder in the claim, as its pods mount it: empty on minikube, qdata on clusters), IMAGE, OUT,
# HELPER_OVERRIDES (the copying pod, lib/backup/helperPod.ts)
set -euo pipefail
kube=(kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE")
helper="backup-$CLAIM"
log() { echo "backup[$CLAIM]: $*" >&2; }

restart() {
    "${kube[@]}" delete pod "$helper" --ignore-not-found --wait=true >/dev/null 2>&1 || true
    "${kube[@]}" scale statefulset "$SET" --replicas=1 >/dev/null
}
trap restart EXIT

log "stopping $SET"
"${kube[@]}" scale statefulset "$SET" --replicas=0 >/dev/null
"${kube[@]}" wait --for=delete "pod/$SET-0" --timeout=180s >/dev/null 2>&1 || true
# A copy of a running member is no backup: go on only once its pod is gone.
if [ -n "$("${kube[@]}" get pod "$SET-0" --ignore-not-found -o name)" ]; then
    log "pod $SET-0 still runs 180 s after $SET was scaled to 0: not copying a running member; starting it again"
    exit 1
fi

"${kube[@]}" run "$helper" --image="$IMAGE" --restart=Never --overrides="$HELPER_OVERRIDES" >/dev/null
"${kube[@]}" wait --for=condition=Ready "pod/$helper" --timeout=180s >/dev/null
mkdir -p "$OUT"
chmod 700 "$OUT"
log "copying its volume"
"${kube[@]}" exec "$helper" -c copy -- tar -C "/qdata/${FOLDER:-}" -cf - . | tar -C "$OUT" -xf - --no-same-owner --no-same-permissions
find "$OUT" -type d -exec chmod 700 {} + && find "$OUT" -type f -exec chmod 600 {} +

trap - EXIT
restart
log "starting $SET again"
"${kube[@]}" rollout status "statefulset/$SET" --timeout=300s >/dev/null
