// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A deterministic COCO-like detection run for the metrics benchmarks: built
// in memory as a ModelRun, and written as COCO JSON text (an instances file
// and a results list) that ImportCoco() loads back into the same run.
//
// Model: 80 categories (non-contiguous ids, like COCO's); each image has
// file_name, width, height, dataset and split fields; ground truths and
// detections are spread over random images (so per-image counts vary,
// roughly Poisson, and some images have none). 1% of the ground truths are
// crowd regions (larger boxes). 75% of the detections are jittered copies of a
// ground truth of their image (mostly the same class, IoU mostly well above
// 0.5, some near it), with high scores; the rest are random boxes with low
// scores. Coordinates have two decimals and scores three, so scores tie now
// and then, as in real result files. All randomness comes from one
// splitmix64 stream.
#ifndef SLICEKIT_BENCH_COCO_GENERATOR_H_
#define SLICEKIT_BENCH_COCO_GENERATOR_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "slicekit/model_run.h"

namespace slicekit::bench {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

struct CocoShape {
  int64_t images = 5000;
  int64_t ground_truths = 36000;
  int64_t detections = 48000;
  int32_t categories = 80;
  uint64_t seed = 42;
};

namespace coco_internal {

inline double Round(double v, double scale) {
  return std::round(v * scale) / scale;
}

// A box inside a width x height image, with two-decimal coordinates.
inline Box ClampBox(double x, double y, double w, double h, double width,
                    double height) {
  x = std::clamp(x, 0.0, width - 1);
  y = std::clamp(y, 0.0, height - 1);
  w = std::clamp(w, 1.0, width - x);
  h = std::clamp(h, 1.0, height - y);
  return Box{Round(x, 100), Round(y, 100), Round(w, 100), Round(h, 100)};
}

inline void AppendNumber(std::string* out, double v, int decimals) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  out->append(buf, static_cast<size_t>(n));
}

inline void AppendBox(std::string* out, const Box& b) {
  out->append("[");
  AppendNumber(out, b.x, 2);
  out->append(",");
  AppendNumber(out, b.y, 2);
  out->append(",");
  AppendNumber(out, b.w, 2);
  out->append(",");
  AppendNumber(out, b.h, 2);
  out->append("]");
}

}  // namespace coco_internal

// The category id of class i: 1, 2, ..., skipping every eleventh number.
inline int64_t CocoCategoryId(int32_t i) { return 1 + i + i / 10; }

// Generates the run. Rows are images "1".."N" (COCO ids 1..N) with metadata
// file_name, width and height (in that order).
inline ModelRun GenerateCocoRun(const CocoShape& shape) {
  using coco_internal::ClampBox;
  using coco_internal::Round;
  SplitMix64 rng(shape.seed);
  ModelRun run;
  for (int32_t c = 0; c < shape.categories; ++c) {
    run.classes.push_back(absl::StrCat("class", c));
    run.class_ids.push_back(CocoCategoryId(c));
  }
  static constexpr const char* kSplits[] = {"train", "train", "val", "test"};
  run.rows.resize(static_cast<size_t>(shape.images));
  for (int64_t i = 0; i < shape.images; ++i) {
    DataRow& row = run.rows[static_cast<size_t>(i)];
    row.data_row_id = absl::StrCat(i + 1);
    row.dataset = absl::StrCat("ds", rng.Below(4));
    row.split = kSplits[rng.Below(4)];
    const int64_t width = 320 + static_cast<int64_t>(rng.Below(5)) * 80;
    const int64_t height = 240 + static_cast<int64_t>(rng.Below(4)) * 80;
    char file_name[32];
    std::snprintf(file_name, sizeof(file_name), "%012lld.jpg",
                  static_cast<long long>(i + 1));
    row.metadata.emplace_back("file_name", std::string(file_name));
    row.metadata.emplace_back("width", width);
    row.metadata.emplace_back("height", height);
  }
  auto image_size = [](const DataRow& row) {
    return std::make_pair(
        static_cast<double>(std::get<int64_t>(row.metadata[1].second)),
        static_cast<double>(std::get<int64_t>(row.metadata[2].second)));
  };
  if (shape.images == 0) return run;
  const auto n_images = static_cast<uint64_t>(shape.images);

  for (int64_t k = 0; k < shape.ground_truths; ++k) {
    DataRow& row = run.rows[rng.Below(n_images)];
    const auto [width, height] = image_size(row);
    GroundTruth g;
    g.id = k + 1;
    g.class_index = static_cast<int32_t>(
        rng.Below(static_cast<uint64_t>(shape.categories)));
    g.iscrowd = rng.Below(100) == 0;
    const double scale = g.iscrowd ? 0.5 : 0.25;
    const double w = 4 + rng.Uniform() * width * scale;
    const double h = 4 + rng.Uniform() * height * scale;
    const double x = rng.Uniform() * (width - w);
    const double y = rng.Uniform() * (height - h);
    g.box = ClampBox(x, y, w, h, width, height);
    g.area = Round(g.box.w * g.box.h * (g.iscrowd ? 0.6 : 0.8), 100);
    row.ground_truths.push_back(g);
  }

  for (int64_t k = 0; k < shape.detections; ++k) {
    DataRow& row = run.rows[rng.Below(n_images)];
    const auto [width, height] = image_size(row);
    Prediction p;
    if (!row.ground_truths.empty() && rng.Below(4) != 0) {
      const GroundTruth& g =
          row.ground_truths[rng.Below(row.ground_truths.size())];
      // Same class 90% of the time; the jitter spans IoU ~0.3 .. 1.
      p.class_index = rng.Below(10) != 0
                          ? g.class_index
                          : static_cast<int32_t>(rng.Below(
                                static_cast<uint64_t>(shape.categories)));
      const double jitter = rng.Uniform() < 0.8 ? 0.1 : 0.35;
      auto shift = [&](double v) {
        return v * jitter * (2 * rng.Uniform() - 1);
      };
      // One draw per statement: argument order is unspecified.
      const double x = g.box.x + shift(g.box.w);
      const double y = g.box.y + shift(g.box.h);
      const double w = g.box.w * (1 + shift(1));
      const double h = g.box.h * (1 + shift(1));
      p.box = ClampBox(x, y, w, h, width, height);
      p.confidence = Round(0.3 + 0.7 * rng.Uniform(), 1000);
    } else {
      p.class_index = static_cast<int32_t>(
          rng.Below(static_cast<uint64_t>(shape.categories)));
      const double w = 4 + rng.Uniform() * width * 0.25;
      const double h = 4 + rng.Uniform() * height * 0.25;
      const double x = rng.Uniform() * (width - w);
      const double y = rng.Uniform() * (height - h);
      p.box = ClampBox(x, y, w, h, width, height);
      p.confidence = Round(0.6 * rng.Uniform(), 1000);
    }
    row.predictions.push_back(p);
  }
  return run;
}

