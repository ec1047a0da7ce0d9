// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The slice report of a generated table with 20 saved slices (varied
// filters and orders) plus the 9 auto slices: 29 in all.
//
//   BM_BuildReport       the numbers: per slice a scan, a summary, two
//                        histograms and a top-k page
//   BM_RenderReportHtml  the HTML of a built report
//   BM_WriteReport       both, written to a file: what a pipeline calls
//
// $SLICEKIT_BENCH_ROWS rows (default 1M here); times per call in ms.
// The target is WriteReport under 2 s for 1M rows and 20 slices.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_util.h"
#include "slicekit/filter_text.h"
#include "slicekit/report.h"
#include "slicekit/slice.h"
#include "slicekit/table.h"

namespace slicekit::bench {
namespace {

template <typename T>
T OrDie(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, value.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(value);
}

const Table& TheTable() { return MetricsTable(BenchRows(1'000'000)); }

// 20 slices over every kind of column: counts, thresholds, categorical
// sets, NULL tests, ORs and NOTs; half with an order of their own.
std::vector<Slice> Slices() {
  const char* const filters[] = {"fp >= 1 AND confidence > 0.8",
                                 "confidence < 0.3",
                                 "iou < 0.5",
                                 "dataset = 'ds1'",
                                 "split = 'val' AND recall < 0.5",
                                 "fn >= 2",
                                 "precision < 0.5",
                                 "f1 BETWEEN 0.4 AND 0.6",
                                 "dataset IN ('ds5', 'ds6', 'ds7')",
                                 "iou IS NULL",
                                 "tp = 0 AND fp >= 1",
                                 "confidence >= 0.9 AND iou < 0.3",
                                 "NOT split = 'train'",
                                 "recall IS NULL",
                                 "tn >= 1",
                                 "fp >= 2 OR fn >= 2",
                                 "confidence BETWEEN 0.4 AND 0.6",
                                 "dataset = 'ds0' AND f1 < 0.5",
                                 "iou > 0.9",
                                 "split = 'test' AND confidence < 0.5"};
  const char* const orders[] = {"confidence", "iou", "f1", "fp", "recall"};
  std::vector<Slice> slices;
  for (size_t i = 0; i < std::size(filters); ++i) {
    Slice& slice = slices.emplace_back();
    slice.id = absl::StrCat("sl_", i);
    slice.name = absl::StrCat("Slice ", i);
    slice.filter = OrDie(ParseFilter(filters[i]), "ParseFilter");
    if (i % 2 == 0) slice.order_by = {{orders[i / 2 % 5], i % 4 == 0}};
  }
  return slices;
}

void BM_BuildReport(benchmark::State& state) {
  const Table& table = TheTable();
  const std::vector<Slice> slices = Slices();
  for (auto _ : state) {
    Report report = OrDie(BuildReport(table, slices), "BuildReport");
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_BuildReport)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RenderReportHtml(benchmark::State& state) {
  const Report report = OrDie(BuildReport(TheTable(), Slices()), "BuildReport");
  size_t bytes = 0;
  for (auto _ : state) {
    std::string html = RenderReportHtml(report);
    bytes = html.size();
    benchmark::DoNotOptimize(html);
  }
  state.counters["html_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderReportHtml)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WriteReport(benchmark::State& state) {
  const Table& table = TheTable();
  const std::vector<Slice> slices = Slices();
  const std::string path = absl::StrCat(
      std::getenv("TMPDIR") != nullptr ? std::getenv("TMPDIR") : "/tmp",
      "/slicekit_report_benchmark.html");
  for (auto _ : state) {
    const absl::Status status = WriteReport(table, slices, {}, path);
    if (!status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      break;
    }
  }
  std::remove(path.c_str());
}
BENCHMARK(BM_WriteReport)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace slicekit::bench

BENCHMARK_MAIN();
