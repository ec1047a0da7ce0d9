// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit slice` commands that read a slice's rows in a table (explore,
// ids) and the auto-generated slices of a table (auto; docs/slices.md).
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "examples/cli/cli.h"
#include "examples/cli/slice.h"
#include "slicekit/auto_slices.h"
#include "slicekit/column_reader.h"
#include "slicekit/explore.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {
namespace {

// A saved slice over a table, and the org's slices as they are now, which
// IN SLICE references resolve among.
struct SliceOverTable {
  slicekit::Slice slice;
  slicekit::Table table;
  std::unique_ptr<slicekit::SliceResolver> resolver;
};

absl::StatusOr<SliceOverTable> LoadSliceOverTable(SliceCommandContext& context,
                                                  const ParsedFlags& flags) {
  absl::StatusOr<SliceStore*> store = context.store.Get();
  if (!store.ok()) return store.status();
  absl::StatusOr<slicekit::Slice> slice =
      ResolveSlice(**store, context.org, flags.arguments()[0]);
  if (!slice.ok()) return slice.status();
  absl::StatusOr<slicekit::Table> table = LoadTable(*flags.Get("--table"));
  if (!table.ok()) return table.status();
  absl::StatusOr<std::unique_ptr<slicekit::SliceResolver>> resolver =
      (*store)->Resolver(context.org);
  if (!resolver.ok()) return resolver.status();
  return SliceOverTable{*std::move(slice), *std::move(table),
                        *std::move(resolver)};
}

// ids SLICE --table FILE: every matching data_row_id in the slice's order.
int SliceIds(SliceCommandContext& context, const ParsedFlags& flags) {
  if (!flags.Has("--table")) return UsageError("slice ids needs --table FILE");
  absl::StatusOr<SliceOverTable> loaded = LoadSliceOverTable(context, flags);
  if (!loaded.ok()) return InputError(loaded.status().message());
  absl::StatusOr<std::vector<std::string>> ids = slicekit::SliceRowIds(
      loaded->table, loaded->slice, 0, std::nullopt, loaded->resolver.get());
  if (!ids.ok()) return InputError(ids.status().message());
  Output out;
  for (const std::string& id : *ids) out.Line(TextField(id));
  if (!out.Flush()) return InputError("cannot write the output");
  return kOk;
}

// explore SLICE --table FILE [--limit K] [--cursor C] [--format F]: one
// page of rows.
int SliceExplore(SliceCommandContext& context, const ParsedFlags& flags) {
  if (!flags.Has("--table")) {
    return UsageError("slice explore needs --table FILE");
  }
  const std::optional<std::string> format_text = flags.Get("--format");
  absl::StatusOr<slicekit::ExportFormat> format =
      slicekit::ParseExportFormat(format_text.value_or("csv"));
  if (!format.ok()) {
    return UsageError(absl::StrCat(
        "--format must be csv, json or ndjson, not '", *format_text, "'"));
  }
  absl::StatusOr<SliceOverTable> loaded = LoadSliceOverTable(context, flags);
  if (!loaded.ok()) return InputError(loaded.status().message());
  slicekit::ExploreOptions options;
  options.limit = flags.GetInteger("--limit").value_or(50);
  options.cursor = flags.Get("--cursor").value_or("");
  options.resolver = loaded->resolver.get();
  absl::StatusOr<slicekit::ExplorePage> page =
      slicekit::Explore(loaded->table, loaded->slice, options);
  if (!page.ok()) return InputError(page.status().message());
  std::ostringstream rows;
  const absl::Status exported =
      slicekit::ExportRows(loaded->table, page->rows, *format, rows);
  if (!exported.ok()) return InputError(exported.message());
  std::fwrite(rows.str().data(), 1, rows.str().size(), stdout);
  // The rows are the output proper (valid CSV/JSON/NDJSON); the summary and
  // the cursor for the next page go to stderr so stdout stays parseable.
  const slicekit::SliceSummary& sum = *page->summary;
  auto metric = [](const std::optional<double>& value) {
    return value ? absl::StrFormat("%.4f", *value) : std::string("n/a");
  };
  std::fprintf(
      stderr,
      "summary: rows=%zu tp=%lld fp=%lld fn=%lld precision=%s recall=%s "
      "f1=%s mean_confidence=%s mean_iou=%s\nnext_cursor: %s\n",
      page->total_rows, static_cast<long long>(sum.tp),
      static_cast<long long>(sum.fp), static_cast<long long>(sum.fn),
      metric(sum.precision).c_str(), metric(sum.recall).c_str(),
      metric(sum.f1).c_str(), metric(sum.mean_confidence).c_str(),
      metric(sum.mean_iou).c_str(), page->next_cursor.c_str());
  return std::fflush(stdout) == 0 ? kOk : InputError("cannot write the output");
}

// auto --table FILE [--limit K]: the auto-generated slices with their row
// counts and top rows. Reads no store.
int SliceAuto(SliceCommandContext& /*context*/, const ParsedFlags& flags) {
  if (!flags.Has("--table")) return UsageError("slice auto needs --table FILE");
  absl::StatusOr<slicekit::Table> table = LoadTable(*flags.Get("--table"));
  if (!table.ok()) return InputError(table.status().message());
  // The ids to print, verified (a table file's) before anything is printed.
  absl::StatusOr<slicekit::TableReader> ids =
      slicekit::TableReader::Make(*table, {table->schema().id_column()});
  if (!ids.ok()) return InputError(ids.status().message());
  Output out;
  for (const slicekit::AutoSlice& auto_slice :
       slicekit::AutoSlices(table->schema())) {
    slicekit::ExploreOptions options;
    options.order_by = auto_slice.order_by;
    options.limit = flags.GetInteger("--limit").value_or(5);
    options.summarize = false;
    absl::StatusOr<slicekit::ExplorePage> page =
        slicekit::Explore(*table, auto_slice.filter, options);
    if (!page.ok()) return InputError(page.status().message());
    out.Line(absl::StrCat(
        auto_slice.name, " [", TextField(auto_slice.filter.ToString()), "] by ",
        OrderByText(auto_slice.order_by), ": ", page->total_rows, " rows"));
    for (const slicekit::RowIndex row : page->rows) {
      out.Line(absl::StrCat("  ", TextField(*ids->GetString(row, 0))));
    }
  }
  if (!out.Flush()) return InputError("cannot write the output");
  return kOk;
}

}  // namespace

