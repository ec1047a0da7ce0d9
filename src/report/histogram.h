// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the report's one-pass column statistics, read through a
// TableReader: float histograms and the row count per categorical value.
// Never installed.
#ifndef SLICEKIT_SRC_REPORT_HISTOGRAM_H_
#define SLICEKIT_SRC_REPORT_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "slicekit/column_reader.h"
#include "slicekit/report.h"
#include "slicekit/selection.h"

namespace slicekit::internal {

// [min(0, lowest value), max(1, highest value)] of the reader's float
// column k, from the zone maps (which may include deleted rows' values).
// Metrics such as confidence and IoU get the same [0, 1] bins on any table.
// REQUIRES: column k is a kFloat column.
std::pair<double, double> HistogramRange(const TableReader& reader, size_t k);

// Counts the values of the reader's float column k in the live rows of
// `selection` into `bins` equal bins over [lo, hi] (values outside fall
// into the first or last bin), and its NULLs. One pass over the selected
// rows. REQUIRES: column k is kFloat, lo < hi, bins >= 1, `selection`
// passed Table::CheckSelection().
Histogram FloatHistogram(const TableReader& reader, size_t k,
                         const Selection& selection, double lo, double hi,
                         int bins);

// The number of live rows holding each dictionary code of the reader's
// categorical column k (indexed by code; DictionarySize(k) entries). One
// pass. REQUIRES: column k is kCategorical.
std::vector<int64_t> CountCodes(const TableReader& reader, size_t k);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_REPORT_HISTOGRAM_H_
