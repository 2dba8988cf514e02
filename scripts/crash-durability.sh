#!/usr/bin/env bash
# The long crash-durability run (issue #10, part 2): builds pi_crash_durability and what it
# starts, then runs it. Under card-create load it kills pi-server with SIGKILL again and again
# (first half), then stops PostgreSQL with `pg_ctl stop -m immediate` again and again (second
# half), and checks that every acknowledged create is readable and none was made twice. Prints
# acknowledged, found, lost, duplicated, kills and retries; exits non-zero on any loss.
#
#   scripts/crash-durability.sh [--seconds 300] [--concurrency 16] [--kill-interval 3]
#                               [--pg-interval 5]          (seconds; defaults shown)
# ctest runs a 24-second version (reliability.crash_durability). BUILD_DIR as for build.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
seconds=300 concurrency=16 kill_interval=3 pg_interval=5
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --kill-interval) kill_interval=$2; shift 2 ;;
    --pg-interval) pg_interval=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--concurrency N] [--kill-interval N] [--pg-interval N]" >&2
       exit 2 ;;
  esac
done
"$root/scripts/build.sh" pi_crash_durability pi-server pi-gateway
exec "$build/tests/reliability/pi_crash_durability" --seconds="${seconds}s" \
  --concurrency="$concurrency" --kill_interval="${kill_interval}s" --pg_interval="${pg_interval}s"
