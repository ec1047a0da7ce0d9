#!/usr/bin/env bash
# Installs the dependencies, builds everything (library, CLI, tests,
# benchmarks, the Python package) in Release mode and runs the whole test
# suite with ctest (the Python tests run pytest through ctest).
# Usage: scripts/test.sh [build-dir]   (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)

# --tests: chromium too, for the report's browser test.
"$root/scripts/install-deps.sh" --tests
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DSLICEKIT_BUILD_TESTS=ON -DSLICEKIT_BUILD_EXAMPLES=ON \
  -DSLICEKIT_BUILD_BENCHMARKS=ON -DSLICEKIT_BUILD_PYTHON=ON
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure -j "$jobs"
