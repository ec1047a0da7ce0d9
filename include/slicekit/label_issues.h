// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Likely errors in the ground truth, per box, each with a kind, found
// where a confident prediction disagrees with the labels in a way the
// labels explain better than the model. Every threshold is an option.
// Definitions: docs/errors.md.
#ifndef SLICEKIT_LABEL_ISSUES_H_
#define SLICEKIT_LABEL_ISSUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/model_run.h"
#include "slicekit/selection.h"

namespace slicekit {

enum class LabelIssueKind {
  // A confident prediction overlaps a ground-truth box of another class at
  // IoU >= match_iou, and no prediction of the box's class matched that
  // box: the box's class is likely wrong. Score: confidence x IoU.
  kSwapped,
  // A confident prediction overlaps every ground-truth box at IoU <
  // overlap_iou (and lies in no crowd region): a likely missing label.
  // Score: confidence x (1 - its highest IoU).
  kOverlooked,
  // A confident prediction of a class overlaps an unmatched ground-truth
  // box of that class at IoU in [overlap_iou, match_iou): the box is likely
  // badly drawn. Score: confidence x IoU / match_iou.
  kBadlyLocated,
};

// "swapped", "overlooked", "badly_located".
absl::string_view LabelIssueKindName(LabelIssueKind kind);

struct LabelIssueOptions {
  // A prediction is confident at this confidence or more. In [0, 1].
  double min_confidence = 0.5;
  // A prediction matches a box of its class at IoU >= this (TIDE's
  // matching, see tide.h); a swap needs this IoU too. In (0, 1].
  double match_iou = 0.5;
  // Below this IoU a prediction does not overlap a box. In [0, match_iou).
  double overlap_iou = 0.1;
  // Detections per image (all classes), highest confidence first.
  int max_detections = 100;
};

struct LabelIssue {
  size_t row = 0;  // the run's row (image)
  // The ground-truth box (index into the row's ground_truths); nullopt for
  // kOverlooked.
  std::optional<size_t> ground_truth;
  size_t prediction = 0;  // index into the row's predictions
  LabelIssueKind kind = LabelIssueKind::kOverlooked;
  double score = 0;  // in [0, 1]
};

// Finds the issues in the images `rows` selects (all when null): at most
// one per ground-truth box (its highest-scoring), one per overlooked
// prediction, highest score first, ties by row, then prediction.
// InvalidArgument for options out of range or a `rows` of the wrong size.
absl::StatusOr<std::vector<LabelIssue>> FindLabelIssues(
    const ModelRun& run, const Selection* rows = nullptr,
    const LabelIssueOptions& options = {});

}  // namespace slicekit

#endif  // SLICEKIT_LABEL_ISSUES_H_
