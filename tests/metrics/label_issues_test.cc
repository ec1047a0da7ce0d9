// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/label_issues.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/metrics.h"
#include "tests/metrics/detection_fixture.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

// A planted label error: the row, the ground-truth id it concerns, the
// object's true box (for a deleted box, where it was) and the kind that
// should find it.
struct Planted {
  size_t row;
  int64_t gt_id;
  Box box;
  LabelIssueKind kind;
};

struct PlantedRun {
  ModelRun run;
  std::vector<Planted> planted;
};

// A near-perfect model: every object predicted on its box (jittered by up
// to 2 px, confidence U(.7, 1)) but for 3% missed; a low-confidence
// background false positive in half the images; confident duplicates (10%
// of objects) and second guesses of another class (5%). Then about 2% of the
// labels each get their class swapped, get deleted, or get shifted by 0.6 of
// their width (IoU .25).
PlantedRun MakePlantedRun(uint32_t seed, int images) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  PlantedRun out;
  ModelRun& run = out.run;
  run.classes = {"car", "person", "bike", "dog", "cat"};
  const int32_t nc = static_cast<int32_t>(run.classes.size());
  int64_t next_id = 1;
  for (int i = 0; i < images; ++i) {
    DataRow row;
    row.data_row_id = std::to_string(i + 1);
    const int n = 1 + static_cast<int>(u(rng) * 8);
    for (int k = 0; k < n; ++k) {
      GroundTruth gt;
      gt.class_index = static_cast<int32_t>(u(rng) * nc);
      gt.box = testing::CellBox(k, 40 + 40 * u(rng), 40 + 40 * u(rng));
      gt.id = next_id++;
      if (u(rng) >= 0.03) {
        Prediction p;
        p.class_index = gt.class_index;
        p.box = gt.box;
        p.box.x += 4 * u(rng) - 2;
        p.box.y += 4 * u(rng) - 2;
        p.confidence = 0.7 + 0.3 * u(rng);
        row.predictions.push_back(p);
        // The model's own confident errors, which are no label's: a
        // duplicate (an NMS failure) and a second guess of another class.
        if (u(rng) < 0.10) {
          Prediction dup = p;
          dup.box.x += 3;
          dup.confidence = 0.5 + 0.4 * u(rng);
          row.predictions.push_back(dup);
        }
        if (u(rng) < 0.05) {
          Prediction other = p;
          other.class_index = (p.class_index + 1) % nc;
          other.confidence = 0.5 + 0.3 * u(rng);
          row.predictions.push_back(other);
        }
      }
      row.ground_truths.push_back(gt);
    }
    if (u(rng) < 0.5) {
      Prediction p;
      p.class_index = static_cast<int32_t>(u(rng) * nc);
      p.box = testing::CellBox(99);
      p.confidence = 0.45 * u(rng);
      row.predictions.push_back(p);
    }
    const size_t r_index = run.rows.size();
    for (size_t g = 0; g < row.ground_truths.size();) {
      const double r = u(rng);
      GroundTruth& gt = row.ground_truths[g];
      if (r < 0.02) {
        gt.class_index =
            (gt.class_index + 1 + static_cast<int32_t>(u(rng) * (nc - 1))) % nc;
        out.planted.push_back(
            {r_index, gt.id, gt.box, LabelIssueKind::kSwapped});
      } else if (r < 0.04) {
        out.planted.push_back(
            {r_index, gt.id, gt.box, LabelIssueKind::kOverlooked});
        row.ground_truths.erase(row.ground_truths.begin() + g);
        continue;
      } else if (r < 0.06) {
        out.planted.push_back(
            {r_index, gt.id, gt.box, LabelIssueKind::kBadlyLocated});
        gt.box.x += gt.box.w * 0.6;
      }
      ++g;
    }
    run.rows.push_back(row);
  }
  return out;
}

