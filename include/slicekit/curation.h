// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Incremental curation: after rows are appended, which of the new rows
// entered each saved slice. All slices are evaluated over only the new rows
// in one pass (ScanMany), never one scan of the whole table per slice.
#ifndef SLICEKIT_CURATION_H_
#define SLICEKIT_CURATION_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "slicekit/column_reader.h"
#include "slicekit/scan.h"
#include "slicekit/selection.h"
#include "slicekit/slice.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/table.h"

namespace slicekit {

// The new rows that entered one slice.
struct SliceEntries {
  std::string slice_id;
  std::string slice_name;
  std::vector<RowIndex> rows;  // ascending; live rows >= first_new_row
  size_t count() const { return rows.size(); }
};

// Which new rows entered which slice. One entry per slice, in the order the
// slices were given (slices no new row entered have empty `rows`).
struct CurationReport {
  RowIndex first_new_row = 0;
  RowIndex end_row = 0;  // the table's num_rows() at the time
  std::vector<SliceEntries> slices;
  // Sum of the slices' counts (a row in two slices counts twice).
  size_t total_entries() const;
};

// Slices bound to one table, ready to be checked against each batch of new
// rows. Binding happens once, in Create(), so a curation loop pays only for
// the scan. Immutable; NewRows() is const and thread-safe, but the table
// must not be modified while it runs. REQUIRES: the table outlives the
// Curator (moving the Table is fine).
class Curator {
 public:
  // Binds every slice's filter to `table`. IN SLICE references resolve
  // through `resolver`, or (when it is null) among `slices` themselves.
  // Errors: those of Bind(), with the message prefixed by the slice's name
  // and id ("slice 'Hard cars' (id s-7): unknown column ...").
  static absl::StatusOr<Curator> Create(
      const Table& table, absl::Span<const Slice> slices,
      const SliceResolver* resolver = nullptr);

  // Returns, for every slice, the live rows at positions >= `first_new_row`
  // that match its filter now: one ScanMany() pass over just those rows, so
  // the cost is O(new rows x slices) whatever the table's size. Pass the
  // table's num_rows() from before the Append(). `threads` as in
  // ScanOptions. A position taken before a Table::Compact() that removed
  // rows names other rows now, and this overload cannot tell: prefer
  // NewRowsSince().
  CurationReport NewRows(RowIndex first_new_row, int threads = 1) const;

  // NewRows(since.row, threads), for a watermark taken with
  // table.EndWatermark() before the Append(). Errors: FailedPrecondition
  // when the table was compacted after the watermark was taken (the
  // positions moved, so "rows from since.row" is no longer "the new rows");
  // take a new watermark. The Curator itself stays valid across Compact().
  absl::StatusOr<CurationReport> NewRowsSince(const Table::Watermark& since,
                                              int threads = 1) const;

  size_t num_slices() const { return filters_.size(); }

 private:
  Curator(TableReader table, std::vector<BoundFilter> filters,
          std::vector<std::string> ids, std::vector<std::string> names)
      : table_(std::move(table)),
        filters_(std::move(filters)),
        ids_(std::move(ids)),
        names_(std::move(names)) {}

  // Of no columns: the table's size and generation, which stay valid when
  // the Table object moves.
  TableReader table_;
  std::vector<BoundFilter> filters_;
  std::vector<std::string> ids_;
  std::vector<std::string> names_;
};

// Curator::Create(table, slices) then NewRows(first_new_row), for a single
// batch.
absl::StatusOr<CurationReport> NewRowsBySlice(const Table& table,
                                              absl::Span<const Slice> slices,
                                              RowIndex first_new_row);

}  // namespace slicekit

#endif  // SLICEKIT_CURATION_H_
