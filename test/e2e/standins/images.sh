#!/usr/bin/env bash
# Builds the e2e's stand-in images as OCI image layouts (tar), without Docker: one layer of a
# folder, a config, a manifest and an index naming the image, for `ctr -n k8s.io image import`.
# From Debian's busybox-static, upstream go-ethereum's geth and bootnode (tools.sh), the stand-in
# transaction manager (built here from ./transaction-manager), the start.sh files and GoQuorum's
# geth wrapper beside this: the seed's jpmorganchase/quorum and constellation, GoQuorum's
# quorumengineering/quorum and tessera, the seed's racecourse, and the stock Node.js image the
# project's racecourse runs on (this machine's node binary and the libraries it loads: glibc, not
# the real image's musl).
# Usage: images.sh OUT_DIR TOOLS_BIN
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"; tools_bin="$2"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# The images hold no libc for it: busybox must be Debian's busybox-static.
if ldd /bin/busybox >/dev/null 2>&1; then echo "images.sh: /bin/busybox is not static: apt-get install busybox-static" >&2; exit 1; fi

sha() { sha256sum "$1" | cut -d' ' -f1; }

# blob FILE: moves FILE into the layout's blobs, printing "digest size".
blob() {
  local digest size
  digest="$(sha "$1")"; size="$(stat -c %s "$1")"
  mv "$1" "$layout/blobs/sha256/$digest"
  echo "$digest $size"
}

# image NAME ROOTFS CONFIG_JSON: writes $out/<name with / and : as _>.tar.
image() {
  local name="$1" rootfs="$2" config="$3" layer cfg manifest
  layout="$work/layout"; rm -rf "$layout"; mkdir -p "$layout/blobs/sha256"
  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf "$work/layer.tar" .
  read -r layer_digest layer_size < <(blob "$work/layer.tar")
  printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/bin:/bin"],%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$config" "$layer_digest" >"$work/config.json"
  read -r config_digest config_size < <(blob "$work/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$work/manifest.json"
  read -r manifest_digest manifest_size < <(blob "$work/manifest.json")
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s"}}]}' \
    "$manifest_digest" "$manifest_size" "$name" >"$layout/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  tar -C "$layout" -cf "$out/$(tr '/:' '__' <<<"$name").tar" oci-layout index.json blobs
}

# rootfs DIR: busybox and its applets under DIR/bin.
rootfs() {
  mkdir -p "$1/bin" "$1/usr/local/bin" "$1/tmp"
  cp /bin/busybox "$1/bin/busybox"
  for applet in $(/bin/busybox --list | grep -vx busybox); do ln -s busybox "$1/bin/$applet"; done
}

# with_libs DIR BINARY...: the binaries in DIR/usr/local/bin and the shared libraries they load.
with_libs() {
  local dir="$1"; shift
  for binary in "$@"; do
    cp "$binary" "$dir/usr/local/bin/"
    for lib in $(ldd "$binary" | grep -o '/[^ ]*\.so[^ ]*'); do mkdir -p "$dir$(dirname "$lib")"; cp -L "$lib" "$dir$lib"; done
  done
}

rootfs "$work/pause"
image docker.io/library/e2e-pause:1 "$work/pause" '"Entrypoint":["/bin/sleep","2147483647"]'

(cd "$here/transaction-manager" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$work/transaction-manager" .)
(cd "$here/clique-genesis" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$work/clique-genesis" .)

rootfs "$work/quorum"
with_libs "$work/quorum" "$tools_bin/geth" "$tools_bin/bootnode"
cp "$here/quorum/start.sh" "$work/quorum/usr/local/bin/start.sh"
image docker.io/jpmorganchase/quorum:latest "$work/quorum" '"Cmd":["start.sh"]'

rootfs "$work/constellation"
cp "$work/transaction-manager" "$here/constellation/start.sh" "$work/constellation/usr/local/bin/"
image docker.io/jpmorganchase/constellation:latest "$work/constellation" '"Cmd":["start.sh"]'

rootfs "$work/goquorum"
with_libs "$work/goquorum" "$tools_bin/geth" "$tools_bin/bootnode"
mkdir -p "$work/goquorum/usr/local/lib/upstream"
mv "$work/goquorum/usr/local/bin/geth" "$work/goquorum/usr/local/lib/upstream/geth"
cp "$here/goquorum/geth" "$work/clique-genesis" "$work/goquorum/usr/local/bin/"
image docker.io/quorumengineering/quorum:24.4.1 "$work/goquorum" '"Entrypoint":["geth"]'

rootfs "$work/tessera"
mkdir -p "$work/tessera/tessera/bin"
cp "$work/transaction-manager" "$work/tessera/tessera/bin/tessera"
image docker.io/quorumengineering/tessera:24.4.2 "$work/tessera" '"Entrypoint":["/tessera/bin/tessera"]'

# The name the program runs the project's racecourse on, as lib/runtime/images.ts states it.
node_image="$(sed -n 's/^export const RACECOURSE_NODE_IMAGE = "\(.*\)";$/\1/p' "$here/../../../lib/runtime/images.ts")"
[ -n "$node_image" ] || { echo "images.sh: RACECOURSE_NODE_IMAGE not found in lib/runtime/images.ts" >&2; exit 1; }
rootfs "$work/node"
with_libs "$work/node" "$(command -v node)"
image "docker.io/library/$node_image" "$work/node" '"Entrypoint":["node"],"User":"1000:1000"'

rootfs "$work/racecourse"
image docker.io/test/racecourse:latest "$work/racecourse" '"Cmd":["/bin/sh","-c","mkdir -p /www && echo racecourse stand-in >/www/index.html && exec httpd -f -p 3000 -h /www"]'
