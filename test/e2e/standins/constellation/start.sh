#!/bin/sh
# Stand-in for the seed image's constellation start.sh (jpmorganchase/constellation), e2e only:
# waits for the seeded tm.conf, then runs the stand-in transaction manager on it.
set -eu
until [ -f /qdata/constellation/tm.conf ]; do echo "start.sh: waiting for tm.conf"; sleep 1; done
exec transaction-manager /qdata/constellation/tm.conf
