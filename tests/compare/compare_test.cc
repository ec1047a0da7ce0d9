// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/compare.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/coco.h"
#include "slicekit/filter_text.h"
#include "slicekit/metrics.h"
#include "slicekit/slice_store.h"
#include "src/compare/statistics.h"
#include "tests/compare/coco_reference.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

std::string DataPath(const std::string& name) {
  return absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_ap/", name);
}

Expr ParseOrDie(const std::string& text) {
  absl::StatusOr<Expr> e = ParseFilter(text);
  EXPECT_TRUE(e.ok()) << e.status();
  return *e;
}

const CompareResult& Find(const Comparison& c, absl::string_view slice,
                          CompareMetric metric) {
  for (const CompareResult& r : c.results) {
    if (r.slice == slice && r.metric == metric) return r;
  }
  ADD_FAILURE() << "no result for " << slice << " "
                << CompareMetricName(metric);
  static const CompareResult* const none = new CompareResult;
  return *none;
}

// ---- The statistics, against hand-computed answers ----------------------

TEST(CompareStatisticsTest, QuantileInterpolatesLikeNumpy) {
  const std::vector<double> v = {1, 2, 4, 8};
  EXPECT_EQ(internal::Quantile(v, 0), 1);
  EXPECT_EQ(internal::Quantile(v, 1), 8);
  EXPECT_DOUBLE_EQ(internal::Quantile(v, 0.5), 3);      // h = 1.5
  EXPECT_DOUBLE_EQ(internal::Quantile(v, 0.25), 1.75);  // h = 0.75
  const auto [lo, hi] = internal::PercentileInterval(v, 0.5);
  EXPECT_DOUBLE_EQ(lo, 1.75);
  EXPECT_DOUBLE_EQ(hi, 5);  // h = 2.25: 4 + 0.25 * 4
  EXPECT_EQ(internal::Quantile({7}, 0.3), 7);
}

TEST(CompareStatisticsTest, BootstrapPValueIsTheNormalTestOnTheSe) {
  // se of {-1, 1} is sqrt(2): z = 1 / sqrt(2), p = erfc(1 / 2).
  EXPECT_DOUBLE_EQ(internal::BootstrapPValue(1, {-1, 1}), std::erfc(0.5));
  EXPECT_DOUBLE_EQ(internal::BootstrapPValue(-1, {-1, 1}), std::erfc(0.5));
  // Nothing moved.
  EXPECT_EQ(internal::BootstrapPValue(0, std::vector<double>(9, 0.0)), 1);
  // Every resample the same non-zero delta.
  EXPECT_EQ(internal::BootstrapPValue(0.5, std::vector<double>(9, 0.5)), 0);
  // Far out: below any tail count's 2 / (B + 1).
  EXPECT_LT(internal::BootstrapPValue(10, {-1, 0, 1, 0.5, -0.5}), 1e-10);
}

TEST(CompareStatisticsTest, BootstrapTailPValueCountsTheSmallerTail) {
  EXPECT_EQ(internal::BootstrapTailPValue(std::vector<double>(99, 0.0)), 1);
  // 2 of 9 at or below 0: 2 (1 + 2) / 10.
  EXPECT_DOUBLE_EQ(
      internal::BootstrapTailPValue({-1, -0.5, 1, 2, 3, 4, 5, 6, 7}), 0.6);
  // None below 0 of 19: 2 * 1 / 20.
  EXPECT_DOUBLE_EQ(internal::BootstrapTailPValue(std::vector<double>(19, 0.25)),
                   0.1);
}

TEST(CompareStatisticsTest, McNemarExactIsTheTwoSidedBinomialTest) {
  EXPECT_EQ(internal::McNemarExactP(0, 0), 1);
  EXPECT_NEAR(internal::McNemarExactP(0, 5), 2.0 / 32, 1e-15);
  EXPECT_NEAR(internal::McNemarExactP(9, 1), 22.0 / 1024, 1e-15);
  EXPECT_EQ(internal::McNemarExactP(3, 3), 1);  // capped
  // n = 20, k = 5: 2 * (1 + 20 + 190 + 1140 + 4845 + 15504) / 2^20.
  EXPECT_NEAR(internal::McNemarExactP(5, 15), 2 * 21700.0 / 1048576, 1e-15);
  // Large counts stay finite and tiny.
  const double p = internal::McNemarExactP(400000, 600000);
  EXPECT_GE(p, 0);
  EXPECT_LT(p, 1e-100);
}

