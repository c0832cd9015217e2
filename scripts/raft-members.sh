#!/usr/bin/env bash
# Raft: the network's node StatefulSets as they run now (JSON), read at the start of every preview
# and update so the program knows which members exist and how each was started (their
# kaleido.io/raft-id and kaleido.io/raft-joined annotations). Read-only.
#
# Environment: KUBE_CONTEXT, NAMESPACE, SELECTOR (the node StatefulSets' labels)
set -euo pipefail
kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE" get statefulsets -l "$SELECTOR" -o json
