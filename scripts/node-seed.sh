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

mkdir -p "$target"
if [ -d "$source" ]; then
    # A projected volume shows its tree through links into hidden ..data folders: copy what the
    # links point to (modes included: keys 0600), not the hidden folders.
    for entry in "$source"/*; do cp -RLp "$entry" "$target/"; done
    mkdir -p "$target/logs"
    if [ -d "$target/constellation" ]; then mkdir -p "$target/constellation/storage"; fi
    find "$target" -type d -exec chmod 0700 {} \;
else
    tar -xof "$source" -C "$target"
fi
# Written last, so an interrupted seed is redone on the next run.
echo "$seed_id" >"$marker"
echo "seeded $target"
