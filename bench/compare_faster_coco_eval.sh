#!/usr/bin/env bash
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#
# Whole-process COCO evaluation, `slicekit ap` beside faster-coco-eval
# (https://github.com/MiXaiLL76/faster_coco_eval, a C++ reimplementation of
# pycocotools; not a slicekit dependency) on the same generated files:
#
#   slicekit:          slicekit ap --gt gt.json --pred dets.json
#                        --iou-type TYPE --format json
#   faster-coco-eval:  COCO(gt.json); loadRes(dets.json);
#                        COCOeval_faster(gt, dt, TYPE): evaluate(),
#                        accumulate(), summarize()   (one Python process)
#
# Both include loading and parsing the JSON. Each side runs REPEATS times as
# its own process under /usr/bin/time -v; the table shows the fastest run of
# each (wall time, user+system CPU, peak resident set, major and minor page
# faults) and the ratios, then checks that the 12 stats (10 for keypoints)
# agree to 1e-9 and exits 1 if they do not.
#
#   bench/compare_faster_coco_eval.sh [--iou-type bbox|segm|keypoints]
#       [--images N] [--ground-truths G] [--detections D] [--categories C]
#       [--repeats R] [--build DIR] [--keep DIR]
#
# Sets (all from bench/coco_generator.h's model):
#   bbox       build/bench/write_coco_set: N images (default 60,000), G ground
#              truths (default 5.6 N), D detections (default 9.6 N), C classes
#              (default 80). The Objects365-sized set of issue 23:
#              --images 80000 --ground-truths 1200000 --detections 2000000
#   segm       build/bench/segm_benchmark --write_coco: N <= 5,000 images
#              (default 5,000: 30k polygon masks, 40k detections, 80 classes)
#   keypoints  build/bench/keypoints_benchmark --write_coco: N <= 5,000
#              (default 5,000: 30k persons with 17 keypoints, 40k detections)
# (--ground-truths, --detections and --categories apply to bbox only.)
#
# faster-coco-eval is found through FCE_PYTHON (default python3): a Python
# that can `import faster_coco_eval`. Without one the script says so and
# exits 0. To build it from source with Debian's pybind11 and numpy:
#   python3 -m venv --system-site-packages /work/venvs/fce
#   /work/venvs/fce/bin/pip install --no-build-isolation --no-deps \
#       <faster_coco_eval source checkout>
#   FCE_PYTHON=/work/venvs/fce/bin/python bench/compare_faster_coco_eval.sh
# The build directory needs -DSLICEKIT_BUILD_BENCHMARKS=ON and
# -DSLICEKIT_BUILD_EXAMPLES=ON (targets slicekit_cli, write_coco_set,
# segm_benchmark, keypoints_benchmark). Nothing is installed or left behind
# (the files go to a temporary directory unless --keep DIR names one, which is
# reused when it already holds gt.json and dets.json). CI does not run this
# script: it builds the benchmarks and runs only the Google Benchmark
# programs briefly. Figures: docs/performance.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
iou_type=bbox images="" ground_truths="" detections="" categories=""
repeats=3 build="$ROOT/build" keep=""
while [[ $# -gt 0 ]]; do
  if [[ $# -lt 2 ]]; then
    echo "compare_faster_coco_eval: $1 wants a value" >&2
    exit 2
  fi
  case "$1" in
    --iou-type) iou_type=$2 ;;
    --images) images=$2 ;;
    --ground-truths) ground_truths=$2 ;;
    --detections) detections=$2 ;;
    --categories) categories=$2 ;;
    --repeats) repeats=$2 ;;
    --build) build=$2 ;;
    --keep) keep=$2 ;;
    *) echo "compare_faster_coco_eval: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
case "$iou_type" in
  bbox|segm|keypoints) ;;
  *) echo "compare_faster_coco_eval: --iou-type wants bbox, segm or" \
          "keypoints, got $iou_type" >&2; exit 2 ;;
esac
if [[ -n "$images" && ! "$images" =~ ^[1-9][0-9]*$ ]] ||
   [[ ! "$repeats" =~ ^[1-9][0-9]*$ ]]; then
  echo "compare_faster_coco_eval: --images and --repeats want positive" \
       "counts" >&2
  exit 2
fi
if [[ "$iou_type" != bbox && -n "$images" && "$images" -gt 5000 ]]; then
  echo "compare_faster_coco_eval: $iou_type sets have at most 5000 images" >&2
  exit 2
fi

FCE_PYTHON=${FCE_PYTHON:-python3}
if ! "$FCE_PYTHON" -c "import faster_coco_eval" 2>/dev/null; then
  echo "compare_faster_coco_eval: $FCE_PYTHON cannot import faster_coco_eval" \
       "(set FCE_PYTHON); skipped"
  exit 0
fi
[[ -x /usr/bin/time ]] || {
  echo "compare_faster_coco_eval: needs /usr/bin/time (Debian package time)" >&2
  exit 1
}
case "$iou_type" in
  bbox) writer="$build/bench/write_coco_set" ;;
  segm) writer="$build/bench/segm_benchmark" ;;
  keypoints) writer="$build/bench/keypoints_benchmark" ;;
