// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Alerts for curation: the alert rules the store keeps per slice
// (slicekit/alert_rules.h, SliceStore::SetAlertRules) checked against a
// table as it is now (CheckAlerts; `slicekit slice ... check`, which exits 3
// when any rule fires). Grammar and meaning: docs/slice-history.md, "Alerts
// for curation".
#ifndef SLICEKIT_SLICE_ALERTS_H_
#define SLICEKIT_SLICE_ALERTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/alert_rules.h"
#include "slicekit/slice.h"
#include "slicekit/table.h"

namespace slicekit {

class SliceStore;

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
