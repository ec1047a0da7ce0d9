// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Runs the `slicekit` binary (SLICEKIT_CLI_PATH) and checks its stdout,
// stderr and exit status.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "examples/metrics_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/slicekit.h"
#include "tests/testing/run_program.h"

namespace slicekit {
namespace {

using ::slicekit::testing::ReadFile;
using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

void WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream(path, std::ios::binary)
      << std::string(contents.data(), contents.size());
}

// Runs the CLI with `args` (argv[1...]), capturing stdout and stderr.
RunResult RunCli(const std::vector<std::string>& args) {
  return RunProgram(SLICEKIT_CLI_PATH, args);
}

// Ids in row order: r05 r02 r09 r01 r07 r03. confidence: .95 .20 .40 NULL
// .20 .75; fp: 0 2 1 0 3 1.
constexpr char kSmallCsv[] =
    "data_row_id,dataset,split,tp,fp,fn,tn,precision,recall,f1,iou,"
    "confidence\n"
    "r05,ds0,train,1,0,0,0,1,1,1,0.9,0.95\n"
    "r02,ds1,val,0,2,0,0,0,,0,0.1,0.20\n"
    "r09,ds0,test,0,1,1,0,0,0,0,,0.40\n"
    "r01,ds1,train,2,0,1,0,1,0.666667,0.8,0.7,\n"
    "r07,ds0,val,0,3,0,1,0,,0,0.05,0.20\n"
    "r03,ds0,train,1,1,0,0,0.5,1,0.666667,0.6,0.75\n";

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    small_ = new std::string(TempPath("small.csv"));
    WriteFile(*small_, kSmallCsv);
  }
  static void TearDownTestSuite() {
    std::remove(small_->c_str());
    delete small_;
  }

  // Runs `query --table <small> args...`.
  static RunResult Query(std::vector<std::string> args) {
    args.insert(args.begin(), {"query", "--table", *small_});
    return RunCli(args);
  }

  static const std::string& small() { return *small_; }

 private:
  static std::string* small_;
};

std::string* CliTest::small_ = nullptr;

// Expects success with exactly `out` on stdout and nothing on stderr.
void ExpectOutput(const RunResult& result, absl::string_view out) {
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, out);
  EXPECT_EQ(result.err, "");
}

TEST_F(CliTest, CountsAllRowsWithoutWhere) {
  ExpectOutput(Query({"--count"}), "6\n");
}

TEST_F(CliTest, CountsMatchingRows) {
  ExpectOutput(Query({"--where", "fp >= 1", "--count"}), "4\n");
  ExpectOutput(Query({"--where", "confidence IS NULL", "--count"}), "1\n");
  ExpectOutput(Query({"--where", "confidence > 2", "--count"}), "0\n");
}

TEST_F(CliTest, PrintsAllIdsInRowOrderWithoutWhere) {
  ExpectOutput(Query({}), "r05\nr02\nr09\nr01\nr07\nr03\n");
}

TEST_F(CliTest, PrintsMatchingIdsInRowOrder) {
  ExpectOutput(Query({"--where", "confidence < 0.5 AND fp >= 1"}),
               "r02\nr09\nr07\n");
  ExpectOutput(Query({"--where=fp >= 1"}), "r02\nr09\nr07\nr03\n");
  ExpectOutput(Query({"--where", "fp > 100"}), "");
}

TEST_F(CliTest, OrdersDescendingWithNullsLastAndTiesById) {
  ExpectOutput(Query({"--order-by", "confidence", "desc"}),
               "r05\nr03\nr09\nr02\nr07\nr01\n");
  ExpectOutput(Query({"--order-by", "confidence", "DESC"}),
               "r05\nr03\nr09\nr02\nr07\nr01\n");
}

TEST_F(CliTest, OrdersAscendingByDefault) {
  const std::string ascending = "r02\nr07\nr09\nr03\nr05\nr01\n";
  ExpectOutput(Query({"--order-by", "confidence", "asc"}), ascending);
  ExpectOutput(Query({"--order-by", "confidence"}), ascending);
  ExpectOutput(Query({"--order-by=confidence"}), ascending);
  // The direction word is optional: a flag may follow the column.
  ExpectOutput(Query({"--order-by", "confidence", "--limit", "2"}),
               "r02\nr07\n");
}

TEST_F(CliTest, OrderByAppliesOffsetAndLimit) {
  ExpectOutput(Query({"--order-by", "confidence", "desc", "--limit", "2",
                      "--offset", "1"}),
               "r03\nr09\n");
  ExpectOutput(
      Query({"--where", "fp >= 1", "--order-by", "fp", "desc", "--limit", "3"}),
      "r07\nr02\nr03\n");
  ExpectOutput(Query({"--order-by", "confidence", "--offset", "5"}), "r01\n");
  ExpectOutput(Query({"--order-by", "confidence", "--offset", "6"}), "");
  ExpectOutput(Query({"--order-by", "confidence", "--limit", "0"}), "");
}

