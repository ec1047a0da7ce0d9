// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/metrics.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/average_precision.h"
#include "slicekit/explore.h"
#include "slicekit/label_issues.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

GroundTruth Gt(int cls, Box box, bool crowd = false) {
  GroundTruth g;
  g.class_index = cls;
  g.box = box;
  g.iscrowd = crowd;
  return g;
}

Prediction Det(int cls, Box box, double confidence) {
  return Prediction{cls, box, confidence};
}

// A run of one row; classes "car" (0), "person" (1), "traffic light" (2).
ModelRun OneRow(std::vector<GroundTruth> gts, std::vector<Prediction> preds) {
  ModelRun run;
  run.classes = {"car", "person", "traffic light"};
  DataRow row;
  row.data_row_id = "r";
  row.ground_truths = std::move(gts);
  row.predictions = std::move(preds);
  run.rows.push_back(std::move(row));
  return run;
}

struct Counts {
  int64_t tp, fp, fn;
  friend bool operator==(const Counts&, const Counts&) = default;
};
std::ostream& operator<<(std::ostream& os, const Counts& c) {
  return os << "tp=" << c.tp << " fp=" << c.fp << " fn=" << c.fn;
}

Counts RowCounts(const ModelRun& run, MetricsOptions options) {
  absl::StatusOr<RunMetrics> m = ComputeMetrics(run, options);
  EXPECT_TRUE(m.ok()) << m.status();
  if (!m.ok()) return {-1, -1, -1};
  return {m->rows[0].tp, m->rows[0].fp, m->rows[0].fn};
}

MetricsOptions Coco(double iou, double conf = 0) {
  MetricsOptions o;
  o.iou_threshold = iou;
  o.confidence_threshold = conf;
  return o;
}

MetricsOptions Labelbox(double iou, double conf = 0) {
  MetricsOptions o = Coco(iou, conf);
  o.rule = MatchRule::kLabelbox;
  return o;
}

TEST(CocoIouTest, CrowdIsIntersectionOverDetectionArea) {
  const Box det{0, 0, 10, 10};
  const Box crowd{0, 0, 100, 100};
  EXPECT_DOUBLE_EQ(CocoIou(det, crowd, /*crowd=*/true), 1.0);
  EXPECT_DOUBLE_EQ(CocoIou(det, crowd, /*crowd=*/false), 0.01);
  EXPECT_EQ(CocoIou(Box{0, 0, 10, 10}, Box{10, 0, 10, 10}, false), 0);
  EXPECT_EQ(CocoIou(Box{0, 0, 10, 10}, Box{0, 0, 10, 20}, false), 0.5);
}

TEST(CocoRuleTest, DetectionInsideCrowdIsIgnored) {
  ModelRun run =
      OneRow({Gt(0, {0, 0, 100, 100}, true)},
             {Det(0, {0, 0, 10, 10}, 0.9), Det(0, {50, 50, 10, 10}, 0.8)});
  // Both absorbed by the crowd box; the crowd box is never an FN.
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{0, 0, 0}));
  // Outside it: an FP.
  run.rows[0].predictions.push_back(Det(0, {200, 200, 5, 5}, 0.7));
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{0, 1, 0}));
}

TEST(CocoRuleTest, RegularGtIsPreferredOverCrowd) {
  // IoU 0.6 with the regular GT, 1.0 (crowd IoU) with the crowd box.
  ModelRun run = OneRow({Gt(0, {0, 0, 100, 100}, true), Gt(0, {0, 0, 10, 6})},
                        {Det(0, {0, 0, 10, 10}, 0.9)});
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{1, 0, 0}));
  // A duplicate of the matched GT inside the crowd box is ignored, not FP.
  run.rows[0].predictions.push_back(Det(0, {0, 0, 10, 10}, 0.8));
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{1, 0, 0}));
  // Without the crowd box it is an FP.
  run.rows[0].ground_truths.erase(run.rows[0].ground_truths.begin());
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{1, 1, 0}));
}

TEST(CocoRuleTest, EqualScoresKeepFileOrder) {
  // A: IoU 0.43 with G1, 0.67 with G2. B: IoU 1 with G2, 0.25 with G1.
  const Box g1{0, 0, 10, 10}, g2{6, 0, 10, 10};
  const Prediction a = Det(0, {4, 0, 10, 10}, 0.8);
  const Prediction b = Det(0, {6, 0, 10, 10}, 0.8);
  // A first takes G2; B then has nothing at >= 0.4.
  EXPECT_EQ(RowCounts(OneRow({Gt(0, g1), Gt(0, g2)}, {a, b}), Coco(0.4)),
            (Counts{1, 1, 1}));
  // B first takes G2; A takes G1.
  EXPECT_EQ(RowCounts(OneRow({Gt(0, g1), Gt(0, g2)}, {b, a}), Coco(0.4)),
            (Counts{2, 0, 0}));
}

TEST(CocoRuleTest, HigherScoreMatchesFirstRegardlessOfFileOrder) {
  const Box g1{0, 0, 10, 10}, g2{6, 0, 10, 10};
  const Prediction a = Det(0, {4, 0, 10, 10}, 0.7);
  const Prediction b = Det(0, {6, 0, 10, 10}, 0.9);
  EXPECT_EQ(RowCounts(OneRow({Gt(0, g1), Gt(0, g2)}, {a, b}), Coco(0.4)),
            (Counts{2, 0, 0}));
}

TEST(CocoRuleTest, LaterGtWinsAnExactIouTie) {
  // det1 has IoU exactly 1/3 with both G1 and G2; det2 overlaps only G2.
  ModelRun run =
      OneRow({Gt(0, {5, 0, 10, 10}), Gt(0, {15, 0, 10, 10})},
             {Det(0, {10, 0, 10, 10}, 0.9), Det(0, {17, 0, 10, 10}, 0.8)});
  ASSERT_EQ(CocoIou({10, 0, 10, 10}, {5, 0, 10, 10}, false),
            CocoIou({10, 0, 10, 10}, {15, 0, 10, 10}, false));
  // det1 takes G2 (the later), so det2 is an FP and G1 an FN.
  EXPECT_EQ(RowCounts(run, Coco(0.3)), (Counts{1, 1, 1}));
  // Swapping the GTs' order makes det1 take the other box.
  std::swap(run.rows[0].ground_truths[0], run.rows[0].ground_truths[1]);
  EXPECT_EQ(RowCounts(run, Coco(0.3)), (Counts{2, 0, 0}));
}

