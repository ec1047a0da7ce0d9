// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Runs `slicekit discover` (SLICEKIT_CLI_PATH) on a CSV with a planted
// slice, and saves what it finds into a slice store.
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

RunResult Cli(const std::vector<std::string>& args) {
  return RunProgram(SLICEKIT_CLI_PATH, args);
}

class CliDiscoverTest : public ::testing::Test {
 protected:
  // 6000 rows, columns weather/road/light/camera (3 values each) and
  // width (int); rows with weather = fog AND road = wet AND light = night
  // err five times as often.
  void SetUp() override {
    table_ = TempPath("discover.csv");
    store_ = TempPath("discover.db");
    std::ofstream out(table_);
    out << "data_row_id,weather,road,light,camera,width,fp,fn\n";
    std::mt19937 rng(17);
    const char* kWeather[] = {"sun", "fog", "rain"};
    const char* kRoad[] = {"dry", "wet", "snow"};
    const char* kLight[] = {"day", "dusk", "night"};
    const char* kCamera[] = {"a", "b", "c"};
    for (int r = 0; r < 6000; ++r) {
      const int w = rng() % 3, d = rng() % 3, l = rng() % 3, c = rng() % 3;
      const bool planted = w == 1 && d == 1 && l == 2;
      std::bernoulli_distribution trial(planted ? 0.6 : 0.12);
      int errors = 0;
      for (int i = 0; i < 4; ++i) errors += trial(rng);
      out << "r" << r << "," << kWeather[w] << "," << kRoad[d] << ","
          << kLight[l] << "," << kCamera[c] << "," << 640 + 160 * (rng() % 4)
          << "," << errors / 2 << "," << errors - errors / 2 << "\n";
    }
  }
  void TearDown() override {
    std::remove(table_.c_str());
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove(absl::StrCat(store_, suffix).c_str());
    }
  }
  std::string table_;
  std::string store_;
};

TEST_F(CliDiscoverTest, PrintsThePlantedSliceFirst) {
  const RunResult r = Cli({"discover", "--table", table_, "--error", "fp + fn",
                           "--max-predicates", "3", "--top", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "rank\tsize\tmean_error\tscore\tfilter");
  const std::vector<std::string> top = absl::StrSplit(lines[1], '\t');
  ASSERT_EQ(top.size(), 5u);
  EXPECT_EQ(top[0], "1");
  EXPECT_EQ(top[4], "weather = 'fog' AND road = 'wet' AND light = 'night'");
  // The filter is ordinary: query counts the same rows.
  const RunResult count =
      Cli({"query", "--table", table_, "--where", top[4], "--count"});
  ASSERT_EQ(count.exit_code, 0) << count.err;
  EXPECT_EQ(count.out, top[1] + "\n");
  EXPECT_THAT(r.err, MatchesRegex("slicekit discover: 6000 rows \\(0 without "
                                  "an error\\), average error .*, 5 features, "
                                  "16 predicates; evaluated [0-9]+ slices of "
                                  "[0-9]+ \\(exhaustive\\) in .* ms\n"));
}

TEST_F(CliDiscoverTest, SavesEachSliceAndRefusesTakenNames) {
  const std::vector<std::string> args = {
      "discover",  "--table",   table_,  "--top",     "3",
      "--save-to", store_,      "--org", "acme",      "--feature",
      "weather",   "--feature", "road",  "--feature", "light"};
  const RunResult r = Cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "rank\tsize\tmean_error\tscore\tfilter\tid");
  const RunResult list = Cli({"slice", "--store", store_, "--org", "acme",
                              "list", "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const nlohmann::json saved = nlohmann::json::parse(list.out);
  ASSERT_EQ(saved.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const std::vector<std::string> f = absl::StrSplit(lines[1 + i], '\t');
    ASSERT_EQ(f.size(), 6u);
    EXPECT_EQ(saved[i]["name"], absl::StrCat("Discovered ", i + 1));
    EXPECT_EQ(saved[i]["where"], f[4]);
    EXPECT_EQ(saved[i]["id"], f[5]);
    EXPECT_THAT(saved[i]["description"].get<std::string>(),
                HasSubstr(absl::StrCat("Discovered: ", f[1], " rows")));
  }
  // Again: the names are taken, and nothing more is saved.
  const RunResult again = Cli(args);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.error_line(),
            "slicekit: org \"acme\" already has a slice named \"Discovered "
            "1\" (nothing saved)");
  const RunResult list_again = Cli({"slice", "--store", store_, "--org", "acme",
                                    "list", "--format", "json"});
  EXPECT_EQ(list_again.out, list.out);
  // Another prefix is fine.
  std::vector<std::string> other = args;
  other.insert(other.end(), {"--name-prefix", "Fog check"});
  EXPECT_EQ(Cli(other).exit_code, 0);
}

TEST_F(CliDiscoverTest, BadArgumentsAndInputs) {
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, 2, "discover needs --table FILE"},
      {{"--table", table_, "--top", "0"},
       2,
       "--top needs an integer in [1, 100000], not '0'"},
      {{"--table", table_, "--alpha", "2"},
       2,
       "--alpha needs a number in [0, 1], not '2'"},
      {{"--table", table_, "--max-predicates", "x"},
       2,
       "--max-predicates needs an integer in [1, 8], not 'x'"},
      {{"--table", table_, "--save-to", store_},
       2,
       "--save-to STORE and --org ORG go together"},
      {{"--table", table_, "--error", "fp +"},
       1,
       "error expression: at 4: expected a column"},
      {{"--table", table_, "--error", "fp - 3"}, 1, "is negative"},
      {{"--table", table_, "--feature", "wether"},
       1,
       "unknown column 'wether' (did you mean 'weather'?)"},
      {{"--table", "/nonexistent.csv"}, 1, "/nonexistent.csv"},
      {{"--table", table_, "--save-to", store_, "--org", "acme",
        "--name-prefix", ""},
       1,
       "slice name \" 1\": name has 1 characters; the minimum is 3"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"discover"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const RunResult r = Cli(args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.message << "\n" << r.err;
    EXPECT_THAT(r.error_line(), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace slicekit
