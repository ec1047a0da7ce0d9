// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Slices over time, on both backends: version history (actor and time,
// restore, delete and purge, the org limit), IN SLICE references in stored
// slices (kept by id across renames, dangling references and cycles
// refused, referenced slices not deletable), and, for SQLite, the upgrade
// of a store written by format version 1 (tests/data/slice_store_v1) and
// the triggers that keep writers without history out.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "slicekit/curation.h"
#include "slicekit/explore.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_format2.h"

namespace slicekit {

void PrintTo(const Expr& expr, std::ostream* os) { *os << expr.ToString(); }

namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::IsOkAndHolds;
using ::slicekit::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

std::string TempPath(absl::string_view name) {
  static int counter = 0;
  return absl::StrCat(::testing::TempDir(), "/slice_history_test_", getpid(),
                      "_", ++counter, "_", name);
}

Expr Filter(absl::string_view text) {
  absl::StatusOr<Expr> expr = ParseFilter(text);
  EXPECT_THAT(expr, IsOk()) << text;
  return expr.ok() ? *expr : Expr();
}

SliceSpec Spec(std::string name, absl::string_view where = "fp >= 1",
               std::string description = "") {
  return SliceSpec{std::move(name), std::move(description), Filter(where), {}};
}

std::vector<SliceChange> Changes(const std::vector<SliceVersion>& history) {
  std::vector<SliceChange> changes;
  for (const SliceVersion& v : history) changes.push_back(v.change);
  return changes;
}

std::vector<int64_t> Versions(const std::vector<SliceVersion>& history) {
  std::vector<int64_t> versions;
  for (const SliceVersion& v : history) versions.push_back(v.version);
  return versions;
}

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01

using ::slicekit::testing::Backend;
using ::slicekit::testing::RemoveStore;

using SliceHistoryTest = ::slicekit::testing::StoreBackendTest;

SLICEKIT_INSTANTIATE_FOR_BACKENDS(SliceHistoryTest);

// --- History ----------------------------------------------------------------

TEST_P(SliceHistoryTest, KeepsEveryVersionWithItsActorAndTime) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Slice s,
      store_->Create("acme", Spec("Low recall", "recall < 0.5"), {"ana", kT0}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      s, store_->UpdateFilter("acme", s.id, Filter("recall < 0.4"),
                              {{"recall", false}}, s.version,
                              {"bob", kT0 + absl::Hours(1)}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      s, store_->Rename("acme", s.id, "Very low recall", std::nullopt,
                        {"cron job", kT0 + absl::Hours(2)}));
  const absl::Time before = absl::Now();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      s, store_->SetDescription("acme", s.id, "tightened", s.version,
                                {"ana", std::nullopt}));
  const absl::Time after = absl::Now();
  Reopen();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<SliceVersion> history,
                                store_->History("acme", s.id));
  EXPECT_THAT(Versions(history), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(Changes(history),
              ElementsAre(SliceChange::kCreated, SliceChange::kFilterUpdated,
                          SliceChange::kRenamed, SliceChange::kDescriptionSet));
  EXPECT_EQ(history[0].name, "Low recall");
  EXPECT_EQ(history[0].filter, Filter("recall < 0.5"));
  EXPECT_TRUE(history[0].order_by.empty());
  EXPECT_EQ(history[0].actor, "ana");
  EXPECT_EQ(history[0].changed_at, kT0);
  EXPECT_EQ(history[1].filter, Filter("recall < 0.4"));
  EXPECT_THAT(history[1].order_by, ElementsAre(OrderBy{"recall", false}));
  EXPECT_EQ(history[1].actor, "bob");
  EXPECT_EQ(history[2].name, "Very low recall");
  EXPECT_EQ(history[2].description, "");
  EXPECT_EQ(history[2].changed_at, kT0 + absl::Hours(2));
  // No time given: the store's clock.
  EXPECT_EQ(history[3].description, "tightened");
  EXPECT_GE(history[3].changed_at,
            absl::FromUnixMicros(absl::ToUnixMicros(before)));
  EXPECT_LE(history[3].changed_at, after);
  for (const SliceVersion& v : history) {
    EXPECT_EQ(v.slice_id, s.id);
    EXPECT_EQ(v.org, "acme");
    EXPECT_FALSE(v.restored_from.has_value());
  }
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_P(SliceHistoryTest, RejectsABadActorOrTimeAndKeepsNothing) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s,
                                store_->Create("acme", Spec("keep me")));
  EXPECT_THAT(store_->Rename("acme", s.id, "renamed", std::nullopt,
                             {std::string(201, 'a'), std::nullopt}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "actor has 201 bytes; the limit is 200"));
  EXPECT_THAT(store_->Create("acme", Spec("new one"), {"bad\xff", {}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "actor is not valid UTF-8 (byte 4)"));
  EXPECT_THAT(
      store_->Delete("acme", s.id, std::nullopt, {"", absl::InfiniteFuture()}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "the change time is infinite"));
  EXPECT_THAT(*store_->History("acme", s.id), SizeIs(1));
  EXPECT_THAT(*store_->List("acme", SliceListOrder::kByName), SizeIs(1));
}

