// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Membership snapshots and diffs, on both backends, against sets computed
// row by row with the reference evaluator; damaged stored ids; a round trip
// of 1M member rows; and alert rules (grammar, storage, checking).
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <set>
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
#include "src/store/member_ids.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_backends.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::ElementsAre;
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
      store_->Snapshot("acme", slice.id, before,
                       {"before.csv", {"ana", absl::FromUnixSeconds(1000)}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SnapshotInfo second,
      store_->Snapshot("acme", slice.id, after,
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
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotDiff live,
                                store_->DiffWithTable("acme", first.id, after));
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
  EXPECT_THAT(store_->Snapshot("acme", "sl_nope", table),
              StatusIs(absl::StatusCode::kNotFound,
                       "org \"acme\" has no slice with id \"sl_nope\""));
  EXPECT_THAT(store_->Snapshot("acme", typo.id, table),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown column 'confidense' (did you mean "
                                 "'confidence'?)")));
  EXPECT_THAT(
      store_->Snapshot("acme", slice.id, table, {std::string(1001, 't'), {}}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "table name has 1001 bytes; the limit is 1000"));
  EXPECT_THAT(store_->Snapshot("acme", slice.id, table,
                               {"t", {std::string(300, 'a'), {}}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "actor has 300 bytes; the limit is 200"));
  EXPECT_THAT(store_->SnapshotMembers("acme", 12345),
              StatusIs(absl::StatusCode::kNotFound,
                       "org \"acme\" has no snapshot with id 12345"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo a,
                                store_->Snapshot("acme", slice.id, table));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo b,
                                store_->Snapshot("acme", slice.id, table));
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
  EXPECT_THAT(store_->DiffWithTable("acme", a.id, table),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(slice.id)));
  EXPECT_THAT(store_->Snapshot("acme", slice.id, table),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(slice.id)));
  ASSERT_THAT(store_->Purge("acme", slice.id), IsOk());
  EXPECT_THAT(*store_->ListSnapshots("acme", slice.id), SizeIs(0));
  EXPECT_THAT(store_->SnapshotMembers("acme", a.id),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("snapshot")));
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST(SnapshotFileTest, DamagedStoredIdsAreDataLoss) {
  const std::string path = TempPath("damaged.db");
  const Table table = Generated(2000);
  int64_t id = 0;
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const Slice slice,
        store->Create("acme", SliceSpec{"Hits", "", Filter("tp >= 1"), {}}));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo info,
                                  store->Snapshot("acme", slice.id, table));
    id = info.id;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  // Flip a byte inside the compressed ids: zlib's checksum catches it.
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE snapshots SET members = substr(members, 1, "
                         "20) || x'5a' || substr(members, 22)",
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
  store.reset();
  RemoveStore(path);
}

// --- The encoding -----------------------------------------------------------

std::vector<std::string> RandomIds(std::mt19937_64& rng, size_t n) {
  static const char* const kPieces[] = {
      "a", "b", "dr-", "0", "9", "\xc3\xa9", "\xff", "/", "z", "00000"};
  std::set<std::string> ids;
  while (ids.size() < n) {
    std::string id;
    const int parts = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < parts; ++i) id += kPieces[rng() % std::size(kPieces)];
    ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

std::vector<absl::string_view> Views(const std::vector<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

TEST(MemberIdsTest, RoundTripsAndDiffsRandomSets) {
  constexpr uint64_t kSeed = 20261205;
  std::cout << "random seed " << kSeed << "\n";
  std::mt19937_64 rng(kSeed);
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::vector<std::string> a = RandomIds(rng, rng() % 300);
    const std::vector<std::string> b = RandomIds(rng, rng() % 300);
    const std::string ea = internal::EncodeMemberIds(Views(a));
    const std::string eb = internal::EncodeMemberIds(Views(b));
    EXPECT_THAT(*internal::DecodeMemberIds(ea), ::testing::ContainerEq(a));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const internal::MemberDiff diff,
                                  internal::DiffMemberIds(ea, eb));
    EXPECT_EQ(diff.entered, Minus(b, a));
    EXPECT_EQ(diff.left, Minus(a, b));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const internal::MemberDiff live,
                                  internal::DiffMemberIds(ea, Views(b)));
    EXPECT_EQ(live.entered, diff.entered);
    EXPECT_EQ(live.left, diff.left);
  }
}

