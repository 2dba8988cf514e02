#!/usr/bin/env bash
# The whole test suite under AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer:
# builds everything with PI_SANITIZE=ON (Debug) into build-asan/ and runs ctest. Every sanitized
# process writes its reports to a file under build-asan/sanitizer-reports/ instead of stderr:
# the test executables, and also pi-server, pi-gateway and the admin commands the tests start,
# whose stderr goes to logs the tests delete. The run fails if any test fails or any report file
# exists, and prints the reports.
#   scripts/sanitize.sh               build + the whole suite
#   scripts/sanitize.sh -L unit       extra arguments go to ctest
# BUILD_DIR overrides build-asan/; CMAKE_ARGS adds configure options (e.g. a compiler launcher).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-asan}
"$root/scripts/install-deps.sh"
CMAKE_ARGS="-DPI_SANITIZE=ON ${CMAKE_ARGS:-}" CMAKE_BUILD_TYPE=Debug BUILD_DIR="$build" \
  "$root/scripts/build.sh"

reports=$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
# log_path: one file per reporting process (<prefix>.<pid>). UBSan reports and continues, so its
# findings show only here; ASan and LSan also make the process exit non-zero.
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

status=0
(cd "$build" && ctest -j 2 --output-on-failure "$@") || status=$?

mapfile -t found < <(find "$reports" -type f | sort)
for report in "${found[@]}"; do
  echo "==== sanitizer report: ${report#"$build"/}"
  head -n 60 "$report"
done
echo "sanitizers: ${#found[@]} report file(s) from sanitized processes (tests, pi-server," \
     "pi-gateway, admin commands); ctest exit status $status"
if ((${#found[@]} > 0)); then exit 1; fi
exit "$status"
