#!/usr/bin/env bash
# Installs Prometheus from Debian packages when absent (as root, idempotent) and starts a private
# server on loopback scraping one target every second (evaluation every second too), its config
# and TSDB under a directory in /tmp. Prints its URL on the last line of stdout; its pid is in
# <dir>/prometheus.pid (stop it with `kill $(cat <dir>/prometheus.pid)`).
#
#   scripts/prometheus.sh --target 127.0.0.1:8774 [--metrics-path /metrics] [--port N] [--dir DIR]
set -euo pipefail
TARGET=""
METRICS_PATH="/metrics"
PORT=""
DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET="$2"; shift 2 ;;
    --metrics-path) METRICS_PATH="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --install-only) INSTALL_ONLY=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

if ! command -v prometheus >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "prometheus is not installed and this is not root: run 'apt-get install -y prometheus'" >&2; exit 3; fi
  echo "installing prometheus from Debian packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache policy prometheus 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq >&2; fi
  # The package's service start is refused without systemd; the server is started below instead.
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 prometheus >&2
fi
[ "${INSTALL_ONLY:-}" = 1 ] && { command -v prometheus; exit 0; }
[ -n "$TARGET" ] || { echo "--target host:port is required" >&2; exit 2; }

if [ -z "$PORT" ]; then
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
fi
DIR="${DIR:-$(mktemp -d /tmp/cmp-prometheus-XXXXXX)}"
mkdir -p "$DIR/data"
cat >"$DIR/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: cmp
    metrics_path: $METRICS_PATH
    static_configs:
      - targets: ['$TARGET']
YAML

URL="http://127.0.0.1:$PORT"
if [ -f "$DIR/prometheus.pid" ] && kill -0 "$(cat "$DIR/prometheus.pid")" 2>/dev/null && curl -sf "$URL/-/ready" >/dev/null 2>&1; then
  echo "$URL"; exit 0
fi
setsid prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
  --storage.tsdb.retention.time=2h --web.listen-address="127.0.0.1:$PORT" \
  >"$DIR/prometheus.log" 2>&1 </dev/null &
echo $! >"$DIR/prometheus.pid"
for _ in $(seq 1 100); do
  if curl -sf "$URL/-/ready" >/dev/null 2>&1; then echo "$URL"; exit 0; fi
  kill -0 "$(cat "$DIR/prometheus.pid")" 2>/dev/null || break
  sleep 0.2
done
echo "prometheus did not become ready; log follows:" >&2
tail -20 "$DIR/prometheus.log" >&2
exit 1
