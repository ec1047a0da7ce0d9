// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// End to end: a saved slice over a real model run stays dynamic. Its
// membership follows the metrics when thresholds change (a new metrics
// table, the same saved slice), rows appended later, and rows deleted.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/slicekit.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;

// The data_row_ids of every page of `slice` on `table`, by OrderPage.
std::vector<std::string> ExploreAll(const Table& table, const Slice& slice) {
  std::vector<std::string> ids;
  ExploreOptions options;
  options.limit = 17;
  for (int guard = 0; guard < 10000; ++guard) {
    absl::StatusOr<ExplorePage> page = Explore(table, slice, options);
    EXPECT_THAT(page, IsOk());
    if (!page.ok()) break;
    for (RowIndex row : page->rows) ids.emplace_back(table.RowId(row).value());
    if (page->next_cursor.empty()) break;
    options.cursor = page->next_cursor;
  }
  return ids;
}

// The ids of rows with fp >= 1, from the metrics themselves (no table),
// ordered by max_fp_confidence descending, NULLs last, then id.
std::vector<std::string> ExpectedFalsePositives(const ModelRun& run,
                                                const RunMetrics& metrics) {
  struct Entry {
    std::optional<double> key;
    std::string id;
  };
  std::vector<Entry> entries;
  for (size_t r = 0; r < metrics.rows.size(); ++r) {
    if (metrics.rows[r].fp >= 1) {
      const std::optional<double> key = metrics.rows[r].max_fp_confidence;
      entries.push_back(
          {key ? std::optional<double>(static_cast<float>(*key)) : key,
           run.rows[r].data_row_id});
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.key.has_value() != b.key.has_value()) {
      return a.key.has_value();
    }
    if (a.key && *a.key != *b.key) return *a.key > *b.key;
    return a.id < b.id;
  });
  std::vector<std::string> ids;
  for (const Entry& e : entries) ids.push_back(e.id);
  return ids;
}

TEST(SliceDynamicTest, MembershipFollowsThresholdsAppendsAndDeletes) {
  const std::string dir = SLICEKIT_TEST_DATA_DIR "/coco_small/";
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const ModelRun run, ImportCocoFiles(dir + "gt.json", dir + "dets.json"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Evaluator evaluator,
                                Evaluator::Create(&run));
  std::unique_ptr<SliceStore> store = SliceStore::InMemory();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Slice slice,
      store->Create("acme", {.name = "Confident mistakes",
                             .description = "",
                             .filter = *ParseFilter("fp >= 1"),
                             .order_by = {{"max_fp_confidence", true}}}));

  std::vector<size_t> counts;
  for (double confidence : {0.0, 0.5, 0.9}) {
    SCOPED_TRACE(absl::StrCat("confidence threshold ", confidence));
    MetricsOptions options;
    options.confidence_threshold = confidence;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const RunMetrics metrics,
                                  evaluator.Compute(options));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table table,
                                  MetricsToTable(run, metrics));
    // The saved slice, read back from the store, on this table.
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Slice saved,
                                  store->Get("acme", slice.id));
    const std::vector<std::string> ids = ExploreAll(table, saved);
    EXPECT_EQ(ids, ExpectedFalsePositives(run, metrics));
    counts.push_back(ids.size());
  }
  // Raising the confidence threshold drops false positives: the same slice
  // holds fewer rows.
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_GT(counts[0], counts[1]);
  EXPECT_GT(counts[1], counts[2]);

  // Appends and deletes on one table.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const RunMetrics metrics,
                                evaluator.Compute({}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, MetricsToTable(run, metrics));
  const std::vector<std::string> before = ExploreAll(table, slice);
  ASSERT_GE(before.size(), 2u);
  ASSERT_THAT(table.Delete({before[0], before[1]}), IsOk());
  Batch batch(table.schema());
  for (int c = 0; c < table.schema().num_columns(); ++c) {
    const ColumnSpec& spec = table.schema().column(c);
    if (spec.type == ColumnType::kId) {
      batch.AppendString(c, "appended-row");
    } else if (spec.name == "fp") {
      batch.AppendInt(c, 2);
    } else if (spec.name == "max_fp_confidence") {
      batch.AppendFloat(c, 2.0f);  // above every real confidence: first
    } else {
      batch.AppendNull(c);
    }
  }
  ASSERT_THAT(table.Append(batch), IsOk());
  std::vector<std::string> expected = {"appended-row"};
  expected.insert(expected.end(), before.begin() + 2, before.end());
  EXPECT_EQ(ExploreAll(table, slice), expected);
}

}  // namespace
}  // namespace slicekit
