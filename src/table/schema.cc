// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/schema.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace slicekit {

absl::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kFloat:
      return "float";
    case ColumnType::kInt:
      return "int";
    case ColumnType::kCategorical:
      return "categorical";
    case ColumnType::kId:
      return "id";
  }
  return "unknown";
}

absl::StatusOr<Schema> Schema::Create(std::vector<ColumnSpec> columns) {
  Schema schema;
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnSpec& spec = columns[i];
    if (spec.name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("column ", i, " has an empty name"));
    }
    if (!seen.insert(spec.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("column name '", spec.name, "' appears twice"));
    }
    if (spec.type == ColumnType::kId) {
      if (spec.name != kDataRowIdColumn) {
        return absl::InvalidArgumentError(
            absl::StrCat("column '", spec.name, "' has type id; only '",
                         kDataRowIdColumn, "' may"));
      }
      schema.id_column_ = static_cast<int>(i);
    } else if (spec.name == kDataRowIdColumn) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", kDataRowIdColumn,
                       "' must have type id, not ", ColumnTypeName(spec.type)));
    }
  }
  if (schema.id_column_ < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("schema has no '", kDataRowIdColumn, "' column"));
  }
  schema.columns_ = std::move(columns);
  return schema;
}

std::optional<int> Schema::Find(absl::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

namespace {

// Levenshtein distance, case-insensitive, for "did you mean" hints.
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const bool same =
          absl::ascii_tolower(a[i - 1]) == absl::ascii_tolower(b[j - 1]);
      row[j] =
          std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string Schema::ClosestName(absl::string_view name) const {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const ColumnSpec& spec : columns_) {
    const size_t d = EditDistance(name, spec.name);
    if (d < best_distance) {
      best_distance = d;
      best = spec.name;
    }
  }
  return best;
}

}  // namespace slicekit