TEST_P(SliceHistoryTest, RestoreMakesAnOldVersionCurrentAsANewVersion) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Slice s, store_->Create("acme", SliceSpec{"Night",
                                                "dark images",
                                                Filter("iou < 0.5"),
                                                {{"iou", false}}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      s, store_->UpdateFilter("acme", s.id, Filter("iou < 0.3"), {}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(s, store_->Rename("acme", s.id, "Dark"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      s, store_->Restore("acme", s.id, 1, s.version, {"ana", kT0}));
  EXPECT_EQ(s.version, 4);
  EXPECT_EQ(s.name, "Night");
  EXPECT_EQ(s.description, "dark images");
  EXPECT_EQ(s.filter, Filter("iou < 0.5"));
  EXPECT_THAT(s.order_by, ElementsAre(OrderBy{"iou", false}));
  Reopen();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice got, store_->Get("acme", s.id));
  EXPECT_EQ(got.name, "Night");
  EXPECT_EQ(got.version, 4);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<SliceVersion> history,
                                store_->History("acme", s.id));
  ASSERT_THAT(history, SizeIs(4));
  EXPECT_EQ(history.back().change, SliceChange::kRestored);
  EXPECT_EQ(history.back().restored_from, 1);
  EXPECT_EQ(history.back().actor, "ana");
  // The name is free again under its old owner: GetByName finds it.
  EXPECT_THAT(store_->GetByName("acme", "night"), IsOk());
  EXPECT_THAT(store_->GetByName("acme", "Dark"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("Dark")));
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_P(SliceHistoryTest, RestoreFollowsTodaysRules) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Slice s, store_->Create("acme", Spec("Alpha")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(s, store_->Rename("acme", s.id, "Beta"));
  // Another slice took the old name since.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice other,
                                store_->Create("acme", Spec("ALPHA")));
  EXPECT_THAT(store_->Restore("acme", s.id, 1),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("name \"Alpha\" is taken in org \"acme\" by "
                                 "slice \"ALPHA\"")));
  EXPECT_THAT(store_->Restore("acme", s.id, 2),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("version 2 of slice \"Beta\" (", s.id,
                                    ") is its current version; nothing to "
                                    "restore")));
  EXPECT_THAT(store_->Restore("acme", s.id, 7),
              StatusIs(absl::StatusCode::kNotFound,
                       absl::StrCat("slice \"Beta\" (", s.id,
                                    ") has no version 7; its history keeps "
                                    "versions 1 to 2")));
  EXPECT_THAT(store_->Restore("acme", s.id, 1, /*expected_version=*/1),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is at version 2, not the expected version "
                                 "1")));
  EXPECT_THAT(store_->Restore("acme", "sl_nope", 1),
              StatusIs(absl::StatusCode::kNotFound,
                       "org \"acme\" has no slice with id \"sl_nope\""));
  // Nothing changed.
  EXPECT_THAT(*store_->History("acme", s.id), SizeIs(2));
  ASSERT_THAT(store_->Delete("acme", other.id), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(s, store_->Restore("acme", s.id, 1));
  EXPECT_EQ(s.name, "Alpha");
}

