// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO's Params: CocoEvaluator under non-default maxDets, iouThrs, recThrs,
// areaRng and useCats against pycocotools' COCOeval on the committed bbox,
// segm and keypoints sets (tests/data/coco_params/make_fixture.py), and
// ValidateCocoParams' errors.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "slicekit/average_precision.h"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"
#include "tests/testing/coco_fixture.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::ClassIndex;
using ::slicekit::testing::IsOk;
using ::slicekit::testing::ReadJson;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

const nlohmann::json& Oracle() {
  static const nlohmann::json* const kOracle = new nlohmann::json(ReadJson(
      ::slicekit::testing::DataPath("coco_params", "oracle.json")));
  return *kOracle;
}

IouType TypeOf(const std::string& name) {
  if (name == "segm") return IouType::kSegm;
  if (name == "keypoints") return IouType::kKeypoints;
  return IouType::kBbox;
}

CocoParams ParamsOf(const nlohmann::json& j) {
  CocoParams p;
  p.iou_thresholds = j["iou_thresholds"].get<std::vector<double>>();
  p.recall_thresholds = j["recall_thresholds"].get<std::vector<double>>();
  p.max_dets = j["max_dets"].get<std::vector<int>>();
  for (const nlohmann::json& a : j["area_ranges"]) {
    p.area_ranges.push_back({a["label"].get<std::string>(),
                             a["min"].get<double>(), a["max"].get<double>()});
  }
  p.use_cats = j["use_cats"].get<bool>();
  return p;
}

class ParamsParity : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    oracle_ = Oracle()[GetParam()];
    const std::string dir = oracle_["fixture"].get<std::string>();
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        run_, ImportCocoFiles(
                  ::slicekit::testing::DataPath(dir, "gt.json"),
                  ::slicekit::testing::DataPath(
                      dir, oracle_["results"].get<std::string>())));
    type_ = TypeOf(oracle_["iou_type"].get<std::string>());
    params_ = ParamsOf(oracle_["params"]);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator,
                                  Evaluator::Create(&run_, type_));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        CocoEvaluator coco, CocoEvaluator::Create(evaluator, params_));
    e_ = coco.Evaluate();
  }
  // The arrays' class k for the oracle's class i (sorted category ids).
  int ClassOf(size_t i) const {
    const std::string name = oracle_["classes"][i].get<std::string>();
    return params_.use_cats ? ClassIndex(run_, name) : 0;
  }
  ModelRun run_;
  IouType type_ = IouType::kBbox;
  CocoParams params_;
  CocoEvaluation e_;
  nlohmann::json oracle_;
};

TEST_P(ParamsParity, StatsAndLinesEqualPycocotools) {
  EXPECT_EQ(e_.params, params_);
  const int n = type_ == IouType::kKeypoints ? 10 : 12;
  ASSERT_EQ(e_.num_stats, n);
  ASSERT_EQ(oracle_["stats"].size(), static_cast<size_t>(n));
  int defined = 0;
  for (int i = 0; i < n; ++i) {
    EXPECT_NEAR(e_.stats[i], oracle_["stats"][i].get<double>(), 1e-9)
        << e_.StatLine(i);
    // -1 exactly where pycocotools finds no entry.
    EXPECT_EQ(e_.stats[i] == -1, oracle_["stats"][i].get<double>() == -1)
        << e_.StatLine(i);
    defined += e_.stats[i] >= 0;
  }
  EXPECT_GT(defined, 0);
  if (oracle_.contains("lines")) {
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(e_.StatLine(i), oracle_["lines"][i].get<std::string>());
    }
  }
}

