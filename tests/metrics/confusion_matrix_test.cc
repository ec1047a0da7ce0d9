// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/confusion_matrix.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/metrics/detection_fixture.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Selection EveryOther(size_t n) {
  Selection s(n);
  for (size_t r = 0; r < n; r += 2) s.Add(static_cast<RowIndex>(r));
  return s;
}

// Rows sum to each class's regular ground truths; columns to each class's
// predictions at or above the confidence threshold, less those in crowd
// regions; [background][missed] is 0. On random runs, all data and a
// selection, at several thresholds.
TEST(ConfusionMatrixTest, RowAndColumnSums) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    const ModelRun run = testing::RandomRun(seed);
    const Selection half = EveryOther(run.rows.size());
    for (const Selection* rows :
         {static_cast<const Selection*>(nullptr), &half}) {
      for (double conf : {0.0, 0.5, 0.8}) {
        ConfusionOptions o;
        o.confidence_threshold = conf;
        SLICEKIT_ASSERT_OK_AND_ASSIGN(ConfusionMatrix m,
                                      ComputeConfusionMatrix(run, rows, o));
        const size_t nc = run.classes.size();
        ASSERT_EQ(m.counts.size(), nc + 1);
        std::vector<int64_t> gts(nc, 0), preds(nc, 0);
        for (size_t r = 0; r < run.rows.size(); ++r) {
          if (rows != nullptr && !rows->Contains(r)) continue;
          for (const GroundTruth& g : run.rows[r].ground_truths) {
            if (!g.iscrowd) ++gts[g.class_index];
          }
          for (const Prediction& p : run.rows[r].predictions) {
            if (p.confidence >= conf) ++preds[p.class_index];
          }
        }
        for (size_t k = 0; k < nc; ++k) {
          int64_t row_sum = 0, col_sum = 0;
          for (size_t c = 0; c <= nc; ++c) row_sum += m.counts[k][c];
          for (size_t g = 0; g <= nc; ++g) col_sum += m.counts[g][k];
          EXPECT_EQ(row_sum, gts[k]) << seed << " " << conf << " " << k;
          EXPECT_EQ(col_sum + m.crowd[k], preds[k]) << seed << " " << conf;
        }
        EXPECT_EQ(m.counts[nc][nc], 0);
      }
    }
  }
}

ModelRun HandRun() {
  ModelRun run;
  run.classes = {"cat", "dog"};
  DataRow row;
  row.data_row_id = "1";
  auto gt = [&](int32_t c, Box b, bool crowd = false) {
    GroundTruth g;
    g.class_index = c;
    g.box = b;
    g.iscrowd = crowd;
    row.ground_truths.push_back(g);
  };
  gt(0, Box{0, 0, 10, 10});          // cat, detected as dog
  gt(1, Box{100, 0, 10, 10});        // dog, detected as dog
  gt(1, Box{200, 0, 10, 10});        // dog, missed
  gt(0, Box{300, 0, 50, 50}, true);  // crowd of cats
  row.predictions = {Prediction{1, Box{0, 0, 10, 11}, 0.9},
                     Prediction{1, Box{100, 0, 10, 10}, 0.8},
                     Prediction{0, Box{500, 0, 10, 10}, 0.7},   // background
                     Prediction{0, Box{310, 10, 10, 10}, 0.6},  // in the crowd
                     Prediction{0, Box{0, 0, 10, 10}, 0.4}};    // below 0.5
  run.rows.push_back(row);
  return run;
}

TEST(ConfusionMatrixTest, MatchesAcrossClassesOneToOne) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ConfusionMatrix m,
                                ComputeConfusionMatrix(HandRun()));
  EXPECT_THAT(m.labels, ElementsAre("cat", "dog", "background"));
  EXPECT_THAT(m.columns, ElementsAre("cat", "dog", "missed"));
  EXPECT_THAT(m.counts[0], ElementsAre(0, 1, 0));
  EXPECT_THAT(m.counts[1], ElementsAre(0, 1, 1));
  EXPECT_THAT(m.counts[2], ElementsAre(1, 0, 0));
  EXPECT_THAT(m.crowd, ElementsAre(1, 0));
}

TEST(ConfusionMatrixTest, ConfidenceThresholdOption) {
  ConfusionOptions o;
  o.confidence_threshold = 0.3;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ConfusionMatrix m,
                                ComputeConfusionMatrix(HandRun(), nullptr, o));
  // The 0.4 cat lies on the cat already taken by the 0.9 dog: background.
  EXPECT_THAT(m.counts[2], ElementsAre(2, 0, 0));
  EXPECT_THAT(m.counts[0], ElementsAre(0, 1, 0));
}

TEST(ConfusionMatrixTest, IouThresholdOption) {
  ConfusionOptions o;
  o.iou_threshold = 0.95;  // the 10 x 11 box has IoU 10/11 = 0.909
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ConfusionMatrix m,
                                ComputeConfusionMatrix(HandRun(), nullptr, o));
  EXPECT_THAT(m.counts[0], ElementsAre(0, 0, 1));
  EXPECT_THAT(m.counts[2], ElementsAre(1, 1, 0));
}

TEST(ConfusionMatrixTest, RejectsBadOptions) {
  const ModelRun run = HandRun();
  ConfusionOptions o;
  o.iou_threshold = 1.5;
  EXPECT_THAT(ComputeConfusionMatrix(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("IoU threshold 1.5")));
  o = {};
  o.confidence_threshold = -0.1;
  EXPECT_THAT(ComputeConfusionMatrix(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("confidence threshold -0.1")));
  Selection wrong(3);
  EXPECT_THAT(
      ComputeConfusionMatrix(run, &wrong),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("covers 3 rows")));
}

}  // namespace
}  // namespace slicekit
