// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: discovery over the per-row difference of errors between the
// runs (docs/compare.md#where-the-new-run-got-worse).
#ifndef SLICEKIT_SRC_COMPARE_DISCOVER_DELTAS_H_
#define SLICEKIT_SRC_COMPARE_DISCOVER_DELTAS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "slicekit/compare.h"
#include "slicekit/discover.h"
#include "slicekit/table.h"
#include "src/compare/paired_data.h"

namespace slicekit::internal {

// Runs DiscoverSlices over a table of the base table's metadata columns
// (every column but the id, the metric columns and per-class columns) with
// the error max(0, new errors - base errors) per image, errors = fp + fn,
// and keeps the slices whose mean of new - base errors is > 0.
// `image_of_row`: the image of each base table position (-1: none).
absl::StatusOr<std::vector<DiscoveredDelta>> DiscoverDeltas(
    const Table& base_table, const std::vector<int64_t>& image_of_row,
    const PairedData& data, const DiscoverOptions& options);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_COMPARE_DISCOVER_DELTAS_H_
