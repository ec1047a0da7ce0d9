// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/table/encoding.h"

#include <algorithm>
#include <type_traits>
#include <utility>
#include <vector>

namespace slicekit::internal {
namespace {

// The element type of a Buffer.
template <typename B>
using ElementOf = std::remove_cvref_t<decltype(std::declval<B&>()[0])>;

template <typename T>
void StoreRelativeIn(Buffer<T>& buffer, const int64_t* values,
                     const uint8_t* valid, size_t n, int64_t base) {
  const size_t old = buffer.size();
  buffer.resize(old + n);
  T* out = buffer.mutable_data();
  for (size_t i = 0; i < n; ++i) {
    out[old + i] = valid[i] ? static_cast<T>(static_cast<uint64_t>(values[i]) -
                                             static_cast<uint64_t>(base))
                            : T{0};
  }
}

}  // namespace

void StoreRelative(ColumnChunk& c, const int64_t* values, const uint8_t* valid,
                   size_t n) {
  const int64_t base = c.base;
  WithRelativeValues(c, [&](auto& buffer) {
    StoreRelativeIn(buffer, values, valid, n, base);
  });
}

// Only the open (last) chunk ever grows, so this touches at most one
// chunk's worth of values per widening, and widths only grow.
void Reencode(ColumnChunk& c, size_t size, int64_t new_base,
              uint8_t new_width) {
  std::vector<int64_t> values(size);
  std::vector<uint8_t> valid(size);
  for (size_t i = 0; i < size; ++i) {
    valid[i] = c.IsValid(i);
    values[i] = c.IntAt(i);
  }
  c.u8.clear();
  c.u16.clear();
  c.u32.clear();
  c.u64.clear();
  c.base = new_base;
  c.width = new_width;
  StoreRelative(c, values.data(), valid.data(), size);
}

void GatherInts(const ColumnChunk& c, const uint32_t* offsets, size_t n,
                int64_t* out) {
  const uint64_t base = static_cast<uint64_t>(c.base);
  WithRelativeValues(c, [&](const auto& values) {
    for (size_t i = 0; i < n; ++i) {
      out[i] = static_cast<int64_t>(base + values[offsets[i]]);
    }
  });
}

uint64_t MaxRelative(const ColumnChunk& c) {
  return WithRelativeValues(c, [](const auto& values) -> uint64_t {
    const auto* v = values.data();
    ElementOf<decltype(values)> max = 0;
    for (size_t i = 0; i < values.size(); ++i) max = std::max(max, v[i]);
    return max;
  });
}

void ViewRelative(ColumnChunk& c, const uint8_t* data, size_t n) {
  WithRelativeValues(c, [&](auto& buffer) {
    buffer.View(reinterpret_cast<const ElementOf<decltype(buffer)>*>(data), n);
  });
}

}  // namespace slicekit::internal
