// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Single-bit flips across every page of a SQLite slice store (issue 19,
// item 4), the indexes' pages included. The rule for each flip: opening the
// store is refused with DataLoss naming the file, or every operation (list,
// get by id and by name, history, deleted slices, snapshots, alert rules,
// renames to a case variant of a taken name, creates up to the org's limit)
// either returns DataLoss naming the file or exactly what the unflipped
// store answers. Never a different answer.
//
// SLICEKIT_FLIP_SEED replays a run; SLICEKIT_FLIPS_PER_PAGE (default 4)
// sets how many bits each page gets (scripts/check-sanitizers.sh uses
// fewer). The tally by outcome is printed for the closing note.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::ReadFile;

const char* const kOrgs[] = {"acme", "zeta", "größe-org"};
// acme holds this many live slices, so that creating up to the limit takes
// a few creates per flip.
constexpr int kAcmeLive = 95;

uint64_t FromEnv(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10)
                                            : fallback;
}

// Under /dev/shm when there is one: each flip makes a few synced commits,
// which cost nothing there.
std::string FastTempPath(absl::string_view name) {
  struct stat info;
  if (stat("/dev/shm", &info) == 0 && S_ISDIR(info.st_mode) &&
      access("/dev/shm", W_OK) == 0) {
    return absl::StrCat("/dev/shm/slicekit_flip_", getpid(), "_", name);
  }
  return slicekit::testing::TempPath(name);
}

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

SliceSpec Spec(std::string name, std::string description,
               absl::string_view filter) {
  return SliceSpec{std::move(name),
                   std::move(description),
                   *ParseFilter(filter),
                   {{"confidence", true}}};
}

// What the unflipped store holds: the ids the operations look at.
struct Baseline {
  std::string bytes;
  // Every id ever created, by org: live, deleted, purged.
  std::map<std::string, std::vector<std::string>> ids;
  std::map<std::string, Slice> live;                       // by id, as stored
  std::vector<std::pair<std::string, int64_t>> snapshots;  // org, id
};

// Builds the store: acme with kAcmeLive live slices (references between
// them, every kind of change, two deleted and one purged slice, snapshots
// and alert rules), zeta with 12 (history, a deleted one) and größe-org
// with 3; checkpointed into one file on close.
void BuildStore(const std::string& path, Baseline* baseline) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
  auto create = [&](const std::string& org, const SliceSpec& spec) {
    absl::StatusOr<Slice> slice = store->Create(org, spec, {"builder", {}});
    EXPECT_THAT(slice, IsOk()) << spec.name;
    if (!slice.ok()) return std::string();
    baseline->ids[org].push_back(slice->id);
    return slice->id;
  };
  std::vector<std::string> acme;
  for (int i = 0; i < kAcmeLive + 3; ++i) {
    const std::string name = i == 30 ? "w3n30" : absl::StrCat("slice ", i);
    std::string filter = absl::StrCat("fp >= ", i);
    if (i > 0 && i % 9 == 0) {
      filter = absl::StrCat("IN SLICE 'slice ", i - 1, "' AND tp >= 1");
    }
    acme.push_back(create(
        "acme",
        Spec(name, std::string(static_cast<size_t>(i % 5) * 37, 'd'), filter)));
  }
  ASSERT_FALSE(::testing::Test::HasFailure());
  for (int i = 0; i < static_cast<int>(acme.size()); i += 4) {
    ASSERT_THAT(store->UpdateFilter("acme", acme[i],
                                    *ParseFilter(absl::StrCat("fn >= ", i)),
                                    {{"iou", false}}),
                IsOk());
  }
  for (int i = 2; i < static_cast<int>(acme.size()); i += 7) {
    if (i == 30) continue;  // w3n30 keeps its name
    ASSERT_THAT(store->Rename("acme", acme[i], absl::StrCat("Renamed ", i)),
                IsOk());
  }
  for (int i = 3; i < static_cast<int>(acme.size()); i += 10) {
    ASSERT_THAT(store->SetDescription("acme", acme[i], "described later"),
                IsOk());
  }
  ASSERT_THAT(store->Restore("acme", acme[4], 1), IsOk());
  // Slices 95..97 go: two deleted (one after a snapshot), one purged.
  const std::vector<absl::string_view> members = {"dr-001", "dr-002", "dr-007",
                                                  "dr-123"};
  auto snapshot = [&](const std::string& org, const std::string& id) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice slice, store->Get(org, id));
    SnapshotInfo info;
    info.slice_id = id;
    info.slice_name = slice.name;
    info.slice_version = slice.version;
    info.table_name = "table.csv";
    info.actor = "snapper";
    info.taken_at = absl::FromUnixSeconds(1767225600);
    info.summary.rows = members.size();
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo saved,
                                  store->SaveSnapshot(org, info, members));
    baseline->snapshots.emplace_back(org, saved.id);
  };
  snapshot("acme", acme[1]);
  snapshot("acme", acme[1]);
  snapshot("acme", acme[50]);
  snapshot("acme", acme[96]);
  ASSERT_THAT(store->SetAlertRules("acme", acme[1], "size > 3"), IsOk());
  ASSERT_THAT(store->SetAlertRules("acme", acme[60], "precision < 0.5"),
              IsOk());
  ASSERT_THAT(store->Delete("acme", acme[95]), IsOk());
  ASSERT_THAT(store->Delete("acme", acme[96]), IsOk());
  ASSERT_THAT(store->Delete("acme", acme[97]), IsOk());
  ASSERT_THAT(store->Purge("acme", acme[97]), IsOk());
  std::vector<std::string> zeta;
  for (int i = 0; i < 13; ++i) {
    zeta.push_back(create("zeta", Spec(absl::StrCat("Zeta ", i), "z",
                                       absl::StrCat("tp >= ", i))));
  }
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_THAT(store->Rename("zeta", zeta[2], "Zeta two"), IsOk());
  ASSERT_THAT(store->SetAlertRules("zeta", zeta[3], "size > 10"), IsOk());
  snapshot("zeta", zeta[3]);
  ASSERT_THAT(store->Delete("zeta", zeta[12]), IsOk());
  for (int i = 0; i < 3; ++i) {
    create("größe-org", Spec(absl::StrCat("Größe ", i), "", "fp >= 2"));
  }
  for (const char* org : kOrgs) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const std::vector<Slice> slices,
        store->List(org, SliceListOrder::kByCreationTime));
    for (const Slice& s : slices) baseline->live[s.id] = s;
  }
  ASSERT_EQ(baseline->live.size(), static_cast<size_t>(kAcmeLive + 12 + 3));
  ASSERT_THAT(store->CheckIntegrity(), IsOk());
}

