// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// slicekit: query a metrics table in a CSV file, or generate one.
//
//   slicekit query --table metrics.csv --where 'confidence < 0.3 AND fp >= 1'
//   slicekit query --table metrics.csv --order-by confidence desc --limit 10
//   slicekit generate --rows 200000 --seed 7 --out metrics.csv
//
// Exit status: 0 success, 1 bad input (the file, the filter, a column), 2 a
// usage error. Uses only the public API and the example generator.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "examples/metrics_generator.h"
#include "nlohmann/json.hpp"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"
#include "slicekit/slice_store.h"
#include "slicekit/slicekit.h"

namespace {

constexpr char kUsage[] =
    "usage: slicekit query --table FILE.csv [--where EXPR]\n"
    "                      [--order-by COLUMN [asc|desc]] [--limit K]\n"
    "                      [--offset N] [--count] [--threads T] [--repeat R]\n"
    "       slicekit generate --rows N [--seed S] [--out FILE]\n"
    "       slicekit slice --store FILE --org ORG COMMAND ...\n"
    "         create --name NAME [--description TEXT] --where EXPR\n"
    "                [--order-by COLUMN [asc|desc]]...\n"
    "         list [--format text|json]\n"
    "         show SLICE | delete SLICE | rename SLICE NEW_NAME\n"
    "         describe SLICE TEXT\n"
    "         update SLICE [--where EXPR] [--order-by COLUMN [asc|desc]]...\n"
    "                (--in-place | --as-new NAME)\n"
    "         explore SLICE --table FILE.csv [--limit K] [--cursor C]\n"
    "                 [--format csv|json|ndjson]\n"
    "         ids SLICE --table FILE.csv\n"
    "         auto --table FILE.csv [--limit K]\n"
    "       slicekit eval --gt GT.json --pred DETS.json --out METRICS.csv\n"
    "                     [--iou-threshold X] [--confidence-threshold Y]\n"
    "                     [--rule coco|labelbox] [--per-class FILE.csv]\n"
    "                     [--class-iou-threshold CLASS=X]...\n"
    "                     [--no-class-columns] [--lenient]\n"
    "       slicekit --help\n"
    "\n"
    "query     prints the data_row_id of each live row matching --where (all\n"
    "          rows without it), one per line, in row order or by --order-by\n"
    "          (NULLs last, ties by data_row_id); --offset skips rows,\n"
    "          --limit caps them; --count prints how many ids would be\n"
    "          printed instead; --threads scans in parallel; --repeat runs\n"
    "          the query R times and prints scan_ns_per_row=<median> to\n"
    "          stderr.\n"
    "generate  writes a synthetic metrics table as CSV (stdout by default);\n"
    "          --seed defaults to 1.\n"
    "slice     manages saved slices in a store file (created when missing)\n"
    "          for one org; SLICE is a slice's id or name. create, rename,\n"
    "          describe, update and delete print the slice's id (update\n"
    "          --as-new: the new slice's). Names: 3 to 30 characters, unique\n"
    "          in the org ignoring case; at most 100 slices per org.\n"
    "          explore prints one page of the slice's rows (default 50) in\n"
    "          its order to stdout, and its summary and the next page's\n"
    "          cursor (empty after the last page) to stderr; ids prints\n"
    "          every matching data_row_id; auto lists the auto-generated\n"
    "          slices with row counts and top K (default 5) row ids.\n"
    "eval      matches COCO detections to ground truth and writes one metrics\n"
    "          row per image (docs/metrics.md); thresholds default to 0.5,\n"
    "          the rule to coco. --per-class writes one row per (image,\n"
    "          class) with any object; --no-class-columns leaves out the\n"
    "          `<metric>[<class>]` columns; --lenient skips bad records.\n"
    "\n"
    "exit status: 0 success, 1 bad input, 2 usage error\n";

// Exit statuses.
constexpr int kOk = 0;
constexpr int kBadInput = 1;
constexpr int kUsageError = 2;

int UsageError(const std::string& problem) {
  std::fprintf(stderr, "slicekit: %s\n%s", problem.c_str(), kUsage);
  return kUsageError;
}

int InputError(absl::string_view problem) {
  std::fprintf(stderr, "slicekit: %.*s\n", static_cast<int>(problem.size()),
               problem.data());
  return kBadInput;
}

// Walks argv as `--flag value` or `--flag=value`.
class Args {
 public:
  Args(int argc, char** argv, int first) : args_(argv + first, argv + argc) {}

