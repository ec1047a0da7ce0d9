// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/table.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Schema TestSchema() {
  return *Schema::Create({{"data_row_id", ColumnType::kId},
                          {"score", ColumnType::kFloat},
                          {"count", ColumnType::kInt},
                          {"split", ColumnType::kCategorical}});
}

struct Row {
  std::string id;
  std::optional<float> score;
  std::optional<int64_t> count;
  std::optional<std::string> split;
};

Batch MakeBatch(const Schema& schema, const std::vector<Row>& rows) {
  Batch batch(schema);
  for (const Row& r : rows) {
    batch.AppendString(0, r.id);
    r.score ? batch.AppendFloat(1, *r.score) : batch.AppendNull(1);
    r.count ? batch.AppendInt(2, *r.count) : batch.AppendNull(2);
    r.split ? batch.AppendString(3, *r.split) : batch.AppendNull(3);
  }
  return batch;
}

Table MakeTable(size_t chunk_rows = 64) {
  return *Table::Create(TestSchema(), {.chunk_rows = chunk_rows});
}

TEST(SchemaTest, RequiresExactlyOneIdColumnNamedDataRowId) {
  EXPECT_THAT(Schema::Create({{"x", ColumnType::kFloat}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no 'data_row_id' column")));
  EXPECT_THAT(Schema::Create({{"data_row_id", ColumnType::kInt}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must have type id, not int")));
  EXPECT_THAT(Schema::Create({{"data_row_id", ColumnType::kId},
                              {"other", ColumnType::kId}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'other' has type id")));
  EXPECT_THAT(Schema::Create({{"data_row_id", ColumnType::kId},
                              {"a", ColumnType::kInt},
                              {"a", ColumnType::kFloat}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'a' appears twice")));
  EXPECT_THAT(
      Schema::Create(
          {{"data_row_id", ColumnType::kId}, {"", ColumnType::kInt}}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty name")));
}

TEST(SchemaTest, FindsColumnsAndSuggestsClosestName) {
  const Schema schema = TestSchema();
  EXPECT_EQ(schema.Find("count"), 2);
  EXPECT_EQ(schema.Find("Count"), std::nullopt);
  EXPECT_EQ(schema.id_column(), 0);
  EXPECT_EQ(schema.ClosestName("scor"), "score");
  EXPECT_EQ(schema.ClosestName("SPLIT"), "split");
  EXPECT_EQ(schema.ClosestName("completely_unrelated"), "");
}

TEST(TableTest, RejectsBadChunkSizes) {
  for (size_t rows :
       {size_t{0}, size_t{32}, size_t{100}, size_t{192}, size_t{1} << 21}) {
    EXPECT_THAT(Table::Create(TestSchema(), {.chunk_rows = rows}),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("power of two in [64, 1048576]")))
        << rows;
  }
}

TEST(TableTest, AppendsAndReadsBackValuesAndNulls) {
  Table table = MakeTable();
  const Schema& schema = table.schema();
  ASSERT_THAT(table.Append(MakeBatch(
                  schema, {{"a", 0.5f, 3, "train"},
                           {"b", std::nullopt, -7, "val"},
                           {"c", -1.25f, std::nullopt, std::nullopt}})),
              IsOk());
  EXPECT_EQ(table.num_rows(), 3);
  EXPECT_EQ(table.num_live_rows(), 3);
  EXPECT_EQ(table.RowId(1), "b");
  EXPECT_EQ(table.GetFloat(0, 1), 0.5f);
  EXPECT_EQ(table.GetFloat(1, 1), std::nullopt);
  EXPECT_EQ(table.GetFloat(2, 1), -1.25f);
  EXPECT_EQ(table.GetInt(0, 2), 3);
  EXPECT_EQ(table.GetInt(1, 2), -7);
  EXPECT_EQ(table.GetInt(2, 2), std::nullopt);
  EXPECT_EQ(table.GetString(0, 3), "train");
  EXPECT_EQ(table.GetString(1, 3), "val");
  EXPECT_EQ(table.GetString(2, 3), std::nullopt);
  EXPECT_EQ(table.GetString(2, 0), "c");
  EXPECT_EQ(table.Find("b"), 1u);
  EXPECT_EQ(table.Find("zz"), std::nullopt);
  EXPECT_EQ(table.DictionarySize(3), 2);
}

TEST(TableTest, WidensIntegerStorageAcrossBatchesWithoutChangingValues) {
  // Values that force every width and a lower frame-of-reference base, in
  // one chunk and across chunks.
  const std::vector<int64_t> values = {5,
                                       6,
                                       300,
                                       -2,
                                       70000,
                                       -5000000000,
                                       std::numeric_limits<int64_t>::max(),
                                       std::numeric_limits<int64_t>::min(),
                                       0};
  for (size_t chunk_rows : {size_t{64}, size_t{128}}) {
    Table table = MakeTable(chunk_rows);
    std::vector<int64_t> expected;
    for (int round = 0; round < 20; ++round) {
      for (size_t i = 0; i < values.size(); ++i) {
        const std::string id = absl::StrCat("r", round, "_", i);
        const int64_t v = values[(i + round) % values.size()];
        ASSERT_THAT(
            table.Append(MakeBatch(table.schema(), {{id, 1.0f, v, "s"}})),
            IsOk());
        expected.push_back(v);
      }
    }
    ASSERT_EQ(table.num_rows(), expected.size());
    for (size_t row = 0; row < expected.size(); ++row) {
      EXPECT_EQ(table.GetInt(row, 2), expected[row]) << row;
    }
  }
}

TEST(TableTest, DuplicateIdLeavesTableUnchanged) {
  Table table = MakeTable();
  const Schema& schema = table.schema();
  ASSERT_THAT(table.Append(MakeBatch(schema, {{"a", 1.0f, 1, "x"}})), IsOk());
  EXPECT_THAT(
      table.Append(
          MakeBatch(schema, {{"b", 1.0f, 1, "new"}, {"a", 2.0f, 2, "y"}})),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("batch row 1: data_row_id 'a' already exists")));
  EXPECT_THAT(table.Append(MakeBatch(
                  schema, {{"c", 1.0f, 1, "x"}, {"c", 2.0f, 2, "y"}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duplicate data_row_id 'c' in the batch")));
  EXPECT_EQ(table.num_rows(), 1);
  EXPECT_EQ(table.Find("b"), std::nullopt);
  EXPECT_EQ(table.DictionarySize(3), 1) << "no dictionary entry leaked";
}

TEST(TableTest, RejectsEmptyNullIdsNonFiniteFloatsAndRaggedBatches) {
  Table table = MakeTable();
  const Schema& schema = table.schema();
  EXPECT_THAT(table.Append(MakeBatch(schema, {{"", 1.0f, 1, "x"}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("batch row 0: data_row_id is empty")));
  Batch null_id(schema);
  null_id.AppendNull(0);
  null_id.AppendFloat(1, 1);
  null_id.AppendInt(2, 1);
  null_id.AppendString(3, "x");
  EXPECT_THAT(table.Append(null_id),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("data_row_id is NULL")));
  for (float bad : {std::numeric_limits<float>::quiet_NaN(),
                    std::numeric_limits<float>::infinity()}) {
    EXPECT_THAT(table.Append(MakeBatch(
                    schema, {{"a", 1.0f, 1, "x"}, {"b", bad, 1, "x"}})),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("batch row 1, column 'score'")));
  }
  Batch ragged(schema);
  ragged.AppendString(0, "a");
  ragged.AppendFloat(1, 1);
  ragged.AppendString(3, "x");
  EXPECT_THAT(table.Append(ragged),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("batch column 'count' has 0 rows")));
  Batch other(*Schema::Create({{"data_row_id", ColumnType::kId}}));
  other.AppendString(0, "a");
  EXPECT_THAT(table.Append(other),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("schema differs")));
  EXPECT_EQ(table.num_rows(), 0);
}

TEST(TableTest, DeleteHidesRowsAndFreesTheirIds) {
  Table table = MakeTable();
  const Schema& schema = table.schema();
  std::vector<Row> rows;
  for (int i = 0; i < 200; ++i) {
    rows.push_back({absl::StrCat("id", i), 1.0f * i, i, "s"});
  }
  ASSERT_THAT(table.Append(MakeBatch(schema, rows)), IsOk());
  EXPECT_THAT(table.Delete({"id3", "id150", "missing"}),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("no live row has data_row_id 'missing'")));
  EXPECT_EQ(table.num_live_rows(), 200) << "a failed delete deletes nothing";
  ASSERT_THAT(table.Delete({"id3", "id150", "id3"}), IsOk());
  EXPECT_EQ(table.num_live_rows(), 198);
  EXPECT_FALSE(table.IsLive(3));
  EXPECT_FALSE(table.IsLive(150));
  EXPECT_TRUE(table.IsLive(4));
  EXPECT_EQ(table.Find("id3"), std::nullopt);
  EXPECT_THAT(table.Delete({"id3"}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("'id3'")));
  const Selection live = table.LiveRows();
  EXPECT_EQ(live.Count(), 198);
  EXPECT_FALSE(live.Contains(3));
  EXPECT_TRUE(live.Contains(199));
  // The id can be used again; it gets a new position.
  ASSERT_THAT(table.Append(MakeBatch(schema, {{"id3", 9.0f, 9, "t"}})), IsOk());
  EXPECT_EQ(table.Find("id3"), 200u);
  EXPECT_EQ(table.LiveRows().Count(), 199);
}

TEST(TableTest, MixedLengthIdsInOneChunkReadBack) {
  Table table = MakeTable(128);
  const Schema& schema = table.schema();
  std::vector<Row> rows;
  for (int i = 0; i < 300; ++i) {
    rows.push_back({std::string(1 + i % 7, static_cast<char>('a' + i % 26)) +
                        absl::StrCat(i),
                    0.0f, 0, "s"});
  }
  ASSERT_THAT(table.Append(MakeBatch(schema, rows)), IsOk());
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(table.RowId(i), rows[i].id);
    EXPECT_EQ(table.Find(rows[i].id), static_cast<RowIndex>(i));
  }
}

TEST(TableTest, CountsAreStoredInOneBytePerRow) {
  // The memory claim behind the bytes/row benchmark: small counts take one
  // byte, floats four, and NULL-free chunks carry no validity bitmap.
  Table table = MakeTable(65536);
  const Schema& schema = table.schema();
  std::vector<Row> rows;
  for (int i = 0; i < 65536 * 2; ++i) {
    rows.push_back({absl::StrCat("row", 1000000 + i), 0.25f * (i % 4), i % 20,
                    i % 3 == 0 ? "train" : "val"});
  }
  ASSERT_THAT(table.Append(MakeBatch(schema, rows)), IsOk());
  const double n = static_cast<double>(rows.size());
  EXPECT_LE(table.ColumnBytes(1) / n, 4 * 1.1);
  EXPECT_LE(table.ColumnBytes(2) / n, 1 * 1.1);
  EXPECT_LE(table.ColumnBytes(3) / n, 1 * 1.1);
  EXPECT_LE(table.ColumnBytes(0) / n, 10 * 1.1) << "fixed-width ids";
  // NULLs cost one bit per row.
  Table with_nulls = MakeTable(65536);
  for (Row& r : rows) r.score = std::nullopt;
  ASSERT_THAT(with_nulls.Append(MakeBatch(schema, rows)), IsOk());
  EXPECT_LE(with_nulls.ColumnBytes(1) / n, (4 + 1.0 / 8) * 1.1);
}

TEST(BatchTest, ClearKeepsSchemaAndEmptiesColumns) {
  const Schema schema = TestSchema();
  Batch batch = MakeBatch(schema, {{"a", 1.0f, 1, "x"}, {"b", 2.0f, 2, "y"}});
  EXPECT_EQ(batch.num_rows(), 2);
  EXPECT_EQ(batch.StringAt(3, 1), "y");
  batch.Clear();
  EXPECT_EQ(batch.num_rows(), 0);
  EXPECT_TRUE(batch.column(1).floats.empty());
  EXPECT_EQ(batch.schema(), schema);
}

}  // namespace
}  // namespace slicekit
