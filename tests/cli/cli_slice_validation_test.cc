// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit slice` with input the store cannot keep as given (bytes that
// are not UTF-8, chains of slices deeper than evaluation goes, times
// outside RFC 3339) and with a store whose text was damaged: every case
// ends in a one-line error and exit status 1, never an abort.
#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/run_program.h"

namespace slicekit {
namespace {

using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class CliSliceValidationTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove(absl::StrCat(store_, suffix).c_str());
    }
    std::remove(table_.c_str());
  }
  RunResult Slice(std::vector<std::string> args) {
    std::vector<std::string> all = {"slice", "--store", store_, "--org",
                                    "acme"};
    all.insert(all.end(), args.begin(), args.end());
    return RunProgram(SLICEKIT_CLI_PATH, all);
  }
  std::string Ok(const std::vector<std::string>& args) {
    const RunResult r = Slice(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.empty() ? "" : r.out.substr(0, r.out.size() - 1);
  }
  // A failure: exit 1, one line on stderr containing `message`, nothing on
  // stdout.
  void ExpectError(const RunResult& r, absl::string_view message) {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, AllOf(StartsWith("slicekit: "), HasSubstr(message)));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  std::string ListJson() {
    const RunResult r = Slice({"list", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(store_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  std::string store_ = TempPath("store.db");
  std::string table_ = TempPath("latin1.csv");
};

TEST_F(CliSliceValidationTest, AnOrderByThatIsNotUtf8IsAnError) {
  const std::string bad = "conf\xe9";
  const std::string message = "order_by[0] column is not valid UTF-8 (byte 5)";
  ExpectError(Slice({"create", "--name", "Bad order", "--where", "fp >= 1",
                     "--order-by", bad, "desc"}),
              message);
  const std::string id = Ok({"create", "--name", "Good", "--where", "fp >= 1"});
  const std::string before = ListJson();
  ExpectError(Slice({"update", "Good", "--in-place", "--order-by", bad}),
              message);
  ExpectError(Slice({"update", id, "--as-new", "Other", "--order-by", bad}),
              message);
  EXPECT_EQ(ListJson(), before);
}

TEST_F(CliSliceValidationTest, AFilterTheStoreCannotKeepExactlyIsRefused) {
  std::ofstream(table_, std::ios::binary) << "data_row_id,dataset,fp\n"
                                             "dr-1,M\xfc"
                                             "nchen,1\n"
                                             "dr-2,M\xfc"
                                             "nchen,0\n"
                                             "dr-3,\xef\xbf\xbd\xef\xbf\xbd,0\n"
                                             "dr-4,Berlin,2\n";
  const std::string where = "dataset = 'M\xfcnchen'";
  const RunResult query =
      RunProgram(SLICEKIT_CLI_PATH,
                 {"query", "--table", table_, "--where", where, "--count"});
  EXPECT_EQ(query.exit_code, 0) << query.err;
  EXPECT_EQ(query.out, "2\n");
  ExpectError(Slice({"create", "--name", "Munich", "--where", where}),
              "filter cannot be stored: the string 'M\\xFCnchen' (column "
              "'dataset') is not valid UTF-8 (byte 2)");
  ExpectError(
      Slice({"create", "--name", "Bytes", "--where", "dataset = '\xff\xfe'"}),
      "the string '\\xFF\\xFE' (column 'dataset') is not valid UTF-8 "
      "(byte 1)");
  // What UTF-8 it keeps, it keeps exactly: this matches only dr-3.
  Ok({"create", "--name", "Replacement", "--where",
      "dataset = '\xef\xbf\xbd\xef\xbf\xbd'"});
  const RunResult ids = Slice({"ids", "Replacement", "--table", table_});
  EXPECT_EQ(ids.exit_code, 0) << ids.err;
  EXPECT_EQ(ids.out, "dr-3\n");
}

TEST_F(CliSliceValidationTest, ACorruptStoreValueIsDataLossNotAnAbort) {
  const std::string id = Ok(
      {"create", "--name", "Cars", "--where", "fp >= 1", "--order-by", "fp"});
  std::string hex;
  for (size_t i = 0; i < id.size(); ++i) {
    absl::StrAppendFormat(&hex, "%02X",
                          i == 7 ? 0xE9 : static_cast<unsigned char>(id[i]));
  }
  Sql(absl::StrCat("UPDATE slice_versions SET slice_id = CAST(X'", hex,
                   "' AS TEXT); UPDATE slices SET id = CAST(X'", hex,
                   "' AS TEXT);"));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"list", "--format", "json"},
        std::vector<std::string>{"list"},
        std::vector<std::string>{"show", "Cars"}}) {
    const RunResult r = Slice(args);
    ExpectError(r, absl::StrCat("slice store \""));
    EXPECT_THAT(r.err, AllOf(HasSubstr(": id is not valid UTF-8 (byte 8)"),
                             HasSubstr("\\xE9"), Not(HasSubstr("\xe9"))));
  }
}

// The chain of the issue: each slice `IN SLICE 'previous' AND NOT (NOT
// (tp >= 0))`. The store keeps what `ids` can evaluate and refuses the
// first slice that would go deeper, naming the chain.
TEST_F(CliSliceValidationTest, RefusesAChainItCouldNotEvaluate) {
  std::ofstream(table_) << "data_row_id,tp\ndr-1,1\ndr-2,0\n";
  Ok({"create", "--name", "s000", "--where", "tp >= 0"});
  int created = 1;
  RunResult refused;
  for (int i = 1; i < 100; ++i) {
    refused = Slice(
        {"create", "--name", absl::StrFormat("s%03d", i), "--where",
         absl::StrFormat("IN SLICE 's%03d' AND NOT (NOT (tp >= 0))", i - 1)});
    if (refused.exit_code != 0) break;
    ++created;
  }
  EXPECT_EQ(created, 64);
  ExpectError(refused, "nested deeper than 128 levels");
  EXPECT_THAT(refused.err, HasSubstr("'s064' -> 's063' -> 's062'"));
  const RunResult ids = Slice({"ids", "s063", "--table", table_});
  EXPECT_EQ(ids.exit_code, 0) << ids.err;
  EXPECT_EQ(ids.out, "dr-1\ndr-2\n");
  // The root may not get deeper either: s063 would break.
  ExpectError(Slice({"update", "s000", "--in-place", "--where",
                     "NOT (NOT (NOT (NOT (tp >= 0))))"}),
              "slice \"s063\" (");
}

TEST_F(CliSliceValidationTest, TimesAreRfc3339WithFourDigitYears) {
  const std::string id = Ok(
      {"create", "--name", "Old", "--where", "fp >= 1", "--at", "0000-01-01"});
  const RunResult history = Slice({"history", id, "--format", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(nlohmann::json::parse(history.out)[0]["changed_at"],
            "0000-01-01T00:00:00.000000Z");
  Ok({"describe", id, "late", "--at", "9999-12-31T23:59:59.999999Z"});
  const RunResult text = Slice({"history", id});
  EXPECT_THAT(text.out, HasSubstr("\t9999-12-31T23:59:59.999999Z\t"));
  for (const std::string at :
       {"10000-01-01", "-0001-12-31", "0000-01-01T00:30:00+01:00", "99-01-01",
        "+2026-01-01"}) {
    SCOPED_TRACE(at);
    const RunResult r =
        Slice({"describe", id, "never", "--at", std::string(at)});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.error_line(), HasSubstr("--at needs a time"));
  }
}

}  // namespace
}  // namespace slicekit
