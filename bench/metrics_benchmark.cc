// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Matching, threshold changes and COCO import (docs/metrics.md), on runs
// from bench/coco_generator.h.
//
//   BM_Match/0                 Evaluator::Create then Compute (defaults) on
//                              the large run: $SLICEKIT_BENCH_IMAGES images
//                              (default 100k), 20 boxes per image (8.6 GT,
//                              11.4 detections: COCO val's 36k:48k), so 2M
//                              boxes at the default size
//   BM_Match/1                 the same on the COCO-val-sized set below
//   BM_EvaluatorCreate/T       Create alone (every IoU), large run, on T
//                              threads (1, 2, $SLICEKIT_BENCH_THREADS)
//   BM_ComputeNewIouThreshold  Compute on an existing Evaluator, the IoU
//                              threshold alternating 0.5 / 0.75, large run
//   BM_ComputeNewConfidenceThreshold   the same, confidence 0.5 / 0.3
//   BM_ImportCoco              ImportCoco() of the COCO-val-sized set as
//                              JSON text: min(5000, images) images, 7.2 GT
//                              and 9.6 detections per image (48k at 5k)
//   BM_WholeEval               what `slicekit eval` does on that set: import,
//                              match, metrics table, CSV written to memory
//
// Counters: boxes_per_s (GT + predictions per CPU second), ms (wall-clock
// time per call), MB_per_s (JSON text per CPU second), evaluator_B_per_box (the
// Evaluator's own accounting, memory_bytes(), over the boxes), run_B_per_box
// (the run's GT and prediction vectors, an estimate from their capacities),
// metrics_B_per_box (the RunMetrics that Compute returns).
//
// `metrics_benchmark --write_coco=DIR` writes the COCO-val-sized set to
// DIR/gt.json and DIR/dets.json and exits, for timing `slicekit eval`.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/bench_util.h"
#include "bench/coco_generator.h"
#include "slicekit/coco.h"
#include "slicekit/explore.h"
#include "slicekit/metrics.h"
#include "slicekit/model_run.h"
#include "slicekit/table.h"

namespace slicekit::bench {
namespace {

int64_t BenchImages() {
  const char* env = std::getenv("SLICEKIT_BENCH_IMAGES");
  if (env == nullptr || *env == '\0') return 100'000;
  const long long images = std::atoll(env);
  if (images <= 0) {
    std::fprintf(stderr, "SLICEKIT_BENCH_IMAGES must be positive, not '%s'\n",
                 env);
    std::exit(2);
  }
  return images;
}

void Check(const absl::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
    std::exit(1);
  }
}

CocoShape LargeShape() {
  CocoShape shape;
  shape.images = BenchImages();
  shape.ground_truths = shape.images * 20 * 3 / 7;
  shape.detections = shape.images * 20 - shape.ground_truths;
  return shape;
}

CocoShape ValShape() {
  CocoShape shape;
  shape.images = std::min<int64_t>(BenchImages(), 5000);
  shape.ground_truths = shape.images * 36 / 5;
  shape.detections = shape.images * 48 / 5;
  return shape;
}

const ModelRun& LargeRun() {
  static const ModelRun* const run =
      new ModelRun(GenerateCocoRun(LargeShape()));
  return *run;
}

struct ValSet {
  ModelRun run;
  std::string gt_json;
  std::string dets_json;
};

const ValSet& Val() {
  static const ValSet* const set = [] {
    auto* s = new ValSet{GenerateCocoRun(ValShape()), "", ""};
    std::tie(s->gt_json, s->dets_json) = CocoJson(s->run);
    return s;
  }();
  return *set;
}

double RunBytesPerBox(const ModelRun& run) {
  double bytes = 0;
  for (const DataRow& row : run.rows) {
    bytes +=
        static_cast<double>(row.ground_truths.capacity() * sizeof(GroundTruth) +
                            row.predictions.capacity() * sizeof(Prediction));
  }
  return bytes / static_cast<double>(CountBoxes(run));
}

double MetricsBytes(const RunMetrics& m) {
  return static_cast<double>(m.rows.capacity() * sizeof(Metrics) +
                             m.classes.capacity() *
                                 sizeof(RunMetrics::ClassEntry) +
                             m.class_begin.capacity() * sizeof(size_t));
}

// Wall-clock time and page faults of a benchmark's loop.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  const FaultCounter& faults() const { return faults_; }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
  FaultCounter faults_;
};