TEST_P(SliceHistoryTest, DeletedSlicesKeepTheirHistoryUntilPurged) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Slice s,
                                store_->Create("acme", Spec("Short lived")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      s, store_->UpdateFilter("acme", s.id, Filter("fn >= 2"), {}));
  ASSERT_THAT(store_->Delete("acme", s.id, s.version, {"ana", kT0}), IsOk());
  Reopen();
  EXPECT_THAT(store_->Get("acme", s.id),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(s.id)));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<SliceVersion> history,
                                store_->History("acme", s.id));
  EXPECT_THAT(Versions(history), ElementsAre(1, 2, 3));
  EXPECT_EQ(history.back().change, SliceChange::kDeleted);
  EXPECT_EQ(history.back().filter, Filter("fn >= 2"));
  EXPECT_EQ(history.back().actor, "ana");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<SliceVersion> deleted,
                                store_->ListDeleted("acme"));
  ASSERT_THAT(deleted, SizeIs(1));
  EXPECT_EQ(deleted[0].slice_id, s.id);
  EXPECT_EQ(deleted[0].name, "Short lived");
  EXPECT_THAT(store_->Restore("acme", s.id, 1),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("was deleted; its history is kept until "
                                 "purged")));
  // The name is free; a new slice with it has its own history.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice again,
                                store_->Create("acme", Spec("Short lived")));
  EXPECT_THAT(*store_->History("acme", again.id), SizeIs(1));
  EXPECT_THAT(store_->Purge("acme", again.id),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is live; delete it before purging")));
  ASSERT_THAT(store_->Purge("acme", s.id), IsOk());
  EXPECT_THAT(store_->History("acme", s.id),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("has no history for slice")));
  EXPECT_THAT(store_->Purge("acme", s.id),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("has no history for slice")));
  EXPECT_THAT(*store_->ListDeleted("acme"), SizeIs(0));
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_P(SliceHistoryTest, HistoryBelongsToItsOrg) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s,
                                store_->Create("acme", Spec("Mine")));
  EXPECT_THAT(store_->History("other", s.id),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("\"other\"")));
  ASSERT_THAT(store_->Delete("acme", s.id), IsOk());
  EXPECT_THAT(store_->Purge("other", s.id),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("\"other\"")));
  EXPECT_THAT(*store_->ListDeleted("other"), SizeIs(0));
}

TEST_P(SliceHistoryTest, HistoryAndSnapshotsDoNotCountTowardTheLimit) {
  std::vector<Slice> slices;
  for (int i = 0; i < kMaxSlicesPerOrg; ++i) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const Slice s, store_->Create("acme", Spec(absl::StrCat("slice ", i))));
    slices.push_back(s);
  }
  // Many versions of one slice, and a deleted slice's history.
  for (int i = 0; i < 20; ++i) {
    ASSERT_THAT(
        store_->SetDescription("acme", slices[0].id, absl::StrCat("take ", i)),
        IsOk());
  }
  ASSERT_THAT(store_->Delete("acme", slices[1].id), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice refill,
                                store_->Create("acme", Spec("refill")));
  EXPECT_THAT(store_->Create("acme", Spec("one too many")),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "org \"acme\" already has 100 slices; the limit is "
                       "100"));
  // A restore is a change in place: it needs no room.
  EXPECT_THAT(store_->Restore("acme", slices[0].id, 3), IsOk());
  EXPECT_THAT(*store_->History("acme", slices[0].id), SizeIs(22));
  EXPECT_THAT(*store_->History("acme", slices[1].id), SizeIs(2));
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_P(SliceHistoryTest, ASliceSavedAsNewStartsItsOwnHistory) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s,
                                store_->Create("acme", Spec("Original")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice copy,
      store_->UpdateFilterAsNew("acme", s.id, "Copy", Filter("tp = 0"), {},
                                std::nullopt, {"ana", kT0}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<SliceVersion> history,
                                store_->History("acme", copy.id));
  ASSERT_THAT(history, SizeIs(1));
  EXPECT_EQ(history[0].change, SliceChange::kCreated);
  EXPECT_EQ(history[0].filter, Filter("tp = 0"));
  EXPECT_EQ(history[0].actor, "ana");
  EXPECT_THAT(*store_->History("acme", s.id), SizeIs(1));
}

