// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// One SQLite slice store operation at a time, in one process: what the
// store's own checks cost on top of SQLite (docs/reliability.md). The store
// holds an org of 95 slices (each with 3 versions, some with snapshots and
// alert rules) beside an org of 10; every operation works on the large org.
//
//   store_ops_benchmark [--benchmark_filter=...]
//
// The store lives in $TMPDIR (default /tmp); writes are synced
// (synchronous=FULL), so BM_CreateDelete and BM_Rename measure the disk's
// fsync as well.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"

namespace slicekit::bench {
namespace {

constexpr char kOrg[] = "bench-org";
constexpr int kSlices = 95;

struct Fixture {
  std::string path;
  std::vector<std::string> ids;
  std::vector<std::string> names;
};

void Die(const absl::Status& status) {
  std::fprintf(stderr, "store_ops_benchmark: %s\n",
               std::string(status.message()).c_str());
  std::exit(1);
}

std::string TempDir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

const Fixture& Store() {
  static const Fixture* const fixture = [] {
    auto* f = new Fixture;
    f->path = absl::StrCat(TempDir(), "/slicekit_store_ops_", getpid(), ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove((f->path + suffix).c_str());
    }
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::OpenSqlite(f->path);
    if (!store.ok()) Die(store.status());
    for (int i = 0; i < kSlices; ++i) {
      const std::string name = absl::StrCat("Bench slice ", i);
      absl::StatusOr<Slice> slice = (*store)->Create(
          kOrg,
          SliceSpec{name,
                    std::string(static_cast<size_t>(i % 7) * 40, 'd'),
                    *ParseFilter(absl::StrCat("fp >= ", i, " AND iou < 0.5")),
                    {{"confidence", true}}});
      if (!slice.ok()) Die(slice.status());
      absl::StatusOr<Slice> changed = (*store)->UpdateFilter(
          kOrg, slice->id, *ParseFilter(absl::StrCat("fp >= ", i + 1)), {});
      if (!changed.ok()) Die(changed.status());
      changed = (*store)->SetDescription(kOrg, slice->id, "described");
      if (!changed.ok()) Die(changed.status());
      if (i % 10 == 0) {
        const std::vector<absl::string_view> members = {"dr-1", "dr-2"};
        SnapshotInfo info;
        info.slice_id = slice->id;
        info.slice_name = name;
        info.slice_version = changed->version;
        info.summary.rows = members.size();
        absl::StatusOr<SnapshotInfo> saved =
            (*store)->SaveSnapshot(kOrg, info, members);
        if (!saved.ok()) Die(saved.status());
        if (absl::Status s = (*store)->SetAlertRules(kOrg, slice->id, "fp > 3");
            !s.ok()) {
          Die(s);
        }
      }
      f->ids.push_back(slice->id);
      f->names.push_back(name);
    }
    for (int i = 0; i < 10; ++i) {
      absl::StatusOr<Slice> other = (*store)->Create(
          "other-org",
          SliceSpec{
              absl::StrCat("Other ", i), "", *ParseFilter("tp >= 1"), {}});
      if (!other.ok()) Die(other.status());
    }
    return f;
  }();
  return *fixture;
}

std::unique_ptr<SliceStore> Open() {
  absl::StatusOr<std::unique_ptr<SliceStore>> store =
      SliceStore::OpenSqlite(Store().path);
  if (!store.ok()) Die(store.status());
  return *std::move(store);
}

void BM_Open(benchmark::State& state) {
  const Fixture& f = Store();
  std::unique_ptr<SliceStore> keep = Open();  // the WAL stays, as in use
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::OpenSqlite(f.path);
    if (!store.ok()) Die(store.status());
    benchmark::DoNotOptimize(store);
  }
  struct stat info;
  if (stat(f.path.c_str(), &info) == 0) {
    state.counters["file_kb"] = static_cast<double>(info.st_size) / 1024;
  }
}
BENCHMARK(BM_Open)->Unit(benchmark::kMicrosecond);

void BM_Get(benchmark::State& state) {
  const Fixture& f = Store();
  std::unique_ptr<SliceStore> store = Open();
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<Slice> slice = store->Get(kOrg, f.ids[i++ % f.ids.size()]);
    if (!slice.ok()) Die(slice.status());
    benchmark::DoNotOptimize(slice);
  }
}
BENCHMARK(BM_Get)->Unit(benchmark::kMicrosecond);

