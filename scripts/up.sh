#!/usr/bin/env bash
# The first README command: installs what is missing, then runs the whole platform on its embedded
# defaults (see scripts/start.ts). Ctrl-C stops everything; ./data is kept for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec node --import tsx scripts/start.ts