TEST(CocoRuleTest, MaxDetectionsCutsPerRowAndClass) {
  std::vector<Prediction> preds;
  for (int i = 0; i < 3; ++i) {
    preds.push_back(Det(0, {100.0 * i, 0, 5, 5}, 0.5 + 0.1 * i));
    preds.push_back(Det(1, {100.0 * i, 0, 5, 5}, 0.5));
  }
  // The lowest-scored car detection matches the only GT but is cut.
  ModelRun run = OneRow({Gt(0, {0, 0, 5, 5})}, preds);
  MetricsOptions options = Coco(0.5);
  options.max_detections = 2;
  EXPECT_EQ(RowCounts(run, options), (Counts{0, 4, 1}));
  options.max_detections = 3;
  EXPECT_EQ(RowCounts(run, options), (Counts{1, 5, 0}));
}

TEST(CocoRuleTest, HundredDetectionsByDefault) {
  std::vector<Prediction> preds;
  for (int i = 0; i < 101; ++i) {
    preds.push_back(Det(0, {20.0 * i, 0, 5, 5}, 1.0 - i * 0.001));
  }
  // The 101st (lowest score) would be the TP.
  ModelRun run = OneRow({Gt(0, {2000, 0, 5, 5})}, preds);
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{0, 100, 1}));
}

TEST(CocoRuleTest, IouEqualToThresholdMatchesUnderCocoNotLabelbox) {
  ModelRun run = OneRow({Gt(0, {0, 0, 10, 20})}, {Det(0, {0, 0, 10, 10}, 1)});
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{1, 0, 0}));
  EXPECT_EQ(RowCounts(run, Labelbox(0.5)), (Counts{0, 1, 1}));
  EXPECT_EQ(RowCounts(run, Labelbox(0.49)), (Counts{1, 0, 0}));
  EXPECT_EQ(RowCounts(run, Coco(0.51)), (Counts{0, 1, 1}));
}

TEST(CocoRuleTest, ThresholdOneStillMatchesIdenticalBoxes) {
  // best starts at min(1, 1 - 1e-10).
  ModelRun run = OneRow({Gt(0, {3, 3, 10, 10})}, {Det(0, {3, 3, 10, 10}, 1)});
  EXPECT_EQ(RowCounts(run, Coco(1.0)), (Counts{1, 0, 0}));
}

TEST(CocoRuleTest, ClassMismatchIsFpAndFnInTheirOwnClasses) {
  ModelRun run = OneRow({Gt(0, {0, 0, 10, 10})}, {Det(1, {0, 0, 10, 10}, 1)});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, ComputeMetrics(run, Coco(0.5)));
  EXPECT_EQ(m.rows[0].tp, 0);
  EXPECT_EQ(m.rows[0].fp, 1);
  EXPECT_EQ(m.rows[0].fn, 1);
  EXPECT_EQ(m.rows[0].tn, 1);  // traffic light
  ASSERT_EQ(m.class_begin[1] - m.class_begin[0], 2u);
  EXPECT_EQ(m.classes[0].class_index, 0);
  EXPECT_EQ(m.classes[0].metrics.fn, 1);
  EXPECT_EQ(m.classes[0].metrics.fp, 0);
  EXPECT_EQ(m.classes[1].class_index, 1);
  EXPECT_EQ(m.classes[1].metrics.fp, 1);
  EXPECT_EQ(m.classes[1].metrics.max_fp_confidence, 1.0);
  EXPECT_FALSE(m.rows[0].precision.has_value() && *m.rows[0].precision != 0);
  EXPECT_EQ(m.rows[0].precision, 0.0);
  EXPECT_EQ(m.rows[0].recall, 0.0);
  // Different classes never pair: the row IoU is 0 / 2.
  EXPECT_EQ(m.rows[0].iou, 0.0);
}

TEST(CocoRuleTest, EmptyRowHasZerosAndNulls) {
  ModelRun run = OneRow({}, {});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, ComputeMetrics(run, Coco(0.5)));
  const Metrics& r = m.rows[0];
  EXPECT_EQ(std::make_tuple(r.tp, r.fp, r.fn, r.tn),
            std::make_tuple(0, 0, 0, 3));
  EXPECT_FALSE(r.precision || r.recall || r.f1 || r.iou || r.confidence ||
               r.min_confidence || r.max_confidence || r.max_fp_confidence);
  EXPECT_EQ(m.class_begin, (std::vector<size_t>{0, 0}));
}

