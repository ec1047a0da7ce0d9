// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Exploring a slice: its filter applied to the table as it is now, paged in
// an order with a stable cursor, summarized (micro precision/recall/F1, mean
// confidence and IoU), listed as data_row_ids and exported as CSV, JSON or
// NDJSON.
#ifndef SLICEKIT_EXPLORE_H_
#define SLICEKIT_EXPLORE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "slicekit/selection.h"
#include "slicekit/slice.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/slice_summary.h"
#include "slicekit/table.h"

namespace slicekit {

// Summarizes the live rows of `selection` (deleted rows in it are skipped).
// Reads the columns chunk by chunk: O(selection.num_rows() x metric
// columns). Errors:
// InvalidArgument when the selection covers more rows than the table has,
// or when a metric column has the wrong type (`tp`, `fp`, `fn` must be int;
// `confidence`, `iou` float); FailedPrecondition for a selection scanned
// before the table was compacted (Table::generation()).
absl::StatusOr<SliceSummary> Summarize(const Table& table,
                                       const Selection& selection);

// Summarizes every live row ("all data"): Summarize(table, table.LiveRows()).
absl::StatusOr<SliceSummary> SummarizeAll(const Table& table);

// Summarizes the live rows with `dataset = 'dataset'`: the same Summarize()
// over another selection. Errors: those of Bind() (NotFound when the table
// has no `dataset` column) and Summarize().
absl::StatusOr<SliceSummary> SummarizeDataset(const Table& table,
                                              absl::string_view dataset);

// A slice's summary beside its baselines, to compare the slice with the
// whole run and, optionally, with one dataset.
struct SummaryComparison {
  SliceSummary slice;
  SliceSummary all;
  std::optional<SliceSummary> dataset;  // set when a dataset was asked for
};

// Summarizes `selection`, every live row and (when `dataset` is set) the
// rows of that dataset. Errors: those of Summarize() and SummarizeDataset().
absl::StatusOr<SummaryComparison> CompareSummaries(
    const Table& table, const Selection& selection,
    std::optional<absl::string_view> dataset = std::nullopt);

struct ExploreOptions {
  // The order of the pages. Unset: the slice's own order (for the Expr and
  // BoundFilter overloads, which have none: data_row_id ascending). Ties
  // always break by data_row_id ascending.
  std::optional<std::vector<OrderBy>> order_by;
  // From a previous ExplorePage::next_cursor; empty for the first page. A
  // cursor is only valid with the same order.
  std::string cursor;
  // Rows per page, at least 1 (0 is InvalidArgument, from OrderPage).
  size_t limit = 50;
  // Threads and the row range for the scan.
  ScanOptions scan;
  // Computes ExplorePage::summary (one more pass over the matching rows).
  bool summarize = true;
  // Resolves IN SLICE references (e.g. SliceStore::Resolver()); needed only
  // by filters that have them. Not owned.
  const SliceResolver* resolver = nullptr;
};

// One page of a slice's rows.
struct ExplorePage {
  std::vector<RowIndex> rows;  // in the page's order
  // Pass as ExploreOptions::cursor for the next page; empty when no rows
  // are left.
  std::string next_cursor;
  // Every live row of the slice now (not just this page).
  size_t total_rows = 0;
  // The summary of the whole slice (all matching rows), when asked for.
  std::optional<SliceSummary> summary;
};

// Applies `filter` to the table as it is now and returns one page of the
// matching rows after `options.cursor`, with keyset pagination (OrderPage):
// rows appended between calls show up (on later pages when they sort after
// the cursor), deleted rows vanish, and no row is skipped or repeated.
// Costs one scan, a top-k of `limit` rows and (optionally) one summary pass.
// REQUIRES: `filter` was bound to `table`. Errors: those of OrderPage()
// (unknown order column, malformed cursor) and Summarize().
absl::StatusOr<ExplorePage> Explore(const Table& table,
                                    const BoundFilter& filter,
                                    const ExploreOptions& options = {});
// The same, binding `filter` first (errors of Bind()).
absl::StatusOr<ExplorePage> Explore(const Table& table, const Expr& filter,
                                    const ExploreOptions& options = {});
// The same for a saved slice: its filter, and its order unless
// `options.order_by` is set.
absl::StatusOr<ExplorePage> Explore(const Table& table, const Slice& slice,
                                    const ExploreOptions& options = {});

// Returns the data_row_ids of the live rows matching `filter`, in the order
// of `order_by` (empty: by data_row_id), skipping `offset` and keeping at
// most `limit`: all of them, or one page. `resolver` resolves IN SLICE
// references (needed only by filters that have them). Errors: those of
// Bind() and OrderRows().
absl::StatusOr<std::vector<std::string>> SliceRowIds(
    const Table& table, const Expr& filter,
    absl::Span<const OrderBy> order_by = {}, size_t offset = 0,
    std::optional<size_t> limit = std::nullopt,
    const SliceResolver* resolver = nullptr);

// The same for a saved slice: its filter, in its order.
absl::StatusOr<std::vector<std::string>> SliceRowIds(
    const Table& table, const Slice& slice, size_t offset = 0,
    std::optional<size_t> limit = std::nullopt,
    const SliceResolver* resolver = nullptr);

enum class ExportFormat {
  // RFC 4180: a header of column names, then one record per row, CRLF-free
  // (LF line ends); a field is double-quoted (with `""` for a quote) when it
  // holds a comma, a quote, CR or LF, or leading/trailing spaces. NULL is an
  // empty field.
  kCsv,
  // One JSON array of objects, one object per row, keys in column order.
  kJson,
  // One JSON object per line (newline-delimited JSON).
  kNdjson,
};

// Writes `rows` of `table` (all columns, in schema order; the rows in the
// given order, deleted ones included) to `out`. NULL is an empty CSV field
// or JSON null. Floats are written as the shortest decimal that reads back
// as the same 32-bit float, with ".0" added to integral values so they stay
// floats (`0.1`, `1.0`, `1e+20`); integers exactly. JSON strings are
// escaped as JSON requires; bytes that are not valid UTF-8 become U+FFFD.
//
// ReadCsv() of the CSV gives an equal table (same columns, types, values,
// NULLs and row order) for the standard metric columns; two limits apply to
// other columns, whose types ReadCsv infers: an empty categorical string
// reads back as NULL, and a categorical column whose every value looks like
// a number reads back as numeric.
//
// Errors: InvalidArgument (naming it) for a row >= table.num_rows(); Unknown
// when writing to `out` fails.
absl::Status ExportRows(const Table& table, absl::Span<const RowIndex> rows,
                        ExportFormat format, std::ostream& out);

// Returns "csv", "json" or "ndjson".
absl::string_view ExportFormatName(ExportFormat format);
// Parses "csv", "json" or "ndjson" (InvalidArgument otherwise).
absl::StatusOr<ExportFormat> ParseExportFormat(absl::string_view name);

}  // namespace slicekit

#endif  // SLICEKIT_EXPLORE_H_
