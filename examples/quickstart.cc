// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Quickstart: load a model run, look at the auto-generated slices, save two
// slices and explore them (summary against the whole run, a page of rows,
// the cursor to the next page, an export).
//
// Usage: quickstart [FILE.csv | --rows N]   (default: 20000 generated rows)
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "examples/metrics_generator.h"
#include "slicekit/slice_store.h"
#include "slicekit/slicekit.h"

namespace {

using slicekit::ExploreOptions;
using slicekit::ExplorePage;
using slicekit::RowIndex;
using slicekit::Slice;
using slicekit::SliceSummary;
using slicekit::Table;

std::string Metric(const std::optional<double>& value) {
  if (!value.has_value()) return "n/a";
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f", *value);
  return text;
}

std::string SummaryLine(const SliceSummary& s) {
  return absl::StrCat(s.rows, " rows, tp=", s.tp, " fp=", s.fp, " fn=", s.fn,
                      ", precision=", Metric(s.precision),
                      " recall=", Metric(s.recall), " f1=", Metric(s.f1),
                      ", mean confidence=", Metric(s.mean_confidence),
                      " mean iou=", Metric(s.mean_iou));
}

// The value of the reader's column k in `row`, as text ("NULL" when
// missing).
std::string Cell(const slicekit::TableReader& reader, RowIndex row, size_t k) {
  switch (reader.type(k)) {
    case slicekit::ColumnType::kFloat: {
      const std::optional<float> v = reader.GetFloat(row, k);
      return v.has_value() ? absl::StrCat(*v) : "NULL";
    }
    case slicekit::ColumnType::kInt: {
      const std::optional<int64_t> v = reader.GetInt(row, k);
      return v.has_value() ? absl::StrCat(*v) : "NULL";
    }
    default: {
      const std::optional<absl::string_view> v = reader.GetString(row, k);
      return v.has_value() ? std::string(*v) : "NULL";
    }
  }
}

// Prints the rows of a page with the columns the order uses, read through
// a TableReader (made once: it checks the names and, for a table file, the
// columns; its reads then cannot fail).
absl::Status PrintRows(const Table& table, const std::vector<RowIndex>& rows,
                       const std::vector<slicekit::OrderBy>& order) {
  std::vector<std::string> columns = {"data_row_id"};
  for (const slicekit::OrderBy& key : order) columns.push_back(key.column);
  absl::StatusOr<slicekit::TableReader> reader =
      slicekit::TableReader::Make(table, columns);
  if (!reader.ok()) return reader.status();
  for (RowIndex row : rows) {
    std::string line = absl::StrCat("    ", Cell(*reader, row, 0));
    for (size_t k = 1; k < columns.size(); ++k) {
      absl::StrAppend(&line, " ", columns[k], "=", Cell(*reader, row, k));
    }
    std::cout << line << "\n";
  }
  return absl::OkStatus();
}

absl::Status Run(int argc, char** argv) {
  // 1. Load a run: a CSV file, or generated rows.
  absl::StatusOr<Table> loaded = absl::UnknownError("unset");
  uint64_t rows = 20000;
  if (argc == 3 && std::string(argv[1]) == "--rows") {
    rows = std::strtoull(argv[2], nullptr, 10);
    loaded = slicekit::examples::GenerateMetricsTable(rows, /*seed=*/42);
  } else if (argc == 2) {
    loaded = slicekit::ReadCsvFile(argv[1]);
  } else if (argc == 1) {
    loaded = slicekit::examples::GenerateMetricsTable(rows, /*seed=*/42);
  } else {
    return absl::InvalidArgumentError(
        "usage: quickstart [FILE.csv | --rows N]");
  }
  if (!loaded.ok()) return loaded.status();
  const Table& table = *loaded;
  absl::StatusOr<SliceSummary> all = slicekit::SummarizeAll(table);
  if (!all.ok()) return all.status();
  std::cout << "run: " << SummaryLine(*all) << "\n\n";

  // 2. The auto-generated slices: counts and top rows.
  std::cout << "auto slices:\n";
  for (const slicekit::AutoSlice& auto_slice :
       slicekit::AutoSlices(table.schema())) {
    ExploreOptions options;
    options.order_by = auto_slice.order_by;
    options.limit = 3;
    options.summarize = false;
    absl::StatusOr<ExplorePage> page =
        slicekit::Explore(table, auto_slice.filter, options);
    if (!page.ok()) return page.status();
    std::cout << "  " << auto_slice.name << " [" << auto_slice.filter.ToString()
              << "]: " << page->total_rows << " rows\n";
    if (absl::Status s = PrintRows(table, page->rows, auto_slice.order_by);
        !s.ok())
      return s;
  }

  // 3. Save two slices in a store (in memory here; SliceStore::OpenSqlite
  // keeps them in a file): one written in the filter language, one copied
  // from an auto slice.
  const std::unique_ptr<slicekit::SliceStore> store =
      slicekit::SliceStore::InMemory();
  absl::StatusOr<slicekit::Expr> filter = slicekit::ParseFilter(
      "fp >= 1 AND confidence >= 0.9 AND split IN ('val', 'test')");
  if (!filter.ok()) return filter.status();
  slicekit::SliceSpec confident_mistakes;
  confident_mistakes.name = "Confident mistakes";
  confident_mistakes.description = "False positives the model was sure of.";
  confident_mistakes.filter = *filter;
  confident_mistakes.order_by = {{"confidence", true}};
  absl::StatusOr<Slice> created = store->Create("acme", confident_mistakes);
  if (!created.ok()) return created.status();
  for (const slicekit::AutoSlice& auto_slice :
       slicekit::AutoSlices(table.schema())) {
    if (auto_slice.name != "Low recall") continue;
    created = store->Create("acme", slicekit::AutoSliceSpec(auto_slice));
    if (!created.ok()) return created.status();
  }
  absl::StatusOr<std::vector<Slice>> saved =
      store->List("acme", slicekit::SliceListOrder::kByCreationTime);
  if (!saved.ok()) return saved.status();
  std::cout << "\nsaved " << saved->size() << " slices for org acme\n";

  // 4. Explore them: summary against the run and dataset ds0, two pages.
  for (const Slice& slice : *saved) {
    std::cout << "\nslice '" << slice.name << "' [" << slice.filter.ToString()
              << "]\n";
    ExploreOptions options;
    options.limit = 5;
    absl::StatusOr<ExplorePage> page = slicekit::Explore(table, slice, options);
    if (!page.ok()) return page.status();
    absl::StatusOr<slicekit::Selection> members =
        slicekit::Filter(table, slice.filter);
    if (!members.ok()) return members.status();
    absl::StatusOr<slicekit::SummaryComparison> comparison =
        slicekit::CompareSummaries(table, *members, "ds0");
    if (!comparison.ok()) return comparison.status();
    std::cout << "  slice:   " << SummaryLine(comparison->slice) << "\n"
              << "  all:     " << SummaryLine(comparison->all) << "\n"
              << "  ds0:     " << SummaryLine(*comparison->dataset) << "\n"
              << "  page 1:\n";
    if (absl::Status s = PrintRows(table, page->rows, slice.order_by); !s.ok())
      return s;
    std::cout << "  next cursor: " << page->next_cursor << "\n";
    if (!page->next_cursor.empty()) {
      options.cursor = page->next_cursor;
      options.summarize = false;
      absl::StatusOr<ExplorePage> next =
          slicekit::Explore(table, slice, options);
      if (!next.ok()) return next.status();
      std::cout << "  page 2:\n";
      if (absl::Status s = PrintRows(table, next->rows, slice.order_by);
          !s.ok())
        return s;
    }
    std::cout << "  page 1 as CSV:\n";
    absl::Status exported = slicekit::ExportRows(
        table, page->rows, slicekit::ExportFormat::kCsv, std::cout);
    if (!exported.ok()) return exported;
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  const absl::Status status = Run(argc, argv);
  if (!status.ok()) {
    std::cerr << "quickstart: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
