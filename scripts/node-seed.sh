#!/bin/sh
# Runs as root on the minikube node (POSIX sh: the node may only have busybox).
# Usage: node-seed.sh ARCHIVE TARGET_DIR SEED_ID
set -eu
archive="$1"
target="$2"
seed_id="$3"
marker="$target/.kaleido-seed-id"
trap 'rm -f "$archive" "$0"' EXIT

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
tar -xof "$archive" -C "$target"
# Written last, so an interrupted seed is redone on the next run.
echo "$seed_id" >"$marker"
echo "seeded $target"
