// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The store's snapshots without a table, on both backends: saving a
// membership computed elsewhere (what is kept, what is refused, atomically),
// reading it back, diffing stored snapshots and a stored one with a
// membership not saved; damaged stored ids. Snapshots of a table:
// tests/analysis/slice_snapshot_test.cc.
#include <sqlite3.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_snapshot.h"
#include "slicekit/slice_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_backends.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::RemoveStore;
using ::slicekit::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

Expr Filter(absl::string_view text) {
  absl::StatusOr<Expr> expr = ParseFilter(text);
  EXPECT_THAT(expr, IsOk()) << text;
  return expr.ok() ? *expr : Expr();
}

// What a caller that computed a membership hands the store.
SnapshotInfo InfoOf(const Slice& slice, size_t rows) {
  SnapshotInfo info;
  info.slice_id = slice.id;
  info.slice_name = slice.name;
  info.slice_version = slice.version;
  info.table_name = "run-7";
  info.actor = "ana";
  info.taken_at = absl::FromUnixNanos(1'000'000'000'123'456'789);
  info.summary.rows = rows;
  info.summary.tp = 3;
  info.summary.fp = 1;
  info.summary.precision = 0.75;
  return info;
}

class StoredSnapshotTest : public ::slicekit::testing::StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        slice_,
        store_->Create("acme", SliceSpec{"Misses", "", Filter("fn >= 1"), {}}));
  }
  Slice slice_;
};

SLICEKIT_INSTANTIATE_FOR_BACKENDS(StoredSnapshotTest);

TEST_P(StoredSnapshotTest, SavesWhatItIsGivenWithItsIdsSorted) {
  const std::vector<absl::string_view> ids = {"dr-3", "dr-1", "dr-2"};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SnapshotInfo saved,
      store_->SaveSnapshot("acme", InfoOf(slice_, ids.size()), ids));
  EXPECT_GT(saved.id, 0);
  EXPECT_EQ(saved.org, "acme");
  EXPECT_GT(saved.encoded_bytes, 0);
  // Times are kept to the microsecond, like every other time of the store.
  EXPECT_EQ(saved.taken_at, absl::FromUnixMicros(1'000'000'000'123'456));
  Reopen();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo got,
                                store_->GetSnapshot("acme", saved.id));
  EXPECT_EQ(got.id, saved.id);
  EXPECT_EQ(got.slice_id, slice_.id);
  EXPECT_EQ(got.slice_name, "Misses");
  EXPECT_EQ(got.slice_version, 1);
  EXPECT_EQ(got.table_name, "run-7");
  EXPECT_EQ(got.actor, "ana");
  EXPECT_EQ(got.taken_at, saved.taken_at);
  EXPECT_EQ(got.summary, saved.summary);
  EXPECT_EQ(got.encoded_bytes, saved.encoded_bytes);
  EXPECT_THAT(*store_->SnapshotMembers("acme", saved.id),
              ElementsAre("dr-1", "dr-2", "dr-3"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<SnapshotInfo> listed,
                                store_->ListSnapshots("acme", slice_.id));
  ASSERT_THAT(listed, SizeIs(1));
  EXPECT_EQ(listed[0].id, saved.id);
  // An empty membership is a snapshot too.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SnapshotInfo empty,
      store_->SaveSnapshot("acme", InfoOf(slice_, 0), {}));
  EXPECT_THAT(*store_->SnapshotMembers("acme", empty.id), SizeIs(0));
  EXPECT_GT(empty.id, saved.id);
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_P(StoredSnapshotTest, RefusesBadSnapshotsAndSavesNothingThen) {
  const std::vector<absl::string_view> ids = {"a", "b"};
  SnapshotInfo gone = InfoOf(slice_, 2);
  gone.slice_id = "sl_nope";
  EXPECT_THAT(store_->SaveSnapshot("acme", gone, ids),
              StatusIs(absl::StatusCode::kNotFound,
                       "org \"acme\" has no slice with id \"sl_nope\""));
  EXPECT_THAT(store_->SaveSnapshot("other", InfoOf(slice_, 2), ids),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("org \"other\" has no slice")));
  SnapshotInfo long_name = InfoOf(slice_, 2);
  long_name.table_name = std::string(1001, 't');
  EXPECT_THAT(store_->SaveSnapshot("acme", long_name, ids),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "table name has 1001 bytes; the limit is 1000"));
  SnapshotInfo long_actor = InfoOf(slice_, 2);
  long_actor.actor = std::string(300, 'a');
  EXPECT_THAT(store_->SaveSnapshot("acme", long_actor, ids),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "actor has 300 bytes; the limit is 200"));
  EXPECT_THAT(store_->SaveSnapshot("acme", InfoOf(slice_, 3), ids),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the snapshot's summary has 3 rows, but 2 member ids "
                       "were given"));
  const std::vector<absl::string_view> twice = {"b", "a", "b"};
  EXPECT_THAT(store_->SaveSnapshot("acme", InfoOf(slice_, 3), twice),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "member id \"b\" is given twice"));
  EXPECT_THAT(store_->SaveSnapshot("", InfoOf(slice_, 2), ids),
              StatusIs(absl::StatusCode::kInvalidArgument, "org is empty"));
  EXPECT_THAT(*store_->ListSnapshots("acme", slice_.id), SizeIs(0));
  // A deleted slice keeps its snapshots but takes no new one.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SnapshotInfo kept,
      store_->SaveSnapshot("acme", InfoOf(slice_, 2), ids));
  ASSERT_THAT(store_->Delete("acme", slice_.id), IsOk());
  EXPECT_THAT(store_->SaveSnapshot("acme", InfoOf(slice_, 2), ids),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(slice_.id)));
  EXPECT_THAT(*store_->ListSnapshots("acme", slice_.id), SizeIs(1));
  EXPECT_THAT(*store_->GetSnapshot("acme", kept.id),
              ::testing::Field(&SnapshotInfo::id, kept.id));
  EXPECT_THAT(store_->GetSnapshot("acme", kept.id + 1),
              StatusIs(absl::StatusCode::kNotFound,
                       absl::StrCat("org \"acme\" has no snapshot with id ",
                                    kept.id + 1)));
  EXPECT_THAT(store_->GetSnapshot("other", kept.id),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("org \"other\" has no snapshot")));
}

