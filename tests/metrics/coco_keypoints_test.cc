// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO keypoints: the importer's `keypoints`, `num_keypoints` and the
// categories' `keypoints`/`skeleton`, and keypoint evaluation by OKS,
// against pycocotools' COCOeval(gt, dt, "keypoints") on
// tests/data/coco_keypoints (make_fixture.py there).
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "slicekit/average_precision.h"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"
#include "src/metrics/coco_oks.h"
#include "tests/testing/coco_fixture.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::ClassIndex;
using ::slicekit::testing::ReadJson;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

std::string DataPath(const std::string& name) {
  return ::slicekit::testing::DataPath("coco_keypoints", name);
}

// "default": COCO's person sigmas; "custom_sigmas": other sigmas set on
// every class (pycocotools' params.kpt_oks_sigmas).
class KeypointParity : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        run_, ImportCocoFiles(DataPath("gt.json"), DataPath("dets.json")));
    oracle_ = ReadJson(DataPath("oracle.json"))[GetParam()];
    const std::vector<double> sigmas = oracle_["sigmas"];
    ASSERT_EQ(run_.keypoints.size(), run_.classes.size());
    for (KeypointSchema& k : run_.keypoints) {
      ASSERT_EQ(k.names.size(), 17u);
      if (GetParam() == "default") {
        EXPECT_EQ(k.sigmas, sigmas);  // COCO's, bit for bit
      }
      k.sigmas = sigmas;
    }
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        evaluator_, Evaluator::Create(&run_, IouType::kKeypoints));
  }
  ModelRun run_;
  std::optional<Evaluator> evaluator_;
  nlohmann::json oracle_;
};

TEST_P(KeypointParity, TenStatsAndPerClassApEqualPycocotools) {
  const CocoEvaluation e = CocoEvaluator::Create(*evaluator_).Evaluate();
  EXPECT_EQ(e.iou_type, IouType::kKeypoints);
  ASSERT_EQ(e.num_stats, 10);
  ASSERT_EQ(oracle_["stats"].size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_NEAR(e.stats[i], oracle_["stats"][i].get<double>(), 1e-9)
        << CocoStatLine(i, e.stats[i], IouType::kKeypoints);
    EXPECT_GE(e.stats[i], 0) << i;  // the set reaches every stat
  }
  EXPECT_EQ(e.stats[10], -1);
  EXPECT_EQ(e.stats[11], -1);
  for (const auto& [name, want] : oracle_["per_class"].items()) {
    const CocoClassAp& got = e.classes[ClassIndex(run_, name)];
    EXPECT_NEAR(got.ap, want["ap"].get<double>(), 1e-9) << name;
    EXPECT_NEAR(got.ap50, want["ap50"].get<double>(), 1e-9) << name;
    EXPECT_NEAR(got.ap75, want["ap75"].get<double>(), 1e-9) << name;
  }
}

