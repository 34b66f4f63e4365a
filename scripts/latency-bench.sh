#!/usr/bin/env bash
# Commit-to-claim on MariaDB 10.11 and MySQL 8.0 of the test bed (issue #4), measured the way scripts/bench.sh
# measures it on the embedded MySQL 8, next to each server's own autocommit INSERT time. Prints numbers; asserts
# nothing. Usage: scripts/latency-bench.sh [SAMPLES] (default 300). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/testbed/prepare.sh
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/latency-bench.classpath
java -Dwakeq.project.dir="$PWD" -Dwakeq.udf.version="$(cat udf-image/VERSION)" \
  -cp "target/test-classes:target/classes:$(cat target/latency-bench.classpath)" \
  dev.wakeq.worker.ClaimLatencyBench "${1:-300}"
