# Sourced by up.sh: the tenants' database, a private MariaDB 10.11 (Debian's) on the namespace's host side,
# listening on the node address: pods reach it as a VM database outside the cluster, and its trigger's
# datagrams reach the pools' cluster IPs through kube-proxy's rules in this namespace (docs/testbed-kube.md).
# WAKEQ_UDF_LIBS: the loadable function libraries for its plugin dir (a DBA's step: udf-image/README.md).
# shellcheck shell=bash

database_up() {
  local db=$D/db lib
  mkdir -p "$db/data" "$db/plugin"
  for lib in ${WAKEQ_UDF_LIBS:-}; do
    [[ -f $lib ]] || fail "WAKEQ_UDF_LIBS names $lib, which does not exist (make -C udf-image)"
    cp "$lib" "$db/plugin/"
  done
  mariadb-install-db --no-defaults --user=root --datadir="$db/data" --auth-root-authentication-method=normal \
    --skip-test-db >"$D/logs/mariadb-install.log" 2>&1 || fail "mariadb-install-db" mariadb-install
  DB_OPERATOR_PASSWORD=op-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
  DB_WORKER_PASSWORD=wk-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # The accounts and grants of README.md ("Database privileges"), as the suite's own servers have them.
  cat >"$db/init.sql" <<SQL
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
CREATE USER IF NOT EXISTS 'wakeq_operator'@'%' IDENTIFIED BY '$DB_OPERATOR_PASSWORD';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, INDEX, TRIGGER, EVENT, LOCK TABLES ON *.* TO 'wakeq_operator'@'%';
CREATE USER IF NOT EXISTS 'wakeq_worker'@'%' IDENTIFIED BY '$DB_WORKER_PASSWORD';
GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO 'wakeq_worker'@'%';
SQL
  chmod 600 "$db/init.sql"
  start mariadb mariadbd --no-defaults --user=root --datadir="$db/data" --port=3306 --bind-address="$NODE_IP" \
    --socket="$db/mysqld.sock" --pid-file="$db/mysqld.pid" --plugin-dir="$db/plugin" --init-file="$db/init.sql" \
    --event-scheduler=ON --skip-name-resolve --max-connections=500 --innodb-buffer-pool-size=128M \
    --log-error="$D/logs/mariadb.log"
  wait_for mariadb 60 mariadb --no-defaults --socket="$db/mysqld.sock" -uroot -e 'SELECT 1'
  # Host-side JDBC (the tests) through the server's unix socket: a socket file knows no network namespace.
  DB_HOST_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  socat "TCP-LISTEN:$DB_HOST_PORT,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$db/mysqld.sock" \
    >"$D/logs/db-proxy.log" 2>&1 &
  echo $! >"$D/pids/db-proxy.pid"
  cat >"$db/credentials" <<ENV
DB_OPERATOR_USER=wakeq_operator
DB_OPERATOR_PASSWORD=$DB_OPERATOR_PASSWORD
DB_WORKER_USER=wakeq_worker
DB_WORKER_PASSWORD=$DB_WORKER_PASSWORD
ENV
  chmod 600 "$db/credentials"
}
