# Sourced by the benchmarks in this folder: a work dir, the function and the do-nothing UDF built
# into "$work/plugins", a listener (LISTENER_PORT) and a sink nobody reads (SINK), and the
# statement argument exactly as the installer's trigger passes it (STATEMENT).
# bench_setup NAME: sets work, VERSION, FN, P, SINK, STATEMENT; cleans up on exit.
source "$(dirname "${BASH_SOURCE[0]}")/../tests/lib-server.sh"

bench_setup() {
  VERSION=$(cat "$UDF_IMAGE/VERSION")
  FN=wakeq_notify_$VERSION
  work=$(mktemp -d "/tmp/wakeq-udf-$1.XXXXXX")
  SINK_PID=
  trap bench_cleanup EXIT

  # From the installer's own template, so the benchmarks measure the trigger that tenants get.
  local template=$UDF_IMAGE/../src/main/java/dev/wakeq/install/TriggerSql.java
  STATEMENT=$(sed -n "s/^ *%s('%s', %d, '%s', 0, \(.*\))\"\"\";\$/\1/p" "$template")
  [[ -n $STATEMENT ]] || { echo "no statement argument found in $template" >&2; return 1; }

  make -s -C "$UDF_IMAGE" all
  mkdir -p "$work/plugins"
  "$UDF_IMAGE/build/wakeq-install" "$UDF_IMAGE/build/libwakeq_notify_$VERSION.so" "$work/plugins" >/dev/null
  gcc -O2 -fPIC -shared -fvisibility=hidden -I"$UDF_IMAGE/src" -o "$work/plugins/libwakeq_bench_noop.so" \
    "$UDF_IMAGE/bench/noop_udf.c"
  start_listener "$work"
  P=$LISTENER_PORT
  # Rows that send every time go to a socket nobody reads, so a busy listener does not compete for the CPU.
  python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True); time.sleep(3600)' >"$work/sink.port" &
  SINK_PID=$!
  wait_for 10 test -s "$work/sink.port"
  SINK=$(cat "$work/sink.port")
}

bench_cleanup() {
  set +e
  stop_all_servers
  for p in ${LISTENER_PID:-} $SINK_PID; do kill "$p"; wait "$p"; done 2>/dev/null
  rm -rf "$work"
}

# Server CPU in ns, summed over its threads (the connection thread is reused from the
# thread cache, so no thread that did the work exits before it is read).
cpu_ns() { cat "/proc/$DB_PID"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%d", s}'; }
