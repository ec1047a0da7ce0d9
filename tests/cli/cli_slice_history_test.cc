// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit slice` for slices over time (SLICEKIT_CLI_PATH): history and
// restore with --actor/--at, IN SLICE references, deleted slices, snapshots
// and diffs (checked against `slicekit query` on the same tables), alert
// rules and `check`'s exit status 3.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/run_program.h"

namespace slicekit {
namespace {

using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::vector<std::string> Fields(const std::string& line) {
  return absl::StrSplit(line, '\t');
}

class CliSliceHistoryTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const std::string& path : {store_, table_a_, table_b_}) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::remove(absl::StrCat(path, suffix).c_str());
      }
    }
  }
  RunResult Cli(const std::vector<std::string>& args) {
    return RunProgram(SLICEKIT_CLI_PATH, args);
  }
  RunResult Slice(std::vector<std::string> args) {
    std::vector<std::string> all = {"slice", "--store", store_, "--org",
                                    "acme"};
    all.insert(all.end(), args.begin(), args.end());
    return Cli(all);
  }
  // Runs a command that must succeed; returns its stdout.
  std::string Ok(const std::vector<std::string>& args) {
    const RunResult r = Slice(args);
    EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << ": " << r.err;
    return r.out;
  }
  std::string Id(const std::vector<std::string>& args) {
    const std::string out = Ok(args);
    EXPECT_THAT(out, MatchesRegex("sl_[0-9a-f]{16}\n"));
    return out.substr(0, out.size() - 1);
  }
  void ExpectFails(const std::vector<std::string>& args, int exit_code,
                   absl::string_view message) {
    const RunResult r = Slice(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.error_line(),
                ::testing::AllOf(StartsWith("slicekit: "), HasSubstr(message)));
  }
  // Two generated tables: b has a's rows and 2,000 more.
  void MakeTables() {
    ASSERT_EQ(
        Cli({"generate", "--rows", "8000", "--seed", "5", "--out", table_a_})
            .exit_code,
        0);
    ASSERT_EQ(
        Cli({"generate", "--rows", "10000", "--seed", "5", "--out", table_b_})
            .exit_code,
        0);
  }
  // `slicekit query` ids of `where` in `table`, as a set.
  std::set<std::string> QueryIds(const std::string& table,
                                 const std::string& where) {
    const RunResult r = Cli({"query", "--table", table, "--where", where});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::vector<std::string> lines = Lines(r.out);
    return {lines.begin(), lines.end()};
  }

  std::string store_ = TempPath("store.db");
  std::string table_a_ = TempPath("a.csv");
  std::string table_b_ = TempPath("b.csv");
};

TEST_F(CliSliceHistoryTest, HistoryAndRestore) {
  const std::string id =
      Id({"create", "--name", "Low recall", "--where", "recall < 0.5",
          "--actor", "ana", "--at", "2026-01-02"});
  Id({"update", "Low recall", "--where", "recall < 0.4", "--order-by", "recall",
      "--in-place", "--actor", "bob", "--at", "2026-01-03T10:00:00+02:00"});
  Id({"rename", "low RECALL", "Very low recall"});
  const std::vector<std::string> history =
      Lines(Ok({"history", "Very low recall"}));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_THAT(Fields(history[0]),
              ElementsAre("v1", "created", "2026-01-02T00:00:00.000000Z", "ana",
                          "Low recall", "recall < 0.5", "", ""));
  EXPECT_THAT(
      Fields(history[1]),
      ElementsAre("v2", "filter_updated", "2026-01-03T08:00:00.000000Z", "bob",
                  "Low recall", "recall < 0.4", "recall asc", ""));
  EXPECT_EQ(Fields(history[2])[1], "renamed");
  EXPECT_EQ(Fields(history[2])[4], "Very low recall");
  // Restore: the id on stdout, what happened on stderr.
  const RunResult restored =
      Slice({"restore", id, "--version", "1", "--actor", "ana"});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(restored.out, id + "\n");
  EXPECT_EQ(restored.err,
            "restored version 1 of \"Low recall\" as version 4\n");
  const nlohmann::json json =
      nlohmann::json::parse(Ok({"history", "low recall", "--format", "json"}));
  ASSERT_EQ(json.size(), 4u);
  EXPECT_EQ(json[3]["change"], "restored");
  EXPECT_EQ(json[3]["restored_from"], 1);
  EXPECT_EQ(json[3]["where"], "recall < 0.5");
  EXPECT_EQ(json[3]["actor"], "ana");
  ExpectFails({"restore", id, "--version", "9"}, 1,
              "has no version 9; its history keeps versions 1 to 4");
  ExpectFails({"restore", id}, 2, "slice restore needs --version N");
  ExpectFails({"restore", id, "--version", "0"}, 2,
              "--version needs a positive integer, not '0'");
  ExpectFails({"rename", id, "xyz", "--at", "yesterday"}, 2,
              "--at needs a time such as 2026-01-31T12:00:00Z, not "
              "'yesterday'");
  ExpectFails({"show", id, "--actor", "ana"}, 2, "unknown flag '--actor'");
}

