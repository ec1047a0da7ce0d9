// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/table.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/curation.h"
#include "slicekit/explore.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "tests/testing/reference.h"
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
  EXPECT_EQ(table.RowId(1).value(), "b");
  EXPECT_EQ(table.GetFloat(0, 1).value(), 0.5f);
  EXPECT_EQ(table.GetFloat(1, 1).value(), std::nullopt);
  EXPECT_EQ(table.GetFloat(2, 1).value(), -1.25f);
  EXPECT_EQ(table.GetInt(0, 2).value(), 3);
  EXPECT_EQ(table.GetInt(1, 2).value(), -7);
  EXPECT_EQ(table.GetInt(2, 2).value(), std::nullopt);
  EXPECT_EQ(table.GetString(0, 3).value(), "train");
  EXPECT_EQ(table.GetString(1, 3).value(), "val");
  EXPECT_EQ(table.GetString(2, 3).value(), std::nullopt);
  EXPECT_EQ(table.GetString(2, 0).value(), "c");
  EXPECT_EQ(table.Find("b").value(), 1u);
  EXPECT_EQ(table.Find("zz").value(), std::nullopt);
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
      EXPECT_EQ(table.GetInt(row, 2).value(), expected[row]) << row;
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
  EXPECT_EQ(table.Find("b").value(), std::nullopt);
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
  EXPECT_EQ(table.Find("id3").value(), std::nullopt);
  EXPECT_THAT(table.Delete({"id3"}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("'id3'")));
  const Selection live = table.LiveRows();
  EXPECT_EQ(live.Count(), 198);
  EXPECT_FALSE(live.Contains(3));
  EXPECT_TRUE(live.Contains(199));
  // The id can be used again; it gets a new position.
  ASSERT_THAT(table.Append(MakeBatch(schema, {{"id3", 9.0f, 9, "t"}})), IsOk());
  EXPECT_EQ(table.Find("id3").value(), 200u);
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
    EXPECT_EQ(table.RowId(i).value(), rows[i].id);
    EXPECT_EQ(table.Find(rows[i].id).value(), static_cast<RowIndex>(i));
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

// ---- Compact() ----

// Rows 0..n-1 of TestSchema() with NULLs in every nullable column, values
// that need every storage width, a -0.0 and mixed id lengths.
std::vector<Row> CompactionRows(int n) {
  std::vector<Row> rows;
  for (int i = 0; i < n; ++i) {
    Row r;
    r.id = i % 5 == 0 ? absl::StrCat("long-id-", i) : absl::StrCat("r", i);
    if (i % 7 != 3) r.score = i % 11 == 0 ? -0.0f : 0.5f * i - 40.0f;
    if (i % 9 != 4) {
      r.count = i % 13 == 0 ? std::numeric_limits<int64_t>::min() + i
                            : (i % 17 == 0 ? int64_t{1} << 40 : i % 20);
    }
    if (i % 6 != 5) r.split = i % 4 == 0 ? "train" : (i % 4 == 1 ? "" : "val");
    rows.push_back(r);
  }
  return rows;
}

