// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Runs `slicekit errors` and `slicekit label-issues` (SLICEKIT_CLI_PATH) on
// the COCO fixtures: TIDE against tidecv's committed answers
// (tests/data/tide), the confusion matrix's sums, the JSON shapes, flags.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/run_program.h"

namespace slicekit {
namespace {

using ::slicekit::testing::ReadFile;
using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;
using ::testing::HasSubstr;

std::string DataPath(const std::string& dir, const std::string& name) {
  return absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/", dir, "/", name);
}

RunResult RunCommand(const std::string& command, const std::string& fixture,
                     std::vector<std::string> args) {
  std::vector<std::string> all = {command, "--gt", DataPath(fixture, "gt.json"),
                                  "--pred", DataPath(fixture, "dets.json")};
  all.insert(all.end(), args.begin(), args.end());
  return RunProgram(SLICEKIT_CLI_PATH, all);
}

nlohmann::json OracleEntry(const std::string& fixture, const std::string& set) {
  const nlohmann::json all =
      nlohmann::json::parse(ReadFile(DataPath("tide", "oracle.json")));
  for (const auto& e : all) {
    if (e["fixture"] == fixture && e["set"] == set) return e;
  }
  ADD_FAILURE() << fixture << " " << set;
  return {};
}

void ExpectTide(const nlohmann::json& got, const nlohmann::json& want) {
  EXPECT_NEAR(got["ap50"].get<double>(), want["ap"].get<double>(), 1e-6);
  const char* kMain[][2] = {{"cls", "Cls"},   {"loc", "Loc"}, {"both", "Both"},
                            {"dupe", "Dupe"}, {"bkg", "Bkg"}, {"miss", "Miss"}};
  for (const auto& [ours, theirs] : kMain) {
    EXPECT_NEAR(got["main"][ours].get<double>(),
                want["main"][theirs].get<double>(), 1e-6)
        << ours;
  }
  EXPECT_NEAR(got["special"]["false_pos"].get<double>(),
              want["special"]["FalsePos"].get<double>(), 1e-6);
  EXPECT_NEAR(got["special"]["false_neg"].get<double>(),
              want["special"]["FalseNeg"].get<double>(), 1e-6);
}

TEST(CliErrorsTest, JsonForAllImagesEqualsTidecvAndSumsAddUp) {
  const RunResult r = RunCommand("errors", "coco_small", {"--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json got = nlohmann::json::parse(r.out);
  ExpectTide(got["tide"], OracleEntry("coco_small", "all"));
  const auto& labels = got["confusion"]["labels"];
  const auto& columns = got["confusion"]["columns"];
  const auto& matrix = got["confusion"]["matrix"];
  ASSERT_EQ(labels.back(), "background");
  ASSERT_EQ(columns.back(), "missed");
  ASSERT_EQ(matrix.size(), labels.size());
  // Each class's row sums to its regular ground truths in gt.json.
  const nlohmann::json gt =
      nlohmann::json::parse(ReadFile(DataPath("coco_small", "gt.json")));
  std::map<int64_t, std::string> names;
  for (const auto& c : gt["categories"]) names[c["id"]] = c["name"];
  std::map<std::string, int64_t> regular;
  for (const auto& a : gt["annotations"]) {
    if (a.value("iscrowd", 0) == 0) ++regular[names[a["category_id"]]];
  }
  for (size_t k = 0; k + 1 < labels.size(); ++k) {
    int64_t sum = 0;
    for (const auto& v : matrix[k]) sum += v.get<int64_t>();
    EXPECT_EQ(sum, regular[labels[k].get<std::string>()]) << labels[k];
  }
  EXPECT_EQ(got["calibration"]["bins"].size(), 15u);
  EXPECT_TRUE(got["calibration"]["ece"].is_number());
  EXPECT_TRUE(got["calibration"]["per_class"].contains("person"));
}

TEST(CliErrorsTest, WhereGivesTheFilteredImagesTide) {
  const RunResult r = RunCommand(
      "errors", "coco_ap", {"--where", "weather = 'fog'", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json got = nlohmann::json::parse(r.out);
  const nlohmann::json want = OracleEntry("coco_ap", "fog");
  EXPECT_EQ(got["images"], want["image_ids"].size());
  ExpectTide(got["tide"], want);
}

TEST(CliErrorsTest, IouFlagsReachTide) {
  const RunResult r = RunCommand("errors", "coco_ap",
                                 {"--iou", "0.75", "--background-iou", "0.2",
                                  "--bins", "7", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json got = nlohmann::json::parse(r.out);
  ExpectTide(got["tide"], OracleEntry("coco_ap", "all_fg75_bg20"));
  EXPECT_EQ(got["calibration"]["bins"].size(), 7u);
}

TEST(CliErrorsTest, SavedSliceGivesItsImages) {
  const std::string store = TempPath("errors_store.db");
  const RunResult created = RunProgram(
      SLICEKIT_CLI_PATH, {"slice", "--store", store, "--org", "acme", "create",
                          "--name", "Drone", "--where", "dataset = 'drone'"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const RunResult r = RunCommand("errors", "coco_small",
                                 {"--slice", "drone", "--store", store, "--org",
                                  "acme", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectTide(nlohmann::json::parse(r.out)["tide"],
             OracleEntry("coco_small", "drone"));
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove(absl::StrCat(store, suffix).c_str());
  }
}

TEST(CliErrorsTest, TextNamesEachPart) {
  const RunResult r = RunCommand("errors", "coco_small", {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("TIDE (dAP in AP points), AP50 50.36"));
  EXPECT_THAT(r.out, HasSubstr("confusion matrix"));
  EXPECT_THAT(r.out, HasSubstr("calibration: ECE"));
}

TEST(CliErrorsTest, BadFlagsAreUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--iou", "2"}, "--iou needs a number in [0.01, 1], not '2'"},
      {{"--bins", "0"}, "--bins needs a whole number in [1, 1000], not '0'"},
      {{"--confidence", "x"}, "--confidence needs a number in [0, 1]"},
      {{"--format", "xml"}, "--format must be text or json, not 'xml'"},
      {{"--where", "fp >= 1", "--slice", "x"}, "not both"},
      {{"--slice", "x"}, "--slice needs --store STORE and --org ORG"},
  };
  for (const Case& c : cases) {
    const RunResult r = RunCommand("errors", "coco_small", c.args);
    EXPECT_EQ(r.exit_code, 2) << c.message;
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
  // A background IoU at or above the foreground is the library's error.
  const RunResult r = RunCommand("errors", "coco_small",
                                 {"--iou", "0.3", "--background-iou", "0.4"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("background IoU 0.4"));
}

TEST(CliLabelIssuesTest, JsonIsHighestScoreFirstWithKinds) {
  const RunResult r = RunCommand("label-issues", "coco_small",
                                 {"--top", "20", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json got = nlohmann::json::parse(r.out);
  const auto& issues = got["issues"];
  ASSERT_EQ(issues.size(), 20u);
  for (size_t i = 0; i < issues.size(); ++i) {
    const auto& issue = issues[i];
    const std::string kind = issue["kind"];
    EXPECT_TRUE(kind == "swapped" || kind == "overlooked" ||
                kind == "badly_located")
        << kind;
    EXPECT_EQ(issue["annotation_id"].is_null(), kind == "overlooked");
    EXPECT_TRUE(issue["image_id"].is_number_integer());
    EXPECT_GE(issue["prediction"]["score"].get<double>(), 0.5);
    if (i > 0) {
      EXPECT_LE(issue["score"], issues[i - 1]["score"]);
    }
  }
}

TEST(CliLabelIssuesTest, ThresholdFlagsNarrowTheList) {
  auto count = [](std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json"});
    const RunResult r = RunCommand("label-issues", "coco_small", args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["issues"].size();
  };
  const size_t all = count({});
  EXPECT_GT(all, 0u);
  EXPECT_LT(count({"--min-confidence", "0.9"}), all);
  EXPECT_GT(count({"--min-confidence", "0.2"}), all);
  EXPECT_NE(count({"--overlap-iou", "0.3"}), all);
  EXPECT_NE(count({"--match-iou", "0.7"}), all);
  const RunResult where =
      RunCommand("label-issues", "coco_small",
                 {"--where", "dataset = 'drone'", "--format", "json"});
  ASSERT_EQ(where.exit_code, 0) << where.err;
  EXPECT_LT(nlohmann::json::parse(where.out)["issues"].size(), all);
  const RunResult bad =
      RunCommand("label-issues", "coco_small", {"--overlap-iou", "0.6"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("overlap IoU 0.6"));
}

}  // namespace
}  // namespace slicekit
