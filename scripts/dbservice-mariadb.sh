#!/usr/bin/env bash
# The database service's own MariaDB server (tenants' databases), separate from the platform's business
# database and from scripts/mariadb.sh's test server: Debian's mariadb-server on loopback only, data under
# $DBSERVICE_DIR (default ./data/dbservice), port $DBSERVICE_PORT (default 3316). Its administrator
# `cmp_dbadmin`@127.0.0.1 gets a random password on the first start, kept in $DBSERVICE_DIR/admin-password
# (mode 600) and set again on every start (mariadbd's --init-file); anonymous accounts are dropped.
#   install     installs mariadb-server from Debian packages when absent
#   run         prepares the data directory and runs the server in the foreground (exec: the pid is mariadbd's)
#   start       the same in the background; waits until it answers (idempotent: one already running is kept)
#   stop        shuts down the server of $DBSERVICE_DIR (its pid file's process)
#   --running   exit 0 when the server of $DBSERVICE_DIR answers
set -euo pipefail
DBSERVICE_DIR="${DBSERVICE_DIR:-./data/dbservice}"
DBSERVICE_PORT="${DBSERVICE_PORT:-3316}"
mkdir -p "$DBSERVICE_DIR"
DIR="$(cd "$DBSERVICE_DIR" && pwd)"
SOCK="$DIR/mysqld.sock"
PIDFILE="$DIR/mysqld.pid"
ADMIN=cmp_dbadmin

install() {
  if command -v mariadbd >/dev/null 2>&1 || command -v mysqld >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != "0" ]; then echo "mariadb-server is not installed and this is not root: install it" >&2; return 1; fi
  echo "installing mariadb-server from Debian packages..." >&2
  if [ ! -f /tmp/.cmp-apt-updated ]; then apt-get update -qq >&2 && touch /tmp/.cmp-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client >&2
}

answers() {
  local client
  client="$(command -v mariadb-admin || command -v mysqladmin || true)"
  [ -n "$client" ] && [ -S "$SOCK" ] && "$client" --no-defaults --socket="$SOCK" --connect-timeout=2 ping >/dev/null 2>&1
}

prepare() {
  install
  chmod 700 "$DIR"
  umask 077
  if [ ! -s "$DIR/admin-password" ]; then
    head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$DIR/admin-password.new"
    mv "$DIR/admin-password.new" "$DIR/admin-password"
  fi
  local pw user_opt=()
  pw="$(cat "$DIR/admin-password")"
  [ "$(id -u)" = "0" ] && user_opt=(--user=root)
  if [ ! -d "$DIR/data/mysql" ]; then
    rm -rf "$DIR/data"
    mariadb-install-db --no-defaults "${user_opt[@]}" --datadir="$DIR/data" --skip-test-db \
      --auth-root-authentication-method=socket >"$DIR/install.log" 2>&1 || { cat "$DIR/install.log" >&2; exit 1; }
  fi
  # One statement a line: the init file is read as the server starts, before it accepts connections.
  cat >"$DIR/init.sql" <<SQL
CREATE USER IF NOT EXISTS '$ADMIN'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER '$ADMIN'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO '$ADMIN'@'127.0.0.1' WITH GRANT OPTION;
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
SQL
  MYSQLD="$(command -v mariadbd || command -v mysqld)"
  ARGS=(--no-defaults "${user_opt[@]}" --datadir="$DIR/data" --socket="$SOCK" --port="$DBSERVICE_PORT"
    --bind-address=127.0.0.1 --skip-name-resolve --pid-file="$PIDFILE" --init-file="$DIR/init.sql"
    --skip-log-bin --innodb-buffer-pool-size=64M --max-connections=300
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --log-error="$DIR/mysqld.log")
}

case "${1:-start}" in
  install) install ;;
  --running) answers ;;
  run)
    prepare
    exec "$MYSQLD" "${ARGS[@]}"
    ;;
  start)
    if answers; then echo "127.0.0.1:$DBSERVICE_PORT"; exit 0; fi
    prepare
    "$MYSQLD" "${ARGS[@]}" >/dev/null 2>&1 &
    for _ in $(seq 1 120); do
      if answers; then echo "127.0.0.1:$DBSERVICE_PORT"; exit 0; fi
      sleep 0.5
    done
    echo "the database service's MariaDB did not answer; see $DIR/mysqld.log" >&2
    exit 1
    ;;
  stop)
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    [ -z "$pid" ] && exit 0
    kill -TERM "$pid" 2>/dev/null || exit 0
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || exit 0
      sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 [install|run|start|stop|--running]" >&2
    exit 2
    ;;
esac
