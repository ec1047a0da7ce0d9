// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// What the `slicekit` subcommands share: exit statuses, error lines, the
// argument walker, buffered output, table loading and finding a saved slice.
// Each subcommand lives in its own file (query.cc, generate.cc, eval.cc,
// slice.cc, slice_history.cc, convert.cc, discover.cc, ap.cc, report.cc) and
// uses only the public API and the example generator.
#ifndef SLICEKIT_EXAMPLES_CLI_CLI_H_
#define SLICEKIT_EXAMPLES_CLI_CLI_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/slice.h"
#include "slicekit/slice_store.h"
#include "slicekit/table.h"

namespace slicekit::cli {

// Exit statuses.
inline constexpr int kOk = 0;
inline constexpr int kBadInput = 1;
inline constexpr int kUsageError = 2;
// `slicekit slice ... check`: an alert rule fired.
inline constexpr int kAlertFired = 3;

// The whole usage text (main.cc), printed by --help and after a usage error.
extern const char kUsage[];

// Prints "slicekit: <problem>" and the usage to stderr; returns kUsageError.
int UsageError(absl::string_view problem);
// Prints "slicekit: <problem>" to stderr; returns kBadInput.
int InputError(absl::string_view problem);

// Walks argv as `--flag value` or `--flag=value`.
class Args {
 public:
  Args(int argc, char** argv, int first) : args_(argv + first, argv + argc) {}

  bool done() const { return next_ == args_.size(); }
  // Returns the next argument, splitting `--flag=value`.
  std::string NextFlag();
  bool has_inline_value() const { return inline_value_.has_value(); }
  // The value of the flag just read: inline or the next argument (not one
  // that is itself a flag).
  std::optional<std::string> Value();
  // Consumes the next argument if it is `asc` or `desc` (any case); returns
  // whether it was `desc`, or nullopt when it was neither.
  std::optional<bool> Direction();

 private:
  std::vector<std::string> args_;
  size_t next_ = 0;
  std::optional<std::string> inline_value_;
};

// Parses a decimal integer in [min, max].
std::optional<uint64_t> ParseCount(const std::string& text, uint64_t min,
                                   uint64_t max);

// Buffered stdout: 10M ids should print in well under a second.
class Output {
 public:
  Output();
  ~Output() { Flush(); }

  void Line(absl::string_view text);
  // Writes what is buffered; returns false if any write failed.
  bool Flush();

 private:
  static constexpr size_t kCapacity = size_t{1} << 20;
  std::unique_ptr<char[]> buffer_;
  size_t size_ = 0;
  bool ok_ = true;
};

// Loads the table a `--table PATH` flag names: a table file (recognized by
// its first bytes, mapped with columns verified on first use) or a CSV
// file. Before printing ids, call table.VerifyColumn(id column): RowId()
// cannot report a corrupt file.
absl::StatusOr<Table> LoadTable(const std::string& path);

// Finds SLICE in `org` by id, then by name (case-insensitively); NotFound
// naming both when neither matches.
absl::StatusOr<Slice> ResolveSlice(SliceStore& store, const std::string& org,
                                   const std::string& slice);

// The subcommands: each parses the rest of argv and returns an exit status.
int Query(Args& args);
int Generate(Args& args);
int Eval(Args& args);
int SliceCommand(Args& args);
int Convert(Args& args);
int Discover(Args& args);
int Ap(Args& args);
int ReportCommand(Args& args);

}  // namespace slicekit::cli

#endif  // SLICEKIT_EXAMPLES_CLI_CLI_H_
