#!/usr/bin/env bash
# npm run up: selects (or creates) the stack $STACK (default dev) and runs `pulumi up` with any
# extra arguments. First, on a file backend, it looks for a lock of this stack left by a pulumi
# that no longer runs on this machine (a crash, a SIGKILL) and, instead of pulumi's generic
# "currently locked" error, says in one line how to recover. It never removes a lock itself.
set -euo pipefail
stack="${STACK:-dev}"
cd "$(dirname "$0")/.."

# The backend: PULUMI_BACKEND_URL, else Pulumi.yaml's backend.url (file://~ means ~/.pulumi).
backend="${PULUMI_BACKEND_URL:-$(sed -n 's/^ *url: *//p' Pulumi.yaml | head -n 1)}"
case "$backend" in
file://*)
    root="${backend#file://}"
    root="${root/#\~/$HOME}"
    for lock in "$root"/.pulumi/locks/organization/kaleido-quorum/"$stack"/*.json; do
        [ -f "$lock" ] || continue
        pid="$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$lock")"
        host="$(sed -n 's/.*"hostname":"\([^"]*\)".*/\1/p' "$lock")"
        since="$(sed -n 's/.*"timestamp":"\([^"]*\)".*/\1/p' "$lock")"
        if [ "$host" = "$(hostname)" ] && [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            echo "up: stack $stack is locked by pulumi pid $pid (since $since), which no longer runs: an interrupted run left it. Recover with: pulumi cancel --yes --stack $stack && pulumi refresh --clear-pending-creates --yes --stack $stack && npm run up   (README: Interrupted runs)" >&2
            exit 1
        fi
    done
    ;;
esac

pulumi stack select --create "$stack"
exec pulumi up "$@"
