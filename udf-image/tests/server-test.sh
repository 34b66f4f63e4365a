#!/usr/bin/env bash
# The built function inside real servers: a private MariaDB 10.11 (always),
# Oracle MySQL 8.0.31 (when its Maven artifact can be had; WAKEQ_SKIP_MYSQL8=1
# skips it) and MariaDB 11.8 LTS (from the trixie root prepare.sh makes;
# WAKEQ_SKIP_MARIADB_LTS=1 skips it). Checks trigger and event wake-ups byte for byte, the return codes
# as SQL sees them, and the release file swap under load: rename a rebuilt
# copy over the loaded library while 4 clients insert -> server up, no
# failed insert.
set -euo pipefail
source "$(dirname "$0")/lib-server.sh"

SWAP_CLIENTS=4
SWAPS=10

VERSION=$(cat "$UDF_IMAGE/VERSION")
FN=wakeq_notify_$VERSION
LIB=libwakeq_notify_$VERSION.so

work=$(mktemp -d /tmp/wakeq-udf-server.XXXXXX)
cleanup() {
  set +e
  stop_all_servers
  if [[ -n ${LISTENER_PID:-} ]]; then kill "$LISTENER_PID"; wait "$LISTENER_PID"; fi 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
msg_count_is() { [[ $(count_msgs "$1") == "$2" ]]; }
udp_line() { echo "udp b'WQ1 I $1\\n'"; }
tcp_line() { echo "tcp b'WQ1 S $1\\n'"; }

# Two byte-different builds of the same version for the swap, plus the next version.
make -s -C "$UDF_IMAGE" all
make -s -C "$UDF_IMAGE" BUILD="$work/build-a" BUILD_ID=swap-a "$work/build-a/$LIB"
make -s -C "$UDF_IMAGE" BUILD="$work/build-b" BUILD_ID=swap-b "$work/build-b/$LIB"
INSTALLER=$UDF_IMAGE/build/wakeq-install
plugins=$work/plugins
mkdir -p "$plugins"
"$INSTALLER" "$UDF_IMAGE/build/$LIB" "$plugins" >/dev/null
start_listener "$work"
P=$LISTENER_PORT

# ---- checks that hold on every server ----
function_checks() {
  local server=$1
  sql -e "CREATE DATABASE t; CREATE TABLE t.q (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
          CREATE TABLE t.bad (id INT AUTO_INCREMENT PRIMARY KEY, host VARCHAR(64));
          CREATE FUNCTION $FN RETURNS INTEGER SONAME '$LIB';"
  ok "$server: CREATE FUNCTION $FN SONAME '$LIB'"

  sql -e "CREATE TRIGGER t.q_wake BEFORE INSERT ON t.q FOR EACH ROW DO $FN('127.0.0.1', $P, 'tenant_a');"
  sql -e "INSERT INTO t.q (v) VALUES (1);"
  check "$server: trigger sent exactly 'WQ1 I tenant_a\\n'" wait_for 5 msg_count_is "$(udp_line tenant_a)" 1
  sleep 0.01 # past the 5 ms coalescing window
  sql -e "INSERT INTO t.q (v) VALUES (2);"
  check "$server: next insert after the window sends again" wait_for 5 msg_count_is "$(udp_line tenant_a)" 2

  sleep 0.01
  sql -e "INSERT INTO t.q (v) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) SELECT n FROM s;"
  sleep 0.2
  local multi=$(($(count_msgs "$(udp_line tenant_a)") - 2))
  check "$server: 1000-row INSERT coalesced to $multi datagram(s)" test "$multi" -ge 1 -a "$multi" -le 20

  # _init must never fail an INSERT, whatever the trigger passes.
  sql -e "CREATE TRIGGER t.bad_wake BEFORE INSERT ON t.bad FOR EACH ROW DO $FN(NEW.host, $P, 'tenant_bad');
          INSERT INTO t.bad (host) VALUES (NULL), ('localhost'), ('no such host'), ('127.0.0.1');"
  check "$server: inserts with bad trigger arguments succeed" test "$(sql -e 'SELECT COUNT(*) FROM t.bad')" = 4
  check "$server: only the valid row was sent" wait_for 5 msg_count_is "$(udp_line tenant_bad)" 1
  sql -e "DROP TRIGGER t.bad_wake; CREATE TRIGGER t.bad_wake BEFORE INSERT ON t.bad FOR EACH ROW SET @rc = $FN('x');
          INSERT INTO t.bad (host) VALUES ('a');"
  check "$server: a wrong argument count does not fail the insert" test "$(sql -e 'SELECT COUNT(*) FROM t.bad')" = 5

  local refused
  refused=$(free_port)
  local cases=(
    "0|$FN('127.0.0.1', $P, 'sel_0')"
    "0	1|$FN('127.0.0.1', $P, 'sel_co'), $FN('127.0.0.1', $P, 'sel_co')"
    "0|$FN('127.0.0.1', '$P', 'sel_str_port')"
    "-1|$FN('127.0.0.1')"
    "-1|$FN('127.0.0.1', $P, 'k', 0, 's', 0)"
    "0|$FN('127.0.0.1', $P, 'sel_stmt', 0, @@timestamp)"
    "0|$FN('127.0.0.1', $P, 'sel_str_stmt', 0, CONCAT(CONNECTION_ID(), '/', NOW(6)))"
    "0|$FN('127.0.0.1', $P, 'sel_null_stmt', 0, NULL)"
    "-2|$FN(NULL, $P, 'k')"
    "-2|$FN('127.0.0.1', $P, 'k', NULL)"
    "-3|$FN('127.0.0.1', $P, '')"
    "-3|$FN('127.0.0.1', $P, 'bad key')"
    "-4|$FN('127.0.0.1', 0, 'k')"
    "-4|$FN('127.0.0.1', 65536, 'k')"
    "-5|$FN('localhost', $P, 'k')"
    "-6|$FN('127.0.0.1', $P, 'k', 2)"
    "-10|$FN('127.0.0.1', $refused, 'k', 1)"
    "0|$FN('::1', $P, 'sel_v6')"
  )
  local c want expr got
  for c in "${cases[@]}"; do
    want=${c%%|*} expr=${c#*|}
    got=$(sql -e "SELECT $expr")
    check "$server: SELECT $expr = $want" test "$got" = "$want"
  done
  check "$server: SELECT sent 'WQ1 I sel_0\\n'" wait_for 5 msg_count_is "$(udp_line sel_0)" 1
  check "$server: coalesced pair sent once" msg_count_is "$(udp_line sel_co)" 1

  got=$(sql -e "SELECT $FN('127.0.0.1', $P, 'tenant_a', 1)")
  check "$server: TCP sweep returns 0" test "$got" = 0
  check "$server: TCP sweep sent exactly 'WQ1 S tenant_a\\n'" wait_for 5 msg_count_is "$(tcp_line tenant_a)" 1

  sql -e "CREATE EVENT t.sweep ON SCHEDULE EVERY 1 SECOND DO DO $FN('127.0.0.1', $P, 'tenant_ev', 1);"
  check "$server: the EVENT sent 'WQ1 S tenant_ev\\n' over TCP" wait_for 10 bash -c "grep -qFx \"$(tcp_line tenant_ev)\" '$LISTENER_LOG'"
  sql -e "DROP EVENT t.sweep;"
}

# ---- the release file swap under load ----
insert_stream() { # insert_stream CLIENT: autocommit inserts until the stop file; the client quits at the first error
  local c=$1 i=0
  while [[ ! -e $work/stop ]]; do
    echo "INSERT INTO t.q (v) VALUES ($c);"
    i=$((i + 1))
  done > >(sql t >"$work/client-$c.out" 2>"$work/client-$c.err"; echo $? >"$work/client-$c.rc")
  echo "$i" >"$work/client-$c.count"
}

clients_done() { (($(ls "$work" | grep -c '^client-.*\.rc$') == SWAP_CLIENTS)); }
row_count() { sql -e 'SELECT COUNT(*) FROM t.q'; }
rows_above() { (($(row_count) > $1)); }

swap_under_load() { # swap_under_load SERVER PID PLUGIN_DIR ERROR_LOG
  local server=$1 pid=$2 dir=$3 error_log=$4
  rm -f "$work"/stop "$work"/client-*
  local before clients=() c
  before=$(row_count)
  for ((c = 0; c < SWAP_CLIENTS; c++)); do
    insert_stream "$c" &
    clients+=($!)
  done
  wait_for 30 rows_above $((before + 200))
  local swaps=0 src mark grew=0
  for ((swaps = 0; swaps < SWAPS; swaps++)); do
    src=$work/build-a/$LIB
    ((swaps % 2)) && src=$work/build-b/$LIB
    mark=$(row_count)
    "$INSTALLER" "$src" "$dir" >/dev/null
    wait_for 10 rows_above $((mark + 100)) && grew=$((grew + 1))
  done
  touch "$work/stop"
  for c in "${clients[@]}"; do wait "$c"; done
  wait_for 30 clients_done
  local sent=0 failed_clients=0 after
  for ((c = 0; c < SWAP_CLIENTS; c++)); do
    sent=$((sent + $(cat "$work/client-$c.count")))
    [[ $(cat "$work/client-$c.rc") == 0 ]] || { failed_clients=$((failed_clients + 1)); cat "$work/client-$c.err"; }
  done
  after=$(row_count)
  check "$server: $SWAPS renames of a rebuilt $LIB, inserts kept flowing after $grew" test "$grew" = "$SWAPS"
  check "$server: zero failed inserts ($((after - before)) rows of $sent sent by $SWAP_CLIENTS clients)" \
    test "$failed_clients" = 0 -a "$((after - before))" = "$sent"
  check "$server: server still up" kill -0 "$pid"
  check "$server: the old file stays mapped, replaced on disk" grep -q "$LIB (deleted)" "/proc/$pid/maps"
  check "$server: error log shows no crash" bash -c "! grep -qiE 'got signal|Bus error|SIGBUS' '$error_log'"
  sleep 0.01
  local n
  n=$(count_msgs "$(udp_line tenant_a)")
  sql -e "INSERT INTO t.q (v) VALUES (-1);"
  check "$server: trigger still sends after the swap" wait_for 5 msg_count_is "$(udp_line tenant_a)" $((n + 1))
}

# ---- MariaDB ----
echo "# MariaDB $(mariadbd --version | awk '{print $3}')"
start_mariadb "$work/mariadb" "$plugins"
function_checks mariadb

# The next release's library loads beside this one (the versioned swap needs both at once).
make -s -C "$UDF_IMAGE" BUILD="$work/build-next" "$work/build-next/libwakeq_notify_${VERSION}next.so"
"$INSTALLER" --all "$work/build-next" "$plugins" >/dev/null
sql -e "CREATE FUNCTION ${FN}next RETURNS INTEGER SONAME 'libwakeq_notify_${VERSION}next.so';"
check "mariadb: ${FN}next loads beside $FN and sends" \
  test "$(sql -e "SELECT ${FN}next('127.0.0.1', $P, 'tenant_next'), $FN('127.0.0.1', $P, 'tenant_cur')")" = "0	0"

swap_under_load mariadb "$DB_PID" "$plugins" "$work/mariadb/error.log"

stop_server "$DB_PID"
start_mariadb "$work/mariadb" "$plugins"
sleep 0.01
n=$(count_msgs "$(udp_line tenant_a)")
sql -e "INSERT INTO t.q (v) VALUES (-2);"
check "mariadb: after a restart the swapped-in file loads and sends" wait_for 5 msg_count_is "$(udp_line tenant_a)" $((n + 1))
stop_server "$DB_PID"

# ---- MySQL 8.0 ----
if [[ ${WAKEQ_SKIP_MYSQL8:-0} == 1 ]]; then
  echo "skip MySQL 8: WAKEQ_SKIP_MYSQL8=1"
elif ! mysql8_base "$work/mysql8/base"; then
  echo "skip MySQL 8: cannot get $MYSQL8_ARTIFACT"
  # CI must prove both servers: a skip there is a failure.
  [[ ${CI:-} == true ]] && exit 1
else
  echo "# MySQL 8.0.31"
  : >"$LISTENER_LOG"
  # MySQL's plugin_dir also holds its own plugins: install beside them, the same .so MariaDB loaded.
  mysql8_plugins=$work/mysql8/base/lib/plugin
  "$INSTALLER" "$UDF_IMAGE/build/$LIB" "$mysql8_plugins" >/dev/null
  start_mysql8 "$work/mysql8" "$work/mysql8/base" "$mysql8_plugins"
  check "mysql8: server is MySQL 8.0" bash -c "[[ \$(mariadb --no-defaults -uroot --socket='$DB_SOCK' -N -B -e 'SELECT VERSION()') == 8.0.* ]]"
  function_checks mysql8
  swap_under_load mysql8 "$DB_PID" "$mysql8_plugins" "$work/mysql8/error.log"
  stop_server "$DB_PID"
fi

# ---- MariaDB 11.8 LTS: Debian trixie's build on its own libc (scripts/testbed/mariadb-lts.sh) ----
lts_base=${WAKEQ_CACHE_DIR:-$HOME/.cache/wakeq}/mariadb-11.8/base
if [[ ${WAKEQ_SKIP_MARIADB_LTS:-0} == 1 ]]; then
  echo "skip MariaDB 11.8: WAKEQ_SKIP_MARIADB_LTS=1"
elif [[ ! -x $lts_base/sbin/mariadbd ]]; then
  echo "skip MariaDB 11.8: $lts_base is missing (scripts/testbed/prepare.sh makes it)"
  [[ ${CI:-} == true ]] && exit 1
else
  lts_started=$SECONDS
  echo "# MariaDB $("$lts_base/sbin/mariadbd" --version | awk '{print $3}')"
  : >"$LISTENER_LOG"
  lts_plugins=$work/plugins-11.8
  mkdir -p "$lts_plugins"
  "$INSTALLER" "$UDF_IMAGE/build/$LIB" "$lts_plugins" >/dev/null
  # Its wrappers first on PATH: start_mariadb then initializes and runs 11.8 exactly as it does 10.11 above.
  PATH=$lts_base/bin:$lts_base/sbin:$PATH start_mariadb "$work/mariadb-11.8" "$lts_plugins"
  check "MariaDB 11.8: server is MariaDB 11.8" bash -c "[[ \$(mariadb --no-defaults -uroot --socket='$DB_SOCK' -N -B -e 'SELECT VERSION()') == 11.8.* ]]"
  lts_libc=$(cd "$lts_base/../root/usr/lib/x86_64-linux-gnu" && pwd -P)/libc.so.6
  check "MariaDB 11.8: runs on trixie's libc ($lts_libc), not this machine's" grep -qF "$lts_libc" "/proc/$DB_PID/maps"
  function_checks "MariaDB 11.8"
  swap_under_load "MariaDB 11.8" "$DB_PID" "$lts_plugins" "$work/mariadb-11.8/error.log"
  stop_server "$DB_PID"
  echo "# MariaDB 11.8 added $((SECONDS - lts_started)) s"
fi

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
