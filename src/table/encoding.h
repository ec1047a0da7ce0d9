// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the frame-of-reference encoding of integer and code columns (a
// ColumnChunk's u8/u16/u32/u64 arrays, see table_impl.h). Append, Compact
// and the table file share this one definition, so a chunk built in memory
// and a chunk read from a file agree on widths by construction.
#ifndef SLICEKIT_SRC_TABLE_ENCODING_H_
#define SLICEKIT_SRC_TABLE_ENCODING_H_

#include <cstddef>
#include <cstdint>

#include "src/table/table_impl.h"

namespace slicekit::internal {

// The narrowest width (1, 2, 4 or 8 bytes) that holds `range`.
inline uint8_t WidthFor(uint64_t range) {
  if (range <= 0xff) return 1;
  if (range <= 0xffff) return 2;
  if (range <= 0xffffffffu) return 4;
  return 8;
}

inline bool IsWidth(uint64_t width) {
  return width == 1 || width == 2 || width == 4 || width == 8;
}

// `max - base` as the stored values see it: unsigned, so a chunk spanning
// the whole int64 range still has a range.
inline uint64_t RangeAbove(int64_t base, int64_t max) {
  return static_cast<uint64_t>(max) - static_cast<uint64_t>(base);
}

// Calls `f` with the array that `c.width` selects (c.u8, c.u16, c.u32 or
// c.u64; const when `c` is): the one place that maps a width to an array,
// so each caller's loop is compiled once per width, outside the switch.
template <typename C, typename F>
decltype(auto) WithRelativeValues(C& c, F&& f) {
  switch (c.width) {
    case 1:
      return f(c.u8);
    case 2:
      return f(c.u16);
    case 4:
      return f(c.u32);
    default:
      return f(c.u64);
  }
}

// Appends `n` values as `value - c.base` at `c.width`; NULL slots (`valid`
// 0) store 0. The caller has chosen base and width to hold every value.
void StoreRelative(ColumnChunk& c, const int64_t* values, const uint8_t* valid,
                   size_t n);

// Re-encodes the first `size` values of `c` with a lower base and/or a
// wider width (Append widening the open chunk).
void Reencode(ColumnChunk& c, size_t size, int64_t new_base, uint8_t new_width);

// Decodes the values at `offsets` into `out` (NULL slots give `c.base`).
void GatherInts(const ColumnChunk& c, const uint32_t* offsets, size_t n,
                int64_t* out);

// The largest stored `value - base` (0 when there is none).
uint64_t MaxRelative(const ColumnChunk& c);

// Points the array of `c.width` at `n` mapped values at `data` (a table
// file's values section; must outlive `c`).
void ViewRelative(ColumnChunk& c, const uint8_t* data, size_t n);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_TABLE_ENCODING_H_
