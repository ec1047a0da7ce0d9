// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// What the store refuses so that everything it keeps reads back as it was
// saved and can be evaluated: orderings and filters that are not UTF-8,
// chains of IN SLICE references deeper than Bind() goes, and (SQLite)
// stored text that is no longer UTF-8. Both backends unless noted.
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "slicekit/scan.h"
#include "slicekit/slice_store.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_format2.h"

namespace slicekit {
namespace {

using ::slicekit::testing::Backend;
using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

Expr Filter(absl::string_view text) {
  absl::StatusOr<Expr> expr = ParseFilter(text);
  EXPECT_THAT(expr, IsOk());
  return expr.ok() ? *expr : Expr();
}

class SliceStoreValidationTest : public ::slicekit::testing::StoreBackendTest {
 protected:
  absl::StatusOr<Slice> Create(absl::string_view name, absl::string_view where,
                               std::vector<OrderBy> order_by = {}) {
    return store_->Create(
        "acme", SliceSpec{std::string(name), "", Filter(where), order_by});
  }
  size_t Count() {
    return store_->List("acme", SliceListOrder::kByName)->size();
  }
};

SLICEKIT_INSTANTIATE_FOR_BACKENDS(SliceStoreValidationTest);

TEST_P(SliceStoreValidationTest, OrderByColumnsMustBeUtf8) {
  const std::vector<OrderBy> bad = {{"fp", false}, {"conf\xe9", true}};
  const std::string message = "order_by[1] column is not valid UTF-8 (byte 5)";
  EXPECT_THAT(Create("Bad order", "fp >= 1", bad),
              StatusIs(absl::StatusCode::kInvalidArgument, message));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice good, Create("Good", "fp >= 1"));
  EXPECT_THAT(store_->UpdateFilter("acme", good.id, good.filter, bad),
              StatusIs(absl::StatusCode::kInvalidArgument, message));
  EXPECT_THAT(
      store_->UpdateFilterAsNew("acme", good.id, "Other", good.filter, bad),
      StatusIs(absl::StatusCode::kInvalidArgument, message));
  Reopen();
  EXPECT_EQ(Count(), 1u);
  EXPECT_EQ(store_->Get("acme", good.id)->version, 1);
}

TEST_P(SliceStoreValidationTest, RefusesFilterStringsThatAreNotUtf8) {
  struct Case {
    std::string where;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"dataset = 'M\xfcnchen'",
       "filter cannot be stored: the string 'M\\xFCnchen' (column 'dataset') "
       "is not valid UTF-8 (byte 2)"},
      {"dataset IN ('ok', '\xff\xfe')",
       "filter cannot be stored: the string '\\xFF\\xFE' (column 'dataset') "
       "is not valid UTF-8 (byte 1)"},
      {"split NOT BETWEEN 'a' AND 'z\xc3'",
       "filter cannot be stored: the string 'z\\xC3' (column 'split') is not "
       "valid UTF-8 (byte 2)"},
      {"\"conf\xe9\" > 0.5",
       "filter cannot be stored: the column name 'conf\\xE9' is not valid "
       "UTF-8 (byte 5)"},
      {"fp['c\xe9'] >= 1",
       "filter cannot be stored: the class name 'c\\xE9' (column 'fp') is "
       "not valid UTF-8 (byte 2)"},
  };
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice good, Create("Good", "fp >= 1"));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.where);
    EXPECT_THAT(Create("Bad filter", c.where),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message));
    EXPECT_THAT(store_->UpdateFilter("acme", good.id, Filter(c.where), {}),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message));
    EXPECT_THAT(store_->UpdateFilterAsNew("acme", good.id, "Other",
                                          Filter(c.where), {}),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }
  EXPECT_THAT(Create("Bad ref", "IN SLICE 'G\xf6od'"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "filter cannot be stored: the slice name 'G\\xF6od' "
                       "(IN SLICE) is not valid UTF-8 (byte 2)"));
  Reopen();
  EXPECT_EQ(Count(), 1u);
  EXPECT_EQ(store_->Get("acme", good.id)->version, 1);
}