  bool done() const { return next_ == args_.size(); }
  // Returns the next argument, splitting `--flag=value`.
  std::string NextFlag() {
    std::string arg = args_[next_++];
    inline_value_.reset();
    if (arg.rfind("--", 0) == 0) {
      if (size_t eq = arg.find('='); eq != std::string::npos) {
        inline_value_ = arg.substr(eq + 1);
        arg.resize(eq);
      }
    }
    return arg;
  }
  bool has_inline_value() const { return inline_value_.has_value(); }
  // The value of the flag just read: inline or the next argument (not one
  // that is itself a flag).
  std::optional<std::string> Value() {
    if (inline_value_) return std::exchange(inline_value_, std::nullopt);
    if (done() || args_[next_].rfind("--", 0) == 0) return std::nullopt;
    return args_[next_++];
  }
  // Consumes the next argument if it is `asc` or `desc` (any case); returns
  // whether it was `desc`, or nullopt when it was neither.
  std::optional<bool> Direction() {
    if (done()) return std::nullopt;
    const std::string word = absl::AsciiStrToLower(args_[next_]);
    if (word != "asc" && word != "desc") return std::nullopt;
    ++next_;
    return word == "desc";
  }

 private:
  std::vector<std::string> args_;
  size_t next_ = 0;
  std::optional<std::string> inline_value_;
};

// Parses a decimal integer in [min, max].
std::optional<uint64_t> ParseCount(const std::string& text, uint64_t min,
                                   uint64_t max) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min ||
      value > max) {
    return std::nullopt;
  }
  return value;
}

// Buffered stdout: 10M ids should print in well under a second.
class Output {
 public:
  Output() : buffer_(new char[kCapacity]) {}
  ~Output() { Flush(); }

  void Line(absl::string_view text) {
    if (size_ + text.size() + 1 > kCapacity) {
      Flush();
      if (text.size() + 1 > kCapacity) {
        ok_ &= std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
        ok_ &= std::fputc('\n', stdout) != EOF;
        return;
      }
    }
    std::memcpy(buffer_.get() + size_, text.data(), text.size());
    size_ += text.size();
    buffer_[size_++] = '\n';
  }
  // Writes what is buffered; returns false if any write failed.
  bool Flush() {
    if (size_ > 0) {
      ok_ &= std::fwrite(buffer_.get(), 1, size_, stdout) == size_;
      size_ = 0;
    }
    ok_ &= std::fflush(stdout) == 0;
    return ok_;
  }

 private:
  static constexpr size_t kCapacity = size_t{1} << 20;
  std::unique_ptr<char[]> buffer_;
  size_t size_ = 0;
  bool ok_ = true;
};

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
  absl::StatusOr<slicekit::Table> table = slicekit::ReadCsvFile(flags.table);
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

  Output out;
  if (flags.count) {
    const size_t matched = result->selection.Count();
    size_t shown = matched > flags.offset ? matched - flags.offset : 0;
    if (flags.limit) shown = std::min(shown, *flags.limit);
    out.Line(std::to_string(shown));
  } else if (order) {
    for (slicekit::RowIndex row : result->ordered) out.Line(table->RowId(row));
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
        out.Line(table->RowId(row));
        --left;
      }
    }
  }
  if (!out.Flush()) return InputError("cannot write the output");
  return kOk;
}

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

int Generate(Args& args) {
  std::optional<uint64_t> rows;
  uint64_t seed = 1;
  std::optional<std::string> out_path;
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag.rfind("--", 0) != 0) {
      return UsageError(absl::StrCat("unexpected argument '", flag, "'"));
    }
    if (flag != "--rows" && flag != "--seed" && flag != "--out") {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    if (flag == "--out") {
      out_path = *value;
      continue;
    }
    // Ids are row positions of a Table: at most 2^32 - 1 rows.
    const uint64_t max = flag == "--rows"
                             ? uint64_t{0xFFFFFFFF}
                             : std::numeric_limits<uint64_t>::max();
    std::optional<uint64_t> number = ParseCount(*value, 0, max);
    if (!number) {
      return UsageError(absl::StrCat(flag, " needs an integer in [0, ", max,
                                     "], not '", *value, "'"));
    }
    if (flag == "--rows") {
      rows = *number;
    } else {
      seed = *number;
    }
  }
  if (!rows) return UsageError("generate needs --rows N");

  std::FILE* out = stdout;
  if (out_path) {
    out = std::fopen(out_path->c_str(), "wb");
    if (out == nullptr) {
      return InputError(absl::StrCat("cannot open '", *out_path,
                                     "' for writing: ", std::strerror(errno)));
    }
  }
  absl::Status status = slicekit::examples::WriteMetricsCsv(*rows, seed, out);
  if (out != stdout && std::fclose(out) != 0 && status.ok()) {
    status = absl::UnknownError(
        absl::StrCat("cannot write '", *out_path, "': ", std::strerror(errno)));
  }
  if (!status.ok()) return InputError(status.message());
  return kOk;
}

