// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit convert`, `eval --out X.skt` and every `--table` taking a table
// file as well as CSV (told apart by content): same answers from both, and
// a corrupt table file is a one-line error (exit 1), never a crash.
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/run_program.h"
#include "tests/testing/table_file_format.h"

namespace slicekit {
namespace {

using ::slicekit::testing::ReadFile;
using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;
using ::testing::HasSubstr;

RunResult RunCli(const std::vector<std::string>& args) {
  return RunProgram(SLICEKIT_CLI_PATH, args);
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

class CliTableFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    csv_ = new std::string(TempPath("run.csv"));
    skt_ = new std::string(TempPath("run.data"));  // any name: by content
    ASSERT_EQ(
        RunCli({"generate", "--rows", "5000", "--seed", "3", "--out", *csv_})
            .exit_code,
        0);
    const RunResult converted =
        RunCli({"convert", "--table", *csv_, "--out", *skt_});
    ASSERT_EQ(converted.exit_code, 0) << converted.err;
  }
  static void TearDownTestSuite() {
    delete csv_;
    delete skt_;
  }
  static std::string* csv_;
  static std::string* skt_;
};
std::string* CliTableFileTest::csv_ = nullptr;
std::string* CliTableFileTest::skt_ = nullptr;

TEST_F(CliTableFileTest, QueriesAnswerTheSameFromBothFormats) {
  const std::vector<std::vector<std::string>> queries = {
      {"--count"},
      {"--where", "confidence < 0.5 AND fp >= 1", "--count"},
      {"--where", "dataset IN ('ds1','ds5') AND NOT (split = 'train')"},
      {"--where", "fp >= 1", "--order-by", "confidence", "desc", "--limit",
       "20", "--offset", "3"},
      {"--order-by", "dataset", "--limit", "50", "--threads", "2"},
      {"--where", "iou IS NULL OR recall < 0.2", "--limit", "100"},
  };
  for (const std::vector<std::string>& query : queries) {
    std::vector<std::string> a = {"query", "--table", *csv_};
    std::vector<std::string> b = {"query", "--table", *skt_};
    a.insert(a.end(), query.begin(), query.end());
    b.insert(b.end(), query.begin(), query.end());
    const RunResult from_csv = RunCli(a);
    const RunResult from_file = RunCli(b);
    ASSERT_EQ(from_csv.exit_code, 0) << from_csv.err;
    ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
    EXPECT_FALSE(from_file.out.empty());
    EXPECT_EQ(from_file.out, from_csv.out) << query[0];
  }
  // Slices read it too.
  const RunResult auto_csv = RunCli({"slice", "auto", "--table", *csv_});
  const RunResult auto_file = RunCli({"slice", "auto", "--table", *skt_});
  ASSERT_EQ(auto_file.exit_code, 0) << auto_file.err;
  EXPECT_EQ(auto_file.out, auto_csv.out);
  // So does slice discovery.
  const RunResult discover_csv =
      RunCli({"discover", "--table", *csv_, "--top", "5"});
  const RunResult discover_file =
      RunCli({"discover", "--table", *skt_, "--top", "5"});
  ASSERT_EQ(discover_file.exit_code, 0) << discover_file.err;
  EXPECT_FALSE(discover_file.out.empty());
  EXPECT_EQ(discover_file.out, discover_csv.out);
}

TEST_F(CliTableFileTest, ConvertingATableFileGivesTheSameBytes) {
  const std::string again = TempPath("again.skt");
  const RunResult r = RunCli({"convert", "--table", *skt_, "--out", again});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(again), ReadFile(*skt_));
}

