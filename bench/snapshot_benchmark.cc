// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Membership snapshots: the size of 1M stored member ids, encoding and
// decoding them, and diffing two 1M-id snapshots (from their encoded form,
// and from a SQLite store). Targets (issue 13): a diff of two 1M-row
// snapshots under 50 ms; a snapshot of 1M member rows under 4 MB on disk.
//
// Id sets of N members (N = $SLICEKIT_BENCH_ROWS, default 1M), the second
// of each pair with 1% of the first removed and 1% new ids added:
//   generated  "dr-%08d" ids (the generator's), each of 2N kept with p 1/2;
//   cuid       25 random characters [0-9a-z] after "c" (Labelbox-like ids:
//              about 16 bytes of entropy each, the hard case);
// BM_StoreDiff and BM_StoreSnapshot use real snapshots of a generated table
// in a SQLite file (a slice holding about half of 2N rows).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "examples/metrics_generator.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "slicekit/table_snapshot.h"
#include "src/store/member_ids.h"

namespace slicekit::bench {
namespace {

int64_t Members() {
  const char* env = std::getenv("SLICEKIT_BENCH_ROWS");
  return env == nullptr || *env == '\0' ? 1'000'000 : BenchRows();
}

struct IdPair {
  std::vector<std::string> a, b;  // sorted
  std::string encoded_a, encoded_b;
};

std::vector<absl::string_view> Views(const std::vector<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

// `b` = `a` without 1% of its ids, plus `extra`.
IdPair MakePair(std::vector<std::string> a, std::vector<std::string> extra,
                std::mt19937_64& rng) {
  IdPair pair;
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  for (const std::string& id : a) {
    if (rng() % 100 != 0) pair.b.push_back(id);
  }
  pair.b.insert(pair.b.end(), extra.begin(), extra.end());
  std::sort(pair.b.begin(), pair.b.end());
  pair.b.erase(std::unique(pair.b.begin(), pair.b.end()), pair.b.end());
  pair.a = std::move(a);
  pair.encoded_a = internal::EncodeMemberIds(Views(pair.a)).value();
  pair.encoded_b = internal::EncodeMemberIds(Views(pair.b)).value();
  return pair;
}

const IdPair& Generated() {
  static const IdPair* const pair = [] {
    std::mt19937_64 rng(1);
    const int64_t n = Members();
    std::vector<std::string> a, extra;
    for (int64_t i = 1; i <= 2 * n; ++i) {
      if (rng() % 2 == 0) a.push_back(absl::StrFormat("dr-%08d", i));
    }
    for (int64_t i = 2 * n + 1; i <= 2 * n + n / 100; ++i) {
      extra.push_back(absl::StrFormat("dr-%08d", i));
    }
    return new IdPair(MakePair(std::move(a), std::move(extra), rng));
  }();
  return *pair;
}

std::string Cuid(std::mt19937_64& rng) {
  static const char kChars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string id = "c";
  for (int i = 0; i < 24; ++i) id.push_back(kChars[rng() % 36]);
  return id;
}

const IdPair& Cuids() {
  static const IdPair* const pair = [] {
    std::mt19937_64 rng(2);
    const int64_t n = Members();
    std::vector<std::string> a, extra;
    for (int64_t i = 0; i < n; ++i) a.push_back(Cuid(rng));
    for (int64_t i = 0; i < n / 100; ++i) extra.push_back(Cuid(rng));
    return new IdPair(MakePair(std::move(a), std::move(extra), rng));
  }();
  return *pair;
}

const IdPair& Pick(int which) { return which == 0 ? Generated() : Cuids(); }

void SetLabel(benchmark::State& state, int which, const IdPair& pair) {
  state.SetLabel(which == 0 ? "generated" : "cuid");
  state.counters["ids"] = static_cast<double>(pair.a.size());
  state.counters["bytes"] = static_cast<double>(pair.encoded_a.size());
  state.counters["bytes_per_id"] =
      static_cast<double>(pair.encoded_a.size()) / pair.a.size();
}

void BM_Encode(benchmark::State& state) {
  const IdPair& pair = Pick(static_cast<int>(state.range(0)));
  const std::vector<absl::string_view> views = Views(pair.a);
  for (auto _ : state) {
    benchmark::DoNotOptimize(internal::EncodeMemberIds(views).value());
  }
  SetLabel(state, static_cast<int>(state.range(0)), pair);
}
BENCHMARK(BM_Encode)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Decode(benchmark::State& state) {
  const IdPair& pair = Pick(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    absl::StatusOr<std::vector<std::string>> ids =
        internal::DecodeMemberIds(pair.encoded_a);
    if (!ids.ok() || ids->size() != pair.a.size()) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(ids);
  }
  SetLabel(state, static_cast<int>(state.range(0)), pair);
}
BENCHMARK(BM_Decode)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The diff of two stored snapshots as the store runs it: inflate both,
// merge, keep the ids that entered and left.
void BM_Diff(benchmark::State& state) {
  const IdPair& pair = Pick(static_cast<int>(state.range(0)));
  size_t changed = 0;
  for (auto _ : state) {
    absl::StatusOr<internal::MemberDiff> diff =
        internal::DiffMemberIds(pair.encoded_a, pair.encoded_b);
    if (!diff.ok()) {
      state.SkipWithError("diff failed");
      break;
    }
    changed = diff->entered.size() + diff->left.size();
    benchmark::DoNotOptimize(diff);
  }
  SetLabel(state, static_cast<int>(state.range(0)), pair);
  state.counters["changed"] = static_cast<double>(changed);
}
BENCHMARK(BM_Diff)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Two snapshots of a slice in a SQLite store: before and after 1% of the
// table's rows were deleted and 1% appended.
struct StoreFixture {
  std::string path;
  std::unique_ptr<SliceStore> store;
  std::string slice_id;
  std::unique_ptr<Table> before, after;
  int64_t first = 0, second = 0;
};

int64_t FileBytes(const std::string& path) {
  struct stat info;
  int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    if (stat((path + suffix).c_str(), &info) == 0) total += info.st_size;
  }
  return total;
}

StoreFixture& Store() {
  static StoreFixture* const fixture = [] {
    auto* f = new StoreFixture;
    const int64_t rows = 2 * Members();
    f->path =
        absl::StrCat("/tmp/slicekit_snapshot_benchmark_", getpid(), ".db");
    std::remove(f->path.c_str());
    auto store = SliceStore::OpenSqlite(f->path);
    auto before = examples::GenerateMetricsTable(rows, kSeed);
    auto after = examples::GenerateMetricsTable(rows + rows / 100, kSeed);
    if (!store.ok() || !before.ok() || !after.ok()) std::exit(1);
    std::vector<std::string> gone;
    for (int64_t i = 1; i <= rows; i += 100) {
      gone.push_back(absl::StrFormat("dr-%08d", i));
    }
    if (!after->Delete(gone).ok()) std::exit(1);
    f->store = *std::move(store);
    f->before = std::make_unique<Table>(*std::move(before));
    f->after = std::make_unique<Table>(*std::move(after));
    // About half of the rows.
    auto slice = f->store->Create(
        "bench", SliceSpec{"Half", "", *ParseFilter("confidence > 0.75"), {}});
    if (!slice.ok()) std::exit(1);
    f->slice_id = slice->id;
    auto first = TakeSnapshot(*f->store, "bench", f->slice_id, *f->before);
    auto second = TakeSnapshot(*f->store, "bench", f->slice_id, *f->after);
    if (!first.ok() || !second.ok()) std::exit(1);
    f->first = first->id;
    f->second = second->id;
    return f;
  }();
  return *fixture;
}

void BM_StoreDiff(benchmark::State& state) {
  StoreFixture& f = Store();
  size_t entered = 0, left = 0, rows = 0;
  for (auto _ : state) {
    absl::StatusOr<SnapshotDiff> diff =
        f.store->Diff("bench", f.first, f.second);
    if (!diff.ok()) {
      state.SkipWithError(std::string(diff.status().message()).c_str());
      break;
    }
    entered = diff->entered.size();
    left = diff->left.size();
    rows = diff->from.summary.rows;
    benchmark::DoNotOptimize(diff);
  }
  state.counters["members"] = static_cast<double>(rows);
  state.counters["entered"] = static_cast<double>(entered);
  state.counters["left"] = static_cast<double>(left);
}
BENCHMARK(BM_StoreDiff)->Unit(benchmark::kMillisecond);

// What one snapshot adds to a store file once it is closed (the WAL
// checkpointed into it), SQLite's pages and overflow chains included.
int64_t DiskBytesOfOneSnapshot(const Table& table) {
  const std::string path =
      absl::StrCat("/tmp/slicekit_snapshot_disk_", getpid(), ".db");
  std::remove(path.c_str());
  std::string id;
  int64_t before = 0;
  {
    auto store = SliceStore::OpenSqlite(path);
    if (!store.ok()) return -1;
    auto slice = (*store)->Create(
        "bench", SliceSpec{"Half", "", *ParseFilter("confidence > 0.75"), {}});
    if (!slice.ok()) return -1;
    id = slice->id;
  }
  before = FileBytes(path);
  {
    auto store = SliceStore::OpenSqlite(path);
    if (!store.ok() || !TakeSnapshot(**store, "bench", id, table).ok()) {
      return -1;
    }
  }
  const int64_t after = FileBytes(path);
  std::remove(path.c_str());
  return after - before;
}

// Taking a snapshot: bind, scan, summarize, collect and encode the ids,
// one SQLite transaction.
void BM_StoreSnapshot(benchmark::State& state) {
  StoreFixture& f = Store();
  int64_t encoded = 0, rows = 0;
  for (auto _ : state) {
    absl::StatusOr<SnapshotInfo> info =
        TakeSnapshot(*f.store, "bench", f.slice_id, *f.before);
    if (!info.ok()) {
      state.SkipWithError(std::string(info.status().message()).c_str());
      break;
    }
    encoded = info->encoded_bytes;
    rows = static_cast<int64_t>(info->summary.rows);
  }
  state.counters["members"] = static_cast<double>(rows);
  state.counters["encoded_bytes"] = static_cast<double>(encoded);
  state.counters["disk_bytes"] =
      static_cast<double>(DiskBytesOfOneSnapshot(*f.before));
}
BENCHMARK(BM_StoreSnapshot)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace slicekit::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (slicekit::bench::Members() > 0) {
    const std::string path =
        absl::StrCat("/tmp/slicekit_snapshot_benchmark_", getpid(), ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove((path + suffix).c_str());
    }
  }
  return 0;
}