TEST_P(SliceStoreValidationTest, KeepsEveryUtf8FilterByteExact) {
  // U+FFFD itself, NUL, a four-byte character and a quote: all UTF-8.
  const Expr filter =
      Col("dataset").In({"\xef\xbf\xbd\xef\xbf\xbd", std::string("a\0b", 3),
                         "M\xc3\xbcnchen", "\xf0\x9f\x9a\x97'"}) &&
      Col("fp", std::string("c\0r", 3)) >= 1 &&
      Col(std::string("\x7f\x01", 2)).IsNull();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice slice,
      store_->Create("acme", SliceSpec{"Exact", "", filter, {}}));
  EXPECT_EQ(slice.filter, filter);
  Reopen();
  EXPECT_EQ(store_->Get("acme", slice.id)->filter, filter);
  EXPECT_EQ(store_->History("acme", slice.id)->front().filter, filter);
}

// A chain of slices, each `IN SLICE 'previous' AND NOT (NOT (tp >= 0))`:
// two levels more per slice once the references are expanded.
TEST_P(SliceStoreValidationTest, RefusesChainsNestedDeeperThanBindGoes) {
  std::mt19937_64 rng(19);
  const Table table = testing::RandomTable(rng, 50);
  std::vector<Slice> chain;
  absl::Status refused;
  for (int i = 0; i < 100 && refused.ok(); ++i) {
    const std::string where =
        i == 0 ? std::string("tp >= 0")
               : absl::StrFormat("IN SLICE 'c%03d' AND NOT (NOT (tp >= 0))",
                                 i - 1);
    absl::StatusOr<Slice> created = Create(absl::StrFormat("c%03d", i), where);
    if (created.ok()) {
      chain.push_back(*created);
    } else {
      refused = created.status();
    }
  }
  // c001's deepest path is its NOT (NOT ...), not c000.
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("nested deeper than 128 levels"),
                             HasSubstr("'c064' -> 'c063' -> 'c062'"),
                             HasSubstr("-> 'c002' -> 'c001', 64 slices"))));
  ASSERT_EQ(chain.size(), 64u);
  // Whatever the store keeps, Bind() can evaluate.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::unique_ptr<SliceResolver> resolver,
                                store_->Resolver("acme"));
  for (const Slice& s : chain) {
    EXPECT_THAT(Bind(s.filter, table, *resolver), IsOk()) << s.name;
  }

  // Making the root deeper would break the slices that use it: refused,
  // naming the one that would break and its chain.
  const Expr deeper = Filter("NOT (NOT (NOT (NOT (tp >= 0))))");
  EXPECT_THAT(
      store_->UpdateFilter("acme", chain[0].id, deeper, {}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr(absl::StrCat("slice \"c063\" (", chain[63].id,
                                            ") uses this slice")),
                     HasSubstr("nested deeper than 128 levels"),
                     HasSubstr("'c063' -> 'c062'"), HasSubstr("-> 'c000'"))));
  EXPECT_EQ(store_->Get("acme", chain[0].id)->version, 1);
  // Exactly at the limit: kept. Changes that keep the depth go through.
  ASSERT_THAT(Create("Top", "IN SLICE 'c063'"), IsOk());
  EXPECT_THAT(store_->UpdateFilter("acme", chain[0].id, Filter("tp >= 1"), {}),
              IsOk());
  EXPECT_THAT(store_->Rename("acme", chain[0].id, "c0 renamed"), IsOk());
  EXPECT_THAT(store_->Restore("acme", chain[0].id, 1), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(resolver, store_->Resolver("acme"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<Slice> all,
                                store_->List("acme", SliceListOrder::kByName));
  for (const Slice& s : all) {
    EXPECT_THAT(Bind(s.filter, table, *resolver), IsOk()) << s.name;
  }
}

TEST_P(SliceStoreValidationTest, RestoreChecksTheSlicesThatUseIt) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice root, Create("Root", "NOT (NOT (NOT (NOT (tp >= 0))))"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice v2,
      store_->UpdateFilter("acme", root.id, Filter("tp >= 0"), {}));
  std::string previous = "Root";
  Slice last;
  for (int i = 0; i < 63; ++i) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        last, Create(absl::StrFormat("u%03d", i),
                     absl::StrCat("IN SLICE '", previous,
                                  "' AND NOT (NOT (tp >= 0))")));
    previous = last.name;
  }
  EXPECT_THAT(store_->Restore("acme", root.id, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(absl::StrCat("slice \"u062\" (", last.id,
                                                    ") uses this slice")),
                             HasSubstr("nested deeper than 128 levels"))));
  EXPECT_EQ(store_->Get("acme", root.id)->version, v2.version);
}

