#!/usr/bin/env bash
# The database part of the suite from a copy of this checkout at a path of exactly 150 characters (issue 16: a clone
# at a long path failed 51 tests, MariaDB refusing a unix socket path over 107 bytes). Cheap enough for every CI run:
# offline Maven on the ~/.m2 the main build filled, and only the tests that start servers and install into them
# (test bed, installer, privileges, queue claim, the function itself), on all three servers.
#
# The copy is what a clone of this tree would hold (tracked and new files, nothing git ignores, so no target/ and no
# udf-image/build/): everything is built again under the long path. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."

LENGTH=150
TESTS=${WAKEQ_LONG_PATH_TESTS:-DatabaseTestBedTest,TenantInstallerTest,PrivilegesOnServerTest,TenantQueueTest,NotifyFunctionOnServerTest}

top=$(mktemp -d /tmp/wakeq-long-path.XXXXXX)
cleanup() { rm -rf "$top"; }
trap cleanup EXIT
# Path components of at most 40 characters up to the length (a single name may not pass 255 bytes).
clone=$top
while ((${#clone} < LENGTH)); do
  room=$((LENGTH - ${#clone} - 1))
  ((room >= 1)) || { clone=$top/x; break; }
  part=$(printf 'p%.0s' $(seq 1 $((room < 40 ? room : 40))))
  clone=$clone/$part
done
((${#clone} == LENGTH)) || { echo "long-path: made a path of ${#clone} characters, not $LENGTH" >&2; exit 1; }
mkdir -p "$clone"

git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$clone"
echo "long-path: database tests from $clone (${#clone} characters)"

started=$SECONDS
(cd "$clone" && ./mvnw -B -o test -Dtest="$TESTS" "$@")
echo "long-path: passed in $((SECONDS - started)) s at a path of ${#clone} characters"