TEST(MetricsTest, ConfidenceThresholdDropsPredictionsBeforeMatching) {
  ModelRun run = OneRow({Gt(0, {0, 0, 10, 10})}, {Det(0, {0, 0, 10, 10}, 0.4),
                                                  Det(0, {50, 0, 10, 10}, 0.5),
                                                  Det(1, {0, 0, 10, 10}, 0.2)});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m,
                                ComputeMetrics(run, Coco(0.5, 0.5)));
  const Metrics& r = m.rows[0];
  // 0.5 is kept (>=), 0.4 and 0.2 dropped.
  EXPECT_EQ(std::make_tuple(r.tp, r.fp, r.fn), std::make_tuple(0, 1, 1));
  // person: only a dropped prediction, so it counts as a true negative.
  EXPECT_EQ(r.tn, 2);
  // Confidences before the threshold.
  EXPECT_DOUBLE_EQ(*r.confidence, (0.4 + 0.5 + 0.2) / 3);
  EXPECT_EQ(r.min_confidence, 0.2);
  EXPECT_EQ(r.max_confidence, 0.5);
  EXPECT_EQ(r.max_fp_confidence, 0.5);
  EXPECT_EQ(r.precision, 0.0);
  EXPECT_EQ(r.f1, 0.0);
  // No kept prediction overlaps the GT: IoU 0 / (1 + 1 - 0).
  EXPECT_EQ(r.iou, 0.0);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(m, ComputeMetrics(run, Coco(0.5, 0.3)));
  EXPECT_EQ(
      std::make_tuple(m.rows[0].tp, m.rows[0].fp, m.rows[0].fn, m.rows[0].tn),
      std::make_tuple(1, 1, 0, 2));
  EXPECT_DOUBLE_EQ(*m.rows[0].precision, 0.5);
  EXPECT_DOUBLE_EQ(*m.rows[0].recall, 1.0);
  EXPECT_DOUBLE_EQ(*m.rows[0].f1, 2.0 / 3);
  // Pair (IoU 1); denominator 1 GT + 2 kept - 1 pair.
  EXPECT_DOUBLE_EQ(*m.rows[0].iou, 0.5);
}

TEST(LabelboxRuleTest, GreedyByIouNotByScore) {
  // COCO: A (higher score) takes G2, B is an FP. Labelbox: B-G2 (IoU 1)
  // first, then A-G1 (0.43).
  ModelRun run =
      OneRow({Gt(0, {0, 0, 10, 10}), Gt(0, {6, 0, 10, 10})},
             {Det(0, {4, 0, 10, 10}, 0.9), Det(0, {6, 0, 10, 10}, 0.8)});
  EXPECT_EQ(RowCounts(run, Coco(0.4)), (Counts{1, 1, 1}));
  EXPECT_EQ(RowCounts(run, Labelbox(0.4)), (Counts{2, 0, 0}));
  // A-G1 at 0.43 is not above 0.45.
  EXPECT_EQ(RowCounts(run, Labelbox(0.45)), (Counts{1, 1, 1}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m,
                                ComputeMetrics(run, Labelbox(0.45)));
  EXPECT_EQ(m.rows[0].max_fp_confidence, 0.9);
  EXPECT_DOUBLE_EQ(*m.rows[0].iou, (1.0 + 60.0 / 140) / 2);
}

TEST(LabelboxRuleTest, CrowdIsAnOrdinaryGroundTruth) {
  ModelRun run =
      OneRow({Gt(0, {0, 0, 100, 100}, true)}, {Det(0, {0, 0, 10, 10}, 0.9)});
  EXPECT_EQ(RowCounts(run, Labelbox(0.5)), (Counts{0, 1, 1}));
  EXPECT_EQ(RowCounts(run, Labelbox(0.005)), (Counts{1, 0, 0}));
}

TEST(MetricsTest, PerClassIouOverride) {
  ModelRun run = OneRow({Gt(0, {0, 0, 10, 20}), Gt(2, {0, 0, 10, 20})},
                        {Det(0, {0, 0, 10, 10}, 1), Det(2, {0, 0, 10, 10}, 1)});
  MetricsOptions options = Coco(0.5);
  options.class_iou_thresholds["traffic light"] = 0.6;
  EXPECT_EQ(RowCounts(run, options), (Counts{1, 1, 1}));
  options.class_iou_thresholds["bus"] = 0.6;
  EXPECT_THAT(ComputeMetrics(run, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown class \"bus\"")));
}

TEST(MetricsTest, RejectsBadOptions) {
  ModelRun run = OneRow({}, {});
  EXPECT_THAT(ComputeMetrics(run, Coco(1.5)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("iou_threshold must be in [0, 1]")));
  EXPECT_THAT(ComputeMetrics(run, Coco(0.5, -0.1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("confidence_threshold")));
  MetricsOptions o;
  o.max_detections = 0;
  EXPECT_THAT(ComputeMetrics(run, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_detections")));
}

TEST(MetricsTest, ClassificationRows) {
  ModelRun run = OneRow({}, {});
  run.rows[0].label = ClassAnswer{0, 1.0};
  run.rows[0].classification = ClassAnswer{0, 0.8};
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{1, 0, 0}));
  run.rows[0].classification = ClassAnswer{1, 0.8};
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{0, 1, 1}));
  // Below the threshold, only the label's FN remains.
  EXPECT_EQ(RowCounts(run, Coco(0.5, 0.9)), (Counts{0, 0, 1}));
}

// ---- Property test against a reference matcher ----

struct RefResult {
  std::map<int, Counts> per_class;
};

