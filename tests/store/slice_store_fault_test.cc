// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Faults under the SQLite slice store (issue 5, part 4):
//  - disk full and I/O errors, injected by an SQLite VFS shim
//    (tests/testing/fault_vfs.h) made the default VFS of this process: every
//    operation that fails must say so (a success whose effect is not on disk
//    is a "mis-reported success"), leave the earlier state intact (read back
//    through the plain VFS), and the store must work again once the faults
//    stop;
//  - corrupt or foreign files: truncated, bit-flipped, garbage, other format
//    versions, a damaged WAL: a clear error and the file left as it was, or,
//    where SQLite legitimately recovers, a store that passes CheckIntegrity()
//    and holds every committed slice (slice_store_flip_test flips bits in
//    every page and checks every operation's answer).
// The counts (faults injected by kind, mis-reported successes, corrupt files
// by outcome) are printed for the closing note.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "src/store/slice_store_sqlite_format.h"
#include "tests/testing/fault_vfs.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::ArmFault;
using ::slicekit::testing::DisarmFault;
using ::slicekit::testing::FaultKind;
using ::slicekit::testing::GetFaultVfsCounts;
using ::slicekit::testing::IsOk;
using ::slicekit::testing::ReadFile;
using ::slicekit::testing::ResetFaultVfs;
using ::slicekit::testing::SetFaultVfsQuota;
using ::slicekit::testing::StatusIs;
using ::slicekit::testing::TempPath;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::HasSubstr;

// The orgs of the baseline store and of the format-1 fixture
// (tests/data/slice_store_v1).
const char* const kOrgs[] = {"acme", "zeta", "größe-org", "beta"};

void WriteFile(const std::string& path, const std::string& contents) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(std::fwrite(contents.data(), 1, contents.size(), f),
            contents.size());
  ASSERT_EQ(std::fclose(f), 0);
}

void RemoveStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
}

// Everything a slice holds, comparable.
struct Record {
  std::string org, name, description, filter, order;
  int64_t version = 0, created_us = 0, updated_us = 0;
  bool operator==(const Record&) const = default;
};
using State = std::map<std::string, Record>;  // by id

Record ToRecord(const Slice& s) {
  std::string order;
  for (const OrderBy& k : s.order_by) {
    absl::StrAppend(&order, k.column, k.descending ? ":d," : ":a,");
  }
  return {s.org,
          s.name,
          s.description,
          FormatFilter(s.filter),
          order,
          s.version,
          absl::ToUnixMicros(s.created_at),
          absl::ToUnixMicros(s.updated_at)};
}

absl::StatusOr<State> ReadState(SliceStore& store) {
  State state;
  for (const char* org : kOrgs) {
    absl::StatusOr<std::vector<Slice>> slices =
        store.List(org, SliceListOrder::kByCreationTime);
    if (!slices.ok()) return slices.status();
    for (const Slice& s : *slices) state[s.id] = ToRecord(s);
  }
  return state;
}

std::string Describe(const State& state) {
  std::vector<std::string> lines;
  for (const auto& [id, r] : state) {
    lines.push_back(absl::StrCat(id, " ", r.org, "/", r.name, " v", r.version,
                                 " [", r.filter, "] ", r.description.size(),
                                 "B"));
  }
  return absl::StrJoin(lines, "\n");
}

// Reads the store at `path` as production code would, through the platform
// VFS (not the shim), and checks its integrity. Another connection may be
// open on the file meanwhile.
absl::StatusOr<State> PlainSnapshot(const std::string& path) {
  slicekit::testing::UsePlainVfsByDefault();
  absl::StatusOr<State> state;
  {
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::OpenSqlite(path);
    if (!store.ok()) {
      state = store.status();
    } else if (absl::Status integrity = (*store)->CheckIntegrity();
               !integrity.ok()) {
      state = integrity;
    } else {
      state = ReadState(**store);
    }
  }
  slicekit::testing::UseFaultVfsByDefault();
  return state;
}

SliceSpec Spec(std::string name, std::string description = "",
               absl::string_view filter = "fp >= 1") {
  return SliceSpec{std::move(name),
                   std::move(description),
                   *ParseFilter(filter),
                   {{"confidence", true}}};
}

// --- Disk full and I/O errors ----------------------------------------------

// One store operation. On success, returns the state the store must then
// have, computed from `before` and what the call returned.
struct Operation {
  std::string name;
  std::function<absl::StatusOr<State>(SliceStore&, const State& before)> run;
};

// The id of the slice named "target" in acme.
std::string TargetId(const State& state) {
  for (const auto& [id, r] : state) {
    if (r.org == "acme" && r.name == "target") return id;
  }
  return "";
}

absl::StatusOr<State> WithSlice(State before, absl::StatusOr<Slice> slice) {
  if (!slice.ok()) return slice.status();
  before[slice->id] = ToRecord(*slice);
  return before;
}

