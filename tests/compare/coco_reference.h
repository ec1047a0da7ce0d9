// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCOeval's AP, AP50 and AP75 (area "all", maxDets 100) restated from
// pycocotools line by line, for the comparison's brute-force checks: it
// shares no code with CocoEvaluator (only the public IoU and threshold
// functions), and recomputes every match from scratch on every call.
#ifndef SLICEKIT_TESTS_COMPARE_COCO_REFERENCE_H_
#define SLICEKIT_TESTS_COMPARE_COCO_REFERENCE_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "slicekit/average_precision.h"
#include "slicekit/metrics.h"
#include "slicekit/model_run.h"

namespace slicekit::testing {

// {AP, AP50, AP75} over every image of `run`, whose data_row_ids are
// decimal integers (pycocotools' imgIds order); -1 where undefined.
inline std::array<double, 3> ReferenceAp(const ModelRun& run) {
  const int K = static_cast<int>(run.classes.size());
  constexpr int T = kCocoIouThresholds, R = kCocoRecallThresholds;
  std::vector<size_t> images(run.rows.size());
  for (size_t i = 0; i < images.size(); ++i) images[i] = i;
  std::sort(images.begin(), images.end(), [&](size_t x, size_t y) {
    return std::stoll(run.rows[x].data_row_id) <
           std::stoll(run.rows[y].data_row_id);
  });
  // precision[t][r][k], -1 for a class without ground truth.
  std::vector<double> precision(size_t{T} * R * K, -1);
  struct Dt {
    double score;
    bool matched, ignored;
  };
  for (int k = 0; k < K; ++k) {
    for (int t = 0; t < T; ++t) {
      std::vector<Dt> all;
      int64_t npig = 0;
      for (size_t r : images) {
        const DataRow& row = run.rows[r];
        std::vector<GroundTruth> gts;
        std::vector<Prediction> dts;
        for (const auto& g : row.ground_truths) {
          if (g.class_index == k) gts.push_back(g);
        }
        for (const auto& p : row.predictions) {
          if (p.class_index == k) dts.push_back(p);
        }
        auto ignore = [](const GroundTruth& g) {
          const double area = g.area.value_or(g.box.w * g.box.h);
          return g.iscrowd || area < 0 || area > 1e10;
        };
        std::stable_sort(gts.begin(), gts.end(),
                         [&](const GroundTruth& x, const GroundTruth& y) {
                           return !ignore(x) && ignore(y);
                         });
        std::stable_sort(dts.begin(), dts.end(),
                         [](const Prediction& x, const Prediction& y) {
                           return x.confidence > y.confidence;
                         });
        if (dts.size() > 100) dts.resize(100);
        for (const auto& g : gts) npig += !ignore(g);
        std::vector<bool> gtm(gts.size(), false);
        for (const auto& d : dts) {
          double best = std::min(CocoIouThreshold(t), 1 - 1e-10);
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
            dt.ignored = area < 0 || area > 1e10;
          }
          all.push_back(dt);
        }
      }
      if (npig == 0) continue;
      std::stable_sort(all.begin(), all.end(), [](const Dt& x, const Dt& y) {
        return x.score > y.score;
      });
      std::vector<double> rc, pr;
      double tp = 0, fp = 0;
      for (const Dt& d : all) {
        if (d.matched && !d.ignored) tp += 1;
        if (!d.matched && !d.ignored) fp += 1;
        rc.push_back(tp / static_cast<double>(npig));
        pr.push_back(tp / (fp + tp + 0x1p-52));
      }
      for (size_t i = pr.size(); i-- > 1;)
        pr[i - 1] = std::max(pr[i - 1], pr[i]);
      for (int r = 0; r < R; ++r) {
        const size_t i =
            std::lower_bound(rc.begin(), rc.end(), CocoRecallThreshold(r)) -
            rc.begin();
        precision[(size_t(t) * R + r) * K + k] = i < pr.size() ? pr[i] : 0;
      }
    }
  }
  auto mean = [&](int t_begin, int t_end) {
    double sum = 0;
    int64_t n = 0;
    for (int t = t_begin; t < t_end; ++t) {
      for (int r = 0; r < R; ++r) {
        for (int k = 0; k < K; ++k) {
          const double v = precision[(size_t(t) * R + r) * K + k];
          if (v > -1) sum += v, ++n;
        }
      }
    }
    return n ? sum / static_cast<double>(n) : -1.0;
  };
  return {mean(0, T), mean(0, 1), mean(5, 6)};
}

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_COMPARE_COCO_REFERENCE_H_
