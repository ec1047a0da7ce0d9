// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The org limit and name uniqueness under concurrent creator threads (one
// store, or a SQLite store each). Processes sharing a store are in
// slice_store_process_test.cc.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "src/store/slice_store_internal.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::testing::SizeIs;

constexpr int kThreads = 16;
constexpr int kPerThread = 20;

std::string TempPath(absl::string_view name) {
  return absl::StrCat(::testing::TempDir(), "/slice_store_concurrency_",
                      getpid(), "_", name);
}

void RemoveStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
}

SliceSpec Spec(std::string name) {
  return SliceSpec{std::move(name), "", *ParseFilter("fp >= 1"), {}};
}

struct Tally {
  std::atomic<int> ok{0};
  std::atomic<int> exhausted{0};
  std::atomic<int> already_exists{0};
  std::atomic<int> other{0};
};

// Runs kThreads threads, all released at once, each calling `create(t, i)`
// kPerThread times.
void RunThreads(const std::function<absl::StatusOr<Slice>(int, int)>& create,
                Tally* tally) {
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        const absl::StatusOr<Slice> slice = create(t, i);
        if (slice.ok()) {
          ++tally->ok;
        } else if (absl::IsResourceExhausted(slice.status())) {
          ++tally->exhausted;
        } else if (absl::IsAlreadyExists(slice.status())) {
          ++tally->already_exists;
        } else {
          ++tally->other;
          ADD_FAILURE() << slice.status();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

void ExpectExactlyAHundred(SliceStore& store) {
  absl::StatusOr<std::vector<Slice>> all =
      store.List("acme", SliceListOrder::kByName);
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(*all, SizeIs(kMaxSlicesPerOrg));
  std::set<std::string> names, ids;
  for (const Slice& s : *all) {
    names.insert(SliceNameKey(s.name));
    ids.insert(s.id);
  }
  EXPECT_THAT(names, SizeIs(all->size()));
  EXPECT_THAT(ids, SizeIs(all->size()));
  EXPECT_THAT(store.CheckIntegrity(), IsOk());
}

TEST(SliceStoreConcurrencyTest, ThreadsInMemoryStopAtTheLimit) {
  auto store = SliceStore::InMemory();
  Tally tally;
  RunThreads(
      [&](int t, int i) {
        return store->Create("acme", Spec(absl::StrCat("t", t, "-", i)));
      },
      &tally);
  EXPECT_EQ(tally.ok, kMaxSlicesPerOrg);
  EXPECT_EQ(tally.exhausted, kThreads * kPerThread - kMaxSlicesPerOrg);
  EXPECT_EQ(tally.other + tally.already_exists, 0);
  ExpectExactlyAHundred(*store);
}

TEST(SliceStoreConcurrencyTest, ThreadsWithTheirOwnSqliteStoresStopAtTheLimit) {
  const std::string path = TempPath("threads.db");
  RemoveStore(path);
  std::vector<std::unique_ptr<SliceStore>> stores;
  for (int t = 0; t < kThreads; ++t) {
    auto store = SliceStore::OpenSqlite(path);
    ASSERT_THAT(store, IsOk());
    stores.push_back(*std::move(store));
  }
  Tally tally;
  RunThreads(
      [&](int t, int i) {
        return stores[t]->Create("acme", Spec(absl::StrCat("t", t, "-", i)));
      },
      &tally);
  EXPECT_EQ(tally.ok, kMaxSlicesPerOrg);
  EXPECT_EQ(tally.exhausted, kThreads * kPerThread - kMaxSlicesPerOrg);
  EXPECT_EQ(tally.other + tally.already_exists, 0);
  stores.clear();
  auto reopened = SliceStore::OpenSqlite(path);
  ASSERT_THAT(reopened, IsOk());
  ExpectExactlyAHundred(**reopened);
  reopened->reset();
  RemoveStore(path);
}

TEST(SliceStoreConcurrencyTest, ThreadsSharingOneSqliteStoreStopAtTheLimit) {
  const std::string path = TempPath("shared.db");
  RemoveStore(path);
  auto store = SliceStore::OpenSqlite(path);
  ASSERT_THAT(store, IsOk());
  Tally tally;
  RunThreads(
      [&](int t, int i) {
        return (*store)->Create("acme", Spec(absl::StrCat("t", t, "-", i)));
      },
      &tally);
  EXPECT_EQ(tally.ok, kMaxSlicesPerOrg);
  EXPECT_EQ(tally.exhausted, kThreads * kPerThread - kMaxSlicesPerOrg);
  ExpectExactlyAHundred(**store);
  store->reset();
  RemoveStore(path);
}

// A writer that finds the file locked by another connection waits with
// SQLite's back-off (the store's busy handler), each wait counted, and gets
// in once the lock goes. The holder lets go only after a wait was counted,
// so the test does not depend on timing.
TEST(SliceStoreConcurrencyTest, WriterWaitsOutALockAndTheWaitIsCounted) {
  const std::string path = TempPath("locked.db");
  RemoveStore(path);
  auto store = SliceStore::OpenSqlite(path);
  ASSERT_THAT(store, IsOk());
  ASSERT_THAT((*store)->Create("acme", Spec("before the lock")), IsOk());
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  const int64_t waits_before = internal::SqliteBusyWaits();
  const int64_t retries_before = internal::SqliteBusyRetries();
  std::thread release([&] {
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    while (internal::SqliteBusyWaits() == waits_before &&
           absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    EXPECT_EQ(sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr),
              SQLITE_OK);
  });
  const absl::StatusOr<Slice> created =
      (*store)->Create("acme", Spec("after the lock"));
  release.join();
  EXPECT_THAT(created, IsOk());
  EXPECT_GT(internal::SqliteBusyWaits(), waits_before);
  // Waited inside the statement; the operation never had to start over.
  EXPECT_EQ(internal::SqliteBusyRetries(), retries_before);
  EXPECT_EQ(sqlite3_close(holder), SQLITE_OK);
  store->reset();
  RemoveStore(path);
}

TEST(SliceStoreConcurrencyTest, ConcurrentCreatorsOfOneNameLeaveOneSlice) {
  const std::string path = TempPath("names.db");
  RemoveStore(path);
  for (const bool sqlite : {false, true}) {
    SCOPED_TRACE(sqlite ? "sqlite" : "memory");
    std::vector<std::unique_ptr<SliceStore>> stores;
    for (int t = 0; t < kThreads; ++t) {
      if (!sqlite) {
        if (t == 0) stores.push_back(SliceStore::InMemory());
        continue;
      }
      auto store = SliceStore::OpenSqlite(path);
      ASSERT_THAT(store, IsOk());
      stores.push_back(*std::move(store));
    }
    Tally tally;
    // Every thread tries the same 20 names, spelled in its own case.
    RunThreads(
        [&](int t, int i) {
          std::string name = absl::StrCat("shared name ", i);
          if (t % 2 == 1) name[0] = 'S';
          return stores[t % stores.size()]->Create("acme", Spec(name));
        },
        &tally);
    EXPECT_EQ(tally.ok, kPerThread);
    EXPECT_EQ(tally.already_exists, (kThreads - 1) * kPerThread);
    EXPECT_EQ(tally.exhausted + tally.other, 0);
    EXPECT_THAT(*stores[0]->List("acme", SliceListOrder::kByName),
                SizeIs(kPerThread));
    EXPECT_THAT(stores[0]->CheckIntegrity(), IsOk());
  }
  RemoveStore(path);
}

}  // namespace
}  // namespace slicekit
