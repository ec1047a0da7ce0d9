// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The detection confusion matrix of a run or any set of its images:
// which class each ground-truth box was detected as, which predictions
// matched nothing, which boxes were missed. Definitions: docs/errors.md.
#ifndef SLICEKIT_CONFUSION_MATRIX_H_
#define SLICEKIT_CONFUSION_MATRIX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "slicekit/model_run.h"
#include "slicekit/selection.h"

namespace slicekit {

struct ConfusionOptions {
  // A prediction matches a ground truth at IoU >= this. In (0, 1].
  double iou_threshold = 0.5;
  // Predictions below this confidence are left out. In [0, 1].
  double confidence_threshold = 0.5;
};

// Rows: the run's classes as ground truth, then "background" (predictions
// matched to nothing); columns: the classes as predicted, then "missed"
// (ground truths matched to nothing). Matching is class-agnostic and
// one-to-one (FiftyOne's classwise=False): per image, predictions by
// confidence descending (file order on ties) each take the unmatched
// regular ground truth with the highest IoU >= the threshold (the first on
// ties), whatever its class. A prediction that takes none but lies in a
// crowd region (intersection over its own area >= the threshold) is
// counted apart, in `crowd`, not in the matrix. So row k sums to class k's
// regular ground truths, column c to class c's kept predictions less those
// in crowd regions, and cell [background][missed] is 0.
struct ConfusionMatrix {
  std::vector<std::string> labels;   // classes..., "background"
  std::vector<std::string> columns;  // classes..., "missed"
  // labels.size() rows of columns.size() counts.
  std::vector<std::vector<int64_t>> counts;
  // Per predicted class: predictions absorbed by a crowd region.
  std::vector<int64_t> crowd;
};

// InvalidArgument for thresholds out of range or a `rows` whose size
// differs from the run's.
absl::StatusOr<ConfusionMatrix> ComputeConfusionMatrix(
    const ModelRun& run, const Selection* rows = nullptr,
    const ConfusionOptions& options = {});

}  // namespace slicekit

#endif  // SLICEKIT_CONFUSION_MATRIX_H_
