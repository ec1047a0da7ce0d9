// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A store opened read-only (issue 19, item 8): every read works and writes
// nothing, the schema included; every change is FailedPrecondition naming
// the file; a user who cannot write the file or its directory reads the
// store. The tests run as root on CI, where file permissions are not
// enforced, so the permission tests then fork a child that drops to an
// unprivileged user (nobody) before it opens the store; run as another
// user, they make the directory and file read-only instead.
#include <fcntl.h>
#include <grp.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_format2.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::IsOkAndHolds;
using ::slicekit::testing::ReadFile;
using ::slicekit::testing::StatusIs;
using ::slicekit::testing::TempPath;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr SqliteStoreOptions kReadOnly{.read_only = true};
// The unprivileged user the permission tests run as when run as root.
constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

SliceSpec Spec(std::string name) {
  return SliceSpec{std::move(name), "", *ParseFilter("fp >= 1"), {}};
}

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

void RemoveStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
}

// A closed store (no -wal, no -shm) at `path` with two slices of acme, one
// with history and a snapshot. Returns the id of "Alpha".
std::string MakeStore(const std::string& path) {
  absl::StatusOr<std::unique_ptr<SliceStore>> opened =
      SliceStore::OpenSqlite(path);
  EXPECT_THAT(opened, IsOk());
  if (!opened.ok()) return "";
  SliceStore& s = **opened;
  absl::StatusOr<Slice> alpha = s.Create("acme", Spec("Alpha"));
  EXPECT_THAT(alpha, IsOk());
  if (!alpha.ok()) return "";
  EXPECT_THAT(s.Create("acme", Spec("Beta")), IsOk());
  EXPECT_THAT(s.Rename("acme", alpha->id, "Alpha One"), IsOk());
  SnapshotInfo info;
  info.slice_id = alpha->id;
  info.slice_version = 2;
  info.summary.rows = 1;
  const std::vector<absl::string_view> members = {"dr-1"};
  EXPECT_THAT(s.SaveSnapshot("acme", info, members), IsOk());
  return alpha->id;
}

// Every read of the read-only store at `path` and every kind of change;
// returns "" when each behaved, else what did not.
std::string ReadAndTryToWrite(const std::string& path, const std::string& id,
                              size_t slices) {
  absl::StatusOr<std::unique_ptr<SliceStore>> opened =
      SliceStore::OpenSqlite(path, kReadOnly);
  if (!opened.ok()) return absl::StrCat("open: ", opened.status().ToString());
  SliceStore& store = **opened;
  absl::StatusOr<std::vector<Slice>> list =
      store.List("acme", SliceListOrder::kByName);
  if (!list.ok() || list->size() != slices) {
    return absl::StrCat("list: ", list.status().ToString());
  }
  if (absl::StatusOr<std::vector<SliceVersion>> h = store.History("acme", id);
      !h.ok() || h->size() != 2) {
    return absl::StrCat("history: ", h.status().ToString());
  }
  if (!store.GetByName("acme", "ALPHA ONE").ok() ||
      !store.ListSnapshots("acme", id).ok() ||
      !store.SnapshotMembers("acme", 1).ok() || !store.CheckIntegrity().ok() ||
      !store.ListDeleted("acme").ok() || !store.Resolver("acme").ok()) {
    return "a read failed";
  }
  const std::vector<std::pair<std::string, absl::Status>> writes = {
      {"create", store.Create("acme", Spec("Gamma")).status()},
      {"rename", store.Rename("acme", id, "Alpha Two").status()},
      {"describe", store.SetDescription("acme", id, "text").status()},
      {"delete", store.Delete("acme", id)},
      {"restore", store.Restore("acme", id, 1).status()},
      {"alert", store.SetAlertRules("acme", id, "size > 1")},
      {"purge", store.Purge("acme", id)},
  };
  for (const auto& [what, status] : writes) {
    if (!absl::IsFailedPrecondition(status) ||
        !absl::StrContains(status.message(), path) ||
        !absl::StrContains(status.message(), "opened read-only")) {
      return absl::StrCat(what, ": ", status.ToString());
    }
  }
  return "";
}