// --- slicekit slice: the saved-slice store --------------------------------
// (begin slice command)

struct SliceCommandContext {
  std::string store_path;
  std::string org;
};

// A slice store error as one line, exit 1.
int StoreError(const absl::Status& status) {
  return InputError(status.message());
}

std::string DirectionWord(bool descending) {
  return descending ? "desc" : "asc";
}

std::string OrderByText(const std::vector<slicekit::OrderBy>& order_by) {
  std::vector<std::string> keys;
  for (const slicekit::OrderBy& key : order_by) {
    keys.push_back(
        absl::StrCat(key.column, " ", DirectionWord(key.descending)));
  }
  return absl::StrJoin(keys, ", ");
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

nlohmann::json SliceJson(const slicekit::Slice& slice) {
  nlohmann::json order_by = nlohmann::json::array();
  for (const slicekit::OrderBy& key : slice.order_by) {
    order_by.push_back(
        {{"column", key.column}, {"direction", DirectionWord(key.descending)}});
  }
  return {{"id", slice.id},
          {"name", slice.name},
          {"description", slice.description},
          {"where", slice.filter.ToString()},
          {"order_by", std::move(order_by)},
          {"version", slice.version},
          {"created_at", TimeText(slice.created_at)},
          {"updated_at", TimeText(slice.updated_at)}};
}

// Finds SLICE by id, then by name (case-insensitively).
absl::StatusOr<slicekit::Slice> ResolveSlice(slicekit::SliceStore& store,
                                             const std::string& org,
                                             const std::string& slice) {
  absl::StatusOr<slicekit::Slice> by_id = store.Get(org, slice);
  if (by_id.ok() || !absl::IsNotFound(by_id.status())) return by_id;
  absl::StatusOr<slicekit::Slice> by_name = store.GetByName(org, slice);
  if (by_name.ok() || !absl::IsNotFound(by_name.status())) return by_name;
  return absl::NotFoundError(absl::StrCat(
      "org \"", org, "\" has no slice with the id or name \"", slice, "\""));
}

// The flags of `slice create` and `slice update`.
struct SliceFlags {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<slicekit::Expr> where;
  std::optional<std::vector<slicekit::OrderBy>> order_by;
  std::optional<std::string> format;
  std::optional<std::string> table;
  std::optional<std::string> cursor;
  std::optional<size_t> limit;
  bool in_place = false;
  std::optional<std::string> as_new;
  std::vector<std::string> positional;
};

// Parses flags from `allowed` and positional arguments. Returns an exit
// status on error (usage: 2; a bad --where: 1).
std::optional<int> ParseSliceFlags(Args& args,
                                   const std::vector<std::string>& allowed,
                                   SliceFlags* flags) {
  auto is_allowed = [&](const std::string& flag) {
    return std::find(allowed.begin(), allowed.end(), flag) != allowed.end();
  };
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag.rfind("--", 0) != 0) {
      flags->positional.push_back(flag);
      continue;
    }
    if (!is_allowed(flag)) {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    if (flag == "--in-place") {
      if (args.has_inline_value()) {
        return UsageError("--in-place takes no value");
      }
      flags->in_place = true;
      continue;
    }
    std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    if (flag == "--name") {
      flags->name = *value;
    } else if (flag == "--description") {
      flags->description = *value;
    } else if (flag == "--as-new") {
      flags->as_new = *value;
    } else if (flag == "--format") {
      flags->format = *value;
    } else if (flag == "--table") {
      flags->table = *value;
    } else if (flag == "--cursor") {
      flags->cursor = *value;
    } else if (flag == "--limit") {
      std::optional<uint64_t> limit = ParseCount(*value, 1, 1000000000);
      if (!limit) {
        return UsageError(absl::StrCat(
            "--limit needs an integer in [1, 1000000000], not '", *value, "'"));
      }
      flags->limit = static_cast<size_t>(*limit);
    } else if (flag == "--where") {
      if (absl::StripAsciiWhitespace(*value).empty()) {
        return InputError("empty filter");
      }
      absl::StatusOr<slicekit::Expr> expr = slicekit::ParseFilter(*value);
      if (!expr.ok()) return InputError(expr.status().message());
      flags->where = *std::move(expr);
    } else if (flag == "--order-by") {
      if (!flags->order_by) flags->order_by.emplace();
      slicekit::OrderBy key{*value, false};
      if (std::optional<bool> descending = args.Direction()) {
        key.descending = *descending;
      }
      flags->order_by->push_back(std::move(key));
    }
  }
  return std::nullopt;
}

