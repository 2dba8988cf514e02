#!/usr/bin/env bash
# Configures and builds into build/ (RelWithDebInfo by default). Extra arguments are targets:
#   scripts/build.sh                      everything, tests included
#   scripts/build.sh pi-server pi-gateway the two binaries only
# BUILD_DIR and CMAKE_BUILD_TYPE override the defaults; CMAKE_ARGS adds configure options.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
  -DPI_BUILD_TESTS=ON ${CMAKE_ARGS:-} >/dev/null
# Two cores: two jobs. Protobuf and gRPC translation units need ~1 GiB each at most.
if (($# > 0)); then
  cmake --build "$build" -j 2 --target "$@"
else
  cmake --build "$build" -j 2
fi
