// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. Helpers the store's files share: the stored
// forms of orderings, change kinds and summaries, UTF-8 validation, and the
// SQLite backend's lock counters. The backend interface is in
// slice_store_backend.h.
#ifndef SLICEKIT_SRC_STORE_SLICE_STORE_INTERNAL_H_
#define SLICEKIT_SRC_STORE_SLICE_STORE_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/order.h"
#include "slicekit/slice.h"
#include "slicekit/slice_summary.h"

namespace slicekit::internal {

// How many times, in this process, an operation of a SQLite store got
// SQLITE_BUSY or SQLITE_LOCKED back (SQLite's own busy timeout had run out
// or did not apply) and started over; waits inside SQLite's busy timeout
// are not counted. Never reset. For bench/store_load_benchmark.cc.
int64_t SqliteBusyRetries();
// How many times, in this process, a statement of a SQLite store found the
// file locked and waited (SQLite's back-off: 1, 2, 5, ... 100 ms, up to
// 10 s in all) before trying again. Never reset.
int64_t SqliteBusyWaits();

// InvalidArgument `<what> is not valid UTF-8 (byte N)` unless `text` is.
absl::Status ValidateUtf8(absl::string_view text, absl::string_view what);

// NormalizeSliceName under the rules names were stored under before
// invisible characters were refused: for finding and checking stored names,
// which must keep working, never for a new name.
absl::StatusOr<std::string> NormalizeStoredSliceName(absl::string_view name);

// SliceNameKey without default-ignorable characters (utf8proc
// UTF8PROC_IGNORE: U+200D and U+FE0F, which emoji sequences may hold, and
// those of names stored before they were refused): two names with the same
// skeleton can look alike, so a name must not take the skeleton of another
// slice's name. REQUIRES: `normalized_name` is normalized.
std::string SliceNameSkeleton(absl::string_view normalized_name);

// Orderings as JSON ([{"column":"fp","descending":true}]) and back.
std::string OrderByToJson(const std::vector<OrderBy>& order_by);
absl::StatusOr<std::vector<OrderBy>> OrderByFromJson(absl::string_view json);

// SliceChange as stored ("created", ...) and back (nullopt if unknown).
std::optional<SliceChange> SliceChangeFromName(absl::string_view name);

// A summary as JSON and back (DataLoss for a malformed one).
std::string SummaryToJson(const SliceSummary& summary);
absl::StatusOr<SliceSummary> SummaryFromJson(absl::string_view json);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_STORE_SLICE_STORE_INTERNAL_H_
