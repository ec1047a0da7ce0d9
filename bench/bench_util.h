// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Shared by the benchmarks: the row count and a cache of generated tables.
#ifndef SLICEKIT_BENCH_BENCH_UTIL_H_
#define SLICEKIT_BENCH_BENCH_UTIL_H_

#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "examples/metrics_generator.h"
#include "slicekit/table.h"

namespace slicekit::bench {

inline constexpr int64_t kDefaultRows = 10'000'000;
inline constexpr uint64_t kSeed = 42;

// Returns the row count: $SLICEKIT_BENCH_ROWS, else `default_rows`.
inline int64_t BenchRows(int64_t default_rows = kDefaultRows) {
  const char* env = std::getenv("SLICEKIT_BENCH_ROWS");
  if (env == nullptr || *env == '\0') return default_rows;
  const long long rows = std::atoll(env);
  if (rows <= 0) {
    std::fprintf(stderr, "SLICEKIT_BENCH_ROWS must be positive, not '%s'\n",
                 env);
    std::exit(2);
  }
  return rows;
}

// Minor page faults of this process so far: each costs microseconds of
// kernel time here, so memory allocated, touched once and freed shows up.
inline int64_t MinorFaults() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// Counts the page faults of a benchmark's loop: construct before it, call
// Set() after; reports "faults" per iteration (setup inside the loop,
// paused or not, counts too).
class FaultCounter {
 public:
  FaultCounter() : start_(MinorFaults()) {}
  void Set(benchmark::State& state) const {
    state.counters["faults"] =
        benchmark::Counter(static_cast<double>(MinorFaults() - start_),
                           benchmark::Counter::kAvgIterations);
  }

 private:
  int64_t start_;
};

// Returns the generated metrics table of `rows` rows (seed 42), made once
// per process and kept for the other benchmarks. Exits if generation fails.
inline const Table& MetricsTable(int64_t rows) {
  static auto* const tables = new std::map<int64_t, std::unique_ptr<Table>>;
  std::unique_ptr<Table>& table = (*tables)[rows];
  if (table == nullptr) {
    absl::StatusOr<Table> generated =
        examples::GenerateMetricsTable(static_cast<uint64_t>(rows), kSeed);
    if (!generated.ok()) {
      std::fprintf(stderr, "GenerateMetricsTable: %s\n",
                   std::string(generated.status().message()).c_str());
      std::exit(1);
    }
    table = std::make_unique<Table>(*std::move(generated));
  }
  return *table;
}

}  // namespace slicekit::bench

#endif  // SLICEKIT_BENCH_BENCH_UTIL_H_
