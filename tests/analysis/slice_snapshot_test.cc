// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Snapshots of a table and diffs with one (TakeSnapshot, DiffWithTable), on
// both backends, against sets computed row by row with the reference
// evaluator; a round trip of 1M member rows; and alert rules kept by the
// store and checked against tables (CheckAlerts). The store's side alone
// (saving, diffs, the id encoding, the rule grammar): tests/store/.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "examples/metrics_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/explore.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_alerts.h"
#include "slicekit/slice_store.h"
#include "slicekit/table_snapshot.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_backends.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// The 1M-row round trip is 1M rows in a Release build; sanitizer builds
// (2-10x slower) use a tenth.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr uint64_t kBigRows = 100000;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr uint64_t kBigRows = 100000;
#else
constexpr uint64_t kBigRows = 1000000;
#endif
#else
constexpr uint64_t kBigRows = 1000000;
#endif

std::string TempPath(absl::string_view name) {
  static int counter = 0;
  return absl::StrCat(::testing::TempDir(), "/slice_snapshot_test_", getpid(),
                      "_", ++counter, "_", name);
}

Expr Filter(absl::string_view text) {
  absl::StatusOr<Expr> expr = ParseFilter(text);
  EXPECT_THAT(expr, IsOk()) << text;
  return expr.ok() ? *expr : Expr();
}

Table Generated(uint64_t rows, uint64_t seed = 7) {
  absl::StatusOr<Table> table = examples::GenerateMetricsTable(rows, seed);
  EXPECT_THAT(table, IsOk());
  return *std::move(table);
}

// The data_row_ids of `rows`, sorted.
std::vector<std::string> IdsOf(const Table& table, const Selection& rows) {
  std::vector<std::string> ids;
  rows.ForEach(
      [&](RowIndex row) { ids.emplace_back(table.RowId(row).value()); });
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> Minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::back_inserter(out));
  return out;
}

using ::slicekit::testing::Backend;
using ::slicekit::testing::RemoveStore;

class SnapshotTest : public ::slicekit::testing::StoreBackendTest {
 protected:
  // The member rows of `slice` in `table`, by the reference evaluator.
  Selection ReferenceRows(const Table& table, const Slice& slice) {
    absl::StatusOr<std::unique_ptr<SliceResolver>> resolver =
        store_->Resolver("acme");
    EXPECT_THAT(resolver, IsOk());
    return testing::ReferenceFilter(table, slice.filter, resolver->get());
  }
};

SLICEKIT_INSTANTIATE_FOR_BACKENDS(SnapshotTest);

