// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. The conversions between the store's values
// (StoredSlice, SliceVersion, SnapshotInfo) and the rows the durable
// backends keep (slice_store_sqlite_format.h), whose checksums both the
// SQLite and the PostgreSQL backend store beside each row.
#ifndef SLICEKIT_SRC_STORE_STORED_ROWS_H_
#define SLICEKIT_SRC_STORE_STORED_ROWS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"
#include "slicekit/slice.h"
#include "slicekit/slice_snapshot.h"
#include "src/store/slice_store_backend.h"
#include "src/store/slice_store_sqlite_format.h"

namespace slicekit::internal {

// Reads a stored filter and ordering; DataLoss naming `what` if either is
// unreadable.
absl::Status ParseRecord(absl::string_view what, absl::string_view filter_json,
                         absl::string_view order_by_json, Expr* filter,
                         std::vector<OrderBy>* order_by);

SliceRow RowOf(const StoredSlice& s);
VersionRow RowOf(const SliceVersion& v);
// The row of a new snapshot (seq as given: 0 until it has one).
SnapshotRow RowOf(const SnapshotInfo& info, const std::string& members);

// The value a row holds; DataLoss when its filter, ordering, change or
// summary does not read back.
absl::StatusOr<StoredSlice> SliceOf(SliceRow row);
absl::StatusOr<SliceVersion> VersionOf(const VersionRow& row);
absl::StatusOr<SnapshotInfo> InfoOf(const SnapshotRow& row);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_STORE_STORED_ROWS_H_
