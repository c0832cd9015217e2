#!/usr/bin/env bash
# Builds every tool the e2e harness needs from Go modules, at the versions in versions.env, into a
# cache outside the repo. Idempotent: a tool already built at its pinned version is skipped; each
# tool is stamped with its own version, so a new pin rebuilds only the tools it names.
# Prints the bin folder on its last line. With --check it builds nothing and exits 1, naming what
# is missing, unless every tool is there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache_root="${KALEIDO_E2E_CACHE:-$HOME/.cache/kaleido-quorum-e2e}"
tools_dir="$cache_root/tools"
bin="$tools_dir/bin"
work="$tools_dir/work"
mkdir -p "$bin" "$work"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local

log() { printf 'e2e:tools: %s\n' "$*" >&2; }

# stamp NAME: where the version a tool was built at is recorded.
stamp() { printf '%s/.%s.version' "$bin" "$1"; }
built() { [ -e "$bin/$1" ] && [ "$(cat "$(stamp "$1")" 2>/dev/null)" = "$2" ]; }

# build NAME VERSION HINT COMMAND...: runs COMMAND unless $bin/NAME was built at VERSION, timing it.
build() {
  local name="$1" version="$2" hint="$3"; shift 3
  if built "$name" "$version"; then log "$name: cached"; return; fi
  log "$name: building $version (cold: about $hint)"
  local started=$SECONDS
  "$@" >"$work/$name.log" 2>&1 || { log "$name: build failed; last lines of $work/$name.log:"; tail -n 30 "$work/$name.log" >&2; exit 1; }
  echo "$version" >"$(stamp "$name")"
  log "$name: built in $((SECONDS - started))s"
}

# wrapper_module DIR MODULE_LINES...: a go.mod that repeats the replace directives a tool's own
# go.mod uses, since those apply only when that module is the main module.
wrapper_module() {
  local dir="$1"; shift
  mkdir -p "$dir"
  { printf 'module kaleido-quorum-e2e/%s\n\ngo 1.26\n\n' "$(basename "$dir")"; printf '%s\n' "$@"; } >"$dir/go.mod"
}

