// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Incremental curation: 100 saved slices (varied filters over the metric
// columns) checked against a batch of appended rows.
//
//   BM_CurationOnePass          Curator::NewRows: ScanMany over the new rows
//   BM_CurationRangeScanEach    one Scan per slice, restricted to new rows
//   BM_CurationFullScanEach     the naive way: one full-table Scan per slice,
//                               then keep the rows past the old end
//
// Each produces the same answer: per slice, the vector of new matching rows.
//
// Base table: $SLICEKIT_BENCH_ROWS rows (default 1M here, not the 10M of
// the other benchmarks); appended: a tenth of that (100k), copied from a
// second generated run (seed 7) with fresh ids. Counters: ns_per_row_slice
// (time / (new rows x slices)) and ms (time per call).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "examples/metrics_generator.h"
#include "slicekit/curation.h"
#include "slicekit/expr.h"
#include "slicekit/scan.h"
#include "slicekit/slice.h"
#include "slicekit/table.h"

namespace slicekit::bench {
namespace {

constexpr int kSlices = 100;

int64_t BaseRows() {
  const char* env = std::getenv("SLICEKIT_BENCH_ROWS");
  if (env == nullptr || *env == '\0') return 1'000'000;
  const long long rows = std::atoll(env);
  if (rows <= 0) {
    std::fprintf(stderr, "SLICEKIT_BENCH_ROWS must be positive\n");
    std::exit(2);
  }
  return rows;
}

void Check(const absl::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
    std::exit(1);
  }
}

// 100 filters: ten shapes (counts, thresholds, categorical sets, NULL
// tests, ORs and NOTs over the metric columns) times ten parameters.
std::vector<Slice> MakeSlices() {
  const std::vector<std::string> datasets = {"ds0", "ds1", "ds2", "ds3",
                                             "ds4", "ds5", "ds6", "ds7"};
  std::vector<Slice> slices;
  for (int i = 0; i < kSlices; ++i) {
    const int k = i / 10;  // the parameter
    const double t = 0.05 + 0.09 * k;
    Expr filter;
    switch (i % 10) {
      case 0:
        filter = Col("fp") >= 1 + k % 4 && Col("confidence") >= t;
        break;
      case 1:
        filter = Col("iou") < t && Col("tp") >= 1;
        break;
      case 2:
        filter = Col("fn") >= 1 + k % 3;
        break;
      case 3:
        filter = Col("dataset").In({datasets[k % 8], datasets[(k + 3) % 8]}) &&
                 Col("confidence") < t;
        break;
      case 4:
        filter =
            Col("split") == (k % 2 ? "val" : "test") && Col("precision") < t;
        break;
      case 5:
        filter = Col("recall").IsNull() || Col("recall") < t / 2;
        break;
      case 6:
        filter = Col("f1").Between(t / 2, t);
        break;
      case 7:
        filter = !(Col("tp") >= 1) && Col("confidence") >= 1 - t;
        break;
      case 8:
        filter = Col("iou").IsNull() || Col("iou") == 0.0 ||
                 (Col("fp") >= 2 && Col("split") != "train");
        break;
      default:
        filter = Col("tn") > k && Col("fp") == 0 && Col("confidence") < t;
        break;
    }
    Slice slice;
    slice.id = absl::StrCat("s-", i);
    slice.org = "bench";
    slice.name = absl::StrCat("slice ", i);
    slice.filter = filter;
    slices.push_back(std::move(slice));
  }
  return slices;
}

// Copies every row of `source` into a batch, ids prefixed with "new-".
Batch CopyAll(const Table& source) {
  const Schema& schema = source.schema();
  Batch batch(schema);
  batch.Reserve(source.num_rows());
  for (RowIndex row = 0; row < source.num_rows(); ++row) {
    for (int c = 0; c < schema.num_columns(); ++c) {
      switch (schema.column(c).type) {
        case ColumnType::kId:
          batch.AppendString(c,
                             absl::StrCat("new-", source.RowId(row).value()));
          break;
        case ColumnType::kFloat:
          if (auto v = source.GetFloat(row, c).value()) {
            batch.AppendFloat(c, *v);
          } else {
            batch.AppendNull(c);
          }
          break;
        case ColumnType::kInt:
          if (auto v = source.GetInt(row, c).value()) {
            batch.AppendInt(c, *v);
          } else {
            batch.AppendNull(c);
          }
          break;
        case ColumnType::kCategorical:
          if (auto v = source.GetString(row, c).value()) {
            batch.AppendString(c, *v);
          } else {
            batch.AppendNull(c);
          }
          break;
      }
    }
  }
  return batch;
}

struct Fixture {
  std::unique_ptr<Table> table;
  RowIndex first_new = 0;
  size_t new_rows = 0;
  std::vector<Slice> slices;
  std::vector<BoundFilter> filters;
  std::unique_ptr<Curator> curator;
};

const Fixture& GetFixture() {
  static Fixture* const fixture = [] {
    auto* f = new Fixture;
    const int64_t base = BaseRows();
    absl::StatusOr<Table> table = examples::GenerateMetricsTable(base, 42);
    Check(table.status(), "GenerateMetricsTable");
    f->table = std::make_unique<Table>(*std::move(table));
    absl::StatusOr<Table> incoming =
        examples::GenerateMetricsTable(std::max<int64_t>(1, base / 10), 7);
    Check(incoming.status(), "GenerateMetricsTable");
    f->first_new = static_cast<RowIndex>(f->table->num_rows());
    Check(f->table->Append(CopyAll(*incoming)), "Append");
    f->new_rows = f->table->num_rows() - f->first_new;
    f->slices = MakeSlices();
    for (const Slice& slice : f->slices) {
      absl::StatusOr<BoundFilter> bound = Bind(slice.filter, *f->table);
      Check(bound.status(), "Bind");
      f->filters.push_back(*std::move(bound));
    }
    absl::StatusOr<Curator> curator = Curator::Create(*f->table, f->slices);
    Check(curator.status(), "Curator::Create");
    f->curator = std::make_unique<Curator>(*std::move(curator));
    return f;
  }();
  return *fixture;
}

// Runs `body` per iteration and sets the per-(row x slice) and per-call
// counters from wall time; `body` returns the number of entries found.
template <typename Body>
void Measure(benchmark::State& state, const Fixture& f, Body body) {
  double seconds = 0;
  size_t entries = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    entries = body();
    seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    benchmark::DoNotOptimize(entries);
  }
  const double calls = static_cast<double>(state.iterations());
  state.counters["ns_per_row_slice"] =
      seconds * 1e9 / (calls * static_cast<double>(f.new_rows) * kSlices);
  state.counters["ms"] = seconds * 1e3 / calls;
  state.counters["new_rows"] = static_cast<double>(f.new_rows);
  state.counters["table_rows"] = static_cast<double>(f.table->num_rows());
  state.counters["entries"] = static_cast<double>(entries);
}

