// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The store's values as the durable backends' rows: see stored_rows.h.
#include "src/store/stored_rows.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "src/store/slice_store_internal.h"
#include "src/util/status_macros.h"

namespace slicekit::internal {

// Reads a stored filter and ordering; DataLoss naming `what` if either is
// unreadable.
absl::Status ParseRecord(absl::string_view what, absl::string_view filter_json,
                         absl::string_view order_by_json, Expr* filter,
                         std::vector<OrderBy>* order_by) {
  absl::StatusOr<Expr> parsed = FilterFromJson(filter_json);
  if (!parsed.ok()) {
    return absl::DataLossError(
        absl::StrCat("slice store: ", what,
                     " has an unreadable filter: ", parsed.status().message()));
  }
  *filter = *std::move(parsed);
  absl::StatusOr<std::vector<OrderBy>> order = OrderByFromJson(order_by_json);
  if (!order.ok()) {
    return absl::DataLossError(
        absl::StrCat("slice store: ", what, ": ", order.status().message()));
  }
  *order_by = *std::move(order);
  return absl::OkStatus();
}

SliceRow RowOf(const StoredSlice& s) {
  SliceRow row;
  row.seq = s.seq;
  row.id = s.slice.id;
  row.org = s.slice.org;
  row.name = s.slice.name;
  row.name_key = s.name_key;
  row.description = s.slice.description;
  row.filter_text = FormatFilter(s.slice.filter);
  row.filter_json = FilterToJson(s.slice.filter);
  row.order_by_json = OrderByToJson(s.slice.order_by);
  row.created_at_us = absl::ToUnixMicros(s.slice.created_at);
  row.updated_at_us = absl::ToUnixMicros(s.slice.updated_at);
  row.version = s.slice.version;
  return row;
}

VersionRow RowOf(const SliceVersion& v) {
  VersionRow row;
  row.slice_id = v.slice_id;
  row.version = v.version;
  row.org = v.org;
  row.change = std::string(SliceChangeName(v.change));
  row.name = v.name;
  row.description = v.description;
  row.filter_text = FormatFilter(v.filter);
  row.filter_json = FilterToJson(v.filter);
  row.order_by_json = OrderByToJson(v.order_by);
  row.actor = v.actor;
  row.changed_at_us = absl::ToUnixMicros(v.changed_at);
  row.restored_from = v.restored_from;
  return row;
}

absl::StatusOr<SliceVersion> VersionOf(const VersionRow& row) {
  SliceVersion v;
  v.slice_id = row.slice_id;
  v.org = row.org;
  v.version = row.version;
  const std::string what =
      absl::StrCat("version ", v.version, " of slice ", v.slice_id);
  std::optional<SliceChange> kind = SliceChangeFromName(row.change);
  if (!kind.has_value()) {
    return absl::DataLossError(absl::StrCat(
        "slice store: ", what, " has an unknown change \"", row.change, "\""));
  }
  v.change = *kind;
  v.name = row.name;
  v.description = row.description;
  SLICEKIT_RETURN_IF_ERROR(ParseRecord(what, row.filter_json, row.order_by_json,
                                       &v.filter, &v.order_by));
  v.actor = row.actor;
  v.changed_at = absl::FromUnixMicros(row.changed_at_us);
  v.restored_from = row.restored_from;
  return v;
}

absl::StatusOr<SnapshotInfo> InfoOf(const SnapshotRow& row) {
  SnapshotInfo info;
  info.id = row.seq;
  info.org = row.org;
  info.slice_id = row.slice_id;
  info.slice_version = row.slice_version;
  info.slice_name = row.slice_name;
  info.table_name = row.table_name;
  info.actor = row.actor;
  info.taken_at = absl::FromUnixMicros(row.taken_at_us);
  absl::StatusOr<SliceSummary> summary = SummaryFromJson(row.summary_json);
  if (!summary.ok() ||
      static_cast<int64_t>(summary->rows) != row.member_count) {
    return absl::DataLossError(absl::StrCat("slice store: snapshot ", info.id,
                                            " has a malformed summary"));
  }
  info.summary = *std::move(summary);
  info.encoded_bytes = row.members_bytes;
  return info;
}

SnapshotRow RowOf(const SnapshotInfo& info, const std::string& members) {
  SnapshotRow row;
  row.seq = info.id;
  row.org = info.org;
  row.slice_id = info.slice_id;
  row.slice_version = info.slice_version;
  row.slice_name = info.slice_name;
  row.table_name = info.table_name;
  row.actor = info.actor;
  row.taken_at_us = absl::ToUnixMicros(info.taken_at);
  row.member_count = static_cast<int64_t>(info.summary.rows);
  row.summary_json = SummaryToJson(info.summary);
  row.members_bytes = static_cast<int64_t>(members.size());
  return row;
}

absl::StatusOr<StoredSlice> SliceOf(SliceRow row) {
  StoredSlice s;
  s.seq = row.seq;
  s.slice.id = std::move(row.id);
  s.slice.org = std::move(row.org);
  s.slice.name = std::move(row.name);
  s.name_key = std::move(row.name_key);
  s.slice.description = std::move(row.description);
  SLICEKIT_RETURN_IF_ERROR(ParseRecord(absl::StrCat("slice ", s.slice.id),
                                       row.filter_json, row.order_by_json,
                                       &s.slice.filter, &s.slice.order_by));
  s.slice.created_at = absl::FromUnixMicros(row.created_at_us);
  s.slice.updated_at = absl::FromUnixMicros(row.updated_at_us);
  s.slice.version = row.version;
  return s;
}

}  // namespace slicekit::internal
