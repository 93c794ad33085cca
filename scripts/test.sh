#!/usr/bin/env bash
# The test command: installs what the tests need, runs every jest suite in band against the real
# Temporal dev server (started once by jest's global setup), and prints `tests: N passed, N failed`.
# Extra arguments go to jest (e.g. a path pattern).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test || exit 1
export CMP_JEST_RESULTS="${CMP_JEST_RESULTS:-$PWD/.jest-results.json}"
RESULTS="$CMP_JEST_RESULTS"
rm -f "$RESULTS" "$RESULTS.survivors"
# --forceExit: the Temporal SDK's native handles can outlive the last suite by a few seconds.
npx jest --runInBand --forceExit --json --outputFile="$RESULTS" "$@"
status=$?
node scripts/lib/jest-summary.js "$RESULTS" || status=1
exit $status
