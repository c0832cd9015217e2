#!/usr/bin/env bash
# Lays one qdata member (bootnode or node) into its PV's host folder on the minikube node.
# Run by the seeding Command before the member's StatefulSet starts. Never prints file contents.
#
# Environment:
#   MINIKUBE_PROFILE   minikube profile that owns the node
#   SEED_NAME          member name for messages and temp files, e.g. node-1
#   SEED_SOURCE_DIR    local qdata_N folder
#   SEED_FILES         newline-separated paths under SEED_SOURCE_DIR to copy as they are
#   SEED_TARGET_DIR    host folder on the node backing the member's PV
#   SEED_ID            content hash of everything seeded; the node keeps it to skip identical re-runs
#   STATIC_NODES_JSON  optional: written as ethereum/static-nodes.json and permissioned-nodes.json
#   TM_CONF            optional: written as constellation/tm.conf
#   TESSERA_CONFIG     optional: written as tessera/tessera-config.json
#   RUNTIME            optional (nodes): written as kaleido-runtime, a chain file: another runtime re-seeds
set -euo pipefail

fail() {
    echo "seed-qdata[${SEED_NAME:-?}]: $*" >&2
    exit 1
}

for var in MINIKUBE_PROFILE SEED_NAME SEED_SOURCE_DIR SEED_FILES SEED_TARGET_DIR SEED_ID; do
    [ -n "${!var:-}" ] || fail "environment variable $var is not set"
done
[ -d "$SEED_SOURCE_DIR" ] || fail "source folder $SEED_SOURCE_DIR does not exist"
command -v minikube >/dev/null || fail "minikube is not on PATH"

scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
umask 077
root="$stage/qdata"
mkdir -p "$root/logs"

count=0
while IFS= read -r file; do
    [ -n "$file" ] || continue
    [ -f "$SEED_SOURCE_DIR/$file" ] || fail "required file $SEED_SOURCE_DIR/$file is missing"
    mkdir -p "$root/$(dirname "$file")"
    cp "$SEED_SOURCE_DIR/$file" "$root/$file"
    count=$((count + 1))
done <<<"$SEED_FILES"

# lay FILE CONTENT: a file the program rendered, at FILE under the seed.
lay() {
    mkdir -p "$root/$(dirname "$1")"
    printf '%s' "$2" >"$root/$1"
    count=$((count + 1))
}
if [ -n "${STATIC_NODES_JSON:-}" ]; then
    lay ethereum/static-nodes.json "$STATIC_NODES_JSON"
    lay ethereum/permissioned-nodes.json "$STATIC_NODES_JSON"
fi
if [ -n "${TM_CONF:-}" ]; then
    mkdir -p "$root/constellation/storage"
    lay constellation/tm.conf "$TM_CONF"
fi
if [ -n "${RUNTIME:-}" ]; then lay kaleido-runtime "$RUNTIME"$'\n'; fi
if [ -n "${TESSERA_CONFIG:-}" ]; then lay tessera/tessera-config.json "$TESSERA_CONFIG"; fi

# Keys and passwords stay owner-only; what the network may know about itself is world-readable.
find "$root" -type d -exec chmod 0700 {} +
find "$root" -type f -exec chmod 0600 {} +
for public in kaleido-runtime ethereum/genesis.json ethereum/static-nodes.json ethereum/permissioned-nodes.json constellation/tm.conf constellation/tm.pub tessera/tessera-config.json; do
    if [ -f "$root/$public" ]; then chmod 0644 "$root/$public"; fi
done

# COPYFILE_DISABLE keeps macOS tar from adding ._ metadata files.
(cd "$root" && COPYFILE_DISABLE=1 tar -cf "$stage/seed.tar" .)

remote="/tmp/kaleido-quorum-seed-$SEED_NAME"
echo "seed-qdata[$SEED_NAME]: copying $count files to $MINIKUBE_PROFILE:$SEED_TARGET_DIR"
minikube -p "$MINIKUBE_PROFILE" cp "$stage/seed.tar" "$remote.tar" >/dev/null
minikube -p "$MINIKUBE_PROFILE" cp "$scripts_dir/node-seed.sh" "$remote.sh" >/dev/null
minikube -p "$MINIKUBE_PROFILE" ssh -- sudo sh "$remote.sh" "$remote.tar" "$SEED_TARGET_DIR" "$SEED_ID" |
    sed "s/^/seed-qdata[$SEED_NAME]: /"
