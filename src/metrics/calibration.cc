// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/calibration.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/metrics/image_match.h"

namespace slicekit {
namespace {

using internal::DetectionState;

// Running sums of one calibration curve.
struct Sums {
  std::vector<int64_t> count;
  std::vector<double> confidence;
  std::vector<int64_t> right;
  void Reset(int bins) {
    count.assign(bins, 0);
    confidence.assign(bins, 0);
    right.assign(bins, 0);
  }
  void Add(double c, bool ok) {
    const int bins = static_cast<int>(count.size());
    // Bin b holds [b / bins, (b + 1) / bins); confidence 1 joins the last.
    int b = static_cast<int>(std::floor(c * bins));
    b = std::clamp(b, 0, bins - 1);
    ++count[b];
    confidence[b] += c;
    right[b] += ok ? 1 : 0;
  }
};

Calibration Finish(const Sums& s, int32_t class_index) {
  Calibration out;
  out.class_index = class_index;
  const int bins = static_cast<int>(s.count.size());
  for (int b = 0; b < bins; ++b) out.num_detections += s.count[b];
  double ece = 0;
  for (int b = 0; b < bins; ++b) {
    ReliabilityBin bin;
    bin.lower = static_cast<double>(b) / bins;
    bin.upper = static_cast<double>(b + 1) / bins;
    bin.count = s.count[b];
    if (bin.count > 0) {
      const double n = static_cast<double>(bin.count);
      bin.mean_confidence = s.confidence[b] / n;
      bin.accuracy = static_cast<double>(s.right[b]) / n;
      ece += n / static_cast<double>(out.num_detections) *
             std::fabs(*bin.accuracy - *bin.mean_confidence);
    }
    out.bins.push_back(bin);
  }
  if (out.num_detections > 0) out.ece = ece;
  return out;
}

absl::Status CheckOptions(const ModelRun& run, const Selection* rows,
                          const CalibrationOptions& o) {
  if (!(o.iou_threshold > 0 && o.iou_threshold <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("IoU threshold ", o.iou_threshold, " is not in (0, 1]"));
  }
  if (o.num_bins < 1 || o.num_bins > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("bins ", o.num_bins, " is not in [1, 1000]"));
  }
  if (o.max_detections < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max detections ", o.max_detections, " is not at least 1"));
  }
  if (rows != nullptr && rows->num_rows() != run.rows.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the selection covers ", rows->num_rows(),
                     " rows; the run has ", run.rows.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CalibrationReport> ComputeCalibration(
    const ModelRun& run, const Selection* rows,
    const CalibrationOptions& options) {
  if (absl::Status s = CheckOptions(run, rows, options); !s.ok()) return s;
  const size_t nc = run.classes.size();
  Sums all;
  all.Reset(options.num_bins);
  std::vector<Sums> per_class(nc);
  for (Sums& s : per_class) s.Reset(options.num_bins);
  internal::ImageMatch m;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    if (rows != nullptr && !rows->Contains(static_cast<RowIndex>(r))) continue;
    const DataRow& row = run.rows[r];
    if (row.predictions.empty()) continue;
    internal::MatchImage(row, options.iou_threshold, options.max_detections,
                         &m);
    for (size_t d = 0; d < m.detections.size(); ++d) {
      if (m.state[d] == DetectionState::kIgnored) continue;
      const Prediction& p = row.predictions[m.detections[d]];
      const bool ok = m.state[d] == DetectionState::kMatched;
      all.Add(p.confidence, ok);
      per_class[p.class_index].Add(p.confidence, ok);
    }
  }
  CalibrationReport out;
  out.all = Finish(all, -1);
  for (size_t c = 0; c < nc; ++c) {
    out.per_class.push_back(Finish(per_class[c], static_cast<int32_t>(c)));
  }
  return out;
}

}  // namespace slicekit
