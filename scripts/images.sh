#!/usr/bin/env bash
# Builds every wakeq container image as a tarball, with no container engine and no registry but Debian's
# package mirror (docs/images.md):
#   target/images/wakeq-<version>.tar      operator and workers (ghcr.io/wakeq/wakeq:<version>)
#   target/images/wakeq-udf-<udf>.tar      the loadable function's installer (ghcr.io/wakeq/wakeq-udf:<udf>)
# Usage: scripts/images.sh [--no-maven]   (--no-maven: target/quarkus-app is already built, e.g. by verify)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

if [[ ${1:-} != --no-maven ]]; then
  ./mvnw -B -q package -DskipTests
fi
version=$(python3 scripts/image/project-version.py)
udf=$(cat udf-image/VERSION)
bash scripts/image/wakeq-image.sh
udf-image/build-image.sh "$udf"
cp "udf-image/build/wakeq-udf-$udf.tar" target/images/

cat <<EOT

images built in $((SECONDS - start)) s:
$(cd target/images && du -h --apparent-size "wakeq-$version.tar" "wakeq-udf-$udf.tar" | awk '{printf "  target/images/%s  %s\n", $2, $1}')
load into a local engine:   docker load -i target/images/wakeq-$version.tar     (or podman load -i)
into a kind cluster:        kind load image-archive target/images/wakeq-$version.tar
push (no daemon needed):    skopeo copy docker-archive:target/images/wakeq-$version.tar docker://ghcr.io/wakeq/wakeq:$version
                            skopeo copy docker-archive:target/images/wakeq-udf-$udf.tar docker://ghcr.io/wakeq/wakeq-udf:$udf
EOT