TEST(CompareStatisticsTest, BenjaminiHochbergMatchesTheStepUpRule) {
  // p sorted: .01 .02 .03 .04 .5 -> m p / i: .05 .05 .05 .05 .5.
  const std::vector<double> q =
      internal::BenjaminiHochberg({0.04, 0.5, 0.01, 0.03, 0.02});
  const std::vector<double> want = {0.05, 0.5, 0.05, 0.05, 0.05};
  ASSERT_EQ(q.size(), want.size());
  for (size_t i = 0; i < q.size(); ++i) EXPECT_NEAR(q[i], want[i], 1e-15);
  // Monotone: a later, larger p-value lowers the earlier ones' q.
  const std::vector<double> q2 = internal::BenjaminiHochberg({0.01, 0.011});
  EXPECT_NEAR(q2[0], 0.011, 1e-15);
  EXPECT_NEAR(q2[1], 0.011, 1e-15);
  EXPECT_TRUE(internal::BenjaminiHochberg({}).empty());
}

TEST(CompareStatisticsTest, VerdictRule) {
  using internal::DecideVerdict;
  EXPECT_EQ(DecideVerdict(0.01, {-0.3, -0.1}, 0.05, 0), Verdict::kRegression);
  EXPECT_EQ(DecideVerdict(0.01, {0.1, 0.3}, 0.05, 0), Verdict::kImprovement);
  EXPECT_EQ(DecideVerdict(0.2, {-0.3, -0.1}, 0.05, 0), Verdict::kNoChange);
  EXPECT_EQ(DecideVerdict(0.01, {-0.3, 0.1}, 0.05, 0), Verdict::kNoChange);
  // Within the tolerance.
  EXPECT_EQ(DecideVerdict(0.01, {-0.3, -0.1}, 0.05, 0.1), Verdict::kNoChange);
  EXPECT_EQ(DecideVerdict(0.01, {-0.3, -0.11}, 0.05, 0.1),
            Verdict::kRegression);
  EXPECT_EQ(VerdictName(Verdict::kNoChange), "no change");
  EXPECT_EQ(VerdictName(Verdict::kTooSmall), "too small");
}

TEST(CompareStatisticsTest, MultiplicitiesAreSeededAndSumToN) {
  const std::vector<uint32_t> a = BootstrapMultiplicities(7, 3, 500);
  EXPECT_EQ(a, BootstrapMultiplicities(7, 3, 500));
  EXPECT_NE(a, BootstrapMultiplicities(7, 4, 500));
  EXPECT_NE(a, BootstrapMultiplicities(8, 3, 500));
  int64_t sum = 0, drawn = 0;
  for (uint32_t m : a) sum += m, drawn += m > 0;
  EXPECT_EQ(sum, 500);
  // About 1 - 1/e of the images are drawn at least once.
  EXPECT_GT(drawn, 280);
  EXPECT_LT(drawn, 350);
  EXPECT_TRUE(BootstrapMultiplicities(1, 0, 0).empty());
}

// ---- Two runs sharing ground truth ------------------------------------

// Boxes on a coarse grid: equal IoUs, IoUs at thresholds.
Box GridBox(std::mt19937& rng) {
  static constexpr double kSides[] = {8, 16, 31, 33, 60, 97};
  std::uniform_int_distribution<int> pos(0, 6), side(0, 5);
  return Box{pos(rng) * 8.0, pos(rng) * 8.0, kSides[side(rng)],
             kSides[side(rng)]};
}

int Draw(std::mt19937& rng, int n) {
  return std::uniform_int_distribution<int>(0, n)(rng);
}

// Ground truth for `rows` images with ids 100, 200, ... (copies of an image
// for the reference take id + 1, id + 2, ...) and a categorical `group`.
ModelRun RandomGroundTruth(std::mt19937& rng, int rows) {
  ModelRun run;
  run.classes = {"a", "b", "c"};
  for (int r = 0; r < rows; ++r) {
    DataRow row;
    row.data_row_id = absl::StrCat((r + 1) * 100);
    row.metadata.emplace_back("group", std::string(Draw(rng, 1) ? "x" : "y"));
    row.metadata.emplace_back("size", int64_t{Draw(rng, 3)});
    const int ng = Draw(rng, 4);
    for (int i = 0; i < ng; ++i) {
      GroundTruth g;
      g.class_index = Draw(rng, 2);
      g.box = GridBox(rng);
      g.iscrowd = Draw(rng, 9) == 0;
      row.ground_truths.push_back(g);
    }
    run.rows.push_back(std::move(row));
  }
  return run;
}