std::vector<Operation> Operations() {
  const std::vector<OrderBy> order = {{"iou", false}, {"fp", true}};
  return {
      {"Create",
       [](SliceStore& s, const State& before) {
         return WithSlice(before, s.Create("acme", Spec("brand new", "new")));
       }},
      {"UpdateFilter",
       [order](SliceStore& s, const State& before) {
         const std::string id = TargetId(before);
         return WithSlice(
             before,
             s.UpdateFilter("acme", id, *ParseFilter("iou < 0.25 AND tp >= 1"),
                            order, before.at(id).version));
       }},
      {"UpdateFilterAsNew",
       [order](SliceStore& s, const State& before) {
         return WithSlice(before, s.UpdateFilterAsNew(
                                      "acme", TargetId(before), "target copy",
                                      *ParseFilter("fn >= 2"), order));
       }},
      {"Rename",
       [](SliceStore& s, const State& before) {
         return WithSlice(before,
                          s.Rename("acme", TargetId(before), "Target Renamed"));
       }},
      {"SetDescription",
       [](SliceStore& s, const State& before) {
         return WithSlice(before, s.SetDescription("acme", TargetId(before),
                                                   "described at last"));
       }},
      {"Delete",
       [](SliceStore& s, const State& before) -> absl::StatusOr<State> {
         const std::string id = TargetId(before);
         if (absl::Status st = s.Delete("acme", id); !st.ok()) return st;
         State after = before;
         after.erase(id);
         return after;
       }},
  };
}

const char* KindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kWrite:
      return "write";
    case FaultKind::kSync:
      return "fsync";
    case FaultKind::kRead:
      return "read";
  }
  return "?";
}

int64_t CallsOf(FaultKind kind) {
  const slicekit::testing::FaultVfsCounts c = GetFaultVfsCounts();
  return kind == FaultKind::kWrite  ? c.writes
         : kind == FaultKind::kSync ? c.syncs
                                    : c.reads;
}

struct FaultStats {
  int runs = 0;
  int injected = 0;     // runs in which the fault fired
  int failed = 0;       // operations that returned an error
  int absorbed = 0;     // fault fired, operation OK and its effect on disk
  int misreported = 0;  // OK but the effect is not on disk: must be 0
  std::map<std::string, int> errors;  // "code: message" -> count
};

std::map<std::string, FaultStats>& AllStats() {
  static auto* stats = new std::map<std::string, FaultStats>;
  return *stats;
}

class FaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    slicekit::testing::InstallFaultVfs();
    // The baseline: a few slices in two orgs, checkpointed into the main
    // file (closing the last connection does that).
    const std::string path = TempPath("baseline.db");
    {
      auto store = SliceStore::OpenSqlite(path);
      ASSERT_THAT(store, IsOk());
      for (int i = 0; i < 6; ++i) {
        ASSERT_THAT((*store)->Create("acme", Spec(absl::StrCat("slice ", i),
                                                  std::string(300, 'x'))),
                    IsOk());
      }
      ASSERT_THAT((*store)->Create("acme", Spec("target", "the one")), IsOk());
      ASSERT_THAT((*store)->Create("zeta", Spec("other org")), IsOk());
    }
    baseline_ = new std::string(ReadFile(path));
    RemoveStore(path);
  }

  static void TearDownTestSuite() {
    std::printf(
        "injected faults (open + one operation; sticky and one-shot):\n");
    for (const auto& [key, s] : AllStats()) {
      std::printf(
          "  %-32s runs %4d, injected %4d, failed %4d, absorbed %3d, "
          "mis-reported successes %d\n",
          key.c_str(), s.runs, s.injected, s.failed, s.absorbed, s.misreported);
      for (const auto& [error, n] : s.errors) {
        std::printf("      %4d x %s\n", n, error.c_str());
      }
    }
  }

  void SetUp() override {
    ResetFaultVfs();
    slicekit::testing::UseFaultVfsByDefault();
    Restore();
    SLICEKIT_ASSERT_OK_AND_ASSIGN(baseline_state_, PlainSnapshot(path_));
    ASSERT_NE(TargetId(baseline_state_), "");
  }
  void TearDown() override {
    ResetFaultVfs();
    RemoveStore(path_);
  }

  // Puts the baseline store back at path_, with no WAL or shm file.
  void Restore() {
    RemoveStore(path_);
    WriteFile(path_, *baseline_);
  }

  // Checks a failed call's status: an error with a message, DataLoss never
  // (the file is intact; only the disk failed).
  static void ExpectClearError(const absl::Status& status, FaultStats& stats) {
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr("slice store"));
    std::string message(status.message());
    // Group by the SQLite message, not by which statement hit it.
    const size_t colon = message.rfind(": ");
    if (colon != std::string::npos) message = message.substr(colon + 2);
    ++stats.errors[absl::StrCat(absl::StatusCodeToString(status.code()), ": ",
                                message)];
  }

  // Opens (and closes) the store at path_ with whatever fault is armed, and
  // counts the outcome in `stats`: a failure must be a clear error.
  void OpenAndTally(FaultStats& stats) {
    const auto store = SliceStore::OpenSqlite(path_);
    ++stats.runs;
    stats.injected += GetFaultVfsCounts().injected_ioerr > 0;
    if (!store.ok()) {
      ++stats.failed;
      ExpectClearError(store.status(), stats);
    } else {
      ++stats.absorbed;
    }
  }

  // Sweeps an I/O fault over every call of `kind` that opening the store and
  // running `op` makes.
  void SweepIoFault(const Operation& op, FaultKind kind, bool sticky) {
    FaultStats& stats = AllStats()[absl::StrCat(
        KindName(kind), sticky ? " (sticky) " : " (once) ", op.name)];
    // Count the calls without faults.
    Restore();
    ResetFaultVfs();
    int64_t calls = 0;
    {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
      ASSERT_THAT(op.run(*store, baseline_state_), IsOk());
      calls = CallsOf(kind);
    }
    ASSERT_GT(calls, 0) << op.name << " makes no " << KindName(kind) << " call";
    // One run past the last call: the fault never fires, all must work.
    for (int64_t n = 0; n <= calls; ++n) {
      SCOPED_TRACE(absl::StrCat(op.name, ": ", KindName(kind), " call ", n,
                                " of ", calls, sticky ? ", sticky" : ""));
      Restore();
      ResetFaultVfs();
      ArmFault(kind, n, sticky);
      absl::StatusOr<std::unique_ptr<SliceStore>> store =
          SliceStore::OpenSqlite(path_);
      absl::StatusOr<State> result =
          store.ok() ? op.run(**store, baseline_state_) : store.status();
      const bool fired = GetFaultVfsCounts().injected_ioerr > 0;
      DisarmFault();
      ++stats.runs;
      stats.injected += fired;
      State expected = baseline_state_;
      if (result.ok()) {
        expected = *result;
        stats.absorbed += fired;
      } else {
        ++stats.failed;
        EXPECT_TRUE(fired) << "failed with no fault: " << result.status();
        ExpectClearError(result.status(), stats);
      }
      // What another process would see now.
      absl::StatusOr<State> on_disk = PlainSnapshot(path_);
      ASSERT_THAT(on_disk, IsOk());
      if (*on_disk != expected) {
        if (result.ok()) ++stats.misreported;
        ADD_FAILURE() << (result.ok() ? "reported success, but the store has"
                                      : "failed, but changed the store to")
                      << ":\n"
                      << Describe(*on_disk) << "\nexpected:\n"
                      << Describe(expected);
      }
      if (!result.ok()) {
        // The faults have stopped: the same store (or, if opening failed, a
        // new one) works again.
        if (!store.ok()) store = SliceStore::OpenSqlite(path_);
        ASSERT_THAT(store, IsOk());
        absl::StatusOr<State> retry = op.run(**store, baseline_state_);
        ASSERT_THAT(retry, IsOk()) << "the store did not recover";
        expected = *retry;
      }
      store = absl::UnknownError("closed");
      on_disk = PlainSnapshot(path_);
      ASSERT_THAT(on_disk, IsOk());
      EXPECT_EQ(*on_disk, expected) << Describe(*on_disk);
    }
  }

  static std::string* baseline_;
  State baseline_state_;
  const std::string path_ = TempPath("fault.db");
};

