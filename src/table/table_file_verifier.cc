// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The verifier of the table file (docs/table-file.md, "What is verified
// when"): a column's sections are checked the first time the column is
// read, or all at Open with TableOpenOptions::Verify::kAll: the checksum,
// then the invariants that reading relies on (codes inside the dictionary,
// offsets inside their bytes, NULL counts), so a file that a faulty writer
// made with valid checksums cannot make a reader crash.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "slicekit/table.h"
#include "src/table/encoding.h"
#include "src/table/table_file.h"
#include "src/table/table_format.h"
#include "src/table/table_impl.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace internal {

namespace {

// Verifying a column uses one more thread per this many bytes, up to
// kMaxVerifyThreads.
constexpr uint64_t kBytesPerVerifyThread = uint64_t{8} << 20;
constexpr size_t kMaxVerifyThreads = 4;

absl::Status VerifyDictionary(const TableImpl& table, int column) {
  const FileBacking& file = *table.file;
  for (uint32_t index : file.dictionary_sections[column]) {
    SLICEKIT_RETURN_IF_ERROR(file.CheckChecksum(index));
  }
  const ColumnType type = table.schema.column(column).type;
  if (type == ColumnType::kCategorical) {
    const StringList& strings = table.dictionaries[column].strings;
    uint64_t previous = 0;
    for (size_t i = 0; i < strings.ends.size(); ++i) {
      if (strings.ends[i] < previous ||
          strings.ends[i] > strings.bytes.size()) {
        return absl::DataLossError(absl::StrCat(
            file.path, ": dictionary of column '",
            table.schema.column(column).name, "': string ", i, " ends at byte ",
            strings.ends[i], ", outside its bytes"));
      }
      previous = strings.ends[i];
    }
    if (previous != strings.bytes.size()) {
      return absl::DataLossError(
          absl::StrCat(file.path, ": dictionary of column '",
                       table.schema.column(column).name,
                       "': its offsets do not cover its bytes"));
    }
  }
  return absl::OkStatus();
}

// Builds the errors of one chunk's column, naming the file, the chunk and
// the column.
class CellErrors {
 public:
  CellErrors(const TableImpl& table, int column, size_t chunk)
      : table_(table), column_(column), chunk_(chunk) {}
  absl::Status Bad(absl::string_view what) const {
    return absl::DataLossError(
        absl::StrCat(table_.file->path, ": chunk ", chunk_, ", column '",
                     table_.schema.column(column_).name, "': ", what));
  }