// Times are kept to be written as RFC 3339, whose years have four digits.
TEST_P(SliceStoreValidationTest, TimesAreWithinTheYearsOfRfc3339) {
  const absl::Time first =
      absl::FromCivil(absl::CivilSecond(0, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  const absl::Time after_last = absl::FromCivil(
      absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  const std::string message =
      "time is outside the years 0000 to 9999 (RFC 3339)";
  const SliceSpec spec{"Old", "", Filter("fp >= 1"), {}};
  EXPECT_THAT(store_->Create("acme", spec, {"ann", after_last}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("the change ", message)));
  EXPECT_THAT(
      store_->Create("acme", spec, {"ann", first - absl::Microseconds(1)}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               absl::StrCat("the change ", message)));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice slice,
                                store_->Create("acme", spec, {"ann", first}));
  EXPECT_THAT(
      store_->SetDescription("acme", slice.id, "last", std::nullopt,
                             {"ann", after_last - absl::Nanoseconds(1)}),
      IsOk());
  SnapshotInfo info;
  info.slice_id = slice.id;
  info.taken_at = after_last;
  EXPECT_THAT(store_->SaveSnapshot("acme", info, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("the snapshot ", message)));
  info.taken_at = absl::InfiniteFuture();
  EXPECT_THAT(store_->SaveSnapshot("acme", info, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the snapshot time is infinite"));
  Reopen();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<SliceVersion> history,
                                store_->History("acme", slice.id));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].changed_at, first);
  EXPECT_EQ(history[1].changed_at, after_last - absl::Microseconds(1));
}

// SQLite only: what damage, or an older slicekit, left in the file.
class StoreFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(::testing::TempDir(), "/slicekit_corrupt_text_",
                         getpid(), ".db");
    testing::RemoveStore(path_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    testing::RemoveStore(path_);
  }
  void Reopen() {
    store_.reset();
    SLICEKIT_ASSERT_OK_AND_ASSIGN(store_, SliceStore::OpenSqlite(path_));
  }
  // Runs `sql` on the file with another connection.
  void Sql(const std::string& sql) {
    store_.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    Reopen();
  }

  std::string path_;
  std::unique_ptr<SliceStore> store_;
};

