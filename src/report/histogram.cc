// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/report/histogram.h"

#include <algorithm>
#include <bit>
#include <cstddef>

#include "src/table/table_impl.h"

namespace slicekit::internal {

std::pair<double, double> HistogramRange(const Table& table, int column) {
  double lo = 0;
  double hi = 1;
  for (const Chunk& chunk : table.impl().chunks) {
    const ColumnChunk& c = chunk.columns[column];
    if (c.float_min > c.float_max) continue;  // no values
    lo = std::min(lo, static_cast<double>(c.float_min));
    hi = std::max(hi, static_cast<double>(c.float_max));
  }
  return {lo, hi};
}

Histogram FloatHistogram(const Table& table, const Selection& selection,
                         int column, double lo, double hi, int bins) {
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
  const TableImpl& impl = table.impl();
  const std::vector<uint64_t>& words = selection.words();
  const size_t words_per_chunk = impl.chunk_rows() / 64;
  for (size_t c = 0; c < impl.chunks.size(); ++c) {
    const size_t first_word = c * words_per_chunk;
    if (first_word >= words.size()) break;
    const Chunk& chunk = impl.chunks[c];
    const ColumnChunk& values = chunk.columns[column];
    const size_t num_words =
        std::min((chunk.size + size_t{63}) / 64, words.size() - first_word);
    for (size_t w = 0; w < num_words; ++w) {
      uint64_t bits = words[first_word + w];
      if (!chunk.deleted.empty()) bits &= ~chunk.deleted[w];
      if (bits == 0) continue;
      if (!values.validity.empty()) {
        histogram.nulls += std::popcount(bits & ~values.validity[w]);
        bits &= values.validity[w];
      }
      const float* word_values = values.floats.data() + w * 64;
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

std::vector<int64_t> CountCodes(const Table& table, int column) {
  std::vector<int64_t> counts(table.DictionarySize(column), 0);
  for (const Chunk& chunk : table.impl().chunks) {
    const ColumnChunk& codes = chunk.columns[column];
    if (!codes.has_values()) continue;  // all NULL
    for (size_t i = 0; i < chunk.size; ++i) {
      if (chunk.IsDeleted(i) || !codes.IsValid(i)) continue;
      ++counts[static_cast<size_t>(codes.IntAt(i))];
    }
  }
  return counts;
}

}  // namespace slicekit::internal
