// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the report's one-pass column statistics, read straight from the
// chunks like Summarize(): float histograms and the row count per
// categorical value. Never installed.
#ifndef SLICEKIT_SRC_REPORT_HISTOGRAM_H_
#define SLICEKIT_SRC_REPORT_HISTOGRAM_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "slicekit/report.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"

namespace slicekit::internal {

// [min(0, lowest value), max(1, highest value)] of float column `column`,
// from the chunks' zone maps (which may include deleted rows' values).
// Metrics such as confidence and IoU get the same [0, 1] bins on any table.
// REQUIRES: `column` is a kFloat column.
std::pair<double, double> HistogramRange(const Table& table, int column);

// Counts the values of float column `column` in the live rows of
// `selection` into `bins` equal bins over [lo, hi] (values outside fall
// into the first or last bin), and its NULLs. One pass over the selected
// words; O(selected rows). REQUIRES: `column` is kFloat, lo < hi, bins >= 1,
// selection.num_rows() <= table.num_rows().
Histogram FloatHistogram(const Table& table, const Selection& selection,
                         int column, double lo, double hi, int bins);

// The number of live rows holding each dictionary code of categorical
// column `column` (indexed by code; DictionarySize() entries). One pass.
// REQUIRES: `column` is kCategorical.
std::vector<int64_t> CountCodes(const Table& table, int column);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_REPORT_HISTOGRAM_H_
