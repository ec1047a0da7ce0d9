// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// TIDE (Bolya et al., ECCV 2020): how much box AP at one IoU each kind of
// detection error costs, for a whole run or any set of its images. Equal
// to the public tidecv package's TIDE().evaluate(...) and get_all_errors()
// (mode bbox). Definitions and thresholds: docs/errors.md.
#ifndef SLICEKIT_TIDE_H_
#define SLICEKIT_TIDE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "slicekit/model_run.h"
#include "slicekit/selection.h"

namespace slicekit {

struct TideOptions {
  // A detection is a true positive at IoU >= this with an unmatched ground
  // truth of its class (tidecv's pos_threshold). In (0, 1].
  double foreground_iou = 0.5;
  // Below or at this IoU with every ground truth a false positive is a
  // background error (tidecv's background_threshold). In [0, foreground).
  double background_iou = 0.1;
  // Detections per image (all classes), highest confidence first.
  int max_detections = 100;
};

// The six main errors and the two special ones. Every dAP is in AP points
// (x 100), the AP gained by fixing only that kind of error; main errors
// are clamped at 0 as tidecv does, special ones are not.
struct TideErrors {
  double ap = 0;  // mAP at foreground_iou over the images, in points
  double cls = 0;
  double loc = 0;
  double both = 0;
  double dupe = 0;
  double bkg = 0;
  double miss = 0;
  double false_pos = 0;
  double false_neg = 0;
  // How many errors of each kind were found.
  int64_t num_cls = 0;
  int64_t num_loc = 0;
  int64_t num_both = 0;
  int64_t num_dupe = 0;
  int64_t num_bkg = 0;
  int64_t num_miss = 0;
};

// Computes TIDE over the images (rows of `run`) that `rows` selects, or all
// when `rows` is null. Rows are visited in run order, as tidecv visits a
// COCO file's images. InvalidArgument for thresholds out of range, a
// `rows` whose size differs from the run's, or a set of images with
// neither ground truth nor detections (tidecv's mAP is undefined there).
absl::StatusOr<TideErrors> ComputeTide(const ModelRun& run,
                                       const Selection* rows = nullptr,
                                       const TideOptions& options = {});

}  // namespace slicekit

#endif  // SLICEKIT_TIDE_H_
