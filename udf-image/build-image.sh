#!/usr/bin/env bash
# Builds build/wakeq-udf-<version>.tar, the same image as the Dockerfile, with
# no container engine: `docker load -i` or `podman load -i` it, or push it with
# `skopeo copy docker-archive:build/wakeq-udf-v1.tar docker://REGISTRY/wakeq-udf:v1`.
# Usage: build-image.sh [VERSION]   (default: the VERSION file)
set -euo pipefail
cd "$(dirname "$0")"
version=${1:-$(cat VERSION)}
build=${BUILD:-build}
# The image's own version and every released one (RELEASED), so a server still referencing an older
# version's function finds its file at every start.
versions=$( (grep -v '^#' RELEASED; echo "$version") | awk 'NF && !seen[$1]++')
for v in $versions; do make -s VERSION="$v" BUILD="$build" all; done

# The layer is exactly what the Dockerfile's last stage copies from /image/.
layer="$build/image-layer"
rm -rf "$layer"
install -D -m 0755 "$build/wakeq-install" "$layer/wakeq/bin/wakeq-install"
for v in $versions; do
  install -D -m 0644 "$build/libwakeq_notify_$v.so" "$layer/wakeq/lib/libwakeq_notify_$v.so"
done
chmod 0755 "$layer/wakeq" "$layer/wakeq/bin" "$layer/wakeq/lib"
python3 ../scripts/image/oci-archive.py "$build/wakeq-udf-$version.tar" \
  --tag "ghcr.io/wakeq/wakeq-udf:$version" --tag "wakeq-udf:$version" \
  --layer "$layer" \
  --entrypoint '["/wakeq/bin/wakeq-install"]' --cmd '["--all", "/wakeq/lib", "/plugins"]' \
  --label org.opencontainers.image.title=wakeq-udf \
  --label "org.opencontainers.image.version=$version" \
  --label "org.opencontainers.image.description=wakeq_notify loadable function and its installer" \
  --created-by "udf-image/build-image.sh $version"