TEST_F(CliSliceHistoryTest, DeletedSlicesAndPurge) {
  const std::string id =
      Id({"create", "--name", "Gone soon", "--where", "tn > 1"});
  Id({"delete", "gone soon", "--actor", "zed"});
  const std::vector<std::string> deleted = Lines(Ok({"deleted"}));
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(Fields(deleted[0])[0], id);
  EXPECT_EQ(Fields(deleted[0])[1], "Gone soon");
  EXPECT_EQ(Fields(deleted[0])[3], "zed");
  // A deleted slice's history, by name or id.
  EXPECT_EQ(Lines(Ok({"history", "gone soon"})).size(), 2u);
  ExpectFails({"restore", id, "--version", "1"}, 1,
              "was deleted; its history is kept until purged");
  EXPECT_EQ(Ok({"purge", "Gone soon"}), id + "\n");
  EXPECT_EQ(Ok({"deleted"}), "");
  ExpectFails({"history", id}, 1, "has no history for slice");
  const std::string live =
      Id({"create", "--name", "Alive", "--where", "tn > 1"});
  ExpectFails({"purge", live}, 1, "is live; delete it before purging");
}

TEST_F(CliSliceHistoryTest, InSliceReferencesByNameKeptById) {
  MakeTables();
  Id({"create", "--name", "Confident FPs", "--where",
      "fp >= 1 AND confidence > 0.8"});
  const std::string hard = Id({"create", "--name", "Hard ones", "--where",
                               "IN SLICE 'confident fps' AND tp = 0"});
  Id({"rename", "Confident FPs", "Sure but wrong"});
  EXPECT_THAT(Ok({"show", hard}),
              HasSubstr("where: IN SLICE 'Sure but wrong' AND tp = 0\n"));
  // The same rows as the expanded filter.
  const RunResult ids = Slice({"ids", "Hard ones", "--table", table_a_});
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  const std::vector<std::string> lines = Lines(ids.out);
  EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()),
            QueryIds(table_a_, "fp >= 1 AND confidence > 0.8 AND tp = 0"));
  EXPECT_FALSE(lines.empty());
  ExpectFails(
      {"delete", "Sure but wrong"}, 1,
      absl::StrCat("is used by \"Hard ones\" (", hard, ") through IN SLICE"));
  ExpectFails({"update", "Sure but wrong", "--where", "IN SLICE 'hard ones'",
               "--in-place"},
              1,
              "IN SLICE references form a cycle: 'Sure but wrong' -> 'Hard "
              "ones' -> 'Sure but wrong'");
  ExpectFails({"create", "--name", "Dangling", "--where", "IN SLICE 'Nope'"}, 1,
              "IN SLICE 'Nope' (in slice 'Dangling'): org \"acme\" has no "
              "slice named \"Nope\"");
}

