// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Load: a mixed workload against one SQLite slice store file from several
// processes at once, for a fixed time.
//
//   90%  explore: get a saved slice (by id or by name) and Explore() it on
//        the generated metrics table (first page of 50 rows, total and
//        summary)
//    9%  list the org's slices
//    1%  create or delete a slice
//
// The parent generates the table, creates the store with 40 "base" slices,
// closes it and forks the workers, which share the table copy-on-write and
// each open the store themselves. Base slices are never deleted, and each
// worker creates and deletes only its own few "scratch" slices with names
// no one else uses, so the org stays under 100 slices and no operation can
// legitimately fail: every error (a failed call, or an explore whose row
// count differs from the one computed before the run) is a real one, and
// the program exits 1 if there is any. Workers send their latencies to the
// parent through pipes.
//
//   store_load_benchmark [--seconds=10] [--processes=4] [--rows=1000000]
//                        [--store=PATH]
//
// Without --store the store lives in a new temporary directory, removed at
// the end; a --store file must not exist yet and is kept. The last lines
// give per kind the count, rate and p50/p99/p99.9/max latency, the total
// throughput, busy retries, errors, and the CPU the workers got (on a
// shared machine, the figures scale with it).
//
// Busy waits are the times a statement found the file locked and backed
// off before trying again (internal::SqliteBusyWaits()); busy retries are
// the store's own restarts of a whole operation after SQLite gave up with
// SQLITE_BUSY (internal::SqliteBusyRetries()).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "examples/metrics_generator.h"
#include "slicekit/explore.h"
#include "slicekit/filter_text.h"
#include "slicekit/order.h"
#include "slicekit/slice.h"
#include "slicekit/slice_store.h"
#include "slicekit/table.h"
#include "src/store/slice_store_internal.h"

namespace slicekit::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kOrg[] = "load-org";
constexpr int kBaseSlices = 40;
// Scratch slices one worker holds at most (fewer when many processes would
// otherwise push the org past kMaxSlicesPerOrg).
constexpr int kMaxScratchPerWorker = 5;
constexpr size_t kPageRows = 50;
constexpr uint64_t kTableSeed = 42;
// The most error messages one worker prints; the count is always exact.
constexpr int64_t kMaxPrintedErrors = 10;

enum Kind : int {
  kExplore = 0,
  kList,
  kCreate,
  kDelete,
  kExploreGet,  // the store part of an explore; not an operation of its own
  kNumKinds,
};
constexpr const char* kKindNames[kNumKinds] = {"explore", "list", "create",
                                               "delete", "  (get)"};

// Samples travel as one word: the kind in the top byte, nanoseconds below
// (2^56 ns is over two years).
constexpr int kKindShift = 56;

struct Config {
  double seconds = 10;
  int processes = 4;
  int64_t rows = 1'000'000;
  std::string store;  // empty: a new file in a new temporary directory
};

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr,
               "store_load_benchmark: %s\n"
               "usage: store_load_benchmark [--seconds=10] [--processes=4] "
               "[--rows=1000000] [--store=PATH]\n",
               problem.c_str());
  std::exit(2);
}

Config ParseFlags(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    const absl::string_view name = arg.substr(0, eq);
    const absl::string_view value =
        eq == absl::string_view::npos ? "" : arg.substr(eq + 1);
    bool ok = eq != absl::string_view::npos;
    if (name == "--seconds") {
      ok = ok && absl::SimpleAtod(value, &config.seconds) &&
           config.seconds > 0 && config.seconds < 1e6;
    } else if (name == "--processes") {
      ok = ok && absl::SimpleAtoi(value, &config.processes) &&
           config.processes >= 1 && config.processes <= 64;
    } else if (name == "--rows") {
      ok = ok && absl::SimpleAtoi(value, &config.rows) && config.rows >= 1;
    } else if (name == "--store") {
      config.store = std::string(value);
      ok = ok && !config.store.empty();
    } else {
      Usage(absl::StrCat("unknown flag '", arg, "'"));
    }
    if (!ok) Usage(absl::StrCat("bad value in '", arg, "'"));
  }
  return config;
}

[[noreturn]] void Die(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "store_load_benchmark: %s: %s\n",
               std::string(what).c_str(), status.ToString().c_str());
  std::exit(1);
}

