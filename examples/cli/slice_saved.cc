// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit slice`: saved slices in a store file (create, list, show,
// update, rename, describe, delete), exploring them over a table, and the
// auto-generated slices (docs/slices.md).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "examples/cli/cli.h"
#include "examples/cli/slice.h"
#include "nlohmann/json.hpp"
#include "slicekit/auto_slices.h"
#include "slicekit/explore.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {

int StoreError(const absl::Status& status) {
  return InputError(status.message());
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

namespace {

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
  // --actor and --at: who made a change and when (the slice's history).
  slicekit::ChangeInfo change;
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
    if (flag == "--actor") {
      flags->change.actor = *value;
    } else if (flag == "--at") {
      flags->change.at = ParseTimeFlag(*value);
      if (!flags->change.at) {
        return UsageError(absl::StrCat(
            "--at needs a time such as 2026-01-31T12:00:00Z, not '", *value,
            "'"));
      }
    } else if (flag == "--name") {
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
  if (std::optional<int> rc =
          ParseSliceFlags(args,
                          {"--name", "--description", "--where", "--order-by",
                           "--actor", "--at"},
                          &flags)) {
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
  absl::StatusOr<slicekit::Slice> slice =
      (*store)->Create(context.org, spec, flags.change);
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
  const std::vector<std::string> allowed =
      command == "show" ? std::vector<std::string>{}
                        : std::vector<std::string>{"--actor", "--at"};
  if (std::optional<int> rc = ParseSliceFlags(args, allowed, &flags)) {
    return *rc;
  }
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
        (*store)->Delete(context.org, slice->id, slice->version, flags.change);
    if (!status.ok()) return StoreError(status);
    std::printf("%s\n", slice->id.c_str());
    return kOk;
  }
  absl::StatusOr<slicekit::Slice> changed =
      command == "rename"
          ? (*store)->Rename(context.org, slice->id, flags.positional[1],
                             slice->version, flags.change)
          : (*store)->SetDescription(context.org, slice->id,
                                     flags.positional[1], slice->version,
                                     flags.change);
  if (!changed.ok()) return StoreError(changed.status());
  std::printf("%s\n", changed->id.c_str());
  return kOk;
}

int SliceUpdate(const SliceCommandContext& context, Args& args) {
  SliceFlags flags;
  if (std::optional<int> rc =
          ParseSliceFlags(args,
                          {"--where", "--order-by", "--in-place", "--as-new",
                           "--actor", "--at"},
                          &flags)) {
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
                                   slice->version, flags.change)
          : (*store)->UpdateFilterAsNew(context.org, slice->id, *flags.as_new,
                                        filter, order_by, slice->version,
                                        flags.change);
  if (!updated.ok()) return StoreError(updated.status());
  std::printf("%s\n", updated->id.c_str());
  return kOk;
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

  // IN SLICE references resolve among the org's slices as they are now.
  absl::StatusOr<std::unique_ptr<slicekit::SliceResolver>> resolver =
      (*store)->Resolver(context.org);
  if (!resolver.ok()) return StoreError(resolver.status());
  if (command == "ids") {
    absl::StatusOr<std::vector<std::string>> ids =
        slicekit::SliceRowIds(*table, *slice, 0, std::nullopt, resolver->get());
    if (!ids.ok()) return InputError(ids.status().message());
    Output out;
    for (const std::string& id : *ids) out.Line(id);
    if (!out.Flush()) return InputError("cannot write the output");
    return kOk;
  }
  slicekit::ExploreOptions options;
  options.limit = flags.limit.value_or(50);
  options.cursor = flags.cursor.value_or("");
  options.resolver = resolver->get();
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
  const absl::Status ids = table->VerifyColumn(table->schema().id_column());
  if (!ids.ok()) return InputError(ids.message());
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

}  // namespace

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
  if (IsSliceHistoryCommand(command)) {
    return SliceHistoryCommand(context, command, args);
  }
  return UsageError(absl::StrCat("unknown slice command '", command, "'"));
}

}  // namespace slicekit::cli
