// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A slice's membership in a table now (bind, scan, summarize, collect the
// ids), saved as a snapshot or compared with one; the store keeps and
// compares them.
#include "slicekit/table_snapshot.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "slicekit/column_reader.h"
#include "slicekit/explore.h"
#include "slicekit/scan.h"
#include "slicekit/slice_store.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

// A slice's membership in a table now: its summary and its ids, ascending
// (views into the table).
struct Membership {
  Slice slice;
  SliceSummary summary;
  std::vector<absl::string_view> ids;
};

absl::StatusOr<Membership> ComputeMembership(SliceStore& store,
                                             absl::string_view org,
                                             absl::string_view id,
                                             const Table& table, int threads) {
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<Slice> slices,
                            store.List(org, SliceListOrder::kByCreationTime));
  Membership m;
  bool found = false;
  for (const Slice& s : slices) {
    if (s.id == id) {
      m.slice = s;
      found = true;
    }
  }
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("org \"", org, "\" has no slice with id \"", id, "\""));
  }
  const SliceListResolver resolver(std::move(slices), std::string(org));
  SLICEKIT_ASSIGN_OR_RETURN(const BoundFilter bound,
                            Bind(m.slice.filter, table, resolver));
  const Selection rows = bound.Scan({.threads = threads});
  SLICEKIT_ASSIGN_OR_RETURN(m.summary, Summarize(table, rows));
  SLICEKIT_ASSIGN_OR_RETURN(
      const TableReader reader,
      TableReader::Make(table, {table.schema().id_column()}));
  m.ids.reserve(m.summary.rows);
  SLICEKIT_RETURN_IF_ERROR(reader.ForEachBatch(rows, [&](const RowBatch& b) {
    const ColumnVector& ids = b.column(0);
    b.ForEachRow([&](size_t i) { m.ids.push_back(ids.StringAt(i)); });
  }));
  // Sorted in place, so the store need not sort a copy. Ids often come in
  // order already (generated, or imported sorted).
  if (!std::is_sorted(m.ids.begin(), m.ids.end())) {
    std::sort(m.ids.begin(), m.ids.end());
  }
  return m;
}

SnapshotInfo InfoFor(absl::string_view org, const Membership& m,
                     const SnapshotOptions& options) {
  SnapshotInfo info;
  info.org = std::string(org);
  info.slice_id = m.slice.id;
  info.slice_name = m.slice.name;
  info.slice_version = m.slice.version;
  info.table_name = options.table_name;
  info.actor = options.taken.actor;
  info.taken_at = absl::FromUnixMicros(
      absl::ToUnixMicros(options.taken.at.value_or(absl::Now())));
  info.summary = m.summary;
  return info;
}

}  // namespace

absl::StatusOr<SnapshotInfo> TakeSnapshot(SliceStore& store,
                                          absl::string_view org,
                                          absl::string_view id,
                                          const Table& table,
                                          const SnapshotOptions& options) {
  SLICEKIT_ASSIGN_OR_RETURN(
      const Membership m,
      ComputeMembership(store, org, id, table, options.threads));
  return store.SaveSnapshot(org, InfoFor(org, m, options), m.ids);
}

absl::StatusOr<SnapshotDiff> DiffWithTable(SliceStore& store,
                                           absl::string_view org,
                                           int64_t from_id, const Table& table,
                                           const SnapshotOptions& options) {
  SLICEKIT_ASSIGN_OR_RETURN(const SnapshotInfo from,
                            store.GetSnapshot(org, from_id));
  SLICEKIT_ASSIGN_OR_RETURN(
      const Membership now,
      ComputeMembership(store, org, from.slice_id, table, options.threads));
  return store.DiffWithMembers(org, from_id, InfoFor(org, now, options),
                               now.ids);
}

}  // namespace slicekit
