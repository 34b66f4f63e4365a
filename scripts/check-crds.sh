#!/usr/bin/env bash
# Fails the build when the committed CRDs (crds/, helm/wakeq/crds/) differ from those generated from the Java model.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for f in target/kubernetes/*.wakeq.dev-v1.yml; do
  name=$(basename "$f" -v1.yml).yaml
  for dir in crds helm/wakeq/crds; do
    [[ $dir == helm/wakeq/crds && ! -d helm/wakeq ]] && continue
    if ! diff -u "$dir/$name" "$f" >/dev/null 2>&1; then
      echo "CRD drift: $dir/$name differs from the generated $f; run scripts/update-crds.sh and commit" >&2
      diff -u "$dir/$name" "$f" | head -20 >&2 || true
      status=1
    fi
  done
done
exit $status