TEST_P(ParamsParity, PrecisionScoreAndRecallArraysAreExact) {
  const size_t T = params_.iou_thresholds.size();
  const size_t R = params_.recall_thresholds.size();
  const size_t A = params_.area_ranges.size();
  const size_t M = params_.max_dets.size();
  const size_t K = oracle_["classes"].size();
  ASSERT_EQ(e_.num_classes, static_cast<int>(params_.use_cats ? run_.classes.size() : 1));
  ASSERT_EQ(e_.precision.size(), T * R * e_.num_classes * A * M);
  ASSERT_EQ(e_.recall.size(), T * e_.num_classes * A * M);
  const nlohmann::json& precision = oracle_["precision"];
  const nlohmann::json& scores = oracle_["scores"];
  const nlohmann::json& recall = oracle_["recall"];
  size_t compared = 0;
  for (size_t t = 0; t < T; ++t) {
    for (size_t i = 0; i < K; ++i) {
      const int k = ClassOf(i);
      for (size_t a = 0; a < A; ++a) {
        for (size_t m = 0; m < M; ++m) {
          ASSERT_EQ(e_.Recall(t, k, a, m), recall[t][i][a][m].get<double>())
              << "t=" << t << " k=" << i << " a=" << a << " m=" << m;
          for (size_t r = 0; r < R; ++r) {
            ASSERT_EQ(e_.Precision(t, r, k, a, m),
                      precision[t][r][i][a][m].get<double>())
                << "t=" << t << " r=" << r << " k=" << i << " a=" << a
                << " m=" << m;
            if (!scores.is_null()) {
              ASSERT_EQ(e_.Score(t, r, k, a, m),
                        scores[t][r][i][a][m].get<double>())
                  << "t=" << t << " r=" << r << " k=" << i << " a=" << a
                  << " m=" << m;
            }
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, T * R * K * A * M);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParamsParity,
    ::testing::Values("bbox_max_dets_1_5_20", "bbox_max_dets_2_100_300",
                      "bbox_max_dets_5_50", "bbox_custom",
                      "bbox_no_categories", "bbox_no_categories_custom",
                      "segm_custom", "segm_no_categories",
                      "keypoints_custom"),
    [](const ::testing::TestParamInfo<std::string>& info) {
      return info.param;
    });

// Every case of the fixture is instantiated above.
TEST(ParamsFixture, EveryCaseIsTested) { EXPECT_EQ(Oracle().size(), 9u); }

// ---- Defaults ----

TEST(CocoParamsTest, DefaultsAreNumpysLinspaceAndCocosRanges) {
  for (IouType type : {IouType::kBbox, IouType::kSegm, IouType::kKeypoints}) {
    const CocoParams p = CocoParams::Default(type);
    ASSERT_EQ(p.iou_thresholds.size(), 10u);
    for (int t = 0; t < 10; ++t) {
      EXPECT_EQ(p.iou_thresholds[t], CocoIouThreshold(t));
    }
    ASSERT_EQ(p.recall_thresholds.size(), 101u);
    for (int r = 0; r < 101; ++r) {
      EXPECT_EQ(p.recall_thresholds[r], CocoRecallThreshold(r));
    }
    EXPECT_TRUE(p.use_cats);
    EXPECT_THAT(ValidateCocoParams(p, type), IsOk());
  }
  EXPECT_EQ(CocoParams::Default(IouType::kBbox).max_dets,
            (std::vector<int>{1, 10, 100}));
  EXPECT_EQ(CocoParams::Default(IouType::kKeypoints).max_dets,
            (std::vector<int>{20}));
  const CocoParams kp = CocoParams::Default(IouType::kKeypoints);
  ASSERT_EQ(kp.area_ranges.size(), 3u);
  EXPECT_EQ(kp.area_ranges[1].label, "medium");
  // numpy.linspace(.5, .95, 10)[8] is 0.8999999999999999.
  EXPECT_EQ(CocoLinspace(0.5, 0.95, 10)[8], 0.8999999999999999);
  EXPECT_EQ(CocoLinspace(0.2, 0.2, 1), (std::vector<double>{0.2}));
}

// Create(evaluator, Default(type)) is Create(evaluator), bit for bit.
TEST(CocoParamsTest, ExplicitDefaultsEqualTheDefaultPath) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run,
      ImportCocoFiles(::slicekit::testing::DataPath("coco_ap", "gt.json"),
                      ::slicekit::testing::DataPath("coco_ap", "dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator,
                                Evaluator::Create(&run, IouType::kBbox));
  const CocoEvaluation a = CocoEvaluator::Create(evaluator).Evaluate();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      CocoEvaluator coco,
      CocoEvaluator::Create(evaluator, CocoParams::Default(IouType::kBbox)));
  const CocoEvaluation b = coco.Evaluate();
  EXPECT_EQ(a.stats, b.stats);
  EXPECT_EQ(a.precision, b.precision);
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_EQ(a.recall, b.recall);
  EXPECT_THAT(coco.EvaluateWeighted(std::vector<uint32_t>(run.rows.size(), 1)),
              IsOk());
}

// A subset evaluated under custom params equals the restricted evaluator's,
// and the bootstrap refuses custom params rather than answer for defaults.
TEST(CocoParamsTest, SelectionsAndRestrictAgreeUnderCustomParams) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run,
      ImportCocoFiles(::slicekit::testing::DataPath("coco_ap", "gt.json"),
                      ::slicekit::testing::DataPath("coco_ap", "dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator,
                                Evaluator::Create(&run, IouType::kBbox));
  const CocoParams p = ParamsOf(Oracle()["bbox_custom"]["params"]);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluator coco,
                                CocoEvaluator::Create(evaluator, p));
  Selection odd(run.rows.size());
  for (size_t r = 1; r < run.rows.size(); r += 2) odd.Add(r);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation a, coco.Evaluate(odd));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluator restricted, coco.Restrict(odd));
  const CocoEvaluation b = restricted.Evaluate();
  EXPECT_EQ(a.stats, b.stats);
  EXPECT_EQ(a.precision, b.precision);
  EXPECT_EQ(a.recall, b.recall);
  EXPECT_NE(a.stats, coco.Evaluate().stats);
  EXPECT_THAT(coco.EvaluateWeighted(std::vector<uint32_t>(run.rows.size(), 1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("default COCO parameters")));
  // Sweep takes the params' thresholds: 0.62 is one, 0.55 is not.
  SweepOptions options;
  options.iou_threshold = 0.62;
  EXPECT_THAT(coco.Sweep(options), IsOk());
  options.iou_threshold = 0.55;
  EXPECT_THAT(coco.Sweep(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("(0.3, 0.5, 0.62, 0.75, 0.9), got 0.55")));
}

// ---- Validation ----

struct BadParams {
  std::string name;
  void (*edit)(CocoParams&);
  std::string message;
};

TEST(CocoParamsTest, BadParamsAreErrorsNamingFieldAndIndex) {
  const std::vector<BadParams> cases = {
      {"no iou", [](CocoParams& p) { p.iou_thresholds.clear(); },
       "iou_thresholds is empty"},
      {"iou 0", [](CocoParams& p) { p.iou_thresholds = {0.5, 0}; },
       "iou_thresholds[1] = 0 is not in (0, 1]"},
      {"iou 1.5", [](CocoParams& p) { p.iou_thresholds = {1.5}; },
       "iou_thresholds[0] = 1.5 is not in (0, 1]"},
      {"iou nan", [](CocoParams& p) { p.iou_thresholds = {NAN}; },
       "iou_thresholds[0] = nan is not in (0, 1]"},
      {"iou order", [](CocoParams& p) { p.iou_thresholds = {0.5, 0.7, 0.6}; },
       "iou_thresholds[2] = 0.6 is not above the one before"},
      {"no recall", [](CocoParams& p) { p.recall_thresholds.clear(); },
       "recall_thresholds is empty"},
      {"recall -0.1",
       [](CocoParams& p) { p.recall_thresholds = {0, -0.1}; },
       "recall_thresholds[1] = -0.1 is not in [0, 1]"},
      {"recall duplicate",
       [](CocoParams& p) { p.recall_thresholds = {0, 0.5, 0.5}; },
       "recall_thresholds[2] = 0.5 is not above the one before"},
      {"no max dets", [](CocoParams& p) { p.max_dets.clear(); },
       "max_dets is empty"},
      {"max dets 0", [](CocoParams& p) { p.max_dets = {0, 10}; },
       "max_dets[0] = 0 is not positive"},
      {"max dets unsorted", [](CocoParams& p) { p.max_dets = {1, 100, 10}; },
       "max_dets[2] = 10 is not above the one before"},
      {"max dets duplicate", [](CocoParams& p) { p.max_dets = {10, 10}; },
       "max_dets[1] = 10 is not above the one before (they must increase, "
       "without duplicates)"},
      {"no areas", [](CocoParams& p) { p.area_ranges.clear(); },
       "area_ranges is empty"},
      {"area no label", [](CocoParams& p) { p.area_ranges[2].label = ""; },
       "area_ranges[2] has no label"},
      {"area min > max",
       [](CocoParams& p) { p.area_ranges[1] = {"small", 2000, 1000}; },
       "area_ranges[1] (small): min 2000 is above max 1000"},
      {"area negative",
       [](CocoParams& p) { p.area_ranges[3].min = -1; },
       "area_ranges[3] (large): min -1 is not a finite area >= 0"},
      {"area label twice",
       [](CocoParams& p) { p.area_ranges[3].label = "small"; },
       "area_ranges[3]: label \"small\" repeats area_ranges[1]"},
  };
  for (const BadParams& c : cases) {
    SCOPED_TRACE(c.name);
    CocoParams p = CocoParams::Default(IouType::kBbox);
    c.edit(p);
    EXPECT_THAT(ValidateCocoParams(p, IouType::kBbox),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(c.message)));
  }
  CocoParams kp = CocoParams::Default(IouType::kKeypoints);
  kp.use_cats = false;
  EXPECT_THAT(ValidateCocoParams(kp, IouType::kKeypoints),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("use_cats false is not supported for "
                                 "keypoints")));
}

