#!/usr/bin/env bash
# Runs every test: the loadable function's C tests, then the Java suite (unit, MariaDB, MySQL 8, real
# kube-apiserver, Helm; MariaDB 11.8 for the installer, queue and function tests), the database tests once more
# from a copy at a 150-character path (scripts/testbed/long-path.sh), then the container images built from what
# verify packaged, then the *OnRealNode* tests on a real one-node Kubernetes running those images. Extra arguments
# go to the main Maven run, e.g. scripts/test.sh -Dtest='dev.wakeq.install.*Test'.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/testbed/prepare.sh

echo "test: loadable function (udf-image): build, C tests, leak check, conntrack (DNAT switch), image tarball, private MariaDB and MySQL 8"
make -s -C udf-image all test leakcheck conntrack image
bash udf-image/tests/server-test.sh

rm -rf target/surefire-reports
./mvnw -B verify "$@"
python3 scripts/testbed/lts-time.py target/surefire-reports

echo "test: the database tests again from a copy of this tree at a path of 150 characters (offline, ~/.m2 as filled above)"
bash scripts/testbed/long-path.sh

echo "test: container images: build the tarballs, run the wakeq image's roles from it in a chroot, rebuild"
bash scripts/images.sh --no-maven
bash scripts/image/check-image.sh "target/images/wakeq-$(python3 scripts/image/project-version.py).tar" --rebuild

echo "test: the user's path on a real one-node Kubernetes with those images (scripts/testbed/node/, docs/testbed-kube.md)"
rm -rf target/real-node-reports
./mvnw -B surefire:test@real-node
python3 scripts/testbed/node/report.py target/real-node-reports

# A green run that executed nothing proves nothing.
ran=$(cat target/surefire-reports/*.txt 2>/dev/null | sed -n 's/^Tests run: \([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}')
if [[ "$ran" -eq 0 ]]; then
  echo "test: no test ran" >&2
  exit 1
fi
echo "test: $ran Java tests ran"
