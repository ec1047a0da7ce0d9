// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/report/histogram.h"

#include <algorithm>
#include <bit>
#include <cstddef>

namespace slicekit::internal {

std::pair<double, double> HistogramRange(const TableReader& reader, size_t k) {
  const ColumnStats stats = reader.Stats(k);
  double lo = 0;
  double hi = 1;
  if (stats.float_min.has_value()) {
    lo = std::min(lo, static_cast<double>(*stats.float_min));
    hi = std::max(hi, static_cast<double>(*stats.float_max));
  }
  return {lo, hi};
}

Histogram FloatHistogram(const TableReader& reader, size_t k,
                         const Selection& selection, double lo, double hi,
                         int bins) {
  Histogram histogram;
  histogram.lo = lo;
  histogram.hi = hi;
  histogram.counts.assign(static_cast<size_t>(bins), 0);
  int64_t* counts = histogram.counts.data();
  const double scale = bins / (hi - lo);
  const int last = bins - 1;
  // The bin of a value: truncation toward zero, then clamped, so lo lands
  // in bin 0, hi (and any rounding past it) in the last bin.
  const auto bin_of = [&](float value) {
    const double position = (static_cast<double>(value) - lo) * scale;
    if (!(position > 0)) return 0;
    return std::min(static_cast<int>(position), last);
  };
  RowBatch batch;
  for (size_t b = 0; b < reader.num_batches(); ++b) {
    if (!reader.Read(b, &selection, &batch)) continue;
    const ColumnVector& values = batch.column(k);
    const absl::Span<const uint64_t> validity = values.validity();
    const float* floats = values.floats().data();
    for (size_t w = 0; w < batch.rows().size(); ++w) {
      uint64_t bits = batch.rows()[w];
      if (bits == 0) continue;
      if (!validity.empty()) {
        histogram.nulls += std::popcount(bits & ~validity[w]);
        bits &= validity[w];
      }
      const float* word_values = floats + w * 64;
      if (bits == ~uint64_t{0}) {
        for (size_t i = 0; i < 64; ++i) ++counts[bin_of(word_values[i])];
        continue;
      }
      for (; bits != 0; bits &= bits - 1) {
        ++counts[bin_of(word_values[std::countr_zero(bits)])];
      }
    }
  }
  return histogram;
}

std::vector<int64_t> CountCodes(const TableReader& reader, size_t k) {
  std::vector<int64_t> counts(reader.DictionarySize(k), 0);
  reader.ForEachBatch([&](const RowBatch& batch) {
    const ColumnVector& codes = batch.column(k);
    const int64_t* code = codes.ints().data();
    batch.ForEachRow([&](size_t i) {
      if (codes.IsValid(i)) ++counts[static_cast<size_t>(code[i])];
    });
  });
  return counts;
}

}  // namespace slicekit::internal