// Predictions on `truth`: jittered GT boxes and random ones, scores on a
// grid of four (ties within and across images).
ModelRun RandomPredictions(std::mt19937& rng, const ModelRun& truth) {
  ModelRun run = truth;
  for (DataRow& row : run.rows) {
    for (const GroundTruth& g : row.ground_truths) {
      if (Draw(rng, 3) == 0) continue;
      Box b = g.box;
      b.h *= Draw(rng, 1) ? 1.0 : 0.75;
      row.predictions.push_back(
          {Draw(rng, 4) == 0 ? Draw(rng, 2) : g.class_index, b,
           (1 + Draw(rng, 3)) / 4.0});
    }
    const int extra = Draw(rng, 2);
    for (int i = 0; i < extra; ++i) {
      row.predictions.push_back(
          {Draw(rng, 2), GridBox(rng), (1 + Draw(rng, 3)) / 4.0});
    }
  }
  return run;
}

// The images of `members` with multiplicity `weights`, each copy an image
// of its own with an id right after the original's.
ModelRun Resampled(const ModelRun& run, const std::vector<size_t>& members,
                   const std::vector<uint32_t>& weights) {
  ModelRun out;
  out.classes = run.classes;
  for (size_t i : members) {
    const int64_t id = std::stoll(run.rows[i].data_row_id);
    for (uint32_t c = 0; c < weights[i]; ++c) {
      DataRow row = run.rows[i];
      row.data_row_id = absl::StrCat(id + c);
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

// {precision, recall, f1} of a run at the default thresholds, NaN where
// undefined, from ComputeMetrics (not the bootstrap's weighted sums).
std::array<double, 3> ReferenceRates(const ModelRun& run) {
  absl::StatusOr<RunMetrics> m = ComputeMetrics(run);
  EXPECT_TRUE(m.ok());
  double tp = 0, fp = 0, fn = 0;
  for (const Metrics& row : m->rows) tp += row.tp, fp += row.fp, fn += row.fn;
  auto ratio = [](double a, double b) { return b > 0 ? a / b : std::nan(""); };
  return {ratio(tp, tp + fp), ratio(tp, tp + fn),
          ratio(2 * tp, 2 * tp + fp + fn)};
}

double Type7Quantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * p;
  const size_t i = static_cast<size_t>(h);
  if (i + 1 >= v.size()) return v.back();
  return v[i] + (h - static_cast<double>(i)) * (v[i + 1] - v[i]);
}

// The bootstrap, resample by resample, equals recomputing every metric
// from scratch on the resampled images (duplicated, matched anew, AP by a
// restatement of pycocotools), and its CI the percentiles of those.
TEST(CompareBootstrapTest, EqualsABruteForceReferenceResampleByResample) {
  const uint32_t seed = 20260501;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 3; ++trial) {
    SCOPED_TRACE(absl::StrCat("seed ", seed, " trial ", trial));
    const ModelRun truth = RandomGroundTruth(rng, 14 + 3 * trial);
    const ModelRun base = RandomPredictions(rng, truth);
    ModelRun fresh = RandomPredictions(rng, truth);
    std::shuffle(fresh.rows.begin(), fresh.rows.end(), rng);  // by id
    const std::vector<CompareSlice> slices = {
        {"group x", ParseOrDie("group = 'x'")},
        {"small", ParseOrDie("size <= 1")}};
    CompareOptions options;
    options.bootstrap = 25;
    options.seed = 99 + trial;
    options.min_images = 1;
    options.keep_resamples = true;
    options.threads = 2;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Comparison c,
                                  CompareRuns(base, fresh, slices, options));
    ASSERT_EQ(c.results.size(), 3u * 6);
    // Each slice's members, in base row order.
    std::vector<std::vector<size_t>> members(3);
    for (size_t i = 0; i < base.rows.size(); ++i) {
      const DataRow& row = base.rows[i];
      members[0].push_back(i);
      if (std::get<std::string>(row.metadata[0].second) == "x") {
        members[1].push_back(i);
      }
      if (std::get<int64_t>(row.metadata[1].second) <= 1) {
        members[2].push_back(i);
      }
    }
    // The new run in base order, for the reference.
    ModelRun aligned = fresh;
    std::sort(aligned.rows.begin(), aligned.rows.end(),
              [](const DataRow& a, const DataRow& b) {
                return std::stoll(a.data_row_id) < std::stoll(b.data_row_id);
              });
    const char* names[] = {"all data", "group x", "small"};
    for (size_t s = 0; s < 3; ++s) {
      std::vector<std::vector<double>> want(6);
      for (int64_t b = 0; b < options.bootstrap; ++b) {
        const std::vector<uint32_t> w =
            BootstrapMultiplicities(options.seed, b, base.rows.size());
        const ModelRun rb = Resampled(base, members[s], w);
        const ModelRun rn = Resampled(aligned, members[s], w);
        const std::array<double, 3> ab = testing::ReferenceAp(rb);
        const std::array<double, 3> an = testing::ReferenceAp(rn);
        const std::array<double, 3> pb = ReferenceRates(rb);
        const std::array<double, 3> pn = ReferenceRates(rn);
        for (int m = 0; m < 3; ++m) {
          want[m].push_back(ab[m] < 0 ? std::nan("") : an[m] - ab[m]);
          want[3 + m].push_back(pn[m] - pb[m]);
        }
      }
      for (int m = 0; m < 6; ++m) {
        const CompareMetric metric = static_cast<CompareMetric>(m);
        SCOPED_TRACE(absl::StrCat(names[s], " ", CompareMetricName(metric)));
        const CompareResult& r = Find(c, names[s], metric);
        ASSERT_EQ(r.resample_deltas.size(), want[m].size());
        std::vector<double> defined;
        for (size_t b = 0; b < want[m].size(); ++b) {
          if (std::isnan(want[m][b])) {
            EXPECT_TRUE(std::isnan(r.resample_deltas[b])) << b;
            continue;
          }
          EXPECT_NEAR(r.resample_deltas[b], want[m][b], 1e-12) << b;
          defined.push_back(want[m][b]);
        }
        EXPECT_EQ(r.resamples, std::ssize(defined));
        if (defined.empty()) continue;
        ASSERT_TRUE(r.ci.has_value());
        EXPECT_NEAR(r.ci->first, Type7Quantile(defined, 0.025), 1e-12);
        EXPECT_NEAR(r.ci->second, Type7Quantile(defined, 0.975), 1e-12);
      }
    }
    // The point estimates: the reference on the slice's images, once each.
    for (size_t s = 0; s < 3; ++s) {
      const std::vector<uint32_t> ones(base.rows.size(), 1);
      const std::array<double, 3> ab =
          testing::ReferenceAp(Resampled(base, members[s], ones));
      const CompareResult& r = Find(c, names[s], CompareMetric::kAp);
      if (ab[0] >= 0) {
        EXPECT_NEAR(*r.base, ab[0], 1e-12);
      }
    }
  }
}