TEST_P(SliceHistoryTest, ConcurrentThreadsLoseNoVersion) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s,
                                store_->Create("acme", Spec("Busy")));
  constexpr int kThreads = 4;
  constexpr int kEach = 15;
  // SQLite, PostgreSQL: every thread its own connection, as separate
  // processes would.
  std::vector<std::unique_ptr<SliceStore>> stores;
  for (int t = 0; t < kThreads; ++t) {
    if (GetParam() == Backend::kMemory) break;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::Open(location_));
    stores.push_back(std::move(store));
  }
  std::vector<std::vector<int64_t>> versions(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      SliceStore& store = stores.empty() ? *store_ : *stores[t];
      for (int i = 0; i < kEach; ++i) {
        absl::StatusOr<Slice> updated = store.UpdateFilter(
            "acme", s.id, Filter(absl::StrCat("fp >= ", t * 1000 + i)), {},
            std::nullopt, {absl::StrCat("thread ", t), std::nullopt});
        ASSERT_THAT(updated, IsOk());
        versions[t].push_back(updated->version);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<SliceVersion> history,
                                store_->History("acme", s.id));
  ASSERT_THAT(history, SizeIs(1 + kThreads * kEach));
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i].version, static_cast<int64_t>(i + 1));
  }
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      const SliceVersion& v = history[versions[t][i] - 1];
      EXPECT_EQ(v.filter, Filter(absl::StrCat("fp >= ", t * 1000 + i)));
      EXPECT_EQ(v.actor, absl::StrCat("thread ", t));
      if (i > 0) {
        EXPECT_GT(versions[t][i], versions[t][i - 1]);
      }
    }
  }
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

// --- References in stored slices ------------------------------------------

TEST_P(SliceHistoryTest, ReferencesAreKeptByIdAndFollowRenames) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice base, store_->Create("acme", Spec("Confident FPs",
                                                    "fp >= 1 AND confidence > "
                                                    "0.8")));
  // Names in references match as GetByName does: any case.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice user,
      store_->Create("acme", Spec("Hard cars",
                                  "IN SLICE 'confident fps' AND "
                                  "tp = 0")));
  EXPECT_EQ(user.filter, Expr::InSlice(SliceRef{"Confident FPs", base.id}) &&
                             Col("tp") == 0);
  EXPECT_EQ(user.filter.ToString(), "IN SLICE 'Confident FPs' AND tp = 0");
  ASSERT_THAT(store_->Rename("acme", base.id, "Sure but wrong"), IsOk());
  Reopen();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice got, store_->Get("acme", user.id));
  EXPECT_EQ(got.filter.ToString(), "IN SLICE 'Sure but wrong' AND tp = 0");
  EXPECT_EQ(got.filter.children()[0].slice().id, base.id);
  // The same in lists and history.
  EXPECT_EQ(store_->List("acme", SliceListOrder::kByName)->front().filter,
            got.filter);
  EXPECT_EQ(store_->History("acme", user.id)->front().filter, got.filter);
  // A new slice can name the old name no more, the new one yes.
  EXPECT_THAT(store_->Create("acme", Spec("xx1", "IN SLICE 'Confident FPs'")),
              StatusIs(absl::StatusCode::kNotFound,
                       "IN SLICE 'Confident FPs' (in slice 'xx1'): org "
                       "\"acme\" has no slice named \"Confident FPs\""));
  EXPECT_THAT(store_->Create("acme", Spec("xx2", "IN SLICE 'sure BUT wrong'")),
              IsOk());
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_P(SliceHistoryTest, DanglingReferencesAndCyclesAreRefused) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice a,
                                store_->Create("acme", Spec("Alpha")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice b, store_->Create("acme", Spec("Beta", "IN SLICE 'Alpha'")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice c,
      store_->Create("acme", Spec("Gamma", "NOT IN SLICE 'Beta' OR fp = 1")));
  EXPECT_THAT(
      store_->UpdateFilter("acme", a.id, Filter("IN SLICE 'Gamma'"), {}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "IN SLICE references form a cycle: 'Alpha' -> 'Gamma' -> "
               "'Beta' -> 'Alpha'"));
  EXPECT_THAT(store_->Create("acme", Spec("Self", "IN SLICE 'self'")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "IN SLICE references form a cycle: 'Self' -> 'Self'"));
  EXPECT_THAT(
      store_->UpdateFilter("acme", b.id, Filter("IN SLICE 'Nope'"), {}),
      StatusIs(absl::StatusCode::kNotFound,
               "IN SLICE 'Nope' (in slice 'Beta'): org \"acme\" has no slice "
               "named \"Nope\""));
  // Another org's slice is not visible.
  EXPECT_THAT(store_->Create("other", Spec("Remote", "IN SLICE 'Alpha'")),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("org \"other\" has no slice named "
                                 "\"Alpha\"")));
  // Nothing changed.
  EXPECT_EQ(store_->Get("acme", a.id)->version, 1);
  EXPECT_EQ(store_->Get("acme", b.id)->version, 1);
  EXPECT_THAT(*store_->List("acme", SliceListOrder::kByName), SizeIs(3));
  EXPECT_EQ(store_->Get("acme", c.id)->filter.ToString(),
            "NOT (IN SLICE 'Beta') OR fp = 1");
}