TEST_F(StoreFileTest, InvalidUtf8IsDataLossNamingTheStoreAndRow) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice slice,
      store_->Create("acme", SliceSpec{"Cars", "", Filter("fp >= 1"), {}},
                     ChangeInfo{"ann", {}}));
  ASSERT_THAT(store_->SetAlertRules("acme", slice.id, "rows < 3"), IsOk());
  // One byte of the id becomes 0xE9, in both places it is kept.
  std::string bad_id = slice.id;
  bad_id[5] = '\xe9';
  const std::string hex_id = [&] {
    std::string hex;
    for (unsigned char c : bad_id) absl::StrAppendFormat(&hex, "%02X", c);
    return hex;
  }();
  Sql(absl::StrCat("UPDATE slice_versions SET slice_id = CAST(X'", hex_id,
                   "' AS TEXT) WHERE slice_id = '", slice.id,
                   "'; UPDATE slices SET id = CAST(X'", hex_id,
                   "' AS TEXT) WHERE id = '", slice.id, "';"));
  const auto data_loss = [&](const std::string& what) {
    return StatusIs(absl::StatusCode::kDataLoss,
                    // The path as SQLite has it (absolute, one slash).
                    AllOf(HasSubstr(absl::StrCat("slice store \"/")),
                          HasSubstr(absl::StrCat("/slicekit_corrupt_text_",
                                                 getpid(), ".db\": ")),
                          HasSubstr(what), Not(HasSubstr("\xe9"))));
  };
  // The row is named with its bytes escaped, so the message stays UTF-8.
  std::string shown_id = slice.id;
  shown_id.replace(5, 1, "\\xE9");
  EXPECT_THAT(store_->List("acme", SliceListOrder::kByName),
              data_loss(absl::StrCat("slice ", shown_id,
                                     ": id is not valid UTF-8 (byte 6)")));
  EXPECT_THAT(store_->CheckIntegrity(),
              data_loss("id is not valid UTF-8 (byte 6)"));
  EXPECT_THAT(store_->History("acme", bad_id),
              data_loss(absl::StrCat("version 1 of slice ", shown_id,
                                     ": slice_id is not valid UTF-8 (byte "
                                     "6)")));

  // A name and an actor, the id intact.
  Sql(absl::StrCat("UPDATE slice_versions SET slice_id = '", slice.id,
                   "', actor = CAST(X'61FF' AS TEXT); UPDATE slices SET id = '",
                   slice.id, "', name = CAST(X'4361C072' AS TEXT);"));
  EXPECT_THAT(store_->Get("acme", slice.id),
              data_loss(absl::StrCat("slice ", slice.id,
                                     ": name is not valid UTF-8 (byte 3)")));
  EXPECT_THAT(store_->History("acme", slice.id),
              data_loss(absl::StrCat("version 1 of slice ", slice.id,
                                     ": actor is not valid UTF-8 (byte 2)")));

  Sql(
      absl::StrCat("UPDATE slices SET name = 'Cars'; UPDATE slice_versions "
                   "SET actor = 'ann'; UPDATE alert_rules SET rules = "
                   "CAST(X'726F777320FE' AS TEXT);"));
  EXPECT_THAT(store_->Get("acme", slice.id), IsOk());
  EXPECT_THAT(store_->ListAlertRules("acme"),
              data_loss("rules is not valid UTF-8 (byte 6)"));
}

// Names saved before invisible characters were refused stay usable: found
// by name, resolved by IN SLICE, and no damage to CheckIntegrity. Only a
// new name (create, rename, restore) must follow today's rules. Such a name
// comes from an older store: a format-2 store (the format-1 fixture
// upgraded by format 2's own statements) whose slice got it there, which
// this slicekit then upgrades, checksumming the rows as they are.
TEST(OlderStoreTest, NamesStoredUnderOlderRulesStillWork) {
  const std::string path = absl::StrCat(
      ::testing::TempDir(), "/slicekit_older_names_", getpid(), ".db");
  testing::RemoveStore(path);
  std::filesystem::copy_file(
      absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/slice_store_v1/store_v1.db"), path,
      std::filesystem::copy_options::overwrite_existing);
  const std::string old_name = "ab\u200Bcd";  // a zero-width space
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string sql = absl::StrCat(
        testing::kFormat2Schema, testing::kFormat2Upgrade,
        "UPDATE slice_versions SET name = '", old_name,
        "' WHERE name = 'Alles'; UPDATE slices SET name = '", old_name,
        "', name_key = '", SliceNameKey(old_name), "' WHERE name = 'Alles';");
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::unique_ptr<SliceStore> store,
                                SliceStore::OpenSqlite(path));
  const std::string org = "größe-org";
  EXPECT_THAT(store->CheckIntegrity(), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice slice,
                                store->GetByName(org, old_name));
  EXPECT_EQ(slice.name, old_name);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice user,
      store->Create(org,
                    SliceSpec{"user",
                              "",
                              Filter(absl::StrCat("IN SLICE '", old_name, "'")),
                              {}}));
  EXPECT_EQ(SliceRefsOf(user.filter).at(0).id, slice.id);
  EXPECT_THAT(store->SetDescription(org, slice.id, "still works"), IsOk());
  // Nor may a new name look like it.
  EXPECT_THAT(store->Create(org, SliceSpec{"ABCD", "", Filter("fp >= 2"), {}}),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       AllOf(HasSubstr(slice.id),
                             HasSubstr("ignoring invisible characters"))));
  EXPECT_THAT(store->Rename(org, user.id, old_name),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("(U+200B) at character 3")));
  EXPECT_THAT(store->CheckIntegrity(), IsOk());
  store.reset();
  testing::RemoveStore(path);
}

}  // namespace
}  // namespace slicekit