TEST(CompareRunsTest, ARunAgainstItselfChangesNothing) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const ModelRun run,
      ImportCocoFiles(DataPath("gt.json"), DataPath("dets.json")));
  const std::vector<CompareSlice> slices = {
      {"fog", ParseOrDie("weather = 'fog'")},
      {"b or val", ParseOrDie("dataset = 'b' OR split = 'val'")}};
  CompareOptions options;
  options.bootstrap = 200;
  options.min_images = 5;
  options.keep_resamples = true;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Comparison c,
                                CompareRuns(run, run, slices, options));
  EXPECT_EQ(c.results.size(), 3u * 6);
  EXPECT_FALSE(c.HasRegression());
  for (const CompareResult& r : c.results) {
    SCOPED_TRACE(absl::StrCat(r.slice, " ", CompareMetricName(r.metric)));
    ASSERT_TRUE(r.delta.has_value());
    EXPECT_EQ(*r.delta, 0);
    EXPECT_EQ(r.base, r.new_value);
    EXPECT_EQ(r.ci, std::make_pair(0.0, 0.0));
    EXPECT_EQ(r.p_value, 1);
    EXPECT_EQ(r.q_value, 1);
    EXPECT_EQ(r.verdict, Verdict::kNoChange);
    for (double d : r.resample_deltas) {
      if (!std::isnan(d)) {
        EXPECT_EQ(d, 0);
      }
    }
  }
  // The AP is the evaluator's, bit for bit.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const CocoEvaluation e, EvaluateCoco(run));
  EXPECT_EQ(*Find(c, "all data", CompareMetric::kAp).base, e.stats[kCocoAp]);
  EXPECT_EQ(*Find(c, "all data", CompareMetric::kAp75).base,
            e.stats[kCocoAp75]);
  ASSERT_EQ(c.classes.size(), run.classes.size());
  for (size_t k = 0; k < c.classes.size(); ++k) {
    EXPECT_EQ(c.classes[k].base, e.classes[k].ap);
    EXPECT_EQ(c.classes[k].new_value, e.classes[k].ap);
  }
}

