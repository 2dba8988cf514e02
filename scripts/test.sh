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
# The fuzz targets (a second, clang build) only when the ctest arguments can select them: not for
# `-L unit` or `-LE fuzz`.
selects_fuzz() {
  local include="" exclude=""
  while (($#)); do
    case $1 in
      -LE|--label-exclude) exclude=${2:-}; shift ;;
      -L|--label-regex) include=${2:-}; shift ;;
    esac
    shift
  done
  [[ -z $include || fuzz =~ $include ]] && [[ -z $exclude || ! fuzz =~ $exclude ]]
}
if selects_fuzz "$@"; then "$root/scripts/build.sh" fuzzers; fi
cd "${BUILD_DIR:-$root/build}"
exec ctest --output-on-failure --timeout 600 "$@"