TEST_F(CliTableFileTest, EvalWritesATableFileWhenTheOutputEndsInSkt) {
  const std::string dir = SLICEKIT_TEST_DATA_DIR "/coco_small/";
  const std::string csv = TempPath("eval.csv");
  const std::string skt = TempPath("eval.skt");
  for (const std::string& out : {csv, skt}) {
    const RunResult r = RunCli({"eval", "--gt", dir + "gt.json", "--pred",
                                dir + "dets.json", "--out", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(ReadFile(skt).substr(0, 8), "\x89SKTBL\r\n");
  for (const char* where : {"fp >= 1", "confidence > 0.5 AND tp >= 1"}) {
    const RunResult a = RunCli({"query", "--table", csv, "--where", where,
                                "--order-by", "confidence", "desc"});
    const RunResult b = RunCli({"query", "--table", skt, "--where", where,
                                "--order-by", "confidence", "desc"});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_FALSE(b.out.empty());
    EXPECT_EQ(b.out, a.out) << where;
  }
}

TEST_F(CliTableFileTest, CorruptFilesAreOneLineErrors) {
  const std::string file = ReadFile(*skt_);
  // A flipped byte in the first values section of confidence (column 11
  // of the generated table) and in the first id section.
  for (const uint32_t column : {11u, 0u}) {
    std::string bad = file;
    for (const testing::FileSection& s : testing::Sections(file)) {
      if (s.kind == 2 && s.chunk == 0 && s.column == column) {
        bad[s.offset + 3] ^= 0x40;
      }
    }
    ASSERT_NE(bad, file);
    const std::string path = TempPath("corrupt.skt");
    WriteFile(path, bad);
    const RunResult filtered = RunCli(
        {"query", "--table", path, "--where", "confidence < 0.5", "--count"});
    const RunResult listed = RunCli({"query", "--table", path, "--limit", "3"});
    for (const RunResult& r : {filtered, listed}) {
      if (r.exit_code == 0) continue;  // the damage was not read
      EXPECT_EQ(r.exit_code, 1);
      EXPECT_THAT(r.error_line(), HasSubstr(path));
      EXPECT_THAT(r.error_line(), HasSubstr("checksum mismatch"));
    }
    EXPECT_EQ(column == 11 ? filtered.exit_code : listed.exit_code, 1);
    // Commands that read columns directly, not through a scan, check them
    // first too: an error, never numbers from a corrupt file.
    const std::string report = TempPath("report.html");
    for (const RunResult& r :
         {RunCli({"report", "--table", path, "--out", report}),
          RunCli({"discover", "--table", path, "--feature", "dataset",
                  "--error", column == 11 ? "confidence" : "fp + fn"})}) {
      EXPECT_EQ(r.exit_code, 1) << r.out;
      EXPECT_THAT(r.error_line(), HasSubstr("checksum mismatch"));
    }
    EXPECT_NE(access(report.c_str(), F_OK), 0) << "a report was written";
  }
  // A flipped byte in the string offsets of `dataset` (column 1): binding a
  // filter on it and ranking an order by it read those strings, so both
  // check the column first.
  {
    std::string bad = file;
    for (const testing::FileSection& s : testing::Sections(file)) {
      if (s.kind == 5 && s.column == 1) bad[s.offset + 3] ^= 0x40;
    }
    ASSERT_NE(bad, file);
    const std::string path = TempPath("corrupt_dictionary.skt");
    WriteFile(path, bad);
    for (const RunResult& r : {RunCli({"query", "--table", path, "--where",
                                       "dataset = 'ds1'", "--count"}),
                               RunCli({"query", "--table", path, "--order-by",
                                       "dataset", "--limit", "3"})}) {
      EXPECT_EQ(r.exit_code, 1) << r.out;
      EXPECT_THAT(r.error_line(), HasSubstr("checksum mismatch"));
    }
  }
  const std::string truncated = TempPath("truncated.skt");
  WriteFile(truncated, file.substr(0, file.size() / 2));
  const RunResult r = RunCli({"query", "--table", truncated, "--count"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.error_line(), HasSubstr("truncated"));
}

TEST_F(CliTableFileTest, ConvertUsageAndOutputErrors) {
  EXPECT_EQ(RunCli({"convert", "--table", *csv_}).exit_code, 2);
  EXPECT_EQ(RunCli({"convert", "--bogus", "x"}).exit_code, 2);
  const RunResult missing =
      RunCli({"convert", "--table", *csv_, "--out", "/no/such/dir/x.skt"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.error_line(), HasSubstr("/no/such/dir/x.skt"));
}

}  // namespace
}  // namespace slicekit
