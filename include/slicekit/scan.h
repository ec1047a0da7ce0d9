// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_SCAN_H_
#define SLICEKIT_SCAN_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "slicekit/expr.h"
#include "slicekit/selection.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/table.h"

namespace slicekit {

namespace internal {
struct BoundProgram;
}  // namespace internal

struct ScanOptions {
  // Threads that split the table's chunks; 1 scans on the calling thread.
  int threads = 1;
  // Only rows in [begin_row, end_row) are considered (end_row: the table's
  // size when unset); e.g. just the rows of the last Append().
  RowIndex begin_row = 0;
  std::optional<RowIndex> end_row = std::nullopt;
};

// A filter resolved against one table: column names to columns, types
// checked, literals converted to each column's representation (floats
// rounded to 32 bits, integer bounds made exact, strings to dictionary
// codes), NOT pushed down to the leaves. Only Bind() makes one. Immutable;
// Scan() is const and thread-safe.
//
// The filter stays bound to the table, not to a snapshot: each Scan() sees
// the rows the table has then, so rows appended after Bind() are filtered
// too (strings first seen after Bind() are resolved again at scan time).
// REQUIRES: the table outlives the BoundFilter (moving the Table is fine)
// and is not modified during a Scan().
class BoundFilter {
 public:
  BoundFilter(const BoundFilter&) = default;
  BoundFilter& operator=(const BoundFilter&) = default;
  BoundFilter(BoundFilter&&) = default;
  BoundFilter& operator=(BoundFilter&&) = default;
  ~BoundFilter();

  // Returns the live rows for which the filter is TRUE (SQL three-valued
  // logic: FALSE and UNKNOWN rows are not selected).
  Selection Scan(const ScanOptions& options = {}) const;

  // The filter as given to Bind().
  const Expr& expr() const;
  // The evaluation plan after NOT push-down and constant folding, as text.
  std::string DebugString() const;

 private:
  friend absl::StatusOr<BoundFilter> Bind(const Expr& expr, const Table& table);
  friend absl::StatusOr<BoundFilter> Bind(const Expr& expr, const Table& table,
                                          const SliceResolver& resolver);
  friend std::vector<Selection> ScanMany(absl::Span<const BoundFilter> filters,
                                         const ScanOptions& options);
  explicit BoundFilter(std::shared_ptr<const internal::BoundProgram> program);
  std::shared_ptr<const internal::BoundProgram> program_;
};

// Binds `expr` to `table`. Errors (InvalidArgument unless noted):
// NotFound for an unknown column ("unknown column 'confidense' (did you mean
// 'confidence'?)"); a number compared with a string column or a string with
// a numeric column; a NaN, infinite or out-of-range number; an empty IN list;
// a class scope `fp[car]` when the table has no column named "fp[car]"
// (per-class metrics are columns named `metric[class]`; NotFound listing the
// known classes when other `fp[...]` columns exist); a tree deeper than
// kMaxFilterDepth. A filter with IN SLICE references is FailedPrecondition
// here: bind it with a SliceResolver.
absl::StatusOr<BoundFilter> Bind(const Expr& expr, const Table& table);

// The same for a filter that may hold IN SLICE references: each is resolved
// now (ResolveSliceRefs(), with its errors: unknown slices, cycles) and the
// referenced slice's filter, as it is now, is bound in its place, so a
// later change to that slice needs a new Bind(). `IN SLICE 'a'` selects
// the rows `a`'s filter is TRUE for; `NOT IN SLICE 'a'` every other live
// row, those for which it is UNKNOWN included. The scanner evaluates the
// whole tree in one pass. Depth is counted through the references (each
// adds a level).
absl::StatusOr<BoundFilter> Bind(const Expr& expr, const Table& table,
                                 const SliceResolver& resolver);

// Scans several filters bound to the same table in one pass: each chunk is
// read once while every filter runs over it (the incremental-curation case:
// all of an org's slices over just the appended rows). Result i is
// filters[i].Scan(options). REQUIRES: every filter was bound to one table.
std::vector<Selection> ScanMany(absl::Span<const BoundFilter> filters,
                                const ScanOptions& options = {});

// Bind() then Scan(), for one-off queries.
absl::StatusOr<Selection> Filter(const Table& table, const Expr& expr,
                                 const ScanOptions& options = {});

}  // namespace slicekit

#endif  // SLICEKIT_SCAN_H_
