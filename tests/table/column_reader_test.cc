// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// TableReader, the read seam: batch reads and one-value reads against the
// table's one-value accessors (the reference) on random tables (every
// storage width, NULL profile, deleted rows, chunk sizes below and above a
// batch) and random selections, and its errors.
#include "slicekit/column_reader.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/table.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

std::vector<int> EveryColumn(const Table& table) {
  std::vector<int> columns;
  for (int c = 0; c < table.schema().num_columns(); ++c) columns.push_back(c);
  return columns;
}

// A random selection over `rows` positions (maybe fewer than the table
// has): empty, sparse, dense or full.
Selection RandomSelection(std::mt19937_64& rng, size_t rows) {
  Selection s(rows);
  const int kind = static_cast<int>(rng() % 4);
  for (size_t r = 0; r < rows; ++r) {
    const bool add = kind == 1   ? rng() % 50 == 0
                     : kind == 2 ? rng() % 3 != 0
                                 : kind == 3;
    if (add) s.Add(static_cast<RowIndex>(r));
  }
  return s;
}

// Checks every value the batch decoded (its rows()) against the accessors.
void ExpectBatchMatches(const Table& table, const TableReader& reader,
                        const RowBatch& batch, const Selection* selection,
                        std::vector<uint8_t>* seen) {
  ASSERT_EQ(batch.first_row() % 64, 0u);
  ASSERT_LE(batch.size(), kMaxBatchRows);
  ASSERT_EQ(batch.rows().size(), (batch.size() + 63) / 64);
  for (size_t i = 0; i < batch.size(); ++i) {
    const RowIndex row = static_cast<RowIndex>(batch.first_row() + i);
    const bool expected =
        table.IsLive(row) && (selection == nullptr || selection->Contains(row));
    const bool got = (batch.rows()[i / 64] >> (i % 64)) & 1;
    ASSERT_EQ(got, expected) << "row " << row;
    if (!got) continue;
    (*seen)[row] = 1;
    for (size_t k = 0; k < reader.columns().size(); ++k) {
      const int c = reader.columns()[k];
      const ColumnVector& v = batch.column(k);
      SCOPED_TRACE(absl::StrCat("row ", row, " column ", c));
      ASSERT_EQ(v.size(), batch.size());
      ASSERT_EQ(v.type(), table.schema().column(c).type);
      switch (v.type()) {
        case ColumnType::kFloat: {
          const std::optional<float> want = table.GetFloat(row, c).value();
          ASSERT_EQ(v.IsValid(i), want.has_value());
          if (want) {
            EXPECT_EQ(v.floats()[i], *want);
          }
          EXPECT_EQ(reader.GetFloat(row, k), want);
          break;
        }
        case ColumnType::kInt: {
          const std::optional<int64_t> want = table.GetInt(row, c).value();
          ASSERT_EQ(v.IsValid(i), want.has_value());
          if (want) {
            EXPECT_EQ(v.ints()[i], *want);
          }
          EXPECT_EQ(reader.GetInt(row, k), want);
          break;
        }
        case ColumnType::kCategorical: {
          const std::optional<absl::string_view> want =
              table.GetString(row, c).value();
          ASSERT_EQ(v.IsValid(i), want.has_value());
          if (want) {
            EXPECT_EQ(v.StringAt(i), *want);
            EXPECT_EQ(reader.DictionaryString(k, v.ints()[i]), *want);
            EXPECT_LT(static_cast<size_t>(v.ints()[i]),
                      reader.DictionarySize(k));
          }
          EXPECT_EQ(reader.GetString(row, k), want);
          break;
        }
        case ColumnType::kId:
          ASSERT_TRUE(v.IsValid(i));
          EXPECT_EQ(v.StringAt(i), table.RowId(row).value());
          EXPECT_EQ(reader.GetString(row, k), table.RowId(row).value());
          break;
      }
    }
  }
}

class ColumnReaderPropertyTest : public ::testing::TestWithParam<size_t> {};

