#!/usr/bin/env bash
# The database-outage run (issue #10, part 3): builds pi_database_outage and what it starts,
# then runs it. Under gRPC and REST load (all four dialects) PostgreSQL is stopped for --down
# seconds and started again; it checks that pi-server and pi-gateway stay up, health says
# NOT_SERVING, requests fail fast (UNAVAILABLE, 503 in each dialect's shape), and service returns
# within 5 s of PostgreSQL coming back. Prints counts per phase, the slowest failure and the
# recovery time; exits non-zero when a check fails.
#
#   scripts/database-outage.sh [--down 30]        (seconds)
# ctest runs the same with 30 s (reliability.database_outage). BUILD_DIR as for build.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
down=30
while (($#)); do
  case $1 in
    --down) down=$2; shift 2 ;;
    *) echo "usage: $0 [--down SECONDS]" >&2; exit 2 ;;
  esac
done
"$root/scripts/build.sh" pi_database_outage pi-server pi-gateway
exec "$build/tests/reliability/pi_database_outage" --down="${down}s"