esac
for program in "$writer" "$build/examples/slicekit"; do
  [[ -x "$program" ]] || {
    echo "compare_faster_coco_eval: build $program first" >&2
    exit 1
  }
done

if [[ -n "$keep" ]]; then
  work=$keep
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
if [[ ! -s "$work/gt.json" || ! -s "$work/dets.json" ]]; then
  if [[ "$iou_type" == bbox ]]; then
    args=(--out="$work")
    [[ -n "$images" ]] && args+=(--images="$images")
    [[ -n "$ground_truths" ]] && args+=(--ground_truths="$ground_truths")
    [[ -n "$detections" ]] && args+=(--detections="$detections")
    [[ -n "$categories" ]] && args+=(--categories="$categories")
    "$writer" "${args[@]}" >/dev/null
  else
    SLICEKIT_BENCH_IMAGES=${images:-5000} "$writer" --write_coco="$work"
  fi
fi

cat >"$work/fce.py" <<'PY'
import json, sys
from faster_coco_eval import COCO, COCOeval_faster
gt_path, dt_path, iou_type, out = sys.argv[1:5]
gt = COCO(gt_path)
dt = gt.loadRes(dt_path)
e = COCOeval_faster(gt, dt, iou_type, print_function=lambda *a: None)
e.evaluate()
e.accumulate()
e.summarize()
json.dump({"version": __import__("faster_coco_eval").__version__,
           "stats": [float(s) for s in e.stats]}, open(out, "w"))
PY

for ((r = 0; r < repeats; ++r)); do
  /usr/bin/time -v -o "$work/time_slicekit_$r.txt" \
    "$build/examples/slicekit" ap --gt "$work/gt.json" --pred "$work/dets.json" \
      --iou-type "$iou_type" --format json >"$work/slicekit_stats.json"
  /usr/bin/time -v -o "$work/time_fce_$r.txt" \
    "$FCE_PYTHON" "$work/fce.py" "$work/gt.json" "$work/dets.json" \
      "$iou_type" "$work/fce_stats.json" >/dev/null
done

/usr/bin/python3 - "$work" "$repeats" "$iou_type" <<'PY'
import json, re, sys
work, repeats, iou_type = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def parse(path):
    text = open(path).read()
    def field(name):
        return re.search(re.escape(name) + r": (.*)", text).group(1).strip()
    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    return {"wall": wall,
            "cpu": float(field("User time (seconds)")) +
                   float(field("System time (seconds)")),
            "rss": int(field("Maximum resident set size (kbytes)")) / 1024,
            "major": int(field("Major (requiring I/O) page faults")),
            "minor": int(field("Minor (reclaiming a frame) page faults"))}

def best(side):
    runs = [parse(f"{work}/time_{side}_{r}.txt") for r in range(repeats)]
    return min(runs, key=lambda t: t["wall"]), runs

sk, sk_runs = best("slicekit")
fc, fc_runs = best("fce")
sk_out = json.load(open(f"{work}/slicekit_stats.json"))
fc_out = json.load(open(f"{work}/fce_stats.json"))
gt = json.load(open(f"{work}/gt.json"))
n_dets = len(json.load(open(f"{work}/dets.json")))
print(f"iou type {iou_type}: {len(gt['images'])} images, "
      f"{len(gt['annotations'])} ground truths, {n_dets} detections, "
      f"{len(gt['categories'])} classes; best of {repeats} runs each")
print(f"{'':22}{'slicekit ap':>14}{'faster-coco-eval':>18}{'ratio':>9}")
rows = [("wall time (s)", "wall", "{:.3f}"), ("user+sys CPU (s)", "cpu", "{:.3f}"),
        ("peak RSS (MB)", "rss", "{:.1f}"), ("major page faults", "major", "{:d}"),
        ("minor page faults", "minor", "{:d}")]
for label, key, fmt in rows:
    ratio = f"{fc[key] / sk[key]:.2f}x" if sk[key] else "-"
    print(f"{label:22}{fmt.format(sk[key]):>14}{fmt.format(fc[key]):>18}"
          f"{ratio:>9}")
print("all wall times (s): slicekit " +
      " ".join(f"{t['wall']:.2f}" for t in sk_runs) + "; faster-coco-eval " +
      " ".join(f"{t['wall']:.2f}" for t in fc_runs))
expected = 10 if iou_type == "keypoints" else 12
a, b = sk_out["stats"], fc_out["stats"][:expected]
worst = max(abs(x - y) for x, y in zip(a, b))
ok = len(a) == expected and len(b) == expected and worst <= 1e-9
print(f"faster-coco-eval {fc_out['version']}; {expected} stats: largest "
      f"difference {worst:.3g} ({'equal to 1e-9' if ok else 'DIFFERENT'})")
if not ok:
    for i, (x, y) in enumerate(zip(a, b)):
        print(f"  stat {i}: slicekit {x:.17g} faster-coco-eval {y:.17g}")
sys.exit(0 if ok else 1)
PY