// Changing the predictions of images outside a slice leaves the slice's
// every delta, resample by resample, exactly 0.
TEST(CompareRunsTest, SlicesWithIdenticalImagesHaveDeltaExactlyZero) {
  std::mt19937 rng(5);
  const ModelRun truth = RandomGroundTruth(rng, 80);
  const ModelRun base = RandomPredictions(rng, truth);
  const ModelRun other = RandomPredictions(rng, truth);
  ModelRun fresh = base;
  for (size_t i = 0; i < fresh.rows.size(); ++i) {
    if (std::get<std::string>(fresh.rows[i].metadata[0].second) == "y") {
      fresh.rows[i].predictions = other.rows[i].predictions;
    }
  }
  CompareOptions options;
  options.bootstrap = 100;
  options.min_images = 1;
  options.keep_resamples = true;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Comparison c,
      CompareRuns(base, fresh, {{"x", ParseOrDie("group = 'x'")}}, options));
  bool all_data_moved = false;
  for (const CompareResult& r : c.results) {
    if (r.slice == "all data") {
      all_data_moved |= r.delta.value_or(0) != 0;
      continue;
    }
    SCOPED_TRACE(CompareMetricName(r.metric));
    EXPECT_EQ(r.delta, 0.0);
    EXPECT_EQ(r.verdict, Verdict::kNoChange);
    for (double d : r.resample_deltas) {
      if (!std::isnan(d)) {
        EXPECT_EQ(d, 0);
      }
    }
  }
  EXPECT_TRUE(all_data_moved);
}

TEST(CompareRunsTest, RepeatsExactlyOnAnyNumberOfThreads) {
  std::mt19937 rng(8);
  const ModelRun truth = RandomGroundTruth(rng, 60);
  const ModelRun base = RandomPredictions(rng, truth);
  const ModelRun fresh = RandomPredictions(rng, truth);
  CompareOptions options;
  options.bootstrap = 64;
  options.min_images = 10;
  options.keep_resamples = true;
  const std::vector<CompareSlice> slices = {{"x", ParseOrDie("group = 'x'")}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Comparison one,
                                CompareRuns(base, fresh, slices, options));
  options.threads = 3;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Comparison three,
                                CompareRuns(base, fresh, slices, options));
  ASSERT_EQ(one.results.size(), three.results.size());
  for (size_t i = 0; i < one.results.size(); ++i) {
    const CompareResult& a = one.results[i];
    const CompareResult& b = three.results[i];
    EXPECT_EQ(a.ci, b.ci);
    EXPECT_EQ(a.q_value, b.q_value);
    ASSERT_EQ(a.resample_deltas.size(), b.resample_deltas.size());
    for (size_t k = 0; k < a.resample_deltas.size(); ++k) {
      EXPECT_TRUE(a.resample_deltas[k] == b.resample_deltas[k] ||
                  (std::isnan(a.resample_deltas[k]) &&
                   std::isnan(b.resample_deltas[k])));
    }
  }
}

TEST(CompareRunsTest, SmallSlicesAreTooSmallAndNotTested) {
  std::mt19937 rng(9);
  const ModelRun truth = RandomGroundTruth(rng, 40);
  const ModelRun base = RandomPredictions(rng, truth);
  CompareOptions options;
  options.bootstrap = 10;
  options.metrics = {CompareMetric::kAp};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Comparison c,
      CompareRuns(base, base, {{"none", ParseOrDie("size > 100")}}, options));
  ASSERT_EQ(c.results.size(), 2u);
  EXPECT_EQ(c.results[0].verdict, Verdict::kNoChange);  // 40 >= 30
  const CompareResult& none = c.results[1];
  EXPECT_EQ(none.images, 0);
  EXPECT_EQ(none.verdict, Verdict::kTooSmall);
  EXPECT_EQ(none.test, CompareTest::kNone);
  EXPECT_FALSE(none.p_value.has_value());
  EXPECT_FALSE(none.q_value.has_value());
  EXPECT_FALSE(none.delta.has_value());
}