// Expects `table` to hold exactly `rows` at positions 0.. (values bit for
// bit, NULLs, ids, Find()), with no deleted rows.
void ExpectRows(const Table& table, const std::vector<Row>& rows) {
  ASSERT_EQ(table.num_rows(), rows.size());
  ASSERT_EQ(table.num_live_rows(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const RowIndex row = static_cast<RowIndex>(i);
    SCOPED_TRACE(absl::StrCat("row ", i, " id ", rows[i].id));
    EXPECT_TRUE(table.IsLive(row));
    EXPECT_EQ(table.RowId(row).value(), rows[i].id);
    EXPECT_EQ(table.Find(rows[i].id).value(), row);
    const std::optional<float> score = table.GetFloat(row, 1).value();
    ASSERT_EQ(score.has_value(), rows[i].score.has_value());
    if (score.has_value()) {
      EXPECT_EQ(std::signbit(*score), std::signbit(*rows[i].score));
      EXPECT_EQ(*score, *rows[i].score);
    }
    EXPECT_EQ(table.GetInt(row, 2).value(), rows[i].count);
    const std::optional<absl::string_view> split =
        table.GetString(row, 3).value();
    ASSERT_EQ(split.has_value(), rows[i].split.has_value());
    if (split.has_value()) {
      EXPECT_EQ(*split, *rows[i].split);
    }
  }
}

TEST(CompactTest, EmptyTableIsANoOp) {
  Table table = MakeTable();
  const Table::CompactionStats stats = table.Compact().value();
  EXPECT_EQ(stats.rows_removed, 0u);
  EXPECT_EQ(stats.rows_after, 0u);
  EXPECT_EQ(stats.generation, 0u);
  EXPECT_EQ(table.generation(), 0u);
  EXPECT_EQ(table.num_rows(), 0u);
  ASSERT_THAT(table.Append(MakeBatch(table.schema(), CompactionRows(3))),
              IsOk());
  ExpectRows(table, CompactionRows(3));
}

TEST(CompactTest, WithoutDeletionsNothingMoves) {
  Table table = MakeTable(64);
  const std::vector<Row> rows = CompactionRows(200);
  ASSERT_THAT(table.Append(MakeBatch(table.schema(), rows)), IsOk());
  const Selection live = table.LiveRows();
  const Table::CompactionStats stats = table.Compact().value();
  EXPECT_EQ(stats.rows_removed, 0u);
  EXPECT_EQ(stats.rows_after, 200u);
  EXPECT_EQ(stats.bytes_after, stats.bytes_before);
  EXPECT_EQ(table.generation(), 0u) << "positions did not change";
  ExpectRows(table, rows);
  // So selections from before stay usable.
  EXPECT_THAT(OrderRows(table, live, OrderBy{"count"}), IsOk());
}

TEST(CompactTest, EverythingDeleted) {
  Table table = MakeTable(64);
  const std::vector<Row> rows = CompactionRows(150);
  ASSERT_THAT(table.Append(MakeBatch(table.schema(), rows)), IsOk());
  std::vector<std::string> ids;
  for (const Row& r : rows) ids.push_back(r.id);
  ASSERT_THAT(table.Delete(ids), IsOk());
  const Table::CompactionStats stats = table.Compact().value();
  EXPECT_EQ(stats.rows_removed, 150u);
  EXPECT_EQ(stats.rows_after, 0u);
  EXPECT_LT(stats.bytes_after, stats.bytes_before);
  EXPECT_EQ(stats.generation, 1u);
  EXPECT_EQ(table.num_rows(), 0u);
  EXPECT_EQ(table.LiveRows().Count(), 0u);
  EXPECT_EQ(table.Find(rows[0].id).value(), std::nullopt);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection none,
                                Filter(table, Col("count") >= 0));
  EXPECT_EQ(none.num_rows(), 0u);
  // Every id can come back, from position 0.
  ASSERT_THAT(table.Append(MakeBatch(table.schema(), rows)), IsOk());
  ExpectRows(table, rows);
}

TEST(CompactTest, DeletionsAtChunkBoundariesMatchAFreshCopy) {
  const std::vector<Row> rows = CompactionRows(64 * 6 + 10);
  // Deleted: first and last rows of chunks, a whole chunk (128..191), most
  // of another, and the very last row.
  std::vector<bool> deleted(rows.size(), false);
  for (size_t i : {0, 63, 64, 127, 255, 256, 383, 384, 393}) deleted[i] = true;
  for (size_t i = 128; i < 192; ++i) deleted[i] = true;
  for (size_t i = 257; i < 380; ++i) deleted[i] = i % 10 != 0;
  for (size_t chunk : {64, 128, 65536}) {
    SCOPED_TRACE(absl::StrCat("chunk_rows ", chunk));
    Table table = MakeTable(chunk);
    ASSERT_THAT(table.Append(MakeBatch(table.schema(), rows)), IsOk());
    std::vector<std::string> ids;
    std::vector<Row> kept;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (deleted[i]) {
        ids.push_back(rows[i].id);
      } else {
        kept.push_back(rows[i]);
      }
    }
    ASSERT_THAT(table.Delete(ids), IsOk());
    const Table::CompactionStats stats = table.Compact().value();
    EXPECT_EQ(stats.rows_removed, ids.size());
    EXPECT_EQ(stats.rows_after, kept.size());
    EXPECT_EQ(table.generation(), 1u);
    ExpectRows(table, kept);
    for (const std::string& id : ids)
      EXPECT_EQ(table.Find(id).value(), std::nullopt);
    // The same rows appended to a fresh table: same storage size, since
    // compaction encodes them the same way (ids aside: their byte capacity
    // in the open chunk depends on how it grew).
    Table copy = MakeTable(chunk);
    ASSERT_THAT(copy.Append(MakeBatch(copy.schema(), kept)), IsOk());
    for (int c = 1; c < 4; ++c) {
      EXPECT_EQ(table.ColumnBytes(c), copy.ColumnBytes(c)) << "column " << c;
    }
    // Deleted ids can be appended again; appends go on after the live rows.
    ASSERT_THAT(table.Append(MakeBatch(table.schema(), {rows[0], rows[128]})),
                IsOk());
    EXPECT_EQ(table.Find(rows[0].id).value(), kept.size());
    EXPECT_EQ(table.Find(rows[128].id).value(), kept.size() + 1);
    EXPECT_THAT(table.Append(MakeBatch(table.schema(), {kept[5]})),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("already exists")));
    // Compacting twice in a row: the second has nothing to do.
    EXPECT_EQ(table.Compact().value().rows_removed, 0u);
    EXPECT_EQ(table.generation(), 1u);
  }
}

