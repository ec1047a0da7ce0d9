// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit slice`: saved slices in a store file for one org
// (docs/slices.md). The flags before the command, the table of commands
// (each file of slice.h declares its own) and what they share.
#include "examples/cli/slice.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {

int StoreError(const absl::Status& status) {
  return InputError(status.message());
}

std::string TimeText(absl::Time t) {
  // %E4Y: RFC 3339 years have four digits (%Y prints year 0 as "0"). The
  // store keeps only the years 0000 to 9999, which four digits hold.
  return absl::FormatTime("%E4Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseTimeFlag(const std::string& text) {
  // RFC 3339 years are four digits; absl's %Y also takes more, fewer and
  // a sign.
  if (text.size() < 5 || text[4] != '-' ||
      !std::all_of(text.begin(), text.begin() + 4,
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error) &&
      !absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &error)) {
    return std::nullopt;
  }
  // An offset can move the time out of those years in UTC, where it is
  // printed (0000-01-01T00:30:00+01:00).
  const absl::TimeZone utc = absl::UTCTimeZone();
  if (t < absl::FromCivil(absl::CivilSecond(0, 1, 1, 0, 0, 0), utc) ||
      t >= absl::FromCivil(absl::CivilSecond(10000, 1, 1, 0, 0, 0), utc)) {
    return std::nullopt;
  }
  return t;
}

std::optional<int> ChangeFrom(const ParsedFlags& flags, ChangeInfo* change) {
  change->actor = flags.Get("--actor").value_or("");
  if (std::optional<std::string> at = flags.Get("--at")) {
    change->at = ParseTimeFlag(*at);
    if (!change->at) {
      return UsageError(absl::StrCat(
          "--at needs a time such as 2026-01-31T12:00:00Z, not '", *at, "'"));
    }
  }
  return std::nullopt;
}

std::string OrderByText(const std::vector<OrderBy>& order_by) {
  std::vector<std::string> keys;
  for (const OrderBy& key : order_by) {
    keys.push_back(absl::StrCat(key.column, key.descending ? " desc" : " asc"));
  }
  return absl::StrJoin(keys, ", ");
}

std::string SliceInvocation(absl::string_view command) {
  return absl::StrCat("slicekit slice --store STORE --org ORG ", command);
}

absl::StatusOr<SliceStore*> LazyStore::Get() {
  if (store_ == nullptr) {
    absl::StatusOr<std::unique_ptr<SliceStore>> opened =
        read_only_ ? OpenStoreToRead(path_) : SliceStore::Open(path_);
    if (!opened.ok()) return opened.status();
    store_ = *std::move(opened);
  }
  return store_.get();
}

absl::StatusOr<std::string> LazyStore::AnySliceId(const std::string& org,
                                                  const std::string& slice) {
  absl::StatusOr<SliceStore*> opened = Get();
  if (!opened.ok()) return opened.status();
  return ResolveAnySliceId(**opened, org, slice);
}

absl::StatusOr<std::string> ResolveAnySliceId(SliceStore& store,
                                              const std::string& org,
                                              const std::string& slice) {
  absl::StatusOr<Slice> live = ResolveSlice(store, org, slice);
  if (live.ok()) return live->id;
  if (!absl::IsNotFound(live.status())) return live.status();
  absl::StatusOr<std::vector<SliceVersion>> deleted = store.ListDeleted(org);
  if (!deleted.ok()) return deleted.status();
  for (const SliceVersion& v : *deleted) {
    if (v.slice_id == slice) return v.slice_id;
  }
  const std::string key = NormalizeSliceName(slice).ok()
                              ? SliceNameKey(*NormalizeSliceName(slice))
                              : "";
  for (const SliceVersion& v : *deleted) {
    if (!key.empty() && SliceNameKey(v.name) == key) return v.slice_id;
  }
  // An id of a purged slice: let the store say what it knows.
  if (slice.size() == 19 && slice.rfind("sl_", 0) == 0) return slice;
  return live.status();
}

namespace {

const std::vector<SliceSubcommand>& SliceCommands() {
  static const std::vector<SliceSubcommand>* const kCommands = [] {
    auto* commands = new std::vector<SliceSubcommand>;
    for (auto part : {SavedSliceCommands, ExploreSliceCommands,
                      SliceHistoryCommands, SliceSnapshotCommands}) {
      for (SliceSubcommand& command : part()) {
        commands->push_back(std::move(command));
      }
    }
    return commands;
  }();
  return *kCommands;
}

const SliceSubcommand* FindSliceCommand(absl::string_view name) {
  for (const SliceSubcommand& command : SliceCommands()) {
    if (command.spec.name == name) return &command;
  }
  return nullptr;
}

}  // namespace

const CommandSpec& SliceSpec() {
  static const CommandSpec* const kSpec = [] {
    auto* spec = new CommandSpec{
        .name = "slice",
        .invocation = "slicekit slice",
        .arguments = "COMMAND ...",
        .summary =
            "Manages the saved slices of one org in a store file "
            "(docs/slices.md). SLICE is a slice's id or name.",
        .flags = {
            {.name = "--store",
             .value_name = "FILE",
             .help = "the slice store (created by the first change; "
                     "read-only for commands that only read)",
             .required = true},
            {.name = "--org",
             .value_name = "ORG",
             .help = "the org whose slices these are",
             .required = true},
        }};
    for (const SliceSubcommand& command : SliceCommands()) {
      spec->subcommands.push_back(&command.spec);
    }
    return spec;
  }();
  return *kSpec;
}

int SliceCommand(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc = ParseCommandFlags(SliceSpec(), args, &flags)) {
    return *rc;
  }
  const std::string name =
      flags.arguments().empty() ? "" : flags.arguments().front();
  const SliceSubcommand* command = FindSliceCommand(name);
  // The auto slices come from the table alone: no store, no org.
  const bool needs_store = command == nullptr || command->needs_store;
  if (needs_store) {
    if (!flags.Has("--store")) return UsageError("slice needs --store STORE");
    if (!flags.Has("--org")) return UsageError("slice needs --org ORG");
    if (name.empty()) return UsageError("slice needs a command");
    if (command == nullptr) {
      return UsageError(absl::StrCat("unknown slice command '", name, "'"));
    }
  }
  ParsedFlags command_flags;
  if (std::optional<int> rc =
          ParseCommandFlags(command->spec, args, &command_flags)) {
    return *rc;
  }
  const bool read_only =
      command->reads_only != nullptr && command->reads_only(command_flags);
  SliceCommandContext context{
      .org = needs_store ? *flags.Get("--org") : "",
      .store = LazyStore(needs_store ? *flags.Get("--store") : "", read_only)};
  return command->run(context, command_flags);
}

}  // namespace slicekit::cli