// The README's rules, written out directly (no shared code).
RefResult ReferenceMatch(const DataRow& row, const MetricsOptions& o,
                         int num_classes) {
  RefResult out;
  for (int c = 0; c < num_classes; ++c) {
    std::vector<GroundTruth> gts;
    for (const auto& g : row.ground_truths)
      if (g.class_index == c && !g.iscrowd) gts.push_back(g);
    for (const auto& g : row.ground_truths)
      if (g.class_index == c && g.iscrowd) gts.push_back(g);
    std::vector<Prediction> all;
    for (const auto& p : row.predictions)
      if (p.class_index == c) all.push_back(p);
    if (gts.empty() && all.empty()) continue;
    std::vector<Prediction> dets;
    for (const auto& p : all)
      if (p.confidence >= o.confidence_threshold) dets.push_back(p);
    std::stable_sort(dets.begin(), dets.end(),
                     [](const Prediction& a, const Prediction& b) {
                       return a.confidence > b.confidence;
                     });
    Counts counts{0, 0, 0};
    std::vector<bool> used(gts.size(), false);
    if (o.rule == MatchRule::kCoco) {
      if (dets.size() > static_cast<size_t>(o.max_detections))
        dets.resize(o.max_detections);
      for (const auto& d : dets) {
        double best = std::min(o.iou_threshold, 1 - 1e-10);
        int m = -1;
        for (size_t k = 0; k < gts.size(); ++k) {
          if (used[k] && !gts[k].iscrowd) continue;
          if (m > -1 && !gts[m].iscrowd && gts[k].iscrowd) break;
          const double v = CocoIou(d.box, gts[k].box, gts[k].iscrowd);
          if (v < best) continue;
          best = v;
          m = static_cast<int>(k);
        }
        if (m < 0) {
          ++counts.fp;
        } else if (!gts[m].iscrowd) {
          ++counts.tp;
          used[m] = true;
        }
      }
      for (size_t k = 0; k < gts.size(); ++k)
        if (!gts[k].iscrowd && !used[k]) ++counts.fn;
    } else {
      // Repeatedly take the highest-IoU free pair (first in score order,
      // then GT order, on ties).
      std::vector<bool> det_used(dets.size(), false);
      for (;;) {
        double best = o.iou_threshold;
        int bd = -1, bg = -1;
        for (size_t d = 0; d < dets.size(); ++d) {
          if (det_used[d]) continue;
          for (size_t k = 0; k < gts.size(); ++k) {
            if (used[k]) continue;
            const double v = CocoIou(dets[d].box, gts[k].box, false);
            if (v > best) {
              best = v;
              bd = static_cast<int>(d);
              bg = static_cast<int>(k);
            }
          }
        }
        if (bd < 0) break;
        det_used[bd] = true;
        used[bg] = true;
        ++counts.tp;
      }
      counts.fp = static_cast<int64_t>(dets.size()) - counts.tp;
      counts.fn = static_cast<int64_t>(gts.size()) - counts.tp;
    }
    out.per_class[c] = counts;
  }
  return out;
}

Box RandomBox(std::mt19937& rng) {
  // A coarse grid makes equal IoUs and IoUs exactly at thresholds common.
  std::uniform_int_distribution<int> pos(0, 12), size(0, 6);
  return Box{static_cast<double>(pos(rng)), static_cast<double>(pos(rng)),
             static_cast<double>(size(rng)), static_cast<double>(size(rng))};
}

TEST(MetricsPropertyTest, MatchesReferenceOnRandomBoxes) {
  std::mt19937 rng(20261128);
  const std::vector<double> ious = {0, 0.25, 0.5, 0.75, 1.0};
  const std::vector<double> confs = {0, 0.3, 0.5};
  const std::vector<int> max_dets = {1, 2, 100};
  int rows_checked = 0, nonzero_tp = 0;
  for (int trial = 0; trial < 300; ++trial) {
    ModelRun run;
    run.classes = {"a", "b", "c"};
    const int num_rows = 1 + trial % 5;
    for (int r = 0; r < num_rows; ++r) {
      DataRow row;
      row.data_row_id = absl::StrCat(r);
      const int ng = std::uniform_int_distribution<int>(0, 6)(rng);
      const int np = std::uniform_int_distribution<int>(0, 8)(rng);
      for (int i = 0; i < ng; ++i) {
        row.ground_truths.push_back(
            Gt(std::uniform_int_distribution<int>(0, 2)(rng), RandomBox(rng),
               std::uniform_int_distribution<int>(0, 4)(rng) == 0));
      }
      for (int i = 0; i < np; ++i) {
        // Scores on a grid of 5: many ties.
        const double score =
            std::uniform_int_distribution<int>(1, 5)(rng) / 5.0;
        // Some predictions copy a GT box: IoU exactly 1.
        Box box = RandomBox(rng);
        if (ng > 0 && std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
          box = row.ground_truths[i % ng].box;
        }
        row.predictions.push_back(
            Det(std::uniform_int_distribution<int>(0, 2)(rng), box, score));
      }
      run.rows.push_back(std::move(row));
    }
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
    for (MatchRule rule : {MatchRule::kCoco, MatchRule::kLabelbox}) {
      MetricsOptions o;
      o.rule = rule;
      o.iou_threshold = ious[trial % ious.size()];
      o.confidence_threshold = confs[(trial / 5) % confs.size()];
      o.max_detections = max_dets[(trial / 15) % max_dets.size()];
      SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics got, evaluator.Compute(o));
      for (int r = 0; r < num_rows; ++r) {
        RefResult want = ReferenceMatch(run.rows[r], o, 3);
        Counts row_sum{0, 0, 0};
        std::map<int, Counts> got_classes;
        for (size_t e = got.class_begin[r]; e < got.class_begin[r + 1]; ++e) {
          const Metrics& m = got.classes[e].metrics;
          got_classes[got.classes[e].class_index] = {m.tp, m.fp, m.fn};
        }
        for (const auto& [c, counts] : want.per_class) {
          row_sum.tp += counts.tp;
          row_sum.fp += counts.fp;
          row_sum.fn += counts.fn;
        }
        ASSERT_EQ(got_classes, want.per_class)
            << "trial " << trial << " row " << r << " rule "
            << static_cast<int>(rule);
        const Metrics& m = got.rows[r];
        ASSERT_EQ((Counts{m.tp, m.fp, m.fn}), row_sum) << "trial " << trial;
        ++rows_checked;
        nonzero_tp += m.tp > 0;
      }
    }
  }
  EXPECT_EQ(rows_checked, 2 * (60 * (1 + 2 + 3 + 4 + 5)));
  EXPECT_GT(nonzero_tp, 100);  // the random data does exercise matches
}

// The fields of a Metrics, for comparing whole results.
auto Fields(const Metrics& m) {
  return std::make_tuple(m.tp, m.fp, m.fn, m.tn, m.precision, m.recall, m.f1,
                         m.iou, m.confidence, m.min_confidence,
                         m.max_confidence, m.max_fp_confidence);
}