std::string* FaultTest::baseline_ = nullptr;

TEST_F(FaultTest, WriteErrorsAreReportedAndChangeNothing) {
  for (const Operation& op : Operations()) {
    for (const bool sticky : {true, false}) {
      SweepIoFault(op, FaultKind::kWrite, sticky);
    }
  }
}

TEST_F(FaultTest, FsyncErrorsAreReportedAndChangeNothing) {
  for (const Operation& op : Operations()) {
    for (const bool sticky : {true, false}) {
      SweepIoFault(op, FaultKind::kSync, sticky);
    }
  }
}

TEST_F(FaultTest, ReadErrorsAreReportedAndChangeNothing) {
  for (const Operation& op : Operations()) {
    for (const bool sticky : {true, false}) {
      SweepIoFault(op, FaultKind::kRead, sticky);
    }
  }
}

// A tiny filesystem filled to the edge: the store is opened, then the disk
// has `slack` bytes left, for slack from 0 up until the operation fits.
TEST_F(FaultTest, DiskFullIsResourceExhaustedAndChangesNothing) {
  for (const Operation& op : Operations()) {
    FaultStats& stats = AllStats()[absl::StrCat("disk full ", op.name)];
    bool fitted = false;
    for (int64_t slack = 0; slack <= 64 * 1024 && !fitted; slack += 1024) {
      SCOPED_TRACE(absl::StrCat(op.name, " with ", slack, " bytes free"));
      Restore();
      ResetFaultVfs();
      SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
      SetFaultVfsQuota(slicekit::testing::FaultVfsUsedBytes() + slack);
      absl::StatusOr<State> result = op.run(*store, baseline_state_);
      const bool fired = GetFaultVfsCounts().injected_full > 0;
      ++stats.runs;
      stats.injected += fired;
      State expected = baseline_state_;
      if (result.ok()) {
        fitted = true;
        expected = *result;
        stats.absorbed += fired;
      } else {
        ++stats.failed;
        EXPECT_TRUE(fired) << result.status();
        EXPECT_THAT(result, StatusIs(absl::StatusCode::kResourceExhausted,
                                     HasSubstr("disk is full")));
        ExpectClearError(result.status(), stats);
      }
      absl::StatusOr<State> on_disk = PlainSnapshot(path_);
      ASSERT_THAT(on_disk, IsOk());
      if (*on_disk != expected) {
        if (result.ok()) ++stats.misreported;
        ADD_FAILURE() << "store has:\n"
                      << Describe(*on_disk) << "\nexpected:\n"
                      << Describe(expected);
      }
      // Space returns: the same store works again.
      SetFaultVfsQuota(std::nullopt);
      if (!result.ok()) {
        absl::StatusOr<State> retry = op.run(*store, baseline_state_);
        ASSERT_THAT(retry, IsOk()) << "the store did not recover";
        expected = *retry;
      }
      store.reset();
      on_disk = PlainSnapshot(path_);
      ASSERT_THAT(on_disk, IsOk());
      EXPECT_EQ(*on_disk, expected);
    }
    EXPECT_TRUE(fitted) << op.name << " never fitted in 64 KiB";
    EXPECT_GT(stats.failed, 0) << op.name << " never ran out of space";
  }
}

