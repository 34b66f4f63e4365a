#!/usr/bin/env bash
# What the function costs an inserting session, on one private MariaDB:
#  - single-row autocommit INSERTs/s with (a) no trigger, (b) a no-op trigger,
#    (c) the wakeq trigger, (d) the wakeq trigger with a new key every row (no
#    coalescing: every row sends), (e) a trigger calling a UDF that does nothing
#    (bench/noop_udf.c: the server's own cost of any UDF call), interleaved over
#    ROUNDS rounds to spread noise;
#  - datagrams received for one 10,000-row multi-row INSERT;
#  - mariadbd VmRSS before and after 1,000,000 calls (SELECT BENCHMARK).
# One client connection per run, rows streamed through the mariadb client.
# Reports wall-clock rates and the server's CPU time per insert (summed over
# mariadbd's threads from /proc/PID/task/*/schedstat), medians over the rounds:
# on a shared 2-core machine the wall clock mostly measures the neighbours, so
# the ratios are taken from CPU time.
# Usage: [FLUSH=1] bench/insert-bench.sh [ROWS_PER_RUN] [ROUNDS]
set -euo pipefail
source "$(dirname "$0")/lib-bench.sh"
ROWS=${1:-4000}
ROUNDS=${2:-9}
# FLUSH=1: the servers' default durability (a log flush per commit), as in production; the default
# here, 2, leaves the flush to a once-a-second thread so the inserts are bound by CPU, not the disk.
FLUSH=${FLUSH:-2}
bench_setup bench
DB_EXTRA_ARGS="--innodb-flush-log-at-trx-commit=$FLUSH"

