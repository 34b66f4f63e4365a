#!/usr/bin/env bash
# mkimage.sh ROOTFS_DIR NAME:TAG OUT.tar ENTRYPOINT_JSON
# Packs a directory as a one-layer docker-archive image (what `docker save` writes; `ctr images import`
# reads it). No registry and no container engine: tar, sha256sum and jq.
set -euo pipefail
rootfs=$1 ref=$2 out=$3 entrypoint=$4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$rootfs" -cf "$tmp/layer.tar" .
diff=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
mkdir "$tmp/$diff" && mv "$tmp/layer.tar" "$tmp/$diff/layer.tar"
jq -nc --arg d "sha256:$diff" --argjson ep "$entrypoint" '{architecture: "amd64", os: "linux",
  created: "1970-01-01T00:00:00Z", config: {Entrypoint: $ep, WorkingDir: "/"},
  rootfs: {type: "layers", diff_ids: [$d]}}' >"$tmp/config.json"
cfg=$(sha256sum "$tmp/config.json" | cut -d' ' -f1)
mv "$tmp/config.json" "$tmp/$cfg.json"
jq -nc --arg c "$cfg.json" --arg r "$ref" --arg l "$diff/layer.tar" '[{Config: $c, RepoTags: [$r], Layers: [$l]}]' \
  >"$tmp/manifest.json"
tar -C "$tmp" -cf "$out" manifest.json "$cfg.json" "$diff"