build_pulumi() {
  local dir="$work/pulumi"
  wrapper_module "$dir" \
    "replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e" \
    "replace golang.org/x/text => golang.org/x/text v0.41.0"
  (cd "$dir" && go get "github.com/pulumi/pulumi/pkg/v3@$PULUMI_PKG_VERSION" \
    && go build -o "$bin/pulumi" \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_PKG_VERSION" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
}

build_language_nodejs() {
  local dir="$work/language-nodejs"
  wrapper_module "$dir" "replace golang.org/x/text => golang.org/x/text v0.3.6"
  (cd "$dir" && go get "github.com/pulumi/pulumi/sdk/v3@$PULUMI_LANGUAGE_NODEJS_SDK_VERSION" \
    && go build -o "$bin/pulumi-language-nodejs" \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_LANGUAGE_NODEJS_SDK_VERSION" \
      github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
}

# The provider embeds a schema that its own `go generate` writes, so it is built from a copy of
# the module with that step done; the copy lives in the cache, never in the repo.
build_kubernetes_provider() {
  local module="github.com/pulumi/pulumi-kubernetes/provider/v4"
  local src dir="$work/pulumi-kubernetes-provider"
  src="$(go mod download -json "$module@$PULUMI_KUBERNETES_PROVIDER_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  rm -rf "$dir" && cp -r "$src" "$dir" && chmod -R u+w "$dir"
  local pulumi_sdk_version
  pulumi_sdk_version="$(sed -n 's#^\tgithub.com/pulumi/pulumi/pkg/v3 \(v[^ ]*\)$#\1#p' "$dir/go.mod")"
  (cd "$dir" \
    && go mod edit -replace "github.com/pulumi/pulumi-kubernetes/sdk/v4=github.com/pulumi/pulumi-kubernetes/sdk/v4@$PULUMI_KUBERNETES_GO_SDK_VERSION" \
      -replace "github.com/pulumi/pulumi/sdk/v3=github.com/pulumi/pulumi/sdk/v3@$pulumi_sdk_version" \
    && (cd cmd/pulumi-resource-kubernetes && VERSION="$PULUMI_KUBERNETES_REPORTED_VERSION" go run generate.go) \
    && go build -o "$bin/pulumi-resource-kubernetes" \
      -ldflags "-X $module/pkg/version.Version=$PULUMI_KUBERNETES_REPORTED_VERSION" \
      ./cmd/pulumi-resource-kubernetes)
}

# k8s.io/kubernetes replaces its staging modules with local folders; the wrapper points each at
# the published module of the same release.
build_kubernetes() {
  build_kubernetes_commands kube-apiserver kube-controller-manager kube-scheduler
}

# build_kubernetes_commands CMD...: k8s.io/kubernetes/cmd/CMD into $bin.
build_kubernetes_commands() {
  local dir="$work/kubernetes" staging_version="v0${KUBERNETES_VERSION#v1}"
  local kube_go_mod replaces=()
  kube_go_mod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  while read -r staged; do
    replaces+=("replace $staged => $staged $staging_version")
  done < <(sed -n 's#^\t\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$kube_go_mod")
  wrapper_module "$dir" "${replaces[@]}"
  local minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
  local ldflags="-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  (cd "$dir" && for cmd in "$@"; do
       go get "k8s.io/kubernetes/cmd/$cmd@$KUBERNETES_VERSION" && go build -o "$bin/$cmd" -ldflags "$ldflags" "k8s.io/kubernetes/cmd/$cmd" || exit 1
     done)
}

# The stand-in images the real node runs (standins/images.sh), from upstream geth and bootnode.
build_standin_images() {
  bash "$here/standins/images.sh" "$tools_dir/images" "$bin" && ls "$tools_dir/images" >"$bin/standin-images"
}

# The real node of the e2e (cluster.sh): kubelet and kube-proxy of the same release, in the same
# wrapper module.
build_kubernetes_node() {
  build_kubernetes_commands kubelet kube-proxy
}

# etcd 3.5.13+ answers watch progress requests; without them (Debian's 3.4.23) the API server
# refuses client-go's streamed watch lists and kwok's watches keep breaking.
build_etcd() {
  local dir="$work/etcd"
  wrapper_module "$dir"
  (cd "$dir" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" \
    && go build -o "$bin/etcd" go.etcd.io/etcd/server/v3)
}

# kwok plays nodes and pods only through Stage objects; its "fast" set ships in the module.
build_kwok() {
  GOBIN="$bin" go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" || return 1
  local src
  src="$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')/kustomize/stage"
  for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    cat "$src/$stage.yaml"; printf '\n---\n'
  done >"$bin/kwok-stages.yaml"
}

# Upstream go-ethereum (what GoQuorum forks) checks our genesis, keys and peering in the e2e.
# Go 1.23+ refuses its fjl/memsize dependency's go:linkname into the runtime unless told not to.
build_go_ethereum() {
  local dir="$work/go-ethereum"
  wrapper_module "$dir"
  (cd "$dir" && go get "github.com/ethereum/go-ethereum@$GO_ETHEREUM_VERSION" \
    && for cmd in geth bootnode ethkey; do
         go build -o "$bin/$cmd" -ldflags=-checklinkname=0 "github.com/ethereum/go-ethereum/cmd/$cmd" || exit 1
       done)
}

# The real node's NetworkPolicy engine (cluster.sh): kube-router, its policy controller only.
build_kube_router() {
  local dir="$work/kube-router"
  wrapper_module "$dir"
  (cd "$dir" && go get "github.com/cloudnativelabs/kube-router/v2@$KUBE_ROUTER_VERSION" \
    && go build -o "$bin/kube-router" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router)
}

# name version hint builder, one line per build; the named file is the last one the builder writes.
TOOLS=(
  "pulumi-resource-kubernetes $PULUMI_KUBERNETES_PROVIDER_VERSION/sdk-$PULUMI_KUBERNETES_GO_SDK_VERSION/reports-$PULUMI_KUBERNETES_REPORTED_VERSION 15min build_kubernetes_provider"
  "pulumi $PULUMI_PKG_VERSION 6min build_pulumi"
  "pulumi-language-nodejs $PULUMI_LANGUAGE_NODEJS_SDK_VERSION 1min build_language_nodejs"
  "kwok-stages.yaml $KWOK_VERSION 2min build_kwok"
  "kube-scheduler $KUBERNETES_VERSION 10min(three-binaries) build_kubernetes"
  "kube-proxy $KUBERNETES_VERSION 4min(kubelet-and-kube-proxy) build_kubernetes_node"
  "etcd $ETCD_VERSION 2min build_etcd"
  "ethkey $GO_ETHEREUM_VERSION 3min build_go_ethereum"
  "kube-router $KUBE_ROUTER_VERSION 3min build_kube_router"
  "standin-images $GO_ETHEREUM_VERSION/$(cat "$here"/standins/images.sh "$here"/standins/*/* "$here"/../../lib/runtime/images.ts "$(command -v node)" | sha256sum | cut -c1-16) 1min build_standin_images"
)
if [ "${1:-}" = --check ]; then
  missing=()
  for tool in "${TOOLS[@]}"; do
    read -r name version _ <<<"$tool"
    built "$name" "$version" || missing+=("$name@$version")
  done
  if [ ${#missing[@]} -gt 0 ]; then log "not built yet in $tools_dir: ${missing[*]}"; exit 1; fi
  echo "$bin"
  exit 0
fi

log "cache $tools_dir"
for tool in "${TOOLS[@]}"; do
  read -r name version hint builder <<<"$tool"
  build "$name" "$version" "$hint" "$builder"
done
log "disk: $(du -sh "$tools_dir" | cut -f1) in $tools_dir (Go module and build caches not counted)"
echo "$bin"