TEST_P(SliceHistoryTest, DeletingAReferencedSliceNamesItsUsers) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice a,
                                store_->Create("acme", Spec("Alpha")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice b, store_->Create("acme", Spec("Beta", "IN SLICE 'Alpha'")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice c,
      store_->Create("acme", Spec("Gamma", "fp = 2 AND NOT IN SLICE 'alpha'")));
  EXPECT_THAT(store_->Delete("acme", a.id),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("slice \"Alpha\" (", a.id,
                                    ") is used by \"Beta\" (", b.id,
                                    "), \"Gamma\" (", c.id,
                                    ") through IN SLICE; change or delete "
                                    "those first")));
  // A slice that is only a user can go; then the next user; then Alpha.
  ASSERT_THAT(store_->Delete("acme", b.id), IsOk());
  ASSERT_THAT(store_->UpdateFilter("acme", c.id, Filter("fp = 2"), {}), IsOk());
  ASSERT_THAT(store_->Delete("acme", a.id), IsOk());
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_P(SliceHistoryTest, RestoringAVersionWhoseReferenceIsGoneIsRefused) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice target,
                                store_->Create("acme", Spec("Target")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Slice user, store_->Create("acme", Spec("User", "IN SLICE 'Target'")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      user, store_->UpdateFilter("acme", user.id, Filter("fp = 3"), {}));
  ASSERT_THAT(store_->Delete("acme", target.id), IsOk());
  // History keeps the name the reference had.
  EXPECT_EQ(store_->History("acme", user.id)->front().filter.ToString(),
            "IN SLICE 'Target'");
  EXPECT_THAT(store_->Restore("acme", user.id, 1),
              StatusIs(absl::StatusCode::kNotFound,
                       absl::StrCat("IN SLICE 'Target' (in slice 'User'): org "
                                    "\"acme\" has no slice with id \"",
                                    target.id, "\" (was it deleted?)")));
  EXPECT_EQ(store_->Get("acme", user.id)->version, 2);
}

TEST_P(SliceHistoryTest, ResolversBindStoredReferences) {
  absl::StatusOr<Table> table = Table::Create(*Schema::Create(
      {{"data_row_id", ColumnType::kId}, {"fp", ColumnType::kInt}}));
  ASSERT_THAT(table, IsOk());
  Batch batch(table->schema());
  for (int i = 0; i < 10; ++i) {
    batch.AppendString(0, absl::StrCat("r", i));
    batch.AppendInt(1, i);
  }
  ASSERT_THAT(table->Append(batch), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice some, store_->Create("acme", Spec("Some", "fp >= 4")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice fewer,
      store_->Create("acme", Spec("Fewer", "IN SLICE 'Some' AND fp < 7")));
  // Without a resolver the reference cannot bind.
  EXPECT_THAT(SliceRowIds(*table, fewer),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("bind it with a SliceResolver")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const auto resolver, store_->Resolver("acme"));
  EXPECT_THAT(*SliceRowIds(*table, fewer, 0, std::nullopt, resolver.get()),
              ElementsAre("r4", "r5", "r6"));
  ExploreOptions options;
  options.resolver = resolver.get();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const ExplorePage page,
                                Explore(*table, fewer, options));
  EXPECT_EQ(page.total_rows, 3u);
  // Curator resolves among the slices it is given.
  const std::vector<Slice> both = {some, fewer};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Curator curator,
                                Curator::Create(*table, both));
  EXPECT_EQ(curator.NewRows(0).slices[1].count(), 3u);
  EXPECT_THAT(
      Curator::Create(*table, std::vector<Slice>{fewer}),
      StatusIs(absl::StatusCode::kNotFound,
               HasSubstr("IN SLICE 'Some': there is no slice with id")));
}

