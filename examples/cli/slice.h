// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// What `slicekit slice` (slice.cc) and its commands for slices over time
// (slice_history.cc: history, restore, deleted, purge, snapshot, snapshots,
// diff, alert, check) share.
#ifndef SLICEKIT_EXAMPLES_CLI_SLICE_HISTORY_H_
#define SLICEKIT_EXAMPLES_CLI_SLICE_HISTORY_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "examples/cli/cli.h"
#include "slicekit/slice.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {

struct SliceCommandContext {
  std::string store_path;
  std::string org;
};

// A slice store error as one line, exit 1.
int StoreError(const absl::Status& status);
// "2026-01-31T12:00:00.000000Z".
std::string TimeText(absl::Time t);
// Parses `--at`/`--since` values: RFC 3339 ("2026-01-31T12:00:00Z",
// "2026-01-31T14:00:00+02:00") or a date ("2026-01-31", midnight UTC).
std::optional<absl::Time> ParseTimeFlag(const std::string& text);

// Whether `command` is one of slice_history.cc's; if so, runs it.
bool IsSliceHistoryCommand(const std::string& command);
int SliceHistoryCommand(const SliceCommandContext& context,
                        const std::string& command, Args& args);

}  // namespace slicekit::cli

#endif  // SLICEKIT_EXAMPLES_CLI_SLICE_HISTORY_H_
