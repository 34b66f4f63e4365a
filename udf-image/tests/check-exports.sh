#!/usr/bin/env bash
# The server looks the function up by name: the library must export exactly
# wakeq_notify_<v>, _init and _deinit, and nothing else that could clash with
# another library loaded into the same server.
set -euo pipefail
lib=$1 version=$2
want=$(printf '%s\n' "wakeq_notify_${version}" "wakeq_notify_${version}_deinit" "wakeq_notify_${version}_init")
have=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort)
if [[ "$have" != "$want" ]]; then
  echo "FAIL exports of $lib:"; echo "$have"; echo "expected:"; echo "$want"; exit 1
fi
echo "ok exports of $lib: $(echo $have)"
