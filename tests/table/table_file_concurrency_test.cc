// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// A table opened with Verify::kOnFirstUse verifies each column, and builds
// its id index, on first use from whichever thread gets there first: many
// threads binding, scanning and looking ids up at once must all get the
// in-memory table's answers (run under TSan by scripts/check-sanitizers.sh).
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_text.h"
#include "slicekit/scan.h"
#include "slicekit/table.h"
#include "tests/testing/reference.h"
#include "tests/testing/run_program.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;

TEST(TableFileConcurrencyTest, FirstUseFromManyThreadsAgrees) {
  std::mt19937_64 rng(12);
  const Table table = testing::RandomTable(rng, 3000, {256});
  const std::string path = testing::TempPath("concurrent.skt");
  ASSERT_THAT(table.Save(path), IsOk());
  const std::vector<std::string> filters = {
      "confidence < 0.5", "fp >= 1 AND split = 'train'",
      "dataset IS NULL OR iou > 0.3", "tn BETWEEN 1 AND 5 OR recall < 0.2"};
  std::vector<Selection> want;
  for (const std::string& f : filters) {
    want.push_back(*Filter(table, *ParseFilter(f)));
  }
  for (int round = 0; round < 3; ++round) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const Table opened,
        Table::Open(path, {.verify = TableOpenOptions::Verify::kOnFirstUse}));
    std::vector<int> failures(8, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        const size_t f = t % filters.size();
        absl::StatusOr<Selection> got =
            Filter(opened, *ParseFilter(filters[f]), {.threads = 1 + t % 2});
        if (!got.ok() || *got != want[f]) ++failures[t];
        for (RowIndex row = static_cast<RowIndex>(t); row < table.num_rows();
             row += 97) {
          if (opened.Find(table.RowId(row).value()).value() !=
              table.Find(table.RowId(row).value()).value()) {
            ++failures[t];
          }
        }
        if (!opened.Verify().ok()) ++failures[t];
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_THAT(failures, ::testing::Each(0)) << "round " << round;
  }
}

}  // namespace
}  // namespace slicekit
