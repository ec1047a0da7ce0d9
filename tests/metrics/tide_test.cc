// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/tide.h"

#include <fstream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "slicekit/coco.h"
#include "slicekit/filter_text.h"
#include "slicekit/metrics.h"
#include "slicekit/scan.h"
#include "tests/testing/coco_fixture.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::DataPath;
using ::slicekit::testing::ReadJson;
using ::slicekit::testing::RowsOf;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

// Every oracle entry of tests/data/tide/oracle.json (tidecv's
// get_all_errors() on coco_ap and coco_small: crowd regions, duplicates,
// images without ground truth or without detections, a class with no
// ground truth, one image with 130 detections, class confusions), for the
// whole set, filters, random image sets and other thresholds.
TEST(TideTest, EqualsTidecvOnEveryOracleSet) {
  const nlohmann::json oracle = ReadJson(DataPath("tide", "oracle.json"));
  ASSERT_GE(oracle.size(), 9u);
  std::map<std::string, ModelRun> runs;
  for (const auto& entry : oracle) {
    const std::string fixture = entry["fixture"];
    SCOPED_TRACE(absl::StrCat(fixture, " ", entry["set"].get<std::string>()));
    if (!runs.contains(fixture)) {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          runs[fixture], ImportCocoFiles(DataPath(fixture, "gt.json"),
                                         DataPath(fixture, "dets.json")));
    }
    const ModelRun& run = runs[fixture];
    std::optional<Selection> rows;
    if (entry["image_ids"] != "all") {
      rows = RowsOf(run, entry["image_ids"]);
    }
    if (entry.contains("filter")) {
      // The same images through the filter language over the metrics table.
      SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics metrics,
                                    ComputeMetrics(run, {}));
      SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, MetricsToTable(run, metrics));
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          Expr filter, ParseFilter(entry["filter"].get<std::string>()));
      SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection filtered, Filter(table, filter));
      EXPECT_EQ(filtered, *rows);
    }
    TideOptions options;
    options.foreground_iou = entry["fg"];
    options.background_iou = entry["bg"];
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        TideErrors e,
        ComputeTide(run, rows.has_value() ? &*rows : nullptr, options));
    const auto& main = entry["main"];
    const auto& counts = entry["counts"];
    EXPECT_NEAR(e.ap, entry["ap"].get<double>(), 1e-6);
    EXPECT_NEAR(e.cls, main["Cls"].get<double>(), 1e-6);
    EXPECT_NEAR(e.loc, main["Loc"].get<double>(), 1e-6);
    EXPECT_NEAR(e.both, main["Both"].get<double>(), 1e-6);
    EXPECT_NEAR(e.dupe, main["Dupe"].get<double>(), 1e-6);
    EXPECT_NEAR(e.bkg, main["Bkg"].get<double>(), 1e-6);
    EXPECT_NEAR(e.miss, main["Miss"].get<double>(), 1e-6);
    EXPECT_NEAR(e.false_pos, entry["special"]["FalsePos"].get<double>(), 1e-6);
    EXPECT_NEAR(e.false_neg, entry["special"]["FalseNeg"].get<double>(), 1e-6);
    EXPECT_EQ(e.num_cls, counts["Cls"].get<int64_t>());
    EXPECT_EQ(e.num_loc, counts["Loc"].get<int64_t>());
    EXPECT_EQ(e.num_both, counts["Both"].get<int64_t>());
    EXPECT_EQ(e.num_dupe, counts["Dupe"].get<int64_t>());
    EXPECT_EQ(e.num_bkg, counts["Bkg"].get<int64_t>());
    EXPECT_EQ(e.num_miss, counts["Miss"].get<int64_t>());
  }
}

ModelRun OneImage() {
  ModelRun run;
  run.classes = {"a", "b"};
  DataRow row;
  row.data_row_id = "1";
  GroundTruth gt;
  gt.box = Box{0, 0, 10, 10};
  row.ground_truths.push_back(gt);
  row.predictions.push_back(Prediction{0, Box{0, 0, 10, 10}, 0.9});
  row.predictions.push_back(Prediction{1, Box{50, 50, 10, 10}, 0.8});
  run.rows.push_back(row);
  return run;
}

TEST(TideTest, APerfectDetectionAndABackgroundError) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(TideErrors e, ComputeTide(OneImage()));
  // Class a: AP 100; class b: a false positive without ground truth, AP 0.
  EXPECT_DOUBLE_EQ(e.ap, 50);
  EXPECT_EQ(e.num_bkg, 1);
  EXPECT_EQ(e.num_miss + e.num_cls + e.num_loc + e.num_dupe + e.num_both, 0);
  // Removing the background error empties class b: the mean is over a.
  EXPECT_DOUBLE_EQ(e.bkg, 50);
}

TEST(TideTest, RejectsBadOptionsAndSelections) {
  const ModelRun run = OneImage();
  TideOptions o;
  o.foreground_iou = 0;
  EXPECT_THAT(ComputeTide(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("foreground IoU 0")));
  o = {};
  o.background_iou = 0.5;
  EXPECT_THAT(ComputeTide(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("background IoU 0.5")));
  o = {};
  o.max_detections = 0;
  EXPECT_THAT(ComputeTide(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max detections 0")));
  Selection wrong(5);
  EXPECT_THAT(
      ComputeTide(run, &wrong),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("covers 5 rows")));
  Selection none(1);
  EXPECT_THAT(
      ComputeTide(run, &none),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("undefined")));
}

TEST(TideTest, MaxDetectionsCutsTheLeastConfident) {
  ModelRun run = OneImage();
  TideOptions o;
  o.max_detections = 1;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(TideErrors e, ComputeTide(run, nullptr, o));
  EXPECT_DOUBLE_EQ(e.ap, 100);
  EXPECT_EQ(e.num_bkg, 0);
}

}  // namespace
}  // namespace slicekit
