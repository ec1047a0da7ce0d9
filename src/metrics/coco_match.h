// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: pycocotools' greedy matching of one (image, category, area range)
// at one IoU threshold, shared by the Evaluator (one threshold, area "all")
// and the COCO AP evaluator (ten thresholds, four area ranges). Never
// installed.
#ifndef SLICEKIT_SRC_METRICS_COCO_MATCH_H_
#define SLICEKIT_SRC_METRICS_COCO_MATCH_H_

#include <algorithm>
#include <cstdint>

#include "slicekit/model_run.h"

namespace slicekit::internal {

// The area COCO's area ranges test for a detection: as loadRes sets it, w *
// h of its box unless the prediction says otherwise (a mask-only result).
inline double CocoDetectionArea(const Prediction& p) {
  return p.area.value_or(p.box.w * p.box.h);
}

// A ground truth's `num_keypoints`, or when absent its keypoints with v > 0.
inline int64_t CocoNumKeypoints(const GroundTruth& g) {
  if (g.num_keypoints) return *g.num_keypoints;
  int64_t n = 0;
  for (size_t i = 2; i < g.keypoints.size(); i += 3) n += g.keypoints[i] > 0;
  return n;
}

// Matches detections to ground truths as pycocotools' evaluateImg does.
// `ious` holds num_dets rows of num_gts IoUs (row-major; for a crowd GT the
// intersection over the detection's area), detections by score descending
// (at most maxDets of them), GT columns in evaluation order: the
// `first_ignored` regular GTs, then the ignored ones (crowd, or area outside
// the range). `crowd[k]`: column k is a crowd region, which may absorb any
// number of detections. Each detection in turn takes the unmatched GT with
// the highest IoU >= min(threshold, 1 - 1e-10), the later column on equal
// IoU, and never an ignored GT once it holds a regular one. Writes the
// column detection d took to match[d], or -1. `gt_matched` is scratch of
// num_gts bytes.
inline void MatchCocoGreedy(const double* ious, uint32_t num_dets,
                            uint32_t num_gts, uint32_t first_ignored,
                            const uint8_t* crowd, double threshold,
                            uint8_t* gt_matched, int32_t* match) {
  std::fill(gt_matched, gt_matched + num_gts, 0);
  const double start = std::min(threshold, 1 - 1e-10);
  for (uint32_t d = 0; d < num_dets; ++d) {
    const double* row = ious + uint64_t{d} * num_gts;
    double best = start;
    int64_t m = -1;
    for (uint32_t k = 0; k < num_gts; ++k) {
      if (gt_matched[k] && !crowd[k]) continue;
      if (m > -1 && m < first_ignored && k >= first_ignored) break;
      if (row[k] < best) continue;
      best = row[k];
      m = k;
    }
    if (m > -1) gt_matched[m] = 1;
    match[d] = static_cast<int32_t>(m);
  }
}

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_METRICS_COCO_MATCH_H_