void SetMs(benchmark::State& state, const Stopwatch& watch) {
  watch.faults().Set(state);
  state.counters["ms"] = watch.Seconds() * 1e3 /
                         static_cast<double>(std::max<int64_t>(
                             1, static_cast<int64_t>(state.iterations())));
}

void SetRateCounters(benchmark::State& state, const Stopwatch& watch,
                     double boxes) {
  state.counters["boxes_per_s"] =
      benchmark::Counter(boxes, benchmark::Counter::kIsIterationInvariantRate);
  SetMs(state, watch);
  state.counters["boxes"] = boxes;
}

void BM_Match(benchmark::State& state) {
  const ModelRun& run = state.range(0) == 0 ? LargeRun() : Val().run;
  const double boxes = static_cast<double>(CountBoxes(run));
  size_t evaluator_bytes = 0;
  double metrics_bytes = 0;
  int64_t ious = 0;
  const Stopwatch watch;
  for (auto _ : state) {
    absl::StatusOr<Evaluator> evaluator = Evaluator::Create(&run);
    Check(evaluator.status(), "Evaluator::Create");
    absl::StatusOr<RunMetrics> metrics = evaluator->Compute({});
    Check(metrics.status(), "Compute");
    benchmark::DoNotOptimize(metrics->rows.data());
    evaluator_bytes = evaluator->memory_bytes();
    metrics_bytes = MetricsBytes(*metrics);
    ious = evaluator->num_iou_computations();
  }
  SetRateCounters(state, watch, boxes);
  state.counters["images"] = static_cast<double>(run.rows.size());
  state.counters["ious"] = static_cast<double>(ious);
  state.counters["evaluator_B_per_box"] =
      static_cast<double>(evaluator_bytes) / boxes;
  state.counters["run_B_per_box"] = RunBytesPerBox(run);
  state.counters["metrics_B_per_box"] = metrics_bytes / boxes;
}
BENCHMARK(BM_Match)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_EvaluatorCreate(benchmark::State& state) {
  const ModelRun& run = LargeRun();
  const int threads = static_cast<int>(state.range(0));
  const Stopwatch watch;
  for (auto _ : state) {
    absl::StatusOr<Evaluator> evaluator =
        Evaluator::Create(&run, IouType::kBbox, threads);
    Check(evaluator.status(), "Evaluator::Create");
    benchmark::DoNotOptimize(evaluator->num_iou_computations());
  }
  SetRateCounters(state, watch, static_cast<double>(CountBoxes(run)));
}
// Threads 1 and 2, and $SLICEKIT_BENCH_THREADS when set (a larger
// machine's scaling). Wall-clock time: the workers' CPU is not the
// caller's.
void ThreadCounts(benchmark::internal::Benchmark* b) {
  b->Arg(1)->Arg(2);
  if (const char* env = std::getenv("SLICEKIT_BENCH_THREADS")) {
    const int n = std::atoi(env);
    if (n > 2) b->Arg(n);
  }
}
BENCHMARK(BM_EvaluatorCreate)
    ->Apply(ThreadCounts)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Compute on one Evaluator, alternating between two options.
void ThresholdChange(benchmark::State& state, MetricsOptions a,
                     MetricsOptions b) {
  const ModelRun& run = LargeRun();
  absl::StatusOr<Evaluator> evaluator = Evaluator::Create(&run);
  Check(evaluator.status(), "Evaluator::Create");
  const int64_t ious = evaluator->num_iou_computations();
  bool flip = false;
  const Stopwatch watch;
  for (auto _ : state) {
    absl::StatusOr<RunMetrics> metrics = evaluator->Compute(flip ? b : a);
    Check(metrics.status(), "Compute");
    benchmark::DoNotOptimize(metrics->rows.data());
    flip = !flip;
  }
  if (evaluator->num_iou_computations() != ious) {
    state.SkipWithError("a threshold change computed IoUs");
  }
  SetRateCounters(state, watch, static_cast<double>(CountBoxes(run)));
}

void BM_ComputeNewIouThreshold(benchmark::State& state) {
  MetricsOptions a, b;
  b.iou_threshold = 0.75;
  ThresholdChange(state, a, b);
}
BENCHMARK(BM_ComputeNewIouThreshold)->Unit(benchmark::kMillisecond);

