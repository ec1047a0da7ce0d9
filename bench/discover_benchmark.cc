// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Slice discovery (docs/slices.md#slice-discovery) on the shape:
// $SLICEKIT_BENCH_ROWS rows (default 1M), 8 categorical columns of 10
// values, error fp + fn, up to 3 predicates, top 10, one thread.
//
// Errors: each row has 4 Bernoulli trials (p = 0.1) split into fp and fn;
// rows with c0 = 'v1' AND c3 = 'v7' (1%) have p = 0.3, rows with c1 = 'v2'
// AND c4 = 'v0' AND c6 = 'v3' (0.1%) p = 0.5.
//
//   BM_Discover/<alpha x 1000>  DiscoverSlices() with that alpha
//                               (0.95 is the default; nearer 1, the size
//                               term weighs less and pruning weakens)
//   BM_BruteForceGroupBy        every conjunction of 1 to 3 predicates
//                               (58,880 slices) by one group-by pass per
//                               column set over byte codes: what an
//                               exhaustive search costs with no pruning
//
// Counters: ms (wall time per call), evaluated (slices whose size and error
// were computed), brute_force (conjunctions an exhaustive search scores),
// pruned (candidates dropped by the bounds), top_score.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_util.h"
#include "slicekit/discover.h"
#include "slicekit/schema.h"
#include "slicekit/table.h"

namespace slicekit::bench {
namespace {

constexpr int kColumns = 8;
constexpr int kValues = 10;

struct Data {
  Table table;
  // The same values as codes, for the brute-force baseline.
  std::vector<std::vector<uint8_t>> codes;
  std::vector<double> errors;
};

const Data& GetData() {
  static const Data* const data = [] {
    const int64_t rows = BenchRows(1'000'000);
    std::vector<ColumnSpec> specs = {{"data_row_id", ColumnType::kId}};
    for (int c = 0; c < kColumns; ++c) {
      specs.push_back({absl::StrCat("c", c), ColumnType::kCategorical});
    }
    specs.push_back({"fp", ColumnType::kInt});
    specs.push_back({"fn", ColumnType::kInt});
    absl::StatusOr<Schema> schema = Schema::Create(specs);
    absl::StatusOr<Table> table = Table::Create(*schema);
    if (!table.ok()) std::exit(1);
    auto* d = new Data{*std::move(table), {}, {}};
    d->codes.assign(kColumns, std::vector<uint8_t>(rows));
    std::mt19937_64 rng(42);
    Batch batch(*schema);
    for (int64_t r = 0; r < rows; ++r) {
      batch.AppendString(0, absl::StrCat("r", r));
      for (int c = 0; c < kColumns; ++c) {
        const uint8_t v = static_cast<uint8_t>(rng() % kValues);
        d->codes[c][r] = v;
        batch.AppendString(1 + c, absl::StrCat("v", v));
      }
      const auto& k = d->codes;
      double p = 0.1;
      if (k[0][r] == 1 && k[3][r] == 7) p = 0.3;
      if (k[1][r] == 2 && k[4][r] == 0 && k[6][r] == 3) p = 0.5;
      std::bernoulli_distribution trial(p);
      int errors = 0;
      for (int i = 0; i < 4; ++i) errors += trial(rng);
      batch.AppendInt(1 + kColumns, errors / 2);
      batch.AppendInt(2 + kColumns, errors - errors / 2);
      d->errors.push_back(errors);
      if (batch.num_rows() == 65536 || r + 1 == rows) {
        if (!d->table.Append(batch).ok()) std::exit(1);
        batch.Clear();
      }
    }
    return d;
  }();
  return *data;
}

void BM_Discover(benchmark::State& state) {
  const Data& data = GetData();
  DiscoverOptions options;
  options.alpha = static_cast<double>(state.range(0)) / 1000;
  DiscoveryResult result;
  double ms = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<DiscoveryResult> r = DiscoverSlices(data.table, options);
    ms += std::chrono::duration<double, std::milli>(
              std::chrono::steady_clock::now() - start)
              .count();
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    result = *std::move(r);
  }
  int64_t pruned = 0;
  for (const auto& level : result.stats.levels) pruned += level.pruned;
  state.counters["ms"] = ms / static_cast<double>(state.iterations());
  state.counters["evaluated"] = static_cast<double>(result.stats.evaluated);
  state.counters["brute_force"] = result.stats.brute_force_slices;
  state.counters["pruned"] = static_cast<double>(pruned);
  state.counters["top_score"] =
      result.slices.empty() ? 0 : result.slices[0].score;
  state.SetLabel(result.slices.empty() ? "(none)"
                                       : result.slices[0].filter.ToString());
}
BENCHMARK(BM_Discover)
    ->Arg(950)
    ->Arg(990)
    ->Arg(999)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);

// Sizes, error sums and maxima of every conjunction of 1..3 predicates on
// distinct columns, one dense group-by pass per column set.
void BM_BruteForceGroupBy(benchmark::State& state) {
  const Data& data = GetData();
  const size_t n = data.errors.size();
  int64_t slices = 0;
  double checksum = 0;
  for (auto _ : state) {
    slices = 0;
    std::vector<int> set;
    auto pass = [&]() {
      size_t keys = 1;
      for (size_t i = 0; i < set.size(); ++i) keys *= kValues;
      std::vector<int64_t> size(keys, 0);
      std::vector<double> sum(keys, 0), max(keys, 0);
      for (size_t r = 0; r < n; ++r) {
        size_t key = 0;
        for (int c : set) key = key * kValues + data.codes[c][r];
        ++size[key];
        sum[key] += data.errors[r];
        max[key] = std::max(max[key], data.errors[r]);
      }
      slices += static_cast<int64_t>(keys);
      checksum += sum[0] + max[keys - 1];
    };
    for (int a = 0; a < kColumns; ++a) {
      set = {a};
      pass();
      for (int b = a + 1; b < kColumns; ++b) {
        set = {a, b};
        pass();
        for (int c = b + 1; c < kColumns; ++c) {
          set = {a, b, c};
          pass();
        }
      }
    }
    benchmark::DoNotOptimize(checksum);
  }
  state.counters["evaluated"] = static_cast<double>(slices);
}
BENCHMARK(BM_BruteForceGroupBy)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace slicekit::bench

BENCHMARK_MAIN();