 private:
  const TableImpl& table_;
  const int column_;
  const size_t chunk_;
};

absl::Status CheckValidity(const ColumnChunk& c, uint32_t size,
                           const CellErrors& errors) {
  if (c.validity.empty()) return absl::OkStatus();
  bool stray = false;
  const size_t valid = CountBits(c.validity.data(), size, &stray);
  if (stray || valid + c.null_count != size) {
    return errors.Bad("the validity bits disagree with the NULL count");
  }
  return absl::OkStatus();
}

// Every stored value inside the zone map: codes then index the dictionary
// safely and zone-map answers agree with row answers.
absl::Status CheckRelative(const ColumnChunk& c, const CellErrors& errors) {
  const uint64_t range = c.has_values() ? RangeAbove(c.base, c.int_max) : 0;
  if (MaxRelative(c) > range) {
    return errors.Bad("a value lies outside the chunk's zone map");
  }
  return absl::OkStatus();
}

// Offsets that increase and end at the last id byte, so every id is a
// non-empty range inside the bytes.
absl::Status CheckIdEnds(const ColumnChunk& c, const CellErrors& errors) {
  if (c.id_fixed) return absl::OkStatus();
  uint32_t previous = 0;
  for (size_t i = 0; i < c.id_ends.size(); ++i) {
    if (c.id_ends[i] <= previous) {
      return errors.Bad(absl::StrCat("id ", i, " is empty or out of order"));
    }
    previous = c.id_ends[i];
  }
  if (previous != c.id_bytes.size()) {
    return errors.Bad("the id offsets do not cover the id bytes");
  }
  return absl::OkStatus();
}

// Every value inside the zone map (NaN is not), so a chunk the zone map
// rules out holds no matching row; NULL slots hold 0. One branch-free pass
// over all slots first; only when it finds a value outside (a NULL's 0
// outside the range) are slots told apart.
absl::Status CheckFloats(const ColumnChunk& c, const CellErrors& errors) {
  const float lo = c.float_min, hi = c.float_max;
  const float* v = c.floats.data();
  bool outside = false;
  for (size_t i = 0; i < c.floats.size(); ++i) {
    outside |= !(v[i] >= lo) | !(v[i] <= hi);
  }
  for (size_t i = 0; outside && i < c.floats.size(); ++i) {
    const bool ok = c.IsValid(i) ? v[i] >= lo && v[i] <= hi
                                 : std::bit_cast<uint32_t>(v[i]) == 0;
    if (!ok) return errors.Bad("a value lies outside the chunk's zone map");
  }
  return absl::OkStatus();
}

// One chunk's column: its checksums, then the checks of its type.
absl::Status VerifyCell(const TableImpl& table, int column, size_t k) {
  const FileBacking& file = *table.file;
  for (uint32_t index :
       file.cell_sections[k * table.schema.num_columns() + column]) {
    SLICEKIT_RETURN_IF_ERROR(file.CheckChecksum(index));
  }
  const Chunk& chunk = table.chunks[k];
  const ColumnChunk& c = chunk.columns[column];
  const CellErrors errors(table, column, k);
  SLICEKIT_RETURN_IF_ERROR(CheckValidity(c, chunk.size, errors));
  switch (table.schema.column(column).type) {
    case ColumnType::kInt:
    case ColumnType::kCategorical:
      return CheckRelative(c, errors);
    case ColumnType::kId:
      return CheckIdEnds(c, errors);
    case ColumnType::kFloat:
      return CheckFloats(c, errors);
  }
  return absl::OkStatus();
}

// Checksums cost a read of the column: a large one is split across
// threads (contiguous runs of chunks); the error reported is the first
// chunk's, whatever the thread count.
absl::Status VerifyColumnSections(const TableImpl& table, int column) {
  SLICEKIT_RETURN_IF_ERROR(VerifyDictionary(table, column));
  const size_t n = table.chunks.size();
  uint64_t bytes = 0;
  for (uint32_t index : table.file->column_sections[column]) {
    bytes += table.file->sections[index].bytes;
  }
  const size_t threads = std::min<size_t>(
      {bytes / kBytesPerVerifyThread + 1, n,
       std::max(1u, std::thread::hardware_concurrency()), kMaxVerifyThreads});
  std::vector<absl::Status> first(std::max<size_t>(threads, 1));
  auto run = [&](size_t t) {
    for (size_t k = n * t / threads; k < n * (t + 1) / threads; ++k) {
      absl::Status status = VerifyCell(table, column, k);
      if (!status.ok()) {
        first[t] = std::move(status);
        return;
      }
    }
  };
  if (threads <= 1) {
    if (n > 0) run(0);
  } else {
    std::vector<std::thread> workers;
    try {
      for (size_t t = 1; t < threads; ++t) workers.emplace_back(run, t);
    } catch (const std::system_error&) {
      // No thread: the runs left are verified here.
      for (size_t t = workers.size() + 1; t < threads; ++t) run(t);
    }
    run(0);
    for (std::thread& worker : workers) worker.join();
  }
  for (const absl::Status& status : first) {
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status VerifyColumn(const TableImpl& table, int column) {
  if (table.file == nullptr ||
      table.column_verified[column].load(std::memory_order_acquire) != 0) {
    return absl::OkStatus();
  }
  SLICEKIT_RETURN_IF_ERROR(VerifyColumnSections(table, column));
  // Two threads may both verify; both store the same verdict.
  table.column_verified[column].store(1, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status VerifyColumns(const TableImpl& table,
                           const std::vector<int>& columns) {
  for (int column : columns) {
    SLICEKIT_RETURN_IF_ERROR(VerifyColumn(table, column));
  }
  return absl::OkStatus();
}

}  // namespace internal

absl::Status Table::Verify() const {
  for (int c = 0; c < impl_->schema.num_columns(); ++c) {
    SLICEKIT_RETURN_IF_ERROR(internal::VerifyColumn(*impl_, c));
  }
  return absl::OkStatus();
}

absl::Status Table::VerifyColumn(int column) const {
  if (column < 0 || column >= impl_->schema.num_columns()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no column ", column, " in the table"));
  }
  return internal::VerifyColumn(*impl_, column);
}

}  // namespace slicekit
