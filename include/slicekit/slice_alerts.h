// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Alerts for curation: rules on a slice's size, metrics and change since its
// last snapshot (`size > 500; precision < 0.6; new_rows > 100`), kept per
// slice by the store (SliceStore::SetAlertRules) and checked against a
// table (CheckAlerts; `slicekit slice ... check`, which exits 3 when any
// rule fires). Grammar and meaning: docs/slices.md, "Alerts".
#ifndef SLICEKIT_SLICE_ALERTS_H_
#define SLICEKIT_SLICE_ALERTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "slicekit/slice.h"
#include "slicekit/table.h"

namespace slicekit {

class SliceStore;

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

// One rule checked.
struct AlertResult {
  AlertRule rule;
  // The measured value; unset when undefined (precision of no rows, or
  // new_rows without an earlier snapshot), and then the rule does not fire.
  std::optional<double> value;
  bool fired = false;
};

// The rules of one slice checked against a table.
struct SliceAlertReport {
  std::string slice_id;
  std::string slice_name;
  std::vector<AlertResult> results;
  // The snapshot new_rows/left_rows were measured from (unset: none).
  std::optional<int64_t> since_snapshot;
  // The snapshot taken after checking (CheckAlertsOptions::snapshot).
  std::optional<int64_t> new_snapshot;
  bool fired() const;
};

struct CheckAlertsOptions {
  int threads = 1;
  // Also take a snapshot of every checked slice after checking it, so the
  // next check measures new_rows from here (with this table name and
  // ChangeInfo).
  bool snapshot = false;
  std::string table_name;
  ChangeInfo taken;
};

// Checks the alert rules of every slice of `org` that has any, against
// `table` as it is now, in slice-name order. Errors: those of the store,
// and of Bind() (prefixed with the slice's name) when a slice's filter
// does not apply to the table.
absl::StatusOr<std::vector<SliceAlertReport>> CheckAlerts(
    SliceStore& store, absl::string_view org, const Table& table,
    const CheckAlertsOptions& options = {});

}  // namespace slicekit

#endif  // SLICEKIT_SLICE_ALERTS_H_
