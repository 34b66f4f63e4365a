#!/usr/bin/env bash
# Builds build/wakeq-udf-<version>.tar, the same image as the Dockerfile, with
# no container engine: `docker load -i` or `podman load -i` it, or push it with
# `skopeo copy docker-archive:build/wakeq-udf-v1.tar docker://REGISTRY/wakeq-udf:v1`.
# Usage: build-image.sh [VERSION]   (default: the VERSION file)
set -euo pipefail
cd "$(dirname "$0")"
version=${1:-$(cat VERSION)}
build=${BUILD:-build}
make -s VERSION="$version" BUILD="$build" all
python3 tools/docker-archive.py "$build/wakeq-udf-$version.tar" "$version" \
  "$build/wakeq-install" "$build/libwakeq_notify_$version.so"
