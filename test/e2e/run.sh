#!/usr/bin/env bash
# npm run e2e: builds the tools if missing, brings the cluster up, runs the scenario, and always
# brings the cluster down again. `run.sh bench.ts N` runs the benchmark on the cluster instead.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
started=$SECONDS
bash "$here/tools.sh" >/dev/null
env_file="$(mktemp)"
trap 'bash "$here/cluster.sh" down; rm -f "$env_file"' EXIT
bash "$here/cluster.sh" up >"$env_file"
# shellcheck disable=SC1090
source "$env_file"
node --require ts-node/register "$here/${1:-scenario.ts}" "${@:2}"
echo "e2e: whole run, cluster start and stop included: $((SECONDS - started))s"
