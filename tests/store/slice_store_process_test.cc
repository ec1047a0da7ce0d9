// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The durable backends shared by processes: the org limit under 8 racing
// creator processes, history under concurrent updates from several
// processes, and durability when a writer process is killed with SIGKILL at
// arbitrary moments. Compiled once and linked twice (tests/store/
// CMakeLists.txt): for a SQLite file, and into slice_store_postgres_test
// for a PostgreSQL server of the test's own (testing/pg_server.h), the
// processes then being clients of one server.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_backends.h"

namespace slicekit {
namespace {

using ::slicekit::testing::Backend;
using ::slicekit::testing::IsOk;
using ::testing::SizeIs;

constexpr int kPerThread = 20;

SliceSpec Spec(std::string name) {
  return SliceSpec{std::move(name), "", *ParseFilter("fp >= 1"), {}};
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

// The location of a new store for the backend under test: a SQLite file
// path, or the URI of a PostgreSQL schema of its own.
class SliceStoreProcessTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      SLICEKIT_PG_SERVER_OR_SKIP(server);
      server_ = server;
    }
  }
  std::string NewLocation(absl::string_view name) {
    if (server_ != nullptr) return server_->NewStoreUri();
    const std::string path =
        absl::StrCat(::testing::TempDir(), "/slice_store_process_", getpid(),
                     "_", name, ".db");
    ::slicekit::testing::RemoveStore(path);
    return path;
  }
  void Forget(const std::string& location) {
    if (server_ == nullptr) ::slicekit::testing::RemoveStore(location);
  }

  ::slicekit::testing::PgTestServer* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(
    Backends, SliceStoreProcessTest,
    ::testing::ValuesIn(::slicekit::testing::SharedBackendsOfThisBinary()),
    ::slicekit::testing::BackendName);

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

TEST_P(SliceStoreProcessTest, ProcessesSharingAFileStopAtTheLimit) {
  constexpr int kProcesses = 8;
  const std::string path = NewLocation("processes");
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
  auto store = SliceStore::Open(path);
  ASSERT_THAT(store, IsOk());
  ExpectExactlyAHundred(**store);
  const absl::StatusOr<std::vector<Slice>> all =
      (*store)->List("acme", SliceListOrder::kByName);
  ASSERT_THAT(all, IsOk());
  for (const Slice& s : *all) {
    EXPECT_TRUE(ids.contains(s.id)) << s.id;
  }
  store->reset();
  Forget(path);
}

// Writers in several processes update one slice at once, without expected
// versions: every acknowledged update is in the history at the version it
// was acknowledged with, versions are 1..N with no gap or repeat, and each
// process saw its own versions strictly increase.
TEST_P(SliceStoreProcessTest, ProcessesUpdatingOneSliceLoseNoVersion) {
  constexpr int kProcesses = 4;
  constexpr int kUpdates = 25;
  const std::string path = NewLocation("history");
  std::string id;
  {
    auto store = SliceStore::Open(path);
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
  auto store = SliceStore::Open(path);
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
  Forget(path);
}

// SLICEKIT_KILL_ROUNDS overrides the number of killed workers (20; 10 for
// PostgreSQL); the
// sanitizer runs use fewer, since each sanitized process start costs
// seconds. The kill points are a fixed sequence, so fewer rounds run a
// prefix of it (8 still fill the org past its limit and delete).
TEST_P(SliceStoreProcessTest, KilledWritersNeverLoseAcknowledgedWork) {
  // PostgreSQL: the server, not the client, keeps the data, so fewer
  // rounds show what a killed client leaves (an open transaction the
  // server rolls back).
  int rounds = GetParam() == Backend::kPostgres ? 10 : 20;
  if (const char* value = std::getenv("SLICEKIT_KILL_ROUNDS")) {
    ASSERT_TRUE(absl::SimpleAtoi(value, &rounds) && rounds > 0)
        << "SLICEKIT_KILL_ROUNDS=" << value;
  }
  const std::string path = NewLocation("killed");
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

    auto store = SliceStore::Open(path);
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
  Forget(path);
}

}  // namespace
}  // namespace slicekit
