// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_SLICE_H_
#define SLICEKIT_SLICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"

namespace slicekit {

// A saved, named, dynamic filter over a model run's rows: membership is the
// filter applied to the table as it is now. A value type.
struct Slice {
  std::string id;                 // stable, unique in the store, never reused
  std::string org;                // the organisation owning it
  std::string name;               // NFC-normalized, trimmed, 3-30 code points
  std::string description;        // optional (empty), at most 1,000 code points
  Expr filter;                    // stored as canonical text and as JSON
  std::vector<OrderBy> order_by;  // empty: by data_row_id
  absl::Time created_at;
  absl::Time updated_at;
  int64_t version = 1;  // +1 on every change in place
};

// Who made a change and when, as the caller says; kept in the slice's
// history (SliceStore::History). Both are optional.
struct ChangeInfo {
  std::string actor;  // a user, a job: at most 200 bytes of UTF-8
  // Unset: the store's clock at the change. Within the years 0000 to 9999
  // (UTC), which RFC 3339 writes.
  std::optional<absl::Time> at;
};

// What made a version of a slice.
enum class SliceChange {
  kCreated,         // Create() or UpdateFilterAsNew()
  kFilterUpdated,   // UpdateFilter()
  kRenamed,         // Rename()
  kDescriptionSet,  // SetDescription()
  kRestored,        // Restore()
  kDeleted,         // Delete(): the last entry of a deleted slice's history
  kMigrated,        // the version a store of format 1 held when upgraded
};

// "created", "filter_updated", "renamed", "description_set", "restored",
// "deleted", "migrated".
absl::string_view SliceChangeName(SliceChange change);

// One version of a slice as its history keeps it: the slice as it was
// after the change, and who made the change when. A value type.
struct SliceVersion {
  std::string slice_id;
  std::string org;
  int64_t version = 0;  // kDeleted: one past the last live version
  SliceChange change = SliceChange::kCreated;
  std::string name;
  std::string description;
  Expr filter;
  std::vector<OrderBy> order_by;
  std::string actor;
  absl::Time changed_at;
  std::optional<int64_t> restored_from;  // kRestored: the version restored
};

}  // namespace slicekit

#endif  // SLICEKIT_SLICE_H_
