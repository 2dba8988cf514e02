#!/usr/bin/env bash
# Runs bench_reencrypt against a throwaway private PostgreSQL cluster, then removes it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
dir=$(mktemp -d /tmp/pi-bench-pg.XXXXXX)
trap '"$root/scripts/pg-cluster.sh" stop "$dir"' EXIT
export PI_BENCH_DATABASE_URL=$("$root/scripts/pg-cluster.sh" start --throwaway "$dir")
"$build/bench/bench_reencrypt" "$@"
