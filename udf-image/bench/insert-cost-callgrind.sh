#!/usr/bin/env bash
# Issue #3's insert-cost target, counted instead of timed: the server's instructions per single-row
# autocommit INSERT with (a) no trigger, (b) a trigger that does nothing, (c) the wakeq trigger as the
# installer writes it, (d) the same with a new key every row (no coalescing: every row sends), (e) the
# same call to a UDF that does nothing (bench/noop_udf.c), (f) the whole body the installer writes since issue
# 18: (c) in a CONTINUE handler's scope and, on MySQL 8 only, behind the tenant's loaded mark read once per
# session (LoadedSql.java), on one private server run under valgrind's
# callgrind. Wall-clock and CPU-time ratios on this shared 2-core machine spread wider than the 5%
# being judged; instruction counts do not depend on the neighbours.
#
# What still varies from run to run is InnoDB's share (its background threads' timing decides, for
# instance, how many undo and log pages a run initialises: a few % of an insert, whatever the
# trigger), so each variant runs ROUNDS times, interleaved, and the instructions inside the trigger
# (Table_triggers_list::process_triggers, or MySQL's Table_trigger_dispatcher::process_triggers,
# inclusive) are counted apart: they repeat to 0.1%, and everything outside the trigger is the same
# statement on the same table. The verdict on the target is 1 + (trigger instructions of c - of b) /
# the instructions of b's connection thread (background threads left out: their count follows the
# clock, not the inserts, and MySQL's would otherwise include its log threads' spinning).
#
# Callgrind sees user space only. The kernel's work per insert (client socket, redo log write,
# fsync) is the same with any trigger and only makes the ratios smaller; what wakeq adds there is
# sendto() for the rows that send. Both are measured on the same server run afterwards at full
# speed (stime share of the process; datagrams per row x a timed sendto()) and folded into a
# second verdict, on the server's whole CPU.
# Usage: bench/insert-cost-callgrind.sh [ROWS_PER_RUN] [ROUNDS] [mariadb|mysql8]
# (about 70 s with the defaults on MariaDB; MySQL 8 is slower under valgrind: 1000 2 mysql8 takes 70 s)
set -euo pipefail
source "$(dirname "$0")/lib-bench.sh"
ROWS=${1:-2000}
ROUNDS=${2:-3}
SERVER=${3:-mariadb}
WARM=200
bench_setup cost
mkdir -p "$work/cg"

# Counting starts only on request (callgrind_control -i on), so start-up runs at full speed. Under
# valgrind InnoDB must not use native AIO (io_uring hangs there); MariaDB must not reserve its
# default 8 TiB of address space for the buffer pool either.
DB_WRAPPER="valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes --callgrind-out-file=$work/cg/out"
DB_EXTRA_ARGS="--innodb-use-native-aio=0 --event-scheduler=OFF"
DB_START_SECONDS=300
if [[ $SERVER == mysql8 ]]; then
  mysql8_base "$work/mysql8/base" || { echo "cannot get $MYSQL8_ARTIFACT" >&2; exit 1; }
  # MySQL's plugin_dir also holds its own plugins: ours go beside them.
  "$UDF_IMAGE/build/wakeq-install" "$UDF_IMAGE/build/libwakeq_notify_$VERSION.so" "$work/mysql8/base/lib/plugin" >/dev/null
  cp "$work/plugins/libwakeq_bench_noop.so" "$work/mysql8/base/lib/plugin/"
fi
start_server() {
  if [[ $SERVER == mysql8 ]]; then
    # Its user threads spin while the log writer thread writes their commit; under valgrind, where threads
    # take turns, that spinning dwarfs the insert, so they wait without it.
    DB_EXTRA_ARGS+=" --innodb-log-spin-cpu-pct-hwm=0 --innodb-log-wait-for-flush-spin-hwm=0"
    start_mysql8 "$work/mysql8" "$work/mysql8/base" "$work/mysql8/base/lib/plugin"
    TRIGGERS_FN='Table_trigger_dispatcher::process_triggers('
  else
    DB_EXTRA_ARGS+=" --innodb-buffer-pool-size-max=64M"
    start_mariadb "$work/mariadb" "$work/plugins"
    TRIGGERS_FN='Table_triggers_list::process_triggers('
  fi
}
start_server

# The bodies keep the installer's BEGIN ... END frame (TriggerSql.java), so only the call differs; (f) is the
# whole body the installer writes now (TriggerSql.BODY, LoadedSql.TRIGGER_CALL), its mark set as the installer
# sets it. The session variable starts empty in every run's new connection, so (f) includes one read of the marks
# table per 2,000 inserts.
CALL="$FN('127.0.0.1', $P, 'bench', 0, $STATEMENT)"
if [[ $SERVER == mysql8 ]]; then
  MARKS="CREATE TABLE b._wakeq_loaded (server_key VARCHAR(64) NOT NULL, function_name VARCHAR(64) NOT NULL,
  PRIMARY KEY (server_key, function_name)) ENGINE=MEMORY; INSERT INTO b._wakeq_loaded VALUES (@@server_uuid, '$FN');"
  GUARDED="IF @wakeq_loaded_$FN IS NULL THEN IF EXISTS (SELECT 1 FROM \`_wakeq_loaded\` WHERE server_key = @@server_uuid AND function_name = '$FN') THEN SET @wakeq_loaded_$FN = 1; END IF; END IF; IF @wakeq_loaded_$FN THEN DO $CALL; END IF;"
