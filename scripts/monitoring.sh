#!/usr/bin/env bash
# Installs what the platform's alarms and Nagios mirror run on, from Debian packages when absent (as
# root, idempotent): Alertmanager (prometheus-alertmanager), Nagios 4 (nagios4-core) and NSCA (nsca,
# nsca-client). The packages' own services are not used: the platform starts private ones on loopback.
#
#   scripts/monitoring.sh          install what is missing; prints the binaries found
set -euo pipefail
need=()
command -v prometheus-alertmanager >/dev/null 2>&1 || command -v alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v nagios4 >/dev/null 2>&1 || need+=(nagios4-core)
command -v nsca >/dev/null 2>&1 || need+=(nsca)
command -v send_nsca >/dev/null 2>&1 || need+=(nsca-client)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing ${need[*]} and this is not root: run 'apt-get install -y ${need[*]}'" >&2; exit 3; fi
  echo "installing ${need[*]} from Debian packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache policy "${need[0]}" 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq >&2; fi
  # Package service starts are refused without systemd; the platform starts its own instances.
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${need[@]}" >&2
fi
for b in prometheus-alertmanager nagios4 nsca send_nsca; do command -v "$b" || true; done