TEST(CompactTest, ZoneMapsAreRecomputed) {
  // Sorted values make zone maps decisive: after compaction each chunk
  // holds other values, and a stale min/max would skip or fully select the
  // wrong chunks.
  Table table = MakeTable(64);
  std::vector<Row> rows;
  for (int i = 0; i < 640; ++i) {
    rows.push_back(
        {absl::StrCat("z", i),
         i % 50 == 7 ? std::nullopt : std::optional<float>(0.25f * i),
         i < 320 ? std::optional<int64_t>(i) : std::nullopt,
         i % 128 < 64 ? "a" : "b"});
  }
  ASSERT_THAT(table.Append(MakeBatch(table.schema(), rows)), IsOk());
  std::vector<std::string> ids;
  for (int i = 0; i < 640; ++i) {
    if (i % 64 < 40 || (i >= 300 && i < 340)) ids.push_back(rows[i].id);
  }
  ASSERT_THAT(table.Delete(ids), IsOk());
  table.Compact().value();
  std::vector<Expr> filters = {Col("count").IsNull(), Col("count").IsNotNull(),
                               Col("score").IsNull(), Col("split") == "a",
                               Col("split") != "b"};
  for (int v = -1; v <= 641; v += 7) {
    filters.push_back(Col("count") >= v);
    filters.push_back(Col("count") < v);
    filters.push_back(Col("count") == v);
    filters.push_back(Col("count").Between(v, v + 30));
    filters.push_back(Col("score") > 0.25 * v);
    filters.push_back(Col("score").NotBetween(0.25 * v, 0.25 * v + 10));
    filters.push_back(Col("count").In({v, v + 1, 600}));
  }
  for (const Expr& filter : filters) {
    SCOPED_TRACE(filter.ToString());
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection got, Filter(table, filter));
    EXPECT_EQ(got, testing::ReferenceFilter(table, filter));
  }
}

TEST(CompactTest, RandomTablesScanLikeTheReference) {
  std::mt19937_64 rng(20261128);
  for (int t = 0; t < 12; ++t) {
    const size_t chunk = t % 3 == 0 ? 128 : 64;
    Table table = testing::RandomTable(rng, 100 + rng() % 2000, {chunk});
    // Every live row's cells as text (without its position), in order.
    auto cells = [&](RowIndex r) {
      const std::string s = testing::RowDebugString(table, r);
      return s.substr(s.find(':'));
    };
    std::vector<std::string> before;
    table.LiveRows().ForEach([&](RowIndex r) { before.push_back(cells(r)); });
    const size_t removed = table.num_rows() - table.num_live_rows();
    EXPECT_EQ(table.Compact().value().rows_removed, removed);
    std::vector<std::string> after;
    for (size_t r = 0; r < table.num_rows(); ++r) {
      after.push_back(cells(static_cast<RowIndex>(r)));
    }
    ASSERT_EQ(after, before) << "table " << t;
    for (int f = 0; f < 20; ++f) {
      const Expr filter = testing::RandomExpr(rng, table.schema(), 4);
      SCOPED_TRACE(filter.ToString());
      SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection got,
                                    Filter(table, filter, {.threads = 2}));
      ASSERT_EQ(got, testing::ReferenceFilter(table, filter));
    }
  }
}

