#!/usr/bin/env bash
# OpenStack's interoperability tests against the simulator: Debian's Tempest runs the tests the 2022.11
# guideline requires of a cloud without admin rights (the list in $TEMPEST_LIST, by default
# ../shared/openstack-interop/tempest-2022.11-non-admin.txt beside the checkout or under $CMP_SHARED_DIR)
# against a simulator this script starts on a free loopback port with its own in-memory state.
#
#   bash scripts/tempest.sh [--regex R | --include-list FILE]   (a subset while fixing: the listed tests whose id
#                                                                matches R, or another list; the default is the whole list)
#
# tempest.conf is written by scripts/lib/tempest-conf.ts from the simulator's catalog and version documents.
# Tempest authenticates as the simulator's admin only to create a project and member user per test class
# (dynamic credentials): every test itself runs as that non-admin user, with TEMPEST_CONCURRENCY workers (default 2:
# each test class runs whole in one worker, in its own project; most of the run is Tempest's own waits).
#
# Skips: the configuration is the guideline's, so a test may skip only where that configuration says so:
#   - [validation] run_validation = false: no guest runs in the simulator, so a test that checks the guest
#     from inside over SSH skips with "Instance validation tests are disabled." (of the list:
#     ServersTestJSON.test_host_name_is_same_as_server_name and .test_verify_created_server_vcpus, which
#     read the hostname and the CPU count inside the guest); tests that only validate some steps run the rest.
# Any other skip is reported and counted as a failure (TEMPEST_ALLOWED_SKIP, a regex over Tempest's skip
# reasons, is that one reason).
#
# Prints `<service>: N passed, N failed, N skipped` per service and a total, and exits non-zero on any
# failure, any listed test that did not run, or a run longer than TEMPEST_TIMEOUT_S (default 3600).
# The simulator is stopped on every exit path; the workspace (a temp dir) is removed unless TEMPEST_KEEP=1.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SHARED="${CMP_SHARED_DIR:-$ROOT/../shared}"
LIST="${TEMPEST_LIST:-$SHARED/openstack-interop/tempest-2022.11-non-admin.txt}"
TIMEOUT_S="${TEMPEST_TIMEOUT_S:-3600}"
CONCURRENCY="${TEMPEST_CONCURRENCY:-2}"
# Tempest's reasons for the one skip the guideline's configuration allows ([validation] run_validation = false).
ALLOWED_SKIP="${TEMPEST_ALLOWED_SKIP:-^Instance validation tests are disabled\.$}"
log() { echo "[tempest] $*" >&2; }

if ! command -v tempest >/dev/null 2>&1; then
  bash scripts/install.sh --test >/dev/null || true
  command -v tempest >/dev/null 2>&1 || { log "Tempest is not installed (Debian package tempest)"; exit 1; }
fi
[ -f "$LIST" ] || { log "no test list at $LIST (set TEMPEST_LIST or CMP_SHARED_DIR)"; exit 1; }

filter=(--include-list "$LIST")
case "${1:-}" in
  --regex)
    grep -E -- "$2" "$LIST" >"${TMPDIR:-/tmp}/cmp-tempest-subset.$$" || { log "no listed test matches $2"; exit 1; }
    filter=(--include-list "${TMPDIR:-/tmp}/cmp-tempest-subset.$$") ;;
  --include-list) filter=(--include-list "$2") ;;
  '') ;;
  *) log "unknown argument $1"; exit 1 ;;
esac

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cmp-tempest.XXXXXX")"
SIM_PID=""
cleanup() {
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill "$SIM_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SIM_PID" 2>/dev/null || true
  fi
  rm -f "${TMPDIR:-/tmp}/cmp-tempest-subset.$$"
  if [ "${TEMPEST_KEEP:-}" = "1" ]; then log "workspace kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Keystone's security-compliance options, as the guideline's identity tests need them (they read the same
# numbers from tempest.conf): lockout after 2 failed logins for 5 s, a new password differs from the last 2.
LOCKOUT_ATTEMPTS=2 LOCKOUT_S=5 UNIQUE_LAST=2
PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
SIM_PORT="$PORT" SIM_HOST=127.0.0.1 SIM_STATE_FILE='' SIM_ADMIN_PASSWORD="tempest-$PORT" \
  SIM_LOCKOUT_FAILURE_ATTEMPTS=$LOCKOUT_ATTEMPTS SIM_LOCKOUT_DURATION_MS=$((LOCKOUT_S * 1000)) SIM_UNIQUE_LAST_PASSWORD_COUNT=$UNIQUE_LAST \
  node --import tsx simulator/main.ts >"$WORK/simulator.log" 2>&1 &
SIM_PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 300); do
  grep -q 'listening on' "$WORK/simulator.log" 2>/dev/null && break
  kill -0 "$SIM_PID" 2>/dev/null || { log "the simulator exited:"; cat "$WORK/simulator.log" >&2; exit 1; }
  sleep 0.1
