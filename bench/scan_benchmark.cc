// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Scan and top-k speed on the generated metrics table, with the peer query
// set of ../shared/peer/queries.sql: q1-q5 as filters (Bind once, Scan per
// iteration), q6-q8 as OrderRows with LIMIT 100. Reports ns_per_row.
//
//   SLICEKIT_BENCH_ROWS=1000000 ./scan_benchmark --benchmark_filter=q2
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "slicekit/expr.h"
#include "slicekit/filter_text.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"

namespace slicekit::bench {
namespace {

struct FilterQuery {
  const char* id;
  const char* where;
};

// The WHERE clauses of queries.sql q1-q5, verbatim.
constexpr FilterQuery kFilterQueries[] = {
    {"q1", "confidence < 0.5"},
    {"q2", "confidence < 0.5 AND fp >= 1"},
    {"q3", "(iou BETWEEN 0.3 AND 0.7) OR recall < 0.2"},
    {"q4", "dataset IN ('ds1','ds5') AND NOT (split = 'train') AND f1 < 0.6"},
    {"q5",
     "iou IS NULL OR (precision < 0.5 AND recall < 0.5 AND confidence > 0.8)"},
};

struct OrderQuery {
  const char* id;
  const char* where;  // nullptr: every row
  OrderBy order;
};

// queries.sql q6-q8: ORDER BY ... , data_row_id LIMIT 100.
const OrderQuery kOrderQueries[] = {
    {"q6", nullptr, {"fp", /*descending=*/true}},
    {"q7", "fp >= 1", {"confidence", /*descending=*/true}},
    {"q8", nullptr, {"precision", /*descending=*/false}},
};

void SetRowCounters(benchmark::State& state, int64_t rows) {
  const double processed =
      static_cast<double>(rows) * static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(processed));
  // Seconds per row, shown with an SI prefix ("1.2n" = 1.2 ns per row).
  state.counters["ns_per_row"] = benchmark::Counter(
      processed, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Returns the bound filter, or nullopt after marking `state` as failed.
std::optional<BoundFilter> BindOrSkip(benchmark::State& state,
                                      const Table& table, const char* where) {
  absl::StatusOr<Expr> expr = ParseFilter(where);
  if (!expr.ok()) {
    state.SkipWithError(std::string(expr.status().message()).c_str());
    return std::nullopt;
  }
  absl::StatusOr<BoundFilter> bound = Bind(*expr, table);
  if (!bound.ok()) {
    state.SkipWithError(std::string(bound.status().message()).c_str());
    return std::nullopt;
  }
  return *std::move(bound);
}

// args: rows, threads.
void BM_Filter(benchmark::State& state, const FilterQuery& query) {
  const int64_t rows = state.range(0);
  const ScanOptions options{static_cast<int>(state.range(1))};
  const Table& table = MetricsTable(rows);
  std::optional<BoundFilter> bound = BindOrSkip(state, table, query.where);
  if (!bound.has_value()) return;
  Selection selection;
  for (auto _ : state) {
    selection = bound->Scan(options);
    benchmark::DoNotOptimize(selection.words().data());
    benchmark::ClobberMemory();
  }
  SetRowCounters(state, rows);
  state.counters["matched"] = static_cast<double>(selection.Count());
}

// args: rows, threads. The filter's scan (if any) is timed with the order.
void BM_OrderLimit100(benchmark::State& state, const OrderQuery& query) {
  const int64_t rows = state.range(0);
  const ScanOptions options{static_cast<int>(state.range(1))};
  const Table& table = MetricsTable(rows);
  std::optional<BoundFilter> bound;
  if (query.where != nullptr) {
    bound = BindOrSkip(state, table, query.where);
    if (!bound.has_value()) return;
  }
  const Selection live = table.LiveRows();
  size_t returned = 0;
  for (auto _ : state) {
    absl::StatusOr<std::vector<RowIndex>> top =
        bound.has_value()
            ? OrderRows(table, bound->Scan(options), query.order, 0, 100)
            : OrderRows(table, live, query.order, 0, 100);
    if (!top.ok()) {
      state.SkipWithError(std::string(top.status().message()).c_str());
      return;
    }
    returned = top->size();
    benchmark::DoNotOptimize(top->data());
  }
  SetRowCounters(state, rows);
  state.counters["returned"] = static_cast<double>(returned);
}

// args: rows, k. Top-k by confidence DESC over every row.
void BM_TopK(benchmark::State& state) {
  const int64_t rows = state.range(0);
  const size_t k = static_cast<size_t>(state.range(1));
  const Table& table = MetricsTable(rows);
  const Selection live = table.LiveRows();
  for (auto _ : state) {
    absl::StatusOr<std::vector<RowIndex>> top =
        OrderRows(table, live, OrderBy{"confidence", true}, 0, k);
    if (!top.ok()) {
      state.SkipWithError(std::string(top.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(top->data());
  }
  SetRowCounters(state, rows);
}

void RegisterAll() {
  const int64_t rows = BenchRows();
  for (const FilterQuery& query : kFilterQueries) {
    benchmark::RegisterBenchmark(absl::StrCat("BM_Filter/", query.id).c_str(),
                                 BM_Filter, query)
        ->ArgNames({"rows", "threads"})
        ->Args({rows, 1})
        ->Args({rows, 2})
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  for (const OrderQuery& query : kOrderQueries) {
    benchmark::internal::Benchmark* b =
        benchmark::RegisterBenchmark(
            absl::StrCat("BM_OrderLimit100/", query.id).c_str(),
            BM_OrderLimit100, query)
            ->ArgNames({"rows", "threads"})
            ->Args({rows, 1})
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    // Only a filtered query has a scan that threads can split.
    if (query.where != nullptr) b->Args({rows, 2});
  }
  benchmark::RegisterBenchmark("BM_TopK", BM_TopK)
      ->ArgNames({"rows", "k"})
      ->ArgsProduct({{rows}, {10, 100, 1000, 10000, 100000}})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

}  // namespace
}  // namespace slicekit::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  slicekit::bench::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
