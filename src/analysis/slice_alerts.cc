// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Checking a slice's alert rules against a table: its summary now and, for
// new_rows/left_rows, its change since the last snapshot.
#include "slicekit/slice_alerts.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "slicekit/explore.h"
#include "slicekit/scan.h"
#include "slicekit/slice_store.h"
#include "slicekit/table_snapshot.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

bool Compare(double value, CompareOp op, double threshold) {
  switch (op) {
    case CompareOp::kEq:
      return value == threshold;
    case CompareOp::kNe:
      return value != threshold;
    case CompareOp::kLt:
      return value < threshold;
    case CompareOp::kLe:
      return value <= threshold;
    case CompareOp::kGt:
      return value > threshold;
    case CompareOp::kGe:
      return value >= threshold;
  }
  return false;
}

std::optional<double> Measure(AlertMetric metric, const SliceSummary& summary,
                              const std::optional<SnapshotDiff>& diff) {
  switch (metric) {
    case AlertMetric::kSize:
      return static_cast<double>(summary.rows);
    case AlertMetric::kTp:
      return static_cast<double>(summary.tp);
    case AlertMetric::kFp:
      return static_cast<double>(summary.fp);
    case AlertMetric::kFn:
      return static_cast<double>(summary.fn);
    case AlertMetric::kPrecision:
      return summary.precision;
    case AlertMetric::kRecall:
      return summary.recall;
    case AlertMetric::kF1:
      return summary.f1;
    case AlertMetric::kMeanConfidence:
      return summary.mean_confidence;
    case AlertMetric::kMeanIou:
      return summary.mean_iou;
    case AlertMetric::kNewRows:
      if (!diff.has_value()) return std::nullopt;
      return static_cast<double>(diff->entered.size());
    case AlertMetric::kLeftRows:
      if (!diff.has_value()) return std::nullopt;
      return static_cast<double>(diff->left.size());
  }
  return std::nullopt;
}

bool NeedsSnapshot(const std::vector<AlertRule>& rules) {
  return std::any_of(rules.begin(), rules.end(), [](const AlertRule& r) {
    return r.metric == AlertMetric::kNewRows ||
           r.metric == AlertMetric::kLeftRows;
  });
}

absl::StatusOr<SliceSummary> SummarizeNow(const SliceResolver& resolver,
                                          const Slice& slice,
                                          const Table& table, int threads) {
  SLICEKIT_ASSIGN_OR_RETURN(const BoundFilter bound,
                            Bind(slice.filter, table, resolver));
  return Summarize(table, bound.Scan({.threads = threads}));
}

}  // namespace

bool SliceAlertReport::fired() const {
  return std::any_of(results.begin(), results.end(),
                     [](const AlertResult& r) { return r.fired; });
}

absl::StatusOr<std::vector<SliceAlertReport>> CheckAlerts(
    SliceStore& store, absl::string_view org, const Table& table,
    const CheckAlertsOptions& options) {
  SLICEKIT_ASSIGN_OR_RETURN(const auto all_rules, store.ListAlertRules(org));
  SLICEKIT_ASSIGN_OR_RETURN(const std::unique_ptr<SliceResolver> resolver,
                            store.Resolver(org));
  SnapshotOptions snapshot_options;
  snapshot_options.table_name = options.table_name;
  snapshot_options.taken = options.taken;
  snapshot_options.threads = options.threads;
  std::vector<SliceAlertReport> reports;
  for (const auto& [slice_id, text] : all_rules) {
    SLICEKIT_ASSIGN_OR_RETURN(const Slice slice, store.Get(org, slice_id));
    SLICEKIT_ASSIGN_OR_RETURN(const std::vector<AlertRule> rules,
                              ParseAlertRules(text));
    SliceAlertReport report;
    report.slice_id = slice.id;
    report.slice_name = slice.name;
    // The membership now, and (for new_rows/left_rows) its change since
    // the last snapshot, from one computation.
    std::optional<SnapshotDiff> diff;
    SliceSummary summary;
    SLICEKIT_ASSIGN_OR_RETURN(const std::vector<SnapshotInfo> snapshots,
                              store.ListSnapshots(org, slice.id));
    absl::Status status;
    if (NeedsSnapshot(rules) && !snapshots.empty()) {
      absl::StatusOr<SnapshotDiff> d = DiffWithTable(
          store, org, snapshots.back().id, table, snapshot_options);
      status = d.status();
      if (d.ok()) {
        report.since_snapshot = snapshots.back().id;
        summary = d->to.summary;
        diff = *std::move(d);
      }
    } else {
      absl::StatusOr<SliceSummary> s =
          SummarizeNow(*resolver, slice, table, options.threads);
      status = s.status();
      if (s.ok()) summary = *std::move(s);
    }
    if (!status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat("slice \"", slice.name, "\" (", slice.id,
                                       "): ", status.message()));
    }
    for (const AlertRule& rule : rules) {
      AlertResult result;
      result.rule = rule;
      result.value = Measure(rule.metric, summary, diff);
      result.fired = result.value.has_value() &&
                     Compare(*result.value, rule.op, rule.threshold);
      report.results.push_back(result);
    }
    if (options.snapshot) {
      SLICEKIT_ASSIGN_OR_RETURN(
          const SnapshotInfo taken,
          TakeSnapshot(store, org, slice.id, table, snapshot_options));
      report.new_snapshot = taken.id;
    }
    reports.push_back(std::move(report));
  }
  std::sort(reports.begin(), reports.end(),
            [](const SliceAlertReport& a, const SliceAlertReport& b) {
              return a.slice_name < b.slice_name;
            });
  return reports;
}

}  // namespace slicekit
