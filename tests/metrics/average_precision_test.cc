// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/average_precision.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
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

using ::slicekit::testing::ClassIndex;
using ::slicekit::testing::DataPath;
using ::slicekit::testing::ReadJson;
using ::slicekit::testing::RowsOf;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

std::vector<int64_t> ImageIds(const ModelRun& run, const Selection& rows) {
  std::vector<int64_t> ids;
  rows.ForEach([&](RowIndex r) {
    int64_t id = 0;
    EXPECT_TRUE(absl::SimpleAtoi(run.rows[r].data_row_id, &id));
    ids.push_back(id);
  });
  std::sort(ids.begin(), ids.end());
  return ids;
}

// A fixture with pycocotools' answers: tests/data/<dir>/ with gt.json,
// dets.json and the oracle file (tests/data/coco_ap/make_oracle.py).
struct Fixture {
  std::string dir;
  std::string oracle;
};
void PrintTo(const Fixture& f, std::ostream* os) { *os << f.dir; }

class CocoParity : public ::testing::TestWithParam<Fixture> {
 protected:
  void SetUp() override {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        run_, ImportCocoFiles(DataPath(GetParam().dir, "gt.json"),
                              DataPath(GetParam().dir, "dets.json")));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(evaluator_, Evaluator::Create(&run_));
    coco_ = std::make_unique<CocoEvaluator>(CocoEvaluator::Create(*evaluator_));
    oracle_ = ReadJson(DataPath(GetParam().dir, GetParam().oracle));
  }

  // The image set of an oracle entry: all, listed ids, or a filter run
  // over the metrics table of the run (checked against the listed ids).
  Selection SetRows(const nlohmann::json& set) {
    if (set["image_ids"] == "all") {
      Selection all(run_.rows.size());
      for (size_t r = 0; r < run_.rows.size(); ++r) {
        all.Add(static_cast<RowIndex>(r));
      }
      return all;
    }
    if (!set.contains("filter")) return RowsOf(run_, set["image_ids"]);
    absl::StatusOr<RunMetrics> metrics = evaluator_->Compute({});
    EXPECT_TRUE(metrics.ok());
    absl::StatusOr<Table> table = MetricsToTable(run_, *metrics);
    EXPECT_TRUE(table.ok());
    absl::StatusOr<Expr> filter = ParseFilter(set["filter"].get<std::string>());
    EXPECT_TRUE(filter.ok());
    absl::StatusOr<Selection> rows = Filter(*table, *filter);
    EXPECT_TRUE(rows.ok());
    EXPECT_EQ(ImageIds(run_, *rows),
              set["image_ids"].get<std::vector<int64_t>>())
        << "the filter selects other images than pycocotools was given";
    return *rows;
  }

  ModelRun run_;
  std::optional<Evaluator> evaluator_;
  std::unique_ptr<CocoEvaluator> coco_;
  nlohmann::json oracle_;
};

TEST_P(CocoParity, ThresholdsAreNumpysLinspaceBitForBit) {
  const auto& iou = oracle_["params"]["iou_thresholds"];
  const auto& recall = oracle_["params"]["recall_thresholds"];
  ASSERT_EQ(iou.size(), size_t{kCocoIouThresholds});
  ASSERT_EQ(recall.size(), size_t{kCocoRecallThresholds});
  for (int t = 0; t < kCocoIouThresholds; ++t) {
    EXPECT_EQ(CocoIouThreshold(t), iou[t].get<double>()) << t;
  }
  for (int r = 0; r < kCocoRecallThresholds; ++r) {
    EXPECT_EQ(CocoRecallThreshold(r), recall[r].get<double>()) << r;
  }
}

TEST_P(CocoParity, StatsAndPerClassApEqualPycocotoolsOnEveryImageSet) {
  for (const auto& [name, set] : oracle_["sets"].items()) {
    SCOPED_TRACE(name);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation e,
                                  coco_->Evaluate(SetRows(set)));
    for (int i = 0; i < 12; ++i) {
      EXPECT_NEAR(e.stats[i], set["stats"][i].get<double>(), 1e-9)
          << CocoStatLine(i, e.stats[i]);
    }
    for (const auto& [class_name, want] : set["per_class"].items()) {
      const CocoClassAp& got = e.classes[ClassIndex(run_, class_name)];
      EXPECT_NEAR(got.ap, want["ap"].get<double>(), 1e-9) << class_name;
      EXPECT_NEAR(got.ap50, want["ap50"].get<double>(), 1e-9) << class_name;
      EXPECT_NEAR(got.ap75, want["ap75"].get<double>(), 1e-9) << class_name;
    }
  }
}