// A run of `rows` rows, a few crowded, with random boxes and scores.
ModelRun RandomLargeRun(std::mt19937& rng, int rows) {
  ModelRun run;
  run.classes = {"a", "b", "c", "d"};
  std::uniform_int_distribution<int> cls(0, 3), coin(0, 9);
  for (int r = 0; r < rows; ++r) {
    DataRow row;
    row.data_row_id = absl::StrCat(r);
    const int objects = coin(rng) == 0 ? 30 : coin(rng) % 5;
    for (int i = 0; i < objects; ++i) {
      row.ground_truths.push_back(Gt(cls(rng), RandomBox(rng), coin(rng) == 0));
    }
    for (int i = 0; i < objects + coin(rng) % 3; ++i) {
      row.predictions.push_back(
          Det(cls(rng), RandomBox(rng), (coin(rng) + 1) / 10.0));
    }
    run.rows.push_back(std::move(row));
  }
  return run;
}

TEST(EvaluatorTest, ThreadsGiveTheSameEvaluatorAsOne) {
  std::mt19937 rng(20261208);
  for (int rows : {0, 1, 300, 2049, 5000}) {
    SCOPED_TRACE(absl::StrCat(rows, " rows"));
    const ModelRun run = RandomLargeRun(rng, rows);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator one, Evaluator::Create(&run));
    for (int threads : {2, 3, 8}) {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          Evaluator many, Evaluator::Create(&run, IouType::kBbox, threads));
      EXPECT_EQ(many.num_iou_computations(), one.num_iou_computations());
      for (MatchRule rule : {MatchRule::kCoco, MatchRule::kLabelbox}) {
        MetricsOptions o;
        o.rule = rule;
        o.confidence_threshold = 0.3;
        SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics want, one.Compute(o));
        SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics got, many.Compute(o));
        ASSERT_EQ(got.rows.size(), want.rows.size());
        for (size_t r = 0; r < want.rows.size(); ++r) {
          ASSERT_EQ(Fields(got.rows[r]), Fields(want.rows[r])) << "row " << r;
        }
        ASSERT_EQ(got.class_begin, want.class_begin);
        for (size_t e = 0; e < want.classes.size(); ++e) {
          ASSERT_EQ(got.classes[e].class_index, want.classes[e].class_index);
          ASSERT_EQ(Fields(got.classes[e].metrics),
                    Fields(want.classes[e].metrics));
        }
      }
      // COCO AP reads the groups, orders and IoUs directly.
      const CocoEvaluation want = CocoEvaluator::Create(one).Evaluate();
      const CocoEvaluation got = CocoEvaluator::Create(many).Evaluate();
      EXPECT_EQ(got.stats, want.stats);
      EXPECT_EQ(got.precision, want.precision);
      EXPECT_EQ(got.recall, want.recall);
      EXPECT_EQ(got.scores, want.scores);
    }
  }
}

TEST(EvaluatorTest, ThreadsReportTheFirstBadRowAsOneThreadDoes) {
  std::mt19937 rng(7);
  ModelRun run = RandomLargeRun(rng, 3000);
  run.rows[2900].predictions.push_back(Det(0, {0, 0, -1, 1}, 1));
  run.rows[1700].ground_truths.push_back(Gt(9, {0, 0, 1, 1}));
  const absl::Status want = Evaluator::Create(&run).status();
  ASSERT_THAT(want, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("class index out of range")));
  for (int threads : {2, 4, 7}) {
    EXPECT_EQ(Evaluator::Create(&run, IouType::kBbox, threads).status(), want)
        << threads << " threads";
  }
  EXPECT_THAT(Evaluator::Create(&run, IouType::kBbox, 0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("threads must be at least 1")));
  MetricsOptions o;
  o.threads = -1;
  EXPECT_THAT(ComputeMetrics(run, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("threads")));
}

TEST(EvaluatorTest, ComputesIousOnlyWithinRowAndClass) {
  ModelRun run = OneRow(
      {Gt(0, {0, 0, 1, 1}), Gt(0, {0, 0, 1, 1}, true), Gt(1, {0, 0, 1, 1})},
      {Det(0, {0, 0, 1, 1}, 1), Det(0, {0, 0, 1, 1}, 1),
       Det(2, {0, 0, 1, 1}, 1)});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator e, Evaluator::Create(&run));
  // Class 0: 2 predictions x 2 GTs, plus the crowd GT's union IoU x 2.
  EXPECT_EQ(e.num_iou_computations(), 2 * 2 + 2);
}

// ---- The table ----

