#!/usr/bin/env bash
# Builds the loadable function and runs one of wakeq's main classes on the embedded MySQL 8.0
# (used by scripts/demo.sh and scripts/bench.sh). Usage: scripts/run-main.sh <class> [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
main="$1"
shift

if ! command -v gcc >/dev/null || ! command -v make >/dev/null; then
  echo "installing the C toolchain to build the loadable function"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gcc libc6-dev make >/dev/null
fi
make -s -C udf-image all
./mvnw -q -B compile exec:java -Dexec.mainClass="$main" -Dexec.classpathScope=compile \
  -Dexec.cleanupDaemonThreads=false -Dwakeq.project.dir="$PWD" -Dexec.args="$*"