// The interpolated PR curves, their scores and the recalls are the same
// doubles pycocotools computes, not just close.
TEST_P(CocoParity, PrecisionScoreAndRecallArraysAreExact) {
  const nlohmann::json& set = oracle_["sets"]["all"];
  const CocoEvaluation e = coco_->Evaluate();
  int compared = 0;
  for (const auto& [t_text, by_class] :
       set["precision_area_all_maxdets100"].items()) {
    const int t = std::stoi(t_text);
    for (const auto& [class_name, curve] : by_class.items()) {
      const int k = ClassIndex(run_, class_name);
      const auto& scores =
          set["scores_area_all_maxdets100"][t_text][class_name];
      for (int r = 0; r < kCocoRecallThresholds; ++r) {
        ASSERT_EQ(e.Precision(t, r, k, 0, 2), curve[r].get<double>())
            << class_name << " t=" << t << " r=" << r;
        ASSERT_EQ(e.Score(t, r, k, 0, 2), scores[r].get<double>())
            << class_name << " t=" << t << " r=" << r;
        ++compared;
      }
    }
  }
  for (const auto& [class_name, by_m] : set["precision_iou50_small"].items()) {
    const int k = ClassIndex(run_, class_name);
    for (int m = 0; m < kCocoMaxDetsSettings; ++m) {
      for (int r = 0; r < kCocoRecallThresholds; ++r) {
        ASSERT_EQ(e.Precision(0, r, k, 1, m), by_m[m][r].get<double>())
            << class_name << " m=" << m << " r=" << r;
        ++compared;
      }
    }
  }
  for (int t = 0; t < kCocoIouThresholds; ++t) {
    for (const auto& [class_name, by_area] : set["recall"][t].items()) {
      const int k = ClassIndex(run_, class_name);
      for (int a = 0; a < kCocoAreaRanges; ++a) {
        for (int m = 0; m < kCocoMaxDetsSettings; ++m) {
          ASSERT_EQ(e.Recall(t, k, a, m), by_area[a][m].get<double>())
              << class_name << " t=" << t << " a=" << a << " m=" << m;
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 3000);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CocoParity,
                         ::testing::Values(Fixture{"coco_small",
                                                   "ap_oracle.json"},
                                           Fixture{"coco_ap", "oracle.json"}),
                         [](const ::testing::TestParamInfo<Fixture>& info) {
                           return info.param.dir;
                         });

// summarize.json (tests/data/coco_small/README.md): the stats of three
// image sets as pycocotools printed them.
TEST(CocoSmallTest, SummarizeStatsEqualPycocotoolsForEachImageSet) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run, ImportCocoFiles(DataPath("coco_small", "gt.json"),
                                    DataPath("coco_small", "dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
  const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
  const nlohmann::json oracle =
      ReadJson(DataPath("coco_small", "summarize.json"));
  ASSERT_EQ(oracle.size(), 3u);
  for (const auto& [name, set] : oracle.items()) {
    SCOPED_TRACE(name);
    CocoEvaluation e;
    if (set["image_ids"] == "all") {
      e = coco.Evaluate();
    } else {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          e, coco.Evaluate(RowsOf(run, set["image_ids"])));
      EXPECT_EQ(e.num_images, static_cast<int64_t>(set["image_ids"].size()));
    }
    for (int i = 0; i < 12; ++i) {
      EXPECT_NEAR(e.stats[i], set["stats"][i].get<double>(), 1e-9)
          << CocoStatLine(i, e.stats[i]);
    }
    for (const auto& [class_name, ap] :
         set["ap_per_class_iou50_95_area_all_maxdets100"].items()) {
      EXPECT_NEAR(e.classes[ClassIndex(run, class_name)].ap, ap.get<double>(),
                  1e-9)
          << class_name;
    }
  }
  // The whole-run entry point gives the same numbers.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation whole, EvaluateCoco(run));
  EXPECT_EQ(whole.stats, coco.Evaluate().stats);
}

TEST(CocoStatLineTest, FormatsLikeSummarize) {
  EXPECT_EQ(CocoStatLine(kCocoAp, 0.30442392919992595),
            " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | "
            "maxDets=100 ] = 0.304");
  EXPECT_EQ(CocoStatLine(kCocoAp75, 0.3479641449494604),
            " Average Precision  (AP) @[ IoU=0.75      | area=   all | "
            "maxDets=100 ] = 0.348");
  EXPECT_EQ(CocoStatLine(kCocoAr1, 0.2865134913503987),
            " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | "
            "maxDets=  1 ] = 0.287");
  EXPECT_EQ(CocoStatLine(kCocoArMedium, -1),
            " Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | "
            "maxDets=100 ] = -1.000");
}

// ---- Random runs against a plain restatement of pycocotools ------------

GroundTruth Gt(int cls, Box box, bool crowd, std::optional<double> area) {
  GroundTruth g;
  g.class_index = cls;
  g.box = box;
  g.iscrowd = crowd;
  g.area = area;
  return g;
}

// Boxes on a coarse grid (equal IoUs, IoUs at thresholds) with sizes
// around the small/medium/large limits.
Box RandomBox(std::mt19937& rng) {
  static constexpr double kSides[] = {4, 16, 31, 32, 33, 60, 96, 97, 120};
  std::uniform_int_distribution<int> pos(0, 8), side(0, 8);
  return Box{pos(rng) * 8.0, pos(rng) * 8.0, kSides[side(rng)],
             kSides[side(rng)]};
}

ModelRun RandomRun(std::mt19937& rng, int num_rows) {
  ModelRun run;
  run.classes = {"a", "b", "c"};
  std::vector<int> ids(num_rows);
  std::iota(ids.begin(), ids.end(), 1);
  std::shuffle(ids.begin(), ids.end(), rng);
  auto draw = [&](int n) {
    return std::uniform_int_distribution<int>(0, n)(rng);
  };
  for (int r = 0; r < num_rows; ++r) {
    DataRow row;
    row.data_row_id = absl::StrCat(ids[r] * 3);
    const int ng = draw(6), np = draw(9);
    for (int i = 0; i < ng; ++i) {
      const Box box = RandomBox(rng);
      std::optional<double> area;
      if (draw(3) == 0) area = draw(1) ? 1024.0 : 9216.0;
      row.ground_truths.push_back(Gt(draw(2), box, draw(6) == 0, area));
    }
    for (int i = 0; i < np; ++i) {
      Box box = RandomBox(rng);
      if (ng > 0 && draw(1) == 0) box = row.ground_truths[i % ng].box;
      // Scores on a grid of 4: ties within and across images.
      row.predictions.push_back({draw(2), box, (1 + draw(3)) / 4.0});
    }
    if (r == 0) {  // over maxDets in one (image, class)
      for (int i = 0; i < 105; ++i) {
        row.predictions.push_back({0, RandomBox(rng), (1 + draw(3)) / 4.0});
      }
    }
    run.rows.push_back(std::move(row));
  }
  return run;
}

// COCOeval restated line by line, without any of CocoEvaluator's data
// structures: evaluateImg per (image, class, area range, threshold), then
// accumulate over the images of `rows`. Returns eval['precision'] in
// CocoEvaluation's layout and the 12 stats.
struct RefEval {
  std::vector<double> precision;
  std::vector<double> recall;
  std::array<double, 12> stats;
};

// Under any Params `p`; with p.use_cats false every class is pooled into
// one (K = 1), each image's objects listed class by class as pycocotools
// lists them.
RefEval ReferenceCoco(const ModelRun& run, const Selection& rows,
                      const CocoParams& p) {
  const int K = p.use_cats ? static_cast<int>(run.classes.size()) : 1;
  const int T = static_cast<int>(p.iou_thresholds.size());
  const int R = static_cast<int>(p.recall_thresholds.size());
  const int A = static_cast<int>(p.area_ranges.size());
  const int M = static_cast<int>(p.max_dets.size());
  const size_t max_det = static_cast<size_t>(p.max_dets.back());
  RefEval out;
  out.precision.assign(static_cast<size_t>(T) * R * K * A * M, -1);
  out.recall.assign(static_cast<size_t>(T) * K * A * M, -1);
  std::vector<size_t> images;
  rows.ForEach([&](RowIndex r) { images.push_back(r); });
  std::sort(images.begin(), images.end(), [&](size_t x, size_t y) {
    return std::stoll(run.rows[x].data_row_id) <
           std::stoll(run.rows[y].data_row_id);
  });
  struct Dt {
    double score;
    bool matched, ignored;
  };
  for (int k = 0; k < K; ++k) {
    for (int a = 0; a < A; ++a) {
      const double lo = p.area_ranges[a].min, hi = p.area_ranges[a].max;
      for (int t = 0; t < T; ++t) {
        // Per image: the evaluated detections in score order.
        std::vector<std::vector<Dt>> per_image;
        int64_t npig = 0;
        for (size_t r : images) {
          const DataRow& row = run.rows[r];
          std::vector<GroundTruth> gts;
          std::vector<Prediction> dts;
          for (int c = 0; c < static_cast<int>(run.classes.size()); ++c) {
            if (p.use_cats && c != k) continue;
            for (const auto& g : row.ground_truths) {
              if (g.class_index == c) gts.push_back(g);
            }
            for (const auto& d : row.predictions) {
              if (d.class_index == c) dts.push_back(d);
            }
          }
          auto ignore = [&](const GroundTruth& g) {
            const double area = g.area.value_or(g.box.w * g.box.h);
            return g.iscrowd || area < lo || area > hi;
          };
          std::stable_sort(gts.begin(), gts.end(),
                           [&](const GroundTruth& x, const GroundTruth& y) {
                             return !ignore(x) && ignore(y);
                           });
          std::stable_sort(dts.begin(), dts.end(),
                           [](const Prediction& x, const Prediction& y) {
                             return x.confidence > y.confidence;
                           });
          if (dts.size() > max_det) dts.resize(max_det);
          for (const auto& g : gts) npig += !ignore(g);
          std::vector<bool> gtm(gts.size(), false);
          std::vector<Dt> out_dts;
          for (const auto& d : dts) {
            double best = std::min(p.iou_thresholds[t], 1 - 1e-10);
            int m = -1;
            for (size_t g = 0; g < gts.size(); ++g) {
              if (gtm[g] && !gts[g].iscrowd) continue;
              if (m > -1 && !ignore(gts[m]) && ignore(gts[g])) break;
              const double iou = CocoIou(d.box, gts[g].box, gts[g].iscrowd);
              if (iou < best) continue;
              best = iou;
              m = static_cast<int>(g);
            }
            Dt dt{d.confidence, m >= 0, false};
            if (m >= 0) {
              gtm[m] = true;
              dt.ignored = ignore(gts[m]);
            } else {
              const double area = d.box.w * d.box.h;
              dt.ignored = area < lo || area > hi;
            }
            out_dts.push_back(dt);
          }
          per_image.push_back(out_dts);
        }
        if (npig == 0) continue;
        for (int m = 0; m < M; ++m) {
          std::vector<Dt> all;
          for (const auto& dts : per_image) {
            for (size_t i = 0;
                 i < dts.size() && i < size_t(p.max_dets[m]); ++i) {
              all.push_back(dts[i]);
            }
          }
          std::stable_sort(
              all.begin(), all.end(),
              [](const Dt& x, const Dt& y) { return x.score > y.score; });
          std::vector<double> rc, pr;
          double tp = 0, fp = 0;
          for (const Dt& d : all) {
            if (d.matched && !d.ignored) tp += 1;
            if (!d.matched && !d.ignored) fp += 1;
            rc.push_back(tp / static_cast<double>(npig));
            pr.push_back(tp / (fp + tp + 0x1p-52));
          }
          out.recall[((size_t(t) * K + k) * A + a) * M + m] =
              all.empty() ? 0 : rc.back();
          for (size_t i = pr.size(); i-- > 1;)
            pr[i - 1] = std::max(pr[i - 1], pr[i]);
          for (int r = 0; r < R; ++r) {
            const size_t i =
                std::lower_bound(rc.begin(), rc.end(),
                                 p.recall_thresholds[r]) -
                rc.begin();
            out.precision[(((size_t(t) * R + r) * K + k) * A + a) * M + m] =
                i < pr.size() ? pr[i] : 0;
          }
        }
      }
    }
  }
  auto mean = [](const std::vector<double>& v) {
    double sum = 0;
    int n = 0;
    for (double x : v) {
      if (x > -1) sum += x, ++n;
    }
    return n ? sum / n : -1.0;
  };
  auto pick_p = [&](int t_only, int a, int m) {
    std::vector<double> v;
    for (int t = 0; t < T; ++t) {
      if (t_only >= 0 && t != t_only) continue;
      for (int r = 0; r < R; ++r) {
        for (int k = 0; k < K; ++k) {
          v.push_back(
              out.precision[(((size_t(t) * R + r) * K + k) * A + a) * M + m]);
        }
      }
    }
    return mean(v);
  };
  auto pick_r = [&](int a, int m) {
    std::vector<double> v;
    for (int t = 0; t < T; ++t) {
      for (int k = 0; k < K; ++k) {
        v.push_back(out.recall[((size_t(t) * K + k) * A + a) * M + m]);
      }
    }
    return mean(v);
  };
  // The default Params' stats (slots as they lie there).
  if (p == CocoParams::Default(IouType::kBbox)) {
    out.stats = {pick_p(-1, 0, 2), pick_p(0, 0, 2),  pick_p(5, 0, 2),
                 pick_p(-1, 1, 2), pick_p(-1, 2, 2), pick_p(-1, 3, 2),
                 pick_r(0, 0),     pick_r(0, 1),     pick_r(0, 2),
                 pick_r(1, 2),     pick_r(2, 2),     pick_r(3, 2)};
  }
  return out;
}

RefEval ReferenceCoco(const ModelRun& run, const Selection& rows) {
  return ReferenceCoco(run, rows, CocoParams::Default(IouType::kBbox));
}

Selection RandomSubset(std::mt19937& rng, size_t num_rows) {
  Selection rows(num_rows);
  for (size_t r = 0; r < num_rows; ++r) {
    if (std::uniform_int_distribution<int>(0, 2)(rng) != 0) {
      rows.Add(static_cast<RowIndex>(r));
    }
  }
  return rows;
}

TEST(CocoPropertyTest, EqualsAReferenceRestatementOnRandomRunsAndSubsets) {
  const uint32_t seed = 20260410;
  std::mt19937 rng(seed);
  int nonzero = 0;
  for (int trial = 0; trial < 12; ++trial) {
    SCOPED_TRACE(absl::StrCat("seed ", seed, " trial ", trial));
    const ModelRun run = RandomRun(rng, 4 + trial % 6);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
    const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
    for (int s = 0; s < 2; ++s) {
      const Selection rows = RandomSubset(rng, run.rows.size());
      SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation got, coco.Evaluate(rows));
      const RefEval want = ReferenceCoco(run, rows);
      ASSERT_EQ(got.precision, want.precision);
      ASSERT_EQ(got.recall, want.recall);
      for (int i = 0; i < 12; ++i) {
        EXPECT_NEAR(got.stats[i], want.stats[i], 1e-12) << i;
      }
      nonzero += got.stats[kCocoAp] > 0;
    }
  }
  EXPECT_GT(nonzero, 10);
}

// Params drawn at random: thresholds on a coarse grid (so IoUs land on
// them), sometimes more than 16 of them (several outcome words), maxDets
// below and above the 105 detections of row 0, area ranges with labels,
// pooled classes.
CocoParams RandomParams(std::mt19937& rng) {
  auto draw = [&](int n) {
    return std::uniform_int_distribution<int>(0, n)(rng);
  };
  auto increasing = [&](int grid, int first, int count) {
    std::vector<int> v;
    for (int i = first; i <= grid; ++i) v.push_back(i);
    std::shuffle(v.begin(), v.end(), rng);
    v.resize(std::min<size_t>(v.size(), std::max(count, 1)));
    std::sort(v.begin(), v.end());
    return v;
  };
  CocoParams p;
  for (int i : increasing(40, 1, draw(3) == 0 ? 17 + draw(20) : 1 + draw(6))) {
    p.iou_thresholds.push_back(i / 40.0);
  }
  for (int i : increasing(20, 0, 1 + draw(12))) {
    p.recall_thresholds.push_back(i / 20.0);
  }
  static constexpr int kMaxDets[] = {1, 2, 3, 5, 10, 50, 100, 104, 200};
  for (int i : increasing(8, 0, 1 + draw(3))) p.max_dets.push_back(kMaxDets[i]);
  static constexpr double kAreas[] = {0, 16, 256, 1024, 1025, 3000, 9216, 1e10};
  const int num_areas = 1 + draw(4);
  for (int a = 0; a < num_areas; ++a) {
    double lo = kAreas[draw(7)], hi = kAreas[draw(7)];
    if (lo > hi) std::swap(lo, hi);
    p.area_ranges.push_back({absl::StrCat("range", a), lo, hi});
  }
  p.use_cats = draw(2) != 0;
  return p;
}

TEST(CocoPropertyTest, AnyParamsEqualTheReferenceOnRandomRunsAndSubsets) {
  const uint32_t seed = 20261208;
  std::mt19937 rng(seed);
  int defined = 0, pooled = 0;
  for (int trial = 0; trial < 16; ++trial) {
    SCOPED_TRACE(absl::StrCat("seed ", seed, " trial ", trial));
    const ModelRun run = RandomRun(rng, 3 + trial % 5);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
    const CocoParams params = RandomParams(rng);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluator coco,
                                  CocoEvaluator::Create(evaluator, params));
    pooled += !params.use_cats;
    for (int s = 0; s < 2; ++s) {
      const Selection rows = RandomSubset(rng, run.rows.size());
      SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation got, coco.Evaluate(rows));
      const RefEval want = ReferenceCoco(run, rows, params);
      ASSERT_EQ(got.precision, want.precision);
      ASSERT_EQ(got.recall, want.recall);
      for (double v : got.precision) defined += v > 0;
    }
  }
  EXPECT_GT(defined, 100);
  EXPECT_GT(pooled, 2);
}