// Closing the last connection checkpoints the WAL into the main file. When
// that fails (disk full, I/O errors at any call), nothing acknowledged may
// be lost: the WAL still has it.
TEST_F(FaultTest, FailedCheckpointAtCloseLosesNothing) {
  auto work = [](SliceStore& store, State state) -> absl::StatusOr<State> {
    for (int i = 0; i < 20; ++i) {
      absl::StatusOr<State> next =
          WithSlice(state, store.Create("acme", Spec(absl::StrCat("more ", i),
                                                     std::string(500, 'm'))));
      if (!next.ok()) return next.status();
      state = *std::move(next);
    }
    return state;
  };
  for (const FaultKind kind :
       {FaultKind::kWrite, FaultKind::kSync, FaultKind::kRead}) {
    FaultStats& stats =
        AllStats()[absl::StrCat(KindName(kind), " (sticky) at close")];
    Restore();
    int64_t calls = 0;
    {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
      ASSERT_THAT(work(*store, baseline_state_), IsOk());
      ResetFaultVfs();
    }
    calls = CallsOf(kind);
    for (int64_t n = 0; n <= calls; ++n) {
      SCOPED_TRACE(absl::StrCat(KindName(kind), " call ", n, " of ", calls));
      Restore();
      ResetFaultVfs();
      SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
      SLICEKIT_ASSERT_OK_AND_ASSIGN(State expected,
                                    work(*store, baseline_state_));
      ArmFault(kind, n, /*sticky=*/true);
      store.reset();
      ++stats.runs;
      stats.injected += GetFaultVfsCounts().injected_ioerr > 0;
      DisarmFault();
      absl::StatusOr<State> on_disk = PlainSnapshot(path_);
      ASSERT_THAT(on_disk, IsOk());
      if (*on_disk != expected) {
        ++stats.misreported;
        ADD_FAILURE() << "lost acknowledged slices:\n" << Describe(*on_disk);
      }
    }
  }
  // The same with the disk full: the checkpoint cannot grow the main file,
  // or only by part of a page (a short write leaves a partial last page,
  // whose content the WAL still holds: the store must open and have it).
  for (int64_t room : {0, 1000, 5000}) {
    SCOPED_TRACE(absl::StrCat("room for ", room, " more bytes"));
    FaultStats& stats = AllStats()["disk full at close"];
    Restore();
    ResetFaultVfs();
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(State expected,
                                  work(*store, baseline_state_));
    SetFaultVfsQuota(slicekit::testing::FaultVfsUsedBytes() + room);
    store.reset();
    ++stats.runs;
    stats.injected += GetFaultVfsCounts().injected_full > 0;
    EXPECT_GT(GetFaultVfsCounts().injected_full, 0);
    SetFaultVfsQuota(std::nullopt);
    absl::StatusOr<State> on_disk = PlainSnapshot(path_);
    ASSERT_THAT(on_disk, IsOk());
    EXPECT_EQ(*on_disk, expected) << Describe(*on_disk);
  }
}

// Creating a new store (the schema, the metadata, the switch to WAL) on a
// full or failing disk: an error, and once the disk is fine a new open
// creates or finds a complete, empty store, never a half-made one.
TEST_F(FaultTest, CreatingAStoreOnAFullOrFailingDisk) {
  auto expect_usable_and_empty = [&] {
    absl::StatusOr<State> state = PlainSnapshot(path_);
    ASSERT_THAT(state, IsOk());
    EXPECT_TRUE(state->empty()) << Describe(*state);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
    EXPECT_THAT(store->Create("acme", Spec("first")), IsOk());
  };
  {
    FaultStats& stats = AllStats()["disk full creating a store"];
    RemoveStore(path_);
    ResetFaultVfs();
    SetFaultVfsQuota(0);
    const auto store = SliceStore::OpenSqlite(path_);
    ++stats.runs;
    stats.injected += GetFaultVfsCounts().injected_full > 0;
    EXPECT_THAT(store,
                StatusIs(absl::StatusCode::kResourceExhausted,
                         AllOf(HasSubstr(path_), HasSubstr("disk is full"))));
    if (!store.ok()) {
      ++stats.failed;
      ExpectClearError(store.status(), stats);
    }
    SetFaultVfsQuota(std::nullopt);
    expect_usable_and_empty();
  }
  for (const FaultKind kind : {FaultKind::kWrite, FaultKind::kSync}) {
    FaultStats& stats =
        AllStats()[absl::StrCat(KindName(kind), " (sticky) creating a store")];
    RemoveStore(path_);
    ResetFaultVfs();
    { ASSERT_THAT(SliceStore::OpenSqlite(path_), IsOk()); }
    const int64_t calls = CallsOf(kind);
    for (int64_t n = 0; n < calls; ++n) {
      SCOPED_TRACE(absl::StrCat(KindName(kind), " call ", n, " of ", calls));
      RemoveStore(path_);
      ResetFaultVfs();
      ArmFault(kind, n, /*sticky=*/true);
      OpenAndTally(stats);
      DisarmFault();
      expect_usable_and_empty();
    }
  }
}

