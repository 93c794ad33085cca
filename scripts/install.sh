#!/usr/bin/env bash
# Installs what is missing, and nothing that is already there:
#   - npm packages (npm ci when node_modules is absent or older than package-lock.json)
#   - the Temporal CLI v1.5.1 into .tools/bin (unless $TEMPORAL_CLI is set or `temporal` is on PATH)
#   - with --test: the Debian packages the test suite drives (OpenStack CLI, Chromium, Tempest, cloud-init)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TEMPORAL_VERSION="v1.5.1"

log() { echo "[install] $*" >&2; }

apt_install() {
  if [ "$(id -u)" != "0" ]; then log "not root: cannot apt-get install $*"; return 0; fi
  if [ ! -f /tmp/.cmp-apt-updated ]; then apt-get update -qq >&2 && touch /tmp/.cmp-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" != "20" ]; then
  log "Node.js 20 is required (found $(node -v 2>/dev/null || echo none)): better-sqlite3 12 and the pinned packages are built for it"
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund >&2
fi

if [ -n "${TEMPORAL_CLI:-}" ] && [ -x "$TEMPORAL_CLI" ]; then
  :
elif command -v temporal >/dev/null 2>&1; then
  :
elif [ -x "$ROOT/.tools/bin/temporal" ]; then
  :
else
  if ! command -v go >/dev/null 2>&1; then
    log "the Temporal CLI is missing and Go is not installed: install Go, put 'temporal' on PATH, or set TEMPORAL_CLI"
    exit 1
  fi
  log "installing the Temporal CLI $TEMPORAL_VERSION with go install (a few minutes the first time)"
  mkdir -p "$ROOT/.tools/bin"
  GOBIN="$ROOT/.tools/bin" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION" >&2
fi


# Prometheus is part of the embedded platform (it scrapes the simulator for the autoscaler).
if ! command -v prometheus >/dev/null 2>&1; then
  log "installing Prometheus from Debian packages"
  apt_install prometheus || log "could not install prometheus; autoscaling will report metrics unavailable"
fi

# Alertmanager, Nagios 4 and NSCA are part of it too (alarms and the Nagios mirror); the platform starts its own.
if ! command -v prometheus-alertmanager >/dev/null 2>&1 || ! command -v nagios4 >/dev/null 2>&1 || ! command -v send_nsca >/dev/null 2>&1; then
  log "installing Alertmanager, Nagios 4 and NSCA from Debian packages"
  apt_install prometheus-alertmanager nagios4-core nsca nsca-client || log "could not install them; alarms page nobody and Nagios is not mirrored"
fi

# The database service's server (tenants' MySQL databases): Debian's mariadb-server; the platform starts its own instance.
if ! command -v mariadbd >/dev/null 2>&1 && ! command -v mysqld >/dev/null 2>&1; then
  log "installing mariadb-server from Debian packages (the database service)"
  apt_install mariadb-server mariadb-client || log "could not install mariadb-server; the database service answers 503"
fi

# Shared web hosting: the local host agent runs its own nginx and php-fpm on loopback (not the system services),
# unpacks zip packages with unzip, and the sites' FTP access is pure-ftpd's.
if ! command -v nginx >/dev/null 2>&1 || ! command -v php-fpm8.2 >/dev/null 2>&1 || ! command -v unzip >/dev/null 2>&1 || ! command -v pure-pw >/dev/null 2>&1; then
  log "installing nginx, php8.2-fpm, php8.2-mysql, pure-ftpd and unzip from Debian packages"
  apt_install nginx-light php8.2-fpm php8.2-mysql pure-ftpd unzip || log "could not install them; shared web hosting will fail to set sites up"
fi
# Apache, the vhost template's alternative to nginx (its configtest is checked by the tests; the service is not used).
if ! command -v apache2 >/dev/null 2>&1; then
  log "installing apache2 from Debian packages"
  apt_install --no-install-recommends apache2 || log "could not install apache2; the Apache template's configtest is skipped"
fi

if [ "${1:-}" = "--test" ]; then
  missing=()
  command -v openstack >/dev/null 2>&1 || missing+=(python3-openstackclient)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v tempest >/dev/null 2>&1 || missing+=(tempest)
  # Dedicated web servers' user data is checked with Debian's cloud-init schema.
  command -v cloud-init >/dev/null 2>&1 || missing+=(cloud-init)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt_install "${missing[@]}" || log "could not install ${missing[*]}; the suites that need them will say so"
  fi
fi
