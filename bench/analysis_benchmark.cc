// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// What analysis code pays to read columns through the read seam
// (slicekit/column_reader.h) on the generated 10M-row metrics table
// ($SLICEKIT_BENCH_ROWS overrides the size):
//   BM_Summarize/<rule>   Summarize() of the rows a filter selects: every
//                         row, fp >= 1 (~30%), confidence < 0.01 (~1%)
//   BM_ReadColumns        decoding tp, fp, fn and confidence for every live
//                         row, batch by batch (the reader alone: the ints
//                         summed, the floats' maximum, both vectorized)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "slicekit/column_reader.h"
#include "slicekit/explore.h"
#include "slicekit/filter_text.h"
#include "slicekit/scan.h"

namespace slicekit::bench {
namespace {

const char* const kRules[] = {"fp >= 0", "fp >= 1", "confidence < 0.01"};

Selection Select(const Table& table, const char* rule) {
  absl::StatusOr<Selection> rows = Filter(table, *ParseFilter(rule));
  if (!rows.ok()) {
    std::fprintf(stderr, "%s: %s\n", rule,
                 std::string(rows.status().message()).c_str());
    std::exit(1);
  }
  return *std::move(rows);
}

void BM_Summarize(benchmark::State& state) {
  const Table& table = MetricsTable(BenchRows());
  const Selection rows = Select(table, kRules[state.range(0)]);
  state.SetLabel(kRules[state.range(0)]);
  FaultCounter faults;
  for (auto _ : state) {
    absl::StatusOr<SliceSummary> summary = Summarize(table, rows);
    if (!summary.ok()) state.SkipWithError("Summarize failed");
    benchmark::DoNotOptimize(summary);
  }
  faults.Set(state);
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(table.num_rows()),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Summarize)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

void BM_ReadColumns(benchmark::State& state) {
  const Table& table = MetricsTable(BenchRows());
  const Schema& schema = table.schema();
  absl::StatusOr<TableReader> reader = TableReader::Make(
      table, {*schema.Find("tp"), *schema.Find("fp"), *schema.Find("fn"),
              *schema.Find("confidence")});
  if (!reader.ok()) {
    state.SkipWithError("TableReader::Make failed");
    return;
  }
  FaultCounter faults;
  for (auto _ : state) {
    int64_t counts = 0;
    float confidence = 0;
    reader->ForEachBatch([&](const RowBatch& batch) {
      // Locals, so the loops keep them in registers.
      int64_t sum = 0;
      for (size_t k = 0; k < 3; ++k) {
        for (const int64_t v : batch.column(k).ints()) sum += v;
      }
      float most = 0;
      for (const float v : batch.column(3).floats()) most = std::max(most, v);
      counts += sum;
      confidence = std::max(confidence, most);
    });
    benchmark::DoNotOptimize(counts);
    benchmark::DoNotOptimize(confidence);
  }
  faults.Set(state);
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(table.num_rows()),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ReadColumns)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace slicekit::bench

BENCHMARK_MAIN();
