#!/usr/bin/env bash
# Usage: cluster.sh up|down
#   up    starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (3 fake
#         nodes) on 127.0.0.1 in a temp folder, one real node (containerd, kubelet, kube-proxy;
#         needs root; registered cordoned), a loop that plays the ingress controller, and prints
#         `export NAME=value` lines for a shell to use it with the fake minikube.
#   down  stops every process `up` started (by pid), removes what the real node made (pods,
#         mounts, the bridge, kube-proxy's iptables chains, the blackhole route) and the folder.
# The folder is $KALEIDO_E2E_RUN_DIR (default: under /dev/shm, as etcd fsyncs every write, else
# /tmp). Nothing outside it is written (not ~/.kube, not ~/.pulumi) but the real node's host-folder
# links, /tmp/hostpath_pv/<the folder's name>-real-node-*: hostPathRoot must lie where minikube
# persists volumes. down removes them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
default_parent=/tmp; [ -d /dev/shm ] && [ -w /dev/shm ] && default_parent=/dev/shm
run_dir="${KALEIDO_E2E_RUN_DIR:-$default_parent/kaleido-quorum-e2e}"
SERVICE_CIDR=10.96.0.0/12
NODES=(kwok-node-1 kwok-node-2 kwok-node-3)

log() { printf 'e2e:cluster: %s\n' "$*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start NAME COMMAND...: runs COMMAND in the background, logging to logs/NAME.log, pid in pids/NAME.
start() {
  local name="$1"; shift
  "$@" >"$run_dir/logs/$name.log" 2>&1 &
  echo $! >"$run_dir/pids/$name"
}

# wait_for WHAT SECONDS COMMAND...: retries COMMAND once a second.
wait_for() {
  local what="$1" limit="$2"; shift 2
  local started=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - started > limit )); then
      log "$what did not come up within ${limit}s; logs in $run_dir/logs"
      return 1
    fi
    sleep 1
  done
}

# One real node beside the kwok ones: containerd (its own root, state and socket in the run folder),
# the CNI bridge on REAL_POD_CIDR, kubelet and kube-proxy. It registers cordoned; a scenario step
# uncordons it (and cordons the kwok nodes) to run real containers of the stand-in images.
REAL_NODE=localhost
REAL_POD_CIDR=10.245.0.0/24
REAL_BRIDGE=kq-e2e0

real_node_up() {
  local bin="$1" node="$run_dir/real-node"
  for tool in containerd ctr runc iptables ipset ip; do
    command -v "$tool" >/dev/null || { log "real node: $tool is missing (apt-get install containerd runc containernetworking-plugins iptables ipset)"; return 1; }
  done
  [ -x /usr/lib/cni/bridge ] || { log "real node: the CNI plugins are missing (apt-get install containernetworking-plugins)"; return 1; }
  mkdir -p "$node"/{containerd,state,cni-conf,cni-ipam,kubelet}
  local socket="$node/containerd.sock"
  # restrict_oom_score_adj: this sandbox may not raise a process's OOM score (no CAP_SYS_RESOURCE).
  cat >"$node/containerd.toml" <<TOML
version = 2
root = "$node/containerd"
state = "$node/state"
[grpc]
  address = "$socket"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/library/e2e-pause:1"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$node/cni-conf"
TOML
  cat >"$node/cni-conf/10-e2e.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "e2e", "plugins": [
  {"type": "bridge", "bridge": "$REAL_BRIDGE", "isGateway": true, "isDefaultGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$REAL_POD_CIDR"}]], "dataDir": "$node/cni-ipam"}},
  {"type": "loopback"}]}