TEST(ReadOnlyStoreTest, ReadsEverythingAndChangesNothing) {
  const std::string path = TempPath("read_only.db");
  const std::string id = MakeStore(path);
  const std::string before = ReadFile(path);
  EXPECT_EQ(ReadAndTryToWrite(path, id, 2), "");
  EXPECT_EQ(ReadFile(path), before);
  // While a writer has it open (its -wal and -shm there): the reader sees
  // what the writer committed.
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto writer, SliceStore::OpenSqlite(path));
    ASSERT_THAT(writer->Create("acme", Spec("Gamma")), IsOk());
    EXPECT_EQ(ReadAndTryToWrite(path, id, 3), "");
  }
  RemoveStore(path);
}

TEST(ReadOnlyStoreTest, AMissingOrEmptyFileIsNotCreated) {
  const std::string missing = TempPath("missing.db");
  EXPECT_THAT(SliceStore::OpenSqlite(missing, kReadOnly),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr(missing), HasSubstr("does not exist"))));
  EXPECT_FALSE(Exists(missing));
  const std::string empty = TempPath("empty.db");
  {
    std::FILE* f = std::fopen(empty.c_str(), "wb");
    std::fclose(f);
  }
  EXPECT_THAT(SliceStore::OpenSqlite(empty, kReadOnly),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr(empty), HasSubstr("is empty"))));
  EXPECT_EQ(ReadFile(empty), "");
  RemoveStore(empty);
}

// A store of format 2 is read as it is, not upgraded; one of format 1 asks
// for a writer to upgrade it.
TEST(ReadOnlyStoreTest, OlderFormatsAreNotUpgraded) {
  const std::string path = TempPath("v1.db");
  std::filesystem::copy_file(
      SLICEKIT_TEST_DATA_DIR "/slice_store_v1/store_v1.db", path,
      std::filesystem::copy_options::overwrite_existing);
  const std::string v1 = ReadFile(path);
  EXPECT_THAT(SliceStore::OpenSqlite(path, kReadOnly),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr(path), HasSubstr("format version 1"),
                             HasSubstr("open it once with write access"))));
  EXPECT_EQ(ReadFile(path), v1);
  // Format 2, as its release upgraded the fixture.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         absl::StrCat(slicekit::testing::kFormat2Schema,
                                      slicekit::testing::kFormat2Upgrade)
                             .c_str(),
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
  const std::string v2 = ReadFile(path);
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store,
                                  SliceStore::OpenSqlite(path, kReadOnly));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice alles,
                                  store->GetByName("größe-org", "alles"));
    EXPECT_THAT(store->History("größe-org", alles.id), IsOkAndHolds(SizeIs(1)));
    EXPECT_THAT(store->CheckIntegrity(), IsOk());
    EXPECT_THAT(store->Rename("größe-org", alles.id, "Alles neu"),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         HasSubstr("opened read-only")));
  }
  EXPECT_EQ(ReadFile(path), v2);
  RemoveStore(path);
}

// A child process that runs `body` as a user who may read the store's
// directory but write nothing in it: as root, it drops to nobody (the
// directory is root's, mode 0755). FinishReader() returns what `body`
// returned ("" when all went well).
struct Reader {
  pid_t pid = -1;
  int result_fd = -1;
};

Reader StartReader(const std::string& dir,
                   const std::function<std::string()>& body) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string result;
    if (geteuid() == 0 && (setgroups(0, nullptr) != 0 ||
                           setgid(kNogroup) != 0 || setuid(kNobody) != 0)) {
      result = "cannot drop to nobody";
    } else if (access(dir.c_str(), W_OK) == 0) {
      result = "the reader can write the directory";
    } else {
      result = body();
    }
    const ssize_t written = write(fds[1], result.data(), result.size());
    _exit(written == static_cast<ssize_t>(result.size()) ? 0 : 1);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

std::string FinishReader(const Reader& reader) {
  if (reader.pid < 0) return "cannot start the reader";
  std::string result;
  char buffer[4096];
  ssize_t n;
  while ((n = read(reader.result_fd, buffer, sizeof(buffer))) > 0) {
    result.append(buffer, static_cast<size_t>(n));
  }
  close(reader.result_fd);
  int status = 0;
  waitpid(reader.pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::StrCat("the reader died (", status, "): ", result);
  }
  return result;
}

