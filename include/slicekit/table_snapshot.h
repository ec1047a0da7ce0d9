// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Snapshots of a table: a saved slice's membership in a table as it is now
// (its filter bound and scanned, the member rows summarized), saved in the
// store as a snapshot or compared with one. The snapshots themselves and
// their diffs are the store's (slicekit/slice_snapshot.h, SliceStore).
#ifndef SLICEKIT_TABLE_SNAPSHOT_H_
#define SLICEKIT_TABLE_SNAPSHOT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/slice.h"
#include "slicekit/slice_snapshot.h"
#include "slicekit/slice_store.h"
#include "slicekit/table.h"

namespace slicekit {

struct SnapshotOptions {
  // What the table is (a file name, a run id), kept with the snapshot: at
  // most kMaxTableNameBytes of UTF-8, may be empty.
  std::string table_name;
  // Who took it and when (unset: the clock when the membership is taken).
  ChangeInfo taken;
  // Threads for the scan.
  int threads = 1;
};

// Applies slice `id`'s filter (references resolved among the org's slices
// as they are now) to `table` and saves the member rows' data_row_ids and
// their summary as a snapshot of the slice (SliceStore::SaveSnapshot).
// Errors: those of Bind() and Summarize(), InvalidArgument for a bad table
// name or actor, NotFound for a missing slice (or one deleted meanwhile).
absl::StatusOr<SnapshotInfo> TakeSnapshot(SliceStore& store,
                                          absl::string_view org,
                                          absl::string_view id,
                                          const Table& table,
                                          const SnapshotOptions& options = {});

// Compares snapshot `from_id` with its slice's membership in `table` now,
// without saving a snapshot (SnapshotDiff::to has id 0;
// SliceStore::DiffWithMembers). NotFound when the snapshot's slice was
// deleted; otherwise the errors of SliceStore::Diff() and of TakeSnapshot().
absl::StatusOr<SnapshotDiff> DiffWithTable(SliceStore& store,
                                           absl::string_view org,
                                           int64_t from_id, const Table& table,
                                           const SnapshotOptions& options = {});

}  // namespace slicekit

#endif  // SLICEKIT_TABLE_SNAPSHOT_H_
