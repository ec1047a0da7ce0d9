// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO segm evaluation (docs/metrics.md#instance-masks) on a COCO-val-sized
// instance-mask set: bench/coco_generator.h's run of 5,000 images (30k
// ground truths, 40k detections, 80 classes; $SLICEKIT_BENCH_IMAGES below
// 5,000 shrinks it) with each object's mask an octagon inscribed in its
// box, written as COCO JSON with polygon segmentations (and bboxes, so
// that pycocotools' loadRes reads the polygon results too).
//
//   BM_SegmImport     ImportCoco of the two files: parsing and rasterizing
//                     every polygon (pycocotools' frPoly) into compressed RLE
//   BM_SegmCocoAp     what pycocotools' evaluate() + accumulate() do for
//                     iouType "segm": every mask IoU (Evaluator::Create with
//                     IouType::kSegm: each row's masks decoded once), the
//                     matching at 10 IoU thresholds x 4 area ranges, the
//                     accumulation and the 12 stats
//   BM_BboxCocoAp     the same run with iouType "bbox", for scale
//
// Counters: ms (wall time per call), masks (ground truths + detections),
// stat_ap (AP .50:.95, to compare with pycocotools'). --write_coco=DIR
// writes DIR/gt.json and DIR/dets.json and exits, for timing pycocotools
// (or faster-coco-eval) on the same files, e.g.
//   python3 -c "from pycocotools.coco import COCO; from pycocotools.cocoeval
//   import COCOeval; g=COCO('DIR/gt.json'); e=COCOeval(g,
//   g.loadRes('DIR/dets.json'), 'segm'); e.evaluate(); e.accumulate();
//   e.summarize()"
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/coco_generator.h"
#include "slicekit/average_precision.h"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"

