// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_SELECTION_H_
#define SLICEKIT_SELECTION_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace slicekit {

// The position of a row in a Table: stable within a table generation
// (deleted rows keep their position; appended rows get new positions at the
// end); Table::Compact() moves rows and starts a new generation.
using RowIndex = uint32_t;

// A set of rows of one table: one bit per row position in 64-bit words, bits
// past `num_rows()` always zero. A value type; not synchronized.
class Selection {
 public:
  Selection() = default;
  // An empty selection over `num_rows` row positions.
  explicit Selection(size_t num_rows)
      : num_rows_(num_rows), words_((num_rows + 63) / 64, 0) {}

  // The number of row positions covered (the table's size when scanned).
  size_t num_rows() const { return num_rows_; }
  // The number of selected rows. O(num_rows / 64).
  size_t Count() const;
  bool Contains(RowIndex row) const {
    return row < num_rows_ && (words_[row / 64] >> (row % 64)) & 1;
  }
  void Add(RowIndex row) { words_[row / 64] |= uint64_t{1} << (row % 64); }

  // Calls `fn(RowIndex)` for each selected row, ascending.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t w = 0; w < words_.size(); ++w) {
      for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
        fn(static_cast<RowIndex>(w * 64 + std::countr_zero(bits)));
      }
    }
  }
  // Returns the selected rows, ascending.
  std::vector<RowIndex> ToVector() const;

  const std::vector<uint64_t>& words() const { return words_; }
  std::vector<uint64_t>& mutable_words() { return words_; }

  // The Table::generation() whose row positions this selection names, set
  // by the table's own producers (Scan, LiveRows) so that consumers can
  // reject it after a Table::Compact(); unset for a hand-made selection.
  std::optional<uint64_t> generation() const { return generation_; }
  void set_generation(std::optional<uint64_t> generation) {
    generation_ = generation;
  }

  // The same rows over the same positions; the generation tag is not
  // compared.
  friend bool operator==(const Selection& a, const Selection& b) {
    return a.num_rows_ == b.num_rows_ && a.words_ == b.words_;
  }

 private:
  size_t num_rows_ = 0;
  std::vector<uint64_t> words_;
  std::optional<uint64_t> generation_;
};

}  // namespace slicekit

#endif  // SLICEKIT_SELECTION_H_