void BM_ComputeNewConfidenceThreshold(benchmark::State& state) {
  MetricsOptions a, b;
  b.confidence_threshold = 0.3;
  ThresholdChange(state, a, b);
}
BENCHMARK(BM_ComputeNewConfidenceThreshold)->Unit(benchmark::kMillisecond);

void SetImportCounters(benchmark::State& state, const Stopwatch& watch,
                       const ValSet& val) {
  const double bytes =
      static_cast<double>(val.gt_json.size() + val.dets_json.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(bytes));
  state.counters["MB_per_s"] = benchmark::Counter(
      bytes / 1e6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MB"] = bytes / 1e6;
  SetMs(state, watch);
  state.counters["images"] = static_cast<double>(val.run.rows.size());
  state.counters["boxes"] = static_cast<double>(CountBoxes(val.run));
}

void BM_ImportCoco(benchmark::State& state) {
  const ValSet& val = Val();
  const Stopwatch watch;
  for (auto _ : state) {
    absl::StatusOr<ModelRun> run = ImportCoco(val.gt_json, val.dets_json);
    Check(run.status(), "ImportCoco");
    benchmark::DoNotOptimize(run->rows.data());
  }
  SetImportCounters(state, watch, val);
}
BENCHMARK(BM_ImportCoco)->Unit(benchmark::kMillisecond);

// As examples/slicekit_main.cc's Eval (with the per-class columns): import,
// match, WriteMetricsCsv. `via_table` instead builds MetricsToTable's table
// and exports it (the same bytes), as eval did before WriteMetricsCsv.
void WholeEval(benchmark::State& state, bool via_table) {
  const ValSet& val = Val();
  size_t csv_bytes = 0;
  const Stopwatch watch;
  for (auto _ : state) {
    absl::StatusOr<ModelRun> run = ImportCoco(val.gt_json, val.dets_json);
    Check(run.status(), "ImportCoco");
    absl::StatusOr<RunMetrics> metrics = ComputeMetrics(*run, {});
    Check(metrics.status(), "ComputeMetrics");
    std::ostringstream csv;
    if (via_table) {
      absl::StatusOr<Table> table = MetricsToTable(*run, *metrics);
      Check(table.status(), "MetricsToTable");
      std::vector<RowIndex> rows(table->num_rows());
      for (size_t i = 0; i < rows.size(); ++i) {
        rows[i] = static_cast<RowIndex>(i);
      }
      Check(ExportRows(*table, rows, ExportFormat::kCsv, csv), "ExportRows");
    } else {
      Check(WriteMetricsCsv(*run, *metrics, {}, csv), "WriteMetricsCsv");
    }
    csv_bytes = static_cast<size_t>(csv.tellp());
  }
  SetImportCounters(state, watch, val);
  state.counters["csv_MB"] = static_cast<double>(csv_bytes) / 1e6;
}
void BM_WholeEval(benchmark::State& state) { WholeEval(state, false); }
BENCHMARK(BM_WholeEval)->Unit(benchmark::kMillisecond);
void BM_WholeEvalViaTable(benchmark::State& state) { WholeEval(state, true); }
BENCHMARK(BM_WholeEvalViaTable)->Unit(benchmark::kMillisecond);

// --write_coco=DIR: writes the COCO-val-sized set; returns the exit code.
int WriteCoco(const std::string& dir) {
  const ValSet& val = Val();
  for (const auto& [name, text] :
       {std::pair<std::string, const std::string*>{"gt.json", &val.gt_json},
        {"dets.json", &val.dets_json}}) {
    const std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out << *text;
    out.close();
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
    std::printf("%s: %zu bytes\n", path.c_str(), text->size());
  }
  std::printf("%zu images, %lld boxes\n", val.run.rows.size(),
              static_cast<long long>(CountBoxes(val.run)));
  return 0;
}

}  // namespace
}  // namespace slicekit::bench

int main(int argc, char** argv) {
  constexpr char kWrite[] = "--write_coco=";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], kWrite, sizeof(kWrite) - 1) == 0) {
      return slicekit::bench::WriteCoco(argv[i] + sizeof(kWrite) - 1);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