void BM_CurationOnePass(benchmark::State& state) {
  const Fixture& f = GetFixture();
  const int threads = static_cast<int>(state.range(0));
  Measure(state, f, [&] {
    return f.curator->NewRows(f.first_new, threads).total_entries();
  });
}
BENCHMARK(BM_CurationOnePass)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// The rows of `selection` at positions >= `first`, as Curator reports them.
std::vector<RowIndex> RowsFrom(const Selection& selection, RowIndex first) {
  std::vector<RowIndex> rows;
  rows.reserve(selection.Count());
  selection.ForEach([&](RowIndex row) {
    if (row >= first) rows.push_back(row);
  });
  return rows;
}

void BM_CurationRangeScanEach(benchmark::State& state) {
  const Fixture& f = GetFixture();
  ScanOptions options;
  options.begin_row = f.first_new;
  Measure(state, f, [&] {
    size_t entries = 0;
    for (const BoundFilter& filter : f.filters) {
      entries += RowsFrom(filter.Scan(options), f.first_new).size();
    }
    return entries;
  });
}
BENCHMARK(BM_CurationRangeScanEach)->Unit(benchmark::kMillisecond);

void BM_CurationFullScanEach(benchmark::State& state) {
  const Fixture& f = GetFixture();
  Measure(state, f, [&] {
    size_t entries = 0;
    for (const BoundFilter& filter : f.filters) {
      entries += RowsFrom(filter.Scan(), f.first_new).size();
    }
    return entries;
  });
}
BENCHMARK(BM_CurationFullScanEach)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace slicekit::bench

BENCHMARK_MAIN();
