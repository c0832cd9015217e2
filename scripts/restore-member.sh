#!/usr/bin/env bash
# One member's chain data from a backup, before its StatefulSet first starts: through a short-lived
# pod of the member's image that mounts its claim, everything of the backed-up folder FROM but what
# the seed lays (KEEP: the layout's paths, one a line) goes onto the volume, which then says which
# backup it holds. A volume that holds that backup already is left alone; one that holds another
# chain is refused, so a restore never overwrites a running member's data.
#
# Environment: KUBE_CONTEXT, NAMESPACE, CLAIM (qdata-N), IMAGE, FROM, BACKUP_ID, KEEP
set -euo pipefail
kube=(kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE")
helper="restore-$CLAIM"
marker=/qdata/.kaleido-restored-from
log() { echo "restore[$CLAIM]: $*" >&2; }
cleanup() { "${kube[@]}" delete pod "$helper" --ignore-not-found --wait=true >/dev/null 2>&1 || true; }
trap cleanup EXIT

[ -d "$FROM" ] || { log "$FROM is not a folder of the backup"; exit 1; }
overrides="$(cat <<JSON
{"apiVersion": "v1", "spec": {
  "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
  "volumes": [{"name": "qdata", "persistentVolumeClaim": {"claimName": "$CLAIM"}}],
  "containers": [{"name": "copy", "image": "$IMAGE", "imagePullPolicy": "IfNotPresent", "command": ["sleep", "3600"],
    "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}},
    "volumeMounts": [{"name": "qdata", "mountPath": "/qdata"}]}]}}
JSON
)"
"${kube[@]}" run "$helper" --image="$IMAGE" --restart=Never --labels=app.kubernetes.io/part-of=kaleido-quorum-backup --overrides="$overrides" >/dev/null
"${kube[@]}" wait --for=condition=Ready "pod/$helper" --timeout=180s >/dev/null
in_pod() { "${kube[@]}" exec -i "$helper" -c copy -- "$@"; }

if [ "$(in_pod sh -c "cat $marker 2>/dev/null || true")" = "$BACKUP_ID" ]; then
    log "holds backup $BACKUP_ID already"
    exit 0
fi
if in_pod test -e /qdata/ethereum/geth/chaindata; then
    log "holds a chain already: restore only into a new stack (pulumi destroy with keepChainData false first)"
    exit 1
fi
excludes=()
while IFS= read -r path; do [ -n "$path" ] && excludes+=("--exclude=./${path%/}"); done <<<"$KEEP"
log "copying the backed-up chain data from $FROM"
tar -C "$FROM" "${excludes[@]}" -cf - . | in_pod tar -C /qdata -xf -
in_pod sh -c "echo '$BACKUP_ID' >$marker"
log "restored backup $BACKUP_ID"