// Whether `issue` finds `p`: the same box with the same kind; for a deleted
// box, an overlooked prediction on where the box was.
bool Finds(const ModelRun& run, const LabelIssue& issue, const Planted& p) {
  if (issue.row != p.row || issue.kind != p.kind) return false;
  const DataRow& row = run.rows[issue.row];
  if (p.kind != LabelIssueKind::kOverlooked) {
    return issue.ground_truth.has_value() &&
           row.ground_truths[*issue.ground_truth].id == p.gt_id;
  }
  return CocoIou(row.predictions[issue.prediction].box, p.box, false) >= 0.5;
}

// At least 90% of the planted errors are found, with the right kind, among
// the top |planted| issues. Prints, for the record, the precision of
// Labelbox's rule (the "Candidate mislabels" auto slice: images with a
// false positive, by their most confident one) on the same data: of its
// first |images with a planted error| images, the share that hold one.
TEST(LabelIssuesTest, FindsPlantedLabelErrors) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    const PlantedRun data = MakePlantedRun(seed, 600);
    const size_t n = data.planted.size();
    ASSERT_GE(n, 100u) << seed;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<LabelIssue> issues,
                                  FindLabelIssues(data.run));
    issues.resize(std::min(issues.size(), n));
    size_t found = 0;
    std::set<size_t> planted_rows;
    for (const Planted& p : data.planted) {
      planted_rows.insert(p.row);
      found += std::any_of(
          issues.begin(), issues.end(),
          [&](const LabelIssue& i) { return Finds(data.run, i, p); });
    }
    EXPECT_GE(found * 10, n * 9) << seed << ": " << found << " of " << n;
    size_t issue_rows_hit = 0;
    for (const LabelIssue& i : issues)
      issue_rows_hit += planted_rows.count(i.row);

    SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics metrics,
                                  ComputeMetrics(data.run, {}));
    std::vector<std::pair<double, size_t>> candidates;
    for (size_t r = 0; r < data.run.rows.size(); ++r) {
      const Metrics& m = metrics.rows[r];
      if (m.fp >= 1 && m.max_fp_confidence.has_value()) {
        candidates.push_back({-*m.max_fp_confidence, r});
      }
    }
    std::sort(candidates.begin(), candidates.end());
    const size_t k = std::min(candidates.size(), planted_rows.size());
    size_t hits = 0;
    for (size_t i = 0; i < k; ++i)
      hits += planted_rows.count(candidates[i].second);
    std::printf(
        "seed %u: %zu planted in %zu images; label issues found %zu (%.1f%%) "
        "with the right kind in the top %zu (image precision %.1f%%); "
        "Labelbox's rule: %zu of its top %zu images hold a planted error "
        "(precision %.1f%%), %zu images with a false positive\n",
        seed, n, planted_rows.size(), found, 100.0 * found / n, n,
        100.0 * issue_rows_hit / issues.size(), hits, k, 100.0 * hits / k,
        candidates.size());
  }
}

ModelRun OneOfEach() {
  ModelRun run;
  run.classes = {"a", "b"};
  DataRow row;
  row.data_row_id = "7";
  auto gt = [&](int32_t c, Box b, int64_t id, bool crowd = false) {
    GroundTruth g;
    g.class_index = c;
    g.box = b;
    g.id = id;
    g.iscrowd = crowd;
    row.ground_truths.push_back(g);
  };
  gt(1, Box{0, 0, 10, 10}, 1);    // labelled b, predicted a: swapped
  gt(0, Box{130, 0, 10, 10}, 2);  // a, predicted 6 px left: badly located
  gt(0, Box{500, 500, 50, 50}, 3, true);  // a crowd region
  row.predictions = {
      Prediction{0, Box{0, 0, 10, 10}, 0.9},
      Prediction{0, Box{124, 0, 10, 10}, 0.8},     // IoU 4/16
      Prediction{1, Box{300, 0, 10, 10}, 0.7},     // overlooked
      Prediction{1, Box{510, 510, 10, 10}, 0.95},  // in the crowd
      Prediction{1, Box{700, 0, 10, 10}, 0.3}};    // not confident
  run.rows.push_back(row);
  return run;
}

