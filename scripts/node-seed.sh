#!/bin/sh
# Lays one member's seed into its folder (POSIX sh: the minikube node or the init container may
# only have busybox).
#
# A seed has two parts. The chain identity (genesis, keys) is laid once: while the folder holds
# the same seed id, its chain data stays; another seed id moves the folder aside, chain data included.
# The peer list (static-nodes.json, permissioned-nodes.json, the transaction manager's config) is
# brought up to date on every run, each file replaced whole.
#
# A folder records its owner (SEED_OWNER, project/stack; minikube, where host folders of several
# stacks share one node): a folder another owner seeded is refused, never replaced.
#
# Usage: [SEED_OWNER=project/stack] node-seed.sh SOURCE TARGET_DIR SEED_ID [PEERS_DIR]
#   SOURCE a tar archive with chain/ and peers/ trees (minikube: one member's part of the run's
#          archive, which node-seed-all.sh unpacked; removed afterwards): the peer files are copied
#          into the folder;
#       or a folder of chain files (platform kubernetes: the init container's read-only projected
#          volume of the member's Secret and ConfigMap), whose peer list is PEERS_DIR, a ConfigMap
#          volume the kubelet keeps up to date: the folder links each peer file there.
set -eu
source="$1"
target="$2"
seed_id="$3"
peers_dir="${4:-}"
marker="$target/.kaleido-seed-id"
owner_file="$target/.kaleido-owner"
owner="${SEED_OWNER:-}"
if [ -n "$owner" ] && [ -f "$owner_file" ] && [ "$(cat "$owner_file")" != "$owner" ]; then
    echo "refused: $target holds the chain of $(cat "$owner_file"), not of $owner; give this stack a hostPathRoot of its own" >&2
    if [ -f "$source" ]; then rm -f "$source"; fi
    exit 1
fi
link_peers=true
chain="$source"
if [ -f "$source" ]; then
    unpacked="$target.kaleido-unpacked"
    trap 'rm -rf "$source" "$unpacked"' EXIT
    rm -rf "$unpacked"
    mkdir -p "$unpacked"
    tar -xof "$source" -C "$unpacked"
    rm -f "$source"
    # seed-qdata.ts packs regular files and folders only: anything else (a link would point the
    # member at a file of the node) is refused before a byte is laid.
    odd="$(find "$unpacked" ! -type f ! -type d | head -n 1)"
    if [ -n "$odd" ]; then
        echo "refused: the seed holds ${odd#"$unpacked"/}, which is not a regular file or folder; nothing was laid" >&2
        exit 1
    fi
    chain="$unpacked/chain"
    peers_dir="$unpacked/peers"
    link_peers=false
fi

# The peer list's paths (no spaces), skipping a ConfigMap volume's hidden ..data folders.
peer_files() {
    if [ -n "$peers_dir" ] && [ -d "$peers_dir" ]; then
        (cd "$peers_dir" && find -L . -type f ! -path './..*' | sed 's|^\./||' | sort)
    fi
}

# Each peer file into folder $1, replacing an out-of-date one in a single rename. Prints how many.
place_peer_files() {
    replaced=0
    for peer in $(peer_files); do
        if [ "$link_peers" = true ]; then
            [ "$(readlink "$1/$peer" 2>/dev/null)" = "$peers_dir/$peer" ] && continue
            mkdir -p "$1/$(dirname "$peer")"
            ln -sfn "$peers_dir/$peer" "$1/$peer.kaleido-new"
        else
            cmp -s "$peers_dir/$peer" "$1/$peer" && continue
            mkdir -p "$1/$(dirname "$peer")"
            cp -p "$peers_dir/$peer" "$1/$peer.kaleido-new"
        fi
        mv -f "$1/$peer.kaleido-new" "$1/$peer"
        replaced=$((replaced + 1))
    done
    echo "$replaced"
}

if [ -f "$marker" ] && [ "$(cat "$marker")" = "$seed_id" ]; then
    if [ -n "$owner" ] && [ ! -f "$owner_file" ]; then printf '%s\n' "$owner" >"$owner_file"; fi
    replaced="$(place_peer_files "$target")"
    if [ "$replaced" = 0 ]; then
        echo "unchanged: $target already holds this seed"
    else
        echo "kept the chain in $target; updated $replaced peer list file(s) in place"
    fi
    exit 0
fi

# The seed is laid out beside the target and moved into place whole, so a run killed midway leaves
# either the old folder or the new one, never half of one (a half-written folder would look foreign).
partial="$target.kaleido-partial"
rm -rf "$partial"
mkdir -p "$partial"
# A projected volume shows its tree through links into hidden ..data folders: copy what the links
# point to (modes included: keys 0600), not the hidden folders.
for entry in "$chain"/*; do cp -RLp "$entry" "$partial/"; done
mkdir -p "$partial/logs"
if [ -d "$partial/constellation" ]; then mkdir -p "$partial/constellation/storage"; fi
find "$partial" -type d -exec chmod 0700 {} \;
place_peer_files "$partial" >/dev/null
echo "$seed_id" >"$partial/.kaleido-seed-id"
if [ -n "$owner" ]; then printf '%s\n' "$owner" >"$partial/.kaleido-owner"; fi
# What the folder held goes aside, never away. An earlier seed of ours holds a chain of other keys
# or another genesis: the preview refuses that under running nodes, but a folder kept through a
# destroy may be the only copy of a ledger.
if [ -d "$target" ] && [ -n "$(ls -A "$target")" ]; then
    if [ -f "$marker" ]; then
        backup="$target.earlier-seed" what="the earlier seed in $target, chain data included,"
    else
        backup="$target.before-kaleido-quorum" what="the folder's earlier content"
    fi
    backup="$backup.$(date +%Y%m%d%H%M%S)"
    mv "$target" "$backup"
    echo "moved $what to $backup"
fi
if [ -d "$target" ]; then rmdir "$target"; fi
mv "$partial" "$target"
echo "seeded $target"
