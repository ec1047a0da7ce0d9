// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Alert rules as the store keeps them: `size > 500; precision < 0.6;
// new_rows > 100`, a rule on a slice's size, metrics or change since its
// last snapshot. SliceStore::SetAlertRules() parses and canonicalizes them
// with this grammar; checking them needs a table (CheckAlerts,
// slicekit/slice_alerts.h). Grammar and meaning: docs/slice-history.md,
// "Alerts for curation".
#ifndef SLICEKIT_ALERT_RULES_H_
#define SLICEKIT_ALERT_RULES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"

namespace slicekit {

// What a rule measures.
enum class AlertMetric {
  kSize,  // member rows
  kTp,    // summed counts of the member rows
  kFp,
  kFn,
  kPrecision,  // micro metrics, as SliceSummary (undefined: no alert)
  kRecall,
  kF1,
  kMeanConfidence,
  kMeanIou,
  kNewRows,   // rows that entered since the slice's last snapshot
  kLeftRows,  // rows that left since the slice's last snapshot
};

// "size", "tp", "fp", "fn", "precision", "recall", "f1", "mean_confidence",
// "mean_iou", "new_rows", "left_rows".
absl::string_view AlertMetricName(AlertMetric metric);

// `metric op threshold`: fires when the metric's value compares so.
struct AlertRule {
  AlertMetric metric = AlertMetric::kSize;
  CompareOp op = CompareOp::kGt;
  double threshold = 0;

  // "size > 500", "precision < 0.6".
  std::string ToString() const;
  friend bool operator==(const AlertRule&, const AlertRule&) = default;
};

// Parses rules separated by ';' or newlines (blank ones ignored):
//   rule   = metric op number
//   metric = size | rows | tp | fp | fn | precision | recall | f1
//          | mean_confidence | mean_iou | new_rows | left_rows
//          | "new rows since last snapshot" | "left rows since last snapshot"
//   op     = < | <= | > | >= | = | !=
// Metric names ignore case and runs of spaces; `rows` is `size`. Errors are
// InvalidArgument with the 0-based byte offset: "alert rules at 0: unknown
// metric 'precison' (known: size, tp, ...)", "alert rules at 7: expected a
// number after '>', not 'lots'". Empty text gives no rules.
absl::StatusOr<std::vector<AlertRule>> ParseAlertRules(absl::string_view text);

// The canonical text of `rules`: "size > 500; precision < 0.6".
std::string FormatAlertRules(const std::vector<AlertRule>& rules);

}  // namespace slicekit

#endif  // SLICEKIT_ALERT_RULES_H_