TEST_P(KeypointParity, PrecisionScoreAndRecallArraysAreExact) {
  const CocoEvaluation e = CocoEvaluator::Create(*evaluator_).Evaluate();
  int compared = 0;
  for (const auto& [name, by_area] : oracle_["precision"].items()) {
    const int k = ClassIndex(run_, name);
    // pycocotools' keypoint Params: areas all, medium, large; maxDets 20.
    ASSERT_EQ(e.num_areas(), 3);
    ASSERT_EQ(e.num_max_dets(), 1);
    for (int a = 0; a < 3; ++a) {
      const int i = a;
      for (int t = 0; t < kCocoIouThresholds; ++t) {
        for (int r = 0; r < kCocoRecallThresholds; ++r) {
          ASSERT_EQ(e.Precision(t, r, k, a, 0), by_area[i][t][r].get<double>())
              << name << " a=" << a << " t=" << t << " r=" << r;
          ASSERT_EQ(e.Score(t, r, k, a, 0),
                    oracle_["scores"][name][i][t][r].get<double>())
              << name << " a=" << a << " t=" << t << " r=" << r;
          ++compared;
        }
        ASSERT_EQ(e.Recall(t, k, a, 0),
                  oracle_["recall"][name][i][t].get<double>())
            << name << " a=" << a << " t=" << t;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 2 * 3 * 10 * 102);
}

// Per image, TP/FP/FN summed over classes as evalImgs holds them (area
// all, maxDets 20, every score) at OKS .5 and .75.
TEST_P(KeypointParity, PerImageCountsEqualEvalImgs) {
  const auto& thresholds = oracle_["per_image_iou"];
  for (int slot = 0; slot < 2; ++slot) {
    MetricsOptions options;
    options.iou_type = IouType::kKeypoints;
    options.iou_threshold = thresholds[slot].get<double>();
    options.confidence_threshold = 0;
    options.max_detections = 20;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, evaluator_->Compute(options));
    int64_t tp = 0;
    for (size_t r = 0; r < run_.rows.size(); ++r) {
      const auto& want = oracle_["per_image"][run_.rows[r].data_row_id][slot];
      SCOPED_TRACE(absl::StrCat("image ", run_.rows[r].data_row_id, " OKS ",
                                options.iou_threshold));
      EXPECT_EQ(m.rows[r].tp, want[0].get<int64_t>());
      EXPECT_EQ(m.rows[r].fp, want[1].get<int64_t>());
      EXPECT_EQ(m.rows[r].fn, want[2].get<int64_t>());
      tp += m.rows[r].tp;
    }
    EXPECT_GT(tp, 20);
  }
}

INSTANTIATE_TEST_SUITE_P(Sigmas, KeypointParity,
                         ::testing::Values("default", "custom_sigmas"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           return i.param == "default" ? "Coco" : "Custom";
                         });

TEST(KeypointFixtureTest, ExercisesTheCornersItIsMeantTo) {
  const nlohmann::json gt = ReadJson(DataPath("gt.json"));
  int hidden = 0, crowd = 0, unlabelled = 0;
  for (const auto& a : gt["annotations"]) {
    for (size_t i = 2; i < a["keypoints"].size(); i += 3) {
      hidden += a["keypoints"][i] == 0;
    }
    if (a["iscrowd"] == 1) ++crowd;
    if (a["iscrowd"] == 0 && a["num_keypoints"] == 0) ++unlabelled;
  }
  EXPECT_GE(hidden, 50);     // v = 0 keypoints
  EXPECT_GE(crowd, 5);       // crowd persons
  EXPECT_GE(unlabelled, 3);  // ignored: num_keypoints 0
  std::map<std::pair<int64_t, int64_t>, int> per_image_class;
  for (const auto& d : ReadJson(DataPath("dets.json"))) {
    EXPECT_FALSE(d.contains("bbox"));  // box and area from the keypoints
    ++per_image_class[{d["image_id"].get<int64_t>(),
                       d["category_id"].get<int64_t>()}];
  }
  int over_max_dets = 0;
  for (const auto& [key, n] : per_image_class) over_max_dets += n > 20;
  EXPECT_GE(over_max_dets, 1);  // maxDets 20 cuts
}

TEST(KeypointStatLineTest, PrintsSummarizeKpsLines) {
  EXPECT_EQ(CocoStatLine(0, 0.5, IouType::kKeypoints),
            " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | "
            "maxDets= 20 ] = 0.500");
  EXPECT_EQ(CocoStatLine(4, 0.25, IouType::kKeypoints),
            " Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | "
            "maxDets= 20 ] = 0.250");
  EXPECT_EQ(CocoStatLine(7, 0.125, IouType::kKeypoints),
            " Average Recall     (AR) @[ IoU=0.75      | area=   all | "
            "maxDets= 20 ] = 0.125");
  EXPECT_EQ(CocoStatLine(8, 1, IouType::kKeypoints),
            " Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | "
            "maxDets= 20 ] = 1.000");
}

// ---- Import ----

constexpr char kGt[] = R"({
  "images": [{"id": 1, "width": 100, "height": 100}],
  "categories": [{"id": 1, "name": "hand", "keypoints": ["a", "b"],
                  "skeleton": [[1, 2]]},
                 {"id": 2, "name": "ball"}],
  "annotations": [
    {"id": 10, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10],
     "keypoints": [1, 2, 2, 0, 0, 0], "num_keypoints": 1},
    {"id": 11, "image_id": 1, "category_id": 2, "bbox": [5, 5, 4, 4]}
  ]})";
