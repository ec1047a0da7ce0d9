// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Runs `slicekit slice ...` (SLICEKIT_CLI_PATH) against a store file and
// checks its stdout, stderr, exit status and what the store holds after.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::ReadFile;
using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;

using ::slicekit::testing::IsOk;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::SizeIs;
using ::testing::StartsWith;

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

RunResult RunCli(const std::vector<std::string>& args) {
  return RunProgram(SLICEKIT_CLI_PATH, args);
}

class CliSliceTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove(absl::StrCat(store_, suffix).c_str());
    }
  }
  // Runs `slicekit slice --store <store_> --org acme <args...>`.
  RunResult Slice(std::vector<std::string> args, std::string org = "acme") {
    std::vector<std::string> all = {"slice", "--store", store_, "--org", org};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(all);
  }
  // The new id printed by a successful create/update.
  std::string Ok(const std::vector<std::string>& args) {
    const RunResult r = Slice(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_THAT(r.out, MatchesRegex("sl_[0-9a-f]{16}\n"));
    return r.out.substr(0, r.out.size() - 1);
  }
  nlohmann::json ListJson() {
    const RunResult r = Slice({"list", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  // Expects a failure with `exit_code` whose first stderr line contains
  // `message`, and that the store's content did not change.
  void ExpectFails(const std::vector<std::string>& args, int exit_code,
                   absl::string_view message) {
    const nlohmann::json before = ListJson();
    const RunResult r = Slice(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.error_line(),
                AllOf(StartsWith("slicekit: "), HasSubstr(message)));
    if (exit_code == 1) {
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
    EXPECT_EQ(ListJson(), before);
  }

  std::string store_ = TempPath("store.db");
};

TEST_F(CliSliceTest, CreatesListsAndShowsSlices) {
  EXPECT_FALSE(Exists(store_));
  const std::string low =
      Ok({"create", "--name", "Low confidence", "--description", "below 0.3",
          "--where", "confidence < 0.3 and fp >= 1", "--order-by", "confidence",
          "desc"});
  EXPECT_TRUE(Exists(store_));
  const std::string fps =
      Ok({"create", "--name", "  all FPs ", "--where", "fp >= 1"});

  const RunResult text = Slice({"list"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out,
            absl::StrCat(fps, "\tall FPs\tv1\tfp >= 1\t\n", low,
                         "\tLow confidence\tv1\tconfidence < 0.3 AND fp >= "
                         "1\tconfidence desc\n"));

  const nlohmann::json list = ListJson();
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 2u);
  const nlohmann::json& first = list[1];
  EXPECT_EQ(first["id"], low);
  EXPECT_EQ(first["name"], "Low confidence");
  EXPECT_EQ(first["description"], "below 0.3");
  EXPECT_EQ(first["where"], "confidence < 0.3 AND fp >= 1");
  EXPECT_EQ(
      first["order_by"],
      nlohmann::json::parse(R"([{"column":"confidence","direction":"desc"}])"));
  EXPECT_EQ(first["version"], 1);
  EXPECT_THAT(first["created_at"].get<std::string>(),
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"));
  EXPECT_EQ(first["updated_at"], first["created_at"]);
  EXPECT_EQ(list[0]["order_by"], nlohmann::json::array());

  // SLICE is an id or a name, any case.
  for (const std::string& ref : {low, std::string("LOW CONFIDENCE")}) {
    const RunResult show = Slice({"show", ref});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_THAT(show.out, HasSubstr(absl::StrCat("id: ", low, "\n")));
    EXPECT_THAT(show.out, HasSubstr("where: confidence < 0.3 AND fp >= 1\n"));
    EXPECT_THAT(show.out, HasSubstr("order_by: confidence desc\n"));
    EXPECT_THAT(show.out, HasSubstr("version: 1\n"));
  }
  // Orgs are separate.
  const RunResult other = Slice({"list", "--format", "json"}, "other");
  EXPECT_EQ(other.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(other.out), nlohmann::json::array());
}

TEST_F(CliSliceTest, UpdatesInPlaceOrAsNew) {
  const std::string id = Ok({"create", "--name", "false pos", "--where",
                             "fp >= 1", "--order-by", "confidence"});
  EXPECT_EQ(Ok({"update", "false pos", "--where", "fp >= 2", "--in-place"}),
            id);
  nlohmann::json list = ListJson();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["where"], "fp >= 2");
  EXPECT_EQ(list[0]["version"], 2);
  // The ordering is kept when only --where changes.
  EXPECT_EQ(list[0]["order_by"][0]["column"], "confidence");

  const std::string copy =
      Ok({"update", id, "--order-by", "iou", "desc", "--as-new", "by iou"});
  EXPECT_NE(copy, id);
  list = ListJson();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "by iou");
  EXPECT_EQ(list[0]["where"], "fp >= 2");
  EXPECT_EQ(list[0]["order_by"][0]["direction"], "desc");
  EXPECT_EQ(list[1]["version"], 2);  // the original is unchanged

  EXPECT_EQ(Ok({"rename", "BY IOU", "by IoU"}), copy);
  EXPECT_EQ(Ok({"describe", copy, "sorted by IoU"}), copy);
  list = ListJson();
  EXPECT_EQ(list[0]["name"], "by IoU");
  EXPECT_EQ(list[0]["description"], "sorted by IoU");
  EXPECT_EQ(list[0]["version"], 3);

  EXPECT_EQ(Ok({"delete", "by iou"}), copy);
  EXPECT_THAT(ListJson(), SizeIs(1));
  const RunResult gone = Slice({"show", copy});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_THAT(gone.err, HasSubstr("has no slice with the id or name"));
  // The name is free again; the id is new.
  EXPECT_NE(Ok({"create", "--name", "by iou", "--where", "iou < 0.5"}), copy);
}

TEST_F(CliSliceTest, BadInputFailsWithOneLineAndChangesNothing) {
  Ok({"create", "--name", "taken", "--where", "fp >= 1"});
  ExpectFails({"create", "--name", "TAKEN", "--where", "fp >= 2"}, 1,
              "name \"TAKEN\" is taken in org \"acme\" by slice \"taken\"");
  ExpectFails({"create", "--name", "ab", "--where", "fp >= 2"}, 1,
              "name has 2 characters; the minimum is 3");
  ExpectFails({"create", "--name", std::string(31, 'n'), "--where", "fp >= 2"},
              1, "name has 31 characters; the limit is 30");
  ExpectFails({"create", "--name", "bell\a", "--where", "fp >= 2"}, 1,
              "name contains a control character (U+0007) at character 5");
  ExpectFails({"create", "--name", "good name", "--where", "fp >="}, 1,
              "expected a value");
  ExpectFails({"create", "--name", "good name", "--where", "fp >= 1",
               "--order-by", "fp", "--order-by", "fp"},
              1, "repeats column \"fp\"");
  ExpectFails({"rename", "taken", "x"}, 1, "minimum is 3");
  ExpectFails({"rename", "nothing here", "other name"}, 1,
              "no slice with the id or name \"nothing here\"");
  ExpectFails({"describe", "taken", std::string(1001, 'd')}, 1,
              "description has 1001 characters; the limit is 1000");
  ExpectFails({"delete", "sl_0123456789abcdef"}, 1, "no slice");
  ExpectFails({"update", "taken", "--where", "tp >= 1", "--as-new", "Taken"}, 1,
              "is taken");
}

TEST_F(CliSliceTest, UsageErrorsExitTwoAndChangeNothing) {
  Ok({"create", "--name", "existing", "--where", "fp >= 1"});
  ExpectFails({"create", "--where", "fp >= 1"}, 2, "needs --name");
  ExpectFails({"create", "--name", "no filter"}, 2, "needs --where");
  ExpectFails({"frobnicate"}, 2, "unknown slice command 'frobnicate'");
  ExpectFails({"list", "--format", "xml"}, 2, "--format must be text or json");
  ExpectFails({"show"}, 2, "needs SLICE");
  ExpectFails({"rename", "existing"}, 2, "needs SLICE NEW_NAME");
  ExpectFails({"update", "existing", "--where", "fp >= 2"}, 2,
              "either --in-place or --as-new");
  ExpectFails({"update", "existing", "--where", "fp >= 2", "--in-place",
               "--as-new", "both"},
              2, "either --in-place or --as-new");
  ExpectFails({"update", "existing", "--in-place"}, 2,
              "needs --where EXPR or --order-by");
  ExpectFails({"create", "--name", "x y z", "--where", "fp >= 1", "--bogus"}, 2,
              "unknown flag '--bogus'");

  const std::string missing = TempPath("never.db");
  const RunResult no_org = RunCli({"slice", "--store", missing, "list"});
  EXPECT_EQ(no_org.exit_code, 2);
  EXPECT_THAT(no_org.error_line(), HasSubstr("needs --org"));
  const RunResult no_store = RunCli({"slice", "--org", "acme", "list"});
  EXPECT_EQ(no_store.exit_code, 2);
  EXPECT_THAT(no_store.error_line(), HasSubstr("needs --store"));
  // Neither a usage error nor a bad filter creates the store file.
  const RunResult bad_filter =
      RunCli({"slice", "--store", missing, "--org", "acme", "create", "--name",
              "abc", "--where", "fp >>= 1"});
  EXPECT_EQ(bad_filter.exit_code, 1);
  EXPECT_FALSE(Exists(missing));
}

TEST_F(CliSliceTest, ReportsTheOrgLimit) {
  {
    auto store = SliceStore::OpenSqlite(store_);
    ASSERT_THAT(store, IsOk());
    for (int i = 0; i < kMaxSlicesPerOrg; ++i) {
      ASSERT_THAT((*store)->Create("acme", SliceSpec{absl::StrCat("slice ", i),
                                                     "",
                                                     *ParseFilter("fp >= 1"),
                                                     {}}),
                  IsOk());
    }
  }
  ExpectFails({"create", "--name", "one more", "--where", "fp >= 1"}, 1,
              "org \"acme\" already has 100 slices; the limit is 100");
  ExpectFails(
      {"update", "slice 0", "--where", "fp >= 3", "--as-new", "one more"}, 1,
      "the limit is 100");
  EXPECT_THAT(ListJson(), SizeIs(100));
}

TEST_F(CliSliceTest, RefusesAFileThatIsNotAStore) {
  { std::ofstream(store_) << "data_row_id,confidence\nr1,0.5\n"; }
  const std::string before = ReadFile(store_);
  const RunResult r = Slice({"list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is not a slicekit slice store"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_EQ(ReadFile(store_), before);
}

// The issue's user (19, item 8): may read the store file, may write
// neither it nor its directory. Every command that only reads works (it
// opens the store read-only) and writes nothing; a change says why it
// cannot. As root (CI), the commands run as nobody, since root ignores the
// permissions; as another user, with the directory and file made
// read-only.
TEST(CliReadOnlyStoreTest, ReadCommandsWorkWithoutWriteAccess) {
  const std::string dir = TempPath("ro_store_dir");
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  const std::string store = dir + "/slices.db";
  const std::string table = TempPath("ro_table.csv");
  ASSERT_EQ(RunCli({"generate", "--rows", "300", "--seed", "4", "--out", table})
                .exit_code,
            0);
  auto slice = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"slice", "--store", store, "--org", "acme"});
    return args;
  };
  for (const auto& args :
       {slice({"create", "--name", "Hard", "--where", "fp >= 1"}),
        slice({"rename", "Hard", "Hard ones"}),
        slice({"snapshot", "Hard ones", "--table", table}),
        slice({"alert", "Hard ones", "size > 1"}),
        slice({"create", "--name", "Gone", "--where", "tp >= 1"}),
        slice({"delete", "Gone"})}) {
    const RunResult r = RunCli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const std::string before = ReadFile(store);
  const bool root = geteuid() == 0;
  if (!root) {
    chmod(store.c_str(), 0444);
    chmod(dir.c_str(), 0555);
  }
  auto run = [&](const std::vector<std::string>& args) {
    return root ? slicekit::testing::RunProgramAs(SLICEKIT_CLI_PATH, args,
                                                  65534, 65534)
                : RunCli(args);
  };
  // Somewhere the reader may write its report.
  const std::string out_dir = TempPath("ro_out");
  ASSERT_EQ(mkdir(out_dir.c_str(), 0777), 0);
  chmod(out_dir.c_str(), 0777);
  const std::string out = out_dir + "/report.html";
  const std::vector<std::vector<std::string>> reads = {
      slice({"list"}),
      slice({"list", "--format", "json"}),
      slice({"show", "Hard ones"}),
      slice({"history", "Hard ones"}),
      slice({"deleted"}),
      slice({"snapshots", "Hard ones"}),
      slice({"explore", "Hard ones", "--table", table}),
      slice({"ids", "Hard ones", "--table", table}),
      slice({"diff", "Hard ones", "--table", table}),
      slice({"check", "--table", table}),
  };
  for (const std::vector<std::string>& args : reads) {
    SCOPED_TRACE(absl::StrJoin(args, " "));
    const RunResult r = run(args);
    EXPECT_THAT(r.exit_code, ::testing::AnyOf(0, 3)) << r.err;
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr("slicekit:")));
    EXPECT_NE(r.out, "");
  }
  EXPECT_THAT(run(slice({"history", "Hard ones"})).out, HasSubstr("renamed"));
  const RunResult report = run({"report", "--table", table, "--store", store,
                                "--org", "acme", "--out", out});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_THAT(ReadFile(out), HasSubstr("Hard ones"));
  // A change cannot be made, and says why.
  for (const auto& args :
       {slice({"create", "--name", "Other", "--where", "fp >= 2"}),
        slice({"snapshot", "Hard ones", "--table", table}),
        slice({"check", "--table", table, "--snapshot"})}) {
    SCOPED_TRACE(absl::StrJoin(args, " "));
    const RunResult r = run(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.error_line(),
                AllOf(HasSubstr(store), HasSubstr("cannot be opened for "
                                                  "writing")));
  }
  EXPECT_EQ(ReadFile(store), before);
  EXPECT_FALSE(Exists(store + "-wal"));
  EXPECT_FALSE(Exists(store + "-shm"));
  chmod(dir.c_str(), 0755);
  chmod(store.c_str(), 0644);
  for (const std::string& path : {store, table, out}) std::remove(path.c_str());
  rmdir(dir.c_str());
  rmdir(out_dir.c_str());
}

// A command that only reads creates no store file: a missing one holds no
// slices.
TEST(CliReadOnlyStoreTest, ReadCommandsCreateNoStore) {
  const std::string missing = TempPath("never_created.db");
  const RunResult list =
      RunCli({"slice", "--store", missing, "--org", "acme", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "");
  const RunResult show =
      RunCli({"slice", "--store", missing, "--org", "acme", "show", "x1x"});
  EXPECT_EQ(show.exit_code, 1);
  EXPECT_THAT(show.error_line(), HasSubstr("has no slice"));
  EXPECT_FALSE(Exists(missing));
}

class CliSliceTableTest : public CliSliceTest {
 protected:
  void SetUp() override {
    const RunResult r =
        RunCli({"generate", "--rows", "600", "--seed", "5", "--out", table_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void TearDown() override {
    std::remove(table_.c_str());
    CliSliceTest::TearDown();
  }
  std::string table_ = TempPath("table.csv");
};

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST_F(CliSliceTableTest, ExplorePagesThroughTheSliceInItsOrder) {
  Ok({"create", "--name", "confident fps", "--where",
      "fp >= 1 AND confidence > 0.5", "--order-by", "confidence", "desc"});
  const RunResult query = RunCli({"query", "--table", table_, "--where",
                                  "fp >= 1 AND confidence > 0.5", "--order-by",
                                  "confidence", "desc"});
  ASSERT_EQ(query.exit_code, 0) << query.err;
  const std::vector<std::string> expected = Lines(query.out);
  ASSERT_GT(expected.size(), 20u);

  const RunResult ids = Slice({"ids", "Confident FPs", "--table", table_});
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  EXPECT_EQ(Lines(ids.out), expected);

  // Page through with NDJSON, 7 rows a page, following the cursors.
  std::vector<std::string> paged;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    std::vector<std::string> args = {"explore",  "confident fps", "--table",
                                     table_,     "--limit",       "7",
                                     "--format", "ndjson"};
    if (!cursor.empty()) {
      args.push_back("--cursor");
      args.push_back(cursor);
    }
    const RunResult r = Slice(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const std::string& line : Lines(r.out)) {
      paged.push_back(nlohmann::json::parse(line)["data_row_id"]);
    }
    EXPECT_THAT(
        r.err, HasSubstr(absl::StrCat("summary: rows=", expected.size(), " ")));
    const std::vector<std::string> err = Lines(r.err);
    ASSERT_THAT(err, SizeIs(2));
    ASSERT_THAT(err[1], StartsWith("next_cursor:"));
    cursor = err[1].substr(std::string("next_cursor:").size());
    if (!cursor.empty()) cursor = cursor.substr(1);
    if (cursor.empty()) break;
    EXPECT_THAT(Lines(r.out), SizeIs(7));
  }
  EXPECT_EQ(paged, expected);

  // CSV and JSON pages hold the same first rows.
  const RunResult csv =
      Slice({"explore", "confident fps", "--table", table_, "--limit", "3"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::vector<std::string> csv_lines = Lines(csv.out);
  ASSERT_THAT(csv_lines, SizeIs(4));
  EXPECT_THAT(csv_lines[0], StartsWith("data_row_id,"));
  EXPECT_THAT(csv_lines[1], StartsWith(expected[0] + ","));
  const RunResult json = Slice({"explore", "confident fps", "--table", table_,
                                "--limit", "3", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json rows = nlohmann::json::parse(json.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2]["data_row_id"], expected[2]);
}

TEST_F(CliSliceTableTest, ExploreAndIdsReportBadInput) {
  Ok({"create", "--name", "no such column", "--where", "nosuch >= 1"});
  Ok({"create", "--name", "fine", "--where", "fp >= 1"});
  ExpectFails({"explore", "no such column", "--table", table_}, 1, "nosuch");
  ExpectFails({"ids", "no such column", "--table", table_}, 1, "nosuch");
  ExpectFails({"explore", "fine", "--table", TempPath("missing.csv")}, 1,
              "missing.csv");
  ExpectFails({"explore", "fine", "--table", table_, "--cursor", "garbage"}, 1,
              "cursor");
  ExpectFails({"explore", "missing slice", "--table", table_}, 1,
              "no slice with the id or name");
  ExpectFails({"explore", "fine", "--table", table_, "--format", "xml"}, 2,
              "--format must be csv, json or ndjson");
  ExpectFails({"explore", "fine", "--table", table_, "--limit", "0"}, 2,
              "--limit needs an integer");
  ExpectFails({"explore", "fine"}, 2, "needs --table");
  ExpectFails({"ids", "fine", "--table", table_, "--limit", "3"}, 2,
              "unknown flag '--limit'");
}

TEST_F(CliSliceTableTest, AutoListsTheAutoSlicesWithCountsAndTopRows) {
  const RunResult fps =
      RunCli({"query", "--table", table_, "--where", "fp >= 1", "--count"});
  ASSERT_EQ(fps.exit_code, 0) << fps.err;
  const RunResult low_conf = RunCli(
      {"query", "--table", table_, "--order-by", "confidence", "--limit", "2"});
  ASSERT_EQ(low_conf.exit_code, 0) << low_conf.err;
  // No --store or --org needed: auto reads only the table.
  const RunResult r =
      RunCli({"slice", "auto", "--table", table_, "--limit", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string count = Lines(fps.out)[0];
  EXPECT_THAT(r.out,
              HasSubstr(absl::StrCat(
                  "False positives [fp >= 1] by fp desc: ", count, " rows\n")));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat(
                         "Candidate mislabels [fp >= 1] by confidence desc: ",
                         count, " rows\n")));
  const std::vector<std::string> lowest = Lines(low_conf.out);
  EXPECT_THAT(r.out,
              HasSubstr(absl::StrCat(
                  "Low confidence [confidence IS NOT NULL] by confidence asc: "
                  "600 rows\n  ",
                  lowest[0], "\n  ", lowest[1], "\n")));
  EXPECT_THAT(Lines(r.out), SizeIs(9 * 3));
  const RunResult bad = RunCli({"slice", "auto"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("needs --table"));
}

}  // namespace
}  // namespace slicekit