// The format version a store file records and whether it has the history
// table, read with plain SQLite (not the shim).
std::string RawFormat(const std::string& path) {
  slicekit::testing::UsePlainVfsByDefault();
  std::string result;
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_exec(
        db,
        "SELECT (SELECT value FROM slicekit_meta WHERE key = 'version') || "
        "' ' || (SELECT count(*) FROM sqlite_master WHERE name = "
        "'slice_versions')",
        [](void* out, int, char** cols, char**) {
          *static_cast<std::string*>(out) = cols[0] != nullptr ? cols[0] : "";
          return 0;
        },
        &result, nullptr);
  }
  sqlite3_close(db);
  slicekit::testing::UseFaultVfsByDefault();
  return result;
}

// Opening a store of format 1 upgrades it in one transaction: whichever
// write or fsync fails, the file is afterwards either still format 1 with
// no history table, or format 3 complete, and opening it again (upgrading
// then if need be) gives every slice as the old release wrote it.
TEST_F(FaultTest, UpgradingAFormat1StoreIsAllOrNothing) {
  const std::string fixture =
      ReadFile(SLICEKIT_TEST_DATA_DIR "/slice_store_v1/store_v1.db");
  ASSERT_FALSE(fixture.empty());
  RemoveStore(path_);
  WriteFile(path_, fixture);
  ASSERT_EQ(RawFormat(path_), "1 0");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const State upgraded, PlainSnapshot(path_));
  ASSERT_EQ(upgraded.size(), 9u);
  ASSERT_EQ(RawFormat(path_), "3 1");
  std::set<std::string> outcomes;
  for (const FaultKind kind : {FaultKind::kWrite, FaultKind::kSync}) {
    FaultStats& stats = AllStats()[absl::StrCat(
        KindName(kind), " (sticky) upgrading a format-1 store")];
    RemoveStore(path_);
    WriteFile(path_, fixture);
    ResetFaultVfs();
    { ASSERT_THAT(SliceStore::OpenSqlite(path_), IsOk()); }
    const int64_t calls = CallsOf(kind);
    ASSERT_GT(calls, 0);
    for (int64_t n = 0; n <= calls; ++n) {
      SCOPED_TRACE(absl::StrCat(KindName(kind), " call ", n, " of ", calls));
      RemoveStore(path_);
      WriteFile(path_, fixture);
      ResetFaultVfs();
      ArmFault(kind, n, /*sticky=*/true);
      OpenAndTally(stats);
      DisarmFault();
      const std::string format = RawFormat(path_);
      EXPECT_THAT(format, AnyOf("1 0", "3 1"));
      outcomes.insert(format);
      absl::StatusOr<State> state = PlainSnapshot(path_);
      ASSERT_THAT(state, IsOk());
      EXPECT_EQ(*state, upgraded) << Describe(*state);
    }
  }
  // Faults hit both before the commit (nothing changed) and after it.
  EXPECT_EQ(outcomes, (std::set<std::string>{"1 0", "3 1"}));
}

// --- Corrupt or foreign files ----------------------------------------------

// How opening a damaged file ended.
enum class Outcome {
  kRefused,        // OpenSqlite failed with a clear error
  kDetectedLater,  // opened; CheckIntegrity() or reading said DataLoss
  kRecovered,      // opened; integrity OK; every committed slice intact
  kChanged,        // opened; integrity OK; a slice's content differs
};

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kRefused:
      return "refused at open";
    case Outcome::kDetectedLater:
      return "opened, then DataLoss from CheckIntegrity/List";
    case Outcome::kRecovered:
      return "opened intact";
    case Outcome::kChanged:
      return "opened, a slice changed undetectably";
  }
  return "?";
}

uint64_t SeedFromEnv(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::strtoull(value, nullptr, 10) : fallback;
}

class CorruptStoreTest : public ::testing::Test {
 protected:
  // A committed store of 60 slices in two orgs (several pages, with
  // descriptions of all lengths), checkpointed into one file.
  static void SetUpTestSuite() {
    slicekit::testing::UsePlainVfsByDefault();
    const std::string path = TempPath("corrupt_base.db");
    {
      auto store = SliceStore::OpenSqlite(path);
      ASSERT_THAT(store, IsOk());
      for (int i = 0; i < 60; ++i) {
        ASSERT_THAT(
            (*store)->Create(kOrgs[i % 2],
                             Spec(absl::StrCat("slice number ", i),
                                  std::string(static_cast<size_t>(i * 13),
                                              static_cast<char>('a' + i % 26)),
                                  absl::StrCat("fp >= ", i))),
            IsOk());
      }
      absl::StatusOr<State> state = ReadState(**store);
      ASSERT_THAT(state, IsOk());
      committed_ = new State(*state);
    }
    store_bytes_ = new std::string(ReadFile(path));
    RemoveStore(path);
    ASSERT_GT(store_bytes_->size(), 8 * 4096u);
  }
  static void TearDownTestSuite() {
    std::printf("corrupt or foreign files by outcome:\n");
    for (const auto& [key, n] : Tally()) {
      std::printf("  %4d x %s\n", n, key.c_str());
    }
    slicekit::testing::UseFaultVfsByDefault();
  }
  void SetUp() override { slicekit::testing::UsePlainVfsByDefault(); }
  void TearDown() override { RemoveStore(path_); }

  static std::map<std::string, int>& Tally() {
    static auto* tally = new std::map<std::string, int>;
    return *tally;
  }

