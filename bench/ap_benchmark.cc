// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO AP (docs/metrics.md#average-precision) on the COCO-val-sized set of
// bench/coco_generator.h: 5,000 images, 36k ground truths, 48k detections,
// 80 classes ($SLICEKIT_BENCH_IMAGES below 5,000 shrinks it), imported from
// its JSON text; or on DIR/gt.json and DIR/dets.json with --coco_dir=DIR
// (bench/compare_pycocotools_ap.sh times pycocotools on the same files).
//
//   BM_CocoAp                 what pycocotools' evaluate() + accumulate()
//                             do: every IoU (Evaluator::Create), matching
//                             at the 10 IoU thresholds x 4 area ranges
//                             (CocoEvaluator::Create), accumulation and
//                             summary (Evaluate)
//   BM_CocoEvaluatorCreate    the matching alone, from an Evaluator
//   BM_CocoEvaluate/<pct>     Evaluate() on pct% of the images (a slice;
//                             100: all), from a CocoEvaluator
//   BM_CocoSweep              the confidence sweep at IoU .5, all images,
//                             a point at every distinct score
//
// Counters: ms (wall time per call), images, detections, stat_ap (the
// AP .50:.95 found, to compare with pycocotools').
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "bench/coco_generator.h"
#include "slicekit/average_precision.h"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"

namespace slicekit::bench {
namespace {

std::string* coco_dir = new std::string;

void Fail(const absl::Status& status) {
  std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
  std::exit(1);
}

const ModelRun& Run() {
  static const ModelRun* const run = [] {
    absl::StatusOr<ModelRun> imported;
    if (!coco_dir->empty()) {
      imported =
          ImportCocoFiles(*coco_dir + "/gt.json", *coco_dir + "/dets.json");
    } else {
      CocoShape shape;
      if (const char* env = std::getenv("SLICEKIT_BENCH_IMAGES")) {
        shape.images = std::clamp<int64_t>(std::atoll(env), 1, 5000);
      }
      shape.ground_truths = shape.images * 36 / 5;
      shape.detections = shape.images * 48 / 5;
      const auto [gt, dets] = CocoJson(GenerateCocoRun(shape));
      imported = ImportCoco(gt, dets);
    }
    if (!imported.ok()) Fail(imported.status());
    return new ModelRun(*std::move(imported));
  }();
  return *run;
}

const Evaluator& SharedEvaluator() {
  static const Evaluator* const e = [] {
    absl::StatusOr<Evaluator> created = Evaluator::Create(&Run());
    if (!created.ok()) Fail(created.status());
    return new Evaluator(*std::move(created));
  }();
  return *e;
}

const CocoEvaluator& SharedCoco() {
  static const CocoEvaluator* const c =
      new CocoEvaluator(CocoEvaluator::Create(SharedEvaluator()));
  return *c;
}

int64_t Detections(const ModelRun& run) {
  int64_t n = 0;
  for (const DataRow& row : run.rows) n += std::ssize(row.predictions);
  return n;
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
  state.counters["ms"] = ms / static_cast<double>(state.iterations());
  state.counters["images"] = static_cast<double>(Run().rows.size());
  state.counters["detections"] = static_cast<double>(Detections(Run()));
}

void BM_CocoAp(benchmark::State& state) {
  const ModelRun& run = Run();
  double ap = 0;
  Timed(state, [&] {
    absl::StatusOr<Evaluator> evaluator = Evaluator::Create(&run);
    if (!evaluator.ok()) Fail(evaluator.status());
    const CocoEvaluation e = CocoEvaluator::Create(*evaluator).Evaluate();
    ap = e.stats[kCocoAp];
  });
  state.counters["stat_ap"] = ap;
}
BENCHMARK(BM_CocoAp)->Unit(benchmark::kMillisecond);

void BM_CocoEvaluatorCreate(benchmark::State& state) {
  const Evaluator& evaluator = SharedEvaluator();
  Timed(state, [&] {
    CocoEvaluator c = CocoEvaluator::Create(evaluator);
    benchmark::DoNotOptimize(c);
  });
}
BENCHMARK(BM_CocoEvaluatorCreate)->Unit(benchmark::kMillisecond);

void BM_CocoEvaluate(benchmark::State& state) {
  const CocoEvaluator& coco = SharedCoco();
  const size_t rows = Run().rows.size();
  Selection slice(rows);
  for (size_t r = 0; r < rows; ++r) {
    if (static_cast<int64_t>(r * 7919 % 100) < state.range(0)) {
      slice.Add(static_cast<RowIndex>(r));
    }
  }
  double ap = 0;
  Timed(state, [&] {
    absl::StatusOr<CocoEvaluation> e = coco.Evaluate(slice);
    if (!e.ok()) Fail(e.status());
    ap = e->stats[kCocoAp];
  });
  state.counters["stat_ap"] = ap;
}
BENCHMARK(BM_CocoEvaluate)->Arg(100)->Arg(25)->Unit(benchmark::kMillisecond);

void BM_CocoSweep(benchmark::State& state) {
  const CocoEvaluator& coco = SharedCoco();
  Timed(state, [&] {
    absl::StatusOr<std::vector<ClassSweep>> s = coco.Sweep(SweepOptions{});
    if (!s.ok()) Fail(s.status());
    benchmark::DoNotOptimize(s);
  });
}
BENCHMARK(BM_CocoSweep)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace slicekit::bench

int main(int argc, char** argv) {
  constexpr char kDir[] = "--coco_dir=";
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], kDir, sizeof(kDir) - 1) == 0) {
      *slicekit::bench::coco_dir = argv[i] + sizeof(kDir) - 1;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