TEST(MetricsTableTest, RowAndPerClassColumns) {
  ModelRun run = OneRow({Gt(0, {0, 0, 10, 20})}, {Det(0, {0, 0, 10, 10}, 0.9),
                                                  Det(2, {0, 0, 10, 10}, 0.6)});
  run.rows[0].dataset = "drone";
  run.rows[0].metadata = {{"weather", std::string("rain")},
                          {"width", int64_t{640}},
                          {"exposure", 0.25}};
  DataRow other;
  other.data_row_id = "s";
  other.metadata = {{"width", 1.5}};
  run.rows.push_back(other);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, ComputeMetrics(run, Coco(0.5)));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table t, MetricsToTable(run, m));
  const Schema& s = t.schema();
  ASSERT_EQ(t.num_rows(), 2u);
  auto col = [&](const std::string& name) {
    std::optional<int> c = s.Find(name);
    EXPECT_TRUE(c.has_value()) << name;
    return c.value_or(0);
  };
  EXPECT_EQ(s.column(col("tp")).type, ColumnType::kInt);
  EXPECT_EQ(s.column(col("iou")).type, ColumnType::kFloat);
  EXPECT_EQ(s.column(col("split")).type, ColumnType::kCategorical);
  EXPECT_EQ(s.column(col("weather")).type, ColumnType::kCategorical);
  EXPECT_EQ(s.column(col("width")).type, ColumnType::kFloat);  // 640, 1.5
  EXPECT_EQ(s.column(col("exposure")).type, ColumnType::kFloat);
  EXPECT_EQ(s.column(col("fp[traffic light]")).type, ColumnType::kInt);
  EXPECT_EQ(s.column(col("iou[traffic light]")).type, ColumnType::kFloat);
  EXPECT_EQ(s.num_columns(), 3 + 12 + 3 + 3 * 12);
  EXPECT_EQ(t.GetInt(0, col("tp")).value(), 1);
  EXPECT_EQ(t.GetInt(0, col("fp")).value(), 1);
  EXPECT_EQ(t.GetInt(0, col("tn")).value(), 1);
  EXPECT_EQ(t.GetString(0, col("dataset")).value(), "drone");
  EXPECT_EQ(t.GetString(0, col("split")).value(), std::nullopt);
  EXPECT_EQ(t.GetFloat(0, col("width")).value(), 640.0f);
  EXPECT_EQ(t.GetFloat(1, col("width")).value(), 1.5f);
  EXPECT_EQ(t.GetString(1, col("weather")).value(), std::nullopt);
  EXPECT_EQ(t.GetInt(0, col("tp[car]")).value(), 1);
  EXPECT_EQ(t.GetInt(0, col("fp[car]")).value(), 0);
  EXPECT_EQ(t.GetFloat(0, col("iou[car]")).value(), 0.5f);
  EXPECT_EQ(t.GetInt(0, col("fp[traffic light]")).value(), 1);
  EXPECT_EQ(t.GetFloat(0, col("max_fp_confidence[traffic light]")).value(),
            0.6f);
  EXPECT_EQ(t.GetFloat(0, col("recall[traffic light]")).value(), std::nullopt);
  // No person object: counts 0 with tn 1, floats NULL.
  EXPECT_EQ(t.GetInt(0, col("tp[person]")).value(), 0);
  EXPECT_EQ(t.GetInt(0, col("tn[person]")).value(), 1);
  EXPECT_EQ(t.GetFloat(0, col("iou[person]")).value(), std::nullopt);
  EXPECT_EQ(t.GetFloat(1, col("precision")).value(), std::nullopt);
  EXPECT_EQ(t.GetInt(1, col("tn")).value(), 3);

  MetricsTableOptions no_classes;
  no_classes.per_class_columns = false;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table small,
                                MetricsToTable(run, m, no_classes));
  EXPECT_EQ(small.schema().num_columns(), 3 + 12 + 3);
  EXPECT_FALSE(small.schema().Find("fp[car]").has_value());
}

TEST(MetricsTableTest, MetadataCollidingWithAMetricColumnIsAnError) {
  ModelRun run = OneRow({}, {});
  run.rows[0].metadata = {{"fp", int64_t{3}}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, ComputeMetrics(run));
  EXPECT_THAT(MetricsToTable(run, m),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("metadata field \"fp\" collides")));
  ModelRun other = OneRow({}, {Det(0, {0, 0, 1, 1}, 1)});
  EXPECT_THAT(
      MetricsToTable(other, RunMetrics{}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("rows")));
}

TEST(EvaluatorTest, RejectsInvalidRuns) {
  ModelRun run = OneRow({Gt(5, {0, 0, 1, 1})}, {});
  EXPECT_THAT(Evaluator::Create(&run),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("class index out of range")));
  run = OneRow({}, {Det(0, {0, 0, -1, 1}, 1)});
  EXPECT_THAT(
      Evaluator::Create(&run),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid box")));
}

TEST(MetricsTableTest, PerClassCsvHasOneLinePerRowAndClassWithObjects) {
  ModelRun run =
      OneRow({Gt(0, {0, 0, 10, 20})},
             {Det(0, {0, 0, 10, 10}, 0.9), Det(2, {0, 0, 10, 10}, 0.25)});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m,
                                ComputeMetrics(run, Coco(0.5, 0.5)));
  std::ostringstream out;
  ASSERT_TRUE(WritePerClassCsv(run, m, out).ok());
  EXPECT_EQ(out.str(),
            "data_row_id,class,tp,fp,fn,tn,precision,recall,f1,iou,confidence,"
            "min_confidence,max_confidence,max_fp_confidence\n"
            "r,car,1,0,0,0,1,1,1,0.5,0.9,0.9,0.9,\n"
            "r,traffic light,0,0,0,1,,,,,0.25,0.25,0.25,\n");
}

// The worked example of docs/metrics.md.
TEST(MetricsTest, DocsWorkedExample) {
  ModelRun run =
      OneRow({Gt(0, {0, 0, 10, 20}), Gt(0, {100, 100, 50, 50}, true),
              Gt(1, {50, 0, 10, 10})},
             {Det(0, {0, 0, 10, 10}, 0.9), Det(0, {110, 110, 10, 10}, 0.7),
              Det(0, {0, 0, 10, 20}, 0.6), Det(1, {200, 0, 10, 10}, 0.8),
              Det(1, {50, 0, 10, 10}, 0.3)});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator e, Evaluator::Create(&run));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, e.Compute(MetricsOptions{}));
  const Metrics& r = m.rows[0];
  EXPECT_EQ(std::make_tuple(r.tp, r.fp, r.fn, r.tn),
            std::make_tuple(1, 2, 1, 1));
  EXPECT_DOUBLE_EQ(*r.precision, 1.0 / 3);
  EXPECT_DOUBLE_EQ(*r.recall, 0.5);
  EXPECT_DOUBLE_EQ(*r.f1, 0.4);
  EXPECT_DOUBLE_EQ(*r.iou, 1.04 / 5);
  EXPECT_DOUBLE_EQ(*r.confidence, 3.3 / 5);
  EXPECT_EQ(r.min_confidence, 0.3);
  EXPECT_EQ(r.max_confidence, 0.9);
  EXPECT_EQ(r.max_fp_confidence, 0.8);
  ASSERT_EQ(m.classes.size(), 2u);
  const Metrics& car = m.classes[0].metrics;
  EXPECT_EQ(std::make_tuple(car.tp, car.fp, car.fn, car.tn),
            std::make_tuple(1, 1, 0, 0));
  EXPECT_DOUBLE_EQ(*car.iou, 1.04 / 3);
  EXPECT_DOUBLE_EQ(*car.confidence, 2.2 / 3);
  EXPECT_EQ(car.max_fp_confidence, 0.6);
  const Metrics& person = m.classes[1].metrics;
  EXPECT_EQ(std::make_tuple(person.tp, person.fp, person.fn, person.tn),
            std::make_tuple(0, 1, 1, 0));
  EXPECT_EQ(person.iou, 0.0);
  EXPECT_EQ(person.recall, 0.0);
  MetricsOptions low;
  low.confidence_threshold = 0.25;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(m, e.Compute(low));
  EXPECT_EQ(std::make_tuple(m.rows[0].tp, m.rows[0].fp, m.rows[0].fn),
            std::make_tuple(2, 2, 0));
}