// ---- Bad input -------------------------------------------------------

TEST(CompareRunsTest, BadInputIsAClearError) {
  std::mt19937 rng(3);
  const ModelRun truth = RandomGroundTruth(rng, 10);
  const ModelRun base = RandomPredictions(rng, truth);
  ModelRun fewer = base;
  fewer.rows.pop_back();
  EXPECT_THAT(CompareRuns(base, fewer, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("row \"1000\" is in the base run only")));
  EXPECT_THAT(CompareRuns(fewer, base, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("row \"1000\" is in the new run only")));
  CompareOptions lenient;
  lenient.bootstrap = 5;
  lenient.missing_as_no_predictions = true;
  EXPECT_TRUE(CompareRuns(base, fewer, {}, lenient).ok());

  ModelRun moved = base;
  moved.rows[2].ground_truths.push_back({});
  EXPECT_THAT(CompareRuns(base, moved, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("ground truth differs at row \"300\"")));

  CompareOptions zero;
  zero.bootstrap = 0;
  EXPECT_THAT(CompareRuns(base, base, {}, zero),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bootstrap count must be in [1, 1000000], "
                                 "got 0")));
  EXPECT_THAT(ParseCompareMetric("mAP"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown metric 'mAP' (the metrics: ap, "
                                 "ap50, ap75, precision, recall, f1)")));
  CompareOptions twice;
  twice.metrics = {CompareMetric::kAp, CompareMetric::kAp};
  EXPECT_THAT(CompareRuns(base, base, {}, twice),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("metric ap is listed twice")));
  EXPECT_THAT(CompareRuns(base, base, {{"all data", ParseOrDie("size = 1")}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"all data\" is always compared")));
  EXPECT_THAT(CompareRuns(base, base, {{"w", ParseOrDie("weather = 'fog'")}}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("slice \"w\"")));
  for (auto [field, value] : {std::pair{"confidence", 1.0}, {"fdr", 0.0}}) {
    CompareOptions bad;
    (std::string(field) == "fdr" ? bad.fdr : bad.confidence) = value;
    EXPECT_THAT(
        CompareRuns(base, base, {}, bad),
        StatusIs(
            absl::StatusCode::kInvalidArgument,
            HasSubstr(field == std::string("fdr") ? "FDR" : "confidence")));
  }
}

TEST(CompareRunsTest, SavedSlicesComeFromTheStore) {
  std::unique_ptr<SliceStore> store = SliceStore::InMemory();
  SliceSpec spec;
  spec.name = "Foggy";
  spec.filter = ParseOrDie("weather = 'fog'");
  ASSERT_TRUE(store->Create("acme", spec).ok());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<CompareSlice> all,
                                SavedCompareSlices(*store, "acme"));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "Foggy");
  const std::vector<std::string> names = {"foggy"};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<CompareSlice> named,
                                SavedCompareSlices(*store, "acme", names));
  EXPECT_EQ(named[0].name, "Foggy");
  const std::vector<std::string> missing = {"Rainy"};
  EXPECT_THAT(SavedCompareSlices(*store, "acme", missing),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("org \"acme\" has no slice with the id or "
                                 "name \"Rainy\"")));
}

// ---- Two metrics tables ------------------------------------------------

Table CountsTable(const std::vector<std::array<int64_t, 3>>& counts) {
  Schema schema = *Schema::Create({{"data_row_id", ColumnType::kId},
                                   {"tp", ColumnType::kInt},
                                   {"fp", ColumnType::kInt},
                                   {"fn", ColumnType::kInt},
                                   {"half", ColumnType::kCategorical}});
  Batch batch(schema);
  for (size_t i = 0; i < counts.size(); ++i) {
    batch.AppendString(0, absl::StrCat("r", i));
    for (int k = 0; k < 3; ++k) batch.AppendInt(1 + k, counts[i][k]);
    batch.AppendString(4, i < counts.size() / 2 ? "first" : "second");
  }
  Table table = *Table::Create(schema);
  EXPECT_TRUE(table.Append(batch).ok());
  return table;
}

