// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the storage layout behind Table, shared by the scanner and the
// ordering code. Never installed.
#ifndef SLICEKIT_SRC_TABLE_TABLE_IMPL_H_
#define SLICEKIT_SRC_TABLE_TABLE_IMPL_H_

#include <atomic>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "slicekit/schema.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"
#include "src/table/buffer.h"

namespace slicekit::internal {

inline bool TestBit(const uint64_t* words, size_t i) {
  return (words[i / 64] >> (i % 64)) & 1;
}

// One column's values within one chunk.
//
// Integers and dictionary codes use frame-of-reference encoding: the chunk
// stores `value - base` in the narrowest unsigned width (1, 2, 4 or 8 bytes)
// that holds `max - base`, where base is the smallest valid value. Counts
// such as tp/fp fit one byte, so a filter on them reads a quarter of the
// bytes a plain int32 column would. NULL slots store 0.
//
// Every array is a Buffer: owned, or a view of a mapped table file
// (Table::Open), read the same way.
struct ColumnChunk {
  uint32_t null_count = 0;
  // Bit i set = row i holds a value. Empty while the chunk has no NULLs, so
  // the common NULL-free chunk neither stores nor reads a bitmap.
  Buffer<uint64_t> validity;

  // kFloat. Zone map over valid values (+inf/-inf while there are none).
  Buffer<float> floats;
  float float_min = std::numeric_limits<float>::infinity();
  float float_max = -std::numeric_limits<float>::infinity();

  // kInt and kCategorical (codes). Zone map over valid values.
  int64_t int_min = std::numeric_limits<int64_t>::max();
  int64_t int_max = std::numeric_limits<int64_t>::min();
  int64_t base = 0;
  uint8_t width = 1;
  Buffer<uint8_t> u8;
  Buffer<uint16_t> u16;
  Buffer<uint32_t> u32;
  Buffer<uint64_t> u64;

  // kId: bytes of all ids; when every id of the chunk has the same length
  // (`id_fixed`, typical for generated ids) no offsets are stored at all.
  bool id_fixed = true;
  uint32_t id_width = 0;
  // Every id is byte-wise greater than the one before it in the chunk (true
  // for sequentially generated ids); lets top-k skip ties without reading
  // ids.
  bool id_ascending = true;
  Buffer<char> id_bytes;
  Buffer<uint32_t> id_ends;

  bool IsValid(size_t i) const {
    return validity.empty() || TestBit(validity.data(), i);
  }
  bool has_values() const { return int_min <= int_max; }
  uint64_t RelativeAt(size_t i) const {
    switch (width) {
      case 1:
        return u8[i];
      case 2:
        return u16[i];
      case 4:
        return u32[i];
      default:
        return u64[i];
    }
  }
  int64_t IntAt(size_t i) const {
    return static_cast<int64_t>(static_cast<uint64_t>(base) + RelativeAt(i));
  }
  absl::string_view IdAt(size_t i) const {
    if (id_fixed) {
      return absl::string_view(id_bytes.data() + i * id_width, id_width);
    }
    const uint32_t begin = i == 0 ? 0 : id_ends[i - 1];
    return absl::string_view(id_bytes.data() + begin, id_ends[i] - begin);
  }
  size_t MemoryBytes() const;
  // Calls `f` on every buffer (a generic lambda: they differ in type).
  template <typename F>
  void ForEachBuffer(F&& f) {
    f(validity);
    f(floats);
    f(u8);
    f(u16);
    f(u32);
    f(u64);
    f(id_bytes);
    f(id_ends);
  }
};

struct Chunk {
  uint32_t size = 0;
  uint32_t num_deleted = 0;
  // Bit i set = row i deleted. Empty while nothing in the chunk is deleted.
  Buffer<uint64_t> deleted;
  std::vector<ColumnChunk> columns;

  bool IsDeleted(size_t i) const {
    return !deleted.empty() && TestBit(deleted.data(), i);
  }
};

// Append-only dictionary of a categorical column: codes never change, so a
// code resolved once stays valid while the table grows.
struct Dictionary {
  StringList strings;  // by code
  // Code by string. Empty while `strings` views a table file (lookups then
  // scan the strings; the map is built when the table is first changed).
  absl::flat_hash_map<std::string, int64_t> codes;