absl::StatusOr<std::unique_ptr<slicekit::SliceStore>> OpenStore(
    const SliceCommandContext& context) {
  return slicekit::SliceStore::OpenSqlite(context.store_path);
}

int SliceCreate(const SliceCommandContext& context, Args& args) {
  SliceFlags flags;
  if (std::optional<int> rc = ParseSliceFlags(
          args, {"--name", "--description", "--where", "--order-by"}, &flags)) {
    return *rc;
  }
  if (!flags.positional.empty()) {
    return UsageError(
        absl::StrCat("unexpected argument '", flags.positional[0], "'"));
  }
  if (!flags.name) return UsageError("slice create needs --name NAME");
  if (!flags.where) return UsageError("slice create needs --where EXPR");
  auto store = OpenStore(context);
  if (!store.ok()) return StoreError(store.status());
  slicekit::SliceSpec spec{
      *flags.name, flags.description.value_or(""), *flags.where,
      flags.order_by.value_or(std::vector<slicekit::OrderBy>())};
  absl::StatusOr<slicekit::Slice> slice = (*store)->Create(context.org, spec);
  if (!slice.ok()) return StoreError(slice.status());
  std::printf("%s\n", slice->id.c_str());
  return kOk;
}

int SliceList(const SliceCommandContext& context, Args& args) {
  SliceFlags flags;
  if (std::optional<int> rc = ParseSliceFlags(args, {"--format"}, &flags)) {
    return *rc;
  }
  if (!flags.positional.empty()) {
    return UsageError(
        absl::StrCat("unexpected argument '", flags.positional[0], "'"));
  }
  const std::string format = flags.format.value_or("text");
  if (format != "text" && format != "json") {
    return UsageError(
        absl::StrCat("--format must be text or json, not '", format, "'"));
  }
  auto store = OpenStore(context);
  if (!store.ok()) return StoreError(store.status());
  absl::StatusOr<std::vector<slicekit::Slice>> slices =
      (*store)->List(context.org, slicekit::SliceListOrder::kByName);
  if (!slices.ok()) return StoreError(slices.status());
  if (format == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const slicekit::Slice& s : *slices) all.push_back(SliceJson(s));
    std::printf("%s\n", all.dump(2).c_str());
    return kOk;
  }
  // Text: one slice per line, tab-separated: id, name, version, where,
  // order by.
  for (const slicekit::Slice& s : *slices) {
    std::printf("%s\t%s\tv%lld\t%s\t%s\n", s.id.c_str(), s.name.c_str(),
                static_cast<long long>(s.version), s.filter.ToString().c_str(),
                OrderByText(s.order_by).c_str());
  }
  return kOk;
}

