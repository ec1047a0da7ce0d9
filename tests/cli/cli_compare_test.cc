// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Runs `slicekit compare` (SLICEKIT_CLI_PATH) on the COCO parity set: a
// run against itself, against a degraded copy, its text and JSON output,
// exit statuses, metrics tables and every kind of bad input; and `slicekit
// report --compare-base`.
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/report/xml.h"
#include "tests/testing/run_program.h"

namespace slicekit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

RunResult RunCli(const std::vector<std::string>& args) {
  return RunProgram(SLICEKIT_CLI_PATH, args);
}

std::string Data(const char* name) {
  return absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_small/", name);
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  ASSERT_TRUE(file.flush());
}

class CliCompareTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    worse_ = new std::string(TempPath("worse.json"));
    store_ = new std::string(TempPath("compare.db"));
    // The new run: the handheld images lose every other detection and
    // the rest are misplaced by 60% of their width (true positives become
    // false positives and negatives); other images keep theirs.
    nlohmann::json dets = nlohmann::json::parse(ReadFile(Data("dets.json")));
    const nlohmann::json gt = nlohmann::json::parse(ReadFile(Data("gt.json")));
    std::set<int64_t> handheld;
    for (const auto& image : gt["images"]) {
      if (image["dataset"] == "handheld") {
        handheld.insert(image["id"].get<int64_t>());
      }
    }
    nlohmann::json worse = nlohmann::json::array();
    size_t i = 0;
    for (nlohmann::json d : dets) {
      if (handheld.count(d["image_id"].get<int64_t>()) > 0) {
        if (i++ % 2 == 0) continue;
        d["bbox"][0] =
            d["bbox"][0].get<double>() + 0.6 * d["bbox"][2].get<double>();
      }
      worse.push_back(d);
    }
    Write(*worse_, worse.dump());
    const RunResult created =
        RunCli({"slice", "--store", *store_, "--org", "acme", "create",
                "--name", "Handheld", "--where", "dataset = 'handheld'"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }
  static void TearDownTestSuite() {
    std::remove(worse_->c_str());
    std::remove(store_->c_str());
    delete worse_;
    delete store_;
  }

  static RunResult Compare(const std::string& base, const std::string& fresh,
                           std::vector<std::string> extra) {
    std::vector<std::string> args = {"compare", "--gt",        Data("gt.json"),
                                     "--base",  base,          "--new",
                                     fresh,     "--bootstrap", "200"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args);
  }

  static std::string* worse_;
  static std::string* store_;
};
std::string* CliCompareTest::worse_ = nullptr;
std::string* CliCompareTest::store_ = nullptr;