  std::optional<int64_t> Find(absl::string_view s) const {
    if (codes.size() == strings.size()) {
      auto it = codes.find(s);
      if (it == codes.end()) return std::nullopt;
      return it->second;
    }
    for (size_t i = 0; i < strings.size(); ++i) {
      if (strings[i] == s) return static_cast<int64_t>(i);
    }
    return std::nullopt;
  }
};

// What a table opened from a file keeps of it: the mapping and where each
// section is (table_file.cc).
struct FileBacking;

struct TableImpl;

// The index stores a 32-bit hash beside each row, so growing the index
// never re-reads ids from the chunks (random reads, one cache miss each),
// and a probe compares ids only when the stored hashes agree.
inline uint32_t HashId(absl::string_view id) {
  return static_cast<uint32_t>(absl::Hash<absl::string_view>()(id));
}
// Spreads a stored 32-bit hash over 64 bits for the table's probing.
inline size_t ExpandHash(uint32_t hash) {
  return static_cast<size_t>(hash) * 0x9E3779B97F4A7C15ULL;
}

struct IndexEntry {
  RowIndex row;
  uint32_t hash;
};

// An id with its hash, the index's lookup key.
struct PrehashedId {
  explicit PrehashedId(absl::string_view i) : id(i), hash(HashId(i)) {}
  absl::string_view id;
  uint32_t hash;
};

struct IdHash {
  using is_transparent = void;
  size_t operator()(const IndexEntry& e) const { return ExpandHash(e.hash); }
  size_t operator()(const PrehashedId& id) const { return ExpandHash(id.hash); }
};
struct IdEq {
  using is_transparent = void;
  const TableImpl* table;
  bool operator()(const IndexEntry& a, const IndexEntry& b) const {
    return a.row == b.row;
  }
  bool operator()(const IndexEntry& a, const PrehashedId& b) const;
  bool operator()(const PrehashedId& a, const IndexEntry& b) const {
    return (*this)(b, a);
  }
};
// The live rows by id.
using IdIndex = absl::flat_hash_set<IndexEntry, IdHash, IdEq>;

struct TableImpl {
  TableImpl(Schema s, TableOptions o)
      : schema(std::move(s)),
        options(o),
        chunk_shift(std::countr_zero(o.chunk_rows)),
        dictionaries(schema.num_columns()),
        index(0, IdHash{}, IdEq{this}) {}
  TableImpl(const TableImpl&) = delete;
  TableImpl& operator=(const TableImpl&) = delete;

  Schema schema;
  TableOptions options;
  // chunk_rows is a power of two: row -> (chunk, offset) is a shift and a
  // mask, which matters where ids are read per row (ordering ties, index).
  int chunk_shift;
  std::vector<Chunk> chunks;
  std::vector<Dictionary> dictionaries;  // used by categorical columns
  // Live rows only. Mutable: a table opened from a file builds it on the
  // first lookup (EnsureIndex).
  mutable IdIndex index;
  // While Append() validates a batch its rows are in the index before they
  // are in the chunks; their ids are read from here.
  const Batch* pending = nullptr;
  RowIndex pending_first = 0;
  size_t num_rows = 0;
  size_t num_deleted = 0;
  // Bumped by Compact() when rows move; see Table::generation().
  uint64_t generation = 0;

  // Set while buffers view a table file (Table::Open); cleared when the
  // table is first changed (every buffer copied into memory first).
  std::shared_ptr<const FileBacking> file;
  // Per column, with `file`: 1 once its sections passed their checksums
  // and checks (docs/table-file.md says what is verified when).
  std::unique_ptr<std::atomic<uint8_t>[]> column_verified;
  // False while `index` is not built yet (a table opened from a file builds
  // it on the first id lookup).
  mutable std::atomic<bool> index_ready{true};
  // Held while the index is built; a std::mutex (not absl::call_once, whose
  // wait is in a library that ThreadSanitizer cannot see into).
  mutable std::mutex index_mutex;
  mutable bool index_tried = false;   // under index_mutex
  mutable absl::Status index_status;  // written once, under index_mutex

  // Builds the id index of a table opened from a file on first use (reading
  // every id once, after verifying them); OK at once otherwise. Thread-safe.
  absl::Status EnsureIndex() const;
  // What Append, Delete and Compact first do to a table opened from a file
  // (copy on write): verify every section, copy every buffer into memory,
  // build the index and the dictionaries' code maps, drop the mapping.
  absl::Status MakeOwned();

