#!/usr/bin/env bash
# Runs the test suite under the sanitizers, as CI does (.ci/run):
#   1. ASan+UBSan (clang): the whole test suite. The same build holds the
#      libFuzzer targets, which scripts/fuzz.sh then runs.
#   2. TSan (gcc): the tests labelled "concurrency" (threads or processes).
# Every report aborts the process (halt_on_error, no recovery), so any
# report fails ctest and this script.
# Usage: scripts/check-sanitizers.sh [asan|tsan|all]   (default: all)
# Build dirs: $SLICEKIT_ASAN_BUILD (build-asan-ci), $SLICEKIT_TSAN_BUILD
# (build-tsan-ci).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
jobs=$(nproc 2>/dev/null || echo 2)
asan_build=${SLICEKIT_ASAN_BUILD:-$root/build-asan-ci}
tsan_build=${SLICEKIT_TSAN_BUILD:-$root/build-tsan-ci}

"$root/scripts/install-deps.sh" --sanitizers

# A leak, an out-of-bounds access or undefined behaviour stops the test at
# once with a symbolized stack.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_init_order=1:check_initialization_order=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
# The kill tests start a sanitized process per kill, which costs the
# sanitizers' start-up each time: they run a third of the kills here (the
# Release suite runs them all), enough for a memory or race error to show.
export SLICEKIT_KILL_ITERATIONS=${SLICEKIT_KILL_ITERATIONS:-100}
export SLICEKIT_KILL_ROUNDS=${SLICEKIT_KILL_ROUNDS:-8}
# The page flip test (slice_store_flip_test) still flips bits in every page
# of its store, 2 per page instead of 4.
export SLICEKIT_FLIPS_PER_PAGE=${SLICEKIT_FLIPS_PER_PAGE:-2}
# The comparison's simulation (tests/compare/compare_simulation_test.cc):
# 2 comparisons per scenario at 100 resamples instead of 6 at 200.
export SLICEKIT_RLE_ITERATIONS=${SLICEKIT_RLE_ITERATIONS:-30}
export SLICEKIT_COMPARE_SIMULATIONS=${SLICEKIT_COMPARE_SIMULATIONS:-2}
export SLICEKIT_COMPARE_RESAMPLES=${SLICEKIT_COMPARE_RESAMPLES:-100}
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || true)}

run_asan() {
  echo "== ASan+UBSan: whole test suite ($asan_build)"
  # -O1 with line tables only: symbolized stacks, and the build (the
  # longest part of CI) about a third faster than -O2 -g. The tests' own
  # code at -O0 (SLICEKIT_TEST_OPTIMIZATION): 12 s instead of 31 s for a
  # large test file under ASan. No -DNDEBUG: assert()s stay on in the
  # sanitizer builds.
  # The library as unity batches (SLICEKIT_UNITY_BUILD): a quarter less
  # compile under ASan.
  CXX=clang++ cmake -S "$root" -B "$asan_build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DSLICEKIT_SANITIZE=address,undefined -DSLICEKIT_BUILD_FUZZERS=ON \
    -DSLICEKIT_UNITY_BUILD=ON \
    -DSLICEKIT_TEST_OPTIMIZATION=-O0 \
    -DSLICEKIT_BUILD_TESTS=ON -DSLICEKIT_BUILD_EXAMPLES=ON \
    -DSLICEKIT_BUILD_PYTHON=ON -DSLICEKIT_PYTHON_OPTIMIZATION=-O0 \
    -DSLICEKIT_BUILD_BENCHMARKS=OFF -DSLICEKIT_INSTALL=OFF
  cmake --build "$asan_build" -j "$jobs"
  # Release-sized property and fault iterations are the default; the
  # sanitizers make them 2-10x slower, hence the longer timeout.
  ctest --test-dir "$asan_build" --output-on-failure -j "$jobs" \
    --timeout 900
}

run_tsan() {
  echo "== TSan: tests labelled concurrency ($tsan_build)"
  cmake -S "$root" -B "$tsan_build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DSLICEKIT_SANITIZE=thread -DSLICEKIT_TEST_OPTIMIZATION=-O0 \
    -DSLICEKIT_UNITY_BUILD=ON \
    -DSLICEKIT_BUILD_TESTS=ON \
    -DSLICEKIT_BUILD_EXAMPLES=ON -DSLICEKIT_BUILD_BENCHMARKS=OFF \
    -DSLICEKIT_INSTALL=OFF
  # Only the concurrency tests (and the programs they start) are built:
  # tests/CMakeLists.txt's SLICEKIT_CONCURRENCY_TESTS.
  cmake --build "$tsan_build" -j "$jobs" --target concurrency_tests
  ctest --test-dir "$tsan_build" --output-on-failure -j "$jobs" \
    -L concurrency --timeout 900
}

case "$what" in
  asan) run_asan ;;
  tsan) run_tsan ;;
  all) run_asan; run_tsan ;;
  *) echo "usage: $0 [asan|tsan|all]" >&2; exit 2 ;;
esac
echo "check-sanitizers: no reports"
