// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Comparing two runs (docs/compare.md#cost) on the 5,000-image COCO-like
// set of bench/coco_generator.h ($SLICEKIT_BENCH_IMAGES below 5,000 shrinks
// it): the base run is the generated one, the new run the same with every
// detection's score jittered and one in twenty dropped. The metrics are
// AP, AP50 and AP75 (one weighted accumulation per run, slice and
// resample gives all three); 1,000 resamples ($SLICEKIT_BENCH_RESAMPLES);
// 2 threads.
//
//   BM_CompareWholeProcess   what `slicekit compare` does: import both runs
//                            from their JSON text, match each, the slices'
//                            images, the bootstrap of 3 slices + all data
//   BM_Compare100Slices      the same with 100 slices (import and matching
//                            done once, outside the timing)
//   BM_CompareAllDataOnly    all data alone: the whole-dataset bootstrap
//
// Counters: ms (wall time per call), slices, resamples, images.
// --write_coco=DIR writes DIR/gt.json, base.json and new.json, to time the
// CLI on the same data.
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
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/coco_generator.h"
#include "slicekit/coco.h"
#include "slicekit/compare.h"
#include "slicekit/filter_text.h"

namespace slicekit::bench {
namespace {

void Fail(const absl::Status& status) {
  std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
  std::exit(1);
}

int64_t EnvOr(const char* name, int64_t fallback, int64_t lo, int64_t hi) {
  const char* env = std::getenv(name);
  return env == nullptr ? fallback
                        : std::clamp<int64_t>(std::atoll(env), lo, hi);
}

struct Inputs {
  std::string gt_json, base_json, new_json;
  ModelRun base, fresh;
};

// The new run: scores jittered by up to +-0.1, one detection in twenty
// dropped.
ModelRun Perturbed(const ModelRun& run) {
  SplitMix64 rng(7);
  ModelRun out = run;
  for (DataRow& row : out.rows) {
    std::vector<Prediction> kept;
    for (Prediction p : row.predictions) {
      if (rng.Below(20) == 0) continue;
      const double jitter = (rng.Uniform() - 0.5) * 0.2;
      p.confidence =
          std::round(std::clamp(p.confidence + jitter, 0.0, 1.0) * 1000) / 1000;
      kept.push_back(p);
    }
    row.predictions = std::move(kept);
  }
  return out;
}

const Inputs& Data() {
  static const Inputs* const inputs = [] {
    CocoShape shape;
    shape.images = EnvOr("SLICEKIT_BENCH_IMAGES", 5000, 1, 5000);
    shape.ground_truths = shape.images * 36 / 5;
    shape.detections = shape.images * 48 / 5;
    const ModelRun run = GenerateCocoRun(shape);
    auto* in = new Inputs;
    std::tie(in->gt_json, in->base_json) = CocoJson(run);
    in->new_json = CocoJson(Perturbed(run)).second;
    absl::StatusOr<ModelRun> base = ImportCoco(in->gt_json, in->base_json);
    if (!base.ok()) Fail(base.status());
    absl::StatusOr<ModelRun> fresh = ImportCoco(in->gt_json, in->new_json);
    if (!fresh.ok()) Fail(fresh.status());
    in->base = *std::move(base);
    in->fresh = *std::move(fresh);
    return in;
  }();
  return *inputs;
}

std::vector<CompareSlice> Slices(size_t count) {
  // Three slices of 25%, 25% and about 40% of the images, then as many
  // conjunctions of the metadata as asked for (1% to 25% each).
  std::vector<std::string> filters = {"dataset = 'ds0'", "split = 'val'",
                                      "width >= 560"};
  const char* splits[] = {"train", "val", "test"};
  for (int d = 0; d < 4 && filters.size() < count; ++d) {
    for (int w = 320; w <= 640 && filters.size() < count; w += 80) {
      filters.push_back(absl::StrCat("dataset = 'ds", d, "' AND width = ", w));
    }
    for (const char* s : splits) {
      filters.push_back(
          absl::StrCat("dataset = 'ds", d, "' AND split = '", s, "'"));
    }
    for (int h = 240; h <= 480; h += 80) {
      filters.push_back(absl::StrCat("dataset = 'ds", d, "' AND height = ", h));
    }
  }
  for (const char* s : splits) {
    for (int w = 320; w <= 640; w += 80) {
      for (int h = 240; h <= 480; h += 80) {
        filters.push_back(absl::StrCat("split = '", s, "' AND width = ", w,
                                       " AND height >= ", h));
      }
    }
  }
  filters.resize(std::min(filters.size(), count));
  std::vector<CompareSlice> out;
  for (const std::string& text : filters) {
    absl::StatusOr<Expr> filter = ParseFilter(text);
    if (!filter.ok()) Fail(filter.status());
    out.push_back({text, *std::move(filter)});
  }
  return out;
}

CompareOptions Options() {
  CompareOptions options;
  options.metrics = {CompareMetric::kAp, CompareMetric::kAp50,
                     CompareMetric::kAp75};
  options.bootstrap = EnvOr("SLICEKIT_BENCH_RESAMPLES", 1000, 1, 100000);
  options.threads = 2;
  return options;
}

template <typename Fn>
void Timed(benchmark::State& state, size_t slices, Fn fn) {
  Data();  // generated once, outside the timing
  double ms = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    ms += std::chrono::duration<double, std::milli>(
              std::chrono::steady_clock::now() - start)
              .count();
  }
  state.counters["ms"] = ms / static_cast<double>(state.iterations());
  state.counters["slices"] = static_cast<double>(slices + 1);
  state.counters["resamples"] = static_cast<double>(Options().bootstrap);
  state.counters["images"] = static_cast<double>(Data().base.rows.size());
}

void Check(const absl::StatusOr<Comparison>& c) {
  if (!c.ok()) Fail(c.status());
  benchmark::DoNotOptimize(c->results.data());
}

void BM_CompareWholeProcess(benchmark::State& state) {
  const Inputs& in = Data();
  const std::vector<CompareSlice> slices = Slices(3);
  Timed(state, slices.size(), [&] {
    absl::StatusOr<ModelRun> base = ImportCoco(in.gt_json, in.base_json);
    absl::StatusOr<ModelRun> fresh = ImportCoco(in.gt_json, in.new_json);
    if (!base.ok() || !fresh.ok()) Fail(base.status());
    Check(CompareRuns(*base, *fresh, slices, Options()));
  });
}
BENCHMARK(BM_CompareWholeProcess)->Unit(benchmark::kMillisecond);

void BM_Compare100Slices(benchmark::State& state) {
  const std::vector<CompareSlice> slices = Slices(100);
  Timed(state, slices.size(), [&] {
    Check(CompareRuns(Data().base, Data().fresh, slices, Options()));
  });
}
BENCHMARK(BM_Compare100Slices)->Unit(benchmark::kMillisecond);

void BM_CompareAllDataOnly(benchmark::State& state) {
  Timed(state, 0,
        [&] { Check(CompareRuns(Data().base, Data().fresh, {}, Options())); });
}
BENCHMARK(BM_CompareAllDataOnly)->Unit(benchmark::kMillisecond);

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  return static_cast<bool>(file.flush());
}

}  // namespace
}  // namespace slicekit::bench

int main(int argc, char** argv) {
  constexpr char kWrite[] = "--write_coco=";
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], kWrite, sizeof(kWrite) - 1) == 0) {
      const std::string dir = argv[i] + sizeof(kWrite) - 1;
      const slicekit::bench::Inputs& in = slicekit::bench::Data();
      if (!slicekit::bench::WriteFile(dir + "/gt.json", in.gt_json) ||
          !slicekit::bench::WriteFile(dir + "/base.json", in.base_json) ||
          !slicekit::bench::WriteFile(dir + "/new.json", in.new_json)) {
        std::fprintf(stderr, "cannot write to %s\n", dir.c_str());
        return 1;
      }
      return 0;
    }
    argv[out++] = argv[i];
  }
  argc = out;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
