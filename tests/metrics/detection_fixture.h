// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Test helper: random detection runs whose truth is known by construction.
#ifndef SLICEKIT_TESTS_METRICS_DETECTION_FIXTURE_H_
#define SLICEKIT_TESTS_METRICS_DETECTION_FIXTURE_H_

#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "slicekit/model_run.h"

namespace slicekit::testing {

// Boxes on a grid of 100 x 100 cells so that objects of one image never
// overlap: cell k of an image holds at most one object.
inline Box CellBox(int k, double w = 60, double h = 60) {
  return Box{(k % 10) * 100.0 + 5, (k / 10) * 100.0 + 5, w, h};
}

struct RandomRunOptions {
  int images = 200;
  int classes = 4;
  int max_objects = 8;
  double crowd_rate = 0.05;
  // Per object: a prediction of the right class on the box (conf U(.5,1)),
  // of another class, or nothing; plus a far false positive per image at
  // this rate.
  double wrong_class_rate = 0.1;
  double miss_rate = 0.1;
  double background_rate = 0.5;
  double shifted_rate = 0.1;  // the right class, IoU about .3
};

inline ModelRun RandomRun(uint32_t seed, const RandomRunOptions& o = {}) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  ModelRun run;
  for (int c = 0; c < o.classes; ++c)
    run.classes.push_back(absl::StrCat("c", c));
  for (int i = 0; i < o.images; ++i) {
    DataRow row;
    row.data_row_id = std::to_string(i + 1);
    const int n = static_cast<int>(u(rng) * (o.max_objects + 1));
    for (int k = 0; k < n; ++k) {
      GroundTruth gt;
      gt.class_index = static_cast<int32_t>(u(rng) * o.classes);
      gt.box = CellBox(k);
      gt.iscrowd = u(rng) < o.crowd_rate;
      gt.id = i * 100 + k + 1;
      row.ground_truths.push_back(gt);
      const double r = u(rng);
      Prediction p;
      p.class_index = gt.class_index;
      p.box = gt.box;
      p.confidence = 0.5 + 0.5 * u(rng);
      if (r < o.miss_rate) continue;
      if (r < o.miss_rate + o.wrong_class_rate) {
        p.class_index = (gt.class_index + 1) % o.classes;
      } else if (r < o.miss_rate + o.wrong_class_rate + o.shifted_rate) {
        p.box.x += 35;  // IoU 25 * 60 / (2 * 3600 - 1500) = 0.26
      }
      row.predictions.push_back(p);
    }
    if (u(rng) < o.background_rate) {
      Prediction p;
      p.class_index = static_cast<int32_t>(u(rng) * o.classes);
      p.box = CellBox(99);  // no object ever sits in cell 99
      p.confidence = u(rng);
      row.predictions.push_back(p);
    }
    run.rows.push_back(row);
  }
  return run;
}

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_METRICS_DETECTION_FIXTURE_H_
