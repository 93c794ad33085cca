#!/usr/bin/env bash
# The contract is exact: Schemathesis (pinned, from PyPI, in the project-local venv .tools/schemathesis) runs
# against a platform this script starts on loopback with its embedded defaults (scripts/start.ts on free ports,
# a fresh data directory and SQLite database), once as a tenant and once as a platform admin, with every check,
# a fixed seed and a bounded number of examples per operation, and the stateful phase following the contract's
# `links`. Its settings, and any exclusion with its reason, are in scripts/schemathesis.toml (the one place).
#
#   bash scripts/schemathesis.sh [extra `st run` options]   (e.g. --include-path-regex '^/api/v1/volumes' while fixing)
#
# Exits non-zero on any failure or error; the platform is stopped and the workspace removed on every exit path
# (SCHEMATHESIS_KEEP=1 keeps the workspace, with the reports of both runs).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
VERSION="4.32.5"
VENV="$ROOT/.tools/schemathesis"
log() { echo "[schemathesis] $*" >&2; }

if [ "$("$VENV/bin/st" --version 2>/dev/null)" != "st, version $VERSION" ]; then
  log "installing Schemathesis $VERSION into $VENV"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$VERSION" >&2 ||
    { log "could not install Schemathesis $VERSION"; exit 1; }
fi
# Debian's Python 3.11 (before 3.11.8) can raise a spurious SystemError ("AST constructor recursion depth
# mismatch", CPython gh-106905) when Hypothesis parses a large module's source only to print a lambda's name;
# Schemathesis then reports the operation as a runtime error. The guard answers such a name as unknown.
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
cat >"$SITE/cmp_lambda_names.py" <<'EOF'
import hypothesis.internal.lambda_sources as sources

_describe = sources._lambda_description


def _guarded(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


sources._lambda_description = _guarded
EOF
echo 'import cmp_lambda_names' >"$SITE/cmp-lambda-names.pth"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cmp-schemathesis.XXXXXX")"
LAUNCHER_PID=""
cleanup() {
  if [ -n "$LAUNCHER_PID" ] && kill -0 "$LAUNCHER_PID" 2>/dev/null; then
    kill -INT "$LAUNCHER_PID" 2>/dev/null
    for _ in $(seq 300); do kill -0 "$LAUNCHER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$LAUNCHER_PID" 2>/dev/null || true
  fi
  if [ "${SCHEMATHESIS_KEEP:-}" = "1" ]; then log "workspace kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r API TEMPORAL UI SIM PROM AM NSCA SINKS DBS < <(node -e "
const net = require('net');
(async () => {
  const ports = [];
  while (ports.length < 9) {
    const p = await new Promise((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const n = s.address().port; s.close(() => r(n)); }); });
    if (!ports.includes(p)) ports.push(p);
  }
  console.log(ports.join(' '));
})();")
ADMIN_EMAIL="admin@cmp.local"
ADMIN_PASSWORD="schemathesis-$API-admin"
BASE="http://127.0.0.1:$API"
DATA_DIR="$WORK/data" DATABASE_URL="sqlite:$WORK/data/cmp.sqlite" NODE_ENV=development LOG_LEVEL=warn \
  HOST=127.0.0.1 PORT="$API" PUBLIC_URL='' TEMPORAL_EMBEDDED=true TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL" TEMPORAL_UI_PORT="$UI" \
  SIMULATOR_EMBEDDED=true SIMULATOR_PORT="$SIM" SIMULATOR_STATE_FILE='' PROMETHEUS_PORT="$PROM" PROMETHEUS_URL='' \
  ALERTMANAGER_PORT="$AM" NSCA_PORT="$NSCA" SINKS_UI_PORT="$SINKS" DBSERVICE_PORT="$DBS" OS_AUTH_URL='' OS_CLOUD='' SMTP_URL='' TWILIO_ACCOUNT_SID='' \
  BOOTSTRAP_ADMIN_EMAIL="$ADMIN_EMAIL" BOOTSTRAP_ADMIN_PASSWORD="$ADMIN_PASSWORD" REGISTRATION_REQUIRES_APPROVAL=false REGISTRATION_EMAIL_VERIFICATION=false \
  RATE_LIMITS=off ACCESS_TOKEN_TTL_SECONDS=3600 \
  node --import tsx scripts/start.ts >"$WORK/platform.log" 2>&1 &
LAUNCHER_PID=$!
for _ in $(seq 900); do
  grep -q 'CMP is running' "$WORK/platform.log" 2>/dev/null && break
  kill -0 "$LAUNCHER_PID" 2>/dev/null || { log "the platform exited:"; tail -n 50 "$WORK/platform.log" >&2; exit 1; }
  sleep 0.2
done
grep -q 'CMP is running' "$WORK/platform.log" || { log "the platform did not start within 180 s"; tail -n 50 "$WORK/platform.log" >&2; exit 1; }
log "platform at $BASE (launcher pid $LAUNCHER_PID)"

json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const v=JSON.parse(s)['$1'];if(v===undefined)process.exit(1);console.log(v)})"; }
post() { curl -sS -X POST "$BASE$1" -H 'content-type: application/json' -d "$2"; }
login() { post /api/v1/auth/login "{\"email\":\"$1\",\"password\":\"$2\"}" | json accessToken; }
TENANT_EMAIL="schemathesis@tenant.test"
TENANT_PASSWORD="Sturdy-Passw0rd!"
post /api/v1/auth/register "{\"email\":\"$TENANT_EMAIL\",\"password\":\"$TENANT_PASSWORD\",\"displayName\":\"Schemathesis\",\"tenantName\":\"schemathesis\"}" >/dev/null

status=0
for who in tenant admin; do
  if [ "$who" = tenant ]; then email="$TENANT_EMAIL" password="$TENANT_PASSWORD"; else email="$ADMIN_EMAIL" password="$ADMIN_PASSWORD"; fi
  token="$(login "$email" "$password")" && spare="$(login "$email" "$password")" || { log "$who login failed"; exit 1; }
  t0=$(date +%s)
  log "run as the $who"
  # (run from the workspace: Schemathesis keeps its cache in the working directory)
  (cd "$WORK" && CMP_ST_TOKEN="$token" CMP_ST_SPARE_TOKEN="$spare" "$VENV/bin/st" --config-file "$ROOT/scripts/schemathesis.toml" run "$BASE/openapi.yaml" --url "$BASE" \
    --report junit --report-dir "$WORK/report-$who" --no-color "$@")
  s=$?
  log "$who run: exit $s after $(($(date +%s) - t0)) s"
  [ $s -eq 0 ] || status=1
done
exit $status