// show, delete, rename, describe: SLICE plus `extra` positional arguments.
int SliceSimple(const SliceCommandContext& context, const std::string& command,
                Args& args) {
  SliceFlags flags;
  if (std::optional<int> rc = ParseSliceFlags(args, {}, &flags)) return *rc;
  const size_t want = command == "rename" || command == "describe" ? 2 : 1;
  if (flags.positional.size() != want) {
    return UsageError(absl::StrCat("slice ", command, " needs ",
                                   command == "rename"     ? "SLICE NEW_NAME"
                                   : command == "describe" ? "SLICE TEXT"
                                                           : "SLICE"));
  }
  auto store = OpenStore(context);
  if (!store.ok()) return StoreError(store.status());
  absl::StatusOr<slicekit::Slice> slice =
      ResolveSlice(**store, context.org, flags.positional[0]);
  if (!slice.ok()) return StoreError(slice.status());
  if (command == "show") {
    std::printf(
        "id: %s\nname: %s\ndescription: %s\nwhere: %s\norder_by: %s\n"
        "version: %lld\ncreated_at: %s\nupdated_at: %s\n",
        slice->id.c_str(), slice->name.c_str(), slice->description.c_str(),
        slice->filter.ToString().c_str(), OrderByText(slice->order_by).c_str(),
        static_cast<long long>(slice->version),
        TimeText(slice->created_at).c_str(),
        TimeText(slice->updated_at).c_str());
    return kOk;
  }
  if (command == "delete") {
    const absl::Status status =
        (*store)->Delete(context.org, slice->id, slice->version);
    if (!status.ok()) return StoreError(status);
    std::printf("%s\n", slice->id.c_str());
    return kOk;
  }
  absl::StatusOr<slicekit::Slice> changed =
      command == "rename"
          ? (*store)->Rename(context.org, slice->id, flags.positional[1],
                             slice->version)
          : (*store)->SetDescription(context.org, slice->id,
                                     flags.positional[1], slice->version);
  if (!changed.ok()) return StoreError(changed.status());
  std::printf("%s\n", changed->id.c_str());
  return kOk;
}

int SliceUpdate(const SliceCommandContext& context, Args& args) {
  SliceFlags flags;
  if (std::optional<int> rc = ParseSliceFlags(
          args, {"--where", "--order-by", "--in-place", "--as-new"}, &flags)) {
    return *rc;
  }
  if (flags.positional.size() != 1) {
    return UsageError("slice update needs exactly one SLICE");
  }
  if (flags.in_place == flags.as_new.has_value()) {
    return UsageError("slice update needs either --in-place or --as-new NAME");
  }
  if (!flags.where && !flags.order_by) {
    return UsageError("slice update needs --where EXPR or --order-by COLUMN");
  }
  auto store = OpenStore(context);
  if (!store.ok()) return StoreError(store.status());
  absl::StatusOr<slicekit::Slice> slice =
      ResolveSlice(**store, context.org, flags.positional[0]);
  if (!slice.ok()) return StoreError(slice.status());
  const slicekit::Expr filter = flags.where.value_or(slice->filter);
  const std::vector<slicekit::OrderBy> order_by =
      flags.order_by.value_or(slice->order_by);
  // The version read above: a concurrent change makes this fail, not lost.
  absl::StatusOr<slicekit::Slice> updated =
      flags.in_place
          ? (*store)->UpdateFilter(context.org, slice->id, filter, order_by,
                                   slice->version)
          : (*store)->UpdateFilterAsNew(context.org, slice->id, *flags.as_new,
                                        filter, order_by, slice->version);
  if (!updated.ok()) return StoreError(updated.status());
  std::printf("%s\n", updated->id.c_str());
  return kOk;
}

absl::StatusOr<slicekit::Table> LoadTable(const std::string& path) {
  return slicekit::ReadCsvFile(path);
}

