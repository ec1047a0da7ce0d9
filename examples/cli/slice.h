// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// What the files of `slicekit slice` share: slice.cc (the flags before the
// command, and finding the command), slice_saved.cc (create, list, show,
// update, rename, describe, delete), slice_explore.cc (explore, ids, auto),
// slice_history.cc (history, restore, deleted, purge) and
// slice_snapshots.cc (snapshot, snapshots, diff, alert, check).
#ifndef SLICEKIT_EXAMPLES_CLI_SLICE_H_
#define SLICEKIT_EXAMPLES_CLI_SLICE_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "examples/cli/cli.h"
#include "slicekit/slice.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {

// Opens the store when a command first needs it, after its flags were
// checked, so a usage error creates no file. A command that only reads
// opens it read-only (OpenStoreToRead).
class LazyStore {
 public:
  LazyStore(std::string path, bool read_only)
      : path_(std::move(path)), read_only_(read_only) {}

  absl::StatusOr<SliceStore*> Get();
  // Opens the store and finds a slice's id (ResolveAnySliceId).
  absl::StatusOr<std::string> AnySliceId(const std::string& org,
                                         const std::string& slice);
  // REQUIRES: Get() or AnySliceId() succeeded.
  SliceStore& store() { return *store_; }

 private:
  std::string path_;
  bool read_only_;
  std::unique_ptr<SliceStore> store_;
};

struct SliceCommandContext {
  std::string org;
  LazyStore store;
};

// One `slicekit slice` command: its flags and usage, and what runs it once
// they are parsed.
struct SliceSubcommand {
  CommandSpec spec;
  int (*run)(SliceCommandContext& context, const ParsedFlags& flags);
  // Reads a table alone (auto): runs without --store and --org.
  bool needs_store = true;
  // Whether the command, with these flags, only reads the store (then it is
  // opened read-only); nullptr: it changes the store.
  bool (*reads_only)(const ParsedFlags& flags) = nullptr;
};

// For SliceSubcommand::reads_only: a command that never changes the store.
inline bool AlwaysReadsOnly(const ParsedFlags&) { return true; }

// The commands of each file, in the order `slicekit help slice` lists them.
std::vector<SliceSubcommand> SavedSliceCommands();     // slice_saved.cc
std::vector<SliceSubcommand> ExploreSliceCommands();   // slice_explore.cc
std::vector<SliceSubcommand> SliceHistoryCommands();   // slice_history.cc
std::vector<SliceSubcommand> SliceSnapshotCommands();  // slice_snapshots.cc

// "slicekit slice --store FILE --org ORG <command>": how a command's usage
// starts.
std::string SliceInvocation(absl::string_view command);

// The flags of the commands that change a slice: who and when, for its
// history.
inline constexpr FlagSpec kActorFlag{
    .name = "--actor",
    .value_name = "WHO",
    .help = "who makes the change (for its history)"};
inline constexpr FlagSpec kAtFlag{
    .name = "--at",
    .value_name = "TIME",
    .help = "when: RFC 3339 or a date, UTC (default now)"};
// Reads --actor and --at into `change`; a usage error for a bad --at.
std::optional<int> ChangeFrom(const ParsedFlags& flags, ChangeInfo* change);

// A slice store error as one line, exit 1.
int StoreError(const absl::Status& status);
// "2026-01-31T12:00:00.000000Z".
std::string TimeText(absl::Time t);
// Parses `--at`/`--since` values: RFC 3339 ("2026-01-31T12:00:00Z",
// "2026-01-31T14:00:00+02:00") or a date ("2026-01-31", midnight UTC),
// with a four-digit year; nullopt outside the years 0000 to 9999 in UTC,
// which is all the store keeps.
std::optional<absl::Time> ParseTimeFlag(const std::string& text);
// "confidence desc, fp asc".
std::string OrderByText(const std::vector<OrderBy>& order_by);

// A slice id or name, live or (for history and purge) deleted: a deleted
// slice is found by id, or by name among the deleted ones (the last one
// deleted with that name).
absl::StatusOr<std::string> ResolveAnySliceId(SliceStore& store,
                                              const std::string& org,
                                              const std::string& slice);

}  // namespace slicekit::cli

#endif  // SLICEKIT_EXAMPLES_CLI_SLICE_H_
