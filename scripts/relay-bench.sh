#!/usr/bin/env bash
# The binary-log wake source against the trigger source (issue #14), on MariaDB 10.11 and MySQL 8.0 of the test
# bed: commit-to-claim, claim queries per job, insert cost (timed), then the relay as its own process with many
# tenants (connections, RSS, CPU) and killed under load. Prints numbers; asserts nothing.
# Usage: scripts/relay-bench.sh [SAMPLES] [PACED_JOBS] [TENANTS] (defaults 300, 40, 1000). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/testbed/prepare.sh
make -s -C udf-image all
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/relay-bench.classpath
cp="target/test-classes:target/classes:$(cat target/relay-bench.classpath)"
props=(-Dwakeq.project.dir="$PWD" -Dwakeq.udf.version="$(cat udf-image/VERSION)")
java "${props[@]}" -cp "$cp" dev.wakeq.worker.BinlogSourceBench "${1:-300}" "${2:-40}"
java "${props[@]}" -cp "$cp" dev.wakeq.worker.RelayScaleBench "${3:-1000}"
