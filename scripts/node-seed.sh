#!/bin/sh
# Lays one member's seed into its folder (POSIX sh: the minikube node or the init container may
# only have busybox). SOURCE is a tar archive copied in by seed-qdata.sh (minikube; removed
# afterwards, with this script) or a folder (platform kubernetes: the init container's read-only
# projected volume of the member's Secret and ConfigMap).
#
# A seed has two parts. The chain identity (genesis, keys) is laid once: while the folder holds
# the same chain files, its chain data stays. The peer list (static-nodes.json,
# permissioned-nodes.json, the transaction manager's config) is rewritten in place on every run,
# each file replaced whole; with PEERS_DIR the folder links those files into PEERS_DIR instead
# (a ConfigMap volume that the kubelet keeps up to date).
# Usage: node-seed.sh SOURCE TARGET_DIR SEED_ID [PEERS_DIR]
set -eu
source="$1"
target="$2"
seed_id="$3"
peers_dir="${4:-}"
marker="$target/.kaleido-seed-id"
peer_files="ethereum/static-nodes.json ethereum/permissioned-nodes.json constellation/tm.conf tessera/tessera-config.json"
if [ -f "$source" ]; then trap 'rm -f "$source" "$0"' EXIT; fi

is_peer_file() {
    for peer in $peer_files; do [ "$1" = "$peer" ] && return 0; done
    return 1
}

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

# Each peer file of the seed into folder $1, replacing an out-of-date one in a single rename.
# Prints how many it replaced.
place_peer_files() {
    replaced=0
    for peer in $peer_files; do
        if [ -n "$peers_dir" ]; then
            [ -e "$peers_dir/$peer" ] || continue
            [ "$(readlink "$1/$peer" 2>/dev/null)" = "$peers_dir/$peer" ] && continue
            mkdir -p "$1/$(dirname "$peer")"
            ln -sfn "$peers_dir/$peer" "$1/$peer.kaleido-new"
        else
            [ -f "$partial/$peer" ] || continue
            [ "$1" = "$partial" ] && continue
            cmp -s "$partial/$peer" "$1/$peer" && continue
            mkdir -p "$1/$(dirname "$peer")"
            cp -p "$partial/$peer" "$1/$peer.kaleido-new"
        fi
        mv -f "$1/$peer.kaleido-new" "$1/$peer"
        replaced=$((replaced + 1))
    done
    echo "$replaced"
}

# True when the folder holds every chain file of the seed, byte for byte (a folder seeded before
# kaleido-runtime was recorded is taken to hold this runtime's chain: it is never wiped for that).
same_chain() {
    (cd "$partial" && find . -type f) | while IFS= read -r file; do
        file="${file#./}"
        is_peer_file "$file" && continue
        [ "$file" = kaleido-runtime ] && [ ! -e "$target/$file" ] && continue
        cmp -s "$partial/$file" "$target/$file" || { echo different; break; }
    done | grep -q different && return 1
    return 0
}

if [ -f "$marker" ] && { [ "$(cat "$marker")" = "$seed_id" ] || same_chain; }; then
    replaced="$(place_peer_files "$target")"
    if [ -f "$partial/kaleido-runtime" ] && [ ! -e "$target/kaleido-runtime" ]; then cp -p "$partial/kaleido-runtime" "$target/"; fi
    [ "$(cat "$marker")" = "$seed_id" ] || echo "$seed_id" >"$marker"
    rm -rf "$partial"
    if [ "$replaced" = 0 ]; then
        echo "unchanged: $target already holds this seed"
    else
        echo "kept the chain in $target; updated $replaced peer list file(s) in place"
    fi
    exit 0
fi

place_peer_files "$partial" >/dev/null
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
