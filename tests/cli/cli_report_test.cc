// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Runs `slicekit report` (SLICEKIT_CLI_PATH): the report of a CSV table
// with a store's slices, of COCO files, and every usage and input error.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/report/xml.h"
#include "tests/testing/run_program.h"

namespace slicekit::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

RunResult RunCli(const std::vector<std::string>& args) {
  return RunProgram(SLICEKIT_CLI_PATH, args);
}

std::string Data(const char* name) {
  return absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_small/", name);
}

class CliReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    table_ = new std::string(TempPath("metrics.csv"));
    store_ = new std::string(TempPath("slices.db"));
    const RunResult generated =
        RunCli({"generate", "--rows", "2000", "--seed", "3", "--out", *table_});
    ASSERT_EQ(generated.exit_code, 0) << generated.err;
    for (const std::vector<std::string>& spec :
         {std::vector<std::string>{"--name", "Confident <FPs> & co", "--where",
                                   "fp >= 1 AND confidence > 0.8", "--order-by",
                                   "confidence", "desc"},
          std::vector<std::string>{"--name", "Weather", "--where",
                                   "weather = 'rain'"}}) {
      std::vector<std::string> args = {"slice", "--store", *store_,
                                       "--org", "acme",    "create"};
      args.insert(args.end(), spec.begin(), spec.end());
      const RunResult created = RunCli(args);
      ASSERT_EQ(created.exit_code, 0) << created.err;
    }
  }
  static void TearDownTestSuite() {
    for (const std::string* path : {table_, store_}) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::remove(absl::StrCat(*path, suffix).c_str());
      }
      delete path;
    }
  }
  void TearDown() override { std::remove(out_.c_str()); }

  // Runs `report` and parses the report it wrote.
  XmlDoc Report(std::vector<std::string> args, const std::string& warning) {
    args.insert(args.begin(), "report");
    args.insert(args.end(), {"--out", out_});
    const RunResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, out_ + "\n");
    EXPECT_EQ(r.err, warning);
    absl::StatusOr<XmlDoc> doc = XmlDoc::Parse(ReadFile(out_));
    EXPECT_TRUE(doc.ok()) << doc.status();
    if (!doc.ok()) std::abort();
    return *std::move(doc);
  }

  // Expects `report args...` to fail with `code` and a first stderr line
  // holding `message`, writing no report.
  void ExpectFails(std::vector<std::string> args, int code,
                   const std::string& message) {
    args.insert(args.begin(), "report");
    const RunResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.error_line(),
                AllOf(StartsWith("slicekit: "), HasSubstr(message)));
    EXPECT_NE(access(out_.c_str(), F_OK), 0) << "a report was written";
  }

  static std::string* table_;
  static std::string* store_;
  const std::string out_ = TempPath("report.html");
};

std::string* CliReportTest::table_ = nullptr;
std::string* CliReportTest::store_ = nullptr;

constexpr char kWeatherWarning[] =
    "slicekit: warning: slice \"Weather\" does not apply to the table: "
    "unknown column 'weather'\n";

TEST_F(CliReportTest, ReportsTheStoresSlicesAndTheAutoSlices) {
  const XmlDoc doc =
      Report({"--table", *table_, "--store", *store_, "--org", "acme"},
             kWeatherWarning);
  EXPECT_EQ(doc.Text("/html/head/title"), "slicekit slice report");
  const std::vector<xmlNodePtr> sections =
      doc.Nodes("//section[@class='slice']");
  ASSERT_THAT(sections, SizeIs(2 + 9));  // by name, then the auto slices
  EXPECT_EQ(XmlDoc::Attribute(sections[0], "data-name"),
            "Confident <FPs> & co");
  EXPECT_EQ(XmlDoc::Attribute(sections[1], "data-name"), "Weather");
  EXPECT_THAT(doc.Nodes("//section[@id='slice-1']/p[@class='error']"),
              SizeIs(1));
  EXPECT_EQ(XmlDoc::Attribute(sections[2], "data-name"), "True positives");
  // The generated table has 2,000 rows; 10 on each first page by default.
  EXPECT_EQ(doc.Text("//section[@id='all-data']/@data-rows"), "2000");
  EXPECT_THAT(
      doc.Nodes("//section[@id='slice-0']//table[@class='rows']/tbody/tr"),
      SizeIs(10));
}

