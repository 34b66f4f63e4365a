#!/usr/bin/env bash
# Copies the CRDs generated from dev.wakeq.operator.crd (by the Quarkus build) into crds/ and the chart.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f target/kubernetes/queuetenants.wakeq.dev-v1.yml ]] || ./mvnw -B -q package -DskipTests
for f in target/kubernetes/*.wakeq.dev-v1.yml; do
  name=$(basename "$f" -v1.yml).yaml
  cp "$f" "crds/$name"
  [[ -d helm/wakeq ]] && mkdir -p helm/wakeq/crds && cp "$f" "helm/wakeq/crds/$name"
done
echo "updated: $(ls crds)"
