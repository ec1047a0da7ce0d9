// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Why a slice fails (docs/errors.md#cost) on the 5,000-image COCO-like set
// of bench/coco_generator.h (36k ground truths, 48k detections, 80
// classes; $SLICEKIT_BENCH_IMAGES below 5,000 shrinks it). Target: the
// whole process under 0.5 s.
//
//   BM_ErrorsWholeProcess   what `slicekit errors` does: import the JSON
//                           text, TIDE, the confusion matrix, calibration
//   BM_Tide                 TIDE alone on the imported run
//   BM_ConfusionMatrix      the confusion matrix alone
//   BM_Calibration          calibration alone
//   BM_LabelIssues          the label issues alone
//   BM_TideSlice            TIDE over a 25% slice (dataset = 'ds0')
//
// Counters: ms (wall time per call), images.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "bench/coco_generator.h"
#include "slicekit/calibration.h"
#include "slicekit/coco.h"
#include "slicekit/confusion_matrix.h"
#include "slicekit/label_issues.h"
#include "slicekit/tide.h"

namespace slicekit::bench {
namespace {

void Check(const absl::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
  std::exit(1);
}

struct Inputs {
  std::string gt_json, dets_json;
  ModelRun run;
};

const Inputs& Data() {
  static const Inputs* const inputs = [] {
    CocoShape shape;
    const char* env = std::getenv("SLICEKIT_BENCH_IMAGES");
    shape.images =
        env == nullptr ? 5000 : std::clamp<int64_t>(std::atoll(env), 1, 5000);
    shape.ground_truths = shape.images * 36 / 5;
    shape.detections = shape.images * 48 / 5;
    auto* in = new Inputs;
    std::tie(in->gt_json, in->dets_json) = CocoJson(GenerateCocoRun(shape));
    absl::StatusOr<ModelRun> run = ImportCoco(in->gt_json, in->dets_json);
    Check(run.status());
    in->run = *std::move(run);
    return in;
  }();
  return *inputs;
}

template <typename Fn>
void Timed(benchmark::State& state, Fn fn) {
  const Inputs& in = Data();
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) fn(in);
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  state.counters["ms"] = ms / static_cast<double>(state.iterations());
  state.counters["images"] = static_cast<double>(in.run.rows.size());
}

void BM_ErrorsWholeProcess(benchmark::State& state) {
  Timed(state, [](const Inputs& in) {
    absl::StatusOr<ModelRun> run = ImportCoco(in.gt_json, in.dets_json);
    Check(run.status());
    absl::StatusOr<TideErrors> t = ComputeTide(*run);
    Check(t.status());
    absl::StatusOr<ConfusionMatrix> m = ComputeConfusionMatrix(*run);
    Check(m.status());
    absl::StatusOr<CalibrationReport> c = ComputeCalibration(*run);
    Check(c.status());
    benchmark::DoNotOptimize(t->ap + c->all.num_detections);
  });
}
BENCHMARK(BM_ErrorsWholeProcess)->Unit(benchmark::kMillisecond);

void BM_Tide(benchmark::State& state) {
  Timed(state, [](const Inputs& in) {
    absl::StatusOr<TideErrors> t = ComputeTide(in.run);
    Check(t.status());
    benchmark::DoNotOptimize(t->ap);
  });
}
BENCHMARK(BM_Tide)->Unit(benchmark::kMillisecond);

void BM_ConfusionMatrix(benchmark::State& state) {
  Timed(state, [](const Inputs& in) {
    absl::StatusOr<ConfusionMatrix> m = ComputeConfusionMatrix(in.run);
    Check(m.status());
    benchmark::DoNotOptimize(m->counts.data());
  });
}
BENCHMARK(BM_ConfusionMatrix)->Unit(benchmark::kMillisecond);

void BM_Calibration(benchmark::State& state) {
  Timed(state, [](const Inputs& in) {
    absl::StatusOr<CalibrationReport> c = ComputeCalibration(in.run);
    Check(c.status());
    benchmark::DoNotOptimize(c->all.num_detections);
  });
}
BENCHMARK(BM_Calibration)->Unit(benchmark::kMillisecond);

void BM_LabelIssues(benchmark::State& state) {
  Timed(state, [](const Inputs& in) {
    absl::StatusOr<std::vector<LabelIssue>> issues = FindLabelIssues(in.run);
    Check(issues.status());
    benchmark::DoNotOptimize(issues->data());
  });
}
BENCHMARK(BM_LabelIssues)->Unit(benchmark::kMillisecond);

void BM_TideSlice(benchmark::State& state) {
  const Inputs& in = Data();
  Selection rows(in.run.rows.size());
  for (size_t r = 0; r < in.run.rows.size(); ++r) {
    if (in.run.rows[r].dataset == "ds0") rows.Add(static_cast<RowIndex>(r));
  }
  Timed(state, [&](const Inputs& data) {
    absl::StatusOr<TideErrors> t = ComputeTide(data.run, &rows);
    Check(t.status());
    benchmark::DoNotOptimize(t->ap);
  });
  state.counters["slice_images"] = static_cast<double>(rows.Count());
}
BENCHMARK(BM_TideSlice)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace slicekit::bench

BENCHMARK_MAIN();
