#!/usr/bin/env bash
# Delete step of the generated-keys Command: on 'pulumi destroy', removes the stack's generated
# keys folder unless keepChainData is set (kept keys let a later 'up' resume the kept chain).
#
# Environment: KEYS_DIR (absolute, ends in /.keys/<stack>), KEEP_CHAIN_DATA (true|false)
set -euo pipefail

if [ "${KEEP_CHAIN_DATA:-false}" = "true" ]; then
    echo "keys: keeping $KEYS_DIR (keepChainData is true)"
    exit 0
fi
case "$KEYS_DIR" in
/*/.keys/?*) ;;
*)
    echo "keys: refusing to remove $KEYS_DIR: not a generated keys folder" >&2
    exit 1
    ;;
esac
rm -rf "$KEYS_DIR"
echo "keys: removed $KEYS_DIR"