std::string Order(const std::vector<OrderBy>& order_by) {
  std::string out;
  for (const OrderBy& k : order_by) {
    absl::StrAppend(&out, k.column, k.descending ? ":d," : ":a,");
  }
  return out;
}

// A slice as an answer shows it. A slice the operations made or changed
// shows no id or times (those differ from run to run).
std::string Render(const Baseline& baseline, const Slice& s) {
  auto it = baseline.live.find(s.id);
  const bool as_stored =
      it != baseline.live.end() && it->second.version == s.version;
  return absl::StrCat(
      as_stored ? s.id : "<new>", "|", s.org, "|", s.name, "|", s.description,
      "|", FormatFilter(s.filter), "|", Order(s.order_by), "|v", s.version,
      as_stored ? absl::StrCat("|", absl::ToUnixMicros(s.created_at), "|",
                               absl::ToUnixMicros(s.updated_at))
                : "");
}

std::string Render(const SliceVersion& v) {
  return absl::StrCat(
      v.slice_id, "|", v.org, "|v", v.version, "|", SliceChangeName(v.change),
      "|", v.name, "|", v.description, "|", FormatFilter(v.filter), "|",
      Order(v.order_by), "|", v.actor, "|", absl::ToUnixMicros(v.changed_at),
      "|", v.restored_from.has_value() ? *v.restored_from : -1);
}

std::string Render(const SnapshotInfo& s) {
  return absl::StrCat(s.id, "|", s.org, "|", s.slice_id, "|", s.slice_name,
                      "|v", s.slice_version, "|", s.table_name, "|", s.actor,
                      "|", absl::ToUnixMicros(s.taken_at), "|", s.summary.rows,
                      "|", s.encoded_bytes);
}

// One operation's answer: its status (code and message) and what it
// returned.
struct Answer {
  std::string op;
  bool write = false;
  absl::Status status;
  std::string value;
};

template <typename T, typename RenderFn>
Answer MakeAnswer(std::string op, bool write, const absl::StatusOr<T>& result,
                  RenderFn render) {
  Answer a{std::move(op), write, result.status(), ""};
  if (result.ok()) a.value = render(*result);
  return a;
}

template <typename T, typename RenderFn>
std::string RenderAll(const std::vector<T>& items, RenderFn render) {
  std::vector<std::string> lines;
  for (const T& item : items) lines.push_back(render(item));
  return absl::StrJoin(lines, "\n");
}

