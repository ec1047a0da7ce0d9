// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/calibration.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/metrics/detection_fixture.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

// ECE by its definition from (confidence, right) pairs, bins of width
// 1 / bins, confidence 1 in the last.
double ReferenceEce(const std::vector<std::pair<double, bool>>& dets,
                    int bins) {
  std::vector<double> conf(bins, 0), right(bins, 0), n(bins, 0);
  for (auto [c, ok] : dets) {
    int b = std::min(bins - 1, static_cast<int>(c * bins));
    conf[b] += c;
    right[b] += ok;
    n[b] += 1;
  }
  double ece = 0;
  for (int b = 0; b < bins; ++b) {
    if (n[b] > 0) {
      ece += n[b] / dets.size() * std::fabs(right[b] / n[b] - conf[b] / n[b]);
    }
  }
  return ece;
}

// In testing::RandomRun a detection is right exactly when it sits on a
// non-crowd box of its class (unshifted); one on a crowd box of its class
// is absorbed; all others are wrong. Known truth, so ECE is checked by
// its definition, for all classes and per class, at 15 and 7 bins.
TEST(CalibrationTest, EqualsTheDefinitionOnKnownTruth) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    const ModelRun run = testing::RandomRun(seed);
    for (int bins : {15, 7}) {
      std::vector<std::pair<double, bool>> all;
      std::vector<std::vector<std::pair<double, bool>>> per(run.classes.size());
      for (const DataRow& row : run.rows) {
        for (const Prediction& p : row.predictions) {
          bool ok = false, absorbed = false;
          for (const GroundTruth& g : row.ground_truths) {
            const bool on = g.box.x == p.box.x && g.box.y == p.box.y &&
                            g.class_index == p.class_index;
            if (on && g.iscrowd) absorbed = true;
            if (on && !g.iscrowd) ok = true;
          }
          if (absorbed) continue;
          all.push_back({p.confidence, ok});
          per[p.class_index].push_back({p.confidence, ok});
        }
      }
      CalibrationOptions o;
      o.num_bins = bins;
      SLICEKIT_ASSERT_OK_AND_ASSIGN(CalibrationReport c,
                                    ComputeCalibration(run, nullptr, o));
      ASSERT_EQ(c.all.bins.size(), static_cast<size_t>(bins));
      EXPECT_EQ(c.all.num_detections, static_cast<int64_t>(all.size()));
      ASSERT_TRUE(c.all.ece.has_value());
      EXPECT_NEAR(*c.all.ece, ReferenceEce(all, bins), 1e-12);
      for (size_t k = 0; k < per.size(); ++k) {
        ASSERT_TRUE(c.per_class[k].ece.has_value());
        EXPECT_NEAR(*c.per_class[k].ece, ReferenceEce(per[k], bins), 1e-12);
      }
      int64_t in_bins = 0;
      for (const ReliabilityBin& b : c.all.bins) in_bins += b.count;
      EXPECT_EQ(in_bins, c.all.num_detections);
    }
  }
}

ModelRun TwoDetections() {
  ModelRun run;
  run.classes = {"a"};
  DataRow row;
  row.data_row_id = "1";
  GroundTruth g;
  g.box = Box{0, 0, 10, 10};
  row.ground_truths.push_back(g);
  row.predictions = {Prediction{0, Box{0, 0, 10, 16}, 1.0},
                     Prediction{0, Box{50, 50, 10, 10}, 0.25}};
  run.rows.push_back(row);
  return run;
}

TEST(CalibrationTest, ReliabilityBinsAndEceByHand) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(CalibrationReport c,
                                ComputeCalibration(TwoDetections()));
  // IoU 100/160 = .625: right at confidence 1 (last bin), wrong at .25
  // (bin 3 of 15: [.2, .2667)).
  ASSERT_EQ(c.all.bins.size(), 15u);
  EXPECT_EQ(c.all.bins[14].count, 1);
  EXPECT_DOUBLE_EQ(*c.all.bins[14].accuracy, 1);
  EXPECT_EQ(c.all.bins[3].count, 1);
  EXPECT_DOUBLE_EQ(*c.all.bins[3].mean_confidence, 0.25);
  EXPECT_FALSE(c.all.bins[0].accuracy.has_value());
  EXPECT_DOUBLE_EQ(*c.all.ece, 0.5 * 0 + 0.5 * 0.25);
}

TEST(CalibrationTest, IouThresholdOption) {
  CalibrationOptions o;
  o.iou_threshold = 0.7;  // the .625 detection is now wrong
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      CalibrationReport c, ComputeCalibration(TwoDetections(), nullptr, o));
  EXPECT_DOUBLE_EQ(*c.all.ece, 0.5 * 1 + 0.5 * 0.25);
}

TEST(CalibrationTest, MaxDetectionsOption) {
  CalibrationOptions o;
  o.max_detections = 1;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      CalibrationReport c, ComputeCalibration(TwoDetections(), nullptr, o));
  EXPECT_EQ(c.all.num_detections, 1);
  EXPECT_DOUBLE_EQ(*c.all.ece, 0);
}

TEST(CalibrationTest, NoDetectionsHasNoEce) {
  const ModelRun run = TwoDetections();
  Selection none(1);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(CalibrationReport c,
                                ComputeCalibration(run, &none));
  EXPECT_EQ(c.all.num_detections, 0);
  EXPECT_FALSE(c.all.ece.has_value());
}

TEST(CalibrationTest, RejectsBadOptions) {
  const ModelRun run = TwoDetections();
  CalibrationOptions o;
  o.num_bins = 0;
  EXPECT_THAT(
      ComputeCalibration(run, nullptr, o),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bins 0")));
  o = {};
  o.iou_threshold = 0;
  EXPECT_THAT(ComputeCalibration(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("IoU threshold 0")));
  o = {};
  o.max_detections = 0;
  EXPECT_THAT(ComputeCalibration(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max detections 0")));
  Selection wrong(2);
  EXPECT_THAT(
      ComputeCalibration(run, &wrong),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("covers 2 rows")));
}

}  // namespace
}  // namespace slicekit