JSON
  # containerd names its pods' network namespaces cni-<uuid>: down removes those it made.
  ip netns list | awk '{ print $1 }' >"$node/netns-before"
  log "real node: containerd"
  start containerd containerd --config "$node/containerd.toml"
  wait_for containerd 30 ctr --address "$socket" version
  for image in "$bin"/../images/*.tar; do ctr --address "$socket" -n k8s.io image import "$image" >/dev/null; done
  # A second GoQuorum tag of the same stand-in: the version a rollout upgrades the network to.
  ctr --address "$socket" -n k8s.io image tag docker.io/quorumengineering/quorum:24.4.1 docker.io/quorumengineering/quorum:24.4.2 >/dev/null

  # A packet to a clusterIP that no kube-proxy rule translates must never leave the machine.
  if ip route show type blackhole | grep -q "^blackhole $SERVICE_CIDR"; then
    log "real node: a blackhole route for $SERVICE_CIDR exists already; leaving it"
  else
    ip route add blackhole "$SERVICE_CIDR"
    touch "$node/blackhole-route"
  fi

  cat >"$node/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
address: 127.0.0.1
readOnlyPort: 0
healthzPort: 0
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
containerRuntimeEndpoint: unix://$socket
resolvConf: ""
podCIDR: $REAL_POD_CIDR
localStorageCapacityIsolation: false
evictionHard: {memory.available: "1Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
YAML
  log "real node: kubelet as node $REAL_NODE (the API server reaches a kubelet by its Hostname address first)"
  start kubelet "$bin/kubelet" --config "$node/kubelet.yaml" --kubeconfig "$KUBECONFIG" --hostname-override "$REAL_NODE" \
    --root-dir "$node/kubelet" --cert-dir "$node/kubelet/pki"
  wait_for "node $REAL_NODE Ready" 90 bash -c "kubectl get node $REAL_NODE --no-headers | grep -qw Ready"
  kubectl cordon "$REAL_NODE" >/dev/null

  cat >"$node/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: "$KUBECONFIG"}
hostnameOverride: $REAL_NODE
clusterCIDR: $REAL_POD_CIDR
bindAddress: 127.0.0.1
healthzBindAddress: ""
metricsBindAddress: "127.0.0.1:$(free_port)"
YAML
  log "real node: kube-proxy (iptables) for $SERVICE_CIDR, pods on $REAL_POD_CIDR"
  start kube-proxy "$bin/kube-proxy" --config "$node/kube-proxy.yaml"
  wait_for "kube-proxy's rules" 60 bash -c "iptables-save | grep -q default/kubernetes"

  # NetworkPolicy enforced on the real node: kube-router's policy controller alone (no routing,
  # no service proxy), serving no port. It filters in FORWARD, which bridged pod traffic passes.
  log "real node: kube-router enforcing NetworkPolicy (iptables + ipset)"
  start kube-router "$bin/kube-router" --kubeconfig "$KUBECONFIG" --hostname-override "$REAL_NODE" \
    --run-firewall=true --run-router=false --run-service-proxy=false --run-loadbalancer=false \
    --health-port=0 --metrics-port=0 --service-cluster-ip-range "$SERVICE_CIDR"
  wait_for "kube-router's policy chains" 60 bash -c "iptables-save | grep -q KUBE-ROUTER-FORWARD"
}

# Pods first, through the kubelet (it tears their networks down), then the processes, then what
# they leave in the kernel: mounts, the bridge, kube-proxy's iptables chains, the blackhole route.
real_node_down() {
  local node="$run_dir/real-node" socket="$run_dir/real-node/containerd.sock" bin
  [ -d "$node" ] || return 0
  if [ -f "$run_dir/pids/kubelet" ] && kill -0 "$(cat "$run_dir/pids/kubelet")" 2>/dev/null; then
    kubectl delete pods -A --field-selector "spec.nodeName=$REAL_NODE" --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
    wait_for "the real node's containers to stop" 60 bash -c "! ctr --address '$socket' -n k8s.io tasks ls | grep -q RUNNING" || true
  fi
  stop_processes kube-router kube-proxy kubelet
  for task in $(ctr --address "$socket" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$socket" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
  done
  stop_processes containerd
  pkill -KILL -f "containerd-shim-runc-v2 .*-address $socket" 2>/dev/null || true
  awk -v prefix="$node/" 'index($2, prefix) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do umount -l "$mount" || true; done
  for netns in $(ip netns list | awk '/^cni-/ { print $1 }'); do
    grep -qx "$netns" "$node/netns-before" 2>/dev/null || ip netns delete "$netns" 2>/dev/null || true
  done
  ip link delete "$REAL_BRIDGE" 2>/dev/null || true
  if bin="$(bash "$here/tools.sh" --check 2>/dev/null)"; then "$bin/kube-proxy" --cleanup >/dev/null 2>&1 || true; fi
  # kube-router's own --cleanup-config panics without a cluster to read: drop its chains and sets.
  iptables-save | grep -v -e 'kube-router' -e KUBE-ROUTER -e KUBE-NWPLCY -e KUBE-POD-FW | iptables-restore || true
  if command -v ipset >/dev/null; then
    for set in $(ipset list -n 2>/dev/null | grep '^KUBE-'); do ipset destroy "$set" 2>/dev/null || true; done
  fi
  # What kube-proxy's cleanup leaves: the kubelet's own chains.
  for iptables in iptables ip6tables; do
    for hook in INPUT OUTPUT; do "$iptables" -D "$hook" -j KUBE-FIREWALL 2>/dev/null || true; done
    "$iptables" -F KUBE-FIREWALL 2>/dev/null || true
    "$iptables" -X KUBE-FIREWALL 2>/dev/null || true
    for table in mangle filter nat; do "$iptables" -t "$table" -X KUBE-KUBELET-CANARY 2>/dev/null || true; done
    "$iptables" -t mangle -X KUBE-IPTABLES-HINT 2>/dev/null || true
  done
  if [ -f "$node/blackhole-route" ]; then ip route del blackhole "$SERVICE_CIDR" 2>/dev/null || true; fi
}

# stop_processes NAME...: each process `start` started, by its pid: SIGTERM, then SIGKILL after 5 s.
stop_processes() {
  local pid
  for name in "$@"; do
    [ -f "$run_dir/pids/$name" ] || continue
    pid="$(cat "$run_dir/pids/$name")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

# Also what a run killed outright leaves (its processes gone, its mounts, bridge and chains not).
down() {
  [ -d "$run_dir" ] || { log "nothing to stop in $run_dir"; return; }
  export KUBECONFIG="$run_dir/kubeconfig"
  real_node_down
  rm -f /tmp/hostpath_pv/"$(basename "$run_dir")"-real-node-*
  stop_processes ingress-status provisioner kwok kube-scheduler kube-controller-manager kube-apiserver etcd
  rm -rf "$run_dir"
  log "stopped; removed $run_dir"
}

write_kubeconfig() {
  local file="$1" port="$2" token="$3"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: https://127.0.0.1:$port
    insecure-skip-tls-verify: true
users:
- name: e2e-admin
  user:
    token: $token
contexts:
- name: minikube
  context:
    cluster: e2e
    user: e2e-admin
current-context: minikube
EOF
}

register_nodes() {
  for node in "${NODES[@]}"; do
    kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $node
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: $node
    kubernetes.io/os: linux
    type: kwok
status:
  allocatable: {cpu: "16", memory: 64Gi, pods: "110"}
  capacity: {cpu: "16", memory: 64Gi, pods: "110"}
EOF
  done
}

# minikube's ingress addon runs a controller that writes the node IP into each nginx Ingress's
# status; Pulumi's Ingress await waits for it. This loop does that part.
ingress_status_loop() {
  while true; do
    kubectl get ingress -A -o jsonpath='{range .items[?(@.spec.ingressClassName=="nginx")]}{.metadata.namespace}{" "}{.metadata.name}{" "}{.status.loadBalancer.ingress[0].ip}{"\n"}{end}' 2>/dev/null |
      while read -r namespace name ip; do
        [ -n "$name" ] && [ -z "$ip" ] || continue
        kubectl -n "$namespace" patch ingress "$name" --subresource=status --type=merge \
          -p '{"status":{"loadBalancer":{"ingress":[{"ip":"192.168.49.2"}]}}}' >/dev/null 2>&1 || true
      done
    sleep 1
  done
}

# What a dynamic provisioner does for the default StorageClass (platform kubernetes): a volume for
# each claim waiting for one, and away with volumes whose claim is gone.
STORAGE_CLASS=e2e-standard
STORAGE_PROVISIONER=e2e.kaleido.io/hostpath
storage_class() {
  kubectl apply -f - >/dev/null <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $STORAGE_CLASS
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: $STORAGE_PROVISIONER
reclaimPolicy: Delete
volumeBindingMode: Immediate
EOF
}

provisioner_loop() {
  while true; do
    kubectl get pvc -A -o jsonpath='{range .items[?(@.spec.storageClassName=="'"$STORAGE_CLASS"'")]}{.metadata.namespace}{" "}{.metadata.name}{" "}{.metadata.uid}{" "}{.spec.resources.requests.storage}{" "}{.spec.volumeName}{"\n"}{end}' 2>/dev/null |
      while read -r namespace name uid size volume; do
        [ -n "$uid" ] && [ -z "$volume" ] || continue
        kubectl apply -f - >/dev/null 2>&1 <<EOF || true
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pvc-$uid
  annotations: {pv.kubernetes.io/provisioned-by: $STORAGE_PROVISIONER}
spec:
  capacity: {storage: $size}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Delete
  storageClassName: $STORAGE_CLASS
  hostPath: {path: $run_dir/volumes/$uid, type: DirectoryOrCreate}
  claimRef: {namespace: $namespace, name: $name, uid: $uid}
EOF
      done
    kubectl get pv -o jsonpath='{range .items[?(@.spec.storageClassName=="'"$STORAGE_CLASS"'")]}{.metadata.name}{" "}{.status.phase}{"\n"}{end}' 2>/dev/null |
      while read -r volume phase; do
        case "$phase" in Released | Failed) kubectl delete pv "$volume" --wait=false >/dev/null 2>&1 || true ;; esac
      done
    sleep 1
  done
}

up() {
  if [ -d "$run_dir" ]; then
    for pid_file in "$run_dir"/pids/*; do
      if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then log "already up in $run_dir (run 'cluster.sh down' first)"; exit 1; fi
    done
    log "cleaning up $run_dir, left by a run whose processes are gone"
    down
  fi
  local bin
  bin="$(bash "$here/tools.sh" --check)" || { log "build the tools first: npm run e2e:tools"; exit 1; }
  mkdir -p "$run_dir"/{logs,pids,pki,etcd,fake-minikube/docker,pulumi-home,state}
  local etcd_port etcd_peer api_port token
  etcd_port="$(free_port)"; etcd_peer="$(free_port)"; api_port="$(free_port)"
  token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "$token,e2e-admin,e2e-admin,system:masters" >"$run_dir/pki/tokens.csv"
  openssl genrsa -out "$run_dir/pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$run_dir/pki/sa.key" -pubout -out "$run_dir/pki/sa.pub" 2>/dev/null
  export KUBECONFIG="$run_dir/kubeconfig"
  write_kubeconfig "$KUBECONFIG" "$api_port" "$token"

  log "etcd on 127.0.0.1:$etcd_port"
  start etcd "$bin/etcd" --name e2e --data-dir "$run_dir/etcd" --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "e2e=http://127.0.0.1:$etcd_peer"
  wait_for etcd 30 curl -sf "http://127.0.0.1:$etcd_port/health"

  log "kube-apiserver on 127.0.0.1:$api_port (Service CIDR $SERVICE_CIDR)"
  start kube-apiserver "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" --cert-dir "$run_dir/pki" \
    --token-auth-file "$run_dir/pki/tokens.csv" --authorization-mode RBAC \
    --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$run_dir/pki/sa.pub" --service-account-signing-key-file "$run_dir/pki/sa.key"
  wait_for kube-apiserver 90 kubectl get --raw /readyz

  log "kube-controller-manager, kube-scheduler"
  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$KUBECONFIG" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
    --service-account-private-key-file "$run_dir/pki/sa.key" --service-cluster-ip-range "$SERVICE_CIDR" \
    --controllers '*,-nodeipam,-cloud-node-lifecycle'
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$KUBECONFIG" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false

  log "kwok playing the kubelet of ${#NODES[@]} nodes"
  # Node leases are the heartbeat the node lifecycle controller reads; without them nodes drop to
  # NotReady between kwok's status updates, and their pods with them.
  start kwok "$bin/kwok" --kubeconfig "$KUBECONFIG" --config "$bin/kwok-stages.yaml" --manage-all-nodes=false \
    --node-lease-duration-seconds 40 \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr 10.244.0.0/16 --node-ip 192.168.49.2
  register_nodes
  wait_for "${#NODES[@]} Ready nodes" 60 bash -c "[ \"\$(kubectl get nodes --no-headers 2>/dev/null | grep -cw Ready)\" = ${#NODES[@]} ]"
  wait_for "the default ServiceAccount" 60 kubectl -n default get serviceaccount default

  real_node_up "$bin"

  start ingress-status ingress_status_loop
  storage_class
  start provisioner provisioner_loop

  # The fake minikube (with the docker and crictl it talks to), not the fake kubectl: kubectl is real.
  mkdir -p "$run_dir/fake-bin"
  for fake_tool in minikube docker crictl; do ln -s "$root/test/fakebin/$fake_tool" "$run_dir/fake-bin/$fake_tool"; done
  # Its node filesystem and local Docker images (one id per image).
  local fake="$run_dir/fake-minikube"
  for image in jpmorganchase/quorum jpmorganchase/constellation test/racecourse; do
    echo "sha256:$(printf '%s' "$image" | sha256sum | cut -d' ' -f1)" >"$fake/docker/$(echo "$image" | tr '/:' '__')"
  done

  cat >"$run_dir/env" <<EOF
export KALEIDO_E2E_RUN_DIR=$run_dir
export KUBECONFIG=$KUBECONFIG
export PATH=$root/test/e2e/plugins:$run_dir/fake-bin:$bin:$PATH
export FAKE_STATE=$fake
export PULUMI_HOME=$run_dir/pulumi-home
export PULUMI_BACKEND_URL=file://$run_dir/state
export PULUMI_CONFIG_PASSPHRASE=e2e-only
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
EOF
  log "up; the exports below are also in $run_dir/env"
  cat "$run_dir/env"
}

case "${1:-}" in
up) up ;;
down) down ;;
*) echo "usage: cluster.sh up|down" >&2; exit 2 ;;
esac
