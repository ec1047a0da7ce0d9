// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// How well a detector's confidence predicts that a detection is right:
// expected calibration error and the reliability diagram, over a run or any
// set of its images, for all classes and per class. Definitions:
// docs/errors.md.
#ifndef SLICEKIT_CALIBRATION_H_
#define SLICEKIT_CALIBRATION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "slicekit/model_run.h"
#include "slicekit/selection.h"

namespace slicekit {

struct CalibrationOptions {
  // A detection is right when it matches a ground truth of its class at
  // IoU >= this (TIDE's matching; see tide.h). In (0, 1].
  double iou_threshold = 0.5;
  // Equal-width confidence bins over [0, 1]. At least 1.
  int num_bins = 15;
  // Detections per image (all classes), highest confidence first.
  int max_detections = 100;
};

// One bin of the reliability diagram: confidences in [lower, upper) (the
// last bin includes 1).
struct ReliabilityBin {
  double lower = 0;
  double upper = 0;
  int64_t count = 0;
  // Mean confidence and fraction right of its detections; nullopt when
  // the bin is empty.
  std::optional<double> mean_confidence;
  std::optional<double> accuracy;
};

struct Calibration {
  // The class, or -1 for all classes together.
  int32_t class_index = -1;
  // Detections counted: matched or not, less those absorbed by a crowd
  // region (neither right nor wrong).
  int64_t num_detections = 0;
  // Sum over bins of count / num_detections * |accuracy - mean confidence|;
  // nullopt without detections.
  std::optional<double> ece;
  std::vector<ReliabilityBin> bins;
};

struct CalibrationReport {
  Calibration all;
  // One per class of the run, in class order.
  std::vector<Calibration> per_class;
};

// InvalidArgument for options out of range or a `rows` whose size differs
// from the run's.
absl::StatusOr<CalibrationReport> ComputeCalibration(
    const ModelRun& run, const Selection* rows = nullptr,
    const CalibrationOptions& options = {});

}  // namespace slicekit

#endif  // SLICEKIT_CALIBRATION_H_