TEST_P(ColumnReaderPropertyTest, BatchesMatchTheAccessors) {
  const size_t chunk_rows = GetParam();
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937_64 rng(seed * 7919 + chunk_rows);
    const size_t rows = 1 + rng() % 9000;
    const Table table =
        testing::RandomTable(rng, rows, {.chunk_rows = chunk_rows});
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const TableReader reader,
                                  TableReader::Make(table, EveryColumn(table)));
    ASSERT_EQ(reader.BatchRows(), std::min(kMaxBatchRows, chunk_rows));
    ASSERT_EQ(reader.num_batches(),
              (table.num_rows() + reader.BatchRows() - 1) / reader.BatchRows());
    ASSERT_EQ(reader.num_rows(), table.num_rows());

    // Every live row, then a random selection (sometimes shorter than the
    // table), then a reader of a few columns in another order with repeats.
    std::vector<uint8_t> seen(table.num_rows(), 0);
    reader.ForEachBatch([&](const RowBatch& batch) {
      ExpectBatchMatches(table, reader, batch, nullptr, &seen);
    });
    for (RowIndex r = 0; r < table.num_rows(); ++r) {
      ASSERT_EQ(seen[r], table.IsLive(r) ? 1 : 0) << "row " << r;
    }
    const Selection selection =
        RandomSelection(rng, rng() % 4 == 0 ? rng() % (table.num_rows() + 1)
                                            : table.num_rows());
    std::fill(seen.begin(), seen.end(), 0);
    ASSERT_THAT(reader.ForEachBatch(selection,
                                    [&](const RowBatch& batch) {
                                      ExpectBatchMatches(table, reader, batch,
                                                         &selection, &seen);
                                    }),
                IsOk());
    for (RowIndex r = 0; r < table.num_rows(); ++r) {
      ASSERT_EQ(seen[r], table.IsLive(r) && selection.Contains(r) ? 1 : 0);
    }
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const TableReader some,
                                  TableReader::Make(table, {6, 0, 6, 2}));
    std::fill(seen.begin(), seen.end(), 0);
    RowBatch batch;
    for (size_t b = 0; b < some.num_batches(); ++b) {
      if (some.Read(b, &selection, &batch)) {
        ExpectBatchMatches(table, some, batch, &selection, &seen);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ChunkSizes, ColumnReaderPropertyTest,
                         ::testing::Values(64, 256, 2048, 8192, 65536),
                         [](const auto& info) {
                           return absl::StrCat("chunk", info.param);
                         });

TEST(ColumnReaderTest, StatsMergeTheZoneMaps) {
  std::mt19937_64 rng(17);
  const Table table = testing::RandomTable(rng, 5000, {.chunk_rows = 512});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const TableReader reader,
                                TableReader::Make(table, EveryColumn(table)));
  for (size_t k = 0; k < reader.columns().size(); ++k) {
    const int c = reader.columns()[k];
    const ColumnType type = table.schema().column(c).type;
    if (type == ColumnType::kId) continue;
    // Over every position, deleted rows included.
    size_t nulls = 0;
    std::optional<double> lo, hi;
    for (RowIndex r = 0; r < table.num_rows(); ++r) {
      std::optional<double> value;
      if (type == ColumnType::kFloat) {
        if (auto v = table.GetFloat(r, c).value()) value = *v;
      } else if (type == ColumnType::kInt) {
        if (auto v = table.GetInt(r, c).value()) value = *v;
      } else if (reader.GetString(r, k).has_value()) {
        value = 0;  // codes: checked below through the batches
      }
      if (!value.has_value()) {
        ++nulls;
        continue;
      }
      if (!lo || *value < *lo) lo = value;
      if (!hi || *value > *hi) hi = value;
    }
    const ColumnStats stats = reader.Stats(k);
    SCOPED_TRACE(table.schema().column(c).name);
    EXPECT_EQ(stats.null_count, nulls);
    if (type == ColumnType::kFloat) {
      EXPECT_EQ(stats.float_min.has_value(), lo.has_value());
      if (lo) {
        EXPECT_EQ(*stats.float_min, *lo);
      }
      if (hi) {
        EXPECT_EQ(*stats.float_max, *hi);
      }
      EXPECT_FALSE(stats.int_min.has_value());
    } else if (type == ColumnType::kInt) {
      EXPECT_EQ(stats.int_min.has_value(), lo.has_value());
      if (lo) {
        EXPECT_EQ(static_cast<double>(*stats.int_min), *lo);
      }
      if (hi) {
        EXPECT_EQ(static_cast<double>(*stats.int_max), *hi);
      }
    } else if (stats.int_min.has_value()) {
      EXPECT_GE(*stats.int_min, 0);
      EXPECT_LT(static_cast<size_t>(*stats.int_max), reader.DictionarySize(k));
    }
  }
}

TEST(ColumnReaderTest, FollowsTheTableAsItGrowsAndMoves) {
  std::mt19937_64 rng(5);
  Table table = testing::RandomTable(rng, 300, {.chunk_rows = 64});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const TableReader reader,
                                TableReader::Make(table, {5}));
  ASSERT_THAT(testing::AppendRandomRows(rng, table, 500), IsOk());
  const Table moved = std::move(table);
  EXPECT_EQ(reader.num_rows(), moved.num_rows());
  std::vector<uint8_t> seen(moved.num_rows(), 0);
  reader.ForEachBatch([&](const RowBatch& batch) {
    ExpectBatchMatches(moved, reader, batch, nullptr, &seen);
  });
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1),
            static_cast<std::ptrdiff_t>(moved.num_live_rows()));
}

TEST(ColumnReaderTest, BadColumnsAndStaleSelectionsAreErrors) {
  std::mt19937_64 rng(9);
  Table table = testing::RandomTable(rng, 1000, {.chunk_rows = 128});
  EXPECT_THAT(TableReader::Make(table, {0, 9}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column index 9 is not in the table (9 "
                                 "columns)")));
  EXPECT_THAT(TableReader::Make(table, {-1}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("-1")));
  EXPECT_THAT(
      TableReader::Make(table, std::vector<std::string>{"tp", "confidense"})
          .status(),
      StatusIs(absl::StatusCode::kNotFound,
               HasSubstr("unknown column 'confidense' (did you mean "
                         "'confidence'?)")));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const TableReader reader,
      TableReader::Make(table, std::vector<std::string>{"tp", "confidence"}));
  EXPECT_EQ(reader.columns(), (std::vector<int>{5, 0}));
  int calls = 0;
  const auto count = [&](const RowBatch&) { ++calls; };
  EXPECT_THAT(reader.ForEachBatch(Selection(table.num_rows() + 1), count),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the selection covers")));
  const Selection before = table.LiveRows();
  const std::vector<RowIndex> live = before.ToVector();
  ASSERT_FALSE(live.empty());
  ASSERT_THAT(table.Delete({std::string(table.RowId(live[0]).value())}),
              IsOk());
  ASSERT_THAT(table.Compact().status(), IsOk());
  EXPECT_THAT(
      reader.ForEachBatch(before, count),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("compacted")));
  EXPECT_EQ(calls, 0);
  // An empty table has no batches.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table empty,
                                Table::Create(testing::RandomTableSchema()));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const TableReader none,
                                TableReader::Make(empty, {0}));
  EXPECT_EQ(none.num_batches(), 0u);
  none.ForEachBatch(count);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace slicekit
