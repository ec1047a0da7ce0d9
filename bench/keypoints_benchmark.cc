// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO keypoint evaluation (docs/metrics.md#keypoints) on a COCO-val-sized
// person set: bench/coco_generator.h's run of 5,000 images with one class
// (30k persons, 40k detections; $SLICEKIT_BENCH_IMAGES below 5,000 shrinks
// it), each with COCO's 17 keypoints placed in its box (a fifth of them not
// labelled, v = 0), detections' keypoints those of the box they were drawn
// from, written as COCO JSON (results without bbox, as keypoint results
// come).
//
//   BM_KeypointsImport   ImportCoco of the two files
//   BM_KeypointsCocoAp   what pycocotools' evaluate() + accumulate() do for
//                        iouType "keypoints": every OKS (Evaluator::Create
//                        with IouType::kKeypoints), the matching at 10
//                        thresholds x 3 area ranges, maxDets 20, the
//                        accumulation and the 10 stats
//
// Counters: ms (wall time per call), objects (ground truths + detections),
// stat_ap (AP .50:.95). --write_coco=DIR writes DIR/gt.json and
// DIR/dets.json and exits, for timing pycocotools on the same files
// (COCOeval(gt, gt.loadRes(dets), "keypoints")).
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

// 17 keypoints in `b` on a fixed pattern (x, y, v); v = 0 (x = y = 0) for
// every fifth object's odd keypoints when `labels`, else a score.
void AppendKeypoints(std::string* out, const Box& b, bool labels, bool hide) {
  out->append("[");
  for (int k = 0; k < 17; ++k) {
    const double fx = 0.1 + 0.8 * ((k * 7) % 17) / 16.0;
    const double fy = 0.05 + 0.9 * k / 16.0;
    const bool hidden = labels && hide && k % 2 == 1;
    const double x = hidden ? 0 : std::round((b.x + b.w * fx) * 100) / 100;
    const double y = hidden ? 0 : std::round((b.y + b.h * fy) * 100) / 100;
    absl::StrAppend(out, k == 0 ? "" : ",", x, ",", y, ",",
                    labels ? (hidden ? 0 : 2) : 1);
  }
  out->append("]");
}

void AppendBox(std::string* out, const Box& b) {
  absl::StrAppend(out, "[", b.x, ",", b.y, ",", b.w, ",", b.h, "]");
}

// The generated run as COCO keypoint JSON.
std::pair<std::string, std::string> KeypointJson(const ModelRun& run) {
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
      const bool hide = g.id % 5 == 0;
      absl::StrAppend(
          &gt, first_gt ? "" : ",", "\n{\"id\":", g.id,
          ",\"image_id\":", row.data_row_id,
          ",\"category_id\":", run.class_ids[g.class_index],
          ",\"iscrowd\":", g.iscrowd ? 1 : 0, ",\"area\":", g.area.value_or(0),
          ",\"num_keypoints\":", g.iscrowd ? 0 : (hide ? 8 : 17), ",\"bbox\":");
      AppendBox(&gt, g.box);
      gt.append(",\"keypoints\":");
      AppendKeypoints(&gt, g.box, true, hide || g.iscrowd);
      gt.append("}");
      first_gt = false;
    }
    for (const Prediction& p : row.predictions) {
      absl::StrAppend(&dets, first_det ? "" : ",",
                      "\n{\"image_id\":", row.data_row_id,
                      ",\"category_id\":", run.class_ids[p.class_index],
                      ",\"score\":", p.confidence, ",\"keypoints\":");
      AppendKeypoints(&dets, p.box, false, false);
      dets.append("}");
      first_det = false;
    }
  }
  gt.append("],\n\"categories\":[");
  for (size_t c = 0; c < run.classes.size(); ++c) {
    absl::StrAppend(&gt, c == 0 ? "" : ",", "\n{\"id\":", run.class_ids[c],
                    ",\"name\":\"", run.classes[c], "\",\"keypoints\":[");
    for (int k = 0; k < 17; ++k) {
      absl::StrAppend(&gt, k == 0 ? "" : ",", "\"k", k, "\"");
    }
    gt.append("]}");
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
    shape.categories = 1;
    return new std::pair<std::string, std::string>(
        KeypointJson(GenerateCocoRun(shape)));
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
  state.counters["objects"] = static_cast<double>(masks);
}

void BM_KeypointsImport(benchmark::State& state) {
  const auto& [gt, dets] = Json();
  Timed(state, [&] {
    absl::StatusOr<ModelRun> run = ImportCoco(gt, dets);
    if (!run.ok()) Fail(run.status());
    benchmark::DoNotOptimize(run);
  });
}
BENCHMARK(BM_KeypointsImport)->Unit(benchmark::kMillisecond);

void BM_KeypointsCocoAp(benchmark::State& state) {
  const ModelRun& run = Run();
  double ap = 0;
  Timed(state, [&] {
    absl::StatusOr<Evaluator> evaluator =
        Evaluator::Create(&run, IouType::kKeypoints);
    if (!evaluator.ok()) Fail(evaluator.status());
    ap = CocoEvaluator::Create(*evaluator).Evaluate().stats[kCocoAp];
  });
  state.counters["stat_ap"] = ap;
}
BENCHMARK(BM_KeypointsCocoAp)->Unit(benchmark::kMillisecond);

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
