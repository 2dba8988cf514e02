#!/usr/bin/env bash
# Long fuzzing runs: builds the libFuzzer targets if needed (clang++-14, ASan + UBSan, in
# <build>/fuzz), runs each for the given seconds, one after another on one core, merges the new
# inputs that add coverage into a scratch corpus, and prints per target: runs, coverage (cov/ft
# from libFuzzer's final stats) and crashes found. Exits non-zero when any target failed.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]     default: 600 s, every target
#
# Targets: tests/fuzz/targets.cmake. The scratch corpus is <build>/fuzz-long/<target>/merged
# (review an input there before committing it to tests/fuzz/corpus/<target>/); a crashing input
# is left in <build>/fuzz-long/<target>/artifacts/. BUILD_DIR as for scripts/build.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
seconds=${1:-600}
shift || true
if [[ ! $seconds =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [seconds-per-target] [target...]" >&2
  exit 2
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(sed -nE 's/^  ([a-z_]+):.*/\1/p' "$root/tests/fuzz/targets.cmake")
fi

CMAKE_ARGS="${CMAKE_ARGS:-} -DPI_BUILD_FUZZERS=ON" "$root/scripts/build.sh" fuzzers >/dev/null

failed=()
summary=()
for t in "${targets[@]}"; do
  bin=$build/fuzz/tests/fuzz/${t}_fuzzer
  corpus=$root/tests/fuzz/corpus/$t
  state=$build/fuzz-long/$t
  flags=()
  if [[ -f $root/tests/fuzz/dict/$t.dict ]]; then flags+=(-dict="$root/tests/fuzz/dict/$t.dict"); fi
  echo "== $t: ${seconds}s" >&2
  if line=$("$root/tests/fuzz/run-fuzzer.sh" "$bin" "$seconds" "$corpus" "$state" "${flags[@]}"); then
    :
  else
    failed+=("$t")
  fi
  printf '%s\n' "$line"
  # The new inputs (each added coverage beyond the committed corpus when found), minimized into
  # the scratch corpus together with those of earlier runs.
  mkdir -p "$state/merged"
  "$bin" -merge=1 "${flags[@]}" "$state/merged" "$state/corpus" >"$state/merge.log" 2>&1 || true
  summary+=("$(head -1 <<<"$line")  merged=$(ls "$state/merged" | wc -l)")
done

echo
echo "fuzz summary (${seconds}s each):"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
