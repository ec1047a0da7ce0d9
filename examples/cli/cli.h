// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// What the `slicekit` subcommands share: exit statuses, error lines, the
// argument walker, the flag tables and their parser, buffered output, table
// loading and finding a saved slice. Each subcommand lives in its own file
// (query.cc, generate.cc, eval.cc, slice*.cc, convert.cc, discover.cc,
// ap.cc, report.cc, compare*.cc), declares its flags in a CommandSpec and
// uses only the public API and the example generator.
#ifndef SLICEKIT_EXAMPLES_CLI_CLI_H_
#define SLICEKIT_EXAMPLES_CLI_CLI_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "examples/cli/text_field.h"
#include "slicekit/expr.h"
#include "slicekit/metrics.h"
#include "slicekit/model_run.h"
#include "slicekit/selection.h"
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
// `slicekit compare --fail-on-regression`: a verdict is `regression`.
inline constexpr int kRegression = 3;

// The overview (main.cc): every command's synopsis and what it does,
// printed by `slicekit help` and after a usage error other than an unknown
// flag.
extern const char kUsage[];

// Prints "slicekit: <problem>" and the overview to stderr; returns
// kUsageError.
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

// The values an integer flag accepts; the parser rejects others with
// "--flag needs an integer in [min, max], not 'value'".
struct IntegerRange {
  uint64_t min = 0;
  uint64_t max = 0;
};

// One flag of a command, as its table declares it. (Every member has an
// initializer so that tables may leave fields out: GCC's
// -Wmissing-field-initializers flags designated initializers otherwise.)
struct FlagSpec {
  absl::string_view name = {};  // "--table"
  // What the value stands for in the usage ("FILE"); empty for a switch,
  // which takes no value.
  absl::string_view value_name = {};
  absl::string_view help = {};
  // Shown outside brackets in the usage. The command checks it itself:
  // what a missing one says differs (some are needed only together).
  bool required = false;
  // Every occurrence counts (`--feature A --feature B`); otherwise the last
  // one wins, as it always has.
  bool repeatable = false;
  // The value may be followed by `asc` or `desc`: `--order-by COLUMN desc`.
  bool direction = false;
  std::optional<IntegerRange> integer = {};
};

// A command (`query`) or a slice command (`slice create`): its flags, its
// arguments and what `help` says about it.
struct CommandSpec {
  std::string name = {};        // "query", "create": what `help` looks up
  std::string invocation = {};  // "slicekit query", "slicekit slice ... create"
  // The arguments after the invocation in the usage ("SLICE NEW_NAME").
  std::string arguments = {};
  size_t num_arguments = 0;
  // The usage error when the arguments are not num_arguments; when empty,
  // the first argument too many is "unexpected argument 'X'".
  std::string wrong_arguments = {};
  // A few sentences for `help COMMAND`; the first, short, is the command's
  // line in its parent's list of commands.
  std::string summary = {};
  std::vector<FlagSpec> flags = {};
  // A command with commands of its own (slice): parsing stops at its first
  // argument, the command, whose flags follow it.
  std::vector<const CommandSpec*> subcommands = {};

  const FlagSpec* FindFlag(absl::string_view flag) const;
  const CommandSpec* FindSubcommand(absl::string_view name) const;
};

// One occurrence of a flag.
struct FlagValue {
  std::string text;         // empty for a switch
  uint64_t integer = 0;     // for a flag with an IntegerRange
  bool descending = false;  // for a flag with a direction
};

// What the parser read for one command. Asking for a flag the command does
// not declare is a bug in the command, and aborts.
class ParsedFlags {
 public:
  ParsedFlags() = default;
  explicit ParsedFlags(const CommandSpec& spec) : spec_(&spec) {}

  bool Has(absl::string_view flag) const;
  // The flag's value (the last one given), or nullopt.
  std::optional<std::string> Get(absl::string_view flag) const;
  std::optional<uint64_t> GetInteger(absl::string_view flag) const;
  // Every occurrence, in order: for repeatable flags.
  std::vector<FlagValue> GetAll(absl::string_view flag) const;
  // The words that are not flags, in order.
  const std::vector<std::string>& arguments() const { return arguments_; }

 private:
  friend absl::StatusOr<ParsedFlags> ParseFlags(const CommandSpec& spec,
                                                Args& args);
  const std::vector<FlagValue>* Find(absl::string_view flag) const;

  const CommandSpec* spec_ = nullptr;
  absl::flat_hash_map<std::string, std::vector<FlagValue>> values_;
  std::vector<std::string> arguments_;
};

