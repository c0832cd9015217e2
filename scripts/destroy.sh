#!/usr/bin/env bash
# npm run destroy: selects the stack $STACK (default dev) and runs `pulumi destroy` with any extra
# arguments: the network, its volumes and (unless keepChainData) its host folders and keys go.
set -euo pipefail
stack="${STACK:-dev}"
cd "${0%/*}/.."

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
    cat <<'USAGE'
usage: [STACK=<stack>] npm run destroy [-- <pulumi destroy arguments>]
Runs `pulumi stack select <stack>` and `pulumi destroy <arguments>`: removes the network, its
volumes and namespace, and (unless keepChainData is true) its host folders and generated keys.
STACK defaults to dev.
USAGE
    exit 0
fi
command -v pulumi >/dev/null || { echo "destroy: the Pulumi CLI is not installed: install it from https://www.pulumi.com/docs/install/" >&2; exit 1; }
pulumi stack select "$stack"
exec pulumi destroy "$@"