TEST(CompactTest, StalePositionsAreRejectedAndValuesSurvive) {
  Table table = MakeTable(64);
  const std::vector<Row> rows = CompactionRows(300);
  ASSERT_THAT(table.Append(MakeBatch(table.schema(), rows)), IsOk());
  // Bound before compaction: filters on strings and ids stay valid.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      BoundFilter filter,
      Bind(Col("split") == "val" || Col("data_row_id").In({"r1", "r2"}),
           table));
  Slice vals;
  vals.id = "s1";
  vals.name = "Vals";
  vals.filter = Col("split") == "val";
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Curator curator,
                                Curator::Create(table, {vals}));
  const Selection stale = filter.Scan();
  const Table::Watermark mark = table.EndWatermark();
  const std::vector<OrderBy> keys = {{"count", true}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(OrderedPage page1,
                                OrderPage(table, stale, keys, "", 10));
  std::vector<std::string> ids;
  for (int i = 0; i < 300; i += 2) ids.push_back(rows[i].id);
  ids.push_back("r1");
  ASSERT_THAT(table.Delete(ids), IsOk());
  // The full order of the rows still selected, by id, before compaction.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<RowIndex> order_before,
                                OrderRows(table, filter.Scan(), keys));
  std::vector<std::string> ids_before;
  for (RowIndex r : order_before)
    ids_before.emplace_back(table.RowId(r).value());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      OrderedPage page2_before,
      OrderPage(table, filter.Scan(), keys, page1.next_cursor, 10));
  std::vector<std::string> page2_ids_before;
  for (RowIndex r : page2_before.rows) {
    page2_ids_before.emplace_back(table.RowId(r).value());
  }

  table.Compact().value();
  EXPECT_EQ(table.generation(), 1u);
  EXPECT_EQ(stale.generation(), 0u);
  EXPECT_THAT(
      OrderRows(table, stale, keys),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("compacted")));
  EXPECT_THAT(
      OrderPage(table, stale, keys, "", 10),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("stale")));
  EXPECT_THAT(
      Summarize(table, stale),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("compacted")));
  // A hand-made selection carries no generation and is not checked.
  Selection by_hand(table.num_rows());
  by_hand.Add(0);
  EXPECT_THAT(OrderRows(table, by_hand, keys), IsOk());
  // A fresh scan is current; the order by id is unchanged.
  const Selection fresh = filter.Scan();
  EXPECT_EQ(fresh.generation(), 1u);
  EXPECT_EQ(fresh, testing::ReferenceFilter(
                       table, Col("split") == "val" ||
                                  Col("data_row_id").In({"r1", "r2"})));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<RowIndex> order_after,
                                OrderRows(table, fresh, keys));
  std::vector<std::string> ids_after;
  for (RowIndex r : order_after) ids_after.emplace_back(table.RowId(r).value());
  EXPECT_EQ(ids_after, ids_before);
  // A cursor names values, not positions: it continues after compaction
  // with the same rows as just before it.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      OrderedPage page2, OrderPage(table, fresh, keys, page1.next_cursor, 10));
  std::vector<std::string> page2_ids;
  for (RowIndex r : page2.rows) page2_ids.emplace_back(table.RowId(r).value());
  EXPECT_EQ(page2_ids, page2_ids_before);
  EXPECT_EQ(page2_ids.size(), 10u);
  // Curation: a watermark from before is stale, a new one works.
  EXPECT_THAT(
      curator.NewRowsSince(mark),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("compacted")));
  const Table::Watermark now = table.EndWatermark();
  EXPECT_EQ(now.row, table.num_rows());
  EXPECT_EQ(now.generation, 1u);
  ASSERT_THAT(table.Append(MakeBatch(table.schema(), {{"new1", 1.0f, 1, "val"},
                                                      {"new2", 1.0f, 1, "x"}})),
              IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(CurationReport report,
                                curator.NewRowsSince(now));
  ASSERT_EQ(report.slices.size(), 1u);
  EXPECT_THAT(report.slices[0].rows, ElementsAre(now.row));
}

}  // namespace
}  // namespace slicekit
