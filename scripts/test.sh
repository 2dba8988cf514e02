#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite (unit, integration
# against a throwaway private PostgreSQL, end-to-end over loopback, and each libFuzzer target
# over its corpus and briefly beyond, built with clang++-14 in <build>/fuzz). Extra arguments go
# to ctest, e.g. `scripts/test.sh -L unit`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
export CMAKE_ARGS="${CMAKE_ARGS:-} -DPI_BUILD_FUZZERS=ON"
"$root/scripts/build.sh"
"$root/scripts/build.sh" fuzzers
cd "${BUILD_DIR:-$root/build}"
exec ctest --output-on-failure --timeout 600 "$@"