// A slice of a precomputed run equals a fresh run of just those images.
TEST(CocoPropertyTest, SubsetEqualsARunOfOnlyThoseImages) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run, ImportCocoFiles(DataPath("coco_ap", "gt.json"),
                                    DataPath("coco_ap", "dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
  const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 4; ++trial) {
    const Selection rows = RandomSubset(rng, run.rows.size());
    ModelRun part;
    part.classes = run.classes;
    rows.ForEach([&](RowIndex r) { part.rows.push_back(run.rows[r]); });
    SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation whole, coco.Evaluate(rows));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(CocoEvaluation fresh, EvaluateCoco(part));
    EXPECT_EQ(whole.precision, fresh.precision) << trial;
    EXPECT_EQ(whole.stats, fresh.stats) << trial;
    EXPECT_EQ(whole.num_images, fresh.num_images);
  }
}

// ---- Weighted accumulation (the bootstrap's) ---------------------------

// `run` with row r repeated weights[r] times, each copy an image of its own
// whose id sorts right after row r's: ids become id * 100 + copy.
ModelRun Duplicated(const ModelRun& run, const std::vector<uint32_t>& weights) {
  ModelRun out;
  out.classes = run.classes;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    const int64_t id = std::stoll(run.rows[r].data_row_id);
    for (uint32_t copy = 0; copy < weights[r]; ++copy) {
      DataRow row = run.rows[r];
      row.data_row_id = absl::StrCat(id * 100 + copy);
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

// Weight k on an image equals that image duplicated k times, bit for bit,
// on runs with score ties within and across images (RandomRun's grid of
// four scores) and one (image, class) over maxDets.
TEST(CocoWeightedTest, WeightKEqualsTheImageDuplicatedKTimes) {
  const uint32_t seed = 20260420;
  std::mt19937 rng(seed);
  int nonzero = 0;
  for (int trial = 0; trial < 30; ++trial) {
    SCOPED_TRACE(absl::StrCat("seed ", seed, " trial ", trial));
    const ModelRun run = RandomRun(rng, 3 + trial % 7);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
    const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
    std::vector<uint32_t> weights(run.rows.size());
    for (uint32_t& w : weights) {
      w = std::uniform_int_distribution<uint32_t>(0, 4)(rng);
    }
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const CocoApStats got,
                                  coco.EvaluateWeighted(weights));
    const ModelRun copies = Duplicated(run, weights);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const CocoEvaluation want,
                                  EvaluateCoco(copies));
    EXPECT_EQ(got.ap, want.stats[kCocoAp]);
    EXPECT_EQ(got.ap50, want.stats[kCocoAp50]);
    EXPECT_EQ(got.ap75, want.stats[kCocoAp75]);
    nonzero += got.ap > 0;
  }
  EXPECT_GT(nonzero, 20);
}