  // Opens the file at path_ (written by the caller), reads everything, and
  // says how it went. Whatever happens, opening and reading must not write
  // to the main file. `committed` is what the file held before the damage.
  Outcome OpenDamaged(absl::string_view what, const State& committed) {
    const std::string before = ReadFile(path_);
    Outcome outcome;
    std::string detail;
    {
      absl::StatusOr<std::unique_ptr<SliceStore>> store =
          SliceStore::OpenSqlite(path_);
      if (!store.ok()) {
        outcome = Outcome::kRefused;
        EXPECT_THAT(store, AnyOf(StatusIs(absl::StatusCode::kFailedPrecondition,
                                          HasSubstr(path_)),
                                 StatusIs(absl::StatusCode::kDataLoss,
                                          HasSubstr(path_))));
        EXPECT_THAT(std::string(store.status().message()),
                    HasSubstr("left unchanged"));
        detail = store.status().ToString();
      } else {
        const absl::Status integrity = (*store)->CheckIntegrity();
        const absl::StatusOr<State> state = ReadState(**store);
        if (!integrity.ok() || !state.ok()) {
          outcome = Outcome::kDetectedLater;
          const absl::Status& error =
              integrity.ok() ? state.status() : integrity;
          EXPECT_EQ(error.code(), absl::StatusCode::kDataLoss) << error;
          detail = error.ToString();
        } else if (*state == committed) {
          outcome = Outcome::kRecovered;
        } else {
          // Every row has a checksum (format 3): a flipped bit in a text or
          // number is DataLoss, never a slice that reads differently.
          outcome = Outcome::kChanged;
          int differing = 0;
          for (const auto& [id, r] : committed) {
            auto it = state->find(id);
            if (it == state->end() || !(it->second == r)) ++differing;
          }
          ADD_FAILURE() << differing << " slices lost or changed, "
                        << state->size() << " read:\n"
                        << Describe(*state);
        }
      }
    }
    EXPECT_EQ(ReadFile(path_), before)
        << what << ": the file was modified (" << OutcomeName(outcome) << ")";
    ++Tally()[absl::StrCat(what, ": ", OutcomeName(outcome))];
    last_detail_ = absl::StrCat(OutcomeName(outcome), " ", detail);
    return outcome;
  }

  static State* committed_;
  static std::string* store_bytes_;
  const std::string path_ = TempPath("corrupt.db");
  std::string last_detail_;  // how the last OpenDamaged() went
};

State* CorruptStoreTest::committed_ = nullptr;
std::string* CorruptStoreTest::store_bytes_ = nullptr;

// Every truncation loses pages SQLite knows it had (the header records the
// page count), so each one must be refused. (Truncation to 0 bytes makes an
// empty file, which OpenSqlite documents as a new store.)
TEST_F(CorruptStoreTest, TruncatedFilesAreRefused) {
  const std::string& full = *store_bytes_;
  std::set<size_t> offsets = {
      1, 15, 16, 17, 99, 100, 101, 511, 512, 513, full.size() - 1};
  for (size_t page = 4096; page < full.size(); page += 4096) {
    for (size_t at : {page - 1, page, page + 1, page + 2048}) {
      if (at < full.size()) offsets.insert(at);
    }
  }
  for (const size_t at : offsets) {
    SCOPED_TRACE(absl::StrCat("truncated to ", at, " of ", full.size()));
    RemoveStore(path_);
    WriteFile(path_, full.substr(0, at));
    EXPECT_EQ(OpenDamaged("truncated", *committed_), Outcome::kRefused)
        << last_detail_;
  }
}

TEST_F(CorruptStoreTest, FlippedBitsAreRefusedOrHarmless) {
  const uint64_t seed = SeedFromEnv("SLICEKIT_CORRUPT_SEED", 20261128);
  std::printf("bit flip seed %llu (replay: SLICEKIT_CORRUPT_SEED=%llu)\n",
              static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  const std::string& full = *store_bytes_;
  for (int i = 0; i < 400; ++i) {
    std::string damaged = full;
    // Half of the flips in the first page (header, schema), where one bit
    // matters most; the rest anywhere.
    const size_t at = i % 2 == 0 ? rng() % 4096 : rng() % full.size();
    const int bit = static_cast<int>(rng() % 8);
    damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
    SCOPED_TRACE(absl::StrCat("seed ", seed, ": bit ", bit, " of byte ", at));
    RemoveStore(path_);
    WriteFile(path_, damaged);
    OpenDamaged("bit flip", *committed_);
  }
}

TEST_F(CorruptStoreTest, GarbageIsRefused) {
  std::mt19937_64 rng(7);
  auto random_bytes = [&](size_t n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    return bytes;
  };
  std::vector<std::pair<std::string, std::string>> files;
  for (const size_t n : {1, 100, 512, 4096, 65536}) {
    files.push_back({absl::StrCat(n, " random bytes"), random_bytes(n)});
  }
  for (const size_t n : {512, 4096, 16384}) {
    // An SQLite magic string, then noise.
    files.push_back({absl::StrCat("SQLite magic + ", n, " random bytes"),
                     std::string("SQLite format 3\0", 16) + random_bytes(n)});
    // A real store's first 100 bytes (the database header), then noise.
    files.push_back({absl::StrCat("store header + ", n, " random bytes"),
                     store_bytes_->substr(0, 100) + random_bytes(n)});
  }
  // A store's pages in a scrambled order.
  std::string shuffled;
  for (size_t page = store_bytes_->size() / 4096; page-- > 0;) {
    shuffled += store_bytes_->substr(page * 4096, 4096);
  }
  files.push_back({"pages in reverse order", shuffled});
  for (const auto& [what, bytes] : files) {
    SCOPED_TRACE(what);
    RemoveStore(path_);
    WriteFile(path_, bytes);
    EXPECT_EQ(OpenDamaged("garbage", *committed_), Outcome::kRefused)
        << last_detail_;
  }
}

// Runs `sql` on the store file at `path` with plain SQLite.
void ExecSql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "");
  sqlite3_free(error);
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
}