TEST_F(CliTest, OffsetAndLimitApplyToRowOrderWithoutOrderBy) {
  ExpectOutput(Query({"--offset", "1", "--limit", "2"}), "r02\nr09\n");
  ExpectOutput(Query({"--where", "fp >= 1", "--offset", "3"}), "r03\n");
  ExpectOutput(Query({"--limit", "0"}), "");
  ExpectOutput(Query({"--offset", "100"}), "");
}

TEST_F(CliTest, CountIsWhatWouldBePrinted) {
  ExpectOutput(Query({"--count", "--limit", "2"}), "2\n");
  ExpectOutput(Query({"--count", "--offset", "5"}), "1\n");
  ExpectOutput(Query({"--count", "--offset", "10"}), "0\n");
  ExpectOutput(Query({"--count", "--order-by", "confidence", "desc"}), "6\n");
}

TEST_F(CliTest, ThreadsDoNotChangeTheResult) {
  ExpectOutput(Query({"--where", "fp >= 1", "--threads", "2"}),
               "r02\nr09\nr07\nr03\n");
  ExpectOutput(Query({"--where", "fp >= 1", "--threads", "8", "--count"}),
               "4\n");
}

TEST_F(CliTest, RepeatPrintsMedianNanosPerRowToStderr) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--where", "fp >= 1", "--repeat", "5"},
        std::vector<std::string>{"--repeat", "2", "--order-by", "confidence",
                                 "desc", "--limit", "2"},
        std::vector<std::string>{"--repeat=1", "--count"}}) {
    const RunResult result = Query(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_THAT(result.err, MatchesRegex("scan_ns_per_row=[0-9]+\\.[0-9]+\n"));
  }
  EXPECT_EQ(Query({"--where", "fp >= 1", "--repeat", "3"}).out,
            "r02\nr09\nr07\nr03\n");
  EXPECT_EQ(Query({"--order-by", "confidence", "desc", "--limit", "2",
                   "--repeat", "3"})
                .out,
            "r05\nr03\n");
  EXPECT_EQ(Query({"--repeat", "4", "--count"}).out, "6\n");
}

TEST_F(CliTest, HelpGoesToStdout) {
  // A command's --help prints its usage only (cli_help_test.cc).
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"-h"}, {"help"}}) {
    const RunResult result = RunCli(args);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_THAT(result.out, StartsWith("usage: slicekit query --table"));
    EXPECT_THAT(result.out, HasSubstr("slicekit generate --rows N"));
    EXPECT_EQ(result.err, "");
  }
}

// A usage error: exit 2, the problem and the usage on stderr, no output.
void ExpectUsageError(const RunResult& result, absl::string_view problem) {
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, StartsWith(absl::StrCat("slicekit: ", problem, "\n",
                                                  "usage: slicekit query")));
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  const std::string& t = small();
  struct Case {
    std::vector<std::string> args;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {{}, "missing command"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"Query", "--table", t}, "unknown command 'Query'"},
      {{"query"}, "query needs --table FILE.csv"},
      {{"query", "--where", "fp >= 1"}, "query needs --table FILE.csv"},
      {{"query", "--table"}, "--table needs a value"},
      {{"query", "--table", "--count"}, "--table needs a value"},
      {{"query", "--table", t, "--bogus"}, "unknown flag '--bogus'"},
      {{"query", "--table", t, "-c"}, "unexpected argument '-c'"},
      {{"query", "--table", t, "extra"}, "unexpected argument 'extra'"},
      {{"query", "--table", t, "--where"}, "--where needs a value"},
      {{"query", "--table", t, "--order-by"}, "--order-by needs a value"},
      {{"query", "--table", t, "--limit"}, "--limit needs a value"},
      {{"query", "--table", t, "--limit", "abc"},
       "--limit needs an integer in [0, 18446744073709551615], not 'abc'"},
      {{"query", "--table", t, "--limit", "-1"},
       "--limit needs an integer in [0, 18446744073709551615], not '-1'"},
      {{"query", "--table", t, "--limit", "1.5"},
       "--limit needs an integer in [0, 18446744073709551615], not '1.5'"},
      {{"query", "--table", t, "--limit="},
       "--limit needs an integer in [0, 18446744073709551615], not ''"},
      {{"query", "--table", t, "--offset", "99999999999999999999"},
       "--offset needs an integer in [0, 18446744073709551615], not "
       "'99999999999999999999'"},
      {{"query", "--table", t, "--threads", "0"},
       "--threads needs an integer in [1, 1024], not '0'"},
      {{"query", "--table", t, "--repeat", "0"},
       "--repeat needs an integer in [1, 1000000], not '0'"},
      {{"query", "--table", t, "--repeat", "x"},
       "--repeat needs an integer in [1, 1000000], not 'x'"},
      {{"query", "--table", t, "--count=yes"}, "--count takes no value"},
      {{"query", "--table", "/no/such/file.csv", "--limit", "x"},
       "--limit needs an integer in [0, 18446744073709551615], not 'x'"},
      {{"generate"}, "generate needs --rows N"},
      {{"generate", "--seed", "3"}, "generate needs --rows N"},
      {{"generate", "--rows", "ten"},
       "--rows needs an integer in [0, 4294967295], not 'ten'"},
      {{"generate", "--rows", "5", "--seed", "-1"},
       "--seed needs an integer in [0, 18446744073709551615], not '-1'"},
      {{"generate", "--rows", "5", "--out"}, "--out needs a value"},
      {{"generate", "5"}, "unexpected argument '5'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrJoin(c.args, " "));
    ExpectUsageError(RunCli(c.args), c.problem);
  }
}

