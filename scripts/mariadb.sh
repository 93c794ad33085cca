#!/usr/bin/env bash
# Installs MariaDB from Debian packages when absent, starts a private server on loopback (port
# $MARIADB_PORT, data under $MARIADB_DIR) unless one already answers there, and creates the test
# user. Idempotent. Prints the DATABASE_URL to use on its last line.
# `scripts/mariadb.sh stop` stops the server it started (shutdown, then the pid file's process).
set -euo pipefail
MARIADB_PORT="${MARIADB_PORT:-3307}"
MARIADB_DIR="${MARIADB_DIR:-/tmp/cmp-mariadb}"
DB_USER="${DB_USER:-cmp}"
DB_PASSWORD="${DB_PASSWORD:-cmp-test-pw}"

# `scripts/mariadb.sh --running`: exit 0 when a server already answers on the socket.
if [ "${1:-}" = "--running" ]; then
  client="$(command -v mariadb || command -v mysql || true)"
  [ -n "$client" ] && "$client" --socket="$MARIADB_DIR/mysqld.sock" -uroot -e 'select 1' >/dev/null 2>&1
  exit $?
fi

if ! command -v mariadbd >/dev/null 2>&1 && ! command -v mysqld >/dev/null 2>&1; then
  echo "installing mariadb-server from Debian packages..." >&2
  if [ ! -f /tmp/.cmp-apt-updated ]; then apt-get update -qq >&2 && touch /tmp/.cmp-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >&2
fi
MYSQLD="$(command -v mariadbd || command -v mysqld)"
CLIENT="$(command -v mariadb || command -v mysql)"
SOCK="$MARIADB_DIR/mysqld.sock"
PIDFILE="$MARIADB_DIR/mysqld.pid"

if [ "${1:-}" = "stop" ]; then
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  "$CLIENT" --socket="$SOCK" -uroot -e 'shutdown' >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; } && exit 0
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
  exit 0
fi

if ! "$CLIENT" --socket="$SOCK" -uroot -e 'select 1' >/dev/null 2>&1; then
  mkdir -p "$MARIADB_DIR"
  if [ ! -d "$MARIADB_DIR/data/mysql" ]; then
    mariadb-install-db --no-defaults --user=root --datadir="$MARIADB_DIR/data" --auth-root-authentication-method=socket >/dev/null
  fi
  "$MYSQLD" --no-defaults --user=root --datadir="$MARIADB_DIR/data" --socket="$SOCK" \
    --port="$MARIADB_PORT" --bind-address=127.0.0.1 --pid-file="$PIDFILE" \
    --innodb-buffer-pool-size=256M --max-connections=500 --skip-log-bin \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    >"$MARIADB_DIR/mysqld.log" 2>&1 &
  for _ in $(seq 1 60); do
    "$CLIENT" --socket="$SOCK" -uroot -e 'select 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
fi
"$CLIENT" --socket="$SOCK" -uroot <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost';
CREATE DATABASE IF NOT EXISTS cmp;
SQL
echo "mysql://$DB_USER:$DB_PASSWORD@127.0.0.1:$MARIADB_PORT/cmp"
