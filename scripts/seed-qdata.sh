#!/usr/bin/env bash
# Lays one qdata member (bootnode or node) into its PV's host folder on the minikube node.
# Run by the seeding Command before the member's StatefulSet starts. Never prints file contents.
#
# Environment:
#   MINIKUBE_PROFILE   minikube profile that owns the node
#   SEED_NAME          member name for messages and temp files, e.g. node-1
#   SEED_SOURCE_DIR    local qdata_N folder
#   SEED_MANIFEST      the member's files as the program's qdata layout gives them, one per line:
#                      MODE ROLE PATH [VARIABLE]: copied from SEED_SOURCE_DIR/PATH, or the text the
#                      program rendered into VARIABLE; ROLE peers marks the peer list, updated in
#                      place (node-seed.sh)
#   SEED_TARGET_DIR    host folder on the node backing the member's PV
#   SEED_ID            the member's chain identity; the node keeps its chain while it is the same
#   SEED_OWNER         project/stack the host folder belongs to; a folder of another is refused
set -euo pipefail

fail() {
    echo "seed-qdata[${SEED_NAME:-?}]: $*" >&2
    exit 1
}

for var in MINIKUBE_PROFILE SEED_NAME SEED_SOURCE_DIR SEED_MANIFEST SEED_TARGET_DIR SEED_ID SEED_OWNER; do
    [ -n "${!var:-}" ] || fail "environment variable $var is not set"
done
[ -d "$SEED_SOURCE_DIR" ] || fail "source folder $SEED_SOURCE_DIR does not exist"
[ ! -L "$SEED_SOURCE_DIR" ] || fail "source folder $SEED_SOURCE_DIR is a symbolic link; a link is never followed: name the folder itself"
command -v minikube >/dev/null || fail "minikube is not on PATH"

scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=remote-shell.sh
source "$scripts_dir/remote-shell.sh"
stage="$(mktemp -d)"
# The staged copy holds keys: gone on every path (replaced below by the trap that also cleans the node).
trap 'rm -rf "$stage"' EXIT
umask 077
# The chain identity under chain/, the peer list under peers/: node-seed.sh treats them apart.
mkdir -p "$stage/chain" "$stage/peers"

# Each folder between the source folder and the file must be a folder, not a link to elsewhere.
folders_plain() {
    folder="$SEED_SOURCE_DIR" rest="$1"
    while [ "${rest#*/}" != "$rest" ]; do
        folder="$folder/${rest%%/*}" rest="${rest#*/}"
        { [ -d "$folder" ] && [ ! -L "$folder" ]; } || fail "$folder is not a folder (a symbolic link is never followed)"
    done
}

# A file is copied as the entry it is: tar never follows a link nor opens a FIFO or device (cp
# would), and only a regular file is laid, so a link cannot pull a file of this machine onto the node.
copy_plain() {
    src="$SEED_SOURCE_DIR/$1"
    [ -e "$src" ] || [ -L "$src" ] || fail "required file $src is missing"
    folders_plain "$1"
    { [ -f "$src" ] && [ ! -L "$src" ]; } || fail "$src is not a regular file (a symbolic link, FIFO, socket or device is never copied)"
    (cd "$SEED_SOURCE_DIR" && COPYFILE_DISABLE=1 tar -cf - "$1") | (cd "$2" && tar -xf -) || fail "could not copy $src"
    folders_plain "$1"
    { [ -f "$2/$1" ] && [ ! -L "$2/$1" ]; } || fail "$src is not a regular file (it changed while it was copied)"
}

count=0
while read -r mode role file variable; do
    [ -n "$file" ] || continue
    if [ "$role" = peers ]; then part="$stage/peers"; else part="$stage/chain"; fi
    dest="$part/$file"
    mkdir -p "$(dirname "$dest")"
    if [ -n "$variable" ]; then
        [ -n "${!variable+set}" ] || fail "environment variable $variable is not set"
        printf '%s' "${!variable}" >"$dest"
    else
        copy_plain "$file" "$part"
    fi
    chmod "$mode" "$dest"
    count=$((count + 1))
done <<<"$SEED_MANIFEST"
find "$stage/chain" "$stage/peers" -type d -exec chmod 0700 {} +

# COPYFILE_DISABLE keeps macOS tar from adding ._ metadata files.
(cd "$stage" && COPYFILE_DISABLE=1 tar -cf "$stage/seed.tar" chain peers)

# Names of this run alone on the node (two stacks' ups may seed at once), removed on every path.
# node-seed.sh removes them when it runs; this removes them when it never got to.
remote="/tmp/$(basename "$(mktemp -u kaleido-quorum-seed-XXXXXXXXXX)")"
trap 'status=$?; rm -rf "$stage"; [ "$status" = 0 ] || minikube -p "$MINIKUBE_PROFILE" ssh -- "$(remote_command sudo rm -f "$remote.tar" "$remote.sh")" >/dev/null 2>&1 || true' EXIT
echo "seed-qdata[$SEED_NAME]: copying $count files to $MINIKUBE_PROFILE:$SEED_TARGET_DIR"
minikube -p "$MINIKUBE_PROFILE" cp "$stage/seed.tar" "$remote.tar" >/dev/null
minikube -p "$MINIKUBE_PROFILE" cp "$scripts_dir/node-seed.sh" "$remote.sh" >/dev/null
minikube -p "$MINIKUBE_PROFILE" ssh -- "$(remote_command sudo env "SEED_OWNER=$SEED_OWNER" sh "$remote.sh" "$remote.tar" "$SEED_TARGET_DIR" "$SEED_ID")" |
    sed "s/^/seed-qdata[$SEED_NAME]: /"
