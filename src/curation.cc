// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/curation.h"

#include <bit>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/status_macros.h"
#include "src/table_impl.h"

namespace slicekit {

size_t CurationReport::total_entries() const {
  size_t total = 0;
  for (const SliceEntries& entries : slices) total += entries.count();
  return total;
}

absl::StatusOr<Curator> Curator::Create(const Table& table,
                                        absl::Span<const Slice> slices) {
  std::vector<BoundFilter> filters;
  std::vector<std::string> ids;
  std::vector<std::string> names;
  filters.reserve(slices.size());
  ids.reserve(slices.size());
  names.reserve(slices.size());
  for (const Slice& slice : slices) {
    absl::StatusOr<BoundFilter> bound = Bind(slice.filter, table);
    if (!bound.ok()) {
      return absl::Status(
          bound.status().code(),
          absl::StrCat("slice '", slice.name, "' (id ", slice.id,
                       "): ", bound.status().message()));
    }
    filters.push_back(*std::move(bound));
    ids.push_back(slice.id);
    names.push_back(slice.name);
  }
  return Curator(&table.impl(), std::move(filters), std::move(ids),
                 std::move(names));
}

CurationReport Curator::NewRows(RowIndex first_new_row, int threads) const {
  CurationReport report;
  report.first_new_row = first_new_row;
  report.end_row = static_cast<RowIndex>(table_->num_rows);
  report.slices.reserve(filters_.size());
  ScanOptions options;
  options.threads = threads;
  options.begin_row = first_new_row;
  options.end_row = report.end_row;
  std::vector<Selection> selections;
  if (!filters_.empty() && first_new_row < report.end_row) {
    selections = ScanMany(filters_, options);
  }
  for (size_t i = 0; i < filters_.size(); ++i) {
    SliceEntries entries;
    entries.slice_id = ids_[i];
    entries.slice_name = names_[i];
    if (i < selections.size()) {
      // The scan only considered [first_new_row, end_row); the bitmap may
      // still cover the whole table, so start at the first new word.
      const std::vector<uint64_t>& words = selections[i].words();
      for (size_t w = first_new_row / 64; w < words.size(); ++w) {
        for (uint64_t bits = words[w]; bits != 0; bits &= bits - 1) {
          const RowIndex row =
              static_cast<RowIndex>(w * 64 + std::countr_zero(bits));
          if (row >= first_new_row) entries.rows.push_back(row);
        }
      }
    }
    report.slices.push_back(std::move(entries));
  }
  return report;
}

absl::StatusOr<CurationReport> NewRowsBySlice(const Table& table,
                                              absl::Span<const Slice> slices,
                                              RowIndex first_new_row) {
  SLICEKIT_ASSIGN_OR_RETURN(const Curator curator,
                            Curator::Create(table, slices));
  return curator.NewRows(first_new_row);
}

}  // namespace slicekit
