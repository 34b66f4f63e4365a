#!/usr/bin/env bash
# wakeq's main job on an embedded default: an embedded MySQL 8.0 (from a Maven artifact, nothing to install),
# three tenants served by wake-ups next to the same three under plain 1-second polling, live figures.
# Options: --seconds=N (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v gcc >/dev/null || ! command -v make >/dev/null; then
  echo "demo: installing the C toolchain to build the loadable function"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gcc libc6-dev make >/dev/null
fi
make -s -C udf-image all
./mvnw -q -B compile exec:java -Dexec.mainClass=dev.wakeq.demo.DemoMain -Dexec.classpathScope=compile \
  -Dexec.cleanupDaemonThreads=false -Dwakeq.project.dir="$PWD" -Dexec.args="$*"
