// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_TABLE_H_
#define SLICEKIT_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "slicekit/schema.h"
#include "slicekit/selection.h"

namespace slicekit {

class Table;
namespace internal {
struct TableImpl;
const TableImpl& ImplOf(const Table& table);
}  // namespace internal

// Rows to append to a Table, held column by column. Fill it with one Append*
// call per column per row (any order across columns); Table::Append checks
// that every column has the same length. Not synchronized.
class Batch {
 public:
  // The values of one column. Only the vector matching the column's type is
  // used; strings are concatenated in `bytes` and end at `string_ends[i]`.
  struct Column {
    std::vector<float> floats;
    std::vector<int64_t> ints;
    std::string bytes;
    std::vector<size_t> string_ends;
    std::vector<uint8_t> valid;  // 1 = value present, 0 = NULL
  };

  explicit Batch(Schema schema);

  const Schema& schema() const { return schema_; }
  // The number of rows: the length of the id column.
  size_t num_rows() const;

  // REQUIRES: `column` is a kFloat column.
  void AppendFloat(int column, float value);
  // REQUIRES: `column` is a kInt column.
  void AppendInt(int column, int64_t value);
  // REQUIRES: `column` is a kCategorical or kId column.
  void AppendString(int column, absl::string_view value);
  // Appends NULL. The id column has no NULLs: Table::Append rejects one.
  void AppendNull(int column);

  void Reserve(size_t rows);
  // Removes every row, keeping the schema and the capacity.
  void Clear();

  const Column& column(int index) const { return columns_[index]; }
  // Returns row `row` of string column `index`.
  absl::string_view StringAt(int index, size_t row) const;

 private:
  Schema schema_;
  std::vector<Column> columns_;
};

struct TableOptions {
  // Rows per chunk, the unit of zone maps, storage width and parallelism.
  // A power of two in [64, 1 << 20]; small values are for tests.
  size_t chunk_rows = 65536;
};

// How Table::Open checks a table file (docs/table-file.md). Open always
// verifies the header, the directory (schema, chunk sizes, zone maps, where
// each section is) and the tombstones, with their checksums and for
// consistency. The column sections (values, validity, ids, dictionaries)
// are verified either at Open or per column on first use.
struct TableOpenOptions {
  enum class Verify {
    // Read and check every section now: no later read fails (except the
    // uniqueness of ids, checked when the id index is first built: see
    // Verify()).
    kAll,
    // Check each column's sections the first time something reads the
    // column; Open only maps the file. Whatever reads the column reports a
    // corrupt one as DataLoss there: Bind, OrderRows, Summarize, a
    // TableReader's Make, the one-value accessors (RowId, GetFloat,
    // GetInt, GetString, Find), Save, Compact, Verify...
    kOnFirstUse,
  };
  Verify verify = Verify::kAll;
};

// The first bytes of every table file.
inline constexpr absl::string_view kTableFileMagic("\x89SKTBL\r\n", 8);

// A columnar, append-only table of rows with typed nullable columns and a
// unique `data_row_id` per live row. Rows live in fixed-size chunks; each
// chunk keeps per column a contiguous value array (integers and dictionary
// codes in the narrowest width that holds the chunk's values), a validity
// bitmap (absent when the chunk has no NULLs) and a zone map (min, max, NULL
// count). Deleting a row leaves a tombstone; its position is not reused
// until Compact() drops the tombstones.
//
// Row positions are stable within a generation (generation()). Compact()
// moves rows and starts a new generation; everything holding positions from
// an earlier one is then invalid:
//  - a Selection from Scan()/LiveRows()/Filter() carries its generation, and
//    OrderRows()/OrderPage() reject a stale one with FailedPrecondition
//    (a hand-made Selection carries none and is not checked; Summarize()
//    checks only that it is not larger than the table);
//  - a curation watermark: Curator::NewRowsSince(EndWatermark()) rejects a
//    stale one with FailedPrecondition (Curator::NewRows(RowIndex) cannot
//    tell, so take its position after the last Compact());
//  - RowIndex values (Find(), OrderRows() results, ScanOptions' row range,
//    ExportRows()) are plain numbers: take them again after Compact().
// What holds no positions stays valid: a BoundFilter or Curator (filters
// re-resolve ids per scan and dictionary codes never change) and OrderPage()
// cursors (they name values and ids).
//
// Thread safety: const methods may run concurrently with each other;
// Append, Delete and Compact need exclusive access (no concurrent readers or
// scans).
class Table {
 public:
  static absl::StatusOr<Table> Create(Schema schema, TableOptions options = {});

  // Maps the table file at `path` (written by Save) read-only: scans read
  // the mapped pages in place; nothing is copied or parsed per row. The
  // table is fully usable; the first Append, Delete or Compact copies it
  // into memory first (copy on write; the file is never written). Errors
  // name the file and the section: NotFound / PermissionDenied for a file
  // that cannot be opened, InvalidArgument for a file that is not a table
  // file, FailedPrecondition for a newer format version, DataLoss for a
  // truncated or corrupt one.
  static absl::StatusOr<Table> Open(const std::string& path,
                                    TableOpenOptions options = {});

  // Writes the table to `path` atomically: a temporary file in the same
  // folder, fsync, rename over `path`, fsync of the folder; on any error
  // `path` is unchanged. Saving over the file this table was opened from is
  // fine (the mapping keeps the old file's pages). Sections still mapped
  // from a file are checksummed as they are copied: DataLoss, and nothing
  // written, if one is corrupt.
  absl::Status Save(const std::string& path) const;