namespace slicekit::bench {
namespace {

void Fail(const absl::Status& status) {
  std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
  std::exit(1);
}

// [x0, y0, ...]: an octagon inscribed in `b`, two decimals.
void AppendOctagon(std::string* out, const Box& b) {
  out->append("[[");
  for (int k = 0; k < 8; ++k) {
    const double a = k * 3.14159265358979 / 4;
    const double x = std::round((b.x + b.w * (0.5 + 0.5 * std::cos(a))) * 100);
    const double y = std::round((b.y + b.h * (0.5 + 0.5 * std::sin(a))) * 100);
    absl::StrAppend(out, k == 0 ? "" : ",", x / 100, ",", y / 100);
  }
  out->append("]]");
}

void AppendBox(std::string* out, const Box& b) {
  absl::StrAppend(out, "[", b.x, ",", b.y, ",", b.w, ",", b.h, "]");
}

// The generated run as COCO JSON with polygon masks.
std::pair<std::string, std::string> SegmJson(const ModelRun& run) {
  std::string gt = "{\"images\":[";
  for (size_t i = 0; i < run.rows.size(); ++i) {
    const DataRow& row = run.rows[i];
    absl::StrAppend(&gt, i == 0 ? "" : ",", "\n{\"id\":", row.data_row_id,
                    ",\"width\":", std::get<int64_t>(row.metadata[1].second),
                    ",\"height\":", std::get<int64_t>(row.metadata[2].second),
                    "}");
  }
  gt.append("],\n\"annotations\":[");
  std::string dets = "[";
  bool first_gt = true, first_det = true;
  for (const DataRow& row : run.rows) {
    for (const GroundTruth& g : row.ground_truths) {
      absl::StrAppend(&gt, first_gt ? "" : ",", "\n{\"id\":", g.id,
                      ",\"image_id\":", row.data_row_id,
                      ",\"category_id\":", run.class_ids[g.class_index],
                      ",\"iscrowd\":", g.iscrowd ? 1 : 0,
                      ",\"area\":", g.area.value_or(0), ",\"bbox\":");
      AppendBox(&gt, g.box);
      gt.append(",\"segmentation\":");
      AppendOctagon(&gt, g.box);
      gt.append("}");
      first_gt = false;
    }
    for (const Prediction& p : row.predictions) {
      absl::StrAppend(&dets, first_det ? "" : ",",
                      "\n{\"image_id\":", row.data_row_id,
                      ",\"category_id\":", run.class_ids[p.class_index],
                      ",\"score\":", p.confidence, ",\"bbox\":");
      AppendBox(&dets, p.box);
      dets.append(",\"segmentation\":");
      AppendOctagon(&dets, p.box);
      dets.append("}");
      first_det = false;
    }
  }
  gt.append("],\n\"categories\":[");
  for (size_t c = 0; c < run.classes.size(); ++c) {
    absl::StrAppend(&gt, c == 0 ? "" : ",", "\n{\"id\":", run.class_ids[c],
                    ",\"name\":\"", run.classes[c], "\"}");
  }
  gt.append("]}\n");
  dets.append("]\n");
  return {std::move(gt), std::move(dets)};
}

const std::pair<std::string, std::string>& Json() {
  static const auto* const json = [] {
    CocoShape shape;
    if (const char* env = std::getenv("SLICEKIT_BENCH_IMAGES")) {
      shape.images = std::clamp<int64_t>(std::atoll(env), 1, 5000);
    }
    shape.ground_truths = shape.images * 6;
    shape.detections = shape.images * 8;
    return new std::pair<std::string, std::string>(
        SegmJson(GenerateCocoRun(shape)));
  }();
  return *json;
}

const ModelRun& Run() {
  static const ModelRun* const run = [] {
    absl::StatusOr<ModelRun> imported = ImportCoco(Json().first, Json().second);
    if (!imported.ok()) Fail(imported.status());
    return new ModelRun(*std::move(imported));
  }();
  return *run;
}

template <typename Fn>
void Timed(benchmark::State& state, Fn fn) {
  double ms = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    ms += std::chrono::duration<double, std::milli>(
              std::chrono::steady_clock::now() - start)
              .count();
  }
  int64_t masks = 0;
  for (const DataRow& row : Run().rows) {
    masks += std::ssize(row.ground_truths) + std::ssize(row.predictions);
  }
  state.counters["ms"] = ms / static_cast<double>(state.iterations());
  state.counters["masks"] = static_cast<double>(masks);
}

void BM_SegmImport(benchmark::State& state) {
  const auto& [gt, dets] = Json();
  Timed(state, [&] {
    absl::StatusOr<ModelRun> run = ImportCoco(gt, dets);
    if (!run.ok()) Fail(run.status());
    benchmark::DoNotOptimize(run);
  });
}
BENCHMARK(BM_SegmImport)->Unit(benchmark::kMillisecond);

void CocoAp(benchmark::State& state, IouType type) {
  const ModelRun& run = Run();
  double ap = 0;
  Timed(state, [&] {
    absl::StatusOr<Evaluator> evaluator = Evaluator::Create(&run, type);
    if (!evaluator.ok()) Fail(evaluator.status());
    ap = CocoEvaluator::Create(*evaluator).Evaluate().stats[kCocoAp];
  });
  state.counters["stat_ap"] = ap;
}

void BM_SegmCocoAp(benchmark::State& state) { CocoAp(state, IouType::kSegm); }
BENCHMARK(BM_SegmCocoAp)->Unit(benchmark::kMillisecond);

void BM_BboxCocoAp(benchmark::State& state) { CocoAp(state, IouType::kBbox); }
BENCHMARK(BM_BboxCocoAp)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace slicekit::bench

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    constexpr const char kFlag[] = "--write_coco=";
    if (std::strncmp(argv[i], kFlag, sizeof(kFlag) - 1) != 0) continue;
    const std::string dir = argv[i] + sizeof(kFlag) - 1;
    const auto& [gt, dets] = slicekit::bench::Json();
    std::ofstream(dir + "/gt.json") << gt;
    std::ofstream(dir + "/dets.json") << dets;
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
