#!/usr/bin/env bash
# The operator at scale (issue #5): N QueueTenants (default 1000) against one MariaDB and the real
# kube-apiserver of the test bed, with the packaged operator as its own process. Prints time until all are
# Ready, operator RSS and heap, the SQL sent per reconcile, and the pool's tenants shards (sizes, a worker's
# start on all tenants, a new tenant's way to a running worker). Prints numbers; asserts nothing.
# Usage: scripts/scale-bench.sh [TENANTS]; WAKEQ_SCALE_JVM_OPTS sets the operator's JVM options (default -Xmx192m).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/testbed/prepare.sh
./mvnw -q -B package -DskipTests
# Plain java rather than exec:java: the test bed keeps its shared servers in the system class loader.
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/scale-bench.classpath
java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dwakeq.project.dir="$PWD" -Dwakeq.udf.version="$(cat udf-image/VERSION)" \
  -cp "target/test-classes:target/classes:$(cat target/scale-bench.classpath)" \
  dev.wakeq.bench.OperatorScaleBench "${1:-1000}"
