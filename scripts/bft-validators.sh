#!/usr/bin/env bash
# IBFT/QBFT: the running network's validator set, read at the start of every preview and update so
# the program can refuse a change of validators the votes cannot make. Prints one JSON object:
# the node pods that are Ready, and the set the first of them that answers reports
# (istanbul_getValidators over its IPC socket, as the vote step reaches it), or why none did.
# Read-only; prints {"ready": []} when no node pod runs (a new network).
#
# Environment: KUBE_CONTEXT, NAMESPACE, SELECTOR (the node pods' labels)
set -euo pipefail
kube=(kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE")
ready="$("${kube[@]}" get pods -l "$SELECTOR" -o json | node -e '
const pods = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
const ready = (pod) => (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
process.stdout.write(pods.filter(ready).map((pod) => pod.metadata.name).join(" "));')"
request='JSON.stringify(web3.currentProvider.send({"jsonrpc":"2.0","id":1,"method":"istanbul_getValidators","params":[]}))'
answer="" failure="no node pod is Ready"
for pod in $ready; do
    if answer="$("${kube[@]}" exec "$pod" -c quorum -- geth attach --exec "$request" /qdata/ethereum/geth.ipc 2>&1)"; then failure=""; break; fi
    failure="$pod: $(tail -n 1 <<<"$answer")"
    answer=""
done
READY="$ready" ANSWER="$answer" FAILURE="$failure" node -e '
const { READY, ANSWER, FAILURE } = process.env;
const out = { ready: READY ? READY.split(" ") : [] };
if (ANSWER) out.reply = JSON.parse(JSON.parse(ANSWER));
else if (out.ready.length > 0) out.failure = FAILURE;
process.stdout.write(JSON.stringify(out) + "\n");'