// Weights of 0 and 1 are a selection: Evaluate(rows), bit for bit, also on
// the pycocotools fixture.
TEST(CocoWeightedTest, ZeroOneWeightsEqualEvaluateOfTheSelection) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run, ImportCocoFiles(DataPath("coco_ap", "gt.json"),
                                    DataPath("coco_ap", "dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
  const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
  std::mt19937 rng(11);
  for (int trial = 0; trial < 4; ++trial) {
    const Selection rows = trial == 0 ? [&] {
      Selection all(run.rows.size());
      for (size_t r = 0; r < run.rows.size(); ++r) all.Add(r);
      return all;
    }() : RandomSubset(rng, run.rows.size());
    std::vector<uint32_t> weights(run.rows.size(), 0);
    rows.ForEach([&](RowIndex r) { weights[r] = 1; });
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const CocoApStats got,
                                  coco.EvaluateWeighted(weights));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const CocoEvaluation want,
                                  coco.Evaluate(rows));
    EXPECT_EQ(got.ap, want.stats[kCocoAp]) << trial;
    EXPECT_EQ(got.ap50, want.stats[kCocoAp50]) << trial;
    EXPECT_EQ(got.ap75, want.stats[kCocoAp75]) << trial;
  }
}

// A restricted evaluator answers like the whole one for subsets of its
// images, and leaves the others out.
TEST(CocoWeightedTest, RestrictKeepsTheAnswersOfItsImages) {
  std::mt19937 rng(21);
  for (int trial = 0; trial < 6; ++trial) {
    const ModelRun run = RandomRun(rng, 8);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
    const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
    const Selection kept = RandomSubset(rng, run.rows.size());
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const CocoEvaluator part,
                                  coco.Restrict(kept));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const CocoEvaluation want,
                                  coco.Evaluate(kept));
    EXPECT_EQ(part.Evaluate().stats, want.stats) << trial;
    std::vector<uint32_t> weights(run.rows.size());
    std::vector<uint32_t> masked(run.rows.size());
    for (size_t r = 0; r < weights.size(); ++r) {
      weights[r] = std::uniform_int_distribution<uint32_t>(0, 3)(rng);
      masked[r] = kept.Contains(static_cast<RowIndex>(r)) ? weights[r] : 0;
    }
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const CocoApStats got,
                                  part.EvaluateWeighted(weights));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const CocoApStats whole,
                                  coco.EvaluateWeighted(masked));
    EXPECT_EQ(got.ap, whole.ap) << trial;
    EXPECT_EQ(got.ap75, whole.ap75) << trial;
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const ModelRun small, ImportCocoFiles(DataPath("coco_ap", "gt.json"),
                                            DataPath("coco_ap", "dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&small));
  EXPECT_THAT(CocoEvaluator::Create(evaluator).Restrict(Selection(3)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the selection covers 3 rows")));
}

TEST(CocoWeightedTest, RejectsWeightsOfTheWrongSizeAndNoGroundTruth) {
  ModelRun run;
  run.classes = {"x"};
  run.rows.resize(3);
  for (int r = 0; r < 3; ++r) run.rows[r].data_row_id = absl::StrCat(r);
  run.rows[1].predictions.push_back({0, Box{0, 0, 4, 4}, 0.5});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
  const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
  EXPECT_THAT(coco.EvaluateWeighted(std::vector<uint32_t>(4, 1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the weights cover 4 rows but the run has "
                                 "3")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const CocoApStats none,
      coco.EvaluateWeighted(std::vector<uint32_t>{2, 3, 1}));
  EXPECT_EQ(none.ap, -1);
  EXPECT_EQ(none.ap50, -1);
  EXPECT_EQ(none.ap75, -1);
}

// ---- Sweeps ------------------------------------------------------------

// At every threshold the sweep's counts are what the Evaluator finds when
// it matches only the detections at or above that confidence.
TEST(CocoSweepTest, CountsEqualTheEvaluatorAtEachThreshold) {
  for (const std::string dir : {"coco_small", "coco_ap"}) {
    SCOPED_TRACE(dir);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        ModelRun run,
        ImportCocoFiles(DataPath(dir, "gt.json"), DataPath(dir, "dets.json")));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
    const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
    std::mt19937 rng(11);
    const Selection rows = RandomSubset(rng, run.rows.size());
    for (int t : {0, 5, 8}) {
      SweepOptions options;
      options.iou_threshold = CocoIouThreshold(t);
      options.thresholds = {0, 0.3, 0.5, 0.7, 0.9, 0.95, 1};
      SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<ClassSweep> sweeps,
                                    coco.Sweep(options, &rows));
      ASSERT_EQ(sweeps.back().class_index, -1);
      for (size_t i = 0; i < options.thresholds.size(); ++i) {
        // Points are by threshold descending.
        const double c = sweeps.back().points[i].threshold;
        MetricsOptions m;
        m.iou_threshold = CocoIouThreshold(t);
        m.confidence_threshold = c;
        SLICEKIT_ASSERT_OK_AND_ASSIGN(RunMetrics metrics, evaluator.Compute(m));
        std::map<int, std::array<int64_t, 3>> want;
        std::array<int64_t, 3> total{};
        rows.ForEach([&](RowIndex r) {
          for (size_t e = metrics.class_begin[r];
               e < metrics.class_begin[r + 1]; ++e) {
            const Metrics& mm = metrics.classes[e].metrics;
            auto& w = want[metrics.classes[e].class_index];
            w[0] += mm.tp, w[1] += mm.fp, w[2] += mm.fn;
            total[0] += mm.tp, total[1] += mm.fp, total[2] += mm.fn;
          }
        });
        for (const ClassSweep& s : sweeps) {
          const ThresholdPoint& p = s.points[i];
          ASSERT_EQ(p.threshold, c);
          const std::array<int64_t, 3> w =
              s.class_index < 0 ? total : want[s.class_index];
          EXPECT_EQ((std::array<int64_t, 3>{p.tp, p.fp, p.fn}), w)
              << "class " << s.class_index << " t=" << t << " c=" << c;
        }
      }
    }
  }
}

TEST(CocoSweepTest, DistinctScoresAndBestF1) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      ModelRun run, ImportCocoFiles(DataPath("coco_ap", "gt.json"),
                                    DataPath("coco_ap", "dets.json")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
  const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<ClassSweep> sweeps,
                                coco.Sweep(SweepOptions{}));
  const ClassSweep* cat_a = nullptr;
  for (const ClassSweep& s : sweeps) {
    if (s.class_index == ClassIndex(run, "cat a")) cat_a = &s;
    // "no gt" has detections, so a sweep; its recall is undefined.
    if (s.class_index == ClassIndex(run, "no gt")) {
      EXPECT_EQ(s.num_ground_truths, 0);
      EXPECT_FALSE(s.points.front().recall.has_value());
      EXPECT_EQ(*s.best_f1->f1, 0);
    }
    // Descending distinct thresholds with non-decreasing counts.
    for (size_t i = 1; i < s.points.size(); ++i) {
      EXPECT_GT(s.points[i - 1].threshold, s.points[i].threshold);
      EXPECT_LE(s.points[i - 1].tp, s.points[i].tp);
      EXPECT_LE(s.points[i - 1].fp, s.points[i].fp);
    }
    // "d" has ground truth but no detections: no scores, no points.
    if (s.class_index == ClassIndex(run, "d")) {
      EXPECT_TRUE(s.points.empty());
      EXPECT_GT(s.num_ground_truths, 0);
      EXPECT_FALSE(s.best_f1.has_value());
      continue;
    }
    // Best F1: the maximum, at the highest threshold reaching it.
    ASSERT_TRUE(s.best_f1.has_value()) << s.class_index;
    for (const ThresholdPoint& p : s.points) {
      if (!p.f1) continue;
      EXPECT_LE(*p.f1, *s.best_f1->f1);
      if (*p.f1 == *s.best_f1->f1) {
        EXPECT_LE(p.threshold, s.best_f1->threshold);
      }
    }
  }
  ASSERT_NE(cat_a, nullptr);
  // The lowest threshold counts every evaluated detection.
  const CocoEvaluation e = coco.Evaluate();
  const ThresholdPoint& last = cat_a->points.back();
  const CocoClassAp& ap = e.classes[ClassIndex(run, "cat a")];
  EXPECT_EQ(cat_a->num_ground_truths, ap.num_ground_truths);
  EXPECT_LE(last.tp + last.fp, ap.num_detections);
  EXPECT_EQ(last.tp + last.fn, ap.num_ground_truths);
  // Recall at the last point is AR's recall at IoU .5, maxDets 100.
  EXPECT_DOUBLE_EQ(*last.recall, e.Recall(0, ClassIndex(run, "cat a"), 0, 2));
}

TEST(CocoSweepTest, BestF1PrefersTheHigherThresholdOnATie) {
  // One image, two GTs: detections 0.9 (TP), 0.8 (FP), 0.7 (TP). With
  // explicit thresholds, 0.7 and 0.2 take the same detections and tie.
  ModelRun run;
  run.classes = {"x"};
  DataRow row;
  row.data_row_id = "1";
  row.ground_truths = {Gt(0, {0, 0, 10, 10}, false, std::nullopt),
                       Gt(0, {50, 0, 10, 10}, false, std::nullopt)};
  row.predictions = {{0, {0, 0, 10, 10}, 0.9},
                     {0, {100, 0, 10, 10}, 0.8},
                     {0, {50, 0, 10, 10}, 0.7}};
  run.rows.push_back(row);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
  const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
  SweepOptions options;
  options.thresholds = {0.7, 0.75, 0.2, 0.95, 0.7};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<ClassSweep> sweeps,
                                coco.Sweep(options));
  ASSERT_EQ(sweeps.size(), 2u);
  const ClassSweep& s = sweeps[0];
  ASSERT_EQ(s.points.size(), 4u);  // duplicates dropped, descending
  EXPECT_EQ(s.points[0].threshold, 0.95);
  EXPECT_EQ(s.points[0].tp + s.points[0].fp, 0);
  EXPECT_FALSE(s.points[0].precision.has_value());
  EXPECT_EQ(*s.points[0].recall, 0);
  EXPECT_EQ(s.points[1].threshold, 0.75);  // TP 1, FP 1: F1 1/2
  EXPECT_EQ(s.points[2].threshold, 0.7);   // TP 2, FP 1: F1 4/5
  EXPECT_EQ(s.points[3].threshold, 0.2);   // the same detections
  EXPECT_EQ(s.points[3].tp, 2);
  EXPECT_EQ(s.points[3].fp, 1);
  EXPECT_DOUBLE_EQ(*s.points[2].f1, 0.8);
  EXPECT_EQ(s.best_f1->threshold, 0.7);  // not 0.2, which ties it
  // The micro sweep of a one-class run is that class's.
  EXPECT_EQ(sweeps[1].class_index, -1);
  EXPECT_EQ(sweeps[1].best_f1->threshold, 0.7);
}