TEST(CocoParamsTest, CreateRejectsBadParams) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run,
      ImportCocoFiles(::slicekit::testing::DataPath("coco_ap", "gt.json"),
                      ::slicekit::testing::DataPath("coco_ap", "dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator,
                                Evaluator::Create(&run, IouType::kBbox));
  CocoParams p = CocoParams::Default(IouType::kBbox);
  p.max_dets = {100, 10};
  EXPECT_THAT(CocoEvaluator::Create(evaluator, p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("COCO parameters: max_dets[1] = 10")));
  EXPECT_THAT(EvaluateCoco(run, IouType::kBbox, p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_dets[1]")));
}

// More than 16 IoU thresholds take several outcome words per detection.
TEST(CocoParamsTest, ManyIouThresholdsMatchOneAtATime) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run,
      ImportCocoFiles(::slicekit::testing::DataPath("coco_ap", "gt.json"),
                      ::slicekit::testing::DataPath("coco_ap", "dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator,
                                Evaluator::Create(&run, IouType::kBbox));
  CocoParams many = CocoParams::Default(IouType::kBbox);
  many.iou_thresholds = CocoLinspace(0.05, 1.0, 40);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluator coco,
                                CocoEvaluator::Create(evaluator, many));
  const CocoEvaluation all = coco.Evaluate();
  for (int t : {0, 15, 16, 17, 31, 32, 39}) {
    CocoParams one = many;
    one.iou_thresholds = {many.iou_thresholds[t]};
    SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluator single,
                                  CocoEvaluator::Create(evaluator, one));
    const CocoEvaluation e = single.Evaluate();
    for (int k = 0; k < e.num_classes; ++k) {
      for (int a = 0; a < e.num_areas(); ++a) {
        for (int m = 0; m < e.num_max_dets(); ++m) {
          ASSERT_EQ(e.Recall(0, k, a, m), all.Recall(t, k, a, m)) << t;
          for (int r = 0; r < e.num_recall_thresholds(); r += 10) {
            ASSERT_EQ(e.Precision(0, r, k, a, m), all.Precision(t, r, k, a, m))
                << t;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace slicekit