start_mariadb "$work/mariadb" "$work/plugins"
sql -e "CREATE DATABASE b;
  CREATE FUNCTION $FN RETURNS INTEGER SONAME 'libwakeq_notify_$VERSION.so';
  CREATE FUNCTION wakeq_bench_noop RETURNS INTEGER SONAME 'libwakeq_bench_noop.so';
  CREATE TABLE b.a (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
  CREATE TABLE b.b LIKE b.a; CREATE TABLE b.c LIKE b.a; CREATE TABLE b.d LIKE b.a; CREATE TABLE b.e LIKE b.a;
  CREATE TABLE b.m LIKE b.a;
  CREATE TRIGGER b.b_noop BEFORE INSERT ON b.b FOR EACH ROW DO 0;
  CREATE TRIGGER b.c_wake BEFORE INSERT ON b.c FOR EACH ROW DO $FN('127.0.0.1', $P, 'bench', 0, $STATEMENT);
  CREATE TRIGGER b.d_wake BEFORE INSERT ON b.d FOR EACH ROW DO $FN('127.0.0.1', $SINK, CONCAT('k', NEW.v));
  CREATE TRIGGER b.e_noop_udf BEFORE INSERT ON b.e FOR EACH ROW DO wakeq_bench_noop('127.0.0.1', $P, 'bench', 0, $STATEMENT);
  CREATE TRIGGER b.m_wake BEFORE INSERT ON b.m FOR EACH ROW DO $FN('127.0.0.1', $P, 'multi', 0, $STATEMENT);"

for t in a b c d e; do
  for ((i = 1; i <= ROWS; i++)); do echo "INSERT INTO $t (v) VALUES ($i);"; done >"$work/$t.sql"
done
run() { # run TABLE: ROWS single-row inserts; appends "TABLE wall_ns cpu_ns" to the results
  local t0 t1 c0 c1
  c0=$(cpu_ns) t0=$(date +%s%N)
  sql b <"$work/$1.sql"
  t1=$(date +%s%N) c1=$(cpu_ns)
  echo "$1 $((t1 - t0)) $((c1 - c0))" >>"$work/results"
}
for t in a b c d e; do run "$t"; done # warm-up round, not counted
: >"$work/results"
received_before=$(count_msgs "udp b'WQ1 I bench\\n'")
for ((r = 0; r < ROUNDS; r++)); do
  for t in a b c d e; do run "$t"; done
done
sleep 0.2
received=$(($(count_msgs "udp b'WQ1 I bench\\n'") - received_before))

echo "$(sql -e 'SELECT VERSION()'), innodb_flush_log_at_trx_commit=$FLUSH, $ROUNDS interleaved rounds x $ROWS single-row autocommit INSERTs per variant, one client; load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$ROWS" "$ROUNDS" "$received" "$work/results" <<'PY'
import statistics
import sys
rows, rounds, received = map(int, sys.argv[1:4])
runs = {}
for line in open(sys.argv[4]):
    t, wall_ns, cpu_ns = line.split()
    runs.setdefault(t, []).append((int(wall_ns), int(cpu_ns)))
rate = {t: statistics.median(rows / (w / 1e9) for w, _ in r) for t, r in runs.items()}
us = {t: statistics.median(c / 1e3 / rows for _, c in r) for t, r in runs.items()}
label = {"a": "(a) no trigger", "b": "(b) no-op trigger (DO 0)", "c": "(c) wakeq trigger",
         "d": "(d) wakeq, a key per row", "e": "(e) no-op UDF trigger"}
print("medians over the rounds:")
for t in "abcde":
    extra = {"c": "   %d datagrams for %d rows (coalesced)" % (received, rows * rounds),
             "d": "   every row sends a datagram"}.get(t, "")
    print("%-26s %7.0f inserts/s wall   %6.2f us server CPU/insert%s" % (label[t], rate[t], us[t], extra))
print("c/b = %.3f  server CPU per insert, wakeq vs no-op trigger (target <= 1.05)" % (us["c"] / us["b"]))
print("c/a = %.3f  server CPU per insert, wakeq vs no trigger" % (us["c"] / us["a"]))
print("d/b = %.3f  server CPU per insert, wakeq without coalescing vs no-op trigger" % (us["d"] / us["b"]))
print("e/b = %.3f  server CPU per insert, a UDF that does nothing vs no-op trigger (the server's share)" % (us["e"] / us["b"]))
print("c/e = %.3f  server CPU per insert, wakeq vs a UDF that does nothing (wakeq's own share)" % (us["c"] / us["e"]))
print("wall-clock inserts/s: c/b = %.3f, c/a = %.3f" % (rate["c"] / rate["b"], rate["c"] / rate["a"]))
PY

# One multi-row INSERT of 10,000 rows.
{
  printf 'INSERT INTO m (v) VALUES (0)'
  for ((i = 1; i < 10000; i++)); do printf ',(%d)' "$i"; done
  echo ';'
} >"$work/multi.sql"
t0=$(date +%s%N)
sql b <"$work/multi.sql"
ms=$((($(date +%s%N) - t0) / 1000000))
sleep 0.3
echo "one 10000-row multi-row INSERT (${ms} ms): $(count_msgs "udp b'WQ1 I multi\\n'") datagram(s) received, $(sql -e 'SELECT COUNT(*) FROM b.m') rows"

rss() { awk '/^VmRSS/ {print $2 " " $3}' "/proc/$DB_PID/status"; }
bench_ms() { # bench_ms EXPR: wall ms of SELECT BENCHMARK(1000000, EXPR)
  local t0
  t0=$(date +%s%N)
  sql -e "SELECT BENCHMARK(1000000, $1)" >/dev/null
  echo $((($(date +%s%N) - t0) / 1000000))
}
before=$(rss)
one_key=$(bench_ms "$FN('127.0.0.1', $P, 'rss')")
mid=$(rss)
random_keys=$(bench_ms "$FN('127.0.0.1', $SINK, CONCAT('r', FLOOR(RAND() * 1000000)))")
after=$(rss)
noop=$(bench_ms "wakeq_bench_noop('127.0.0.1', $P, 'rss')")
noop_random=$(bench_ms "wakeq_bench_noop('127.0.0.1', $SINK, CONCAT('r', FLOOR(RAND() * 1000000)))")
echo "mariadbd VmRSS: $before before; $mid after 1,000,000 calls with one key; $after after 1,000,000 more with random keys"
echo "BENCHMARK(1000000, ...): wakeq one key (coalesced) ${one_key} ms, no-op UDF ${noop} ms;" \
  "wakeq random keys (sent) ${random_keys} ms, no-op UDF same arguments ${noop_random} ms"
echo "wakeq's own cost per call: $((one_key - noop)) ns coalesced, $((random_keys - noop_random)) ns sending (1 ms over 10^6 calls = 1 ns a call)"