TEST_F(CliReportTest, ChosenSlicesOnlyAndOptions) {
  const XmlDoc doc =
      Report({"--table", *table_, "--store", *store_, "--org", "acme",
              "--slice", "confident <fps> & CO", "--no-auto", "--title",
              "Nightly", "--page-rows", "3", "--bins", "7", "--threads", "2"},
             "");
  EXPECT_EQ(doc.Text("/html/head/title"), "Nightly");
  ASSERT_THAT(doc.Nodes("//section[@class='slice']"), SizeIs(1));
  EXPECT_THAT(
      doc.Nodes("//section[@id='slice-0']//table[@class='rows']/tbody/tr"),
      SizeIs(3));
  EXPECT_THAT(doc.Nodes("//section[@id='slice-0']//svg:svg[svg:title='IoU']"
                        "/svg:g[@data-series='this slice']/svg:rect"),
              SizeIs(7));
}

TEST_F(CliReportTest, ReportsAModelRunFromCocoFiles) {
  const XmlDoc doc =
      Report({"--gt", Data("gt.json"), "--pred", Data("dets.json")}, "");
  EXPECT_THAT(doc.Text("//p[@id='run']"),
              StartsWith("Model run: 300 data rows, "));
  EXPECT_EQ(doc.Text("//section[@id='all-data']/@data-rows"), "300");
  // Per-class columns, so per-class charts.
  EXPECT_THAT(doc.Nodes("//section[@id='all-data']//svg:svg[svg:title='TP, "
                        "FP and FN per class']"),
              SizeIs(1));
  // Every one of the 9 auto slices has the 12 COCO stats beside all data's,
  // which are pycocotools' summarize() on these files (ap_oracle.json).
  EXPECT_THAT(doc.Nodes("//table[@class='coco']"), SizeIs(9));
  const nlohmann::json oracle =
      nlohmann::json::parse(std::ifstream(Data("summarize.json")));
  const std::vector<double> stats =
      oracle["all"]["stats"].get<std::vector<double>>();
  ASSERT_THAT(stats, SizeIs(12));
  for (int i = 0; i < 12; ++i) {
    const std::string value = doc.Text(
        absl::StrCat("//section[@id='slice-0']//table[@class='coco']/tbody/tr[",
                     i + 1, "]/td[@data-metric='all']/@data-value"));
    if (stats[i] < 0) {
      EXPECT_EQ(value, "") << i;
    } else {
      EXPECT_NEAR(std::stod(value), stats[i], 1e-12) << i;
    }
  }
  EXPECT_THAT(doc.Nodes("//svg:svg[svg:title='Precision-recall']"),
              Not(IsEmpty()));
}

