// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit slice` commands for a slice's versions (history, restore) and
// deleted slices (deleted, purge; docs/slice-history.md).
#include <cstdint>
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

std::string ChangeText(const SliceVersion& v) {
  if (v.restored_from) {
    return absl::StrCat("restored v", *v.restored_from);
  }
  return std::string(SliceChangeName(v.change));
}

int History(SliceCommandContext& context, const ParsedFlags& flags) {
  const std::string format = flags.Get("--format").value_or("text");
  if (format != "text" && format != "json") {
    return UsageError(
        absl::StrCat("--format must be text or json, not '", format, "'"));
  }
  absl::StatusOr<std::string> id =
      context.store.AnySliceId(context.org, flags.arguments()[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = context.store.store();
  absl::StatusOr<std::vector<SliceVersion>> history =
      store.History(context.org, *id);
  if (!history.ok()) return StoreError(history.status());
  Output out;
  if (format == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const SliceVersion& v : *history) {
      nlohmann::json version = {{"version", v.version},
                                {"change", SliceChangeName(v.change)},
                                {"changed_at", TimeText(v.changed_at)},
                                {"actor", v.actor},
                                {"name", v.name},
                                {"description", v.description},
                                {"where", v.filter.ToString()},
                                {"order_by", OrderByText(v.order_by)}};
      if (v.restored_from) version["restored_from"] = *v.restored_from;
      all.push_back(std::move(version));
    }
    // UTF-8 only, as in `list --format json`.
    out.Line(all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    // One version per line, tab-separated: version, change, time, actor,
    // name, where, order by, description.
    for (const SliceVersion& v : *history) {
      out.Line(absl::StrCat(
          "v", v.version, "\t", ChangeText(v), "\t", TimeText(v.changed_at),
          "\t", TextField(v.actor), "\t", TextField(v.name), "\t",
          TextField(v.filter.ToString()), "\t",
          TextField(OrderByText(v.order_by)), "\t", TextField(v.description)));
    }
  }
  return out.Flush() ? kOk : InputError("cannot write the output");
}

int Restore(SliceCommandContext& context, const ParsedFlags& flags) {
  const std::optional<std::string> version_text = flags.Get("--version");
  if (!version_text) return UsageError("slice restore needs --version N");
  const std::optional<uint64_t> version =
      ParseCount(*version_text, 1, uint64_t{1} << 62);
  if (!version) {
    return UsageError(absl::StrCat("--version needs a positive integer, not '",
                                   *version_text, "'"));
  }
  ChangeInfo change;
  if (auto rc = ChangeFrom(flags, &change)) return *rc;
  absl::StatusOr<std::string> id =
      context.store.AnySliceId(context.org, flags.arguments()[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = context.store.store();
  absl::StatusOr<Slice> current = store.Get(context.org, *id);
  absl::StatusOr<Slice> restored = store.Restore(
      context.org, *id, static_cast<int64_t>(*version),
      current.ok() ? std::optional<int64_t>(current->version) : std::nullopt,
      change);
  if (!restored.ok()) return StoreError(restored.status());
  std::printf("%s\n", restored->id.c_str());
  std::fprintf(stderr, "restored version %llu of \"%s\" as version %lld\n",
               static_cast<unsigned long long>(*version),
               Printable(restored->name).c_str(),
               static_cast<long long>(restored->version));
  return kOk;
}

int Deleted(SliceCommandContext& context, const ParsedFlags& /*flags*/) {
  absl::StatusOr<SliceStore*> opened = context.store.Get();
  if (!opened.ok()) return StoreError(opened.status());
  SliceStore& store = **opened;
  absl::StatusOr<std::vector<SliceVersion>> deleted =
      store.ListDeleted(context.org);
  if (!deleted.ok()) return StoreError(deleted.status());
  // One per line: id, name, deleted at, by, the last live version.
  Output out;
  for (const SliceVersion& v : *deleted) {
    out.Line(absl::StrCat(TextField(v.slice_id), "\t", TextField(v.name), "\t",
                          TimeText(v.changed_at), "\t", TextField(v.actor),
                          "\tv", v.version - 1));
  }
  return out.Flush() ? kOk : InputError("cannot write the output");
}

int Purge(SliceCommandContext& context, const ParsedFlags& flags) {
  absl::StatusOr<std::string> id =
      context.store.AnySliceId(context.org, flags.arguments()[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = context.store.store();
  if (absl::Status status = store.Purge(context.org, *id); !status.ok()) {
    return StoreError(status);
  }
  std::printf("%s\n", id->c_str());
  return kOk;
}

}  // namespace

std::vector<SliceSubcommand> SliceHistoryCommands() {
  return {
      {.spec = {.name = "history",
                .invocation = SliceInvocation("history"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments = "slice history needs one SLICE",
                .summary = "Lists a slice's versions, live or deleted.",
                .flags = {{.name = "--format",
                           .value_name = "text|json",
                           .help = "the output (default text)"}}},
       .run = History,
       .reads_only = AlwaysReadsOnly},
      {.spec = {.name = "restore",
                .invocation = SliceInvocation("restore"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments =
                    "slice restore needs one SLICE and --version N",
                .summary = "Makes version N of a slice current again.",
                // Not an IntegerRange: its message has always been its own.
                .flags = {{.name = "--version",
                           .value_name = "N",
                           .help = "the version to restore",
                           .required = true},
                          kActorFlag,
                          kAtFlag}},
       .run = Restore},
      {.spec = {.name = "deleted",
                .invocation = SliceInvocation("deleted"),
                .wrong_arguments = "slice deleted takes no argument",
                .summary = "Lists the deleted slices whose history is kept."},
       .run = Deleted,
       .reads_only = AlwaysReadsOnly},
      {.spec = {.name = "purge",
                .invocation = SliceInvocation("purge"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments = "slice purge needs one deleted SLICE",
                .summary = "Drops a deleted slice's history."},
       .run = Purge},
  };
}

}  // namespace slicekit::cli