// A mistyped flag gets the closest flag of its command, if one is near, and
// that command's usage only, not the overview.
TEST_F(CliTest, UnknownFlagPrintsItsCommandsUsageOnly) {
  const RunResult bogus = RunCli({"generate", "--rows", "5", "--bogus", "1"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_EQ(bogus.out, "");
  EXPECT_THAT(bogus.err, StartsWith("slicekit: unknown flag '--bogus'\n"
                                    "usage: slicekit generate --rows N"));
  EXPECT_THAT(bogus.err, Not(HasSubstr("slicekit query")));
  const RunResult typo = RunCli({"query", "--tabel", small(), "--count"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_EQ(typo.out, "");
  EXPECT_THAT(typo.err,
              StartsWith("slicekit: unknown flag '--tabel' (did you mean "
                         "'--table'?)\nusage: slicekit query --table FILE"));
  EXPECT_THAT(typo.err, Not(HasSubstr("slicekit generate")));
}

// Bad input: exit 1 and one line on stderr.
void ExpectInputError(const RunResult& result, absl::string_view message) {
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, absl::StrCat("slicekit: ", message, "\n"));
}

TEST_F(CliTest, BlankWhereIsAnError) {
  for (const char* where : {"", " ", "\t\n  "}) {
    ExpectInputError(Query({"--where", where}), "empty filter");
    ExpectInputError(Query({"--where", where, "--count"}), "empty filter");
  }
  ExpectInputError(Query({"--where="}), "empty filter");
}

TEST_F(CliTest, MissingTableFileIsBadInput) {
  const std::string path = TempPath("missing.csv");
  ExpectInputError(
      RunCli({"query", "--table", path, "--count"}),
      absl::StrCat("cannot open '", path, "': No such file or directory"));
}

TEST_F(CliTest, MalformedCsvIsBadInputWithLineAndColumn) {
  const std::string path = TempPath("bad.csv");
  WriteFile(path, "data_row_id,tp\na,1\nb,x\n");
  ExpectInputError(RunCli({"query", "--table", path}),
                   path + ":3:3: column 'tp': 'x' is not an integer");
  WriteFile(path, "data_row_id,tp\na,1\na,2\n");
  ExpectInputError(
      RunCli({"query", "--table", path, "--count"}),
      path + ":3:1: column 'data_row_id': duplicate id 'a' (first on line 2)");
  std::remove(path.c_str());
}

TEST_F(CliTest, FilterSyntaxErrorIsBadInput) {
  const RunResult result = Query({"--where", "confidence <"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, StartsWith("slicekit: at "));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
}

TEST_F(CliTest, BindErrorsAreBadInput) {
  RunResult result = Query({"--where", "confidense < 0.5"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, StartsWith("slicekit: unknown column 'confidense'"));
  result = Query({"--where", "dataset < 5", "--count"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, StartsWith("slicekit: "));
  EXPECT_EQ(result.out, "");
}

TEST_F(CliTest, UnknownOrderByColumnIsBadInput) {
  const RunResult result = Query({"--order-by", "nosuchcolumn", "desc"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err,
              StartsWith("slicekit: unknown column 'nosuchcolumn'"));
  EXPECT_THAT(result.err, HasSubstr("in --order-by\n"));
}

std::string GeneratedCsv(uint64_t rows, uint64_t seed) {
  std::ostringstream out;
  examples::WriteMetricsCsv(rows, seed, out);
  return out.str();
}

TEST(CliGenerateTest, WritesThePeerTableToStdout) {
  // `gen_metrics 5 42` from ../shared/peer/gen_metrics.cc.
  ExpectOutput(
      RunCli({"generate", "--rows", "5", "--seed", "42"}),
      "data_row_id,dataset,split,tp,fp,fn,tn,precision,recall,f1,iou,"
      "confidence\n"
      "dr-00000001,ds0,val,1,0,0,4,1.000000,1.000000,1.000000,0.0190155,"
      "0.2703775\n"
      "dr-00000002,ds0,train,6,0,0,3,1.000000,1.000000,1.000000,0.5133965,"
      "0.6651595\n"
      "dr-00000003,ds6,train,0,0,0,1,,,,0.9573255,0.5998165\n"
      "dr-00000004,ds0,train,2,0,1,1,1.000000,0.666667,0.800000,0.9419275,"
      "0.2581155\n"
      "dr-00000005,ds1,train,5,1,2,4,0.833333,0.714286,0.769231,0.9513605,"
      "0.7612055\n");
}

TEST(CliGenerateTest, SeedDefaultsToOne) {
  const RunResult defaulted = RunCli({"generate", "--rows", "50"});
  ExpectOutput(defaulted, GeneratedCsv(50, 1));
  ExpectOutput(RunCli({"generate", "--rows=0"}),
               std::string(examples::kMetricsCsvHeader) + "\n");
}

TEST(CliGenerateTest, UnwritableOutIsBadInput) {
  const RunResult result =
      RunCli({"generate", "--rows", "5", "--out", "/no/such/dir/x.csv"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err,
              StartsWith("slicekit: cannot open '/no/such/dir/x.csv' for "
                         "writing"));
}

// The rows of `table` matching `keep`, by a plain loop over the getters.
template <typename Keep>
std::vector<RowIndex> NaiveFilter(const Table& table, Keep keep) {
  std::vector<RowIndex> rows;
  for (RowIndex row = 0; row < table.num_rows(); ++row) {
    if (keep(row)) rows.push_back(row);
  }
  return rows;
}

std::string IdLines(const Table& table, const std::vector<RowIndex>& rows) {
  std::string out;
  for (RowIndex row : rows)
    absl::StrAppend(&out, table.RowId(row).value(), "\n");
  return out;
}

TEST(CliGenerateTest, QueriesAGeneratedTableLikeANaiveLoop) {
  constexpr uint64_t kRows = 30000;
  const std::string path = TempPath("generated.csv");
  ExpectOutput(RunCli({"generate", "--rows", std::to_string(kRows), "--seed",
                       "3", "--out", path}),
               "");
  ASSERT_EQ(ReadFile(path), GeneratedCsv(kRows, 3));

  absl::StatusOr<Table> table = examples::GenerateMetricsTable(kRows, 3);
  ASSERT_TRUE(table.ok()) << table.status();
  const int fp = *table->schema().Find("fp");
  const int confidence = *table->schema().Find("confidence");
  const int iou = *table->schema().Find("iou");
  const std::vector<RowIndex> low_confidence_fp =
      NaiveFilter(*table, [&](RowIndex row) {
        return *table->GetInt(row, fp).value() >= 1 &&
               *table->GetFloat(row, confidence).value() < 0.3f;
      });
  ASSERT_FALSE(low_confidence_fp.empty());
  const std::string where = "fp >= 1 AND confidence < 0.3";
  ExpectOutput(RunCli({"query", "--table", path, "--where", where, "--count"}),
               absl::StrCat(low_confidence_fp.size(), "\n"));
  ExpectOutput(RunCli({"query", "--table", path, "--where", where}),
               IdLines(*table, low_confidence_fp));

  // Top 10 by iou descending after skipping 5, NULLs last, ties by id.
  std::vector<RowIndex> by_iou = NaiveFilter(*table, [&](RowIndex row) {
    return *table->GetInt(row, fp).value() >= 1;
  });
  std::stable_sort(by_iou.begin(), by_iou.end(), [&](RowIndex a, RowIndex b) {
    const std::optional<float> x = table->GetFloat(a, iou).value();
    const std::optional<float> y = table->GetFloat(b, iou).value();
    if (x.has_value() != y.has_value()) return x.has_value();
    if (x && *x != *y) return *x > *y;
    return table->RowId(a).value() < table->RowId(b).value();
  });
  by_iou = std::vector<RowIndex>(by_iou.begin() + 5, by_iou.begin() + 15);
  ExpectOutput(
      RunCli({"query", "--table", path, "--where", "fp >= 1", "--order-by",
              "iou", "desc", "--offset", "5", "--limit", "10"}),
      IdLines(*table, by_iou));

  // Every id, in row order: a large output through the buffered writer.
  const RunResult all = RunCli({"query", "--table", path});
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_EQ(
      all.out,
      IdLines(*table, NaiveFilter(*table, [](RowIndex) { return true; })));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace slicekit