void BM_GetByName(benchmark::State& state) {
  const Fixture& f = Store();
  std::unique_ptr<SliceStore> store = Open();
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<Slice> slice =
        store->GetByName(kOrg, f.names[i++ % f.names.size()]);
    if (!slice.ok()) Die(slice.status());
    benchmark::DoNotOptimize(slice);
  }
}
BENCHMARK(BM_GetByName)->Unit(benchmark::kMicrosecond);

void BM_List(benchmark::State& state) {
  std::unique_ptr<SliceStore> store = Open();
  for (auto _ : state) {
    absl::StatusOr<std::vector<Slice>> slices =
        store->List(kOrg, SliceListOrder::kByName);
    if (!slices.ok()) Die(slices.status());
    benchmark::DoNotOptimize(slices);
  }
}
BENCHMARK(BM_List)->Unit(benchmark::kMicrosecond);

void BM_History(benchmark::State& state) {
  const Fixture& f = Store();
  std::unique_ptr<SliceStore> store = Open();
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<std::vector<SliceVersion>> history =
        store->History(kOrg, f.ids[i++ % f.ids.size()]);
    if (!history.ok()) Die(history.status());
    benchmark::DoNotOptimize(history);
  }
}
BENCHMARK(BM_History)->Unit(benchmark::kMicrosecond);

void BM_ListSnapshots(benchmark::State& state) {
  const Fixture& f = Store();
  std::unique_ptr<SliceStore> store = Open();
  for (auto _ : state) {
    absl::StatusOr<std::vector<SnapshotInfo>> snapshots =
        store->ListSnapshots(kOrg, f.ids[0]);
    if (!snapshots.ok()) Die(snapshots.status());
    benchmark::DoNotOptimize(snapshots);
  }
}
BENCHMARK(BM_ListSnapshots)->Unit(benchmark::kMicrosecond);

// A create and the delete of the slice it made (two synced commits).
void BM_CreateDelete(benchmark::State& state) {
  std::unique_ptr<SliceStore> store = Open();
  const SliceSpec spec{"Scratch", "", *ParseFilter("fn >= 1"), {}};
  for (auto _ : state) {
    absl::StatusOr<Slice> slice = store->Create(kOrg, spec);
    if (!slice.ok()) Die(slice.status());
    if (absl::Status s = store->Delete(kOrg, slice->id); !s.ok()) Die(s);
  }
}
BENCHMARK(BM_CreateDelete)->Unit(benchmark::kMicrosecond);

// A change in place (one synced commit): a rename, alternating case.
void BM_Rename(benchmark::State& state) {
  const Fixture& f = Store();
  std::unique_ptr<SliceStore> store = Open();
  bool upper = false;
  for (auto _ : state) {
    upper = !upper;
    absl::StatusOr<Slice> slice = store->Rename(
        kOrg, f.ids[5], upper ? "BENCH SLICE 5" : "Bench slice 5");
    if (!slice.ok()) Die(slice.status());
  }
}
BENCHMARK(BM_Rename)->Unit(benchmark::kMicrosecond);

// The full check: PRAGMA integrity_check and every invariant.
void BM_CheckIntegrity(benchmark::State& state) {
  std::unique_ptr<SliceStore> store = Open();
  for (auto _ : state) {
    if (absl::Status s = store->CheckIntegrity(); !s.ok()) Die(s);
  }
}
BENCHMARK(BM_CheckIntegrity)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace slicekit::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const std::string path = slicekit::bench::Store().path;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove((path + suffix).c_str());
  }
  return 0;
}