// Runs the operations in order; stops after a write that returned DataLoss
// (the unflipped store made that change, this one did not, so later answers
// could not be compared).
std::vector<Answer> RunOperations(SliceStore& store, const Baseline& b) {
  std::vector<Answer> answers;
  auto slice = [&](const Slice& s) { return Render(b, s); };
  auto version = [](const SliceVersion& v) { return Render(v); };
  auto snapshot = [](const SnapshotInfo& s) { return Render(s); };
  auto add = [&](Answer a) {
    const bool stop = a.write && absl::IsDataLoss(a.status);
    answers.push_back(std::move(a));
    return stop;
  };
  for (const char* org : kOrgs) {
    for (SliceListOrder order :
         {SliceListOrder::kByCreationTime, SliceListOrder::kByName}) {
      add(MakeAnswer(
          absl::StrCat("List ", org), false, store.List(org, order),
          [&](const std::vector<Slice>& v) { return RenderAll(v, slice); }));
    }
    add(MakeAnswer(absl::StrCat("ListDeleted ", org), false,
                   store.ListDeleted(org),
                   [&](const std::vector<SliceVersion>& v) {
                     return RenderAll(v, version);
                   }));
    add(MakeAnswer(
        absl::StrCat("ListAlertRules ", org), false, store.ListAlertRules(org),
        [](const std::vector<std::pair<std::string, std::string>>& v) {
          std::string out;
          for (const auto& [id, rules] : v) absl::StrAppend(&out, id, rules);
          return out;
        }));
    for (const std::string& id : b.ids.at(org)) {
      add(MakeAnswer(absl::StrCat("History ", id), false,
                     store.History(org, id),
                     [&](const std::vector<SliceVersion>& v) {
                       return RenderAll(v, version);
                     }));
      add(MakeAnswer(absl::StrCat("ListSnapshots ", id), false,
                     store.ListSnapshots(org, id),
                     [&](const std::vector<SnapshotInfo>& v) {
                       return RenderAll(v, snapshot);
                     }));
    }
  }
  for (const auto& [org, id] : b.snapshots) {
    add(MakeAnswer(absl::StrCat("SnapshotMembers ", id), false,
                   store.SnapshotMembers(org, id),
                   [](const std::vector<std::string>& v) {
                     return absl::StrJoin(v, ",");
                   }));
  }
  // Gets by id and by a case variant of the name: every 16th slice (List
  // has shown each one, through the same reads).
  int n = 0;
  for (const auto& [id, s] : b.live) {
    if (n++ % 16 != 0) continue;
    add(MakeAnswer(absl::StrCat("Get ", id), false, store.Get(s.org, id),
                   slice));
    add(MakeAnswer(absl::StrCat("GetByName ", s.name), false,
                   store.GetByName(s.org, absl::AsciiStrToUpper(s.name)),
                   slice));
  }
  // Writes: renames to a case variant of a taken name (refused) and of the
  // slice's own name (a change), a create whose name differs only in case
  // from one taken, then creates until the limit refuses one.
  const std::vector<std::string>& acme = b.ids.at("acme");
  const std::vector<std::string>& zeta = b.ids.at("zeta");
  if (add(MakeAnswer("Rename to a taken name", true,
                     store.Rename("acme", acme[10], "SLICE 11"), slice)) ||
      add(MakeAnswer("Rename to W3N30", true,
                     store.Rename("acme", acme[31], "W3N30"), slice)) ||
      add(MakeAnswer("Rename in case", true,
                     store.Rename("acme", acme[12], "SLICE 12"), slice)) ||
      add(MakeAnswer("Create W3N30", true,
                     store.Create("acme", Spec("W3N30", "", "fp >= 1")),
                     slice)) ||
      add(MakeAnswer("Rename zeta to a taken name", true,
                     store.Rename("zeta", zeta[0], "zeta 1"), slice)) ||
      add(MakeAnswer("Create in zeta", true,
                     store.Create("zeta", Spec("Zeta new", "", "fp >= 3")),
                     slice))) {
    return answers;
  }
  for (int i = 0; i <= 100 - kAcmeLive; ++i) {
    if (add(MakeAnswer(
            absl::StrCat("Create ", i), true,
            store.Create("acme", Spec(absl::StrCat("new ", i), "", "tp >= 2")),
            slice))) {
      return answers;
    }
  }
  for (const char* org : kOrgs) {
    add(MakeAnswer(
        absl::StrCat("List after ", org), false,
        store.List(org, SliceListOrder::kByCreationTime),
        [&](const std::vector<Slice>& v) { return RenderAll(v, slice); }));
  }
  return answers;
}

class PageFlipTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    baseline_ = new Baseline;
    const std::string path = FastTempPath("flip_base.db");
    RemoveStore(path);
    BuildStore(path, baseline_);
    baseline_->bytes = ReadFile(path);
    RemoveStore(path);
  }
  static void TearDownTestSuite() {
    delete baseline_;
    baseline_ = nullptr;
  }
  void TearDown() override { RemoveStore(path_); }

  static Baseline* baseline_;
  const std::string path_ = FastTempPath("flip.db");
};

Baseline* PageFlipTest::baseline_ = nullptr;

// Whether `status` is DataLoss naming the store's file.
bool IsDataLossNamingFile(const absl::Status& status, const std::string& path) {
  return absl::IsDataLoss(status) && absl::StrContains(status.message(), path);
}

TEST_F(PageFlipTest, EveryPageFlippedIsRefusedOrAnswersExactly) {
  ASSERT_FALSE(HasFatalFailure());
  const std::string& bytes = baseline_->bytes;
  const size_t page_size = (static_cast<unsigned char>(bytes[16]) << 8) |
                           static_cast<unsigned char>(bytes[17]);
  ASSERT_EQ(page_size, 4096u);
  ASSERT_EQ(bytes.size() % page_size, 0u);
  const size_t pages = bytes.size() / page_size;

  // The answers of the unflipped store, on a copy at the same path (error
  // messages name it).
  RemoveStore(path_);
  WriteFile(path_, bytes);
  std::vector<Answer> expected;
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path_));
    expected = RunOperations(*store, *baseline_);
  }
  for (const Answer& a : expected) {
    ASSERT_TRUE(a.status.ok() || absl::IsAlreadyExists(a.status) ||
                absl::IsResourceExhausted(a.status) ||
                absl::IsNotFound(a.status))
        << a.op << ": " << a.status;
  }
  ASSERT_TRUE(absl::IsResourceExhausted(expected.end()[-4].status));

  const uint64_t seed = FromEnv("SLICEKIT_FLIP_SEED", 20260419);
  const uint64_t per_page = FromEnv("SLICEKIT_FLIPS_PER_PAGE", 4);
  std::printf(
      "page flip seed %llu (replay: SLICEKIT_FLIP_SEED=%llu), %zu "
      "pages, %llu flips per page\n",
      static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(seed), pages,
      static_cast<unsigned long long>(per_page));
  std::mt19937_64 rng(seed);
  std::map<std::string, int> tally;
  int different = 0;
  for (size_t page = 0; page < pages; ++page) {
    // Most bits where the page has content (header, cell pointers, cells),
    // the rest anywhere in it (free space included).
    std::vector<size_t> used;
    for (size_t at = page * page_size; at < (page + 1) * page_size; ++at) {
      if (bytes[at] != 0) used.push_back(at);
    }
    for (uint64_t k = 0; k < per_page; ++k) {
      const size_t at = !used.empty() && k % 4 != 3
                            ? used[rng() % used.size()]
                            : page * page_size + rng() % page_size;
      const int bit = static_cast<int>(rng() % 8);
      SCOPED_TRACE(absl::StrCat("seed ", seed, ": page ", page + 1, ", byte ",
                                at, ", bit ", bit));
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
      RemoveStore(path_);
      WriteFile(path_, damaged);
      absl::StatusOr<std::unique_ptr<SliceStore>> store =
          SliceStore::OpenSqlite(path_);
      if (!store.ok()) {
        EXPECT_TRUE(IsDataLossNamingFile(store.status(), path_))
            << store.status();
        ++tally["refused at open"];
        continue;
      }
      const std::vector<Answer> got = RunOperations(**store, *baseline_);
      store->reset();
      bool detected = false;
      bool exact = true;
      for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_LT(i, expected.size());
        ASSERT_EQ(got[i].op, expected[i].op);
        if (absl::IsDataLoss(got[i].status)) {
          detected = true;
          EXPECT_TRUE(IsDataLossNamingFile(got[i].status, path_))
              << got[i].op << ": " << got[i].status;
          continue;
        }
        if (got[i].status != expected[i].status ||
            got[i].value != expected[i].value) {
          exact = false;
          ADD_FAILURE() << got[i].op
                        << ": a different answer: " << got[i].status << "\n"
                        << got[i].value << "\nexpected: " << expected[i].status
                        << "\n"
                        << expected[i].value;
          break;
        }
      }
      if (!exact) {
        ++different;
        ++tally["opened, a different answer"];
      } else {
        ++tally[detected ? "opened, DataLoss from an operation"
                         : "opened, every answer exact"];
      }
    }
  }
  std::printf("single-bit flips by outcome:\n");
  for (const auto& [outcome, count] : tally) {
    std::printf("  %4d x %s\n", count, outcome.c_str());
  }
  EXPECT_EQ(different, 0);
}

}  // namespace
}  // namespace slicekit
