// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/selection.h"

#include <bit>

namespace slicekit {

size_t Selection::Count() const {
  size_t count = 0;
  for (uint64_t word : words_) count += std::popcount(word);
  return count;
}

std::vector<RowIndex> Selection::ToVector() const {
  std::vector<RowIndex> rows;
  rows.reserve(Count());
  ForEach([&rows](RowIndex row) { rows.push_back(row); });
  return rows;
}

}  // namespace slicekit
