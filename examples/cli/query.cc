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

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "slicekit/column_reader.h"
#include "slicekit/filter_text.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"

namespace slicekit::cli {
namespace {

struct QueryFlags {
  std::string table;
  std::optional<std::string> where;
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
    // Checked here too so the message does not depend on the parser.
    if (absl::StripAsciiWhitespace(*flags.where).empty()) {
      return InputError("empty filter");
    }
    absl::StatusOr<slicekit::Expr> expr = slicekit::ParseFilter(*flags.where);
    if (!expr.ok()) return InputError(expr.status().message());
    absl::StatusOr<slicekit::BoundFilter> b = slicekit::Bind(*expr, *table);
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
    return *ids->GetString(row, 0);
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

int Query(Args& args) {
  QueryFlags flags;
  bool has_table = false;
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag == "--count") {
      if (args.has_inline_value()) return UsageError("--count takes no value");
      flags.count = true;
      continue;
    }
    if (flag.rfind("--", 0) != 0) {
      return UsageError(absl::StrCat("unexpected argument '", flag, "'"));
    }
    if (flag != "--table" && flag != "--where" && flag != "--order-by" &&
        flag != "--limit" && flag != "--offset" && flag != "--threads" &&
        flag != "--repeat") {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    if (flag == "--table") {
      flags.table = *value;
      has_table = true;
    } else if (flag == "--where") {
      flags.where = *value;
    } else if (flag == "--order-by") {
      flags.order_by = slicekit::OrderBy{*value, false};
      if (std::optional<bool> descending = args.Direction()) {
        flags.order_by->descending = *descending;
      }
    } else {
      const bool is_threads = flag == "--threads";
      const bool is_repeat = flag == "--repeat";
      const uint64_t min = is_threads || is_repeat ? 1 : 0;
      const uint64_t max = is_threads  ? 1024
                           : is_repeat ? 1000000
                                       : std::numeric_limits<size_t>::max();
      std::optional<uint64_t> number = ParseCount(*value, min, max);
      if (!number) {
        return UsageError(absl::StrCat(flag, " needs an integer in [", min,
                                       ", ", max, "], not '", *value, "'"));
      }
      if (flag == "--limit") flags.limit = *number;
      if (flag == "--offset") flags.offset = *number;
      if (is_threads) flags.threads = static_cast<int>(*number);
      if (is_repeat) flags.repeat = static_cast<int>(*number);
    }
  }
  if (!has_table) return UsageError("query needs --table FILE.csv");
  return RunQuery(flags);
}

}  // namespace slicekit::cli