TEST_P(StoredSnapshotTest, DiffsStoredSnapshotsAndOneWithMembersNotSaved) {
  const std::vector<absl::string_view> before = {"a", "b", "c"};
  const std::vector<absl::string_view> after = {"d", "b", "c", "e"};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SnapshotInfo first,
      store_->SaveSnapshot("acme", InfoOf(slice_, 3), before));
  SnapshotInfo later = InfoOf(slice_, 4);
  later.summary.tp = 4;
  later.summary.precision = std::nullopt;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo second,
                                store_->SaveSnapshot("acme", later, after));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotDiff diff,
                                store_->Diff("acme", first.id, second.id));
  EXPECT_THAT(diff.entered, ElementsAre("d", "e"));
  EXPECT_THAT(diff.left, ElementsAre("a"));
  EXPECT_EQ(diff.from.id, first.id);
  EXPECT_EQ(diff.to.id, second.id);
  ASSERT_THAT(diff.metrics, SizeIs(9));
  EXPECT_EQ(diff.metrics[0], (MetricChange{"rows", 3, 4, 1}));
  EXPECT_EQ(diff.metrics[1], (MetricChange{"tp", 3, 4, 1}));
  EXPECT_EQ(diff.metrics[4],
            (MetricChange{"precision", 0.75, std::nullopt, std::nullopt}));
  // The same membership, not saved: the same diff, `to` as given.
  SnapshotInfo now = later;
  now.table_name = "now";
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SnapshotDiff live,
      store_->DiffWithMembers("acme", first.id, now, after));
  EXPECT_EQ(live.entered, diff.entered);
  EXPECT_EQ(live.left, diff.left);
  EXPECT_EQ(live.metrics, diff.metrics);
  EXPECT_EQ(live.to.id, 0);
  EXPECT_EQ(live.to.table_name, "now");
  EXPECT_THAT(*store_->ListSnapshots("acme", slice_.id), SizeIs(2));
  const std::vector<absl::string_view> twice = {"a", "a"};
  EXPECT_THAT(store_->DiffWithMembers("acme", first.id, now, twice),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "member id \"a\" is given twice"));
  EXPECT_THAT(store_->DiffWithMembers("acme", 12345, now, after),
              StatusIs(absl::StatusCode::kNotFound,
                       "org \"acme\" has no snapshot with id 12345"));
  EXPECT_THAT(store_->DiffWithMembers("other", first.id, now, after),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("org \"other\" has no snapshot")));
}

TEST(StoredSnapshotFileTest, DamagedStoredIdsAreDataLoss) {
  const std::string path = absl::StrCat(
      ::testing::TempDir(), "/stored_snapshot_test_", getpid(), "_damaged.db");
  RemoveStore(path);
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(absl::StrFormat("dr-%08d", i));
  const std::vector<absl::string_view> views(ids.begin(), ids.end());
  int64_t id = 0;
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const Slice slice,
        store->Create("acme", SliceSpec{"Hits", "", Filter("tp >= 1"), {}}));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const SnapshotInfo info,
        store->SaveSnapshot("acme", InfoOf(slice, ids.size()), views));
    ASSERT_GT(info.encoded_bytes, 30);
    id = info.id;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  // Change a byte inside the compressed ids (a BLOB of the same length,
  // which the row's checksum does not cover): zlib's checksum catches it.
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE snapshots SET members = CAST(substr(members, "
                         "1, 20) || x'5a' || substr(members, 22) AS BLOB)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
  EXPECT_THAT(store->SnapshotMembers("acme", id),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("snapshot member ids are damaged")));
  EXPECT_THAT(store->Diff("acme", id, id),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("snapshot member ids are damaged")));
  EXPECT_THAT(store->DiffWithMembers("acme", id, SnapshotInfo(), views),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("snapshot member ids are damaged")));
  // The info alone still reads.
  EXPECT_THAT(store->GetSnapshot("acme", id), IsOk());
  store.reset();
  RemoveStore(path);
}

}  // namespace
}  // namespace slicekit
