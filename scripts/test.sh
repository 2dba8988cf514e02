#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite (unit, integration
# against a throwaway private PostgreSQL, end-to-end over loopback). Extra arguments go to ctest,
# e.g. `scripts/test.sh -L unit`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${BUILD_DIR:-$root/build}"
exec ctest --output-on-failure --timeout 600 "$@"
