// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit query`: count, list or order the rows of a table that match a
// filter; --repeat times the scan.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "slicekit/column_reader.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"

namespace slicekit::cli {
namespace {

struct QueryFlags {
  std::string table;
  std::optional<slicekit::Expr> where;
  std::optional<slicekit::OrderBy> order_by;
  std::optional<size_t> limit;
  size_t offset = 0;
  bool count = false;
  int threads = 1;
  int repeat = 0;  // 0: no timing
};

// The result of one run of a query.
struct QueryResult {
  slicekit::Selection selection;
  std::vector<slicekit::RowIndex> ordered;  // with --order-by, not --count
};

int RunQuery(const QueryFlags& flags) {
  absl::StatusOr<slicekit::Table> table = LoadTable(flags.table);
  if (!table.ok()) return InputError(table.status().message());

  std::optional<slicekit::BoundFilter> bound;
  if (flags.where) {
    absl::StatusOr<slicekit::BoundFilter> b =
        slicekit::Bind(*flags.where, *table);
    if (!b.ok()) return InputError(b.status().message());
    bound = *std::move(b);
  }
  if (flags.order_by &&
      !table->schema().Find(flags.order_by->column).has_value()) {
    std::string message =
        absl::StrCat("unknown column '", flags.order_by->column, "'");
    const std::string closest =
        table->schema().ClosestName(flags.order_by->column);
    if (!closest.empty()) {
      absl::StrAppend(&message, " (did you mean '", closest, "'?)");
    }
    return InputError(absl::StrCat(message, " in --order-by"));
  }

  const slicekit::ScanOptions scan_options{.threads = flags.threads};
  const bool order = flags.order_by.has_value() && !flags.count;
  auto run = [&]() -> absl::StatusOr<QueryResult> {
    QueryResult result;
    result.selection = bound ? bound->Scan(scan_options) : table->LiveRows();
    if (order) {
      absl::StatusOr<std::vector<slicekit::RowIndex>> rows =
          slicekit::OrderRows(*table, result.selection, *flags.order_by,
                              flags.offset, flags.limit);
      if (!rows.ok()) return rows.status();
      result.ordered = *std::move(rows);
    }
    return result;
  };

  absl::StatusOr<QueryResult> result;
  if (flags.repeat > 0) {
    std::vector<double> nanos;
    for (int i = 0; i < flags.repeat; ++i) {
      const auto start = std::chrono::steady_clock::now();
      result = run();
      const auto stop = std::chrono::steady_clock::now();
      if (!result.ok()) return InputError(result.status().message());
      nanos.push_back(
          std::chrono::duration<double, std::nano>(stop - start).count());
    }
    std::sort(nanos.begin(), nanos.end());
    const size_t mid = nanos.size() / 2;
    const double median =
        nanos.size() % 2 == 1 ? nanos[mid] : (nanos[mid - 1] + nanos[mid]) / 2;
    const double rows =
        static_cast<double>(std::max<size_t>(table->num_rows(), 1));
    std::fprintf(stderr, "scan_ns_per_row=%.3f\n", median / rows);
  } else {
    result = run();
    if (!result.ok()) return InputError(result.status().message());
  }

  // The ids to print, verified (a table file's) before anything is printed;
  // a count reads none.
  std::optional<slicekit::TableReader> ids;
  if (!flags.count) {
    absl::StatusOr<slicekit::TableReader> reader = slicekit::TableReader::Make(
        *table, std::vector{table->schema().id_column()});
    if (!reader.ok()) return InputError(reader.status().message());
    ids = *std::move(reader);
  }
  const auto id = [&](slicekit::RowIndex row) {
    return TextField(*ids->GetString(row, 0));
  };
  Output out;
  if (flags.count) {
    const size_t matched = result->selection.Count();
    size_t shown = matched > flags.offset ? matched - flags.offset : 0;
    if (flags.limit) shown = std::min(shown, *flags.limit);
    out.Line(std::to_string(shown));
  } else if (order) {
    for (slicekit::RowIndex row : result->ordered) out.Line(id(row));
  } else {
    // Row order: walk the bitmap, stopping at the limit.
    size_t skip = flags.offset;
    size_t left = flags.limit.value_or(std::numeric_limits<size_t>::max());
    const std::vector<uint64_t>& words = result->selection.words();
    for (size_t w = 0; w < words.size() && left > 0; ++w) {
      for (uint64_t bits = words[w]; bits != 0 && left > 0; bits &= bits - 1) {
        if (skip > 0) {
          --skip;
          continue;
        }
        const auto row =
            static_cast<slicekit::RowIndex>(w * 64 + std::countr_zero(bits));
        out.Line(id(row));
        --left;
      }
    }
  }
  if (!out.Flush()) return InputError("cannot write the output");
  return kOk;
}

}  // namespace

const CommandSpec& QuerySpec() {
  constexpr uint64_t kAnyCount = std::numeric_limits<size_t>::max();
  static const CommandSpec* const kSpec = new CommandSpec{
      .name = "query",
      .invocation = "slicekit query",
      .summary =
          "Prints the data_row_id of each live row matching --where (all "
          "rows without it), one per line, in row order or by --order-by "
          "(NULLs last, ties by data_row_id).",
      .flags = {
          {.name = "--table",
           .value_name = "FILE",
           .help = "the table: a CSV or table file",
           .required = true},
          {.name = "--where",
           .value_name = "EXPR",
           .help = "only the rows matching EXPR"},
          {.name = "--order-by",
           .value_name = "COLUMN",
           .help = "print in this column's order (asc by default)",
           .direction = true},
          {.name = "--limit",
           .value_name = "K",
           .help = "print at most K ids",
           .integer = IntegerRange{0, kAnyCount}},
          {.name = "--offset",
           .value_name = "N",
           .help = "skip the first N ids",
           .integer = IntegerRange{0, kAnyCount}},
          {.name = "--count", .help = "print how many ids would be printed"},
          {.name = "--threads",
           .value_name = "T",
           .help = "scan with T threads",
           .integer = IntegerRange{1, 1024}},
          {.name = "--repeat",
           .value_name = "R",
           .help = "time R runs; median scan_ns_per_row to stderr",
           .integer = IntegerRange{1, 1000000}},
      }};
  return *kSpec;
}

int Query(Args& args) {
  ParsedFlags parsed;
  if (std::optional<int> rc = ParseCommandFlags(QuerySpec(), args, &parsed)) {
    return *rc;
  }
  if (!parsed.Has("--table")) return UsageError("query needs --table FILE.csv");
  absl::StatusOr<std::optional<slicekit::Expr>> where = ParseWhere(parsed);
  if (!where.ok()) return InputError(where.status().message());
  QueryFlags flags;
  flags.table = *parsed.Get("--table");
  flags.where = *std::move(where);
  if (parsed.Has("--order-by")) {
    const FlagValue order_by = parsed.GetAll("--order-by").back();
    flags.order_by = slicekit::OrderBy{order_by.text, order_by.descending};
  }
  flags.limit = parsed.GetInteger("--limit");
  flags.offset = parsed.GetInteger("--offset").value_or(0);
  flags.count = parsed.Has("--count");
  flags.threads = static_cast<int>(parsed.GetInteger("--threads").value_or(1));
  flags.repeat = static_cast<int>(parsed.GetInteger("--repeat").value_or(0));
  return RunQuery(flags);
}

}  // namespace slicekit::cli
