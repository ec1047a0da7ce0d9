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
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/report/xml.h"
#include "tests/testing/run_program.h"

namespace slicekit::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
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
  // Per-class columns, so per-class charts; the curves await the AP work.
  EXPECT_THAT(doc.Nodes("//section[@id='all-data']//svg:svg[svg:title='TP, "
                        "FP and FN per class']"),
              SizeIs(1));
  EXPECT_THAT(doc.Nodes("//p[@data-pending='curves']"), SizeIs(9));
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
