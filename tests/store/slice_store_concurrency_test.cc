// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The org limit and name uniqueness under concurrent creators (threads, and
// processes sharing one SQLite file), and durability when a writer process
// is killed with SIGKILL at arbitrary moments.
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

// --- Processes --------------------------------------------------------------

// A running slice_store_worker with pipes to its stdin and stdout.
struct Worker {
  pid_t pid = -1;
  int to_child = -1;
  int from_child = -1;
  std::string buffer;  // read but not yet split into lines

  // Reads one complete line; false at EOF.
  bool ReadLine(std::string* line) {
    for (;;) {
      if (size_t nl = buffer.find('\n'); nl != std::string::npos) {
        *line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        return true;
      }
      char chunk[4096];
      const ssize_t n = read(from_child, chunk, sizeof(chunk));
      if (n <= 0) return false;  // EOF; an incomplete last line is dropped
      buffer.append(chunk, static_cast<size_t>(n));
    }
  }
  void Go() { ASSERT_EQ(write(to_child, "g", 1), 1); }
  // Returns the wait status.
  int Wait() {
    close(to_child);
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    close(from_child);
    return status;
  }
};

Worker StartWorker(const std::vector<std::string>& args) {
  int in[2], out[2];
  Worker worker;
  if (pipe(in) != 0 || pipe(out) != 0) {
    ADD_FAILURE() << "pipe failed";
    return worker;
  }
  std::vector<std::string> argv_strings = {SLICE_STORE_WORKER_PATH};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  worker.pid = fork();
  if (worker.pid == 0) {
    if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0) _exit(126);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    execv(SLICE_STORE_WORKER_PATH, argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  worker.to_child = in[1];
  worker.from_child = out[0];
  EXPECT_GT(worker.pid, 0);
  return worker;
}

void ExpectReady(Worker& worker) {
  std::string line;
  ASSERT_TRUE(worker.ReadLine(&line));
  ASSERT_EQ(line, "ready");
}

TEST(SliceStoreConcurrencyTest, ProcessesSharingAFileStopAtTheLimit) {
  constexpr int kProcesses = 8;
  const std::string path = TempPath("processes.db");
  RemoveStore(path);
  std::vector<Worker> workers;
  for (int p = 0; p < kProcesses; ++p) {
    workers.push_back(
        StartWorker({"create", path, "acme", absl::StrCat("p", p, "-"),
                     absl::StrCat(kPerThread)}));
  }
  for (Worker& w : workers) ExpectReady(w);
  for (Worker& w : workers) w.Go();  // all start at once
  int ok = 0, exhausted = 0;
  std::set<std::string> ids;
  for (Worker& w : workers) {
    std::string line;
    while (w.ReadLine(&line)) {
      if (line.rfind("ok ", 0) == 0) {
        ++ok;
        ids.insert(std::vector<std::string>(absl::StrSplit(line, ' '))[1]);
      } else if (line == "exhausted") {
        ++exhausted;
      } else {
        ADD_FAILURE() << line;
      }
    }
    const int status = w.Wait();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  EXPECT_EQ(ok, kMaxSlicesPerOrg);
  EXPECT_EQ(exhausted, kProcesses * kPerThread - kMaxSlicesPerOrg);
  auto store = SliceStore::OpenSqlite(path);
  ASSERT_THAT(store, IsOk());
  ExpectExactlyAHundred(**store);
  const absl::StatusOr<std::vector<Slice>> all =
      (*store)->List("acme", SliceListOrder::kByName);
  ASSERT_THAT(all, IsOk());
  for (const Slice& s : *all) {
    EXPECT_TRUE(ids.contains(s.id)) << s.id;
  }
  store->reset();
  RemoveStore(path);
}

// Writers in several processes update one slice at once, without expected
// versions: every acknowledged update is in the history at the version it
// was acknowledged with, versions are 1..N with no gap or repeat, and each
// process saw its own versions strictly increase.
TEST(SliceStoreConcurrencyTest, ProcessesUpdatingOneSliceLoseNoVersion) {
  constexpr int kProcesses = 4;
  constexpr int kUpdates = 25;
  const std::string path = TempPath("history.db");
  RemoveStore(path);
  std::string id;
  {
    auto store = SliceStore::OpenSqlite(path);
    ASSERT_THAT(store, IsOk());
    auto slice = (*store)->Create("acme", Spec("contended"));
    ASSERT_THAT(slice, IsOk());
    id = slice->id;
  }
  std::vector<Worker> workers;
  for (int p = 0; p < kProcesses; ++p) {
    workers.push_back(
        StartWorker({"update", path, "acme", id, absl::StrCat(kUpdates),
                     absl::StrCat(p + 1)}));
  }
  for (Worker& w : workers) ExpectReady(w);
  for (Worker& w : workers) w.Go();
  // version -> (process tag, call index)
  std::map<int64_t, std::pair<int, int>> acknowledged;
  for (int p = 0; p < kProcesses; ++p) {
    Worker& w = workers[p];
    std::string line;
    int64_t last = 0;
    int calls = 0;
    while (w.ReadLine(&line)) {
      const std::vector<std::string> parts = absl::StrSplit(line, ' ');
      ASSERT_EQ(parts.size(), 3u) << line;
      ASSERT_EQ(parts[0], "ok") << line;
      const int64_t version = std::stoll(parts[1]);
      EXPECT_GT(version, last) << "process " << p + 1;
      last = version;
      EXPECT_TRUE(
          acknowledged.emplace(version, std::make_pair(p + 1, calls)).second)
          << "version " << version << " acknowledged twice";
      EXPECT_EQ(std::stoi(parts[2]), calls);
      ++calls;
    }
    EXPECT_EQ(calls, kUpdates);
    const int status = w.Wait();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto store = SliceStore::OpenSqlite(path);
  ASSERT_THAT(store, IsOk());
  ASSERT_THAT((*store)->CheckIntegrity(), IsOk());
  const absl::StatusOr<std::vector<SliceVersion>> history =
      (*store)->History("acme", id);
  ASSERT_THAT(history, IsOk());
  ASSERT_THAT(*history, SizeIs(1 + kProcesses * kUpdates));
  for (size_t i = 0; i < history->size(); ++i) {
    const SliceVersion& v = (*history)[i];
    EXPECT_EQ(v.version, static_cast<int64_t>(i + 1));
    if (i == 0) continue;
    const auto it = acknowledged.find(v.version);
    ASSERT_NE(it, acknowledged.end()) << "version " << v.version;
    const auto [tag, call] = it->second;
    EXPECT_EQ(v.actor, absl::StrCat(tag));
    EXPECT_EQ(v.filter,
              *ParseFilter(absl::StrCat("fp = ", tag * 10000 + call)));
  }
  EXPECT_EQ((*store)->Get("acme", id)->version, 1 + kProcesses * kUpdates);
  store->reset();
  RemoveStore(path);
}

// SLICEKIT_KILL_ROUNDS overrides the number of killed workers (20); the
// sanitizer runs use fewer, since each sanitized process start costs
// seconds. The kill points are a fixed sequence, so fewer rounds run a
// prefix of it (8 still fill the org past its limit and delete).
TEST(SliceStoreConcurrencyTest, KilledWritersNeverLoseAcknowledgedWork) {
  int rounds = 20;
  if (const char* value = std::getenv("SLICEKIT_KILL_ROUNDS")) {
    ASSERT_TRUE(absl::SimpleAtoi(value, &rounds) && rounds > 0)
        << "SLICEKIT_KILL_ROUNDS=" << value;
  }
  const std::string path = TempPath("killed.db");
  RemoveStore(path);
  std::mt19937 rng(20261128);  // fixed seed: the same kill points each run
  std::map<std::string, std::string> live;  // acknowledged id -> name
  std::set<std::string> deleted;            // acknowledged deletions
  // A deletion announced but not acknowledged when the worker died: the
  // slice may or may not be gone.
  std::map<std::string, std::string> in_flight;
  int acknowledged = 0;
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    Worker w =
        StartWorker({"churn", path, "acme", absl::StrCat("r", round, "-")});
    ExpectReady(w);
    w.Go();
    // Kill after a random number of acknowledged calls: the worker is then
    // in the middle of its next call (or between two).
    const int kill_after = std::uniform_int_distribution<int>(1, 40)(rng);
    std::string line;
    int seen = 0;
    bool killed = false;
    auto record = [&](const std::string& l) {
      const std::vector<std::string> parts = absl::StrSplit(l, ' ');
      if (parts[0] == "created" && parts.size() == 3) {
        live[parts[1]] = parts[2];
      } else if (parts[0] == "deleting" && parts.size() == 2) {
        if (auto it = live.find(parts[1]); it != live.end()) {
          in_flight.insert(*it);
          live.erase(it);
        }
      } else if (parts[0] == "deleted" && parts.size() == 2) {
        in_flight.erase(parts[1]);
        deleted.insert(parts[1]);
      } else {
        ADD_FAILURE() << l;
      }
      ++acknowledged;
    };
    while (w.ReadLine(&line)) {
      record(line);
      if (++seen == kill_after) {
        ASSERT_EQ(kill(w.pid, SIGKILL), 0);
        killed = true;
        break;
      }
    }
    // Lines written before the kill are still in the pipe.
    while (w.ReadLine(&line)) record(line);
    const int status = w.Wait();
    EXPECT_TRUE(killed);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;

    auto store = SliceStore::OpenSqlite(path);
    ASSERT_THAT(store, IsOk());
    ASSERT_THAT((*store)->CheckIntegrity(), IsOk());
    for (const auto& [id, name] : in_flight) {
      if ((*store)->Get("acme", id).ok()) live[id] = name;
    }
    in_flight.clear();
    for (const auto& [id, name] : live) {
      const absl::StatusOr<Slice> s = (*store)->Get("acme", id);
      ASSERT_THAT(s, IsOk()) << "acknowledged slice " << id << " is lost";
      EXPECT_EQ(s->name, name);
      EXPECT_EQ(s->filter,
                *ParseFilter(absl::StrCat("name = '", name, "' AND fp >= 1")));
      ASSERT_THAT(s->order_by, SizeIs(1));
      EXPECT_EQ(s->order_by[0].column, "confidence");
    }
    for (const std::string& id : deleted) {
      EXPECT_TRUE(absl::IsNotFound((*store)->Get("acme", id).status())) << id;
    }
    EXPECT_LE((*store)->List("acme", SliceListOrder::kByName)->size(),
              static_cast<size_t>(kMaxSlicesPerOrg));
  }
  // The churn went past the limit, so deletes were exercised too.
  EXPECT_GT(acknowledged, kMaxSlicesPerOrg);
  EXPECT_FALSE(deleted.empty());
  EXPECT_FALSE(live.empty());
  RemoveStore(path);
}

}  // namespace
}  // namespace slicekit