TEST(CocoRuleTest, AreaOutsideTheAllRangeIsIgnoredLikePycocotools) {
  GroundTruth huge = Gt(0, {0, 0, 10, 10});
  huge.area = 2e10;
  // The first detection matches the area-ignored GT: ignored, and the GT is
  // not an FN. It is not a crowd box, so the duplicate cannot match it: FP.
  ModelRun run = OneRow(
      {huge}, {Det(0, {0, 0, 10, 10}, 0.9), Det(0, {0, 0, 10, 10}, 0.8)});
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{0, 1, 0}));
  // A regular GT is preferred over it even at a lower IoU.
  run.rows[0].ground_truths.push_back(Gt(0, {0, 0, 10, 16}));
  EXPECT_EQ(RowCounts(run, Coco(0.5)), (Counts{1, 0, 0}));
  // An unmatched detection larger than 1e10 is ignored, not an FP.
  ModelRun big = OneRow(
      {}, {Det(0, {0, 0, 2e5, 1e5}, 0.9), Det(0, {0, 0, 1e5, 1e5}, 0.9)});
  EXPECT_EQ(RowCounts(big, Coco(0.5)), (Counts{0, 1, 0}));
}

// WriteMetricsCsv is a fast path for exporting MetricsToTable's table: on
// random runs (mixed metadata types, repeated field names, text that needs
// quoting, global keys on some rows, empty rows, crowd regions) it
// writes the very same bytes, with and without per-class columns.
std::string ExportOfMetricsTable(const ModelRun& run, const RunMetrics& m,
                                 const MetricsTableOptions& options) {
  absl::StatusOr<Table> table = MetricsToTable(run, m, options);
  EXPECT_TRUE(table.ok()) << table.status();
  if (!table.ok()) return "";
  std::vector<RowIndex> rows(table->num_rows());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<RowIndex>(i);
  std::ostringstream out;
  EXPECT_TRUE(ExportRows(*table, rows, ExportFormat::kCsv, out).ok());
  return out.str();
}

ModelRun RandomRunWithMetadata(std::mt19937& rng) {
  ModelRun run;
  run.classes = {"car", "person", "traffic light", "a,b \"quoted\""};
  std::uniform_int_distribution<int> num_rows(0, 40), num_objects(0, 4),
      cls(0, 3), coin(0, 1), pick(0, 5);
  const std::vector<std::string> texts = {
      "x", "two words", "a,b", " pad", "q\"uote", "line\nbreak", ""};
  const int rows = num_rows(rng);
  for (int r = 0; r < rows; ++r) {
    DataRow row;
    row.data_row_id = coin(rng) ? absl::StrCat(r) : absl::StrCat("id,", r);
    if (coin(rng)) row.dataset = texts[pick(rng) % texts.size()];
    if (pick(rng) != 0) row.split = "val";
    if (pick(rng) == 0) row.global_key = absl::StrCat("key ", r);
    // "n" is always an integer (an int column), "x" an integer or a
    // number (float), "mixed" anything (categorical); "n" may repeat.
    if (coin(rng)) row.metadata.push_back({"n", int64_t{pick(rng)} - 2});
    if (coin(rng)) {
      row.metadata.push_back(
          {"x", coin(rng) ? MetadataValue{int64_t{pick(rng)}}
                          : MetadataValue{pick(rng) / 3.0 + 1e-7}});
    }
    if (coin(rng)) {
      switch (pick(rng) % 3) {
        case 0:
          row.metadata.push_back({"mixed", texts[pick(rng)]});
          break;
        case 1:
          row.metadata.push_back({"mixed", int64_t{pick(rng)}});
          break;
        default:
          row.metadata.push_back({"mixed", pick(rng) * 0.123456789});
      }
    }
    if (pick(rng) == 0) row.metadata.push_back({"n", int64_t{99}});
    for (int i = num_objects(rng); i > 0; --i) {
      row.ground_truths.push_back(Gt(cls(rng), RandomBox(rng), pick(rng) == 0));
    }
    for (int i = num_objects(rng); i > 0; --i) {
      row.predictions.push_back(
          Det(cls(rng), RandomBox(rng), (pick(rng) + 1) / 6.0));
    }
    run.rows.push_back(std::move(row));
  }
  return run;
}

TEST(MetricsCsvTest, WriteMetricsCsvEqualsExportOfMetricsTable) {
  const uint32_t seed = 20261129;
  std::mt19937 rng(seed);
  for (int iteration = 0; iteration < 200; ++iteration) {
    SCOPED_TRACE(absl::StrCat("seed ", seed, ", iteration ", iteration));
    const ModelRun run = RandomRunWithMetadata(rng);
    absl::StatusOr<RunMetrics> m = ComputeMetrics(run);
    ASSERT_TRUE(m.ok()) << m.status();
    for (bool per_class : {true, false}) {
      for (bool label_issues : {false, true}) {
        MetricsTableOptions options;
        options.per_class_columns = per_class;
        if (label_issues) options.label_issues = LabelIssueOptions{};
        std::ostringstream fast;
        ASSERT_TRUE(WriteMetricsCsv(run, *m, options, fast).ok());
        ASSERT_EQ(fast.str(), ExportOfMetricsTable(run, *m, options));
      }
    }
  }
}

