// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The comparison's error rates by simulation (docs/compare.md#simulation):
//
//  - under a null (two runs of equal quality, their differences independent
//    of the slices) the share of falsely flagged slices stays at or below
//    the FDR level;
//  - a planted AP drop of about 0.05 on a slice of 10% of 5,000 images is
//    flagged as a regression in at least 90% of the simulations.
//
// Each simulation draws a fresh data set and two runs from a seeded model:
// every object has a difficulty shared by both runs (how easy it is to see
// does not depend on the model), and each run adds its own noise to
// whether it finds it, the score and the box. SLICEKIT_COMPARE_SIMULATIONS
// sets the comparisons per scenario (default 6; the figures in the docs
// come from 200), SLICEKIT_COMPARE_RESAMPLES the resamples (default 200;
// the docs' figures: 1000).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "slicekit/compare.h"
#include "slicekit/filter_text.h"
#include "slicekit/model_run.h"

namespace slicekit {
namespace {

int64_t EnvOr(const char* name, int64_t fallback) {
  const char* env = std::getenv(name);
  return env == nullptr ? fallback : std::max<int64_t>(1, std::atoll(env));
}

constexpr int kImages = 5000;
constexpr int kClasses = 3;
constexpr char kPlanted[] = "group = 'g0'";  // 10% of the images

// How a run sees the data; the new run may see the planted slice worse.
struct Quality {
  double find = 0.8;  // an object of difficulty u is found if u + noise < find
  double score_noise = 0.08;  // per-run noise on the score
  double box_noise = 0.04;    // per-run box jitter, as a share of the side
};

struct Object {
  GroundTruth gt;
  double difficulty;  // in [0, 1), shared by both runs
};

struct World {
  ModelRun truth;
  std::vector<std::vector<Object>> objects;  // per image
};

World MakeWorld(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0, 1);
  World w;
  for (int k = 0; k < kClasses; ++k)
    w.truth.classes.push_back(absl::StrCat("c", k));
  static const char* kWeather[] = {"sun", "rain", "fog"};
  for (int i = 0; i < kImages; ++i) {
    DataRow row;
    row.data_row_id = absl::StrCat(i + 1);
    row.metadata.emplace_back("group", absl::StrCat("g", i % 10));
    row.metadata.emplace_back("weather", std::string(kWeather[rng() % 3]));
    row.metadata.emplace_back("camera", std::string(rng() % 2 ? "a" : "b"));
    std::vector<Object> objects;
    const int n = 1 + static_cast<int>(rng() % 5);
    for (int j = 0; j < n; ++j) {
      Object o;
      o.gt.class_index = static_cast<int32_t>(rng() % kClasses);
      const double side = 24 + 160 * unit(rng);
      o.gt.box = {unit(rng) * 440, unit(rng) * 280, side,
                  side * (0.6 + unit(rng))};
      o.difficulty = unit(rng);
      row.ground_truths.push_back(o.gt);
      objects.push_back(o);
    }
    w.objects.push_back(std::move(objects));
    w.truth.rows.push_back(std::move(row));
  }
  return w;
}

// A run on `world`; images of the planted slice (group g0) see `planted`.
ModelRun MakeRun(const World& world, std::mt19937_64& rng,
                 const Quality& quality, const Quality& planted) {
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> unit(0, 1);
  ModelRun run = world.truth;
  for (size_t i = 0; i < run.rows.size(); ++i) {
    const Quality& q = i % 10 == 0 ? planted : quality;
    DataRow& row = run.rows[i];
    for (const Object& o : world.objects[i]) {
      if (o.difficulty + 0.1 * normal(rng) >= q.find) continue;
      Prediction p;
      p.class_index = o.gt.class_index;
      const double jitter = q.box_noise * (0.5 + o.difficulty);
      p.box = o.gt.box;
      p.box.x += jitter * o.gt.box.w * normal(rng);
      p.box.y += jitter * o.gt.box.h * normal(rng);
      p.box.w = std::max(1.0, p.box.w * (1 + jitter * normal(rng)));
      p.box.h = std::max(1.0, p.box.h * (1 + jitter * normal(rng)));
      p.confidence = std::clamp(
          0.95 - 0.6 * o.difficulty + q.score_noise * normal(rng), 0.01, 1.0);
      row.predictions.push_back(p);
    }
    // False positives: about one per image, low scores.
    const int fps = static_cast<int>(rng() % 3);
    for (int j = 0; j < fps; ++j) {
      Prediction p;
      p.class_index = static_cast<int32_t>(rng() % kClasses);
      const double side = 24 + 160 * unit(rng);
      p.box = {unit(rng) * 440, unit(rng) * 280, side, side};
      p.confidence = 0.6 * unit(rng);
      row.predictions.push_back(p);
    }
  }
  return run;
}

std::vector<CompareSlice> Slices() {
  std::vector<CompareSlice> slices;
  for (const char* text : {kPlanted, "weather = 'rain'", "camera = 'b'"}) {
    slices.push_back({text, *ParseFilter(text)});
  }
  return slices;
}

CompareOptions Options(int64_t seed) {
  CompareOptions options;
  options.metrics = {CompareMetric::kAp};
  options.bootstrap = EnvOr("SLICEKIT_COMPARE_RESAMPLES", 200);
  options.seed = static_cast<uint64_t>(seed);
  options.threads = 2;
  return options;
}

TEST(CompareSimulationTest, NullFlagsAtMostTheFdrShare) {
  const int64_t comparisons = EnvOr("SLICEKIT_COMPARE_SIMULATIONS", 6);
  int64_t tests = 0, flagged = 0, any = 0;
  for (int64_t c = 0; c < comparisons; ++c) {
    std::mt19937_64 rng(1000 + c);
    const World world = MakeWorld(rng);
    const Quality same;
    const ModelRun base = MakeRun(world, rng, same, same);
    const ModelRun fresh = MakeRun(world, rng, same, same);
    absl::StatusOr<Comparison> result =
        CompareRuns(base, fresh, Slices(), Options(c));
    ASSERT_TRUE(result.ok()) << result.status();
    bool flagged_here = false;
    for (const CompareResult& r : result->results) {
      ++tests;
      const bool flag = r.verdict == Verdict::kRegression ||
                        r.verdict == Verdict::kImprovement;
      flagged += flag;
      flagged_here |= flag;
    }
    any += flagged_here;
  }
  const double share =
      static_cast<double>(flagged) / static_cast<double>(tests);
  std::printf(
      "null: %lld comparisons x 4 slices, %lld resamples: %lld of %lld "
      "flagged (share %.4f; comparisons with any flag: %lld)\n",
      static_cast<long long>(comparisons),
      static_cast<long long>(Options(0).bootstrap),
      static_cast<long long>(flagged), static_cast<long long>(tests), share,
      static_cast<long long>(any));
  EXPECT_LE(share, 0.05);
}

TEST(CompareSimulationTest, PlantedDropOnATenthIsFlagged) {
  const int64_t comparisons = EnvOr("SLICEKIT_COMPARE_SIMULATIONS", 6);
  int64_t flagged = 0, others_flagged = 0;
  double drop_sum = 0;
  for (int64_t c = 0; c < comparisons; ++c) {
    std::mt19937_64 rng(5000 + c);
    const World world = MakeWorld(rng);
    const Quality same;
    Quality worse;
    // Calibrated so that the slice's AP drops by about 0.05 (the mean
    // delta is printed).
    worse.find = 0.775;
    worse.score_noise = 0.105;
    worse.box_noise = 0.047;
    const ModelRun base = MakeRun(world, rng, same, same);
    const ModelRun fresh = MakeRun(world, rng, same, worse);
    absl::StatusOr<Comparison> result =
        CompareRuns(base, fresh, Slices(), Options(c));
    ASSERT_TRUE(result.ok()) << result.status();
    for (const CompareResult& r : result->results) {
      if (r.slice == kPlanted) {
        flagged += r.verdict == Verdict::kRegression;
        drop_sum += r.delta.value_or(0);
      } else if (r.slice != "all data") {
        // Slices that hold a tenth of the planted images, by chance: their
        // true drop is a tenth of the planted one.
        others_flagged += r.verdict != Verdict::kNoChange;
      }
    }
  }
  const double power =
      static_cast<double>(flagged) / static_cast<double>(comparisons);
  std::printf(
      "planted: %lld comparisons, %lld resamples: the slice flagged in %lld "
      "(power %.3f), mean delta %.4f; the other two slices flagged: %lld\n",
      static_cast<long long>(comparisons),
      static_cast<long long>(Options(0).bootstrap),
      static_cast<long long>(flagged), power,
      drop_sum / static_cast<double>(comparisons),
      static_cast<long long>(others_flagged));
  EXPECT_GE(power, 0.9);
}

}  // namespace
}  // namespace slicekit