// Runs `body` as StartReader() does; when not run as root, with the
// directory and its files made read-only meanwhile.
std::string AsReader(const std::string& dir,
                     const std::function<std::string()>& body) {
  std::vector<std::string> files;
  if (geteuid() != 0) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      files.push_back(entry.path());
      chmod(entry.path().c_str(), 0444);
    }
    chmod(dir.c_str(), 0555);
  }
  const std::string result = FinishReader(StartReader(dir, body));
  if (geteuid() != 0) {
    chmod(dir.c_str(), 0755);
    for (const std::string& f : files) chmod(f.c_str(), 0644);
  }
  return result;
}

// A directory the store's file is in, writable only by its owner.
std::string MakeStoreDir(absl::string_view name) {
  const std::string dir = TempPath(name);
  std::filesystem::create_directory(dir);
  chmod(dir.c_str(), 0755);
  return dir;
}

// The user: may read the file, may write neither it nor its
// directory. A read-write open fails as before; a read-only one reads (the
// store closed: no -wal, no -shm, so SQLite reads it immutable).
TEST(ReadOnlyStoreTest, AUserWhoCannotWriteTheDirectoryReadsTheStore) {
  const std::string dir = MakeStoreDir("ro_dir");
  const std::string path = dir + "/store.db";
  const std::string id = MakeStore(path);
  ASSERT_FALSE(Exists(path + "-wal"));
  const std::string before = ReadFile(path);
  EXPECT_EQ(AsReader(dir,
                     [&]() -> std::string {
                       if (SliceStore::OpenSqlite(path).ok()) {
                         return "opened for writing";
                       }
                       return ReadAndTryToWrite(path, id, 2);
                     }),
            "");
  EXPECT_EQ(ReadFile(path), before);
  EXPECT_FALSE(Exists(path + "-shm"));
  RemoveStore(path);
  std::filesystem::remove(dir);
}

// A reader that opened the store immutable sees a writer's later commits:
// the file's stamp changed, and it reads through the writer's -shm.
TEST(ReadOnlyStoreTest, AnImmutableReaderSeesALaterWriter) {
  if (geteuid() != 0) {
    GTEST_SKIP() << "needs root, to write beside a reader that cannot";
  }
  const std::string dir = MakeStoreDir("ro_dir_writer");
  const std::string path = dir + "/store.db";
  MakeStore(path);
  int to_reader[2], to_writer[2];
  ASSERT_EQ(pipe(to_reader), 0);
  ASSERT_EQ(pipe(to_writer), 0);
  const Reader reader = StartReader(dir, [&]() -> std::string {
    absl::StatusOr<std::unique_ptr<SliceStore>> store =
        SliceStore::OpenSqlite(path, kReadOnly);
    if (!store.ok()) return store.status().ToString();
    absl::StatusOr<std::vector<Slice>> first =
        (*store)->List("acme", SliceListOrder::kByName);
    if (!first.ok() || first->size() != 2) return "first list";
    char c;
    if (write(to_writer[1], "x", 1) != 1 || read(to_reader[0], &c, 1) != 1) {
      return "pipe";
    }
    absl::StatusOr<std::vector<Slice>> second =
        (*store)->List("acme", SliceListOrder::kByName);
    if (!second.ok()) return second.status().ToString();
    if (second->size() != 3) return absl::StrCat(second->size(), " slices");
    return "";
  });
  // The writer: once the reader has read, commits a slice and keeps the
  // store open (its -wal and -shm stay).
  char c;
  ASSERT_EQ(read(to_writer[0], &c, 1), 1);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto writer, SliceStore::OpenSqlite(path));
  ASSERT_THAT(writer->Create("acme", Spec("Gamma")), IsOk());
  ASSERT_TRUE(Exists(path + "-wal"));
  chmod((path + "-shm").c_str(), 0644);
  ASSERT_EQ(write(to_reader[1], "x", 1), 1);
  EXPECT_EQ(FinishReader(reader), "");
  writer.reset();
  for (int fd : {to_reader[0], to_reader[1], to_writer[0], to_writer[1]}) {
    close(fd);
  }
  RemoveStore(path);
  std::filesystem::remove(dir);
}

}  // namespace
}  // namespace slicekit