// What a slicekit that wrote the metadata does: the checksum row again,
// over the rows as they are now (read and written with plain SQLite).
void ResealMeta(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::map<std::string, std::string> meta;
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT key, value FROM slicekit_meta", -1,
                               &stmt, nullptr),
            SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    meta[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))] =
        reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
  }
  sqlite3_finalize(stmt);
  const std::string sql =
      absl::StrCat("UPDATE slicekit_meta SET value = '",
                   internal::MetaChecksum(meta), "' WHERE key = 'checksum'");
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
}

// A real store with slices whose metadata says another version, or whose
// tables are not the store's: refused, unchanged, slices still there for a
// slicekit that reads that version.
TEST_F(CorruptStoreTest, OtherSchemasAreRefused) {
  // Other versions or formats (their metadata written whole, checksum
  // included, as a slicekit writes them) are FailedPrecondition (a slicekit
  // that reads them may open the file); metadata that fail their checksum
  // and a schema that is not the store's are DataLoss.
  const struct {
    const char* sql;
    bool reseal;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {"UPDATE slicekit_meta SET value = '4' WHERE key = 'version'", true,
       absl::StatusCode::kFailedPrecondition,
       "has format version 4, newer than this slicekit, which reads "
       "versions 1 to 3 (upgrading 1 and 2)"},
      {"UPDATE slicekit_meta SET value = '0' WHERE key = 'version'", true,
       absl::StatusCode::kFailedPrecondition,
       "has format version 0; this slicekit reads versions 1"},
      {"DELETE FROM slicekit_meta WHERE key = 'version'", true,
       absl::StatusCode::kFailedPrecondition, "has format version (none)"},
      {"UPDATE slicekit_meta SET value = 'slicekit.other' WHERE key = "
       "'format'",
       true, absl::StatusCode::kFailedPrecondition,
       "its format is \"slicekit.other\""},
      // The same edits without the checksum: damage, as a flipped bit is.
      {"UPDATE slicekit_meta SET value = '4' WHERE key = 'version'", false,
       absl::StatusCode::kDataLoss,
       "is corrupt (slicekit_meta does not match its checksum)"},
      {"UPDATE slicekit_meta SET value = 'slicekit.other' WHERE key = "
       "'format'",
       false, absl::StatusCode::kDataLoss,
       "is corrupt (slicekit_meta does not match its checksum)"},
      {"DELETE FROM slicekit_meta WHERE key = 'checksum'", false,
       absl::StatusCode::kDataLoss,
       "is corrupt (slicekit_meta has no checksum)"},
      // A format-3 store that says it is format 1 or 2 (as those have no
      // checksum row) lacks nothing those have, but has tables they do not:
      // not upgraded, refused.
      {"UPDATE slicekit_meta SET value = '1' WHERE key = 'version'; "
       "DELETE FROM slicekit_meta WHERE key = 'checksum'",
       false, absl::StatusCode::kDataLoss,
       "is corrupt (table slices differs from a slice store's)"},
      {"UPDATE slicekit_meta SET value = '2' WHERE key = 'version'; "
       "DELETE FROM slicekit_meta WHERE key = 'checksum'",
       false, absl::StatusCode::kDataLoss,
       "is corrupt (table alert_rules "
       "differs from a slice store's)"},
      {"UPDATE slicekit_meta SET value = '2' WHERE key = 'version'", true,
       absl::StatusCode::kDataLoss,
       "is corrupt (slicekit_meta has a checksum its format version does "
       "not have)"},
      {"DROP TABLE slices", false, absl::StatusCode::kDataLoss,
       "is corrupt (table slices is missing)"},
      {"DROP TABLE retired_ids", false, absl::StatusCode::kDataLoss,
       "is corrupt (table retired_ids is missing)"},
      {"DROP TABLE slice_versions", false, absl::StatusCode::kDataLoss,
       "is corrupt (table slice_versions is missing)"},
      {"DROP TABLE slice_heads", false, absl::StatusCode::kDataLoss,
       "is corrupt (table slice_heads is missing)"},
      {"DROP TRIGGER slices_delete_needs_history", false,
       absl::StatusCode::kDataLoss,
       "is corrupt (trigger slices_delete_needs_history is missing)"},
      {"DROP TRIGGER alert_rules_delete_needs_crc", false,
       absl::StatusCode::kDataLoss,
       "is corrupt (trigger alert_rules_delete_needs_crc is missing)"},
      {"ALTER TABLE slices RENAME COLUMN order_by_json TO order_json", false,
       absl::StatusCode::kDataLoss,
       "is corrupt (table slices differs from a slice store's)"},
      {"CREATE INDEX extra ON slices (name)", false,
       absl::StatusCode::kDataLoss,
       "is corrupt (unexpected index "
       "extra)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    RemoveStore(path_);
    WriteFile(path_, *store_bytes_);
    ExecSql(path_, c.sql);
    if (c.reseal) ResealMeta(path_);
    const std::string before = ReadFile(path_);
    EXPECT_THAT(SliceStore::OpenSqlite(path_),
                StatusIs(c.code, AllOf(HasSubstr(path_), HasSubstr(c.message),
                                       HasSubstr("left unchanged"))));
    EXPECT_EQ(ReadFile(path_), before);
    ++Tally()[c.code == absl::StatusCode::kDataLoss
                  ? "damaged schema: refused at open"
                  : "other schema: refused at open"];
  }
}

// Statistics tables that ANALYZE adds (the sqlite3 shell, PRAGMA optimize)
// are not part of the format: the store still opens, with its slices.
TEST_F(CorruptStoreTest, AnalyzeStatisticsTablesAreIgnored) {
  RemoveStore(path_);
  WriteFile(path_, *store_bytes_);
  ExecSql(path_, "ANALYZE");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
  EXPECT_THAT(store->CheckIntegrity(), IsOk());
  absl::StatusOr<State> state = ReadState(*store);
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(*state, *committed_);
}

// The WAL holds the commits not yet checkpointed into the main file. A
// damaged WAL must never cost a checkpointed slice; SQLite replays the WAL's
// commits up to the first frame that fails its checksum, so what survives
// from the WAL is a prefix of the commits, and the store is consistent.
TEST_F(CorruptStoreTest, DamagedWalKeepsCheckpointedSlicesAndAPrefix) {
  // The main file: committed_. The WAL: 8 more creates, one commit each,
  // copied while the store is open (as a crash would leave them).
  RemoveStore(path_);
  WriteFile(path_, *store_bytes_);
  std::string main_bytes, wal_bytes;
  std::vector<std::string> wal_names;  // in commit order
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
    for (int i = 0; i < 8; ++i) {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          Slice s, store->Create("acme", Spec(absl::StrCat("in wal ", i),
                                              std::string(700, 'w'))));
      wal_names.push_back(s.name);
    }
    main_bytes = ReadFile(path_);
    wal_bytes = ReadFile(absl::StrCat(path_, "-wal"));
  }
  ASSERT_EQ(main_bytes, *store_bytes_) << "a checkpoint ran early";
  ASSERT_GT(wal_bytes.size(), 8 * 4096u);

  // Returns how many of the WAL's commits survived, checking that they are a
  // prefix and that every checkpointed slice is intact.
  auto open_with_wal = [&](const std::string& wal) -> int {
    RemoveStore(path_);
    WriteFile(path_, main_bytes);
    WriteFile(absl::StrCat(path_, "-wal"), wal);
    auto store = SliceStore::OpenSqlite(path_);
    EXPECT_THAT(store, IsOk());
    if (!store.ok()) return -1;
    EXPECT_THAT((*store)->CheckIntegrity(), IsOk());
    absl::StatusOr<State> state = ReadState(**store);
    EXPECT_THAT(state, IsOk());
    if (!state.ok()) return -1;
    std::set<std::string> names;
    for (const auto& [id, r] : *state) {
      auto it = committed_->find(id);
      if (it != committed_->end()) {
        EXPECT_EQ(it->second, r) << "checkpointed slice " << id << " changed";
      } else {
        names.insert(r.name);
      }
    }
    for (const auto& [id, r] : *committed_) {
      EXPECT_TRUE(state->contains(id))
          << "checkpointed slice " << id << " lost";
    }
    int survived = 0;
    while (survived < static_cast<int>(wal_names.size()) &&
           names.contains(wal_names[survived])) {
      ++survived;
    }
    EXPECT_EQ(static_cast<size_t>(survived), names.size())
        << "the surviving WAL commits are not a prefix";
    return survived;
  };

  EXPECT_EQ(open_with_wal(wal_bytes), 8);
  std::mt19937_64 rng(11);
  std::string garbage(wal_bytes.size(), '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  EXPECT_EQ(open_with_wal(garbage), 0);
  ++Tally()["WAL garbage: opened, checkpointed slices intact"];
  EXPECT_EQ(open_with_wal(""), 0);
  // Truncated: inside the header, and at and around every frame boundary.
  constexpr size_t kFrame = 24 + 4096;
  int last = 0;
  for (size_t at : {size_t{1}, size_t{31}, size_t{32}}) {
    EXPECT_EQ(open_with_wal(wal_bytes.substr(0, at)), 0);
  }
  for (size_t at = 32 + kFrame; at <= wal_bytes.size(); at += kFrame) {
    SCOPED_TRACE(absl::StrCat("WAL truncated to ", at));
    const int cut = open_with_wal(wal_bytes.substr(0, at - 1));
    const int whole = open_with_wal(wal_bytes.substr(0, at));
    EXPECT_LE(cut, whole);
    EXPECT_GE(whole, last);
    last = whole;
    ++Tally()["WAL truncated: opened, a prefix of its commits"];
  }
  EXPECT_EQ(last, 8);
  // A flipped bit in a frame: the commits before that frame survive.
  for (int i = 0; i < 40; ++i) {
    std::string damaged = wal_bytes;
    const size_t at = 32 + rng() % (wal_bytes.size() - 32);
    damaged[at] = static_cast<char>(damaged[at] ^ (1 << (rng() % 8)));
    SCOPED_TRACE(absl::StrCat("WAL byte ", at, " flipped"));
    EXPECT_GE(open_with_wal(damaged), 0);
    ++Tally()["WAL bit flip: opened, a prefix of its commits"];
  }
}

}  // namespace
}  // namespace slicekit
