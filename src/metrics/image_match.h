// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the per-image, class-aware greedy matching that TIDE (tidecv's
// TIDEExample) does, shared by the error breakdown, calibration and the
// label issues so that all three call the same detection a true positive.
// Never installed.
#ifndef SLICEKIT_SRC_METRICS_IMAGE_MATCH_H_
#define SLICEKIT_SRC_METRICS_IMAGE_MATCH_H_

#include <cstdint>
#include <vector>

#include "slicekit/model_run.h"

namespace slicekit::internal {

enum class DetectionState : uint8_t { kUnmatched, kMatched, kIgnored };

// One image's detections against its ground truth. Reused across images
// to keep the buffers.
struct ImageMatch {
  // Indices into row.predictions: by confidence descending (stable: file
  // order on ties), the first `max_detections` of the image (all classes).
  std::vector<uint32_t> detections;
  // Indices into row.ground_truths: the regular ones, then crowd regions.
  std::vector<uint32_t> gts;
  std::vector<uint32_t> crowds;
  // detections.size() x gts.size(), row-major: the ordinary IoU.
  std::vector<double> iou;
  // Per detection: its state and the gts position it matched (or -1).
  std::vector<DetectionState> state;
  std::vector<int32_t> matched_gt;
  // Per regular GT: the detections position that matched it (or -1).
  std::vector<int32_t> matched_by;

  double Iou(size_t d, size_t g) const { return iou[d * gts.size() + g]; }
};

// Matches `row` as tidecv does: each detection in turn takes the regular
// GT of its class with the highest IoU (the first on ties) among those not
// yet taken, when that IoU >= `foreground_iou`; then an unmatched
// detection whose crowd IoU (intersection over the detection's area) with
// a crowd region of its class is > `foreground_iou` is ignored.
void MatchImage(const DataRow& row, double foreground_iou, int max_detections,
                ImageMatch* m);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_METRICS_IMAGE_MATCH_H_
