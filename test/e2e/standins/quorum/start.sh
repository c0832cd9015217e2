#!/bin/sh
# Stand-in for the seed image's start.sh (jpmorganchase/quorum), e2e only, following
# shared/reference/quorum-images.md: takes the same arguments, waits for the transaction manager's
# tm.conf, IPC socket and upcheck, runs `geth init` once (no chaindata yet), then geth. It runs
# upstream go-ethereum, which has no Raft, IBFT, permissioning or private transactions: those
# flags are read and dropped, and this says so in the log.
set -eu
bootnode="" networkid="" consensus=""
while [ $# -gt 0 ]; do
    case "$1" in
    --bootnode=*) bootnode="${1#--bootnode=}" ;;
    --networkid) networkid="$2"; shift ;;
    --raftInit | --raftID=* | --ibft | --blockperiod=* | --roundChangeTimer=*) consensus="$consensus $1" ;;
    *) echo "start.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
[ -n "$bootnode" ] && [ -n "$networkid" ] || { echo "start.sh: --bootnode and --networkid are required" >&2; exit 2; }

until [ -f /qdata/constellation/tm.conf ] && [ -S /qdata/constellation/tm.ipc ] && wget -q -O - http://127.0.0.1:9000/upcheck | grep -q "I'm up!"; do
    echo "start.sh: waiting for constellation"
    sleep 1
done
datadir=/qdata/ethereum
if [ ! -d "$datadir/geth/chaindata" ]; then
    geth --datadir "$datadir" init "$datadir/genesis.json"
    echo "geth init $(date -u +%FT%TZ)" >>/qdata/logs/init.log
fi
echo "start.sh (stand-in): upstream geth, so without${consensus}, --permissioned and private transactions"
exec geth --datadir "$datadir" --networkid "$networkid" --bootnodes "$bootnode" --port 30303 \
    --http --http.addr 0.0.0.0 --http.port 8545 --http.api admin,eth,net,personal,web3 --http.vhosts '*' \
    --ws --ws.addr 0.0.0.0 --ws.port 8546 \
    --unlock 0 --password "$datadir/passwords.txt" --allow-insecure-unlock --verbosity 3
