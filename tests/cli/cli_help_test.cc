// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit help COMMAND` and `COMMAND --help` (SLICEKIT_CLI_PATH): one
// command's usage, generated from its flag table, for every command and
// slice command; and what the one flag parser says about an unknown flag,
// a missing value, a repeated flag and an empty --where.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/run_program.h"

namespace slicekit {
namespace {

using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

RunResult RunCli(const std::vector<std::string>& args) {
  return RunProgram(SLICEKIT_CLI_PATH, args);
}

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

size_t LineCount(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n');
}

// A command (its words after `slicekit help`) and every flag it takes.
struct CommandFlags {
  std::vector<std::string> command;
  std::vector<std::string> flags;
};

const std::vector<CommandFlags>& AllCommands() {
  static const auto* const kCommands = new std::vector<CommandFlags>{
      {{"query"},
       {"--table", "--where", "--order-by", "--limit", "--offset", "--count",
        "--threads", "--repeat"}},
      {{"generate"}, {"--rows", "--seed", "--out"}},
      {{"slice"}, {"--store", "--org"}},
      {{"eval"},
       {"--gt", "--pred", "--out", "--iou-threshold", "--confidence-threshold",
        "--rule", "--per-class", "--class-iou-threshold", "--no-class-columns",
        "--label-issues", "--iou-type", "--kpt-sigmas", "--threads", "--lenient"}},
      {{"convert"}, {"--table", "--out"}},
      {{"discover"},
       {"--table", "--error", "--max-predicates", "--top", "--min-support",
        "--alpha", "--bins", "--feature", "--save-to", "--org",
        "--name-prefix"}},
      {{"ap"},
       {"--gt", "--pred", "--where", "--slice", "--store", "--org",
        "--pr-curve", "--sweep", "--iou", "--format", "--iou-type",
        "--kpt-sigmas", "--lenient", "--max-dets", "--iou-thresholds",
        "--rec-thresholds", "--area-ranges", "--no-categories", "--threads"}},
      {{"errors"},
       {"--gt", "--pred", "--where", "--slice", "--store", "--org", "--format",
        "--lenient", "--iou", "--background-iou", "--confidence", "--bins"}},
      {{"label-issues"},
       {"--gt", "--pred", "--where", "--slice", "--store", "--org", "--format",
        "--lenient", "--top", "--min-confidence", "--match-iou",
        "--overlap-iou"}},
      {{"report"},
       {"--table", "--gt", "--pred", "--store", "--org", "--slice", "--no-auto",
        "--title", "--page-rows", "--bins", "--threads", "--compare-base",
        "--iou-type", "--out"}},
      {{"compare"},
       {"--gt",
        "--base",
        "--new",
        "--base-table",
        "--new-table",
        "--store",
        "--org",
        "--slice",
        "--where",
        "--metric",
        "--bootstrap",
        "--seed",
        "--confidence",
        "--fdr",
        "--tolerance",
        "--min-images",
        "--threads",
        "--discover",
        "--iou-type",
        "--fail-on-regression",
        "--format"}},
      {{"slice", "create"},
       {"--name", "--description", "--where", "--order-by", "--actor", "--at"}},
      {{"slice", "list"}, {"--format"}},
      {{"slice", "show"}, {}},
      {{"slice", "delete"}, {"--actor", "--at"}},
      {{"slice", "rename"}, {"--actor", "--at"}},
      {{"slice", "describe"}, {"--actor", "--at"}},
      {{"slice", "update"},
       {"--where", "--order-by", "--in-place", "--as-new", "--actor", "--at"}},
      {{"slice", "explore"}, {"--table", "--limit", "--cursor", "--format"}},
      {{"slice", "ids"}, {"--table"}},
      {{"slice", "auto"}, {"--table", "--limit"}},
      {{"slice", "history"}, {"--format"}},
      {{"slice", "restore"}, {"--version", "--actor", "--at"}},
      {{"slice", "deleted"}, {}},
      {{"slice", "purge"}, {}},
      {{"slice", "snapshot"},
       {"--table", "--table-name", "--threads", "--actor", "--at"}},
      {{"slice", "snapshots"}, {}},
      {{"slice", "diff"}, {"--since", "--table", "--threads"}},
      {{"slice", "alert"}, {}},
      {{"slice", "check"},
       {"--table", "--snapshot", "--table-name", "--threads", "--actor",
        "--at"}},
  };
  return *kCommands;
}

// `slicekit help WORDS...`, which must succeed.
std::string Help(const std::vector<std::string>& words) {
  std::vector<std::string> args = {"help"};
  args.insert(args.end(), words.begin(), words.end());
  const RunResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  return r.out;
}

// The slice command `words` run against a store: `slice --store S --org
// acme create ...`.
std::vector<std::string> InStore(const std::string& store,
                                 const std::vector<std::string>& words) {
  std::vector<std::string> args = {words[0]};
  if (words[0] == "slice" && words.size() > 1) {
    args.insert(args.end(), {"--store", store, "--org", "acme"});
  }
  args.insert(args.end(), words.begin() + 1, words.end());
  return args;
}

TEST(CliHelpTest, EachCommandsHelpIsShortAndNamesEachOfItsFlags) {
  for (const CommandFlags& c : AllCommands()) {
    SCOPED_TRACE(absl::StrJoin(c.command, " "));
    const std::string usage = Help(c.command);
    EXPECT_THAT(usage, StartsWith("usage: slicekit " + c.command[0]));
    const std::string first_line = usage.substr(0, usage.find('\n'));
    EXPECT_THAT(first_line + " ", HasSubstr(" " + c.command.back() + " "));
    EXPECT_LE(LineCount(usage), 30u) << usage;
    // Not the overview: no other command's synopsis.
    EXPECT_THAT(usage,
                Not(HasSubstr(c.command[0] == "query" ? "slicekit generate"
                                                      : "slicekit query")));
    // One line per flag, each naming it.
    size_t flag_lines = 0;
    for (absl::string_view line : absl::StrSplit(usage, '\n')) {
      flag_lines += absl::StartsWith(line, "  --");
    }
    EXPECT_EQ(flag_lines, c.flags.size()) << usage;
    for (const std::string& flag : c.flags) {
      EXPECT_THAT(usage, HasSubstr(absl::StrCat("\n  ", flag, " ")))
          << flag << "\n"
          << usage;
    }
  }
}

TEST(CliHelpTest, SliceHelpListsEveryCommand) {
  const std::string usage = Help({"slice"});
  for (const CommandFlags& c : AllCommands()) {
    if (c.command.size() == 2) {
      EXPECT_THAT(usage, HasSubstr("\n  " + c.command[1] + " "));
    }
  }
}

TEST(CliHelpTest, CommandDashDashHelpPrintsTheSameAsHelpCommand) {
  const std::string store = TempPath("help.db");
  for (const CommandFlags& c : AllCommands()) {
    SCOPED_TRACE(absl::StrJoin(c.command, " "));
    const std::string usage = Help(c.command);
    std::vector<std::string> with_store = InStore(store, c.command);
    // After the command's flags or without them; -h too.
    std::vector<std::vector<std::string>> invocations = {with_store, c.command,
                                                         with_store};
    invocations[0].push_back("--help");
    invocations[1].push_back("--help");
    invocations[2].push_back("-h");
    for (const std::vector<std::string>& args : invocations) {
      SCOPED_TRACE(absl::StrJoin(args, " "));
      const RunResult r = RunCli(args);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out, usage);
      EXPECT_EQ(r.err, "");
    }
    // Before the slice command, --help is the slice command's.
    with_store.insert(with_store.begin() + 1, "--help");
    EXPECT_EQ(RunCli(with_store).out,
              c.command[0] == "slice" ? Help({"slice"}) : usage);
  }
  const RunResult r =
      RunCli({"slice", "--store", store, "--org", "acme", "create", "--name",
              "x y z", "--where", "fp >= 1", "-h"});
  EXPECT_EQ(r.out, Help({"slice", "create"}));
  EXPECT_FALSE(Exists(store)) << "--help opened the store";
}

TEST(CliHelpTest, HelpWithoutACommandIsTheOverview) {
  const std::string overview = Help({});
  EXPECT_THAT(overview, StartsWith("usage: slicekit query --table"));
  EXPECT_THAT(overview, HasSubstr("slicekit generate --rows N"));
  EXPECT_THAT(overview, HasSubstr("help COMMAND"));
  EXPECT_EQ(RunCli({"--help"}).out, overview);
  EXPECT_EQ(RunCli({"-h"}).out, overview);
  EXPECT_EQ(RunCli({"frobnicate", "--help"}).out, overview);
  const RunResult none = RunCli({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.err, "slicekit: missing command\n" + overview);
}

TEST(CliHelpTest, HelpOfAnUnknownCommandIsAUsageError) {
  const std::string overview = Help({});
  struct Case {
    std::vector<std::string> args;
    std::string problem;
  };
  for (const Case& c : std::vector<Case>{
           {{"help", "frobnicate"}, "unknown command 'frobnicate'"},
           {{"help", "slice", "frobnicate"},
            "unknown slice command 'frobnicate'"},
           {{"help", "query", "extra"}, "unexpected argument 'extra'"},
           {{"help", "slice", "list", "extra"}, "unexpected argument 'extra'"},
       }) {
    const RunResult r = RunCli(c.args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, absl::StrCat("slicekit: ", c.problem, "\n", overview));
  }
}

// An unknown flag: the closest flag of that command when one is near, then
// that command's usage only; exit 2.
TEST(CliHelpTest, UnknownFlagSaysTheClosestFlagAndTheCommandsUsage) {
  const std::string store = TempPath("unknown.db");
  struct Case {
    std::vector<std::string> command;  // as for `help`
    std::vector<std::string> args;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {{"query"},
       {"--tabel", "t.csv"},
       "unknown flag '--tabel' (did you mean '--table'?)"},
      {{"query"},
       {"--ofset", "3"},
       "unknown flag '--ofset' (did you mean "
       "'--offset'?)"},
      {{"generate"},
       {"--row", "3"},
       "unknown flag '--row' (did you mean "
       "'--rows'?)"},
      {{"generate"}, {"--bogus"}, "unknown flag '--bogus'"},
      {{"eval"},
       {"--iou-treshold", "0.5"},
       "unknown flag '--iou-treshold' (did you mean '--iou-threshold'?)"},
      {{"convert"},
       {"--otu", "x"},
       "unknown flag '--otu' (did you mean "
       "'--out'?)"},
      {{"discover"},
       {"--feature", "a", "--featurs", "b"},
       "unknown flag '--featurs' (did you mean '--feature'?)"},
      {{"ap"},
       {"--lenint"},
       "unknown flag '--lenint' (did you mean "
       "'--lenient'?)"},
      {{"report"},
       {"--no-autos"},
       "unknown flag '--no-autos' (did you "
       "mean '--no-auto'?)"},
      {{"slice"},
       {"--stor", "x"},
       "unknown flag '--stor' (did you mean "
       "'--store'?)"},
      {{"slice", "create"},
       {"--nmae", "x"},
       "unknown flag '--nmae' (did you mean '--name'?)"},
      {{"slice", "update"},
       {"x", "--inplace"},
       "unknown flag '--inplace' (did you mean '--in-place'?)"},
      {{"slice", "check"},
       {"--snapshots"},
       "unknown flag '--snapshots' (did you mean '--snapshot'?)"},
      {{"slice", "auto"},
       {"--limits", "3"},
       "unknown flag '--limits' (did "
       "you mean '--limit'?)"},
      {{"slice", "show"}, {"x", "--actor", "ana"}, "unknown flag '--actor'"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = InStore(store, c.command);
    args.insert(args.end(), c.args.begin(), c.args.end());
    SCOPED_TRACE(absl::StrJoin(args, " "));
    const RunResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              absl::StrCat("slicekit: ", c.problem, "\n", Help(c.command)));
  }
  EXPECT_FALSE(Exists(store));
}

// A flag at the end that needs a value: a usage error, exit 2, for every
// command.
TEST(CliHelpTest, FlagMissingItsValueIsAUsageError) {
  const std::string store = TempPath("missing.db");
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"query", "--table"},
           {"query", "--table", "t.csv", "--where", "--count"},
           {"generate", "--rows"},
           {"eval", "--gt"},
           {"convert", "--table", "t.csv", "--out"},
           {"discover", "--table", "t.csv", "--top"},
           {"ap", "--iou"},
           {"report", "--out"},
           {"slice", "--org"},
           {"slice", "--store", store, "--org", "acme", "create", "--name"},
           {"slice", "--store", store, "--org", "acme", "restore", "x",
            "--version"},
           {"slice", "auto", "--table"},
       }) {
    SCOPED_TRACE(absl::StrJoin(args, " "));
    const RunResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    const std::string flag = args.back() == "--count" ? "--where" : args.back();
    EXPECT_EQ(r.error_line(),
              absl::StrCat("slicekit: ", flag, " needs a value"));
  }
  EXPECT_FALSE(Exists(store));
}