// --- Upgrading a format-1 store ---------------------------------------------

#ifdef SLICEKIT_TEST_DATA_DIR
const std::string kFixture =
    std::string(SLICEKIT_TEST_DATA_DIR) + "/slice_store_v1/store_v1.db";
const std::string kExpected =
    std::string(SLICEKIT_TEST_DATA_DIR) + "/slice_store_v1/expected.json";
#endif

std::string CopyFixture() {
  const std::string path = TempPath("v1.db");
  std::filesystem::copy_file(kFixture, path,
                             std::filesystem::copy_options::overwrite_existing);
  return path;
}

nlohmann::json Expected() {
  std::ifstream in(kExpected);
  return nlohmann::json::parse(in);
}

// Runs `sql` with plain SQLite; returns the first column of each row, or
// the error message as the only element prefixed with "error: ".
std::vector<std::string> Sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return {"error: open"};
  char* error = nullptr;
  const int rc = sqlite3_exec(
      db, sql.c_str(),
      [](void* out, int, char** cols, char**) {
        static_cast<std::vector<std::string>*>(out)->push_back(
            cols[0] != nullptr ? cols[0] : "NULL");
        return 0;
      },
      &rows, &error);
  if (rc != SQLITE_OK) rows = {absl::StrCat("error: ", error)};
  sqlite3_free(error);
  sqlite3_close(db);
  return rows;
}

constexpr char kSchemaRows[] =
    "SELECT type || ' ' || name || ': ' || ifnull(sql, '') FROM sqlite_master "
    "ORDER BY name";

TEST(StoreUpgradeTest, AStoreOfTheLastReleaseOpensUpgradedWithEverySlice) {
  const std::string path = CopyFixture();
  ASSERT_THAT(Sql(path,
                  "SELECT value FROM slicekit_meta WHERE key = "
                  "'version'"),
              ElementsAre("1"));
  const nlohmann::json expected = Expected();
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
    EXPECT_THAT(store->CheckIntegrity(), IsOk());
    int slices = 0;
    for (const auto& [org, want] : expected["orgs"].items()) {
      SCOPED_TRACE(org);
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          const std::vector<Slice> got,
          store->List(org, SliceListOrder::kByCreationTime));
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i) {
        const nlohmann::json& w = want[i];
        const Slice& s = got[i];
        SCOPED_TRACE(s.name);
        EXPECT_EQ(s.id, w["id"]);
        EXPECT_EQ(s.org, org);
        EXPECT_EQ(s.name, w["name"]);
        EXPECT_EQ(s.description, w["description"]);
        EXPECT_EQ(FormatFilter(s.filter), w["filter_text"]);
        EXPECT_EQ(FilterToJson(s.filter), w["filter_json"]);
        ASSERT_EQ(s.order_by.size(), w["order_by"].size());
        for (size_t k = 0; k < s.order_by.size(); ++k) {
          EXPECT_EQ(s.order_by[k].column, w["order_by"][k]["column"]);
          EXPECT_EQ(s.order_by[k].descending, w["order_by"][k]["descending"]);
        }
        EXPECT_EQ(absl::ToUnixMicros(s.created_at), w["created_at_us"]);
        EXPECT_EQ(absl::ToUnixMicros(s.updated_at), w["updated_at_us"]);
        EXPECT_EQ(s.version, w["version"]);
        // One history entry: the version the old store held.
        SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<SliceVersion> history,
                                      store->History(org, s.id));
        ASSERT_THAT(history, SizeIs(1));
        EXPECT_EQ(history[0].change, SliceChange::kMigrated);
        EXPECT_EQ(history[0].version, s.version);
        EXPECT_EQ(history[0].filter, s.filter);
        EXPECT_EQ(history[0].changed_at, s.updated_at);
        ++slices;
      }
    }
    EXPECT_EQ(slices, 9);
    // The upgraded store works on: a change adds a version after the
    // migrated one, a deleted slice's name is free.
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice recall,
                                  store->GetByName("acme", "very low recall"));
    EXPECT_EQ(recall.version, 5);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const Slice changed,
        store->SetDescription("acme", recall.id, "after the upgrade"));
    EXPECT_EQ(changed.version, 6);
    EXPECT_THAT(Versions(*store->History("acme", recall.id)),
                ElementsAre(5, 6));
    EXPECT_THAT(store->Create("acme", Spec("To be deleted")), IsOk());
    // History of the slice deleted before the upgrade was never kept.
    EXPECT_THAT(store->History("acme", expected["deleted_ids"][0]),
                StatusIs(absl::StatusCode::kNotFound,
                         HasSubstr("has no history for slice")));
  }
  EXPECT_THAT(Sql(path,
                  "SELECT value FROM slicekit_meta WHERE key = "
                  "'version'"),
              ElementsAre("3"));
  EXPECT_THAT(Sql(path, "SELECT id FROM retired_ids"),
              ElementsAre(expected["deleted_ids"][0].get<std::string>()));
  // Byte for byte the schema a new store gets.
  const std::string fresh = TempPath("fresh.db");
  { ASSERT_THAT(SliceStore::OpenSqlite(fresh), IsOk()); }
  EXPECT_EQ(Sql(path, kSchemaRows), Sql(fresh, kSchemaRows));
  RemoveStore(fresh);
  RemoveStore(path);
}

