// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Snapshots of a slice's membership (which rows were in it, and their
// summary, at one time over one table) and the differences between two of
// them: the rows that entered and left, and how each summary metric moved.
// The store keeps and compares them (SliceStore::SaveSnapshot(), Diff());
// taking one from a table is analysis (TakeSnapshot(),
// slicekit/table_snapshot.h).
#ifndef SLICEKIT_SLICE_SNAPSHOT_H_
#define SLICEKIT_SLICE_SNAPSHOT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "slicekit/slice.h"
#include "slicekit/slice_summary.h"

namespace slicekit {

// The longest SnapshotInfo::table_name, in bytes.
inline constexpr int kMaxTableNameBytes = 1000;

// A snapshot without its member ids. A value type.
struct SnapshotInfo {
  // Unique in the store and increasing in the order snapshots were saved;
  // 0 for a membership computed but not saved (DiffWithTable()).
  int64_t id = 0;
  std::string org;
  std::string slice_id;
  std::string slice_name;     // the slice's name when it was taken
  int64_t slice_version = 0;  // the version whose filter was applied
  // What the table was (a file name, a run id): at most 1,000 bytes of
  // UTF-8, may be empty.
  std::string table_name;
  std::string actor;  // who took it: at most 200 bytes of UTF-8
  absl::Time taken_at;
  SliceSummary summary;       // of the member rows; summary.rows = members
  int64_t encoded_bytes = 0;  // the stored member ids
};

// One summary metric in two snapshots.
struct MetricChange {
  // "rows", "tp", "fp", "fn", "precision", "recall", "f1",
  // "mean_confidence", "mean_iou".
  std::string metric;
  std::optional<double> before;  // unset: undefined (no denominator, no rows)
  std::optional<double> after;
  std::optional<double> change;  // after - before, when both are set

  friend bool operator==(const MetricChange&, const MetricChange&) = default;
};

// How membership moved from one snapshot to another.
struct SnapshotDiff {
  SnapshotInfo from;
  SnapshotInfo to;
  std::vector<std::string> entered;   // in `to`, not in `from`; ascending
  std::vector<std::string> left;      // in `from`, not in `to`; ascending
  std::vector<MetricChange> metrics;  // in the order listed above
};

}  // namespace slicekit

#endif  // SLICEKIT_SLICE_SNAPSHOT_H_