// One label per row (tp + fn = 1) and one answer (tp + fp = 1): recall and
// precision are per-row rates, tested with McNemar's exact test.
TEST(CompareTablesTest, PerRowRatesUseMcNemarOnTheFlippedRows) {
  std::vector<std::array<int64_t, 3>> base, fresh;
  for (int i = 0; i < 80; ++i) {
    const bool base_right = i % 5 != 0;  // 64 right
    // The new table: 12 right rows go wrong, 2 wrong ones right.
    bool new_right = base_right;
    if (base_right && i < 60 && i % 5 == 1) new_right = false;
    if (!base_right && i < 10) new_right = true;
    base.push_back(base_right ? std::array<int64_t, 3>{1, 0, 0}
                              : std::array<int64_t, 3>{0, 1, 1});
    fresh.push_back(new_right ? std::array<int64_t, 3>{1, 0, 0}
                              : std::array<int64_t, 3>{0, 1, 1});
  }
  const Table a = CountsTable(base);
  const Table b = CountsTable(fresh);
  CompareOptions options;
  options.bootstrap = 300;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Comparison c,
      CompareTables(a, b, {{"first", ParseOrDie("half = 'first'")}}, options));
  ASSERT_EQ(c.results.size(), 2u * 3);
  const CompareResult& recall = Find(c, "all data", CompareMetric::kRecall);
  EXPECT_EQ(recall.test, CompareTest::kMcNemar);
  EXPECT_EQ(recall.flips_worse, 12);
  EXPECT_EQ(recall.flips_better, 2);
  EXPECT_DOUBLE_EQ(*recall.p_value, internal::McNemarExactP(12, 2));
  EXPECT_DOUBLE_EQ(*recall.delta, (54.0 - 64.0) / 80);
  EXPECT_EQ(Find(c, "all data", CompareMetric::kPrecision).test,
            CompareTest::kMcNemar);
  EXPECT_EQ(Find(c, "all data", CompareMetric::kF1).test,
            CompareTest::kBootstrap);
  EXPECT_EQ(Find(c, "first", CompareMetric::kRecall).images, 40);
  EXPECT_EQ(recall.verdict, Verdict::kRegression);

  // Against itself: nothing moves.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Comparison same,
                                CompareTables(a, a, {}, options));
  for (const CompareResult& r : same.results) {
    EXPECT_EQ(r.delta, 0.0);
    EXPECT_EQ(r.verdict, Verdict::kNoChange);
  }
  CompareOptions ap;
  ap.metrics = {CompareMetric::kAp50};
  EXPECT_THAT(CompareTables(a, b, {}, ap),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("metric ap50 needs model runs")));
  std::vector<std::array<int64_t, 3>> shorter = base;
  shorter.pop_back();
  EXPECT_THAT(CompareTables(a, CountsTable(shorter), {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("row \"r79\" is in the base table only")));
}

// ---- Discovery -----------------------------------------------------------

TEST(CompareDiscoverTest, FindsWhereTheNewRunGotWorse) {
  std::mt19937 rng(12);
  ModelRun truth = RandomGroundTruth(rng, 300);
  for (DataRow& row : truth.rows) {
    row.metadata.emplace_back("camera",
                              std::string(Draw(rng, 3) == 0 ? "night" : "day"));
  }
  const ModelRun base = RandomPredictions(rng, truth);
  ModelRun fresh = base;
  for (DataRow& row : fresh.rows) {
    if (std::get<std::string>(row.metadata[2].second) == "night") {
      // Every detection misplaced: each true positive becomes a false
      // positive and a false negative.
      for (Prediction& p : row.predictions) p.box.x += 1000;
    }
  }
  CompareOptions options;
  options.bootstrap = 20;
  options.metrics = {CompareMetric::kRecall};
  options.discover = DiscoverOptions{};
  options.discover->top_k = 3;
  options.discover->max_predicates = 1;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Comparison c,
                                CompareRuns(base, fresh, {}, options));
  ASSERT_FALSE(c.discovered.empty());
  const DiscoveredDelta& top = c.discovered[0];
  EXPECT_EQ(top.slice.filter.ToString(), "camera = 'night'");
  EXPECT_GT(top.mean_error_delta, 0);
  ASSERT_TRUE(top.ap_delta.has_value());
  EXPECT_LT(*top.ap_delta, 0);
  for (const DiscoveredDelta& d : c.discovered) {
    EXPECT_GT(d.mean_error_delta, 0);
  }
}

}  // namespace
}  // namespace slicekit