// A flag given twice that is not repeatable was never an error: the last
// one wins. Repeatable ones (--order-by of a slice, --feature, --slice)
// keep each.
TEST(CliHelpTest, RepeatedFlagsTheLastOneWins) {
  const std::string table = TempPath("repeat.csv");
  ASSERT_EQ(RunCli({"generate", "--rows", "50", "--seed", "2", "--out", table})
                .exit_code,
            0);
  const RunResult twice = RunCli(
      {"query", "--table", "/no/such.csv", "--table", table, "--limit", "9",
       "--limit", "2", "--where", "fp > 1000", "--where", "fp >= 0"});
  EXPECT_EQ(twice.exit_code, 0) << twice.err;
  EXPECT_EQ(LineCount(twice.out), 2u);
  const RunResult once =
      RunCli({"query", "--table", table, "--where", "fp >= 0", "--limit", "2"});
  EXPECT_EQ(twice.out, once.out);
  std::remove(table.c_str());
}

// An empty --where is the same bad input (exit 1, one line) for every
// command that takes one, and opens no store.
TEST(CliHelpTest, EmptyWhereIsAnErrorForEveryCommandThatTakesOne) {
  const std::string table = TempPath("where.csv");
  const std::string store = TempPath("where.db");
  ASSERT_EQ(RunCli({"generate", "--rows", "20", "--out", table}).exit_code, 0);
  const std::string gt =
      absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_small/gt.json");
  const std::string dets =
      absl::StrCat(SLICEKIT_TEST_DATA_DIR, "/coco_small/dets.json");
  for (const char* where : {"", " ", "\t\n"}) {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{
             {"query", "--table", table, "--where", where},
             {"slice", "--store", store, "--org", "acme", "create", "--name",
              "blank", "--where", where},
             {"slice", "--store", store, "--org", "acme", "update", "blank",
              "--where", where, "--in-place"},
             {"ap", "--gt", gt, "--pred", dets, "--where", where},
             {"errors", "--gt", gt, "--pred", dets, "--where", where},
             {"label-issues", "--gt", gt, "--pred", dets, "--where", where},
         }) {
      SCOPED_TRACE(absl::StrJoin(args, " "));
      const RunResult r = RunCli(args);
      EXPECT_EQ(r.exit_code, 1);
      EXPECT_EQ(r.out, "");
      EXPECT_EQ(r.err, "slicekit: empty filter\n");
    }
  }
  EXPECT_FALSE(Exists(store));
  std::remove(table.c_str());
}

}  // namespace
}  // namespace slicekit
