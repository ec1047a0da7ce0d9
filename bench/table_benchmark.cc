// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Storage size per column (bytes/row) and append throughput on the generated
// metrics table.
//
//   SLICEKIT_BENCH_ROWS=1000000 ./table_benchmark
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "slicekit/csv.h"
#include "slicekit/filter_text.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "slicekit/table.h"

namespace slicekit::bench {
namespace {

// args: rows. Counters: bytes per row of each column's values, validity and
// zone maps (Table::ColumnBytes), of each dictionary or id index
// (DictionaryBytes), and the totals.
void BM_ColumnBytes(benchmark::State& state) {
  const int64_t rows = state.range(0);
  const Table& table = MetricsTable(rows);
  const Schema& schema = table.schema();
  size_t total = 0;
  size_t dictionaries = 0;
  for (auto _ : state) {
    total = 0;
    dictionaries = 0;
    for (int c = 0; c < schema.num_columns(); ++c) {
      total += table.ColumnBytes(c);
      dictionaries += table.DictionaryBytes(c);
    }
    benchmark::DoNotOptimize(total);
    benchmark::DoNotOptimize(dictionaries);
  }
  const double n = static_cast<double>(rows);
  for (int c = 0; c < schema.num_columns(); ++c) {
    state.counters[absl::StrCat("B/row:", schema.column(c).name)] =
        static_cast<double>(table.ColumnBytes(c)) / n;
  }
  state.counters["B/row:total"] = static_cast<double>(total) / n;
  state.counters["B/row:dictionaries"] = static_cast<double>(dictionaries) / n;
}

// Copies `table` into batches of `batch_rows` rows (through the row getters:
// setup, not timed).
std::vector<Batch> ToBatches(const Table& table, size_t batch_rows) {
  const Schema& schema = table.schema();
  std::vector<Batch> batches;
  for (size_t begin = 0; begin < table.num_rows(); begin += batch_rows) {
    const size_t end = std::min(table.num_rows(), begin + batch_rows);
    Batch batch(schema);
    batch.Reserve(end - begin);
    for (int c = 0; c < schema.num_columns(); ++c) {
      for (size_t row = begin; row < end; ++row) {
        const RowIndex r = static_cast<RowIndex>(row);
        switch (schema.column(c).type) {
          case ColumnType::kFloat: {
            const std::optional<float> v = table.GetFloat(r, c).value();
            v.has_value() ? batch.AppendFloat(c, *v) : batch.AppendNull(c);
            break;
          }
          case ColumnType::kInt: {
            const std::optional<int64_t> v = table.GetInt(r, c).value();
            v.has_value() ? batch.AppendInt(c, *v) : batch.AppendNull(c);
            break;
          }
          case ColumnType::kCategorical:
          case ColumnType::kId: {
            const std::optional<absl::string_view> v =
                table.GetString(r, c).value();
            v.has_value() ? batch.AppendString(c, *v) : batch.AppendNull(c);
            break;
          }
        }
      }
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

// args: rows, batch_rows. Appends the generated rows to an empty table.
void BM_Append(benchmark::State& state) {
  const int64_t rows = state.range(0);
  const std::vector<Batch> batches =
      ToBatches(MetricsTable(rows), static_cast<size_t>(state.range(1)));
  const FaultCounter faults;
  for (auto _ : state) {
    absl::StatusOr<Table> table = Table::Create(batches.front().schema());
    if (!table.ok()) {
      state.SkipWithError(std::string(table.status().message()).c_str());
      return;
    }
    for (const Batch& batch : batches) {
      const absl::Status status = table->Append(batch);
      if (!status.ok()) {
        state.SkipWithError(std::string(status.message()).c_str());
        return;
      }
    }
    benchmark::DoNotOptimize(table->num_rows());
    state.PauseTiming();  // Freeing the table is not appending.
    table = absl::StatusOr<Table>();
    state.ResumeTiming();
  }
  faults.Set(state);
  const double processed =
      static_cast<double>(rows) * static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(processed));
  state.counters["ns_per_row"] = benchmark::Counter(
      processed, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// args: rows, deleted percent. Compacts the generated table after deleting
// every row whose position hashes below the percentage (scattered deletes,
// so every chunk is rewritten). Rebuilding the table is not timed.
void BM_Compact(benchmark::State& state) {
  const int64_t rows = state.range(0);
  const uint64_t percent = static_cast<uint64_t>(state.range(1));
  const std::vector<Batch> batches = ToBatches(MetricsTable(rows), 65536);
  std::vector<std::string> doomed;
  const Table& source = MetricsTable(rows);
  for (size_t row = 0; row < source.num_rows(); ++row) {
    if ((row * 0x9E3779B97F4A7C15ULL >> 32) % 100 < percent) {
      doomed.emplace_back(source.RowId(static_cast<RowIndex>(row)).value());
    }
  }
  size_t removed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    absl::StatusOr<Table> table = Table::Create(batches.front().schema());
    absl::Status status = table.status();
    for (const Batch& batch : batches) {
      if (status.ok()) status = table->Append(batch);
    }
    if (status.ok()) status = table->Delete(doomed);
    if (!status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      return;
    }
    state.ResumeTiming();
    removed = table->Compact().value().rows_removed;
    benchmark::DoNotOptimize(removed);
    state.PauseTiming();
    table = absl::StatusOr<Table>();
    state.ResumeTiming();
  }
  const double processed =
      static_cast<double>(rows) * static_cast<double>(state.iterations());
  state.counters["rows_removed"] = static_cast<double>(removed);
  state.counters["ns_per_row"] = benchmark::Counter(
      processed, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// ---- Loading: CSV against the table file (docs/table-file.md) ----

// The generated table as a CSV file and as a table file in the temporary
// folder, written once per process.
struct Files {
  std::string csv;
  std::string skt;
  size_t csv_bytes = 0;
  size_t skt_bytes = 0;
};

const Files& LoadFiles(int64_t rows) {
  static auto* const files = new std::map<int64_t, Files>;
  Files& f = (*files)[rows];
  if (f.csv.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    const std::string dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    const std::string stem =
        absl::StrCat(dir, "/slicekit_bench_", getpid(), "_", rows);
    f.csv = stem + ".csv";
    f.skt = stem + ".skt";
    std::FILE* out = std::fopen(f.csv.c_str(), "wb");
    if (out == nullptr ||
        !examples::WriteMetricsCsv(static_cast<uint64_t>(rows), kSeed, out)
             .ok() ||
        std::fclose(out) != 0) {
      std::fprintf(stderr, "cannot write %s\n", f.csv.c_str());
      std::exit(1);
    }
    const absl::Status saved = MetricsTable(rows).Save(f.skt);
    if (!saved.ok()) {
      std::fprintf(stderr, "%s\n", std::string(saved.message()).c_str());
      std::exit(1);
    }
    struct stat st;
    stat(f.csv.c_str(), &st);
    f.csv_bytes = static_cast<size_t>(st.st_size);
    stat(f.skt.c_str(), &st);
    f.skt_bytes = static_cast<size_t>(st.st_size);
    std::atexit([] {
      for (const auto& [n, file] : *files) {
        std::remove(file.csv.c_str());
        std::remove(file.skt.c_str());
      }
    });
  }
  return f;
}

constexpr char kCountFilter[] = "confidence < 0.5 AND fp >= 1";

// Loads (CSV or table file), binds kCountFilter and counts: what
// `slicekit query --table F --where ... --count` does after starting.
size_t LoadAndCount(benchmark::State& state, const std::string& path, bool csv,
                    TableOpenOptions::Verify verify) {
  absl::StatusOr<Table> table =
      csv ? ReadCsvFile(path) : Table::Open(path, {.verify = verify});
  if (!table.ok()) {
    state.SkipWithError(std::string(table.status().message()).c_str());
    return 0;
  }
  absl::StatusOr<Selection> rows = Filter(*table, *ParseFilter(kCountFilter));
  if (!rows.ok()) {
    state.SkipWithError(std::string(rows.status().message()).c_str());
    return 0;
  }
  return rows->Count();
}

// args: rows, format (0 CSV, 1 table file verified per column on first
// use, 2 table file verified whole at Open). Page cache warm.
void BM_LoadAndCount(benchmark::State& state) {
  const Files& files = LoadFiles(state.range(0));
  const bool csv = state.range(1) == 0;
  const auto verify = state.range(1) == 2
                          ? TableOpenOptions::Verify::kAll
                          : TableOpenOptions::Verify::kOnFirstUse;
  size_t count = 0;
  const FaultCounter faults;
  for (auto _ : state) {
    count = LoadAndCount(state, csv ? files.csv : files.skt, csv, verify);
    benchmark::DoNotOptimize(count);
  }
  faults.Set(state);
  const double bytes =
      static_cast<double>(csv ? files.csv_bytes : files.skt_bytes);
  state.counters["file_MB"] = bytes / 1e6;
  state.counters["MB_per_s"] = benchmark::Counter(
      bytes / 1e6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["matched"] = static_cast<double>(count);
}

// args: rows. Open (columns verified on first use) and one Find(): the id
// index is not stored, so the first lookup verifies the ids and builds it.
void BM_OpenAndFind(benchmark::State& state) {
  const Files& files = LoadFiles(state.range(0));
  const std::string id(MetricsTable(state.range(0)).RowId(0).value());
  const FaultCounter faults;
  for (auto _ : state) {
    absl::StatusOr<Table> table = Table::Open(
        files.skt, {.verify = TableOpenOptions::Verify::kOnFirstUse});
    if (!table.ok() || table->Find(id).value() != 0) {
      state.SkipWithError("Open or Find failed");
      return;
    }
  }
  faults.Set(state);
}

// args: rows. Table::Save of the generated table (temporary file, fsync,
// rename, fsync of the folder).
void BM_Save(benchmark::State& state) {
  const Table& table = MetricsTable(state.range(0));
  const Files& files = LoadFiles(state.range(0));
  const std::string path = files.skt + ".save";
  const FaultCounter faults;
  for (auto _ : state) {
    const absl::Status saved = table.Save(path);
    if (!saved.ok()) {
      state.SkipWithError(std::string(saved.message()).c_str());
      return;
    }
  }
  faults.Set(state);
  std::remove(path.c_str());
  state.counters["MB_per_s"] =
      benchmark::Counter(static_cast<double>(files.skt_bytes) / 1e6,
                         benchmark::Counter::kIsIterationInvariantRate);
}

void RegisterAll() {
  const int64_t rows = BenchRows();
  benchmark::RegisterBenchmark("BM_ColumnBytes", BM_ColumnBytes)
      ->ArgName("rows")
      ->Arg(rows)
      ->Iterations(1);
  benchmark::RegisterBenchmark("BM_Append", BM_Append)
      ->ArgNames({"rows", "batch_rows"})
      ->Args({rows, 65536})
      ->Args({rows, 1024})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_LoadAndCount", BM_LoadAndCount)
      ->ArgNames({"rows", "format"})
      ->Args({rows, 0})
      ->Args({rows, 1})
      ->Args({rows, 2})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_OpenAndFind", BM_OpenAndFind)
      ->ArgName("rows")
      ->Arg(rows)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_Save", BM_Save)
      ->ArgName("rows")
      ->Arg(rows)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_Compact", BM_Compact)
      ->ArgNames({"rows", "deleted_percent"})
      ->Args({rows, 10})
      ->Args({rows, 50})
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
