#!/usr/bin/env bash
# Pools over time (issue #6), on the real kube-apiserver of the test bed with FakeKubelet running the workers and
# both databases: an idle minReplicas-0 pool's worker count over time around one insert and the insert-to-handled
# time from zero (ScaleToZeroOnRealApiServerTest), the longest gap in handled jobs while an image swap rolls the
# workers under 50 inserts/s (RolloutOnRealApiServerTest), and how fast held jobs scale a pool up and idle ones
# back down (AutoscalingOnRealApiServerTest). The figures are what those tests print; their assertions are about
# jobs (none lost), not times. Usage: scripts/pool-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/testbed/prepare.sh
CI=true ./mvnw -q -B test \
  -Dtest='ScaleToZeroOnRealApiServerTest,RolloutOnRealApiServerTest,AutoscalingOnRealApiServerTest' >/dev/null
grep -h '^scale to zero on\|^rollout on\|^autoscaling on' \
  target/surefire-reports/dev.wakeq.operator.*-output.txt
