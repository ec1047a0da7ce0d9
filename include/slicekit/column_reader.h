// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The read seam: how code above the table layer reads a table's columns.
// A TableReader hands out decoded values and validity a batch of rows at a
// time, never a storage encoding (the way DuckDB's operators see a Vector,
// never a compressed segment), so analysis code does not change when the
// storage does.
#ifndef SLICEKIT_COLUMN_READER_H_
#define SLICEKIT_COLUMN_READER_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "slicekit/schema.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"

namespace slicekit {

namespace internal {
struct ColumnChunk;
struct TableImpl;
class StringList;
}  // namespace internal

// The most rows in one RowBatch: small enough that a batch's decoded
// columns stay in the L1/L2 caches between the loops that use them.
inline constexpr size_t kMaxBatchRows = 2048;

// One column's values for the rows of a RowBatch, decoded. Row i of the
// vector is row batch.first_row() + i of the table. Values are decoded for
// the batch's rows (RowBatch::rows()); the value of any other row, and of a
// NULL, is unspecified (floats: a NULL holds 0). Lives in its RowBatch and
// is valid until the batch's next Read.
class ColumnVector {
 public:
  ColumnType type() const { return type_; }
  size_t size() const { return size_; }

  // Bit i % 64 of word i / 64 set = row i holds a value. Empty when every
  // row of the batch holds one (no bitmap to read).
  absl::Span<const uint64_t> validity() const {
    return validity_ == nullptr
               ? absl::Span<const uint64_t>()
               : absl::Span<const uint64_t>(validity_, (size_ + 63) / 64);
  }
  bool IsValid(size_t i) const {
    return validity_ == nullptr || (validity_[i / 64] >> (i % 64)) & 1;
  }

  // kFloat: one value per row (a view of the table's storage).
  absl::Span<const float> floats() const {
    return absl::Span<const float>(floats_, floats_ == nullptr ? 0 : size_);
  }
  // kInt: the values; kCategorical: dictionary codes, 0 <= code <
  // TableReader::DictionarySize() (for the batch's valid rows). Decoded on
  // the first call for the batch.
  absl::Span<const int64_t> ints() const {
    if (!decoded_) Decode();
    return ints_;
  }
  // kId: the row's id; kCategorical: its code's string. REQUIRES:
  // IsValid(i) (ids are never NULL).
  absl::string_view StringAt(size_t i) const;

  // kInt: the valid values of the rows set in `rows` (at most size() bits;
  // RowBatch::rows() or a subset), summed in wrapping 64-bit arithmetic,
  // and their number. Reads the stored values as they are, without
  // decoding them: the cheapest way to total a column.
  struct IntSum {
    int64_t sum = 0;
    size_t count = 0;
  };
  IntSum SumInts(absl::Span<const uint64_t> rows) const;

 private:
  friend class TableReader;
  void Decode() const;

  ColumnType type_ = ColumnType::kInt;
  size_t size_ = 0;
  const uint64_t* validity_ = nullptr;
  const float* floats_ = nullptr;
  // The chunk and the batch's first offset in it (the stored values, ids),
  // the dictionary (kCategorical), the batch's rows (what to decode).
  const internal::ColumnChunk* chunk_ = nullptr;
  size_t chunk_offset_ = 0;
  const internal::StringList* dictionary_ = nullptr;
  const std::vector<uint64_t>* rows_ = nullptr;
  mutable bool decoded_ = false;
  mutable std::vector<int64_t> ints_;
};

// Up to kMaxBatchRows consecutive row positions of a table and the decoded
// columns a TableReader was made for. Filled by TableReader::Read(); reuse
// one RowBatch across reads to reuse its buffers. Not synchronized: one per
// thread. Movable, not copyable (its columns point into it).
class RowBatch {
 public:
  RowBatch() = default;
  RowBatch(const RowBatch&) = delete;
  RowBatch& operator=(const RowBatch&) = delete;
  RowBatch(RowBatch&&) = default;
  RowBatch& operator=(RowBatch&&) = default;

  // The first row position, a multiple of 64, and the positions covered.
  RowIndex first_row() const { return first_row_; }
  size_t size() const { return size_; }

  // The rows to use: bit i % 64 of word i / 64 set = row first_row() + i is
  // live and (when the read had a Selection) selected. Bits past size()
  // are 0.
  absl::Span<const uint64_t> rows() const { return rows_; }
  size_t CountRows() const {
    size_t count = 0;
    for (const uint64_t word : rows_) count += std::popcount(word);
    return count;
  }
  // Calls fn(size_t i) for each set bit of rows(), ascending.
  template <typename Fn>
  void ForEachRow(Fn&& fn) const {
    for (size_t w = 0; w < rows_.size(); ++w) {
      for (uint64_t bits = rows_[w]; bits != 0; bits &= bits - 1) {
        fn(w * 64 + static_cast<size_t>(std::countr_zero(bits)));
      }
    }
  }

  // Column k of the reader (k indexes TableReader::columns(), not the
  // schema).
  const ColumnVector& column(size_t k) const { return columns_[k]; }
  size_t num_columns() const { return columns_.size(); }