done
grep -q 'listening on' "$WORK/simulator.log" || { log "the simulator did not start within 30 s"; exit 1; }
log "simulator at $URL (pid $SIM_PID)"

tempest init --name "cmp-$PORT" --workspace-path "$WORK/workspace.yaml" "$WORK/ws" >/dev/null || { log "tempest init failed"; exit 1; }
TEMPEST_LOCKOUT_ATTEMPTS=$LOCKOUT_ATTEMPTS TEMPEST_LOCKOUT_DURATION_S=$LOCKOUT_S TEMPEST_UNIQUE_LAST_PASSWORD_COUNT=$UNIQUE_LAST \
  TEMPEST_LOG_FILE="$WORK/ws/tempest.log" \
  node --import tsx scripts/lib/tempest-conf.ts "$URL/identity/v3" admin "tempest-$PORT" admin >"$WORK/ws/etc/tempest.conf" ||
  { log "could not write tempest.conf"; exit 1; }

# stestr reads each line of an include list as a regex, and a test id's attributes ([id-...,smoke]) are not
# one: each listed id becomes an anchored regex of its name up to the attributes.
sed -e 's/\[.*//' -e '/^\s*$/d' "${filter[1]}" >"$WORK/expected.txt"
sed -e 's/\./\\./g' -e 's/^/^/' -e 's/$/(\\[|$)/' "$WORK/expected.txt" >"$WORK/include.txt"

start=$(date +%s)
(cd "$WORK/ws" && TEMPEST_CONFIG_DIR="$WORK/ws/etc" TEMPEST_CONFIG=tempest.conf \
  timeout --kill-after=30 "$TIMEOUT_S" tempest run --workspace-path "$WORK/workspace.yaml" --workspace "cmp-$PORT" --include-list "$WORK/include.txt" --concurrency "$CONCURRENCY" \
  >"$WORK/run.log" 2>&1)
rc=$?
elapsed=$(($(date +%s) - start))
[ "$rc" = 124 ] && log "the run took longer than ${TIMEOUT_S}s and was stopped"

# Failures in full (subunit-trace prints tracebacks of failed tests), then the table.
(cd "$WORK/ws" && stestr last --subunit 2>/dev/null | subunit-trace --no-summary --fails 2>/dev/null | sed -n '/^==============================$/,$p' | head -n 4000) >&2

expected="$WORK/expected.txt"
(cd "$WORK/ws" && stestr last --subunit 2>/dev/null) >"$WORK/results.subunit"
# Counts per service from the subunit stream, with each skip's reason; a listed test that never reported
# (its class's setUpClass failed, or the run was cut short) counts as failed.
/usr/bin/python3 - "$WORK/results.subunit" "$expected" "$ALLOWED_SKIP" "$elapsed" <<'EOF'
import re, sys
import subunit, testtools
stream_file, expected_file, allowed_skip, elapsed = sys.argv[1:]
strip = lambda i: re.sub(r'\[.*$', '', i)
status, reasons, class_fail = {}, {}, set()
def on_test(t):
    fixture = re.match(r'^(?:setUpClass|tearDownClass) \((.*)\)$', t['id'])
    if fixture:
        if t['status'] == 'fail': class_fail.add(fixture[1])
        return
    status[strip(t['id'])] = t['status']
    if 'reason' in t['details']: reasons[strip(t['id'])] = t['details']['reason'].as_text()
with open(stream_file, 'rb') as f:
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    subunit.ByteStreamToStreamResult(f, non_subunit_name='stdout').run(result)
    result.stopTestRun()
ids = [l.strip() for l in open(expected_file) if l.strip()] or sorted(status)
counts, problems, skips = {}, [], []
for i in ids:
    c = counts.setdefault(i.split('.')[2] if i.count('.') > 2 else 'other', [0, 0, 0])
    s = status.get(i) or ('fail' if i.rsplit('.', 1)[0] in class_fail else 'not run')
    if s in ('success', 'xfail'):
        c[0] += 1
    elif s == 'skip':
        c[2] += 1
        reason = reasons.get(i, '')
        skips.append(f'{i}: {reason}')
        if not re.search(allowed_skip, reason):
            c[1] += 1
            problems.append(f'skip the guideline does not allow: {i}: {reason}')
    else:
        c[1] += 1
        problems.append(f'{s}: {i}')
total = [0, 0, 0]
for service in sorted(counts):
    c = counts[service]
    print(f'{service}: {c[0]} passed, {c[1]} failed, {c[2]} skipped')
    total = [a + b for a, b in zip(total, c)]
print(f'total: {total[0]} passed, {total[1]} failed, {total[2]} skipped of {len(ids)} in {elapsed} s')
for s in skips: print(f'  skipped {s}')
for p in problems: print(f'  {p}')
sys.exit(1 if total[1] else 0)
EOF
summary=$?
[ "$summary" = 0 ] && [ "$rc" = 0 ]