  // Verifies every section of a table opened with kOnFirstUse that is not
  // verified yet (OK at once for a table in memory): DataLoss naming the
  // file and section, or OK after which no later read can fail. Thread-safe.
  // Ids are checked for uniqueness when the id index is built, on the first
  // id lookup (not stored in the file): a filter on data_row_id, Find(),
  // Append and Delete report a forged file with a repeated id.
  absl::Status Verify() const;
  // The same for one column's sections.
  absl::Status VerifyColumn(int column) const;

  Table(Table&&) noexcept;
  Table& operator=(Table&&) noexcept;
  ~Table();

  const Schema& schema() const;
  const TableOptions& options() const;

  // Appends all rows of `batch`, or none: on error the table is unchanged.
  // Errors: FailedPrecondition when the batch's schema differs or its
  // columns have different lengths; InvalidArgument for an empty, NULL or
  // duplicate id (within the batch or against live rows) and for a NaN or
  // infinite float; ResourceExhausted past 2^32 - 1 row positions.
  absl::Status Append(const Batch& batch);

  // Makes room in the id index for `rows` more rows, so appending them
  // does not rehash it as it grows. A hint: appending more still works.
  void Reserve(size_t rows);

  // Deletes the live rows with these ids, or none: NotFound (naming the id)
  // when any id is not a live row. A deleted id may be appended again later.
  absl::Status Delete(absl::Span<const std::string> ids);

  // Returns the position of the live row with this id (nullopt: none).
  // Errors: DataLoss when the id index of a lazily verified table file
  // cannot be built (a corrupt id column, or a forged file repeating an
  // id); never for a table in memory or opened with Verify::kAll.
  absl::StatusOr<std::optional<RowIndex>> Find(absl::string_view id) const;

  // What Compact() did.
  struct CompactionStats {
    size_t rows_removed = 0;  // deleted rows dropped
    size_t rows_after = 0;    // num_rows() after: the live rows
    // ColumnBytes() summed over all columns, plus the id index's bytes.
    size_t bytes_before = 0;
    size_t bytes_after = 0;
    uint64_t generation = 0;  // generation() after
  };

  // Rewrites the table without its deleted rows: live rows keep their
  // relative order and move to positions 0 .. num_live_rows() - 1; chunks
  // are re-encoded (narrowest widths, fresh zone maps, no tombstones) and
  // the id index rebuilt. Bumps generation() when any row was removed (see
  // the class comment for what that invalidates); with no deleted rows it
  // changes nothing. Dictionaries keep every string (see table.cc). O(rows
  // x columns). Memory peaks at about the table's size plus one chunk plus
  // a second id index: input chunks are freed once copied, and the new
  // index is built beside the old one. Like the rest of the library it
  // does not recover from std::bad_alloc: running out of memory midway
  // leaves the table unusable. Errors: DataLoss for a table opened from a
  // file whose sections are corrupt (verified before anything moves; the
  // table is unchanged).
  absl::StatusOr<CompactionStats> Compact();

  // Starts at 0; Compact() increments it whenever it moves rows.
  uint64_t generation() const;

  // "The rows appended from now on": num_rows() with the generation it
  // belongs to, for Curator::NewRowsSince().
  struct Watermark {
    RowIndex row = 0;
    uint64_t generation = 0;
  };
  Watermark EndWatermark() const;

  // Row positions used (in this generation), including deleted rows.
  size_t num_rows() const;
  // Rows not deleted.
  size_t num_live_rows() const;
  bool IsLive(RowIndex row) const;
  // Returns every live row (tagged with generation()).
  Selection LiveRows() const;
  // OK when `selection` names rows of this table as it is: FailedPrecondition
  // for one made before a Compact() that moved rows, InvalidArgument for
  // one over more row positions than the table has.
  absl::Status CheckSelection(const Selection& selection) const;

  // Row accessors; `row` < num_rows(), `column` of the matching type.
  // They also read deleted rows. One value at a time, for a few values: a
  // TableReader (slicekit/column_reader.h) reads columns batch by batch,
  // and its own one-value reads need no Status. Errors: DataLoss, naming
  // the file and section, when the column of a lazily verified table file
  // is corrupt (verified on the first read); never for a table in memory
  // or opened with Verify::kAll.
  absl::StatusOr<absl::string_view> RowId(RowIndex row) const;
  absl::StatusOr<std::optional<float>> GetFloat(RowIndex row, int column) const;
  absl::StatusOr<std::optional<int64_t>> GetInt(RowIndex row, int column) const;
  // For kCategorical and kId columns.
  absl::StatusOr<std::optional<absl::string_view>> GetString(RowIndex row,
                                                             int column) const;

  // Bytes held for `column`'s values, validity bitmaps and zone maps
  // (excluding its dictionary and, for the id column, the id hash index).
  size_t ColumnBytes(int column) const;
  // Bytes held by `column`'s dictionary (categorical) or id index (id).
  size_t DictionaryBytes(int column) const;
  // Distinct strings ever stored in a categorical column.
  size_t DictionarySize(int column) const;

 private:
  // The storage, for the table and scan layers (src/table/table_impl.h).
  friend const internal::TableImpl& internal::ImplOf(const Table& table);

  explicit Table(std::unique_ptr<internal::TableImpl> impl);
  std::unique_ptr<internal::TableImpl> impl_;
};

}  // namespace slicekit

#endif  // SLICEKIT_TABLE_H_