TEST(StoreUpgradeTest, ManyOpenersUpgradeOnce) {
  const std::string path = CopyFixture();
  constexpr int kThreads = 6;
  std::vector<absl::Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<std::unique_ptr<SliceStore>> store =
          SliceStore::OpenSqlite(path);
      results[t] = store.status();
      if (store.ok()) results[t] = (*store)->CheckIntegrity();
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : results) EXPECT_THAT(status, IsOk());
  EXPECT_THAT(Sql(path, "SELECT count(*) FROM slice_versions"),
              ElementsAre("9"));
  RemoveStore(path);
}

// What format 1's code runs to change a slice (its statements verbatim),
// against an upgraded store: every one is refused, so a process of the old
// release that had the file open cannot change slices without history.
TEST(StoreUpgradeTest, WritersWithoutHistoryAreRefused) {
  const std::string path = CopyFixture();
  { ASSERT_THAT(SliceStore::OpenSqlite(path), IsOk()); }
  const std::string id =
      Sql(path, "SELECT id FROM slices WHERE name = 'Alles'").at(0);
  const std::string refusal =
      "error: this slice store has format version 2, which keeps the "
      "history of every slice; this writer does not keep it (a slicekit "
      "older than format 2?): reopen the store with a newer slicekit";
  EXPECT_THAT(
      Sql(path,
          "INSERT INTO slices (id, org, name, name_key, description, "
          "filter_text, filter_json, order_by_json, created_at_us, "
          "updated_at_us, version) VALUES ('sl_0000000000000001', 'acme', "
          "'old', 'old', '', 'TRUE', "
          "'{\"version\":1,\"filter\":{\"op\":\"true\"}}', '[]', 1, 1, 1)"),
      ElementsAre(refusal));
  EXPECT_THAT(
      Sql(path,
          absl::StrCat("UPDATE slices SET name = 'Alles neu', name_key = "
                       "'alles neu', description = '', filter_text = 'TRUE', "
                       "filter_json = "
                       "'{\"version\":1,\"filter\":{\"op\":\"true\"}}', "
                       "order_by_json = '[]', updated_at_us = 2, version = 2 "
                       "WHERE id = '",
                       id, "' AND org = 'größe-org'")),
      ElementsAre(refusal));
  EXPECT_THAT(Sql(path, absl::StrCat("DELETE FROM slices WHERE org = "
                                     "'größe-org' AND id = '",
                                     id, "'")),
              ElementsAre(refusal));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
  EXPECT_THAT(store->CheckIntegrity(), IsOk());
  EXPECT_EQ(store->Get("größe-org", id)->name, "Alles");
  store.reset();
  RemoveStore(path);
}

