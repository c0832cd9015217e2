#!/usr/bin/env bash
# Usage: minikube-addon.sh enable|disable
# enable: turns the addon on unless it already is, and says on its last stdout line who enabled it.
# disable (the Command's delete step): turns it off only if enable did turn it on, so that
# 'pulumi destroy' leaves the cluster as it was found.
#
# Environment: MINIKUBE_PROFILE, ADDON; on disable, PULUMI_COMMAND_STDOUT (set by the Command provider).
set -euo pipefail

ENABLED_HERE="addon-enabled-by-kaleido-quorum"
say() { echo "addon[$ADDON]: $*" >&2; }

is_enabled() {
    minikube -p "$MINIKUBE_PROFILE" addons list --output json |
        tr -d ' \n\t' | grep -q "\"$ADDON\":{[^}]*\"Status\":\"enabled\""
}

case "${1:-}" in
enable)
    if is_enabled; then
        say "already enabled on profile $MINIKUBE_PROFILE"
        echo "addon-was-already-enabled"
    else
        say "enabling on profile $MINIKUBE_PROFILE (waits for the controller; may take a minute)"
        minikube -p "$MINIKUBE_PROFILE" addons enable "$ADDON" >&2 || {
            say "could not be enabled: run 'minikube -p $MINIKUBE_PROFILE addons enable $ADDON' to see why"
            exit 1
        }
        echo "$ENABLED_HERE"
    fi
    ;;
disable)
    if [ "$(printf '%s' "${PULUMI_COMMAND_STDOUT:-}" | tail -n 1)" != "$ENABLED_HERE" ]; then
        say "was enabled before this stack; leaving it on"
    elif ! minikube -p "$MINIKUBE_PROFILE" status >/dev/null 2>&1; then
        say "profile $MINIKUBE_PROFILE is not running; nothing to disable"
    else
        minikube -p "$MINIKUBE_PROFILE" addons disable "$ADDON" >&2
        say "disabled again on profile $MINIKUBE_PROFILE"
    fi
    ;;
*)
    echo "usage: minikube-addon.sh enable|disable" >&2
    exit 2
    ;;
esac