TEST_F(CliCompareTest, ARunAgainstItselfIsNoChangeAndExitsZero) {
  const RunResult r = Compare(
      Data("dets.json"), Data("dets.json"),
      {"--store", *store_, "--org", "acme", "--slice", "Handheld", "--where",
       "split = 'val'", "--fail-on-regression", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["base"], Data("dets.json"));
  EXPECT_EQ(j["options"]["bootstrap"], 200);
  EXPECT_EQ(j["options"]["confidence"], 0.95);
  ASSERT_THAT(j["slices"], SizeIs(3 * 6));  // all data, Handheld, the where
  EXPECT_EQ(j["slices"][0]["name"], "all data");
  EXPECT_EQ(j["slices"][0]["filter"], "");
  EXPECT_EQ(j["slices"][0]["metric"], "ap");
  EXPECT_EQ(j["slices"][6]["name"], "Handheld");
  EXPECT_EQ(j["slices"][6]["filter"], "dataset = 'handheld'");
  EXPECT_EQ(j["slices"][12]["name"], "split = 'val'");
  for (const auto& s : j["slices"]) {
    SCOPED_TRACE(s.dump());
    EXPECT_EQ(s["delta"], 0.0);
    EXPECT_EQ(s["base"], s["new"]);
    EXPECT_EQ(s["ci"], nlohmann::json::array({0.0, 0.0}));
    EXPECT_EQ(s["q_value"], 1.0);
    EXPECT_EQ(s["verdict"], "no change");
    for (const char* key : {"name", "filter", "metric", "images", "base", "new",
                            "delta", "ci", "p_value", "q_value", "verdict"}) {
      EXPECT_TRUE(s.contains(key)) << key;
    }
  }
}

TEST_F(CliCompareTest, ARegressionExitsThreeWithFailOnRegression) {
  const RunResult r = Compare(
      Data("dets.json"), *worse_,
      {"--store", *store_, "--org", "acme", "--metric", "ap", "--metric",
       "recall", "--fail-on-regression", "--format", "json"});
  ASSERT_EQ(r.exit_code, 3) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_THAT(j["slices"], SizeIs(2 * 2));
  const auto& handheld_ap = j["slices"][2];
  EXPECT_EQ(handheld_ap["name"], "Handheld");
  EXPECT_EQ(handheld_ap["metric"], "ap");
  EXPECT_EQ(handheld_ap["verdict"], "regression");
  EXPECT_LT(handheld_ap["delta"].get<double>(), -0.05);
  EXPECT_LT(handheld_ap["ci"][1].get<double>(), 0);
  EXPECT_LE(handheld_ap["q_value"].get<double>(), 0.05);
  // Without --fail-on-regression the same comparison exits 0.
  EXPECT_EQ(Compare(Data("dets.json"), *worse_, {"--metric", "ap"}).exit_code,
            0);
}

TEST_F(CliCompareTest, TextIsATablePerMetric) {
  const RunResult r =
      Compare(Data("dets.json"), *worse_,
              {"--store", *store_, "--org", "acme", "--metric", "ap50",
               "--metric", "f1", "--threads", "2", "--discover"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out,
              StartsWith(absl::StrCat("base: ", Data("dets.json"),
                                      "  new: ", *worse_, "  images: 300\n")));
  EXPECT_THAT(r.out, HasSubstr("\nap50\n  slice "));
  EXPECT_THAT(r.out, HasSubstr("\nf1\n  slice "));
  EXPECT_THAT(r.out, HasSubstr("\n  all data "));
  EXPECT_THAT(r.out, HasSubstr("\n  Handheld "));
  EXPECT_THAT(r.out, HasSubstr("  regression\n"));
  EXPECT_THAT(r.out, HasSubstr("where the new run errs more"));
  EXPECT_THAT(r.out, HasSubstr("dataset = 'handheld'"));
}

TEST_F(CliCompareTest, TwoMetricsTablesGiveRates) {
  const std::string a = TempPath("base.csv"), b = TempPath("new.csv");
  ASSERT_EQ(RunCli({"eval", "--gt", Data("gt.json"), "--pred",
                    Data("dets.json"), "--out", a})
                .exit_code,
            0);
  ASSERT_EQ(
      RunCli({"eval", "--gt", Data("gt.json"), "--pred", *worse_, "--out", b})
          .exit_code,
      0);
  const RunResult r =
      RunCli({"compare", "--base-table", a, "--new-table", b, "--bootstrap",
              "100", "--where", "dataset = 'handheld'", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_THAT(j["slices"], SizeIs(2 * 3));
  EXPECT_EQ(j["slices"][0]["metric"], "precision");
  EXPECT_EQ(j["slices"][5]["metric"], "f1");
  EXPECT_EQ(j["slices"][4]["verdict"], "regression");  // handheld recall
  const RunResult ap = RunCli(
      {"compare", "--base-table", a, "--new-table", b, "--metric", "ap"});
  EXPECT_EQ(ap.exit_code, 1);
  EXPECT_THAT(ap.err, HasSubstr("metric ap needs model runs"));
  std::remove(a.c_str());
  std::remove(b.c_str());
}

// --iou-type segm: both runs matched on their masks (tests/data/coco_segm),
// each run's AP on all data being pycocotools' segm AP of its file.
TEST_F(CliCompareTest, IouTypeSegmComparesMasks) {
  const std::string dir = absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_segm/");
  const nlohmann::json oracle =
      nlohmann::json::parse(ReadFile(dir + "oracle.json"));
  const RunResult r = RunCli(
      {"compare", "--gt", dir + "gt.json", "--base", dir + "dets.json", "--new",
       dir + "dets_bbox.json", "--iou-type", "segm", "--metric", "ap",
       "--bootstrap", "50", "--min-images", "1", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["options"]["iou_type"], "segm");
  const nlohmann::json& all = j["slices"][0];
  ASSERT_EQ(all["name"], "all data");
  ASSERT_EQ(all["metric"], "ap");
  EXPECT_NEAR(all["base"].get<double>(),
              oracle["dets.json"]["stats"][0].get<double>(), 1e-9);
  EXPECT_NEAR(all["new"].get<double>(),
              oracle["dets_bbox.json"]["stats"][0].get<double>(), 1e-9);
  // The same files matched on boxes give other numbers.
  const RunResult boxes = RunCli(
      {"compare", "--gt", dir + "gt.json", "--base", dir + "dets.json", "--new",
       dir + "dets_bbox.json", "--metric", "ap", "--bootstrap", "50",
       "--min-images", "1", "--format", "json"});
  ASSERT_EQ(boxes.exit_code, 0) << boxes.err;
  const nlohmann::json b = nlohmann::json::parse(boxes.out);
  EXPECT_EQ(b["options"]["iou_type"], "bbox");
  EXPECT_NE(b["slices"][0]["base"], all["base"]);
  const RunResult bad = RunCli({"compare", "--gt", dir + "gt.json", "--base",
                                dir + "dets.json", "--new", dir + "dets.json",
                                "--iou-type", "mask"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("mask"));
}

TEST_F(CliCompareTest, BadInputIsAClearError) {
  // Runs over different images: two NDJSON runs, one without row "b".
  const std::string one = TempPath("one.ndjson"), two = TempPath("two.ndjson");
  Write(one, "{\"data_row_id\": \"a\"}\n{\"data_row_id\": \"b\"}\n");
  Write(two, "{\"data_row_id\": \"a\"}\n");
  RunResult r = RunCli({"compare", "--base", one, "--new", two});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("row \"b\" is in the base run only"));
  std::remove(one.c_str());
  std::remove(two.c_str());

  r = Compare(Data("dets.json"), *worse_,
              {"--store", *store_, "--org", "acme", "--slice", "Nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("org \"acme\" has no slice with the id or name "
                               "\"Nope\""));
  r = Compare(Data("dets.json"), *worse_, {"--metric", "mAP"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("slicekit: --metric: unknown metric 'mAP' "
                                "(the metrics: ap, ap50, ap75, precision, "
                                "recall, f1)\n"));
  r = Compare(Data("dets.json"), *worse_, {"--bootstrap", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("slicekit: --bootstrap needs an integer in "
                                "[1, 1000000], not '0'\n"));
  r = Compare(Data("dets.json"), *worse_, {"--confidence", "1.5"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("the confidence must be in (0, 1), got 1.5"));
  r = Compare(Data("dets.json"), *worse_, {"--where", "weather = 'x'"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("slice \"weather = 'x'\""));
  r = RunCli({"compare", "--base", Data("dets.json"), "--new", *worse_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("COCO results need --gt GT.json"));
  r = RunCli({"compare", "--gt", Data("gt.json"), "--base", Data("dets.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--base and --new go together"));
  r = Compare(Data("dets.json"), *worse_, {"--slice", "Handheld"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--slice needs --store and --org"));
}

TEST_F(CliCompareTest, ReportWithACompareBaseHasTheForestPlot) {
  const std::string out = TempPath("compare.html");
  const RunResult r =
      RunCli({"report", "--gt", Data("gt.json"), "--pred", *worse_,
              "--compare-base", Data("dets.json"), "--store", *store_, "--org",
              "acme", "--no-auto", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  absl::StatusOr<XmlDoc> doc = XmlDoc::Parse(ReadFile(out));
  ASSERT_TRUE(doc.ok()) << doc.status();
  const std::vector<xmlNodePtr> section =
      doc->Nodes("//section[@id='comparison']");
  ASSERT_THAT(section, SizeIs(1));
  const std::vector<xmlNodePtr> plots =
      doc->Nodes(".//svg:svg[svg:title='ap: new - base']", section[0]);
  ASSERT_THAT(plots, SizeIs(1));
  const std::vector<xmlNodePtr> rows =
      doc->Nodes(".//svg:g[@class='forest-row']", plots[0]);
  ASSERT_THAT(rows, SizeIs(2));
  EXPECT_EQ(XmlDoc::Attribute(rows[1], "data-series"), "Handheld");
  EXPECT_EQ(XmlDoc::Attribute(rows[1], "data-verdict"), "regression");
  EXPECT_THAT(doc->Nodes(".//svg:svg[svg:title='Per-class AP (all data): new "
                         "- base']",
                         section[0]),
              SizeIs(1));
  const RunResult no_gt = RunCli({"report", "--table", out, "--compare-base",
                                  Data("dets.json"), "--out", out});
  EXPECT_EQ(no_gt.exit_code, 2);
  EXPECT_THAT(no_gt.err, HasSubstr("--compare-base needs --gt and --pred"));
  std::remove(out.c_str());
}

TEST_F(CliCompareTest, HelpNamesTheCommand) {
  const RunResult r = RunCli({"help", "compare"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith("usage: slicekit compare "));
  const RunResult overview = RunCli({"help"});
  EXPECT_THAT(overview.out, HasSubstr("slicekit compare --gt GT.json"));
}

}  // namespace
}  // namespace slicekit::testing