// What format 2's code runs to change a store (its statements as it binds
// them, without checksums), against a store of format 3: every one is
// refused, so a process of that release that had the file open when it was
// upgraded cannot write rows that the checks of format 3 would take for
// damage.
TEST(StoreUpgradeTest, WritersWithoutChecksumsAreRefused) {
  const std::string path = CopyFixture();
  std::string id;
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice s,
                                  store->GetByName("größe-org", "Alles"));
    id = s.id;
    ASSERT_THAT(store->SetAlertRules("größe-org", id, "size > 1"), IsOk());
    SnapshotInfo info;
    info.slice_id = id;
    info.slice_version = s.version;
    ASSERT_THAT(store->SaveSnapshot("größe-org", info, {}), IsOk());
  }
  const std::string refusal =
      "error: this slice store has format version 3, which keeps a checksum "
      "of every row; this writer does not keep them (a slicekit older than "
      "format 3?): reopen the store with a newer slicekit";
  // Every change of a slice starts with its history entry.
  EXPECT_THAT(Sql(path, absl::StrCat(
                            "INSERT INTO slice_versions (slice_id, org, "
                            "version, change, name, description, filter_text, "
                            "filter_json, order_by_json, actor, changed_at_us, "
                            "restored_from) VALUES ('",
                            id,
                            "', 'größe-org', 99, 'renamed', 'x', '', 'TRUE', "
                            "'{}', '[]', '', 1, NULL)")),
              ElementsAre(refusal));
  EXPECT_THAT(Sql(path,
                  "INSERT INTO snapshots (org, slice_id, slice_version, "
                  "slice_name, table_name, actor, taken_at_us, member_count, "
                  "summary_json, members) VALUES ('größe-org', 'x', 1, 'x', "
                  "'', '', 1, 0, '{}', x'')"),
              ElementsAre(refusal));
  EXPECT_THAT(Sql(path, absl::StrCat("INSERT OR REPLACE INTO alert_rules (org, "
                                     "slice_id, rules) VALUES ('größe-org', '",
                                     id, "', 'size > 2')")),
              ElementsAre(refusal));
  EXPECT_THAT(Sql(path, absl::StrCat("DELETE FROM alert_rules WHERE org = "
                                     "'größe-org' AND slice_id = '",
                                     id, "'")),
              ElementsAre(refusal));
  EXPECT_THAT(Sql(path, absl::StrCat("DELETE FROM slice_versions WHERE org = "
                                     "'größe-org' AND slice_id = '",
                                     id, "'")),
              ElementsAre(refusal));
  EXPECT_THAT(Sql(path, absl::StrCat("DELETE FROM snapshots WHERE org = "
                                     "'größe-org' AND slice_id = '",
                                     id, "'")),
              ElementsAre(refusal));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
  EXPECT_THAT(store->CheckIntegrity(), IsOk());
  store.reset();
  RemoveStore(path);
}

// A store of format 2, written by the last format-2 release's schema (the
// format-1 fixture upgraded by its statements), upgrades to format 3 with
// every slice, version, snapshot and alert rule, checked.
TEST(StoreUpgradeTest, AFormat2StoreUpgradesWithChecksums) {
  const std::string path = CopyFixture();
  // Format 2 from format 1, as format 2's code did it.
  ASSERT_THAT(Sql(path, absl::StrCat(slicekit::testing::kFormat2Schema,
                                     slicekit::testing::kFormat2Upgrade,
                                     "SELECT value FROM slicekit_meta WHERE "
                                     "key = 'version'")),
              ElementsAre("2"));
  const std::string id =
      Sql(path, "SELECT id FROM slices WHERE name = 'Alles'").at(0);
  ASSERT_THAT(Sql(path, absl::StrCat("INSERT INTO alert_rules VALUES ('", id,
                                     "', 'größe-org', 'size > 1');"
                                     "SELECT count(*) FROM alert_rules")),
              ElementsAre("1"));
  {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(auto store, SliceStore::OpenSqlite(path));
    EXPECT_THAT(store->CheckIntegrity(), IsOk());
    EXPECT_THAT(store->ListAlertRules("größe-org"),
                IsOkAndHolds(ElementsAre(std::make_pair(id, "size > 1"))));
    EXPECT_THAT(store->History("größe-org", id), IsOkAndHolds(SizeIs(1)));
    EXPECT_THAT(store->SetAlertRules("größe-org", id, ""), IsOk());
    EXPECT_THAT(store->Rename("größe-org", id, "Alles neu"), IsOk());
    EXPECT_THAT(store->CheckIntegrity(), IsOk());
  }
  EXPECT_THAT(Sql(path,
                  "SELECT value FROM slicekit_meta WHERE key = "
                  "'version'"),
              ElementsAre("3"));
  EXPECT_THAT(Sql(path, "SELECT count(*) FROM slices WHERE crc IS NULL"),
              ElementsAre("0"));
  RemoveStore(path);
}

}  // namespace
}  // namespace slicekit