// Why a slice fails, per slice: TIDE bars whose numbers are tidecv's for
// the slice's images (tests/data/tide), the confusion matrix as a heat map
// (a row per class and background), the reliability diagram.
TEST_F(CliReportTest, EachSliceShowsTideConfusionAndReliability) {
  const std::string store = TempPath("errors_report.db");
  const RunResult created =
      RunCli({"slice", "--store", store, "--org", "acme", "create", "--name",
              "Drone", "--where", "dataset = 'drone'"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const XmlDoc doc =
      Report({"--gt", Data("gt.json"), "--pred", Data("dets.json"), "--store",
              store, "--org", "acme", "--no-auto"},
             "");
  const nlohmann::json oracle = nlohmann::json::parse(
      std::ifstream(absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/tide/oracle.json")));
  nlohmann::json drone;
  for (const auto& e : oracle) {
    if (e["fixture"] == "coco_small" && e["set"] == "drone") drone = e;
  }
  ASSERT_FALSE(drone.is_null());
  const std::string slice = "//section[@id='slice-0']";
  EXPECT_NEAR(
      std::stod(doc.Text(slice + "//div[@data-chart='tide']/@data-ap50")),
      drone["ap"].get<double>(), 1e-6);
  EXPECT_NEAR(
      std::stod(doc.Text(slice + "//div[@data-chart='tide']/@data-loc")),
      drone["main"]["Loc"].get<double>(), 1e-6);
  EXPECT_THAT(doc.Nodes(slice + "//div[@data-chart='tide']//svg:svg"),
              SizeIs(1));
  // 6 classes and background; a column per class and missed.
  EXPECT_THAT(doc.Nodes(slice + "//table[@data-chart='confusion']/tbody/tr"),
              SizeIs(7));
  EXPECT_THAT(doc.Nodes(slice + "//table[@data-chart='confusion']/thead/tr/th"),
              SizeIs(8));
  const double ece =
      std::stod(doc.Text(slice + "//div[@data-chart='reliability']/@data-ece"));
  EXPECT_GT(ece, 0);
  EXPECT_LT(ece, 1);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove(absl::StrCat(store, suffix).c_str());
  }
}

// A saved slice of the COCO run's odd images, with two snapshots and a
// slice that uses it (IN SLICE): its AP is pycocotools' with params.imgIds
// set to those images (summarize.json), its history the snapshots' counts.
TEST_F(CliReportTest, SliceApEqualsPycocotoolsAndHistoryComesFromSnapshots) {
  const nlohmann::json oracle =
      nlohmann::json::parse(std::ifstream(Data("summarize.json")));
  std::vector<std::string> quoted;
  for (int64_t id : oracle["odd_image_ids"]["image_ids"]) {
    quoted.push_back(absl::StrCat("'", id, "'"));
  }
  const std::string store = TempPath("coco_slices.db");
  const std::string metrics = TempPath("coco_metrics.csv");
  const auto run_ok = [](const std::vector<std::string>& args) {
    const RunResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << ": " << r.err;
  };
  run_ok({"eval", "--gt", Data("gt.json"), "--pred", Data("dets.json"), "--out",
          metrics});
  const std::vector<std::string> slice = {"slice", "--store", store, "--org",
                                          "acme"};
  const auto slice_ok = [&](std::vector<std::string> args) {
    args.insert(args.begin(), slice.begin(), slice.end());
    run_ok(args);
  };
  slice_ok(
      {"create", "--name", "Odd images", "--where",
       absl::StrCat("data_row_id IN (", absl::StrJoin(quoted, ", "), ")")});
  slice_ok({"create", "--name", "Odd with FPs", "--where",
            "IN SLICE 'Odd images' AND fp >= 1"});
  slice_ok({"snapshot", "Odd images", "--table", metrics, "--at",
            "2026-01-01T00:00:00Z"});
  slice_ok({"snapshot", "Odd images", "--table", metrics, "--at",
            "2026-01-02T00:00:00Z"});

  const XmlDoc doc =
      Report({"--gt", Data("gt.json"), "--pred", Data("dets.json"), "--store",
              store, "--org", "acme", "--no-auto"},
             "");
  ASSERT_THAT(doc.Nodes("//section[@class='slice']"), SizeIs(2));
  ASSERT_EQ(doc.Text("//section[@id='slice-0']/@data-name"), "Odd images");
  const std::vector<double> expected =
      oracle["odd_image_ids"]["stats"].get<std::vector<double>>();
  ASSERT_THAT(expected, SizeIs(12));
  for (int i = 0; i < 12; ++i) {
    const std::string value = doc.Text(
        absl::StrCat("//section[@id='slice-0']//table[@class='coco']/tbody/tr[",
                     i + 1, "]/td[@data-metric='slice']/@data-value"));
    if (expected[i] < 0) {
      EXPECT_EQ(value, "") << i;
    } else {
      EXPECT_NEAR(std::stod(value), expected[i], 1e-9) << i;
    }
  }
  // Per-class AP over the slice, as pycocotools gave it per category.
  for (const auto& [name, ap] :
       oracle["odd_image_ids"]["ap_per_class_iou50_95_area_all_maxdets100"]
           .items()) {
    const std::string value = doc.Text(absl::StrCat(
        "//section[@id='slice-0']//table[@class='ap']/tbody/tr[td[1]='", name,
        "']/td[@data-metric='ap']/@data-value"));
    ASSERT_NE(value, "") << name;
    EXPECT_NEAR(std::stod(value), ap.get<double>(), 1e-9) << name;
  }
  // Two snapshots of 150 rows each; the slice using it has none.
  const std::vector<xmlNodePtr> history = doc.Nodes(
      "//section[@id='slice-0']//svg:svg[svg:title='Rows over time']");
  ASSERT_THAT(history, SizeIs(1));
  EXPECT_THAT(doc.Nodes(".//svg:path[@class='point']", history[0]), SizeIs(2));
  EXPECT_THAT(doc.Nodes("//section[@id='slice-1']//p[@data-empty='history']"),
              SizeIs(1));
  // The IN SLICE reference resolved: the slice applies.
  EXPECT_THAT(doc.Nodes("//section[@id='slice-1']/p[@class='error']"),
              IsEmpty());
  EXPECT_THAT(doc.Nodes("//section[@id='slice-1']//table[@class='coco']"),
              SizeIs(1));
  for (const std::string& path : {store, metrics}) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove(absl::StrCat(path, suffix).c_str());
    }
  }
}

TEST_F(CliReportTest, UsageErrors) {
  ExpectFails({"--table", *table_}, 2, "report needs --out FILE.html");
  ExpectFails({"--out", out_}, 2,
              "report needs --table FILE.csv or --gt and --pred");
  ExpectFails({"--table", *table_, "--out", out_, "--color"}, 2,
              "unknown flag '--color'");
  ExpectFails({"--table", *table_, "--out"}, 2, "--out needs a value");
  ExpectFails({"--table", *table_, "--out", out_, "--store", *store_}, 2,
              "--store and --org go together");
  ExpectFails({"--gt", Data("gt.json"), "--out", out_}, 2,
              "--gt and --pred go together");
  ExpectFails({"--table", *table_, "--out", out_, "--slice", "x"}, 2,
              "--slice needs --store and --org");
  ExpectFails({"--table", *table_, "--out", out_, "--bins", "0"}, 2,
              "--bins needs an integer in [1, 200], not '0'");
  ExpectFails({"--table", *table_, "--out", out_, "--page-rows", "1001"}, 2,
              "--page-rows needs an integer in [0, 1000], not '1001'");
  ExpectFails({"--table", *table_, "--out", out_, "--no-auto=yes"}, 2,
              "--no-auto takes no value");
}

TEST_F(CliReportTest, InputErrors) {
  const std::string missing = TempPath("missing.csv");
  ExpectFails({"--table", missing, "--out", out_}, 1, missing);
  ExpectFails({"--table", *table_, "--store", *store_, "--org", "acme",
               "--slice", "nope", "--out", out_},
              1, "org \"acme\" has no slice with the id or name \"nope\"");
  ExpectFails(
      {"--gt", Data("gt.json"), "--pred", Data("nope.json"), "--out", out_}, 1,
      "nope.json");
  const std::string dir_out = TempPath("no-such-dir") + "/report.html";
  const RunResult r = RunCli({"report", "--table", *table_, "--out", dir_out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.error_line(), "slicekit: cannot write the report " + dir_out +
                                ": No such file or directory");
}

}  // namespace
}  // namespace slicekit::testing