TEST(LabelIssuesTest, OneOfEachKindWithItsScore) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<LabelIssue> issues,
                                FindLabelIssues(OneOfEach()));
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].kind, LabelIssueKind::kSwapped);
  EXPECT_EQ(issues[0].ground_truth, 0u);
  EXPECT_DOUBLE_EQ(issues[0].score, 0.9);
  EXPECT_EQ(issues[1].kind, LabelIssueKind::kOverlooked);
  EXPECT_FALSE(issues[1].ground_truth.has_value());
  EXPECT_EQ(issues[1].prediction, 2u);
  EXPECT_DOUBLE_EQ(issues[1].score, 0.7);
  EXPECT_EQ(issues[2].kind, LabelIssueKind::kBadlyLocated);
  EXPECT_EQ(issues[2].ground_truth, 1u);
  EXPECT_DOUBLE_EQ(issues[2].score, 0.8 * 0.25 / 0.5);
  EXPECT_EQ(LabelIssueKindName(issues[2].kind), "badly_located");
}

TEST(LabelIssuesTest, MinConfidenceOption) {
  LabelIssueOptions o;
  o.min_confidence = 0.25;  // now the 0.3 prediction is overlooked too
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<LabelIssue> issues,
                                FindLabelIssues(OneOfEach(), nullptr, o));
  EXPECT_EQ(issues.size(), 4u);
  o.min_confidence = 0.85;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(issues,
                                FindLabelIssues(OneOfEach(), nullptr, o));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, LabelIssueKind::kSwapped);
}

TEST(LabelIssuesTest, OverlapIouOption) {
  LabelIssueOptions o;
  o.overlap_iou = 0.3;  // IoU .25 no longer overlaps: overlooked instead
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<LabelIssue> issues,
                                FindLabelIssues(OneOfEach(), nullptr, o));
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[2].kind, LabelIssueKind::kOverlooked);
  EXPECT_EQ(issues[2].prediction, 1u);
  EXPECT_DOUBLE_EQ(issues[2].score, 0.8 * 0.75);
}

TEST(LabelIssuesTest, MatchIouOption) {
  LabelIssueOptions o;
  o.match_iou = 0.2;  // IoU .25 now matches: no longer badly located
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<LabelIssue> issues,
                                FindLabelIssues(OneOfEach(), nullptr, o));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].kind, LabelIssueKind::kSwapped);
  EXPECT_EQ(issues[1].kind, LabelIssueKind::kOverlooked);
}

TEST(LabelIssuesTest, MaxDetectionsOption) {
  LabelIssueOptions o;
  o.max_detections = 1;  // only the 0.95 prediction, absorbed by the crowd
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<LabelIssue> issues,
                                FindLabelIssues(OneOfEach(), nullptr, o));
  EXPECT_TRUE(issues.empty());
}

TEST(LabelIssuesTest, RejectsBadOptions) {
  const ModelRun run = OneOfEach();
  LabelIssueOptions o;
  o.min_confidence = 2;
  EXPECT_THAT(FindLabelIssues(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("minimum confidence 2")));
  o = {};
  o.match_iou = 0;
  EXPECT_THAT(
      FindLabelIssues(run, nullptr, o),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("match IoU 0")));
  o = {};
  o.overlap_iou = 0.5;
  EXPECT_THAT(FindLabelIssues(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("overlap IoU 0.5")));
  o = {};
  o.max_detections = 0;
  EXPECT_THAT(FindLabelIssues(run, nullptr, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max detections 0")));
  Selection wrong(4);
  EXPECT_THAT(
      FindLabelIssues(run, &wrong),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("covers 4 rows")));
}

}  // namespace
}  // namespace slicekit
