#!/usr/bin/env bash
# compare_pycocotools.sh [BUILD_DIR] — slicekit's matching against
# pycocotools' COCOeval.evaluate() on the same generated COCO-val-sized set
# (5,000 images, 36k GT, 48k detections: bench/coco_generator.h), side by
# side in one run (the machines are shared and noisy, so only ratios
# measured together mean anything). Medians of REPS runs (default 7).
#
#   library: pycocotools evaluate() with one IoU threshold (0.5), one area
#            range (all) and maxDets 100 (the least work it does; loadRes
#            and accumulate() are not timed) against slicekit's
#            Evaluator::Create + Compute (BM_Match/1 of metrics_benchmark).
#   process: `slicekit eval --gt --pred --out metrics.csv` whole-process
#            wall time, user+system time and minor page faults (getrusage
#            of the child), against pycocotools' COCO() + loadRes() +
#            evaluate() in one Python process.
#
# pycocotools is not a dependency: the script uses whatever `import
# pycocotools` finds for PYTHON (default /usr/bin/python3; set PYTHONPATH to
# a built cocoapi/PythonAPI) and skips cleanly when it finds none. It never
# builds pycocotools.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
PYTHON=${PYTHON:-/usr/bin/python3}
REPS=${REPS:-7}
if ! "$PYTHON" -c "import pycocotools.cocoeval" 2>/dev/null; then
  echo "compare_pycocotools: $PYTHON cannot import pycocotools (set PYTHONPATH); skipped"
  exit 0
fi
for program in "$BUILD/bench/metrics_benchmark" "$BUILD/examples/slicekit"; do
  [ -x "$program" ] || { echo "compare_pycocotools: build $program first" >&2; exit 1; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BUILD/bench/metrics_benchmark" --write_coco="$WORK" >/dev/null

"$BUILD/bench/metrics_benchmark" --benchmark_filter='BM_Match/1$' \
  --benchmark_repetitions="$REPS" --benchmark_report_aggregates_only=true \
  --benchmark_format=json > "$WORK/match.json" 2>/dev/null

"$PYTHON" - "$WORK" "$BUILD/examples/slicekit" "$REPS" <<'PY'
import contextlib, io, json, os, resource, statistics, subprocess, sys, time
work, slicekit, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

def quiet(f, *a):
    with contextlib.redirect_stdout(io.StringIO()):
        return f(*a)

gt_path, dt_path = f"{work}/gt.json", f"{work}/dets.json"
evaluate_s, whole_s, evaluate_cpu, whole_cpu = [], [], [], []
for _ in range(reps):
    start = time.perf_counter()
    start_cpu = time.process_time()
    gt = quiet(COCO, gt_path)
    dt = quiet(gt.loadRes, dt_path)
    ev = COCOeval(gt, dt, "bbox")
    ev.params.iouThrs = [0.5]
    ev.params.areaRng = [[0, 1e10]]
    ev.params.areaRngLbl = ["all"]
    ev.params.maxDets = [100]
    t, t_cpu = time.perf_counter(), time.process_time()
    quiet(ev.evaluate)
    done, done_cpu = time.perf_counter(), time.process_time()
    evaluate_s.append(done - t)
    whole_s.append(done - start)
    evaluate_cpu.append(done_cpu - t_cpu)
    whole_cpu.append(done_cpu - start_cpu)

runs = []
for _ in range(reps):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([slicekit, "eval", "--gt", gt_path, "--pred", dt_path,
                    "--out", f"{work}/metrics.csv"], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    runs.append((wall, after.ru_utime - before.ru_utime,
                  after.ru_stime - before.ru_stime,
                  after.ru_minflt - before.ru_minflt))

match = json.load(open(f"{work}/match.json"))
medians = [b for b in match["benchmarks"] if b["name"].endswith("_median")]
median = (medians or match["benchmarks"])[0]
unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[median["time_unit"]]
match_s = median["real_time"] * unit
match_cpu = median["cpu_time"] * unit
med = statistics.median
wall = med(r[0] for r in runs)
cpu = med(r[1] + r[2] for r in runs)
print("                                                  wall ms   CPU ms")
print(f"pycocotools evaluate() (IoU 0.5, area all, 100):  {med(evaluate_s)*1e3:8.1f} {med(evaluate_cpu)*1e3:8.1f}")
print(f"slicekit Create + Compute (BM_Match/1):           {match_s*1e3:8.1f} {match_cpu*1e3:8.1f}"
      f"   -> {med(evaluate_s)/match_s:5.1f}x wall, {med(evaluate_cpu)/match_cpu:5.1f}x CPU")
print(f"pycocotools COCO + loadRes + evaluate:            {med(whole_s)*1e3:8.1f} {med(whole_cpu)*1e3:8.1f}")
print(f"slicekit eval, whole process:                     {wall*1e3:8.1f} {cpu*1e3:8.1f}"
      f"   -> {med(whole_s)/wall:5.1f}x wall, {med(whole_cpu)/cpu:5.1f}x CPU")
print(f"slicekit eval: user {med(r[1] for r in runs)*1e3:.0f} ms, sys {med(r[2] for r in runs)*1e3:.0f} ms,"
      f" {med(r[3] for r in runs):.0f} minor page faults")
print(f"medians of {reps} runs each")
PY
