#!/bin/sh
# Lays every member of one seed run on the minikube node (POSIX sh: the node may only have
# busybox), as root. scripts/seed-qdata.ts copies the run's archive in with one `minikube cp` and
# runs this with one `minikube ssh`, its text as `sh -c`'s script. It unpacks the archive into a
# folder of this run alone, then runs node-seed.sh for each member in turn, each of its lines
# prefixed with the member's name. A member refused or failed stops none of the others; the run
# fails once all have run. The archive and its folder (keys) are removed on every path.
#
# Usage: node-seed-all.sh ARCHIVE RUN_DIR OWNER [NAME SEED_ID TARGET_DIR]...
#   ARCHIVE  node-seed.sh and NAME.tar for each member (its chain/ and peers/ trees)
#   RUN_DIR  a new folder to unpack it into, owner-only
#   OWNER    project/stack: a folder another owner seeded is refused (node-seed.sh)
set -eu
archive="$1"
run_dir="$2"
owner="$3"
shift 3
trap 'rm -f "$archive"' EXIT
# A folder already there is not this run's: mkdir fails, and nothing is unpacked or removed in it.
mkdir -m 0700 "$run_dir"
trap 'rm -rf "$archive" "$run_dir"' EXIT
tar -xof "$archive" -C "$run_dir"
# minikube cp wrote the archive 0644: gone as soon as its files (0600 keys) are in the owner-only folder.
rm -f "$archive"

# Each line of $2 as "seed-qdata[$1]: line".
prefixed() {
    printf '%s\n' "$2" | while IFS= read -r line; do printf 'seed-qdata[%s]: %s\n' "$1" "$line"; done
}

members=$(($# / 3))
failed=0
while [ "$#" -ge 3 ]; do
    name="$1" seed_id="$2" target="$3"
    shift 3
    if said="$(SEED_OWNER="$owner" sh "$run_dir/node-seed.sh" "$run_dir/$name.tar" "$target" "$seed_id" 2>&1 </dev/null)"; then
        prefixed "$name" "$said"
    else
        prefixed "$name" "$said" >&2
        failed=$((failed + 1))
    fi
done
if [ "$failed" -gt 0 ]; then
    echo "seed-qdata: $failed of $members members not seeded (each named above)" >&2
    exit 1
fi
