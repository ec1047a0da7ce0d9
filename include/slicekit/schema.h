// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_SCHEMA_H_
#define SLICEKIT_SCHEMA_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace slicekit {

// The name of the unique row-identifier column every table has.
inline constexpr absl::string_view kDataRowIdColumn = "data_row_id";

// The logical type of a column. Every column except the id is nullable.
enum class ColumnType {
  kFloat,        // 32-bit IEEE float; NaN and infinities are never stored.
  kInt,          // 64-bit signed integer (stored narrower where values fit).
  kCategorical,  // byte string, dictionary-encoded.
  kId,           // the unique, non-null `data_row_id` byte string.
};

// Returns "float", "int", "categorical" or "id".
absl::string_view ColumnTypeName(ColumnType type);

struct ColumnSpec {
  std::string name;
  ColumnType type;

  friend bool operator==(const ColumnSpec&, const ColumnSpec&) = default;
};

// An ordered list of uniquely named columns, exactly one of which is the
// `data_row_id` id column. Immutable once built; thread-safe.
class Schema {
 public:
  // Validates and builds a schema: names are non-empty and unique, and exactly
  // one column, named `data_row_id`, has type kId.
  static absl::StatusOr<Schema> Create(std::vector<ColumnSpec> columns);

  Schema() = default;

  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ColumnSpec& column(int index) const { return columns_[index]; }
  const std::vector<ColumnSpec>& columns() const { return columns_; }

  // Returns the index of the column named `name` (exact, case-sensitive).
  std::optional<int> Find(absl::string_view name) const;
  // Returns the index of the id column.
  int id_column() const { return id_column_; }

  // Returns the column name closest to `name` by edit distance (ignoring
  // case), or an empty string when no name is reasonably close.
  std::string ClosestName(absl::string_view name) const;

  friend bool operator==(const Schema& a, const Schema& b) {
    return a.columns_ == b.columns_;
  }

 private:
  std::vector<ColumnSpec> columns_;
  int id_column_ = -1;
};

}  // namespace slicekit

#endif  // SLICEKIT_SCHEMA_H_
