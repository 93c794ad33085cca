#!/usr/bin/env bash
# The first README command: installs what is missing, then runs the whole platform on its embedded
# defaults (see scripts/start.ts). Ctrl-C stops everything; ./data is kept for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# The portals (web/ → dist/web), rebuilt only when their sources changed.
node --import tsx scripts/build-web.ts
exec node --import tsx scripts/start.ts
