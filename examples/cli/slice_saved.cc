// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit slice` commands for saved slices in a store file (create,
// list, show, update, rename, describe, delete; docs/slices.md).
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "examples/cli/slice.h"
#include "nlohmann/json.hpp"
#include "slicekit/slice_store.h"

namespace slicekit::cli {
namespace {

std::string DirectionWord(bool descending) {
  return descending ? "desc" : "asc";
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

// The keys of every --order-by, in order; nullopt without one.
std::optional<std::vector<slicekit::OrderBy>> OrderByFlags(
    const ParsedFlags& flags) {
  if (!flags.Has("--order-by")) return std::nullopt;
  std::vector<slicekit::OrderBy> keys;
  for (const FlagValue& key : flags.GetAll("--order-by")) {
    keys.push_back(slicekit::OrderBy{key.text, key.descending});
  }
  return keys;
}

// Opens the store and finds the slice the first argument names.
absl::StatusOr<slicekit::Slice> FirstSlice(SliceCommandContext& context,
                                           const ParsedFlags& flags) {
  absl::StatusOr<SliceStore*> store = context.store.Get();
  if (!store.ok()) return store.status();
  return ResolveSlice(**store, context.org, flags.arguments()[0]);
}

int PrintId(const slicekit::Slice& slice) {
  std::printf("%s\n", slice.id.c_str());
  return kOk;
}

int SliceCreate(SliceCommandContext& context, const ParsedFlags& flags) {
  slicekit::ChangeInfo change;
  if (std::optional<int> rc = ChangeFrom(flags, &change)) return *rc;
  absl::StatusOr<std::optional<slicekit::Expr>> where = ParseWhere(flags);
  if (!where.ok()) return InputError(where.status().message());
  if (!flags.Has("--name")) return UsageError("slice create needs --name NAME");
  if (!*where) return UsageError("slice create needs --where EXPR");
  absl::StatusOr<SliceStore*> store = context.store.Get();
  if (!store.ok()) return StoreError(store.status());
  slicekit::SliceSpec spec{
      *flags.Get("--name"), flags.Get("--description").value_or(""), **where,
      OrderByFlags(flags).value_or(std::vector<slicekit::OrderBy>())};
  absl::StatusOr<slicekit::Slice> slice =
      (*store)->Create(context.org, spec, change);
  if (!slice.ok()) return StoreError(slice.status());
  return PrintId(*slice);
}

int SliceList(SliceCommandContext& context, const ParsedFlags& flags) {
  const std::string format = flags.Get("--format").value_or("text");
  if (format != "text" && format != "json") {
    return UsageError(
        absl::StrCat("--format must be text or json, not '", format, "'"));
  }
  absl::StatusOr<SliceStore*> store = context.store.Get();
  if (!store.ok()) return StoreError(store.status());
  absl::StatusOr<std::vector<slicekit::Slice>> slices =
      (*store)->List(context.org, slicekit::SliceListOrder::kByName);
  if (!slices.ok()) return StoreError(slices.status());
  if (format == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const slicekit::Slice& s : *slices) all.push_back(SliceJson(s));
    // The store hands out UTF-8 only (it refuses other text on the way in
    // and reports it as DataLoss on the way out); the handler keeps a byte
    // that slipped through from throwing out of the command.
    std::printf("%s\n", all.dump(2, ' ', false,
                                 nlohmann::json::error_handler_t::replace)
                            .c_str());
    return kOk;
  }
  // Text: one slice per line, tab-separated: id, name, version, where,
  // order by.
  for (const slicekit::Slice& s : *slices) {
    // Every field through TextField: a stored newline or tab would forge a
    // line or a column.
    std::printf("%s\t%s\tv%lld\t%s\t%s\n", TextField(s.id).c_str(),
                TextField(s.name).c_str(), static_cast<long long>(s.version),
                TextField(s.filter.ToString()).c_str(),
                TextField(OrderByText(s.order_by)).c_str());
  }
  return kOk;
}

int SliceShow(SliceCommandContext& context, const ParsedFlags& flags) {
  absl::StatusOr<slicekit::Slice> slice = FirstSlice(context, flags);
  if (!slice.ok()) return StoreError(slice.status());
  std::printf(
      "id: %s\nname: %s\ndescription: %s\nwhere: %s\norder_by: %s\n"
      "version: %lld\ncreated_at: %s\nupdated_at: %s\n",
      TextField(slice->id).c_str(), TextField(slice->name).c_str(),
      TextField(slice->description).c_str(),
      TextField(slice->filter.ToString()).c_str(),
      TextField(OrderByText(slice->order_by)).c_str(),
      static_cast<long long>(slice->version),
      TimeText(slice->created_at).c_str(), TimeText(slice->updated_at).c_str());
  return kOk;
}

int SliceDelete(SliceCommandContext& context, const ParsedFlags& flags) {
  slicekit::ChangeInfo change;
  if (std::optional<int> rc = ChangeFrom(flags, &change)) return *rc;
  absl::StatusOr<slicekit::Slice> slice = FirstSlice(context, flags);
  if (!slice.ok()) return StoreError(slice.status());
  const absl::Status status = context.store.store().Delete(
      context.org, slice->id, slice->version, change);
  if (!status.ok()) return StoreError(status);
  return PrintId(*slice);
}

// rename SLICE NEW_NAME and describe SLICE TEXT.
int SliceRenameOrDescribe(SliceCommandContext& context,
                          const ParsedFlags& flags, bool rename) {
  slicekit::ChangeInfo change;
  if (std::optional<int> rc = ChangeFrom(flags, &change)) return *rc;
  absl::StatusOr<slicekit::Slice> slice = FirstSlice(context, flags);
  if (!slice.ok()) return StoreError(slice.status());
  SliceStore& store = context.store.store();
  const std::string& text = flags.arguments()[1];
  absl::StatusOr<slicekit::Slice> changed =
      rename
          ? store.Rename(context.org, slice->id, text, slice->version, change)
          : store.SetDescription(context.org, slice->id, text, slice->version,
                                 change);
  if (!changed.ok()) return StoreError(changed.status());
  return PrintId(*changed);
}

int SliceUpdate(SliceCommandContext& context, const ParsedFlags& flags) {
  slicekit::ChangeInfo change;
  if (std::optional<int> rc = ChangeFrom(flags, &change)) return *rc;
  absl::StatusOr<std::optional<slicekit::Expr>> where = ParseWhere(flags);
  if (!where.ok()) return InputError(where.status().message());
  const std::optional<std::vector<slicekit::OrderBy>> order_by =
      OrderByFlags(flags);
  const bool in_place = flags.Has("--in-place");
  if (in_place == flags.Has("--as-new")) {
    return UsageError("slice update needs either --in-place or --as-new NAME");
  }
  if (!*where && !order_by) {
    return UsageError("slice update needs --where EXPR or --order-by COLUMN");
  }
  absl::StatusOr<slicekit::Slice> slice = FirstSlice(context, flags);
  if (!slice.ok()) return StoreError(slice.status());
  SliceStore& store = context.store.store();
  const slicekit::Expr filter = where->value_or(slice->filter);
  const std::vector<slicekit::OrderBy> keys =
      order_by.value_or(slice->order_by);
  // The version read above: a concurrent change makes this fail, not lost.
  absl::StatusOr<slicekit::Slice> updated =
      in_place ? store.UpdateFilter(context.org, slice->id, filter, keys,
                                    slice->version, change)
               : store.UpdateFilterAsNew(context.org, slice->id,
                                         *flags.Get("--as-new"), filter, keys,
                                         slice->version, change);
  if (!updated.ok()) return StoreError(updated.status());
  return PrintId(*updated);
}

}  // namespace

std::vector<SliceSubcommand> SavedSliceCommands() {
  const FlagSpec where{.name = "--where",
                       .value_name = "EXPR",
                       .help = "the slice's filter (docs/filter-language.md)"};
  const FlagSpec order_by{.name = "--order-by",
                          .value_name = "COLUMN",
                          .help = "the slice's order, key by key",
                          .repeatable = true,
                          .direction = true};
  FlagSpec required_where = where;
  required_where.required = true;
  return {
      {.spec = {.name = "create",
                .invocation = SliceInvocation("create"),
                .summary = "Saves a new slice; prints its id.",
                .flags = {{.name = "--name",
                           .value_name = "NAME",
                           .help =
                               "3-30 characters, unique in the org (any case)",
                           .required = true},
                          {.name = "--description",
                           .value_name = "TEXT",
                           .help = "what the slice is for"},
                          required_where,
                          order_by,
                          kActorFlag,
                          kAtFlag}},
       .run = SliceCreate},
      {.spec = {.name = "list",
                .invocation = SliceInvocation("list"),
                .summary = "Lists the org's slices by name.",
                .flags = {{.name = "--format",
                           .value_name = "text|json",
                           .help = "the output (default text)"}}},
       .run = SliceList,
       .reads_only = AlwaysReadsOnly},
      {.spec = {.name = "show",
                .invocation = SliceInvocation("show"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments = "slice show needs SLICE",
                .summary = "Prints a slice."},
       .run = SliceShow,
       .reads_only = AlwaysReadsOnly},
      {.spec = {.name = "delete",
                .invocation = SliceInvocation("delete"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments = "slice delete needs SLICE",
                .summary = "Deletes a slice, keeping its history; prints "
                           "its id.",
                .flags = {kActorFlag, kAtFlag}},
       .run = SliceDelete},
      {.spec = {.name = "rename",
                .invocation = SliceInvocation("rename"),
                .arguments = "SLICE NEW_NAME",
                .num_arguments = 2,
                .wrong_arguments = "slice rename needs SLICE NEW_NAME",
                .summary = "Renames a slice; prints its id.",
                .flags = {kActorFlag, kAtFlag}},
       .run =
           [](SliceCommandContext& context, const ParsedFlags& flags) {
             return SliceRenameOrDescribe(context, flags, /*rename=*/true);
           }},
      {.spec = {.name = "describe",
                .invocation = SliceInvocation("describe"),
                .arguments = "SLICE TEXT",
                .num_arguments = 2,
                .wrong_arguments = "slice describe needs SLICE TEXT",
                .summary = "Sets a slice's description; prints its id.",
                .flags = {kActorFlag, kAtFlag}},
       .run =
           [](SliceCommandContext& context, const ParsedFlags& flags) {
             return SliceRenameOrDescribe(context, flags, /*rename=*/false);
           }},
      {.spec = {.name = "update",
                .invocation = SliceInvocation("update"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments = "slice update needs exactly one SLICE",
                .summary = "Changes a slice's filter or order; prints its id. "
                           "--in-place makes a new version of it, --as-new a "
                           "new slice, whose id it prints.",
                .flags = {where,
                          order_by,
                          {.name = "--in-place",
                           .help = "change this slice (a new version)"},
                          {.name = "--as-new",
                           .value_name = "NAME",
                           .help = "save the change as a new slice"},
                          kActorFlag,
                          kAtFlag}},
       .run = SliceUpdate},
  };
}

}  // namespace slicekit::cli
