#!/bin/bash
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#
# COCO AP, slicekit beside pycocotools in one run, on the same files: the
# COCO-val-sized set of bench/coco_generator.h (5,000 images, 36k ground
# truths, 48k detections, 80 classes) written to a temporary directory.
#
#   bench/compare_pycocotools_ap.sh [PYCOCOTOOLS_PATH] [BUILD_DIR] [REPEATS]
#
# PYCOCOTOOLS_PATH is the directory holding the `pycocotools` package (its
# PythonAPI directory; also read from $PYCOCOTOOLS_PATH). pycocotools is not
# part of slicekit: without it the script says so and exits 0. BUILD_DIR
# (default build) needs -DSLICEKIT_BUILD_BENCHMARKS=ON. Prints the time of
# slicekit's BM_CocoAp (every IoU, matching at 10 IoU thresholds x 4 area
# ranges, accumulate, summarize; Google Benchmark, median of REPEATS) and of
# pycocotools' evaluate() + accumulate() (best of REPEATS, default 3), their
# ratio, and checks that the 12 stats agree to 1e-9.
set -euo pipefail

pycoco="${1:-${PYCOCOTOOLS_PATH:-}}"
build="${2:-build}"
repeats="${3:-3}"
if [[ -z "$pycoco" || ! -d "$pycoco/pycocotools" ]]; then
  echo "compare_pycocotools_ap: skipped: no pycocotools (pass the directory" \
       "holding the pycocotools package, or set PYCOCOTOOLS_PATH)"
  exit 0
fi
for program in "$build/bench/metrics_benchmark" "$build/bench/ap_benchmark" \
               "$build/examples/slicekit"; do
  if [[ ! -x "$program" ]]; then
    echo "compare_pycocotools_ap: $program is missing (build with" \
         "-DSLICEKIT_BUILD_BENCHMARKS=ON)" >&2
    exit 1
  fi
done

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$build/bench/metrics_benchmark" --write_coco="$dir" >/dev/null
"$build/bench/ap_benchmark" --coco_dir="$dir" --benchmark_filter='BM_CocoAp$' \
    --benchmark_repetitions="$repeats" --benchmark_format=json \
    >"$dir/slicekit_bench.json"
"$build/examples/slicekit" ap --gt "$dir/gt.json" --pred "$dir/dets.json" \
    --format json >"$dir/slicekit_stats.json"

PYTHONPATH="$pycoco" /usr/bin/python3 - "$dir" "$repeats" <<'EOF'
import contextlib, io, json, statistics, sys, time

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

d, repeats = sys.argv[1], int(sys.argv[2])
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(d + "/gt.json")
    dt = gt.loadRes(d + "/dets.json")
times = []
for _ in range(repeats):
    e = COCOeval(gt, dt, "bbox")
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        e.evaluate()
        e.accumulate()
        times.append(time.perf_counter() - start)
        e.summarize()
py_ms = min(times) * 1000

bench = json.load(open(d + "/slicekit_bench.json"))
runs = [b for b in bench["benchmarks"] if b.get("run_type") == "iteration"]
sk_ms = statistics.median(b["ms"] for b in runs)
stats = json.load(open(d + "/slicekit_stats.json"))["stats"]
worst = max(abs(a - b) for a, b in zip(stats, e.stats))

print(f"images {len(gt.getImgIds())}, ground truths {len(gt.getAnnIds())}, "
      f"detections {len(dt.getAnnIds())}, classes {len(gt.getCatIds())}")
print(f"pycocotools evaluate()+accumulate(): {py_ms:10.1f} ms (best of {repeats})")
print(f"slicekit BM_CocoAp:                  {sk_ms:10.1f} ms (median of {len(runs)})")
print(f"ratio: slicekit is {py_ms / sk_ms:.1f}x faster")
print(f"stats: largest difference {worst:.3g} "
      f"({'equal to 1e-9' if worst <= 1e-9 else 'DIFFERENT'})")
print("AP .50:.95 pycocotools %.17g slicekit %.17g" % (e.stats[0], stats[0]))
sys.exit(0 if worst <= 1e-9 else 1)
EOF
