#!/usr/bin/env bash
# One member's folder from a backup, before its StatefulSet first starts: through a short-lived pod
# of the member's image that mounts its claim, the backed-up folder FROM (keys, genesis, chain data,
# the transaction manager's store) goes onto the volume, all but the peer list (PEERS: its paths,
# one a line), which the seed writes for the stack's addresses. The volume is then marked seeded
# with SEED_ID, so the seed keeps it as its own, and with the backup it holds. A volume that holds
# that backup already is left alone; one that holds another chain is refused, so a restore never
# overwrites a member's data. The copy lands in a staging folder on the volume first and is laid
# over the member's folder only once whole: a restore cut off midway copies again into the
# staging, or, once the staging was whole, lays it again, never mistaking its own half-laid chain
# for another's.
#
# Environment: KUBE_CONTEXT, NAMESPACE, CLAIM (qdata-N), FOLDER (the member's folder in the claim, as
# its pods mount it: empty on minikube, qdata on clusters), IMAGE, FROM, BACKUP_ID, SEED_ID, PEERS,
# HELPER_OVERRIDES (the copying pod, lib/backup/helperPod.ts)
set -euo pipefail
kube=(kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE")
helper="restore-$CLAIM"
member="/qdata/${FOLDER:-}"
marker="$member/.kaleido-restored-from"
staging="$member/.kaleido-restoring"
whole="$member/.kaleido-restoring-whole"
log() { echo "restore[$CLAIM]: $*" >&2; }
cleanup() { "${kube[@]}" delete pod "$helper" --ignore-not-found --wait=true >/dev/null 2>&1 || true; }
trap cleanup EXIT

[ -d "$FROM" ] || { log "$FROM is not a folder of the backup"; exit 1; }
# A run killed before its trap left its helper behind: a new one takes its name.
cleanup
"${kube[@]}" run "$helper" --image="$IMAGE" --restart=Never --overrides="$HELPER_OVERRIDES" >/dev/null
"${kube[@]}" wait --for=condition=Ready "pod/$helper" --timeout=180s >/dev/null
in_pod() { "${kube[@]}" exec "$helper" -c copy -- "$@"; }
# write_in_pod FILE VALUE: VALUE reaches the pod as data on stdin, never inside a command line.
write_in_pod() { printf '%s\n' "$2" | "${kube[@]}" exec -i "$helper" -c copy -- sh -c 'cat >"$1"' write "$1"; }

if [ "$(in_pod sh -c 'cat "$1" 2>/dev/null || true' read "$marker")" = "$BACKUP_ID" ]; then
    in_pod rm -rf "$staging" "$whole"
    log "holds backup $BACKUP_ID already"
    exit 0
fi
if in_pod test -e "$whole"; then
    log "an earlier run of this restore copied the backup whole; laying it again"
else
    if in_pod test -e "$member/ethereum/geth/chaindata"; then
        log "holds a chain already: restore only into a new stack (pulumi destroy with keepChainData false first)"
        exit 1
    fi
    excludes=()
    while IFS= read -r path; do [ -n "$path" ] && excludes+=("--exclude=./$path"); done <<<"$PEERS"
    log "copying the backed-up folder from $FROM"
    in_pod rm -rf "$staging"
    in_pod mkdir -p "$staging"
    tar -C "$FROM" "${excludes[@]}" --exclude=./.kaleido-seed-id --exclude=./.kaleido-owner --exclude=./.kaleido-restored-from -cf - . | "${kube[@]}" exec -i "$helper" -c copy -- tar -C "$staging" -xf -
    in_pod touch "$whole"
fi
# Laid over the folder, keeping the seed's peer list; from the whole staging, so it can run again.
in_pod sh -c 'cd "$1" && tar -cf - . | tar -C "$2" -xf -' lay "$staging" "$member"
write_in_pod "$member/.kaleido-seed-id" "$SEED_ID"
write_in_pod "$marker" "$BACKUP_ID"
# Last: until the markers say which backup the volume holds, the whole staging must stay.
in_pod rm -rf "$staging" "$whole"
log "restored backup $BACKUP_ID"