// Parses the rest of `args` by `spec`'s flag table. A usage error is
// InvalidArgument with its message, except an unknown flag: NotFound, with
// the closest flag of the command when one is near ("unknown flag
// '--tabel' (did you mean '--table'?)").
absl::StatusOr<ParsedFlags> ParseFlags(const CommandSpec& spec, Args& args);

// ParseFlags for a command about to run: on a usage error prints it (an
// unknown flag with the command's own usage, since the rest of the overview
// does not help with a typo; others with the overview, as before)
// and returns kUsageError; nullopt when the command should run.
std::optional<int> ParseCommandFlags(const CommandSpec& spec, Args& args,
                                     ParsedFlags* flags);

// The usage of one command, from its table: the synopsis, the summary, a
// line per flag and, for a command with commands, a line per command.
std::string CommandUsage(const CommandSpec& spec);

// The filter of a --where flag, parsed and checked here for every command
// that takes one: nullopt without the flag; "empty filter" for blank text
// (so the message does not depend on the parser); else ParseFilter's error.
absl::StatusOr<std::optional<Expr>> ParseWhere(const ParsedFlags& flags);

// The --iou-type flag of the COCO commands, and its value: "bbox" (the
// default), "segm" or "keypoints"; InvalidArgument for any other.
FlagSpec IouTypeFlag();
absl::StatusOr<IouType> ParseIouType(const ParsedFlags& flags);
const char* IouTypeName(IouType type);

// --threads T of the COCO commands (matching in parallel), and its value:
// the flag's, else every core of the machine.
FlagSpec ThreadsFlag();
int ParseThreads(const ParsedFlags& flags);

// --kpt-sigmas S1,S2,...: OKS sigmas for every class of the run with that
// many keypoints (overriding COCO's person sigmas); InvalidArgument for a
// list that is not positive numbers or fits no class. Without the flag,
// nothing changes.
FlagSpec KeypointSigmasFlag();
absl::Status ApplyKeypointSigmas(const ParsedFlags& flags, ModelRun* run);

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
// its first bytes, mapped with columns verified on first use: read it
// through a TableReader, which reports a corrupt column at Make()) or a
// CSV file, which may also come through a pipe (`/dev/stdin`, `<(...)`, a
// named pipe: read once, whole; a wait for a writer is said on stderr).
// Devices (a terminal, /dev/zero) are refused.
absl::StatusOr<Table> LoadTable(const std::string& path);

// Opens the store at `path` for a command that only reads it: read-only
// (SqliteStoreOptions), so that a user who cannot write the file or its
// directory can read it and nothing is written, the schema included. A
// missing or empty file holds no slices: the command reads an empty store
// and no file is created. A PostgreSQL URI (IsPostgresUri) is opened
// read-only on its server (a database without the store's schema is
// FailedPrecondition).
absl::StatusOr<std::unique_ptr<SliceStore>> OpenStoreToRead(
    const std::string& path);

// Finds SLICE in `org` by id, then by name (case-insensitively); NotFound
// naming both when neither matches.
absl::StatusOr<Slice> ResolveSlice(SliceStore& store, const std::string& org,
                                   const std::string& slice);

// The images to evaluate: those whose metrics row (default options, as
// `slicekit eval` writes it) matches the --where filter or the saved
// --slice's (--store, --org); nullopt for all.
absl::StatusOr<std::optional<Selection>> SelectImages(
    const ParsedFlags& flags, const std::optional<Expr>& where,
    const ModelRun& run, const Evaluator& evaluator);

// The subcommands: each parses the rest of argv by its spec and returns an
// exit status.
const CommandSpec& QuerySpec();
const CommandSpec& GenerateSpec();
const CommandSpec& EvalSpec();
const CommandSpec& SliceSpec();
const CommandSpec& ConvertSpec();
const CommandSpec& DiscoverSpec();
const CommandSpec& ApSpec();
const CommandSpec& ReportSpec();
const CommandSpec& CompareSpec();
const CommandSpec& ErrorsSpec();
const CommandSpec& LabelIssuesSpec();
int Query(Args& args);
int Generate(Args& args);
int Eval(Args& args);
int SliceCommand(Args& args);
int Convert(Args& args);
int Discover(Args& args);
int Ap(Args& args);
int ReportCommand(Args& args);
int Compare(Args& args);
int Errors(Args& args);
int LabelIssues(Args& args);

}  // namespace slicekit::cli

#endif  // SLICEKIT_EXAMPLES_CLI_CLI_H_