constexpr char kDets[] = R"([
  {"image_id": 1, "category_id": 1, "score": 0.5,
   "keypoints": [1, 2, 0.9, 7, 4, 0.1]}
])";

std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(KeypointImportTest, ReadsSchemaKeypointsAndDerivesResultBoxes) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ModelRun run, ImportCoco(kGt, kDets));
  ASSERT_EQ(run.keypoints.size(), 2u);
  EXPECT_EQ(run.keypoints[0].names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(run.keypoints[0].skeleton.size(), 1u);
  EXPECT_EQ(run.keypoints[0].skeleton[0], std::make_pair(1, 2));
  EXPECT_TRUE(run.keypoints[0].sigmas.empty());  // not 17: the caller's
  EXPECT_TRUE(run.keypoints[1].names.empty());
  const GroundTruth& g = run.rows[0].ground_truths[0];
  EXPECT_EQ(g.keypoints, (std::vector<double>{1, 2, 2, 0, 0, 0}));
  EXPECT_EQ(g.num_keypoints, 1);
  // loadRes: a keypoint result's box and area are its keypoints' extent.
  const Prediction& p = run.rows[0].predictions[0];
  EXPECT_EQ(p.box.x, 1);
  EXPECT_EQ(p.box.y, 2);
  EXPECT_EQ(p.box.w, 6);
  EXPECT_EQ(p.box.h, 2);
  EXPECT_EQ(p.area, 12);
  // Keypoint evaluation needs sigmas for a class of 2 keypoints, and every
  // object its class's keypoints.
  EXPECT_THAT(Evaluator::Create(&run, IouType::kKeypoints),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("row 1: ground_truths[0]: class \"hand\" has "
                                 "no keypoint sigmas")));
  run.keypoints[0].sigmas = {0.1, 0.1};
  EXPECT_THAT(Evaluator::Create(&run, IouType::kKeypoints),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("row 1: ground_truths[1]: class \"ball\" has "
                                 "no keypoint sigmas")));
  run.rows[0].ground_truths.pop_back();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator e,
                                Evaluator::Create(&run, IouType::kKeypoints));
  MetricsOptions options;
  options.iou_type = IouType::kKeypoints;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, e.Compute(options));
  // One visible keypoint, matched exactly: OKS 1.
  EXPECT_EQ(m.rows[0].tp, 1);
  EXPECT_EQ(m.rows[0].iou, 1.0);
}