std::vector<SliceSubcommand> ExploreSliceCommands() {
  const FlagSpec table{.name = "--table",
                       .value_name = "FILE",
                       .help = "the table: a CSV or table file",
                       .required = true};
  const IntegerRange limit{1, 1000000000};
  return {
      {.spec = {.name = "explore",
                .invocation = SliceInvocation("explore"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments = "slice explore needs one SLICE",
                .summary =
                    "Prints a page of the slice's rows in its order. Its "
                    "summary and the next page's cursor (empty after the "
                    "last) go to stderr.",
                .flags = {table,
                          {.name = "--limit",
                           .value_name = "K",
                           .help = "rows per page (default 50)",
                           .integer = limit},
                          {.name = "--cursor",
                           .value_name = "C",
                           .help = "the page after the one that printed C"},
                          {.name = "--format",
                           .value_name = "csv|json|ndjson",
                           .help = "the rows' format (default csv)"}}},
       .run = SliceExplore,
       .reads_only = AlwaysReadsOnly},
      {.spec = {.name = "ids",
                .invocation = SliceInvocation("ids"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments = "slice ids needs one SLICE",
                .summary = "Prints every data_row_id of the slice's rows.",
                .flags = {table}},
       .run = SliceIds,
       .reads_only = AlwaysReadsOnly},
      {.spec = {.name = "auto",
                .invocation = "slicekit slice auto",
                .summary = "Lists a table's auto-generated slices (no "
                           "store). Each with its row count and top rows.",
                .flags = {table,
                          {.name = "--limit",
                           .value_name = "K",
                           .help = "top rows per slice (default 5)",
                           .integer = limit}}},
       .run = SliceAuto,
       .needs_store = false},
  };
}

}  // namespace slicekit::cli
