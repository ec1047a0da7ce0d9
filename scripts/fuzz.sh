#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) in a clang ASan+UBSan build and
# fuzzes each one for a fixed time, then prints per target the executions
# and whether it crashed. Exits 1 if any target crashed (or failed to run).
#
# Usage: scripts/fuzz.sh [build-dir]     (default: $SLICEKIT_FUZZ_BUILD_DIR,
#                                         else build-fuzz)
# Environment:
#   SLICEKIT_FUZZ_SECONDS  seconds per target (default 30)
#   SLICEKIT_FUZZ_TARGETS  space-separated subset of the targets
#   SLICEKIT_FUZZ_JOBS     build parallelism, and how many targets fuzz at
#                          once (one process each; default: nproc)
#   SLICEKIT_FUZZ_WORK     scratch directory (default: a new temporary one,
#                          kept when a target crashes)
#
# Each target starts from a copy of its seed corpus (tests/fuzz/corpus/<t>)
# in the scratch directory, so new inputs never land in the repository; a
# crash leaves its input there as crash-* (or leak-*, timeout-*, oom-*).
# To add one as a regression seed, copy it into tests/fuzz/corpus/<t>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SLICEKIT_FUZZ_BUILD_DIR:-$root/build-fuzz}}
seconds=${SLICEKIT_FUZZ_SECONDS:-30}
jobs=${SLICEKIT_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
all_targets=(filter_text_fuzzer filter_json_fuzzer csv_fuzzer coco_fuzzer
             ndjson_fuzzer slice_name_fuzzer table_file_fuzzer
             error_expr_fuzzer text_field_fuzzer coco_rle_fuzzer)
read -r -a targets <<< "${SLICEKIT_FUZZ_TARGETS:-${all_targets[*]}}"

# The longest input each target gets: enough for every construct of its
# format (a filter with a few dozen predicates, a CSV of a few hundred
# cells, a small COCO file pair) while keeping executions fast.
max_len_for() {
  case "$1" in
    filter_text_fuzzer) echo 2048 ;;
    filter_json_fuzzer) echo 4096 ;;
    csv_fuzzer) echo 4096 ;;
    coco_fuzzer) echo 8192 ;;
    coco_rle_fuzzer) echo 1024 ;;
    ndjson_fuzzer) echo 4096 ;;
    slice_name_fuzzer) echo 256 ;;
    table_file_fuzzer) echo 16384 ;;
    error_expr_fuzzer) echo 512 ;;
    text_field_fuzzer) echo 512 ;;
    *) echo 4096 ;;
  esac
}

"$root/scripts/install-deps.sh" --sanitizers
# A build directory that is already configured (CI passes the one
# scripts/check-sanitizers.sh made, which has the fuzzers too) is reused as
# it is, so nothing is compiled twice.
if [ ! -f "$build/CMakeCache.txt" ]; then
  CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DSLICEKIT_SANITIZE=address,undefined \
    -DSLICEKIT_BUILD_FUZZERS=ON -DSLICEKIT_BUILD_TESTS=ON \
    -DSLICEKIT_BUILD_EXAMPLES=OFF -DSLICEKIT_INSTALL=OFF >/dev/null
elif ! grep -q '^SLICEKIT_BUILD_FUZZERS:BOOL=ON' "$build/CMakeCache.txt"; then
  echo "fuzz.sh: $build is configured without -DSLICEKIT_BUILD_FUZZERS=ON" >&2
  exit 1
fi
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

if [ -n "${SLICEKIT_FUZZ_WORK:-}" ]; then
  work=$SLICEKIT_FUZZ_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/slicekit-fuzz.XXXXXX")
fi

# Sanitizer reports abort the process, so libFuzzer records them as
# crashes with the input that caused them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One target: its summary line goes to $work/$t/summary, and the status
# file says whether it failed.
fuzz_one() {
  local t=$1 bin corpus artifacts log status=0 execs crashes line
  mkdir -p "$work/$t"
  bin=$(find "$build" -type f -name "$t" -perm -u+x -print -quit)
  if [ -z "$bin" ]; then
    echo "fuzz.sh: no binary for $t under $build" >&2
    echo "$t: not built" >"$work/$t/summary"
    echo 1 >"$work/$t/failed"
    return
  fi
  corpus=$work/$t/corpus
  artifacts=$work/$t/
  rm -rf "$corpus"
  mkdir -p "$corpus"
  cp -R "$root/tests/fuzz/corpus/$t/." "$corpus/"
  log=$work/$t/fuzz.log
  echo "== $t: ${seconds}s (log: $log)"
  "$bin" "$corpus" \
    -dict="$root/tests/fuzz/dict/$t.dict" \
    -max_len="$(max_len_for "$t")" \
    -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2560 -malloc_limit_mb=2048 \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  crashes=$(find "$work/$t" -maxdepth 1 -type f \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
       -o -name 'oom-*' \) | wc -l)
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    line="$t: executions=${execs:-?} CRASH (exit $status; inputs:"
    line+=" $(find "$work/$t" -maxdepth 1 -type f \( -name 'crash-*' \
      -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | tr '\n' ' '))"
    echo "$line" >"$work/$t/summary"
    echo 1 >"$work/$t/failed"
    tail -n 60 "$log" >&2
  else
    echo "$t: executions=${execs:-?} crashes=0" >"$work/$t/summary"
    echo 0 >"$work/$t/failed"
  fi
}

# Each fuzzer is one process on one core: run $jobs of them at a time.
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait

failed=0
summary=()
for t in "${targets[@]}"; do
  summary+=("$(cat "$work/$t/summary" 2>/dev/null || echo "$t: no result")")
  [ "$(cat "$work/$t/failed" 2>/dev/null || echo 1)" = 0 ] || failed=1
done

echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "fuzz.sh: a target crashed; inputs and logs are in $work" >&2
  exit 1
fi
if [ -z "${SLICEKIT_FUZZ_WORK:-}" ]; then rm -rf "$work"; fi
