#!/usr/bin/env bash
# Runs one libFuzzer target over its committed corpus and then for a while longer, and prints
# one summary line: runs, coverage (cov/ft from libFuzzer's final stats), crashes. Every
# committed input runs first, so a committed crasher fails at once (a regression test). Exits
# non-zero on any crash, leak, timeout (10 s for one input), out-of-memory or failed check;
# the input that did it is left in <state dir>/artifacts/ and the log in <state dir>/run.log.
#
#   run-fuzzer.sh <fuzzer binary> <seconds> <committed corpus dir> <state dir> [libFuzzer flags]
#
# New inputs that add coverage go to <state dir>/corpus (kept between runs), never to the
# committed corpus.
set -uo pipefail
if (($# < 4)); then
  echo "usage: $0 <fuzzer binary> <seconds> <committed corpus dir> <state dir> [flags]" >&2
  exit 2
fi
bin=$1 seconds=$2 corpus=$3 state=$4
shift 4
name=$(basename "$bin")
if [[ ! -x $bin ]]; then
  echo "$name: not built; build the fuzz targets first (scripts/fuzz.sh builds them, or" \
       "CMAKE_ARGS=-DPI_BUILD_FUZZERS=ON scripts/build.sh fuzzers)" >&2
  exit 1
fi
mkdir -p "$state/corpus" "$state/artifacts"
log=$state/run.log
before=$(ls "$state/artifacts" | wc -l)
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$state/artifacts/" "$@" "$state/corpus" "$corpus" >"$log" 2>&1
rc=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
last=$(grep -E '^#[0-9]+' "$log" | grep -E ' cov: ' | tail -1)
cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
# libFuzzer stops at the first failure; count what it left, at least one when it failed.
crashes=$(($(ls "$state/artifacts" | wc -l) - before))
if ((rc != 0 && crashes == 0)); then crashes=1; fi
echo "$name: runs=${runs:-?} cov=${cov:-?} ft=${ft:-?} corpus=$(ls "$corpus" | wc -l)+$(ls "$state/corpus" | wc -l) crashes=$crashes"
if ((rc != 0)); then
  echo "--- $name failed (exit $rc); the end of $log:"
  tail -60 "$log"
  echo "--- reproduce with: $bin $state/artifacts/<file>"
  ls -l "$state/artifacts/"
fi
exit $rc