TEST_P(SnapshotTest, SnapshotsAndDiffsMatchTheReference) {
  const Table before = Generated(5000);
  // Later: more rows, some of the old ones gone.
  Table after = Generated(6000);
  std::vector<std::string> gone;
  for (int i = 1; i <= 5000; i += 7) {
    gone.push_back(absl::StrFormat("dr-%08d", i));
  }
  ASSERT_THAT(after.Delete(gone), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice fps,
      store_->Create("acme", SliceSpec{"Confident FPs",
                                       "",
                                       Filter("fp >= 1 AND confidence > 0.7"),
                                       {}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice slice,
      store_->Create("acme",
                     SliceSpec{"Odd ones",
                               "",
                               Filter("IN SLICE 'Confident FPs' OR (tn >= 2 "
                                      "AND NOT IN SLICE 'Confident FPs')"),
                               {}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SnapshotInfo first,
      TakeSnapshot(*store_, "acme", slice.id, before,
                   {"before.csv", {"ana", absl::FromUnixSeconds(1000)}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SnapshotInfo second,
      TakeSnapshot(*store_, "acme", slice.id, after,
                   {"after.csv", {"bob", std::nullopt}, /*threads=*/2}));
  Reopen();
  const Selection rows_before = ReferenceRows(before, slice);
  const Selection rows_after = ReferenceRows(after, slice);
  const std::vector<std::string> want_before = IdsOf(before, rows_before);
  const std::vector<std::string> want_after = IdsOf(after, rows_after);
  ASSERT_GT(want_before.size(), 100u);
  EXPECT_THAT(*store_->SnapshotMembers("acme", first.id),
              ::testing::ContainerEq(want_before));
  EXPECT_THAT(*store_->SnapshotMembers("acme", second.id),
              ::testing::ContainerEq(want_after));
  // Listing: oldest first, with what was recorded.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<SnapshotInfo> listed,
                                store_->ListSnapshots("acme", slice.id));
  ASSERT_THAT(listed, SizeIs(2));
  EXPECT_EQ(listed[0].id, first.id);
  EXPECT_LT(listed[0].id, listed[1].id);
  EXPECT_EQ(listed[0].slice_name, "Odd ones");
  EXPECT_EQ(listed[0].slice_version, 1);
  EXPECT_EQ(listed[0].table_name, "before.csv");
  EXPECT_EQ(listed[0].actor, "ana");
  EXPECT_EQ(listed[0].taken_at, absl::FromUnixSeconds(1000));
  EXPECT_EQ(listed[1].actor, "bob");
  EXPECT_EQ(listed[0].summary.rows, want_before.size());
  EXPECT_GT(listed[0].encoded_bytes, 0);
  EXPECT_EQ(listed[0].summary, *Summarize(before, rows_before));
  EXPECT_EQ(listed[1].summary, *Summarize(after, rows_after));
  // Diff: the set differences, both ways, and every metric's change.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotDiff diff,
                                store_->Diff("acme", first.id, second.id));
  EXPECT_EQ(diff.entered, Minus(want_after, want_before));
  EXPECT_EQ(diff.left, Minus(want_before, want_after));
  EXPECT_FALSE(diff.entered.empty());
  EXPECT_FALSE(diff.left.empty());
  EXPECT_EQ(diff.from.id, first.id);
  EXPECT_EQ(diff.to.id, second.id);
  ASSERT_THAT(diff.metrics, SizeIs(9));
  EXPECT_EQ(diff.metrics[0].metric, "rows");
  EXPECT_EQ(*diff.metrics[0].change,
            static_cast<double>(want_after.size()) -
                static_cast<double>(want_before.size()));
  EXPECT_EQ(diff.metrics[4].metric, "precision");
  EXPECT_EQ(diff.metrics[4].before, listed[0].summary.precision);
  EXPECT_EQ(diff.metrics[4].after, listed[1].summary.precision);
  // The other way round swaps entered and left.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotDiff back,
                                store_->Diff("acme", second.id, first.id));
  EXPECT_EQ(back.entered, diff.left);
  EXPECT_EQ(back.left, diff.entered);
  // Against the table itself, without saving: the same as the snapshot.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SnapshotDiff live, DiffWithTable(*store_, "acme", first.id, after));
  EXPECT_EQ(live.entered, diff.entered);
  EXPECT_EQ(live.left, diff.left);
  EXPECT_EQ(live.to.id, 0);
  EXPECT_EQ(live.to.summary, listed[1].summary);
  EXPECT_THAT(*store_->ListSnapshots("acme", slice.id), SizeIs(2));
}

TEST_P(SnapshotTest, ReportsErrorsAndKeepsSnapshotsOfDeletedSlices) {
  const Table table = Generated(500);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice slice,
      store_->Create("acme", SliceSpec{"Misses", "", Filter("fn >= 1"), {}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice typo,
      store_->Create("acme",
                     SliceSpec{"Typo", "", Filter("confidense > 0.5"), {}}));
  EXPECT_THAT(TakeSnapshot(*store_, "acme", "sl_nope", table),
              StatusIs(absl::StatusCode::kNotFound,
                       "org \"acme\" has no slice with id \"sl_nope\""));
  EXPECT_THAT(TakeSnapshot(*store_, "acme", typo.id, table),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown column 'confidense' (did you mean "
                                 "'confidence'?)")));
  EXPECT_THAT(TakeSnapshot(*store_, "acme", slice.id, table,
                           {std::string(1001, 't'), {}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "table name has 1001 bytes; the limit is 1000"));
  EXPECT_THAT(TakeSnapshot(*store_, "acme", slice.id, table,
                           {"t", {std::string(300, 'a'), {}}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "actor has 300 bytes; the limit is 200"));
  EXPECT_THAT(store_->SnapshotMembers("acme", 12345),
              StatusIs(absl::StatusCode::kNotFound,
                       "org \"acme\" has no snapshot with id 12345"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo a,
                                TakeSnapshot(*store_, "acme", slice.id, table));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo b,
                                TakeSnapshot(*store_, "acme", slice.id, table));
  // Another org sees none of it.
  EXPECT_THAT(store_->Diff("other", a.id, b.id),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("org \"other\" has no snapshot")));
  // Snapshots outlive their slice until it is purged.
  ASSERT_THAT(store_->Delete("acme", slice.id), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotDiff same,
                                store_->Diff("acme", a.id, b.id));
  EXPECT_TRUE(same.entered.empty() && same.left.empty());
  EXPECT_THAT(*store_->ListSnapshots("acme", slice.id), SizeIs(2));
  EXPECT_THAT(DiffWithTable(*store_, "acme", a.id, table),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(slice.id)));
  EXPECT_THAT(TakeSnapshot(*store_, "acme", slice.id, table),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(slice.id)));
  ASSERT_THAT(store_->Purge("acme", slice.id), IsOk());
  EXPECT_THAT(*store_->ListSnapshots("acme", slice.id), SizeIs(0));
  EXPECT_THAT(store_->SnapshotMembers("acme", a.id),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("snapshot")));
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

// 1M member rows (a tenth under sanitizers) through a SQLite store: the
// stored ids decode to exactly the rows, a diff after deleting and appending
// rows is exactly the set difference, and the ids take under 4 MB.
TEST(SnapshotScaleTest, MillionRowRoundTrip) {
  std::cout << kBigRows << " rows\n";
  const std::string path = TempPath("big.db");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice all,
      store->Create("acme", SliceSpec{"Everything", "", Filter("TRUE"), {}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice hits,
      store->Create("acme", SliceSpec{"Hits", "", Filter("tp >= 1"), {}}));
  const Table before = Generated(kBigRows);
  // Reference membership of Hits from the column getters alone.
  const int tp = *before.schema().Find("tp");
  auto hit_ids = [&](const Table& t) {
    std::vector<std::string> ids;
    for (RowIndex r = 0; r < t.num_rows(); ++r) {
      const std::optional<int64_t> v = t.GetInt(r, tp).value();
      if (t.IsLive(r) && v.has_value() && *v >= 1) {
        ids.emplace_back(t.RowId(r).value());
      }
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo everything,
                                TakeSnapshot(*store, "acme", all.id, before));
  EXPECT_EQ(everything.summary.rows, kBigRows);
  EXPECT_LT(everything.encoded_bytes, 4 * static_cast<int64_t>(kBigRows));
  std::cout << "bytes for " << kBigRows
            << " generated ids: " << everything.encoded_bytes << "\n";
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo first,
                                TakeSnapshot(*store, "acme", hits.id, before));
  const std::vector<std::string> want_first = hit_ids(before);
  EXPECT_THAT(*store->SnapshotMembers("acme", first.id),
              ::testing::ContainerEq(want_first));
  // Delete every 97th row, append 1% more.
  Table after = Generated(kBigRows + kBigRows / 100);
  std::vector<std::string> gone;
  for (uint64_t i = 1; i <= kBigRows; i += 97) {
    gone.push_back(absl::StrFormat("dr-%08d", i));
  }
  ASSERT_THAT(after.Delete(gone), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo second,
                                TakeSnapshot(*store, "acme", hits.id, after));
  const std::vector<std::string> want_second = hit_ids(after);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotDiff diff,
                                store->Diff("acme", first.id, second.id));
  EXPECT_EQ(diff.entered, Minus(want_second, want_first));
  EXPECT_EQ(diff.left, Minus(want_first, want_second));
  EXPECT_GT(diff.entered.size(), kBigRows / 400);
  EXPECT_GT(diff.left.size(), kBigRows / 400);
  store.reset();
  RemoveStore(path);
}

// --- Alerts -----------------------------------------------------------------

size_t CountMatching(const Table& table, absl::string_view where) {
  absl::StatusOr<Selection> rows = slicekit::Filter(table, Filter(where));
  EXPECT_THAT(rows, IsOk());
  return rows.ok() ? rows->Count() : 0;
}

TEST_P(SnapshotTest, AlertRulesAreKeptPerSliceAndChecked) {
  const Table before = Generated(3000);
  const Table after = Generated(3600);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice fps,
      store_->Create("acme", SliceSpec{"FPs", "", Filter("fp >= 1"), {}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice none,
      store_->Create("acme", SliceSpec{"Nothing", "", Filter("FALSE"), {}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice quiet,
      store_->Create("acme", SliceSpec{"Quiet", "", Filter("tn >= 0"), {}}));
  EXPECT_THAT(store_->SetAlertRules("acme", fps.id, "size > 1; precison < 1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown metric 'precison'")));
  EXPECT_THAT(store_->SetAlertRules("acme", "sl_nope", "size > 1"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("sl_nope")));
  const size_t fp_rows = CountMatching(before, "fp >= 1");
  ASSERT_THAT(
      store_->SetAlertRules("acme", fps.id,
                            absl::StrCat("size > ", fp_rows - 1,
                                         "; precision < 0; new rows since last "
                                         "snapshot > 10")),
      IsOk());
  ASSERT_THAT(store_->SetAlertRules("acme", none.id, "precision < 0.6"),
              IsOk());
  ASSERT_THAT(store_->SetAlertRules("acme", quiet.id, "size < 0"), IsOk());
  Reopen();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const auto listed,
                                store_->ListAlertRules("acme"));
  ASSERT_THAT(listed, SizeIs(3));
  bool seen = false;
  for (const auto& [id, rules] : listed) {
    if (id != fps.id) continue;
    seen = true;
    EXPECT_EQ(rules, absl::StrCat("size > ", fp_rows - 1,
                                  "; precision < 0; new_rows > 10"));
  }
  EXPECT_TRUE(seen);
  // First check: no snapshot yet, so new_rows is not measured; take one.
  CheckAlertsOptions take;
  take.snapshot = true;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<SliceAlertReport> reports,
                                CheckAlerts(*store_, "acme", before, take));
  ASSERT_THAT(reports, SizeIs(3));
  const SliceAlertReport fp_report = reports[0];
  EXPECT_EQ(fp_report.slice_name, "FPs");
  ASSERT_THAT(fp_report.results, SizeIs(3));
  EXPECT_TRUE(fp_report.results[0].fired);
  EXPECT_EQ(*fp_report.results[0].value, static_cast<double>(fp_rows));
  EXPECT_FALSE(fp_report.results[1].fired);
  EXPECT_FALSE(fp_report.results[2].value.has_value());
  EXPECT_FALSE(fp_report.results[2].fired);
  EXPECT_FALSE(fp_report.since_snapshot.has_value());
  ASSERT_TRUE(fp_report.new_snapshot.has_value());
  // An undefined precision (no rows) fires nothing.
  EXPECT_EQ(reports[1].slice_name, "Nothing");
  EXPECT_FALSE(reports[1].results[0].value.has_value());
  EXPECT_FALSE(reports[1].fired());
  EXPECT_FALSE(reports[2].fired());
  // Second check on more rows: new_rows counts the rows that entered since.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(reports, CheckAlerts(*store_, "acme", after));
  const size_t entered = CountMatching(after, "fp >= 1") - fp_rows;
  ASSERT_GT(entered, 10u);
  EXPECT_EQ(reports[0].since_snapshot, fp_report.new_snapshot);
  EXPECT_EQ(*reports[0].results[2].value, static_cast<double>(entered));
  EXPECT_TRUE(reports[0].results[2].fired);
  EXPECT_FALSE(reports[0].new_snapshot.has_value());
  // Removing rules, deleting a slice: no more alerts for them.
  ASSERT_THAT(store_->SetAlertRules("acme", none.id, ""), IsOk());
  ASSERT_THAT(store_->Delete("acme", quiet.id), IsOk());
  EXPECT_THAT(*store_->ListAlertRules("acme"), SizeIs(1));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice typo,
      store_->Create("acme",
                     SliceSpec{"Typo", "", Filter("confidense > 1"), {}}));
  ASSERT_THAT(store_->SetAlertRules("acme", typo.id, "size > 0"), IsOk());
  EXPECT_THAT(CheckAlerts(*store_, "acme", after),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr(absl::StrCat("slice \"Typo\" (", typo.id,
                                              "): unknown column "
                                              "'confidense'"))));
}

}  // namespace
}  // namespace slicekit