// explore SLICE --table FILE.csv [--limit K] [--cursor C] [--format F]
// ids SLICE --table FILE.csv
int SliceExploreOrIds(const SliceCommandContext& context,
                      const std::string& command, Args& args) {
  SliceFlags flags;
  const std::vector<std::string> allowed =
      command == "ids" ? std::vector<std::string>{"--table"}
                       : std::vector<std::string>{"--table", "--limit",
                                                  "--cursor", "--format"};
  if (std::optional<int> rc = ParseSliceFlags(args, allowed, &flags)) {
    return *rc;
  }
  if (flags.positional.size() != 1) {
    return UsageError(absl::StrCat("slice ", command, " needs one SLICE"));
  }
  if (!flags.table) {
    return UsageError(absl::StrCat("slice ", command, " needs --table FILE"));
  }
  std::optional<slicekit::ExportFormat> format;
  if (command == "explore") {
    absl::StatusOr<slicekit::ExportFormat> parsed =
        slicekit::ParseExportFormat(flags.format.value_or("csv"));
    if (!parsed.ok()) {
      return UsageError(
          absl::StrCat("--format must be csv, json or ndjson, "
                       "not '",
                       *flags.format, "'"));
    }
    format = *parsed;
  }
  auto store = OpenStore(context);
  if (!store.ok()) return StoreError(store.status());
  absl::StatusOr<slicekit::Slice> slice =
      ResolveSlice(**store, context.org, flags.positional[0]);
  if (!slice.ok()) return StoreError(slice.status());
  absl::StatusOr<slicekit::Table> table = LoadTable(*flags.table);
  if (!table.ok()) return InputError(table.status().message());

  if (command == "ids") {
    absl::StatusOr<std::vector<std::string>> ids =
        slicekit::SliceRowIds(*table, slice->filter, slice->order_by);
    if (!ids.ok()) return InputError(ids.status().message());
    Output out;
    for (const std::string& id : *ids) out.Line(id);
    if (!out.Flush()) return InputError("cannot write the output");
    return kOk;
  }
  slicekit::ExploreOptions options;
  options.limit = flags.limit.value_or(50);
  options.cursor = flags.cursor.value_or("");
  absl::StatusOr<slicekit::ExplorePage> page =
      slicekit::Explore(*table, *slice, options);
  if (!page.ok()) return InputError(page.status().message());
  std::ostringstream rows;
  const absl::Status exported =
      slicekit::ExportRows(*table, page->rows, *format, rows);
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

// auto --table FILE.csv [--limit K]: the auto-generated slices with their
// row counts and top rows. Reads no store.
int SliceAuto(Args& args) {
  SliceFlags flags;
  if (std::optional<int> rc =
          ParseSliceFlags(args, {"--table", "--limit"}, &flags)) {
    return *rc;
  }
  if (!flags.positional.empty()) {
    return UsageError(
        absl::StrCat("unexpected argument '", flags.positional[0], "'"));
  }
  if (!flags.table) return UsageError("slice auto needs --table FILE");
  absl::StatusOr<slicekit::Table> table = LoadTable(*flags.table);
  if (!table.ok()) return InputError(table.status().message());
  Output out;
  for (const slicekit::AutoSlice& auto_slice :
       slicekit::AutoSlices(table->schema())) {
    slicekit::ExploreOptions options;
    options.order_by = auto_slice.order_by;
    options.limit = flags.limit.value_or(5);
    options.summarize = false;
    absl::StatusOr<slicekit::ExplorePage> page =
        slicekit::Explore(*table, auto_slice.filter, options);
    if (!page.ok()) return InputError(page.status().message());
    out.Line(absl::StrCat(auto_slice.name, " [", auto_slice.filter.ToString(),
                          "] by ", OrderByText(auto_slice.order_by), ": ",
                          page->total_rows, " rows"));
    for (const slicekit::RowIndex row : page->rows) {
      out.Line(absl::StrCat("  ", table->RowId(row)));
    }
  }
  if (!out.Flush()) return InputError("cannot write the output");
  return kOk;
}

int SliceCommand(Args& args) {
  SliceCommandContext context;
  bool has_store = false;
  bool has_org = false;
  std::string command;
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag.rfind("--", 0) != 0) {
      command = flag;
      break;
    }
    if (flag != "--store" && flag != "--org") {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    if (flag == "--store") {
      context.store_path = *value;
      has_store = true;
    } else {
      context.org = *value;
      has_org = true;
    }
  }
  // The auto slices come from the table alone: no store, no org.
  if (command == "auto") return SliceAuto(args);
  if (!has_store) return UsageError("slice needs --store FILE");
  if (!has_org) return UsageError("slice needs --org ORG");
  if (command.empty()) return UsageError("slice needs a command");
  if (command == "create") return SliceCreate(context, args);
  if (command == "list") return SliceList(context, args);
  if (command == "update") return SliceUpdate(context, args);
  if (command == "explore" || command == "ids") {
    return SliceExploreOrIds(context, command, args);
  }
  if (command == "show" || command == "delete" || command == "rename" ||
      command == "describe") {
    return SliceSimple(context, command, args);
  }
  return UsageError(absl::StrCat("unknown slice command '", command, "'"));
}

// (end slice command)