else
  MARKS=
  GUARDED="DO $CALL;"
fi
sql <<SQL
CREATE DATABASE b;
CREATE FUNCTION $FN RETURNS INTEGER SONAME 'libwakeq_notify_$VERSION.so';
CREATE FUNCTION wakeq_bench_noop RETURNS INTEGER SONAME 'libwakeq_bench_noop.so';
CREATE TABLE b.a (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
CREATE TABLE b.b LIKE b.a; CREATE TABLE b.c LIKE b.a; CREATE TABLE b.d LIKE b.a; CREATE TABLE b.e LIKE b.a;
CREATE TABLE b.f LIKE b.a;
$MARKS
DELIMITER //
CREATE TRIGGER b.b_noop BEFORE INSERT ON b.b FOR EACH ROW BEGIN DO 0; END//
CREATE TRIGGER b.c_wake BEFORE INSERT ON b.c FOR EACH ROW BEGIN DO $FN('127.0.0.1', $P, 'bench', 0, $STATEMENT); END//
CREATE TRIGGER b.d_wake BEFORE INSERT ON b.d FOR EACH ROW BEGIN DO $FN('127.0.0.1', $SINK, CONCAT('k', NEW.v), 0, $STATEMENT); END//
CREATE TRIGGER b.e_noop_udf BEFORE INSERT ON b.e FOR EACH ROW BEGIN DO wakeq_bench_noop('127.0.0.1', $P, 'bench', 0, $STATEMENT); END//
CREATE TRIGGER b.f_wake BEFORE INSERT ON b.f FOR EACH ROW BEGIN DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END; $GUARDED END//
SQL

VARIANTS="a b c d e f"
for t in $VARIANTS; do
  for ((i = 1; i <= ROWS; i++)); do echo "INSERT INTO $t (v) VALUES ($i);"; done >"$work/$t.sql"
  head -n "$WARM" "$work/$t.sql" >"$work/$t.warm.sql"
done

cg() { callgrind_control "$@" "$DB_PID" >/dev/null; }
cg -i on
dump=0
: >"$work/dumps"
for ((r = 1; r <= ROUNDS; r++)); do
  for t in $VARIANTS; do
    # The warm-up (the new connection's first trigger call, page splits while the table is small) goes into
    # a dump of its own that is not read.
    sql b <"$work/$t.warm.sql"
    cg -d "warm-$t"
    sql b <"$work/$t.sql"
    cg -d "$t"
    dump=$((dump + 2))
    echo "$t $dump" >>"$work/dumps"
  done
done
version=$(sql -e 'SELECT VERSION()')

# Per dump: all threads' instructions; then, in the thread that ran the inserts (the most inside
# do_command, among the three busiest), all its instructions for them and the trigger's (inclusive).
counts() {
  local t d f n sum
  while read -r t d; do
    for f in "$work/cg/out.$d"-*; do
      echo "$(sed -n 's/^\(summary\|totals\): //p' "$f" | head -1) $f"
    done >"$work/threads"
    sum=$(awk '{s += $1} END {print s}' "$work/threads")
    sort -rn "$work/threads" | head -3 | while read -r n f; do
      callgrind_annotate --inclusive=yes "$f" 2>/dev/null | tr -d , |
        awk -v fn="$TRIGGERS_FN" 'index($0, "do_command(") {c = $1} index($0, fn) {g = $1} END {print c + 0, g + 0}'
    done | sort -rn | head -1 | sed "s/^/$t $sum /"
  done <"$work/dumps"
}
counts >"$work/counts"

# The same inserts at full speed: how many rows send, the server's CPU time per insert, and how much of
# that the kernel's is (utime and stime of the whole process, in clock ticks).
stop_server "$DB_PID"
DB_WRAPPER=
start_server
: >"$LISTENER_LOG"
ticks() { awk '{print $14, $15}' "/proc/$DB_PID/stat"; }
NATIVE_RUNS=10
for t in b c; do
  sql b <"$work/$t.sql" # warm-up
  c0=$(cpu_ns) k0=$(ticks)
  for ((r = 0; r < NATIVE_RUNS; r++)); do sql b <"$work/$t.sql"; done
  echo "$t $((($(cpu_ns) - c0) / (NATIVE_RUNS * ROWS))) $k0 $(ticks)" >>"$work/native"
done
sleep 0.3
native_sent=$(count_msgs "udp b'WQ1 I bench\\n'")

# The kernel's side of one sendto() of a wake-up: CPU time in the sending thread (loopback runs the
# receiving socket's path there too), to the listener, which reads.
gcc -O2 -o "$work/sendto" "$UDF_IMAGE/bench/sendto_cost.c"
sendto_ns=$("$work/sendto" "$P" 20000)

echo "$version under callgrind, $ROUNDS interleaved rounds x $ROWS single-row autocommit INSERTs per variant, one client"
python3 - "$ROWS" "$ROUNDS" "$STATEMENT" "$work/counts" "$work/native" "$native_sent" "$sendto_ns" "$NATIVE_RUNS" <<'PY'
import statistics
import sys

rows, rounds, statement = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
native_runs = int(sys.argv[8])
runs = {}
for line in open(sys.argv[4]):
    t, every, total, trigger = line.split()
    runs.setdefault(t, []).append((int(total) / rows, int(trigger) / rows, int(every) / rows))
native, kernel_share = {}, {}
for line in open(sys.argv[5]):
    t, ns, u0, s0, u1, s1 = line.split()
    native[t] = int(ns)
    kernel_share[t] = (int(s1) - int(s0)) / max(1, int(u1) - int(u0) + int(s1) - int(s0))
native_sent, sendto_ns = int(sys.argv[6]), int(sys.argv[7])

total = {t: statistics.median(a for a, _, _ in r) for t, r in runs.items()}
trig = {t: statistics.median(g for _, g, _ in r) for t, r in runs.items()}
every = {t: statistics.median(e for _, _, e in r) for t, r in runs.items()}
label = {"a": "(a) no trigger", "b": "(b) trigger BEGIN DO 0; END", "c": "(c) wakeq trigger",
         "d": "(d) wakeq, a key per row", "e": "(e) no-op UDF, same args",
         "f": "(f) the body as installed"}
print("server instructions per insert, medians over the rounds: the inserting connection's thread (min-max),")
print("inside the trigger, and all threads (background threads' work varies with their timing)")
for t in "abcdef":
    lo, hi = min(a for a, _, _ in runs[t]), max(a for a, _, _ in runs[t])
    print("%-29s %7.0f (%6.0f-%6.0f)   trigger %6.0f   all %7.0f" % (label[t], total[t], lo, hi, trig[t], every[t]))
print("(c)'s statement argument: %s" % statement)


def by_trigger(x, y):
    return 1 + (trig[x] - trig[y]) / total[y]


print("c/b = %.3f  wakeq vs a trigger that does nothing: TARGET <= 1.05 %s"
      % (by_trigger("c", "b"), "MET" if by_trigger("c", "b") <= 1.05 else "NOT MET"))
print("      (1 + trigger instructions c - b over the connection's instructions for b; its medians give %.3f)"
      % (total["c"] / total["b"]))
print("c/a = %.3f  wakeq vs no trigger at all (medians of the connection's instructions)" % (total["c"] / total["a"]))
print("e/b = %.3f  the same call to a UDF that does nothing: the server's own cost of the call" % by_trigger("e", "b"))
print("c/e = %.3f  wakeq's own work (c vs e, the same way: trigger difference over e's connection thread)" % by_trigger("c", "e"))
print("f/b = %.3f  the body as installed (handler; MySQL 8: the loaded mark, once per session) vs a trigger that"
      " does nothing" % by_trigger("f", "b"))
print("f/c = %.3f  what the handler (and on MySQL 8 the mark) add to (c)" % by_trigger("f", "c"))
print("d/b = %.3f  wakeq sending every row (user space only: the sending is kernel time)" % by_trigger("d", "b"))
native_rows = native_runs * rows
per_row = native_sent / native_rows
share = per_row * sendto_ns / native["b"]
print("kernel, not counted above: at full speed (c) sent %d datagrams for %d rows (%.4f a row); one sendto()"
      " takes %d ns of CPU, so %.0f ns an insert, %.2f%% of (b)'s %d ns of server CPU per insert, of which the"
      " kernel's share (stime) is %.0f%%" % (native_sent, native_rows, per_row, sendto_ns, per_row * sendto_ns,
                                            100 * share, native["b"], 100 * kernel_share["b"]))
# Whole server CPU: the trigger's extra instructions cost user time in proportion (at the insert's average
# speed per instruction), the kernel time of an insert is the same in b and c but for the sends.
for t in "cf":
    whole = 1 + (by_trigger(t, "b") - 1) * (1 - kernel_share["b"]) + share
    print("%s/b = %.3f  %s vs a trigger that does nothing, in all server CPU (user + kernel) per insert:"
          " TARGET <= 1.05 %s" % (t, whole, "the call alone" if t == "c" else "the body as installed", "MET"
                                  if whole <= 1.05 else "NOT MET"))
PY