 private:
  friend class TableReader;
  RowIndex first_row_ = 0;
  size_t size_ = 0;
  std::vector<uint64_t> rows_;
  std::vector<ColumnVector> columns_;
};

// What the zone maps say of one column, over every row position of the
// table (deleted rows included), without reading any value.
struct ColumnStats {
  size_t null_count = 0;
  // The smallest and largest valid value; unset when there is none.
  // kFloat sets the floats, kInt and kCategorical (codes) the ints.
  std::optional<float> float_min;
  std::optional<float> float_max;
  std::optional<int64_t> int_min;
  std::optional<int64_t> int_max;
};

// Reads chosen columns of one table: batch by batch (Read, ForEachBatch) or
// one value at a time. Make() verifies the columns (for a table file opened
// with TableOpenOptions::Verify::kOnFirstUse: checksums and the checks
// behind them, docs/table-file.md), so every read after it is infallible:
// bind once, read many times.
//
// REQUIRES: the table outlives the reader and is not modified while the
// reader is used (moving the Table is fine; rows appended between reads
// are seen by later reads). Const methods are thread-safe: threads may read
// different batches into their own RowBatch.
class TableReader {
 public:
  // A reader of `columns` (schema indices, in the order RowBatch::column()
  // returns them; repeats allowed). Errors: InvalidArgument for an index
  // outside the schema; DataLoss, naming the file and section, for a
  // corrupt column of a lazily verified table file.
  static absl::StatusOr<TableReader> Make(const Table& table,
                                          std::vector<int> columns);
  // For Make(table, {0, 3}): a braced list of indices picks this overload
  // (a single {0} would be ambiguous between the other two).
  static absl::StatusOr<TableReader> Make(const Table& table,
                                          std::initializer_list<int> columns) {
    return Make(table, std::vector<int>(columns));
  }
  // The same by column name: NotFound for an unknown name (with a
  // suggestion, as filters give one).
  static absl::StatusOr<TableReader> Make(const Table& table,
                                          absl::Span<const std::string> names);

  TableReader(const TableReader&) = default;
  TableReader& operator=(const TableReader&) = default;

  const std::vector<int>& columns() const { return columns_; }
  // The table's num_rows() and generation() now (a reader follows the
  // table's storage, which stays put when the Table object moves).
  size_t num_rows() const;
  uint64_t generation() const;
  // The type of column k (an index into columns()).
  ColumnType type(size_t k) const;

  // Batches cover every row position in order; batch b starts at row
  // position b * BatchRows() and holds BatchRows() rows (fewer at the end
  // of the table). BatchRows() = min(kMaxBatchRows, the table's
  // TableOptions::chunk_rows).
  size_t num_batches() const;
  size_t BatchRows() const;

  // Fills `out` with batch `batch` (< num_batches()): the live rows in it
  // (of those `selection` selects, when given) and the reader's columns
  // decoded for them. Returns false when there is no such row (and then
  // `out` holds no columns worth reading). A selection covering fewer rows
  // than the table selects none past its end. REQUIRES: `selection`, when
  // given, passed Table::CheckSelection().
  bool Read(size_t batch, const Selection* selection, RowBatch* out) const;

  // Calls fn(const RowBatch&) for every batch holding a live row, in
  // order, with one RowBatch reused.
  template <typename Fn>
  void ForEachBatch(Fn&& fn) const {
    RowBatch batch;
    const size_t n = num_batches();
    for (size_t b = 0; b < n; ++b) {
      if (Read(b, nullptr, &batch)) fn(static_cast<const RowBatch&>(batch));
    }
  }
  // The same for the live rows of `selection`: Table::CheckSelection()'s
  // errors (a selection from before a Compact(), or larger than the table)
  // and nothing read, else OK after calling fn for every batch with a
  // selected live row.
  template <typename Fn>
  absl::Status ForEachBatch(const Selection& selection, Fn&& fn) const {
    if (absl::Status s = CheckSelection(selection); !s.ok()) return s;
    RowBatch batch;
    const size_t n = num_batches();
    for (size_t b = 0; b < n; ++b) {
      if (Read(b, &selection, &batch)) fn(static_cast<const RowBatch&>(batch));
    }
    return absl::OkStatus();
  }

  // One value of column k (an index into columns()) at row position `row`
  // (< the table's num_rows(); deleted rows are read too). GetInt: kInt;
  // GetFloat: kFloat; GetString: kCategorical (the string) or kId.
  std::optional<int64_t> GetInt(RowIndex row, size_t k) const;
  std::optional<float> GetFloat(RowIndex row, size_t k) const;
  std::optional<absl::string_view> GetString(RowIndex row, size_t k) const;
  bool IsLive(RowIndex row) const;

  // Column k's dictionary (kCategorical): the strings by code.
  size_t DictionarySize(size_t k) const;
  absl::string_view DictionaryString(size_t k, int64_t code) const;

  // Column k's zone maps merged (no value is read).
  ColumnStats Stats(size_t k) const;

 private:
  TableReader(const internal::TableImpl* table, std::vector<int> columns)
      : table_(table), columns_(std::move(columns)) {}
  absl::Status CheckSelection(const Selection& selection) const;

  // The storage, which stays put when the Table object moves.
  const internal::TableImpl* table_;
  std::vector<int> columns_;
};

}  // namespace slicekit

#endif  // SLICEKIT_COLUMN_READER_H_