// The run as COCO JSON: an instances object (images with their metadata,
// annotations in id order, categories) and a results list (detections by
// image). ImportCoco() of the two gives back `run`, except that
// annotations and detections are grouped by image.
inline std::pair<std::string, std::string> CocoJson(const ModelRun& run) {
  using coco_internal::AppendBox;
  using coco_internal::AppendNumber;
  std::string gt = "{\"info\":{\"description\":\"slicekit benchmark\"},";
  gt.append("\"images\":[");
  for (size_t i = 0; i < run.rows.size(); ++i) {
    const DataRow& row = run.rows[i];
    absl::StrAppend(&gt, i == 0 ? "" : ",", "\n{\"id\":", row.data_row_id);
    if (row.dataset)
      absl::StrAppend(&gt, ",\"dataset\":\"", *row.dataset, "\"");
    if (row.split) absl::StrAppend(&gt, ",\"split\":\"", *row.split, "\"");
    for (const auto& [name, value] : row.metadata) {
      absl::StrAppend(&gt, ",\"", name, "\":");
      if (const auto* s = std::get_if<std::string>(&value)) {
        absl::StrAppend(&gt, "\"", *s, "\"");
      } else if (const auto* n = std::get_if<int64_t>(&value)) {
        absl::StrAppend(&gt, *n);
      } else {
        AppendNumber(&gt, std::get<double>(value), 6);
      }
    }
    gt.append("}");
  }
  gt.append("],\n\"annotations\":[");
  bool first = true;
  for (const DataRow& row : run.rows) {
    for (const GroundTruth& g : row.ground_truths) {
      absl::StrAppend(&gt, first ? "" : ",", "\n{\"id\":", g.id,
                      ",\"image_id\":", row.data_row_id,
                      ",\"category_id\":", run.class_ids[g.class_index],
                      ",\"iscrowd\":", g.iscrowd ? 1 : 0, ",\"area\":");
      AppendNumber(&gt, g.area.value_or(0), 2);
      gt.append(",\"bbox\":");
      AppendBox(&gt, g.box);
      gt.append("}");
      first = false;
    }
  }
  gt.append("],\n\"categories\":[");
  for (size_t c = 0; c < run.classes.size(); ++c) {
    absl::StrAppend(&gt, c == 0 ? "" : ",", "\n{\"id\":", run.class_ids[c],
                    ",\"name\":\"", run.classes[c],
                    "\",\"supercategory\":\"thing\"}");
  }
  gt.append("]}\n");

  std::string dets = "[";
  first = true;
  for (const DataRow& row : run.rows) {
    for (const Prediction& p : row.predictions) {
      absl::StrAppend(
          &dets, first ? "" : ",", "\n{\"image_id\":", row.data_row_id,
          ",\"category_id\":", run.class_ids[p.class_index], ",\"bbox\":");
      AppendBox(&dets, p.box);
      dets.append(",\"score\":");
      AppendNumber(&dets, p.confidence, 3);
      dets.append("}");
      first = false;
    }
  }
  dets.append("]\n");
  return {std::move(gt), std::move(dets)};
}

// Total ground truths plus predictions.
inline int64_t CountBoxes(const ModelRun& run) {
  int64_t n = 0;
  for (const DataRow& row : run.rows) {
    n +=
        static_cast<int64_t>(row.ground_truths.size() + row.predictions.size());
  }
  return n;
}

}  // namespace slicekit::bench

#endif  // SLICEKIT_BENCH_COCO_GENERATOR_H_