// Writes all of `size` bytes, across partial writes and signals.
bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly `size` bytes; false on EOF or error before that.
bool ReadAll(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// The filter of slice `i`: ten shapes over the metric columns times a
// threshold, so explores see selective and broad slices alike.
std::string FilterText(int i) {
  const double t = 0.1 + 0.08 * (i / 10 % 10);
  switch (i % 10) {
    case 0:
      return absl::StrFormat("confidence < %.2f AND fp >= 1", t);
    case 1:
      return absl::StrFormat("iou < %.2f AND tp >= 1", t);
    case 2:
      return absl::StrFormat("fn >= %d", 1 + i % 3);
    case 3:
      return absl::StrFormat("dataset IN ('ds%d','ds%d') AND confidence < %.2f",
                             i % 8, (i + 3) % 8, t);
    case 4:
      return absl::StrFormat("split = '%s' AND precision < %.2f",
                             i % 2 ? "val" : "test", t);
    case 5:
      return absl::StrFormat("recall IS NULL OR recall < %.2f", t / 2);
    case 6:
      return absl::StrFormat("f1 BETWEEN %.2f AND %.2f", t / 2, t);
    case 7:
      return absl::StrFormat("NOT (tp >= 1) AND confidence >= %.2f", 1 - t);
    case 8:
      return "iou IS NULL OR iou = 0 OR (fp >= 2 AND split != 'train')";
    default:
      return absl::StrFormat("fp = 0 AND confidence < %.2f", t);
  }
}

// The order of slice `i`; every fourth one has none (data_row_id order).
std::vector<OrderBy> OrderFor(int i) {
  switch (i % 4) {
    case 0:
      return {};
    case 1:
      return {{"confidence", /*descending=*/true}};
    case 2:
      return {{"iou", /*descending=*/false}};
    default:
      return {{"fp", /*descending=*/true}, {"confidence", true}};
  }
}

SliceSpec SpecFor(int i, std::string name) {
  absl::StatusOr<Expr> filter = ParseFilter(FilterText(i));
  if (!filter.ok()) Die(FilterText(i), filter.status());
  return SliceSpec{.name = std::move(name),
                   .description = "store_load_benchmark",
                   .filter = *std::move(filter),
                   .order_by = OrderFor(i)};
}

// The base slices, as each worker knows them.
struct BaseSlice {
  std::string id;
  std::string name;
  size_t total_rows;  // Explore()'s total before the run
};

// What a worker reports, followed by `samples` words.
struct WorkerHeader {
  int64_t counts[kNumKinds] = {};
  int64_t errors = 0;
  int64_t busy_retries = 0;
  int64_t busy_waits = 0;
  int64_t elapsed_ns = 0;
  int64_t scratch_left = 0;  // its scratch slices still in the store
  int64_t samples = 0;
};

// One worker: opens the store, says it is ready (one byte on `out_fd`),
// waits for `start_fd` to close, runs the mix for `config.seconds`, then
// writes a WorkerHeader and its samples to `out_fd`. Returns the exit code.
int RunWorker(int index, const Config& config, int max_scratch,
              const Table& table, const std::vector<BaseSlice>& base,
              int start_fd, int out_fd) {
  WorkerHeader header;
  std::vector<uint64_t> samples;
  samples.reserve(1 << 16);
  auto error = [&](absl::string_view what, const absl::Status& status) {
    if (header.errors++ < kMaxPrintedErrors) {
      std::fprintf(stderr, "worker %d: %s: %s\n", index,
                   std::string(what).c_str(), status.ToString().c_str());
    }
  };

  absl::StatusOr<std::unique_ptr<SliceStore>> opened =
      SliceStore::OpenSqlite(config.store);
  if (!opened.ok()) {
    error("opening the store", opened.status());
    return 1;
  }
  SliceStore& store = **opened;
  std::mt19937_64 rng(1000 + static_cast<uint64_t>(index));
  std::deque<std::string> scratch;  // ids, oldest first
  int64_t scratch_seq = 0;
  ExploreOptions explore_options;
  explore_options.limit = kPageRows;

  const char ready = 'r';
  if (!WriteAll(out_fd, &ready, 1)) return 1;
  char unused;
  while (read(start_fd, &unused, 1) < 0 && errno == EINTR) {
  }
  const int64_t busy_before = internal::SqliteBusyRetries();
  const int64_t waits_before = internal::SqliteBusyWaits();

  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(config.seconds));
  auto record = [&](Kind kind, Clock::time_point from, Clock::time_point to) {
    const int64_t ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count();
    samples.push_back((static_cast<uint64_t>(kind) << kKindShift) |
                      static_cast<uint64_t>(ns));
    if (kind != kExploreGet) ++header.counts[kind];
  };

  Clock::time_point now = start;
  while (now < end) {
    const uint64_t dice = rng() % 100;
    const Clock::time_point t0 = Clock::now();
    if (dice < 90) {
      const BaseSlice& want = base[rng() % base.size()];
      // Half by id, half by name in another case (names are unique
      // ignoring case, so GetByName must still find it).
      absl::StatusOr<Slice> slice =
          rng() % 2 == 0
              ? store.Get(kOrg, want.id)
              : store.GetByName(kOrg, absl::AsciiStrToUpper(want.name));
      const Clock::time_point t1 = Clock::now();
      if (!slice.ok()) {
        error(absl::StrCat("get ", want.name), slice.status());
      } else if (slice->id != want.id) {
        error(absl::StrCat("get ", want.name),
              absl::InternalError(absl::StrCat("got slice ", slice->id)));
      } else {
        absl::StatusOr<ExplorePage> page =
            Explore(table, *slice, explore_options);
        if (!page.ok()) {
          error(absl::StrCat("explore ", want.name), page.status());
        } else if (page->total_rows != want.total_rows ||
                   page->rows.size() != std::min(kPageRows, want.total_rows)) {
          error(absl::StrCat("explore ", want.name),
                absl::InternalError(absl::StrCat(
                    page->total_rows, " rows, expected ", want.total_rows)));
        }
      }
      record(kExploreGet, t0, t1);
      record(kExplore, t0, Clock::now());
    } else if (dice < 99) {
      absl::StatusOr<std::vector<Slice>> list =
          store.List(kOrg, rng() % 2 == 0 ? SliceListOrder::kByName
                                          : SliceListOrder::kByCreationTime);
      if (!list.ok()) {
        error("list", list.status());
      } else if (list->size() < base.size() ||
                 list->size() >
                     base.size() +
                         static_cast<size_t>(config.processes * max_scratch)) {
        error("list", absl::InternalError(
                          absl::StrCat(list->size(), " slices listed")));
      }
      record(kList, t0, Clock::now());
    } else if (scratch.empty() ||
               (static_cast<int>(scratch.size()) < max_scratch &&
                rng() % 2 == 0)) {
      // A name only this worker uses: no collision, and with at most
      // max_scratch of them per worker the org stays under the limit.
      const int64_t seq = scratch_seq++;
      absl::StatusOr<Slice> created = store.Create(
          kOrg, SpecFor(static_cast<int>(seq % 100),
                        absl::StrCat("scratch w", index, " #", seq)));
      if (created.ok()) {
        scratch.push_back(created->id);
      } else {
        error("create", created.status());
      }
      record(kCreate, t0, Clock::now());
    } else {
      const absl::Status deleted = store.Delete(kOrg, scratch.front());
      if (!deleted.ok()) error("delete", deleted);
      scratch.pop_front();
      record(kDelete, t0, Clock::now());
    }
    now = Clock::now();
  }
  header.elapsed_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - start).count();
  header.busy_retries = internal::SqliteBusyRetries() - busy_before;
  header.busy_waits = internal::SqliteBusyWaits() - waits_before;
  header.scratch_left = static_cast<int64_t>(scratch.size());
  header.samples = static_cast<int64_t>(samples.size());
  if (!WriteAll(out_fd, &header, sizeof(header)) ||
      !WriteAll(out_fd, samples.data(), samples.size() * sizeof(uint64_t))) {
    return 1;
  }
  return header.errors == 0 ? 0 : 1;
}

