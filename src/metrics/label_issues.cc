// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Unlike the "Candidate mislabels" auto slice (Labelbox's rule: images with
// a confident false positive), which mixes the model's errors with the
// labels', an issue here needs a confident prediction whose disagreement
// has a label-side explanation of a known shape, and names the box.
#include "slicekit/label_issues.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "slicekit/metrics.h"
#include "src/metrics/image_match.h"

namespace slicekit {
namespace {

using internal::DetectionState;
using internal::ImageMatch;

absl::Status CheckOptions(const ModelRun& run, const Selection* rows,
                          const LabelIssueOptions& o) {
  if (!(o.min_confidence >= 0 && o.min_confidence <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "minimum confidence ", o.min_confidence, " is not in [0, 1]"));
  }
  if (!(o.match_iou > 0 && o.match_iou <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("match IoU ", o.match_iou, " is not in (0, 1]"));
  }
  if (!(o.overlap_iou >= 0 && o.overlap_iou < o.match_iou)) {
    return absl::InvalidArgumentError(
        absl::StrCat("overlap IoU ", o.overlap_iou, " is not in [0, match IoU ",
                     o.match_iou, ")"));
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

// The issue detection d raises, if any.
std::optional<LabelIssue> IssueOf(const DataRow& row, const ImageMatch& m,
                                  size_t d, const LabelIssueOptions& o) {
  const Prediction& p = row.predictions[m.detections[d]];
  LabelIssue issue;
  issue.prediction = m.detections[d];
  double best_other = 0, best_same = 0, best_any = 0;
  int64_t other = -1, same = -1;
  for (size_t g = 0; g < m.gts.size(); ++g) {
    const double v = m.Iou(d, g);
    best_any = std::max(best_any, v);
    const bool unmatched = m.matched_by[g] < 0;
    if (row.ground_truths[m.gts[g]].class_index == p.class_index) {
      if (unmatched && v > best_same) best_same = v, same = g;
    } else if (unmatched && v > best_other) {
      best_other = v, other = g;
    }
  }
  if (other >= 0 && best_other >= o.match_iou) {
    issue.kind = LabelIssueKind::kSwapped;
    issue.ground_truth = m.gts[other];
    issue.score = p.confidence * best_other;
    return issue;
  }
  if (best_any < o.overlap_iou) {
    for (uint32_t c : m.crowds) {
      if (CocoIou(p.box, row.ground_truths[c].box, true) >= o.overlap_iou) {
        return std::nullopt;
      }
    }
    issue.kind = LabelIssueKind::kOverlooked;
    issue.score = p.confidence * (1 - best_any);
    return issue;
  }
  if (same >= 0 && best_same >= o.overlap_iou && best_same < o.match_iou) {
    issue.kind = LabelIssueKind::kBadlyLocated;
    issue.ground_truth = m.gts[same];
    issue.score = p.confidence * best_same / o.match_iou;
    return issue;
  }
  return std::nullopt;
}

}  // namespace

absl::string_view LabelIssueKindName(LabelIssueKind kind) {
  switch (kind) {
    case LabelIssueKind::kSwapped:
      return "swapped";
    case LabelIssueKind::kOverlooked:
      return "overlooked";
    case LabelIssueKind::kBadlyLocated:
      return "badly_located";
  }
  return "unknown";
}

absl::StatusOr<std::vector<LabelIssue>> FindLabelIssues(
    const ModelRun& run, const Selection* rows,
    const LabelIssueOptions& options) {
  if (absl::Status s = CheckOptions(run, rows, options); !s.ok()) return s;
  std::vector<LabelIssue> out;
  ImageMatch m;
  std::map<size_t, size_t> by_box;  // ground truth -> index in `out`
  for (size_t r = 0; r < run.rows.size(); ++r) {
    if (rows != nullptr && !rows->Contains(static_cast<RowIndex>(r))) continue;
    const DataRow& row = run.rows[r];
    if (row.predictions.empty()) continue;
    internal::MatchImage(row, options.match_iou, options.max_detections, &m);
    by_box.clear();
    for (size_t d = 0; d < m.detections.size(); ++d) {
      if (m.state[d] != DetectionState::kUnmatched) continue;
      if (row.predictions[m.detections[d]].confidence <
          options.min_confidence) {
        continue;
      }
      std::optional<LabelIssue> issue = IssueOf(row, m, d, options);
      if (!issue.has_value()) continue;
      issue->row = r;
      if (!issue->ground_truth.has_value()) {
        out.push_back(*issue);
        continue;
      }
      // One issue per box: the first (most confident) prediction's unless a
      // later one scores higher.
      auto [it, added] = by_box.emplace(*issue->ground_truth, out.size());
      if (added) {
        out.push_back(*issue);
      } else if (issue->score > out[it->second].score) {
        out[it->second] = *issue;
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const LabelIssue& a, const LabelIssue& b) {
                     if (a.score != b.score) return a.score > b.score;
                     if (a.row != b.row) return a.row < b.row;
                     return a.prediction < b.prediction;
                   });
  return out;
}

}  // namespace slicekit