  size_t chunk_rows() const { return options.chunk_rows; }
  size_t ChunkOf(RowIndex row) const { return row >> chunk_shift; }
  size_t OffsetOf(RowIndex row) const { return row & (options.chunk_rows - 1); }
  const ColumnChunk& Cell(RowIndex row, int column, size_t* offset) const {
    *offset = OffsetOf(row);
    return chunks[ChunkOf(row)].columns[column];
  }
  absl::string_view RowId(RowIndex row) const {
    size_t offset;
    return Cell(row, schema.id_column(), &offset).IdAt(offset);
  }
  bool IsLive(RowIndex row) const {
    return !chunks[ChunkOf(row)].IsDeleted(OffsetOf(row));
  }
  // One value, read without verification: for columns known verified
  // (Table's accessors verify first; a TableReader verified at Make()).
  std::optional<int64_t> IntValue(RowIndex row, int column) const {
    size_t offset;
    const ColumnChunk& c = Cell(row, column, &offset);
    if (!c.IsValid(offset)) return std::nullopt;
    return c.IntAt(offset);
  }
  std::optional<float> FloatValue(RowIndex row, int column) const {
    size_t offset;
    const ColumnChunk& c = Cell(row, column, &offset);
    if (!c.IsValid(offset)) return std::nullopt;
    return c.floats[offset];
  }
  // kCategorical (the code's string) or kId.
  std::optional<absl::string_view> StringValue(RowIndex row, int column) const {
    size_t offset;
    const ColumnChunk& c = Cell(row, column, &offset);
    if (schema.column(column).type == ColumnType::kId) return c.IdAt(offset);
    if (!c.IsValid(offset)) return std::nullopt;
    return dictionaries[column].strings[static_cast<size_t>(c.IntAt(offset))];
  }
  // The id of an indexed row: stored, or pending in the batch being added.
  absl::string_view IndexedId(RowIndex row) const {
    if (pending == nullptr || row < pending_first) return RowId(row);
    return pending->StringAt(schema.id_column(), row - pending_first);
  }
  // REQUIRES: EnsureIndex() returned OK (Bind does for an id filter;
  // Table::Find, Append and Delete do first). Were it not so, a failed
  // build answers "no such row" here; it cannot, as no caller skips it.
  std::optional<RowIndex> FindLive(absl::string_view id) const {
    if (!index_ready.load(std::memory_order_acquire) && !EnsureIndex().ok()) {
      return std::nullopt;
    }
    auto it = index.find(PrehashedId(id));
    if (it == index.end()) return std::nullopt;
    return it->row;
  }
};

// Defined in table_file_verifier.cc. Each returns OK at once for a table
// whose data is all in memory.
//
// Verifies `column`'s sections of the file (every chunk, its dictionary):
// checksums, then what makes reading them safe. Thread-safe; a column
// verified stays verified.
absl::Status VerifyColumn(const TableImpl& table, int column);
absl::Status VerifyColumns(const TableImpl& table,
                           const std::vector<int>& columns);

// OK unless `selection` came from this table in an earlier generation (its
// row positions moved since). One comparison per call, never per row.
inline absl::Status CheckGeneration(const TableImpl& table,
                                    const Selection& selection) {
  if (!selection.generation().has_value() ||
      *selection.generation() == table.generation) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the selection is from table generation ", *selection.generation(),
      " but the table was compacted since (generation ", table.generation,
      "): its row positions are stale; scan again"));
}
// CheckGeneration, then InvalidArgument for a selection over more rows
// than the table has (Table::CheckSelection).
inline absl::Status CheckSelection(const TableImpl& table,
                                   const Selection& selection) {
  if (absl::Status s = CheckGeneration(table, selection); !s.ok()) return s;
  if (selection.num_rows() > table.num_rows) {
    return absl::InvalidArgumentError(
        absl::StrCat("the selection covers ", selection.num_rows(),
                     " rows; the table has ", table.num_rows));
  }
  return absl::OkStatus();
}

// The storage behind a Table, for the table and scan layers only (the
// layer check keeps this header theirs): everything above reads columns
// through slicekit/column_reader.h.
const TableImpl& ImplOf(const Table& table);

inline bool IdEq::operator()(const IndexEntry& a, const PrehashedId& b) const {
  return a.hash == b.hash && table->IndexedId(a.row) == b.id;
}

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_TABLE_TABLE_IMPL_H_