// label_issue_score is each row's highest FindLabelIssues score (as a
// float), NULL for a row without issues, on random runs and options.
TEST(MetricsTableTest, LabelIssueScoreIsTheRowsHighestIssue) {
  const uint32_t seed = 20261207;
  std::mt19937 rng(seed);
  int rows_with_issues = 0, rows_without = 0;
  for (int iteration = 0; iteration < 60; ++iteration) {
    SCOPED_TRACE(absl::StrCat("seed ", seed, ", iteration ", iteration));
    const ModelRun run = RandomRunWithMetadata(rng);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const RunMetrics m, ComputeMetrics(run));
    LabelIssueOptions issue_options;
    issue_options.min_confidence = iteration % 2 == 0 ? 0.5 : 0.2;
    issue_options.overlap_iou = iteration % 3 == 0 ? 0.1 : 0.3;
    MetricsTableOptions options;
    options.label_issues = issue_options;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table table,
                                  MetricsToTable(run, m, options));
    const std::optional<int> column =
        table.schema().Find(kLabelIssueScoreColumn);
    ASSERT_TRUE(column.has_value());
    EXPECT_EQ(table.schema().column(*column).type, ColumnType::kFloat);
    // Right after the metric columns.
    EXPECT_EQ(table.schema().column(*column - 1).name, "max_fp_confidence");
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<LabelIssue> issues,
                                  FindLabelIssues(run, nullptr, issue_options));
    std::vector<std::optional<double>> naive(run.rows.size());
    for (const LabelIssue& issue : issues) {
      naive[issue.row] = std::max(naive[issue.row].value_or(-1), issue.score);
    }
    for (size_t r = 0; r < run.rows.size(); ++r) {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          const std::optional<float> got,
          table.GetFloat(static_cast<RowIndex>(r), *column));
      ASSERT_EQ(got.has_value(), naive[r].has_value()) << "row " << r;
      if (got.has_value()) {
        EXPECT_EQ(*got, static_cast<float>(*naive[r])) << "row " << r;
        ++rows_with_issues;
      } else {
        ++rows_without;
      }
    }
  }
  // Both cases were exercised.
  EXPECT_GT(rows_with_issues, 50);
  EXPECT_GT(rows_without, 50);
}

TEST(MetricsTableTest, LabelIssueScoreErrors) {
  ModelRun run = OneRow({Gt(0, {0, 0, 4, 4})}, {Det(0, {0, 0, 4, 4}, 0.9)});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const RunMetrics m, ComputeMetrics(run));
  MetricsTableOptions options;
  options.label_issues = LabelIssueOptions{};
  options.label_issues->overlap_iou = 0.7;  // not below match_iou
  EXPECT_THAT(MetricsToTable(run, m, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("label_issues: overlap IoU 0.7")));
  std::ostringstream out;
  EXPECT_THAT(WriteMetricsCsv(run, m, options, out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("label_issues: overlap IoU 0.7")));
  EXPECT_EQ(out.str(), "");
  // A metadata field of that name collides with the column, only when the
  // column is asked for.
  run.rows[0].metadata.push_back({"label_issue_score", int64_t{1}});
  options.label_issues = LabelIssueOptions{};
  EXPECT_THAT(MetricsToTable(run, m, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"label_issue_score\" collides")));
  EXPECT_THAT(MetricsToTable(run, m, {}), IsOk());
}

TEST(MetricsCsvTest, FailsLikeMetricsToTableAndWritesNothing) {
  ModelRun run = OneRow({Gt(0, {0, 0, 4, 4})}, {Det(0, {0, 0, 4, 4}, 0.9)});
  run.rows.push_back(run.rows[0]);  // the same data_row_id twice
  absl::StatusOr<RunMetrics> m = ComputeMetrics(run);
  ASSERT_TRUE(m.ok()) << m.status();
  std::ostringstream out;
  EXPECT_THAT(WriteMetricsCsv(run, *m, {}, out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duplicate data_row_id")));
  EXPECT_EQ(out.str(), "");
  EXPECT_THAT(MetricsToTable(run, *m).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));

  // 1e300 fits a double but not a 32-bit float column.
  run.rows[1].data_row_id = "second";
  run.rows[1].metadata.push_back({"weight", 1e300});
  m = ComputeMetrics(run);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_THAT(
      WriteMetricsCsv(run, *m, {}, out),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'weight'")));
  EXPECT_EQ(out.str(), "");
  EXPECT_THAT(MetricsToTable(run, *m).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));

  // Column names the schema refuses: a metadata field named "", a class
  // listed twice (two `fp[car]` columns).
  run.rows[1].metadata = {{"", int64_t{1}}};
  m = ComputeMetrics(run);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_THAT(WriteMetricsCsv(run, *m, {}, out),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_EQ(out.str(), "");
  EXPECT_THAT(MetricsToTable(run, *m).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  run.rows[1].metadata.clear();
  run.classes.push_back("car");
  m = ComputeMetrics(run);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_THAT(WriteMetricsCsv(run, *m, {}, out),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_EQ(out.str(), "");
  EXPECT_THAT(MetricsToTable(run, *m).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  run.classes.pop_back();

  // A repeated field stores its first value only, so a second value that
  // does not fit a float is no error for either.
  run.rows[1].metadata = {{"weight", 2.5}, {"weight", 1e300}};
  m = ComputeMetrics(run);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_TRUE(WriteMetricsCsv(run, *m, {}, out).ok());
  EXPECT_EQ(out.str(), ExportOfMetricsTable(run, *m, {}));
  out.str("");
  run.rows[1].metadata.clear();
  m = ComputeMetrics(run);
  ASSERT_TRUE(m.ok()) << m.status();

  // Metrics of another run.
  run.rows[1].metadata.clear();
  RunMetrics other = *m;
  other.rows.pop_back();
  EXPECT_THAT(WriteMetricsCsv(run, other, {}, out),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace slicekit