TEST(CocoEvaluatorTest, RejectsBadArguments) {
  ModelRun run;
  run.classes = {"x"};
  run.rows.resize(3);
  for (int r = 0; r < 3; ++r) run.rows[r].data_row_id = absl::StrCat(r);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Evaluator evaluator, Evaluator::Create(&run));
  const CocoEvaluator coco = CocoEvaluator::Create(evaluator);
  EXPECT_THAT(coco.Evaluate(Selection(4)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the selection covers 4 rows but the run "
                                 "has 3")));
  SweepOptions options;
  options.iou_threshold = 0.52;
  EXPECT_THAT(coco.Sweep(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("iou_threshold must be one of the "
                                 "evaluator's IoU thresholds (0.5, 0.55, 0.6, "
                                 "0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95), got "
                                 "0.52")));
  options.iou_threshold = 0.9;  // numpy's 0.8999999999999999, within 1e-9
  EXPECT_TRUE(coco.Sweep(options).ok());
  options.thresholds = {0.5, 1.5};
  EXPECT_THAT(coco.Sweep(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("a sweep threshold must be in [0, 1], got "
                                 "1.5")));
  options.thresholds = {};
  const Selection two(2);
  EXPECT_THAT(
      coco.Sweep(options, &two),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("covers 2 rows")));
  // No ground truth anywhere: every stat is -1, as in pycocotools.
  const CocoEvaluation e = coco.Evaluate();
  for (double s : e.stats) EXPECT_EQ(s, -1);
  EXPECT_EQ(e.classes[0].ap, -1);
}

}  // namespace
}  // namespace slicekit
