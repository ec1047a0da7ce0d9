// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Curation loop: a run grows batch by batch; after each batch, print which
// saved slices its new rows entered. All slices are checked in one pass
// over just the new rows (Curator, ScanMany), not by rescanning the table.
//
// Usage: curation_loop [BASE_ROWS [BATCHES [BATCH_ROWS]]]
//        (default: 50000 rows, then 5 batches of 2000)
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "examples/metrics_generator.h"
#include "slicekit/slicekit.h"

namespace {

using slicekit::Batch;
using slicekit::RowIndex;
using slicekit::Slice;
using slicekit::Table;

// Copies rows [begin, end) of the table `source` reads (every column, in
// schema order) into `batch` (same schema), with `prefix` before each id so
// they do not collide with the table's ids.
void CopyRows(const slicekit::TableReader& source,
              const slicekit::Schema& schema, RowIndex begin, RowIndex end,
              const std::string& prefix, Batch* batch) {
  for (RowIndex row = begin; row < end; ++row) {
    for (int c = 0; c < schema.num_columns(); ++c) {
      switch (schema.column(c).type) {
        case slicekit::ColumnType::kId:
          batch->AppendString(c,
                              absl::StrCat(prefix, *source.GetString(row, c)));
          break;
        case slicekit::ColumnType::kFloat:
          if (auto v = source.GetFloat(row, c)) {
            batch->AppendFloat(c, *v);
          } else {
            batch->AppendNull(c);
          }
          break;
        case slicekit::ColumnType::kInt:
          if (auto v = source.GetInt(row, c)) {
            batch->AppendInt(c, *v);
          } else {
            batch->AppendNull(c);
          }
          break;
        case slicekit::ColumnType::kCategorical:
          if (auto v = source.GetString(row, c)) {
            batch->AppendString(c, *v);
          } else {
            batch->AppendNull(c);
          }
          break;
      }
    }
  }
}

absl::StatusOr<Slice> MakeSlice(const std::string& id, const std::string& name,
                                const std::string& filter_text) {
  absl::StatusOr<slicekit::Expr> filter = slicekit::ParseFilter(filter_text);
  if (!filter.ok()) return filter.status();
  Slice slice;
  slice.id = id;
  slice.org = "acme";
  slice.name = name;
  slice.filter = *filter;
  return slice;
}

absl::Status Run(int argc, char** argv) {
  const uint64_t base_rows =
      argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50000;
  const int batches = argc > 2 ? std::atoi(argv[2]) : 5;
  const uint64_t batch_rows =
      argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 2000;
  absl::StatusOr<Table> table =
      slicekit::examples::GenerateMetricsTable(base_rows, /*seed=*/42);
  if (!table.ok()) return table.status();
  // The incoming rows: another generated run, streamed batch by batch.
  absl::StatusOr<Table> incoming = slicekit::examples::GenerateMetricsTable(
      static_cast<uint64_t>(batches) * batch_rows, /*seed=*/7);
  if (!incoming.ok()) return incoming.status();
  std::vector<int> every_column(
      static_cast<size_t>(incoming->schema().num_columns()));
  for (size_t c = 0; c < every_column.size(); ++c) {
    every_column[c] = static_cast<int>(c);
  }
  absl::StatusOr<slicekit::TableReader> source =
      slicekit::TableReader::Make(*incoming, every_column);
  if (!source.ok()) return source.status();

  std::vector<Slice> slices;
  const std::vector<std::vector<std::string>> specs = {
      {"s-1", "Confident mistakes", "fp >= 1 AND confidence >= 0.95"},
      {"s-2", "Missed objects", "fn >= 2"},
      {"s-3", "Poor boxes", "iou < 0.3 AND tp >= 1"},
      {"s-4", "Rare dataset", "dataset IN ('ds6', 'ds7')"},
      {"s-5", "Unscored rows", "precision IS NULL OR recall IS NULL"},
      {"s-6", "Nothing matches", "confidence < 0"},
  };
  for (const auto& spec : specs) {
    absl::StatusOr<Slice> slice = MakeSlice(spec[0], spec[1], spec[2]);
    if (!slice.ok()) return slice.status();
    slices.push_back(*std::move(slice));
  }
  absl::StatusOr<slicekit::Curator> curator =
      slicekit::Curator::Create(*table, slices);
  // The table's ids, for printing; it sees the rows appended below.
  absl::StatusOr<slicekit::TableReader> ids = slicekit::TableReader::Make(
      *table, std::vector{table->schema().id_column()});
  if (!ids.ok()) return ids.status();
  if (!curator.ok()) return curator.status();
  std::cout << "table: " << table->num_rows() << " rows; "
            << curator->num_slices() << " saved slices\n";

  size_t total = 0;
  for (int b = 0; b < batches; ++b) {
    Batch batch(table->schema());
    const RowIndex begin = static_cast<RowIndex>(b * batch_rows);
    CopyRows(*source, incoming->schema(), begin,
             static_cast<RowIndex>(begin + batch_rows),
             absl::StrCat("batch", b, "-"), &batch);
    const RowIndex first_new = static_cast<RowIndex>(table->num_rows());
    absl::Status appended = table->Append(batch);
    if (!appended.ok()) return appended;
    const slicekit::CurationReport report = curator->NewRows(first_new);
    std::cout << "batch " << b << ": " << batch.num_rows()
              << " new rows (positions " << report.first_new_row << ".."
              << report.end_row << ")\n";
    for (const slicekit::SliceEntries& entries : report.slices) {
      if (entries.count() == 0) continue;
      std::cout << "  entered '" << entries.slice_name << "' ("
                << entries.slice_id << "): " << entries.count()
                << " rows, first " << *ids->GetString(entries.rows.front(), 0)
                << "\n";
    }
    total += report.total_entries();
  }
  std::cout << "done: " << total << " slice entries in " << batches
            << " batches\n";
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  const absl::Status status = Run(argc, argv);
  if (!status.ok()) {
    std::cerr << "curation_loop: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