// `slicekit eval`: COCO import, matching, metrics CSV (docs/metrics.md).
int Eval(Args& args) {
  std::string gt, pred, out, per_class;
  slicekit::MetricsOptions options;
  slicekit::MetricsTableOptions table_options;
  slicekit::ImportOptions import_options;
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag == "--no-class-columns" || flag == "--lenient") {
      if (args.has_inline_value()) return UsageError(flag + " takes no value");
      if (flag == "--lenient") import_options.lenient = true;
      if (flag != "--lenient") table_options.per_class_columns = false;
      continue;
    }
    if (flag != "--gt" && flag != "--pred" && flag != "--out" &&
        flag != "--per-class" && flag != "--iou-threshold" &&
        flag != "--confidence-threshold" && flag != "--rule" &&
        flag != "--class-iou-threshold") {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    const std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    if (flag == "--gt") gt = *value;
    if (flag == "--pred") pred = *value;
    if (flag == "--out") out = *value;
    if (flag == "--per-class") per_class = *value;
    if (flag == "--class-iou-threshold") {
      const size_t eq = value->rfind('=');
      double x = 0;
      if (eq == std::string::npos || eq == 0 ||
          !absl::SimpleAtod(value->substr(eq + 1), &x) || !(x >= 0 && x <= 1)) {
        return UsageError(flag + " needs CLASS=X with X in [0, 1]");
      }
      options.class_iou_thresholds[value->substr(0, eq)] = x;
    }
    if (flag == "--rule") {
      if (*value == "coco") {
        options.rule = slicekit::MatchRule::kCoco;
      } else if (*value == "labelbox") {
        options.rule = slicekit::MatchRule::kLabelbox;
      } else {
        return UsageError("--rule must be coco or labelbox");
      }
    }
    if (flag == "--iou-threshold" || flag == "--confidence-threshold") {
      double x = 0;
      if (!absl::SimpleAtod(*value, &x) || !(x >= 0 && x <= 1)) {
        return UsageError(flag + " needs a number in [0, 1]");
      }
      (flag == "--iou-threshold" ? options.iou_threshold
                                 : options.confidence_threshold) = x;
    }
  }
  if (gt.empty() || pred.empty() || out.empty()) {
    return UsageError("eval needs --gt, --pred and --out");
  }
  const auto start = std::chrono::steady_clock::now();
  // Progress on stderr, once the run has taken over a second.
  auto progress = [&](const char* stage) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (s > 1) std::fprintf(stderr, "slicekit eval: %s (%.1f s)\n", stage, s);
  };
  slicekit::ImportReport report;
  absl::StatusOr<slicekit::ModelRun> run =
      slicekit::ImportCocoFiles(gt, pred, import_options, &report);
  if (!run.ok()) return InputError(run.status().message());
  if (report.skipped() > 0) {
    std::fprintf(stderr, "slicekit eval: skipped %lld bad records\n",
                 static_cast<long long>(report.skipped()));
    for (const std::string& reason : report.reasons) {
      std::fprintf(stderr, "  %s\n", reason.c_str());
    }
  }
  progress("loaded");
  absl::StatusOr<slicekit::RunMetrics> metrics =
      slicekit::ComputeMetrics(*run, options);
  if (!metrics.ok()) return InputError(metrics.status().message());
  progress("matched");
  // Straight from the metrics to the file: the same bytes as exporting
  // MetricsToTable's table, without building it.
  std::ofstream file(out, std::ios::binary);
  if (!file) return InputError(absl::StrCat("cannot write ", out));
  absl::Status status =
      slicekit::WriteMetricsCsv(*run, *metrics, table_options, file);
  if (!status.ok()) return InputError(status.message());
  if (!per_class.empty()) {
    std::ofstream pc(per_class, std::ios::binary);
    if (!pc) return InputError(absl::StrCat("cannot write ", per_class));
    status = slicekit::WritePerClassCsv(*run, *metrics, pc);
    if (!status.ok()) return InputError(status.message());
  }
  progress("written");
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 ||
        std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kUsage, stdout);
      return kOk;
    }
  }
  if (argc < 2) return UsageError("missing command");
  const std::string command = argv[1];
  Args args(argc, argv, 2);
  if (command == "query") return Query(args);
  if (command == "generate") return Generate(args);
  if (command == "slice") return SliceCommand(args);
  if (command == "eval") return Eval(args);
  return UsageError(absl::StrCat("unknown command '", command, "'"));
}
