#!/usr/bin/env bash
# The wake-up core's figures on an embedded MySQL 8.0: idle cost (sweep vs 1 s polling), commit-to-claim
# latency, late commit, throughput with 1 and 4 tenants. About 3 minutes; prints numbers, asserts nothing.
# The loadable function's own benchmark (insert cost, datagrams, server memory) is udf-image/bench/insert-bench.sh.
exec bash "$(dirname "$0")/run-main.sh" dev.wakeq.bench.CoreBench "$@"