TEST_F(CliSliceHistoryTest, SnapshotsAndDiffs) {
  MakeTables();
  const std::string where = "fp >= 1 AND confidence > 0.7";
  Id({"create", "--name", "Confident FPs", "--where", where});
  ExpectFails({"diff", "Confident FPs"}, 1,
              "has 0 snapshot(s); diff needs two, or one and --table FILE");
  const RunResult first =
      Slice({"snapshot", "Confident FPs", "--table", table_a_, "--table-name",
             "run 1", "--at", "2026-02-01"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "1\n");
  EXPECT_THAT(first.err, MatchesRegex("snapshot 1 of \"Confident FPs\" \\(v1\\)"
                                      ": [0-9]+ rows, [0-9]+ bytes\n"));
  // Against the table now, before a second snapshot exists.
  const std::vector<std::string> live =
      Lines(Ok({"diff", "Confident FPs", "--table", table_b_}));
  EXPECT_THAT(live[1], StartsWith("to: table "));
  ASSERT_EQ(Ok({"snapshot", "Confident FPs", "--table", table_b_, "--at",
                "2026-03-01"}),
            "2\n");
  const std::vector<std::string> snapshots =
      Lines(Ok({"snapshots", "Confident FPs"}));
  ASSERT_EQ(snapshots.size(), 2u);
  EXPECT_THAT(
      Fields(snapshots[0]),
      ElementsAre("1", "2026-02-01T00:00:00.000000Z", "", "run 1", "v1",
                  ::testing::EndsWith(" rows"), ::testing::EndsWith(" bytes")));
  const std::set<std::string> in_a = QueryIds(table_a_, where);
  const std::set<std::string> in_b = QueryIds(table_b_, where);
  std::vector<std::string> entered, left;
  std::set_difference(in_b.begin(), in_b.end(), in_a.begin(), in_a.end(),
                      std::back_inserter(entered));
  std::set_difference(in_a.begin(), in_a.end(), in_b.begin(), in_b.end(),
                      std::back_inserter(left));
  ASSERT_FALSE(entered.empty());
  const std::vector<std::string> diff = Lines(Ok({"diff", "Confident FPs"}));
  EXPECT_THAT(diff[0], StartsWith("from: snapshot 1 (2026-02-01"));
  EXPECT_THAT(diff[1], StartsWith("to: snapshot 2 (2026-03-01"));
  EXPECT_EQ(diff[2], absl::StrCat("entered: ", entered.size()));
  EXPECT_EQ(diff[3], absl::StrCat("left: ", left.size()));
  EXPECT_EQ(diff[4], absl::StrCat("rows: ", in_a.size(), " -> ", in_b.size(),
                                  " (+", in_b.size() - in_a.size(), ")"));
  std::vector<std::string> plus;
  for (const std::string& line : diff) {
    if (line[0] == '+') plus.push_back(line.substr(1));
  }
  EXPECT_EQ(plus, entered);
  // The live diff said the same before the second snapshot existed.
  EXPECT_EQ(std::vector<std::string>(live.begin() + 2, live.end()),
            std::vector<std::string>(diff.begin() + 2, diff.end()));
  // --since picks the last snapshot taken at or before it.
  EXPECT_THAT(Lines(Ok({"diff", "Confident FPs", "--since",
                        "2026-02-15T00:00:00Z"}))[0],
              StartsWith("from: snapshot 1"));
  ExpectFails({"diff", "Confident FPs", "--since", "2026-01-01"}, 1,
              "has no snapshot taken at or before "
              "2026-01-01T00:00:00.000000Z");
  ExpectFails({"diff", "Confident FPs", "--since", "soon"}, 2,
              "--since needs a time");
  ExpectFails({"snapshot", "Confident FPs"}, 2,
              "slice snapshot needs --table FILE");
}

TEST_F(CliSliceHistoryTest, CheckExitsThreeWhenARuleFires) {
  MakeTables();
  Id({"create", "--name", "FPs", "--where", "fp >= 1"});
  Id({"create", "--name", "Nothing", "--where", "FALSE"});
  const size_t fps_a = QueryIds(table_a_, "fp >= 1").size();
  const size_t fps_b = QueryIds(table_b_, "fp >= 1").size();
  EXPECT_EQ(Ok({"alert", "FPs",
                absl::StrCat("size > ", fps_a,
                             "; new rows since last snapshot > 10")}),
            absl::StrCat("size > ", fps_a, "; new_rows > 10\n"));
  EXPECT_EQ(Ok({"alert", "Nothing", "precision < 0.6"}), "precision < 0.6\n");
  // Nothing fires on the first table; the check snapshots each slice.
  const RunResult quiet = Slice({"check", "--table", table_a_, "--snapshot"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out, absl::StrCat("ok\tFPs\tsize > ", fps_a, "\t", fps_a,
                                    "\nn/a\tFPs\tnew_rows > 10\tn/a\n"
                                    "n/a\tNothing\tprecision < 0.6\tn/a\n"));
  // More rows: both rules of FPs fire.
  const RunResult fired = Slice({"check", "--table", table_b_});
  EXPECT_EQ(fired.exit_code, 3) << fired.err;
  EXPECT_EQ(fired.out,
            absl::StrCat("fired\tFPs\tsize > ", fps_a, "\t", fps_b,
                         "\nfired\tFPs\tnew_rows > 10\t", fps_b - fps_a,
                         "\nn/a\tNothing\tprecision < 0.6\tn/a\n"));
  ExpectFails({"alert", "FPs", "size >> 3"}, 1,
              "alert rules at 6: expected a number after '>', not '> 3'");
  ExpectFails({"check"}, 2, "slice check needs --table FILE");
  ExpectFails({"check", "--table", table_a_, "--snapshot=yes"}, 2,
              "--snapshot takes no value");
  // Clearing the rules: nothing to check, exit 0.
  EXPECT_EQ(Ok({"alert", "FPs", ""}), "\n");
  EXPECT_EQ(Slice({"check", "--table", table_b_}).exit_code, 0);
}

TEST_F(CliSliceHistoryTest, UsageErrorsCreateNoStore) {
  const RunResult r = Slice({"history"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.error_line(), HasSubstr("slice history needs one SLICE"));
  EXPECT_FALSE(Exists(store_));
}

}  // namespace
}  // namespace slicekit
