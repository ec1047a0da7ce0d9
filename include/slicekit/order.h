// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_ORDER_H_
#define SLICEKIT_ORDER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"

namespace slicekit {

struct OrderBy {
  std::string column;
  bool descending = false;
};

// Returns the selected live rows ordered by `order`: NULLs last in both
// directions, ties broken by `data_row_id` ascending (byte-wise), so the
// order is total. Skips the first `offset` rows and returns at most `limit`.
// With a limit, the cost is O(n log(offset + limit)) and the selection is
// never fully sorted. Strings order byte-wise. Errors: NotFound for an
// unknown column.
absl::StatusOr<std::vector<RowIndex>> OrderRows(
    const Table& table, const Selection& selection, const OrderBy& order,
    size_t offset = 0, std::optional<size_t> limit = std::nullopt);

}  // namespace slicekit

#endif  // SLICEKIT_ORDER_H_