// The value at quantile `q` (nearest rank) of sorted `v`, in milliseconds.
double QuantileMs(const std::vector<int64_t>& v, double q) {
  if (v.empty()) return 0;
  size_t rank =
      static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return static_cast<double>(v[rank - 1]) / 1e6;
}

// One line of the table; `seconds` <= 0 leaves out the rate (for the get
// part of explores, which is not an operation of its own).
void PrintRow(const char* name, std::vector<int64_t>& ns, double seconds) {
  std::sort(ns.begin(), ns.end());
  const std::string rate =
      seconds > 0
          ? absl::StrFormat("%.1f", static_cast<double>(ns.size()) / seconds)
          : "-";
  std::printf("%-9s %9zu %10s %9.3f %9.3f %9.3f %9.3f\n", name, ns.size(),
              rate.c_str(), QuantileMs(ns, 0.5), QuantileMs(ns, 0.99),
              QuantileMs(ns, 0.999),
              ns.empty() ? 0.0 : static_cast<double>(ns.back()) / 1e6);
}

int Main(int argc, char** argv) {
  Config config = ParseFlags(argc, argv);
  const int max_scratch =
      std::min(kMaxScratchPerWorker,
               (kMaxSlicesPerOrg - kBaseSlices) / config.processes);
  if (max_scratch < 1) Usage("too many processes for one org's 100 slices");

  std::string temp_dir;
  if (config.store.empty()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "slicekit_load_XXXXXX")
            .string();
    if (mkdtemp(pattern.data()) == nullptr) {
      Die("mkdtemp", absl::ErrnoToStatus(errno, pattern));
    }
    temp_dir = pattern;
    config.store = temp_dir + "/slices.db";
  } else if (std::filesystem::exists(config.store)) {
    Usage(absl::StrCat("--store: '", config.store,
                       "' exists; the benchmark wants a new file"));
  }

  // Generated once, before fork: the workers share it copy-on-write, so
  // they all explore the same table without generating it four times.
  Clock::time_point t = Clock::now();
  absl::StatusOr<Table> table = examples::GenerateMetricsTable(
      static_cast<uint64_t>(config.rows), kTableSeed);
  if (!table.ok()) Die("generating the table", table.status());
  const double generate_s =
      std::chrono::duration<double>(Clock::now() - t).count();

  std::vector<BaseSlice> base;
  {
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::OpenSqlite(config.store);
    if (!store.ok()) Die("creating the store", store.status());
    for (int i = 0; i < kBaseSlices; ++i) {
      absl::StatusOr<Slice> slice = (*store)->Create(
          kOrg, SpecFor(i, absl::StrFormat("Base slice %02d", i)));
      if (!slice.ok()) Die("creating a base slice", slice.status());
      ExploreOptions options;
      options.limit = kPageRows;
      absl::StatusOr<ExplorePage> page = Explore(*table, *slice, options);
      if (!page.ok()) Die(FilterText(i), page.status());
      base.push_back({slice->id, slice->name, page->total_rows});
    }
    // Closed here: an SQLite connection must not cross fork().
  }

  std::printf(
      "store_load_benchmark: %d processes x %.1f s, %lld rows (generated in "
      "%.2f s), %d base slices, <= %d scratch slices per process\n"
      "store: %s\n",
      config.processes, config.seconds, static_cast<long long>(config.rows),
      generate_s, kBaseSlices, max_scratch, config.store.c_str());
  std::fflush(stdout);  // else the children would print it again

  int start_pipe[2];
  if (pipe(start_pipe) != 0) Die("pipe", absl::ErrnoToStatus(errno, "pipe"));
  std::vector<int> result_fds;
  std::vector<pid_t> pids;
  for (int i = 0; i < config.processes; ++i) {
    int out[2];
    if (pipe(out) != 0) Die("pipe", absl::ErrnoToStatus(errno, "pipe"));
    const pid_t pid = fork();
    if (pid < 0) Die("fork", absl::ErrnoToStatus(errno, "fork"));
    if (pid == 0) {
      close(start_pipe[1]);
      close(out[0]);
      for (int fd : result_fds) close(fd);
      const int code = RunWorker(i, config, max_scratch, *table, base,
                                 start_pipe[0], out[1]);
      std::fflush(stderr);
      _exit(code);
    }
    close(out[1]);
    result_fds.push_back(out[0]);
    pids.push_back(pid);
  }
  close(start_pipe[0]);

  bool failed = false;
  for (int fd : result_fds) {
    char ready;
    if (!ReadAll(fd, &ready, 1)) failed = true;  // that worker already failed
  }
  close(start_pipe[1]);  // every worker starts now

  std::vector<int64_t> by_kind[kNumKinds];
  std::vector<int64_t> all;
  WorkerHeader total;
  int64_t max_elapsed_ns = 0;
  for (int fd : result_fds) {
    WorkerHeader h;
    std::vector<uint64_t> samples;
    if (ReadAll(fd, &h, sizeof(h))) {
      samples.resize(static_cast<size_t>(h.samples));
      if (!ReadAll(fd, samples.data(), samples.size() * sizeof(uint64_t))) {
        failed = true;
      }
    } else {
      failed = true;
    }
    close(fd);
    for (int k = 0; k < kNumKinds; ++k) total.counts[k] += h.counts[k];
    total.errors += h.errors;
    total.busy_retries += h.busy_retries;
    total.busy_waits += h.busy_waits;
    total.scratch_left += h.scratch_left;
    max_elapsed_ns = std::max(max_elapsed_ns, h.elapsed_ns);
    for (uint64_t s : samples) {
      const uint64_t kind = s >> kKindShift;
      const int64_t ns = static_cast<int64_t>(s & ((1ull << kKindShift) - 1));
      if (kind >= static_cast<uint64_t>(kNumKinds)) {
        failed = true;
        continue;
      }
      by_kind[kind].push_back(ns);
      if (kind != kExploreGet) all.push_back(ns);
    }
  }
  for (pid_t pid : pids) {
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) failed = true;
  }

  // The CPU the workers got: on a shared machine, far less than
  // processes x seconds means the figures are bounded by contention.
  rusage usage = {};
  getrusage(RUSAGE_CHILDREN, &usage);
  const double worker_cpu_s =
      static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
      static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) /
          1e6;

  // Afterwards the store must hold every base slice plus the scratch
  // slices the workers left, and pass its own integrity check.
  int64_t stored = -1;
  {
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::OpenSqlite(config.store);
    if (!store.ok()) Die("reopening the store", store.status());
    const absl::Status integrity = (*store)->CheckIntegrity();
    if (!integrity.ok()) Die("integrity check", integrity);
    absl::StatusOr<std::vector<Slice>> list =
        (*store)->List(kOrg, SliceListOrder::kByCreationTime);
    if (!list.ok()) Die("final list", list.status());
    stored = static_cast<int64_t>(list->size());
    if (stored != kBaseSlices + total.scratch_left) {
      std::fprintf(stderr,
                   "store_load_benchmark: the store holds %lld slices, "
                   "expected %lld\n",
                   static_cast<long long>(stored),
                   static_cast<long long>(kBaseSlices + total.scratch_left));
      failed = true;
    }
  }

  const double seconds = static_cast<double>(max_elapsed_ns) / 1e9;
  std::printf("%-9s %9s %10s %9s %9s %9s %9s\n", "kind", "count", "ops/s",
              "p50_ms", "p99_ms", "p99.9_ms", "max_ms");
  for (int k = 0; k < kNumKinds; ++k) {
    PrintRow(kKindNames[k], by_kind[k], k == kExploreGet ? 0 : seconds);
  }
  PrintRow("all", all, seconds);
  std::printf(
      "throughput=%.1f ops/s over %.2f s; busy_waits=%lld busy_retries=%lld "
      "errors=%lld; "
      "slices at end=%lld, integrity ok; worker CPU %.1f s (%.2f cores)\n",
      static_cast<double>(all.size()) / seconds, seconds,
      static_cast<long long>(total.busy_waits),
      static_cast<long long>(total.busy_retries),
      static_cast<long long>(total.errors), static_cast<long long>(stored),
      worker_cpu_s, worker_cpu_s / seconds);

  if (!temp_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir, ignored);
  }
  if (total.errors != 0 || failed) {
    std::fprintf(stderr, "store_load_benchmark: FAILED (%lld errors%s)\n",
                 static_cast<long long>(total.errors),
                 failed ? ", a worker failed" : "");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace slicekit::bench

int main(int argc, char** argv) { return slicekit::bench::Main(argc, argv); }
