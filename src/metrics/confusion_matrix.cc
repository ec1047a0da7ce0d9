// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/confusion_matrix.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "slicekit/metrics.h"

namespace slicekit {
namespace {

absl::Status CheckOptions(const ModelRun& run, const Selection* rows,
                          const ConfusionOptions& o) {
  if (!(o.iou_threshold > 0 && o.iou_threshold <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("IoU threshold ", o.iou_threshold, " is not in (0, 1]"));
  }
  if (!(o.confidence_threshold >= 0 && o.confidence_threshold <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "confidence threshold ", o.confidence_threshold, " is not in [0, 1]"));
  }
  if (rows != nullptr && rows->num_rows() != run.rows.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the selection covers ", rows->num_rows(),
                     " rows; the run has ", run.rows.size()));
  }
  return absl::OkStatus();
}

void AddImage(const DataRow& row, const ConfusionOptions& o, size_t nc,
              std::vector<uint32_t>* order, std::vector<uint8_t>* taken,
              ConfusionMatrix* out) {
  const std::vector<Prediction>& preds = row.predictions;
  order->clear();
  for (uint32_t p = 0; p < preds.size(); ++p) {
    if (preds[p].confidence >= o.confidence_threshold) order->push_back(p);
  }
  std::stable_sort(order->begin(), order->end(), [&](uint32_t a, uint32_t b) {
    return preds[a].confidence > preds[b].confidence;
  });
  const std::vector<GroundTruth>& gts = row.ground_truths;
  taken->assign(gts.size(), 0);
  for (uint32_t p : *order) {
    const Prediction& pred = preds[p];
    double best = -1;
    int64_t best_g = -1;
    bool in_crowd = false;
    for (size_t g = 0; g < gts.size(); ++g) {
      if (gts[g].iscrowd) {
        in_crowd =
            in_crowd || CocoIou(pred.box, gts[g].box, true) >= o.iou_threshold;
        continue;
      }
      if ((*taken)[g]) continue;
      const double v = CocoIou(pred.box, gts[g].box, false);
      if (v >= o.iou_threshold && v > best) {
        best = v;
        best_g = static_cast<int64_t>(g);
      }
    }
    if (best_g >= 0) {
      (*taken)[best_g] = 1;
      ++out->counts[gts[best_g].class_index][pred.class_index];
    } else if (in_crowd) {
      ++out->crowd[pred.class_index];
    } else {
      ++out->counts[nc][pred.class_index];
    }
  }
  for (size_t g = 0; g < gts.size(); ++g) {
    if (!gts[g].iscrowd && !(*taken)[g]) ++out->counts[gts[g].class_index][nc];
  }
}

}  // namespace

absl::StatusOr<ConfusionMatrix> ComputeConfusionMatrix(
    const ModelRun& run, const Selection* rows,
    const ConfusionOptions& options) {
  if (absl::Status s = CheckOptions(run, rows, options); !s.ok()) return s;
  const size_t nc = run.classes.size();
  ConfusionMatrix out;
  out.labels = run.classes;
  out.labels.push_back("background");
  out.columns = run.classes;
  out.columns.push_back("missed");
  out.counts.assign(nc + 1, std::vector<int64_t>(nc + 1, 0));
  out.crowd.assign(nc, 0);
  std::vector<uint32_t> order;
  std::vector<uint8_t> taken;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    if (rows != nullptr && !rows->Contains(static_cast<RowIndex>(r))) continue;
    AddImage(run.rows[r], options, nc, &order, &taken, &out);
  }
  return out;
}

}  // namespace slicekit
