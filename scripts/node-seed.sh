#!/bin/sh
# Lays one member's seed into its folder (POSIX sh: the minikube node or the init container may
# only have busybox). SOURCE is a tar archive copied in by seed-qdata.sh (minikube; removed
# afterwards, with this script) or a folder (platform kubernetes: the init container's read-only
# projected volume of the member's Secret and ConfigMap).
# Usage: node-seed.sh SOURCE TARGET_DIR SEED_ID
set -eu
source="$1"
target="$2"
seed_id="$3"
marker="$target/.kaleido-seed-id"
if [ -f "$source" ]; then trap 'rm -f "$source" "$0"' EXIT; fi

if [ -f "$marker" ] && [ "$(cat "$marker")" = "$seed_id" ]; then
    echo "unchanged: $target already holds this seed"
    exit 0
fi

# The seed is laid out beside the target and moved into place whole, so a run killed midway leaves
# either the old folder or the new one, never half of one (a half-written folder would look foreign).
partial="$target.kaleido-partial"
rm -rf "$partial"
mkdir -p "$partial"
if [ -d "$source" ]; then
    # A projected volume shows its tree through links into hidden ..data folders: copy what the
    # links point to (modes included: keys 0600), not the hidden folders.
    for entry in "$source"/*; do cp -RLp "$entry" "$partial/"; done
    mkdir -p "$partial/logs"
    if [ -d "$partial/constellation" ]; then mkdir -p "$partial/constellation/storage"; fi
    find "$partial" -type d -exec chmod 0700 {} \;
else
    tar -xof "$source" -C "$partial"
fi
echo "$seed_id" >"$partial/.kaleido-seed-id"

if [ -d "$target" ] && [ -n "$(ls -A "$target")" ]; then
    if [ -f "$marker" ]; then
        # An earlier seed of ours: its chain data belongs to other keys or another genesis.
        echo "replacing the earlier seed in $target, chain data included"
        rm -rf "$target"
    else
        backup="$target.before-kaleido-quorum.$(date +%Y%m%d%H%M%S)"
        mv "$target" "$backup"
        echo "moved the folder's earlier content to $backup"
    fi
fi
if [ -d "$target" ]; then rmdir "$target"; fi
mv "$partial" "$target"
echo "seeded $target"