TEST(KeypointImportTest, BadKeypointsNameRecordAndField) {
  const std::string gt = kGt, dets = kDets;
  struct Case {
    std::string gt, dets, message;
  };
  const std::vector<Case> cases = {
      {Replace(gt, "[1, 2, 2, 0, 0, 0]", "[1, 2, 2, 0, 0]"), dets,
       "gt.json: annotations[0] (id 10): keypoints: 5 numbers, not 3 x 2"},
      {Replace(gt, "[1, 2, 2, 0, 0, 0]", "[1, 2, 3, 0, 0, 0]"), dets,
       "gt.json: annotations[0] (id 10): keypoints: v of keypoint 0 is not 0, "
       "1 or 2 (3)"},
      {Replace(gt, "[1, 2, 2, 0, 0, 0]", "[1, \"x\", 2, 0, 0, 0]"), dets,
       "gt.json: annotations[0] (id 10): keypoints: number 1 is not a number"},
      {Replace(gt, "\"num_keypoints\": 1", "\"num_keypoints\": -1"), dets,
       "gt.json: annotations[0] (id 10): num_keypoints: negative (-1)"},
      {Replace(gt, "[5, 5, 4, 4]}", "[5, 5, 4, 4], \"keypoints\": [1, 1, 1]}"),
       dets,
       "gt.json: annotations[1] (id 11): keypoints: the category has no "
       "keypoints"},
      {Replace(gt, "[[1, 2]]", "[[1, 3]]"), dets,
       "gt.json: categories[0] (id 1): skeleton: edge 0 is not a pair of "
       "keypoint numbers 1..2"},
      {Replace(gt, "[\"a\", \"b\"]", "[\"a\", 2]"), dets,
       "gt.json: categories[0] (id 1): keypoints: name 1 is not a string"},
      {gt, Replace(dets, "[1, 2, 0.9, 7, 4, 0.1]", "[1, 2, 0.9]"),
       "dets.json: [0]: keypoints: 3 numbers, not 3 x 2"},
      {gt, Replace(dets, "[1, 2, 0.9, 7, 4, 0.1]", "{}"),
       "dets.json: [0]: keypoints: not a list of numbers"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        ImportCoco(c.gt, c.dets),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.message;
  }
}

// Without any labelled keypoint, OKS measures how far the detection's
// keypoints fall outside the box twice the ground truth's size around it:
// inside it they count as perfect, as in pycocotools.
TEST(KeypointOksTest, UnlabelledGroundTruthUsesTheEnlargedBox) {
  const std::vector<double> sigmas = {0.1, 0.1};
  GroundTruth g;
  g.box = {10, 10, 10, 10};
  g.area = 100;
  g.keypoints = {0, 0, 0, 0, 0, 0};
  Prediction inside, outside;
  inside.keypoints = {0.5, 0.5, 1, 29.5, 29.5, 1};  // within [0, 30]
  outside.keypoints = {-5, 15, 1, 15, 15, 1};       // 5 px left of it
  EXPECT_EQ(internal::CocoOks(inside, g, sigmas), 1.0);
  // exp(-25 / (2 s^2 (100 + eps))) with s = 2 sigma for keypoint a, 1 for
  // b, averaged.
  const double s = 0.1 * 2;
  const double e0 = 25.0 / (s * s) / (100 + 0x1p-52) / 2;
  EXPECT_EQ(internal::CocoOks(outside, g, sigmas), (std::exp(-e0) + 1) / 2);
  // With labels only the labelled (v > 0) keypoints count.
  g.keypoints = {-5, 15, 2, 0, 0, 0};
  EXPECT_EQ(internal::CocoOks(outside, g, sigmas), 1.0);
  g.keypoints = {0, 15, 1, 0, 0, 0};
  EXPECT_EQ(internal::CocoOks(outside, g, sigmas), std::exp(-e0));
}

// Ground truths with num_keypoints 0 are ignored (never a false negative,
// a detection on them neither TP nor FP); crowds absorb detections.
TEST(KeypointOksTest, UnlabelledAndCrowdGroundTruthsAreIgnored) {
  ModelRun run;
  run.classes = {"hand"};
  run.keypoints = {KeypointSchema{{"a", "b"}, {}, {0.1, 0.1}}};
  DataRow row;
  row.data_row_id = "1";
  GroundTruth labelled, unlabelled, crowd;
  labelled.box = unlabelled.box = {10, 10, 10, 10};
  labelled.area = unlabelled.area = 100;
  labelled.keypoints = {12, 12, 2, 18, 18, 2};
  unlabelled.keypoints = {0, 0, 0, 0, 0, 0};
  crowd = unlabelled;
  crowd.box = {50, 50, 40, 40};
  crowd.iscrowd = true;
  row.ground_truths = {labelled, unlabelled, crowd};
  Prediction hit, on_unlabelled, in_crowd1, in_crowd2;
  hit.keypoints = {12, 12, 1, 18, 18, 1};
  on_unlabelled.keypoints = {11, 11, 1, 19, 19, 1};
  in_crowd1.keypoints = {60, 60, 1, 70, 70, 1};
  in_crowd2.keypoints = {65, 62, 1, 75, 72, 1};
  row.predictions = {hit, on_unlabelled, in_crowd1, in_crowd2};
  run.rows.push_back(row);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator e,
                                Evaluator::Create(&run, IouType::kKeypoints));
  MetricsOptions options;
  options.iou_type = IouType::kKeypoints;
  options.confidence_threshold = 0;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics m, e.Compute(options));
  EXPECT_EQ(m.rows[0].tp, 1);
  EXPECT_EQ(m.rows[0].fp, 0);
  EXPECT_EQ(m.rows[0].fn, 0);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation ap,
                                EvaluateCoco(run, IouType::kKeypoints));
  EXPECT_EQ(ap.classes[0].num_ground_truths, 1);
  EXPECT_NEAR(ap.stats[kCocoAp50], 1.0, 1e-12);  // tp / (tp + fp + eps)
}

}  // namespace
}  // namespace slicekit
