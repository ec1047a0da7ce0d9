// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_ORDER_H_
#define SLICEKIT_ORDER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"

namespace slicekit {

struct OrderBy {
  std::string column;
  bool descending = false;

  friend bool operator==(const OrderBy&, const OrderBy&) = default;
};

// Returns the selected live rows ordered by `order`: NULLs last in both
// directions, ties broken by `data_row_id` ascending (byte-wise), so the
// order is total. Skips the first `offset` rows and returns at most `limit`.
// With a limit, the cost is O(n log(offset + limit)) and the selection is
// never fully sorted. Strings order byte-wise. Errors: NotFound for an
// unknown column; FailedPrecondition for a selection scanned before the
// table was compacted (Selection::generation() differs).
absl::StatusOr<std::vector<RowIndex>> OrderRows(
    const Table& table, const Selection& selection, const OrderBy& order,
    size_t offset = 0, std::optional<size_t> limit = std::nullopt);

// The same with several keys: rows order by keys[0], ties by keys[1], and
// so on, then by `data_row_id` ascending. NULLs sort last for every key.
// `keys` may be empty (order by `data_row_id` alone). Errors: NotFound for
// an unknown column, InvalidArgument for a key repeated.
absl::StatusOr<std::vector<RowIndex>> OrderRows(
    const Table& table, const Selection& selection,
    absl::Span<const OrderBy> keys, size_t offset = 0,
    std::optional<size_t> limit = std::nullopt);

// One page of an ordered result, for keyset pagination.
struct OrderedPage {
  std::vector<RowIndex> rows;
  // Pass to the next OrderPage() call to get the rows after this page; empty
  // when no rows are left. Opaque (printable ASCII); it names the last row's
  // sort values and id, not a position, so pages stay consistent while rows
  // are appended or deleted: no row is skipped or repeated, and rows added
  // after the cursor's position in the order show up on later pages.
  std::string next_cursor;
};

// Returns up to `limit` rows that come after `cursor` (empty: from the
// start) in the order of `keys` (as OrderRows). Errors: NotFound for an
// unknown column; InvalidArgument for a malformed cursor or one made for
// other keys; FailedPrecondition for a stale selection (as OrderRows).
// Cursors hold no row positions, so they stay valid across
// Table::Compact(): scan again and pass the same cursor. They hold values,
// not dictionary codes, so a cursor made on one table also works on
// another with the same key columns and types (another partition of the
// same rows): a category that table never stored sorts where its bytes do.
// Key columns may have any bytes in their names (a Latin-1 CSV header).
absl::StatusOr<OrderedPage> OrderPage(const Table& table,
                                      const Selection& selection,
                                      absl::Span<const OrderBy> keys,
                                      absl::string_view cursor, size_t limit);

// Returns the cursor of `row` in the order of `keys`: the next_cursor of a
// page that ends at `row`, so OrderPage() with it returns the rows after
// `row`. For a caller merging the pages of several tables (the partitions
// of a run), who must resume after a row that ended no page of its own.
// `row` may be deleted (its values and id are still readable). Errors:
// NotFound for an unknown column, InvalidArgument for a repeated key or a
// row >= table.num_rows().
absl::StatusOr<std::string> OrderCursor(const Table& table,
                                        absl::Span<const OrderBy> keys,
                                        RowIndex row);

}  // namespace slicekit

#endif  // SLICEKIT_ORDER_H_
