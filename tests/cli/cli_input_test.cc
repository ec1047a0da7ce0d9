// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Where `--table` reads from: a CSV through a pipe (/dev/stdin, bash's
// <(...), a named pipe whose writer comes late) answers as the file does;
// a table file through a pipe, a terminal-like device and /dev/zero are
// refused with a message, never read forever or misread.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/run_program.h"

namespace slicekit {
namespace {

using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;
using ::testing::HasSubstr;

const std::string kCli = SLICEKIT_CLI_PATH;

// Runs `script` with bash (for pipes and <(...)); $S is the CLI.
RunResult Bash(const std::string& script) {
  return RunProgram("/bin/bash",
                    {"-c", absl::StrCat("S='", kCli, "'; ", script)});
}

class CliInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    csv_ = new std::string(TempPath("input.csv"));
    table_ = new std::string(TempPath("input.skt"));
    ASSERT_EQ(RunProgram(kCli, {"generate", "--rows", "3000", "--seed", "4",
                                "--out", *csv_})
                  .exit_code,
              0);
    ASSERT_EQ(RunProgram(kCli, {"convert", "--table", *csv_, "--out", *table_})
                  .exit_code,
              0);
  }
  // What the file itself answers.
  static std::string Expected(const std::string& where) {
    const RunResult r = RunProgram(
        kCli, {"query", "--table", *csv_, "--where", where, "--count"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  static std::string* csv_;
  static std::string* table_;
};
std::string* CliInputTest::csv_ = nullptr;
std::string* CliInputTest::table_ = nullptr;

TEST_F(CliInputTest, CsvFromStdinAnswersAsTheFile) {
  const std::string want = Expected("fp >= 1");
  ASSERT_NE(want, "0\n");
  const RunResult r = Bash(absl::StrCat(
      "cat '", *csv_,
      "' | $S query --table /dev/stdin --where 'fp >= 1' --count"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, want);
  // Ids too, in row order.
  const RunResult ids = Bash(absl::StrCat(
      "$S query --table /dev/stdin --where 'fp >= 3' < <(cat '", *csv_, "')"));
  const RunResult file =
      RunProgram(kCli, {"query", "--table", *csv_, "--where", "fp >= 3"});
  EXPECT_EQ(ids.exit_code, 0) << ids.err;
  EXPECT_EQ(ids.out, file.out);
}

TEST_F(CliInputTest, CsvFromProcessSubstitutionAnswersAsTheFile) {
  const RunResult r =
      Bash(absl::StrCat("$S query --table <(cat '", *csv_,
                        "') --where 'confidence < 0.5' --count"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Expected("confidence < 0.5"));
}

TEST_F(CliInputTest, NamedPipeWithALateWriterSaysItWaits) {
  const std::string fifo = TempPath("late.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // The writer starts after the CLI's first 2 s wait.
  const RunResult r =
      Bash(absl::StrCat("(sleep 3; cat '", *csv_, "' > '", fifo,
                        "') & $S query --table '", fifo, "' --count; wait"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "3000\n");
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat("slicekit: waiting for data on "
                                            "the pipe '",
                                            fifo, "'")));
  std::remove(fifo.c_str());
}

TEST_F(CliInputTest, TableFileThroughAPipeIsRefused) {
  const RunResult r = Bash(absl::StrCat(
      "cat '", *table_, "' | $S query --table /dev/stdin --count"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err,
              HasSubstr("'/dev/stdin' is a pipe carrying a table file: table "
                        "files are mapped, so give the file itself"));
}

TEST_F(CliInputTest, DevicesAreRefusedNotReadForever) {
  for (const char* device : {"/dev/zero", "/dev/null"}) {
    SCOPED_TRACE(device);
    const RunResult r =
        RunProgram(kCli, {"query", "--table", device, "--count"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr(absl::StrCat(
                           "cannot read '", device,
                           "': it is a character device, not a regular file "
                           "or a pipe")));
  }
  // The library's other readers refuse it the same way.
  const RunResult eval =
      RunProgram(kCli, {"eval", "--gt", "/dev/zero", "--pred", *csv_, "--out",
                        TempPath("eval.csv")});
  EXPECT_NE(eval.exit_code, 0);
  EXPECT_THAT(eval.err, HasSubstr("character device"));
}

}  // namespace
}  // namespace slicekit
