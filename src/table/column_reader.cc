// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/column_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/table/table_impl.h"
#include "src/util/status_macros.h"

namespace slicekit {

using internal::Chunk;
using internal::ColumnChunk;
using internal::TableImpl;

namespace {

// Decodes the frame-of-reference values of the 64-row words of `rows` that
// have a row set (and only those: a sparse batch decodes little).
template <typename T>
void DecodeWords(const T* relative, int64_t base,
                 absl::Span<const uint64_t> rows, size_t size, int64_t* out) {
  const uint64_t b = static_cast<uint64_t>(base);
  for (size_t w = 0; w < rows.size(); ++w) {
    if (rows[w] == 0) continue;
    const size_t begin = w * 64;
    const size_t end = std::min(begin + 64, size);
    for (size_t i = begin; i < end; ++i) {
      // As ColumnChunk::IntAt: base plus the relative value, in uint64.
      out[i] = static_cast<int64_t>(b + relative[i]);
    }
  }
}

void DecodeInts(const ColumnChunk& chunk, size_t offset,
                absl::Span<const uint64_t> rows, size_t size, int64_t* out) {
  switch (chunk.width) {
    case 1:
      DecodeWords(chunk.u8.data() + offset, chunk.base, rows, size, out);
      return;
    case 2:
      DecodeWords(chunk.u16.data() + offset, chunk.base, rows, size, out);
      return;
    case 4:
      DecodeWords(chunk.u32.data() + offset, chunk.base, rows, size, out);
      return;
    default:
      DecodeWords(chunk.u64.data() + offset, chunk.base, rows, size, out);
      return;
  }
}

// Sums the relative values of the rows set in `rows` and `validity` (null:
// all valid) into `*sum`, counting them: whole words of 64 go through a
// loop the compiler vectorizes.
template <typename T>
void SumRelative(const T* values, absl::Span<const uint64_t> rows,
                 const uint64_t* validity, uint64_t* sum, size_t* count) {
  uint64_t total = 0;
  size_t n = 0;
  for (size_t w = 0; w < rows.size(); ++w) {
    uint64_t bits = rows[w];
    if (validity != nullptr) bits &= validity[w];
    if (bits == 0) continue;
    const T* word_values = values + w * 64;
    if (bits == ~uint64_t{0}) {
      uint64_t word_sum = 0;
      for (size_t i = 0; i < 64; ++i) word_sum += word_values[i];
      total += word_sum;
      n += 64;
      continue;
    }
    for (; bits != 0; bits &= bits - 1) {
      total += word_values[std::countr_zero(bits)];
      ++n;
    }
  }
  *sum = total;
  *count = n;
}

}  // namespace

absl::string_view ColumnVector::StringAt(size_t i) const {
  if (type_ == ColumnType::kId) return chunk_->IdAt(chunk_offset_ + i);
  return (*dictionary_)[static_cast<size_t>(ints()[i])];
}

void ColumnVector::Decode() const {
  decoded_ = true;
  if (type_ != ColumnType::kInt && type_ != ColumnType::kCategorical) {
    ints_.clear();
    return;
  }
  ints_.resize(size_);
  // An all-NULL chunk stores no values to decode.
  if (chunk_->has_values()) {
    DecodeInts(*chunk_, chunk_offset_, *rows_, size_, ints_.data());
  }
}

ColumnVector::IntSum ColumnVector::SumInts(
    absl::Span<const uint64_t> rows) const {
  IntSum result;
  if (!chunk_->has_values()) return result;  // all NULL
  uint64_t relative = 0;
  const size_t at = chunk_offset_;
  switch (chunk_->width) {
    case 1:
      SumRelative(chunk_->u8.data() + at, rows, validity_, &relative,
                  &result.count);
      break;
    case 2:
      SumRelative(chunk_->u16.data() + at, rows, validity_, &relative,
                  &result.count);
      break;
    case 4:
      SumRelative(chunk_->u32.data() + at, rows, validity_, &relative,
                  &result.count);
      break;
    default:
      SumRelative(chunk_->u64.data() + at, rows, validity_, &relative,
                  &result.count);
      break;
  }
  // value = base + relative, summed in wrapping 64-bit arithmetic.
  result.sum = static_cast<int64_t>(
      static_cast<uint64_t>(chunk_->base) * result.count + relative);
  return result;
}

absl::StatusOr<TableReader> TableReader::Make(const Table& table,
                                              std::vector<int> columns) {
  const TableImpl& impl = internal::ImplOf(table);
  for (const int column : columns) {
    if (column < 0 || column >= impl.schema.num_columns()) {
      return absl::InvalidArgumentError(
          absl::StrCat("column index ", column, " is not in the table (",
                       impl.schema.num_columns(), " columns)"));
    }
  }
  std::vector<int> distinct = columns;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  SLICEKIT_RETURN_IF_ERROR(internal::VerifyColumns(impl, distinct));
  return TableReader(&impl, std::move(columns));
}

absl::StatusOr<TableReader> TableReader::Make(
    const Table& table, absl::Span<const std::string> names) {
  std::vector<int> columns;
  columns.reserve(names.size());
  for (const std::string& name : names) {
    const std::optional<int> column = table.schema().Find(name);
    if (!column.has_value()) {
      const std::string closest = table.schema().ClosestName(name);
      return absl::NotFoundError(absl::StrCat(
          "unknown column '", name, "'",
          closest.empty() ? ""
                          : absl::StrCat(" (did you mean '", closest, "'?)")));
    }
    columns.push_back(*column);
  }
  return Make(table, std::move(columns));
}

size_t TableReader::BatchRows() const {
  return std::min(kMaxBatchRows, table_->chunk_rows());
}

size_t TableReader::num_batches() const {
  return (table_->num_rows + BatchRows() - 1) / BatchRows();
}

bool TableReader::Read(size_t batch, const Selection* selection,
                       RowBatch* out) const {
  const size_t batch_rows = BatchRows();
  const RowIndex first = static_cast<RowIndex>(batch * batch_rows);
  const Chunk& chunk = table_->chunks[table_->ChunkOf(first)];
  const size_t offset = table_->OffsetOf(first);  // a multiple of 64
  out->first_row_ = first;
  out->size_ =
      offset < chunk.size ? std::min(batch_rows, chunk.size - offset) : 0;
  const size_t size = out->size_;
  const size_t num_words = (size + 63) / 64;
  std::vector<uint64_t>& rows = out->rows_;
  rows.assign(num_words, ~uint64_t{0});
  if (size % 64 != 0) rows.back() = (uint64_t{1} << (size % 64)) - 1;
  if (selection != nullptr) {
    const std::vector<uint64_t>& words = selection->words();
    const size_t first_word = first / 64;
    for (size_t w = 0; w < num_words; ++w) {
      rows[w] &= first_word + w < words.size() ? words[first_word + w] : 0;
    }
  }
  bool any = false;
  for (size_t w = 0; w < num_words; ++w) {
    if (!chunk.deleted.empty()) rows[w] &= ~chunk.deleted[offset / 64 + w];
    any |= rows[w] != 0;
  }
  if (!any) return false;

  out->columns_.resize(columns_.size());
  for (size_t k = 0; k < columns_.size(); ++k) {
    const int column = columns_[k];
    const ColumnChunk& values = chunk.columns[column];
    ColumnVector& v = out->columns_[k];
    v.type_ = table_->schema.column(column).type;
    v.size_ = size;
    v.validity_ = values.validity.empty()
                      ? nullptr
                      : values.validity.data() + offset / 64;
    v.floats_ =
        v.type_ == ColumnType::kFloat ? values.floats.data() + offset : nullptr;
    v.chunk_ = &values;
    v.chunk_offset_ = offset;
    v.dictionary_ = &table_->dictionaries[column].strings;
    v.rows_ = &out->rows_;
    v.decoded_ = false;  // ints() decodes on first use
  }
  return true;
}

absl::Status TableReader::CheckSelection(const Selection& selection) const {
  return internal::CheckSelection(*table_, selection);
}

std::optional<int64_t> TableReader::GetInt(RowIndex row, size_t k) const {
  return table_->IntValue(row, columns_[k]);
}

std::optional<float> TableReader::GetFloat(RowIndex row, size_t k) const {
  return table_->FloatValue(row, columns_[k]);
}

std::optional<absl::string_view> TableReader::GetString(RowIndex row,
                                                        size_t k) const {
  return table_->StringValue(row, columns_[k]);
}

size_t TableReader::num_rows() const { return table_->num_rows; }

uint64_t TableReader::generation() const { return table_->generation; }

ColumnType TableReader::type(size_t k) const {
  return table_->schema.column(columns_[k]).type;
}

bool TableReader::IsLive(RowIndex row) const { return table_->IsLive(row); }

size_t TableReader::DictionarySize(size_t k) const {
  return table_->dictionaries[columns_[k]].strings.size();
}

absl::string_view TableReader::DictionaryString(size_t k, int64_t code) const {
  return table_->dictionaries[columns_[k]].strings[static_cast<size_t>(code)];
}

ColumnStats TableReader::Stats(size_t k) const {
  ColumnStats stats;
  const int column = columns_[k];
  const bool is_float =
      table_->schema.column(column).type == ColumnType::kFloat;
  for (const Chunk& chunk : table_->chunks) {
    const ColumnChunk& c = chunk.columns[column];
    stats.null_count += c.null_count;
    if (is_float) {
      if (c.float_min > c.float_max) continue;  // no values
      stats.float_min =
          std::min(stats.float_min.value_or(c.float_min), c.float_min);
      stats.float_max =
          std::max(stats.float_max.value_or(c.float_max), c.float_max);
    } else if (c.has_values()) {
      stats.int_min = std::min(stats.int_min.value_or(c.int_min), c.int_min);
      stats.int_max = std::max(stats.int_max.value_or(c.int_max), c.int_max);
    }
  }
  return stats;
}

}  // namespace slicekit