TEST(MemberIdsTest, DamageIsDataLossNeverACrash) {
  std::mt19937_64 rng(3);
  const std::vector<std::string> ids = RandomIds(rng, 500);
  const std::string good = internal::EncodeMemberIds(Views(ids));
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bad = good;
    if (i % 3 == 0) {
      bad.resize(rng() % bad.size());
    } else {
      bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    absl::StatusOr<std::vector<std::string>> decoded =
        internal::DecodeMemberIds(bad);
    if (decoded.ok()) {
      // Only a change zlib cannot see may decode, and then to the same ids.
      EXPECT_EQ(*decoded, ids);
    } else {
      EXPECT_THAT(decoded, StatusIs(absl::StatusCode::kDataLoss,
                                    HasSubstr("snapshot member ids are "
                                              "damaged")));
      ++refused;
    }
  }
  EXPECT_GT(refused, 2900);
  // A stream that zlib accepts but whose ids are out of order or repeated
  // is refused too.
  const std::vector<absl::string_view> unsorted = {"b", "a"};
  EXPECT_THAT(internal::DecodeMemberIds(internal::EncodeMemberIds(unsorted)),
              StatusIs(absl::StatusCode::kDataLoss,
                       "snapshot member ids are damaged: ids out of order at "
                       "id 2"));
  const std::vector<absl::string_view> repeated = {"a", "a"};
  EXPECT_THAT(internal::DecodeMemberIds(internal::EncodeMemberIds(repeated)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("out of order")));
  EXPECT_THAT(internal::DecodeMemberIds(""),
              StatusIs(absl::StatusCode::kDataLoss,
                       "snapshot member ids are damaged: unknown format"));
}

TEST(MemberIdsTest, EmptyAndSingle) {
  EXPECT_THAT(*internal::DecodeMemberIds(internal::EncodeMemberIds({})),
              SizeIs(0));
  const std::vector<absl::string_view> one = {"only"};
  EXPECT_THAT(*internal::DecodeMemberIds(internal::EncodeMemberIds(one)),
              ElementsAre("only"));
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
                                store->Snapshot("acme", all.id, before));
  EXPECT_EQ(everything.summary.rows, kBigRows);
  EXPECT_LT(everything.encoded_bytes, 4 * static_cast<int64_t>(kBigRows));
  std::cout << "bytes for " << kBigRows
            << " generated ids: " << everything.encoded_bytes << "\n";
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SnapshotInfo first,
                                store->Snapshot("acme", hits.id, before));
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
                                store->Snapshot("acme", hits.id, after));
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

TEST(AlertRulesTest, ParsesTheGrammar) {
  const struct {
    std::string text;
    std::string canonical;
  } cases[] = {
      {"size > 500", "size > 500"},
      {"  rows>=1e3 ", "size >= 1000"},
      {"precision < 0.6; recall<=0.25\nf1 != 1",
       "precision < 0.6; recall <= 0.25; f1 != 1"},
      {"new rows since last snapshot > 100", "new_rows > 100"},
      {"New   Rows = 0;;  LEFT_ROWS > 5;", "new_rows = 0; left_rows > 5"},
      {"mean_confidence < -0.5; mean_iou >= 0.75; tp > 1; fp > 2; fn > 3",
       "mean_confidence < -0.5; mean_iou >= 0.75; tp > 1; fp > 2; fn > 3"},
      {"", ""},
      {" ; \n", ""},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::vector<AlertRule>> rules = ParseAlertRules(c.text);
    ASSERT_THAT(rules, IsOk()) << c.text;
    EXPECT_EQ(FormatAlertRules(*rules), c.canonical) << c.text;
    EXPECT_EQ(*ParseAlertRules(c.canonical), *rules) << c.text;
  }
}

TEST(AlertRulesTest, ReportsMistakesWithTheirOffset) {
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {"size",
       "alert rules at 0: expected a comparison (<, <=, >, >=, =, !=) in "
       "'size'"},
      {"size > 1; precison < 0.5",
       "alert rules at 10: unknown metric 'precison' (known: size, tp, fp, "
       "fn, precision, recall, f1, mean_confidence, mean_iou, new_rows, "
       "left_rows)"},
      {"size > lots",
       "alert rules at 7: expected a number after '>', not 'lots'"},
      {"size >", "alert rules at 6: expected a number after '>', not ''"},
      {"size > 1e999",
       "alert rules at 7: expected a number after '>', not '1e999'"},
      {"size > nan",
       "alert rules at 7: expected a number after '>', not 'nan'"},
      {"size ! 3", "alert rules at 5: unexpected '!' (not equal is '!=')"},
      {"> 3", "alert rules at 0: expected a metric before the comparison"},
      {"size >> 3", "alert rules at 6: expected a number after '>', not '> 3'"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(ParseAlertRules(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, c.error))
        << c.text;
  }
}

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
