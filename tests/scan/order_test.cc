// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/order.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/expr.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"

namespace slicekit::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Row {
  std::string id;
  std::optional<float> score;
  std::optional<int64_t> count;
  std::optional<std::string> label;
};

// A small table: data_row_id, score (float), count (int), label
// (categorical), with ids appended out of byte-wise order.
class OrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        schema_, Schema::Create({{"score", ColumnType::kFloat},
                                 {"data_row_id", ColumnType::kId},
                                 {"count", ColumnType::kInt},
                                 {"label", ColumnType::kCategorical}}));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(table_,
                                  Table::Create(schema_, TableOptions{64}));
  }

  void Append(const std::vector<Row>& rows) {
    Batch batch(schema_);
    for (const Row& row : rows) {
      batch.AppendString(1, row.id);
      row.score.has_value() ? batch.AppendFloat(0, *row.score)
                            : batch.AppendNull(0);
      row.count.has_value() ? batch.AppendInt(2, *row.count)
                            : batch.AppendNull(2);
      row.label.has_value() ? batch.AppendString(3, *row.label)
                            : batch.AppendNull(3);
    }
    ASSERT_THAT(table_->Append(batch), IsOk());
  }

  // Returns the ids of OrderRows() over all live rows, or the error text.
  std::vector<std::string> Ids(const std::string& column, bool descending,
                               size_t offset = 0,
                               std::optional<size_t> limit = std::nullopt) {
    return IdsOf(table_->LiveRows(), column, descending, offset, limit);
  }

  std::vector<std::string> IdsOf(const Selection& selection,
                                 const std::string& column, bool descending,
                                 size_t offset = 0,
                                 std::optional<size_t> limit = std::nullopt) {
    absl::StatusOr<std::vector<RowIndex>> rows = OrderRows(
        *table_, selection, OrderBy{column, descending}, offset, limit);
    if (!rows.ok()) return {absl::StrCat("error: ", rows.status().ToString())};
    std::vector<std::string> ids;
    for (RowIndex row : *rows) ids.emplace_back(table_->RowId(row).value());
    return ids;
  }

  Schema schema_;
  std::optional<Table> table_;
};

TEST_F(OrderTest, AscendingPutsNullsLast) {
  Append({{"a", 0.5f, 1, "x"},
          {"b", std::nullopt, 2, "x"},
          {"c", -1.0f, 3, "x"},
          {"d", 2.0f, 4, "x"}});
  EXPECT_THAT(Ids("score", false), ElementsAre("c", "a", "d", "b"));
}

TEST_F(OrderTest, DescendingPutsNullsLastToo) {
  Append({{"a", 0.5f, 1, "x"},
          {"b", std::nullopt, 2, "x"},
          {"c", -1.0f, 3, "x"},
          {"d", 2.0f, std::nullopt, "x"}});
  EXPECT_THAT(Ids("score", true), ElementsAre("d", "a", "c", "b"));
  EXPECT_THAT(Ids("count", true), ElementsAre("c", "b", "a", "d"));
  EXPECT_THAT(Ids("count", false), ElementsAre("a", "b", "c", "d"));
}

TEST_F(OrderTest, BreaksTiesByIdAscendingInBothDirections) {
  // Appended out of order; "r10" < "r2" < "r3" byte-wise.
  Append({{"r3", 1.0f, 7, "x"},
          {"r10", 1.0f, 7, "x"},
          {"r2", 1.0f, 7, "x"},
          {"r0", 5.0f, 9, "x"},
          {"r9", std::nullopt, std::nullopt, "x"},
          {"r1", std::nullopt, std::nullopt, "x"}});
  EXPECT_THAT(Ids("score", false),
              ElementsAre("r10", "r2", "r3", "r0", "r1", "r9"));
  EXPECT_THAT(Ids("score", true),
              ElementsAre("r0", "r10", "r2", "r3", "r1", "r9"));
  EXPECT_THAT(Ids("count", true),
              ElementsAre("r0", "r10", "r2", "r3", "r1", "r9"));
}

TEST_F(OrderTest, NegativeZeroTiesWithZero) {
  // -0.0 == 0.0 in comparisons, so the id decides.
  Append({{"b", 0.0f, 0, "x"}, {"a", -0.0f, 0, "x"}, {"c", -0.0f, 0, "x"}});
  EXPECT_THAT(Ids("score", false), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Ids("score", true), ElementsAre("a", "b", "c"));
}

TEST_F(OrderTest, OrdersIntegersAcrossTheWholeRange) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  Append({{"a", 0.0f, kMax, "x"},
          {"b", 0.0f, -1, "x"},
          {"c", 0.0f, kMin, "x"},
          {"d", 0.0f, int64_t{1} << 40, "x"},
          {"e", 0.0f, 255, "x"},
          {"f", 0.0f, 0, "x"}});
  EXPECT_THAT(Ids("count", false), ElementsAre("c", "b", "f", "e", "d", "a"));
  EXPECT_THAT(Ids("count", true), ElementsAre("a", "d", "e", "f", "b", "c"));
}

TEST_F(OrderTest, OrdersCategoricalByteWise) {
  Append({{"1", 0.0f, 0, "b"},
          {"2", 0.0f, 0, "B"},
          {"3", 0.0f, 0, "\xc3\xa9"},
          {"4", 0.0f, 0, ""},
          {"5", 0.0f, 0, "a"},
          {"6", 0.0f, 0, std::nullopt},
          {"7", 0.0f, 0, "ab"},
          {"8", 0.0f, 0, "\x7f"}});
  EXPECT_THAT(Ids("label", false),
              ElementsAre("4", "2", "5", "7", "1", "8", "3", "6"));
  EXPECT_THAT(Ids("label", true),
              ElementsAre("3", "8", "1", "7", "5", "2", "4", "6"));
}

TEST_F(OrderTest, OrdersByDataRowIdItself) {
  Append({{"b", 0.0f, 0, "x"},
          {"a10", 0.0f, 0, "x"},
          {"\xc3\xa9", 0.0f, 0, "x"},
          {"a2", 0.0f, 0, "x"},
          {"B", 0.0f, 0, "x"}});
  EXPECT_THAT(Ids("data_row_id", false),
              ElementsAre("B", "a10", "a2", "b", "\xc3\xa9"));
  EXPECT_THAT(Ids("data_row_id", true),
              ElementsAre("\xc3\xa9", "b", "a2", "a10", "B"));
}

TEST_F(OrderTest, AppliesOffsetAndLimit) {
  Append({{"a", 1.0f, 0, "x"},
          {"b", 2.0f, 0, "x"},
          {"c", 3.0f, 0, "x"},
          {"d", 4.0f, 0, "x"},
          {"e", std::nullopt, 0, "x"}});
  EXPECT_THAT(Ids("score", false, 0, 2), ElementsAre("a", "b"));
  EXPECT_THAT(Ids("score", false, 2, 2), ElementsAre("c", "d"));
  EXPECT_THAT(Ids("score", false, 4, 2), ElementsAre("e"));
  EXPECT_THAT(Ids("score", true, 1, 3), ElementsAre("c", "b", "a"));
  EXPECT_THAT(Ids("score", false, 3), ElementsAre("d", "e"));
}

TEST_F(OrderTest, OffsetPastTheEndIsEmpty) {
  Append({{"a", 1.0f, 0, "x"}, {"b", 2.0f, 0, "x"}});
  EXPECT_THAT(Ids("score", false, 2), IsEmpty());
  EXPECT_THAT(Ids("score", false, 3, 10), IsEmpty());
  EXPECT_THAT(Ids("score", true, std::numeric_limits<size_t>::max(), 1),
              IsEmpty());
}

TEST_F(OrderTest, LimitZeroIsEmpty) {
  Append({{"a", 1.0f, 0, "x"}, {"b", 2.0f, 0, "x"}});
  EXPECT_THAT(Ids("score", false, 0, 0), IsEmpty());
  EXPECT_THAT(Ids("score", true, 1, 0), IsEmpty());
}

TEST_F(OrderTest, LimitLargerThanCountReturnsAll) {
  Append({{"a", 1.0f, 0, "x"}, {"b", 2.0f, 0, "x"}, {"c", 0.0f, 0, "x"}});
  EXPECT_THAT(Ids("score", false, 0, 100), ElementsAre("c", "a", "b"));
  EXPECT_THAT(Ids("score", true, 0, std::numeric_limits<size_t>::max()),
              ElementsAre("b", "a", "c"));
}

TEST_F(OrderTest, OrdersOnlySelectedLiveRows) {
  Append({{"a", 1.0f, 0, "x"},
          {"b", 2.0f, 0, "x"},
          {"c", 3.0f, 0, "x"},
          {"d", 4.0f, 0, "x"}});
  Selection some(table_->num_rows());
  some.Add(0);
  some.Add(2);
  some.Add(3);
  EXPECT_THAT(IdsOf(some, "score", true), ElementsAre("d", "c", "a"));
  // A row deleted after the selection was made is not returned.
  ASSERT_THAT(table_->Delete({"c"}), IsOk());
  EXPECT_THAT(IdsOf(some, "score", true), ElementsAre("d", "a"));
  EXPECT_THAT(IdsOf(Selection(table_->num_rows()), "score", true), IsEmpty());
}

TEST_F(OrderTest, EmptyTableGivesNoRows) {
  EXPECT_THAT(Ids("score", false), IsEmpty());
  EXPECT_THAT(Ids("data_row_id", true, 0, 10), IsEmpty());
}

TEST_F(OrderTest, RejectsUnknownColumn) {
  Append({{"a", 1.0f, 0, "x"}});
  absl::StatusOr<std::vector<RowIndex>> rows =
      OrderRows(*table_, table_->LiveRows(), OrderBy{"scroe", false});
  EXPECT_THAT(rows, StatusIs(absl::StatusCode::kNotFound, HasSubstr("scroe")));
}

TEST_F(OrderTest, OrdersAFilterResult) {
  Append({{"a", 0.9f, 1, "x"},
          {"b", 0.2f, 0, "x"},
          {"c", 0.7f, 3, "x"},
          {"d", std::nullopt, 2, "x"},
          {"e", 0.95f, 0, "x"}});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection selected,
                                Filter(*table_, Col("count") >= 1));
  EXPECT_THAT(IdsOf(selected, "score", true), ElementsAre("a", "c", "d"));
  EXPECT_THAT(IdsOf(selected, "score", true, 0, 1), ElementsAre("a"));
}

// ---- Randomized: OrderRows() against ReferenceOrder() ----

constexpr uint64_t kDefaultSeed = 7041;

uint64_t BaseSeed() {
  const char* env = std::getenv("SLICEKIT_SEED");
  if (env != nullptr && *env != '\0') return std::strtoull(env, nullptr, 0);
  return kDefaultSeed;
}

struct OrderCase {
  size_t rows;
  size_t chunk_rows;
};

void PrintTo(const OrderCase& c, std::ostream* os) {
  *os << c.rows << " rows in chunks of " << c.chunk_rows;
}

class OrderPropertyTest : public ::testing::TestWithParam<OrderCase> {};

TEST_P(OrderPropertyTest, MatchesReference) {
  const OrderCase& c = GetParam();
  const uint64_t seed = BaseSeed() * 1000003 + c.rows * 131 + c.chunk_rows;
  SCOPED_TRACE(absl::StrCat("replay: SLICEKIT_SEED=", BaseSeed()));
  std::mt19937_64 rng(seed);
  Table table = RandomTable(rng, c.rows, TableOptions{c.chunk_rows});
  const size_t n = table.num_rows();

  // Selections: every live row, a filter result, and random positions that
  // include deleted rows (which must not come back).
  std::vector<std::pair<std::string, Selection>> selections;
  selections.emplace_back("live rows", table.LiveRows());
  for (int i = 0; i < 2; ++i) {
    const Expr expr = RandomExpr(rng, table.schema(), 3);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection s, Filter(table, expr));
    selections.emplace_back("filter " + expr.ToString(), std::move(s));
  }
  Selection random_positions(n);
  for (size_t row = 0; row < n; ++row) {
    if (rng() % 3 == 0) random_positions.Add(static_cast<RowIndex>(row));
  }
  selections.emplace_back("random positions", std::move(random_positions));

  for (const auto& [name, selection] : selections) {
    SCOPED_TRACE(name);
    const size_t count = selection.Count();
    const std::vector<size_t> offsets = {0, 1, 7, count / 2, count, count + 5};
    const std::vector<std::optional<size_t>> limits = {
        std::nullopt, 0, 1, 3, 100, count + 1};
    for (const ColumnSpec& column : table.schema().columns()) {
      for (bool descending : {false, true}) {
        const OrderBy order{column.name, descending};
        for (int k = 0; k < 6; ++k) {
          const size_t offset = offsets[rng() % offsets.size()];
          const std::optional<size_t> limit = limits[rng() % limits.size()];
          SCOPED_TRACE(absl::StrCat(
              "ORDER BY ", column.name, descending ? " DESC" : " ASC",
              " OFFSET ", offset, " LIMIT ",
              limit.has_value() ? absl::StrCat(*limit) : std::string("none")));
          SLICEKIT_ASSERT_OK_AND_ASSIGN(
              std::vector<RowIndex> got,
              OrderRows(table, selection, order, offset, limit));
          const std::vector<RowIndex> want =
              ReferenceOrder(table, selection, order, offset, limit);
          ASSERT_THAT(got, ElementsAreArray(want));
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, OrderPropertyTest,
    ::testing::Values(OrderCase{0, 64}, OrderCase{1, 64}, OrderCase{65, 64},
                      OrderCase{700, 64}, OrderCase{700, 256},
                      OrderCase{3000, 128}, OrderCase{5000, 65536}),
    [](const ::testing::TestParamInfo<OrderCase>& info) {
      return absl::StrCat("Rows", info.param.rows, "Chunk",
                          info.param.chunk_rows);
    });

// Pages of a top-k read back to back give the full order.
TEST(OrderPagingTest, PagesConcatenateToTheFullOrder) {
  std::mt19937_64 rng(BaseSeed() + 17);
  Table table = RandomTable(rng, 1500, TableOptions{128});
  const Selection live = table.LiveRows();
  for (const char* column : {"confidence", "fp", "split", "data_row_id"}) {
    SCOPED_TRACE(column);
    for (bool descending : {false, true}) {
      const OrderBy order{column, descending};
      SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<RowIndex> full,
                                    OrderRows(table, live, order));
      ASSERT_EQ(full.size(), table.num_live_rows());
      std::vector<RowIndex> paged;
      for (size_t offset = 0; offset < full.size() + 37; offset += 37) {
        SLICEKIT_ASSERT_OK_AND_ASSIGN(
            std::vector<RowIndex> page,
            OrderRows(table, live, order, offset, 37));
        paged.insert(paged.end(), page.begin(), page.end());
      }
      EXPECT_EQ(paged, full);
    }
  }
}

}  // namespace
}  // namespace slicekit::testing

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

// A value of any column kind, NULL as nullopt, compared as the spec says.
int CompareCell(const Table& table, RowIndex a, RowIndex b, int column) {
  switch (table.schema().column(column).type) {
    case ColumnType::kFloat: {
      const auto x = table.GetFloat(a, column).value(),
                 y = table.GetFloat(b, column).value();
      if (x.has_value() != y.has_value()) return x.has_value() ? -1 : 1;
      if (!x.has_value() || *x == *y) return 0;
      return *x < *y ? -1 : 1;
    }
    case ColumnType::kInt: {
      const auto x = table.GetInt(a, column).value(),
                 y = table.GetInt(b, column).value();
      if (x.has_value() != y.has_value()) return x.has_value() ? -1 : 1;
      if (!x.has_value() || *x == *y) return 0;
      return *x < *y ? -1 : 1;
    }
    default: {
      const auto x = table.GetString(a, column).value(),
                 y = table.GetString(b, column).value();
      if (x.has_value() != y.has_value()) return x.has_value() ? -1 : 1;
      if (!x.has_value()) return 0;
      return testing::BytewiseCompare(*x, *y);
    }
  }
}

// True when row a orders before row b: key by key (NULLs last whatever the
// direction; the direction flips only the comparison of two values), then
// data_row_id ascending. Reads deleted rows too.
bool ReferenceBefore(const Table& table, const std::vector<OrderBy>& keys,
                     RowIndex a, RowIndex b) {
  for (const OrderBy& key : keys) {
    const int column = *table.schema().Find(key.column);
    const auto is_null = [&](RowIndex r) {
      switch (table.schema().column(column).type) {
        case ColumnType::kFloat:
          return !table.GetFloat(r, column).value().has_value();
        case ColumnType::kInt:
          return !table.GetInt(r, column).value().has_value();
        default:
          return !table.GetString(r, column).value().has_value();
      }
    };
    int c = CompareCell(table, a, b, column);
    if (key.descending && !is_null(a) && !is_null(b)) c = -c;
    if (c != 0) return c < 0;
  }
  return testing::BytewiseCompare(table.RowId(a).value(),
                                  table.RowId(b).value()) < 0;
}

// The naive multi-key order of the selected live rows.
std::vector<RowIndex> ReferenceMultiOrder(const Table& table,
                                          const Selection& selection,
                                          const std::vector<OrderBy>& keys) {
  std::vector<RowIndex> rows;
  selection.ForEach([&](RowIndex row) {
    if (table.IsLive(row)) rows.push_back(row);
  });
  std::sort(rows.begin(), rows.end(), [&](RowIndex a, RowIndex b) {
    return ReferenceBefore(table, keys, a, b);
  });
  return rows;
}

std::vector<OrderBy> RandomKeys(std::mt19937_64& rng, const Schema& schema) {
  std::vector<int> columns(schema.num_columns());
  std::iota(columns.begin(), columns.end(), 0);
  std::shuffle(columns.begin(), columns.end(), rng);
  const size_t n = 1 + rng() % 3;
  std::vector<OrderBy> keys;
  for (size_t i = 0; i < n; ++i) {
    keys.push_back({schema.column(columns[i]).name, rng() % 2 == 0});
    if (columns[i] == schema.id_column()) break;
  }
  return keys;
}

TEST(OrderMultiKeyTest, MatchesTheReference) {
  const uint64_t seed = 4242;
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 rng(seed);
  for (size_t rows : {size_t{0}, size_t{1}, size_t{150}, size_t{700}}) {
    Table table = testing::RandomTable(rng, rows, {.chunk_rows = 128});
    for (int round = 0; round < 40; ++round) {
      const std::vector<OrderBy> keys = RandomKeys(rng, table.schema());
      const Selection selection =
          round % 2 == 0
              ? table.LiveRows()
              : testing::ReferenceFilter(
                    table, testing::RandomExpr(rng, table.schema(), 3));
      const std::vector<RowIndex> expected =
          ReferenceMultiOrder(table, selection, keys);
      std::string what;
      for (const OrderBy& k : keys) {
        absl::StrAppend(&what, k.column, k.descending ? " desc " : " asc ");
      }
      SCOPED_TRACE(what);
      SLICEKIT_ASSERT_OK_AND_ASSIGN(std::vector<RowIndex> all,
                                    OrderRows(table, selection, keys));
      EXPECT_EQ(all, expected);
      const size_t offset = rng() % (rows + 2);
      const size_t limit = rng() % 20;
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          std::vector<RowIndex> page,
          OrderRows(table, selection, keys, offset, limit));
      std::vector<RowIndex> expected_page;
      for (size_t i = offset; i < expected.size() && i < offset + limit; ++i) {
        expected_page.push_back(expected[i]);
      }
      EXPECT_EQ(page, expected_page)
          << "offset " << offset << " limit " << limit;
    }
  }
}

TEST(OrderMultiKeyTest, NoKeysOrdersById) {
  std::mt19937_64 rng(7);
  Table table = testing::RandomTable(rng, 300, {.chunk_rows = 64});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      std::vector<RowIndex> rows,
      OrderRows(table, table.LiveRows(), absl::Span<const OrderBy>()));
  EXPECT_EQ(rows, ReferenceMultiOrder(table, table.LiveRows(), {}));
}

TEST(OrderMultiKeyTest, RejectsRepeatedAndUnknownColumns) {
  std::mt19937_64 rng(8);
  Table table = testing::RandomTable(rng, 10, {.chunk_rows = 64});
  const std::string column = table.schema().column(0).name;
  const std::vector<OrderBy> twice = {{column, false}, {column, true}};
  EXPECT_THAT(
      OrderRows(table, table.LiveRows(), twice),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("appears twice")));
  const std::vector<OrderBy> unknown = {{column, false}, {"nope", true}};
  EXPECT_THAT(OrderRows(table, table.LiveRows(), unknown),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown order-by column 'nope'")));
}

// Pages every row through OrderPage with `limit`, returning them in order.
std::vector<RowIndex> AllPages(const Table& table, const Selection& selection,
                               const std::vector<OrderBy>& keys, size_t limit) {
  std::vector<RowIndex> rows;
  std::string cursor;
  for (int guard = 0; guard < 100000; ++guard) {
    absl::StatusOr<OrderedPage> page =
        OrderPage(table, selection, keys, cursor, limit);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    EXPECT_LE(page->rows.size(), limit);
    rows.insert(rows.end(), page->rows.begin(), page->rows.end());
    if (page->next_cursor.empty()) break;
    cursor = page->next_cursor;
  }
  return rows;
}

TEST(OrderPageTest, PagesConcatenateToTheFullOrder) {
  const uint64_t seed = 99;
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 rng(seed);
  Table table = testing::RandomTable(rng, 900, {.chunk_rows = 128});
  for (int round = 0; round < 25; ++round) {
    const std::vector<OrderBy> keys = RandomKeys(rng, table.schema());
    const size_t limit = 1 + rng() % 50;
    EXPECT_EQ(AllPages(table, table.LiveRows(), keys, limit),
              ReferenceMultiOrder(table, table.LiveRows(), keys))
        << "limit " << limit;
  }
}

TEST(OrderPageTest, CursorStaysStableWhileRowsAreAppendedAndDeleted) {
  const uint64_t seed = 100;
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 15; ++round) {
    Table table = testing::RandomTable(rng, 400, {.chunk_rows = 64});
    const std::vector<OrderBy> keys = RandomKeys(rng, table.schema());
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        OrderedPage first, OrderPage(table, table.LiveRows(), keys, "", 60));
    ASSERT_FALSE(first.next_cursor.empty());
    const RowIndex last = first.rows.back();
    // Change the table: new rows land before and after the cursor, some
    // rows vanish (possibly the cursor's own row, whose values stay
    // readable).
    ASSERT_THAT(testing::AppendRandomRows(rng, table, 200), IsOk());
    ASSERT_THAT(testing::DeleteRandomRows(rng, table), IsOk());
    // Expected: exactly the live rows now ordered after the cursor's row.
    std::vector<RowIndex> expected;
    for (RowIndex r : ReferenceMultiOrder(table, table.LiveRows(), keys)) {
      if (ReferenceBefore(table, keys, last, r)) expected.push_back(r);
    }
    std::vector<RowIndex> rest;
    std::string cursor = first.next_cursor;
    for (int guard = 0; guard < 1000 && !cursor.empty(); ++guard) {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          OrderedPage page,
          OrderPage(table, table.LiveRows(), keys, cursor, 37));
      rest.insert(rest.end(), page.rows.begin(), page.rows.end());
      cursor = page.next_cursor;
    }
    EXPECT_EQ(rest, expected);
    for (RowIndex r : first.rows) {
      EXPECT_EQ(std::count(rest.begin(), rest.end(), r), 0) << r;
    }
  }
}

TEST(OrderCursorTest, ResumesAfterAnyRowAndMatchesNextCursor) {
  const uint64_t seed = 101;
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 rng(seed);
  Table table = testing::RandomTable(rng, 500, {.chunk_rows = 64});
  for (int round = 0; round < 20; ++round) {
    const std::vector<OrderBy> keys = RandomKeys(rng, table.schema());
    const std::vector<RowIndex> all =
        ReferenceMultiOrder(table, table.LiveRows(), keys);
    ASSERT_FALSE(all.empty());
    const size_t limit = 1 + rng() % 40;
    // A page that ends at row j has OrderCursor(j) as its next cursor.
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        OrderedPage page, OrderPage(table, table.LiveRows(), keys, "", limit));
    if (!page.next_cursor.empty()) {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::string last,
                                    OrderCursor(table, keys, page.rows.back()));
      EXPECT_EQ(last, page.next_cursor);
    }
    // Resuming after any row gives the rows that follow it.
    const size_t j = rng() % all.size();
    SLICEKIT_ASSERT_OK_AND_ASSIGN(std::string cursor,
                                  OrderCursor(table, keys, all[j]));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        OrderedPage rest,
        OrderPage(table, table.LiveRows(), keys, cursor, limit));
    const std::vector<RowIndex> expected(
        all.begin() + j + 1, all.begin() + std::min(all.size(), j + 1 + limit));
    EXPECT_EQ(rest.rows, expected) << "after position " << j;
  }
  EXPECT_THAT(OrderCursor(table, {{"nope", false}}, 0),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown order-by column 'nope'")));
  EXPECT_THAT(
      OrderCursor(table, {}, static_cast<RowIndex>(table.num_rows())),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr(absl::StrCat("row ", table.num_rows(),
                                      " is out of range; the table has ",
                                      table.num_rows(), " rows"))));
}

// Copies the rows of `table` at `rows` (live or not) into a new table with
// the same schema, in that order.
Table CopyRows(const Table& table, const std::vector<RowIndex>& rows) {
  const Schema& schema = table.schema();
  Batch batch(schema);
  for (RowIndex row : rows) {
    for (int c = 0; c < schema.num_columns(); ++c) {
      switch (schema.column(c).type) {
        case ColumnType::kFloat: {
          const std::optional<float> v = table.GetFloat(row, c).value();
          v.has_value() ? batch.AppendFloat(c, *v) : batch.AppendNull(c);
          break;
        }
        case ColumnType::kInt: {
          const std::optional<int64_t> v = table.GetInt(row, c).value();
          v.has_value() ? batch.AppendInt(c, *v) : batch.AppendNull(c);
          break;
        }
        default: {
          const std::optional<absl::string_view> v =
              table.GetString(row, c).value();
          v.has_value() ? batch.AppendString(c, *v) : batch.AppendNull(c);
          break;
        }
      }
    }
  }
  absl::StatusOr<Table> copy = Table::Create(schema, {.chunk_rows = 64});
  EXPECT_TRUE(copy.ok());
  EXPECT_THAT(copy->Append(batch), IsOk());
  return std::move(*copy);
}

// The partitioned use: a cursor made on the whole table resumes on a part
// of its rows, which may lack the cursor row's category strings (the
// `dataset` column has hundreds, so a small part lacks most of them).
TEST(OrderPageTest, CursorFromAnotherTableResumesOnAPartOfItsRows) {
  const uint64_t seed = 102;
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 rng(seed);
  Table whole = testing::RandomTable(rng, 600, {.chunk_rows = 64});
  std::vector<RowIndex> live;
  whole.LiveRows().ForEach([&](RowIndex r) { live.push_back(r); });
  int unknown_categories = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<RowIndex> part_rows;
    for (RowIndex r : live) {
      if (rng() % 8 == 0) part_rows.push_back(r);
    }
    const Table part = CopyRows(whole, part_rows);
    std::vector<OrderBy> keys = RandomKeys(rng, whole.schema());
    if (round % 2 == 0) {
      std::erase_if(keys,
                    [](const OrderBy& k) { return k.column == "dataset"; });
      keys.insert(keys.begin(), {"dataset", rng() % 2 == 0});
    }
    const std::vector<RowIndex> order =
        ReferenceMultiOrder(whole, whole.LiveRows(), keys);
    const size_t j = rng() % order.size();
    const std::optional<absl::string_view> category =
        whole.GetString(order[j], *whole.schema().Find("dataset")).value();
    if (category.has_value() &&
        !std::any_of(part_rows.begin(), part_rows.end(), [&](RowIndex r) {
          return whole.GetString(r, *whole.schema().Find("dataset")).value() ==
                 category;
        })) {
      ++unknown_categories;
    }
    // Expected: the part's ids in the whole's order after position j.
    std::vector<std::string> expected;
    for (size_t i = j + 1; i < order.size(); ++i) {
      if (part.Find(whole.RowId(order[i]).value()).value().has_value()) {
        expected.emplace_back(whole.RowId(order[i]).value());
      }
    }
    SLICEKIT_ASSERT_OK_AND_ASSIGN(std::string cursor,
                                  OrderCursor(whole, keys, order[j]));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        OrderedPage page,
        OrderPage(part, part.LiveRows(), keys, cursor, part.num_rows() + 1));
    std::vector<std::string> got;
    for (RowIndex r : page.rows) got.emplace_back(part.RowId(r).value());
    std::string what;
    for (const OrderBy& k : keys) {
      absl::StrAppend(&what, k.column, k.descending ? " desc " : " asc ");
    }
    EXPECT_EQ(got, expected) << what << "after position " << j;
  }
  // The case this test exists for must have come up.
  EXPECT_GT(unknown_categories, 3);
}

TEST(OrderPageTest, RejectsBadCursorsAndLimits) {
  std::mt19937_64 rng(5);
  Table table = testing::RandomTable(rng, 100, {.chunk_rows = 64});
  const std::vector<OrderBy> keys = {{table.schema().column(0).name, false}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      OrderedPage page, OrderPage(table, table.LiveRows(), keys, "", 10));
  ASSERT_FALSE(page.next_cursor.empty());
  EXPECT_THAT(OrderPage(table, table.LiveRows(), keys, "!!!", 10),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("malformed cursor")));
  EXPECT_THAT(OrderPage(table, table.LiveRows(), keys, "e30", 10),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("malformed cursor")));
  const std::vector<OrderBy> other = {{table.schema().column(0).name, true}};
  EXPECT_THAT(OrderPage(table, table.LiveRows(), other, page.next_cursor, 10),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cursor was made for order")));
  EXPECT_THAT(OrderPage(table, table.LiveRows(), keys, "", 0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("page limit 0 is out of range")));
}

// Column names are bytes (a Latin-1 CSV header); the cursor, JSON inside,
// holds them as UTF-8 with U+FFFD for other bytes, and must still be taken
// back for the order it was made for.
TEST(OrderPageTest, PagesByAColumnWhoseNameIsNotUtf8) {
  const std::string name = "conf\xe9";
  Table table = *Table::Create(*Schema::Create(
      {{"data_row_id", ColumnType::kId}, {name, ColumnType::kInt}}));
  Batch batch(table.schema());
  for (int i = 0; i < 25; ++i) {
    batch.AppendString(0, absl::StrCat("r", i));
    batch.AppendInt(1, (i * 7) % 10);
  }
  ASSERT_THAT(table.Append(batch), IsOk());
  const std::vector<OrderBy> keys = {{name, true}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const std::vector<RowIndex> all,
      OrderRows(table, table.LiveRows(), absl::MakeConstSpan(keys)));
  std::vector<RowIndex> paged;
  std::string cursor;
  do {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const OrderedPage page,
        OrderPage(table, table.LiveRows(), keys, cursor, 10));
    paged.insert(paged.end(), page.rows.begin(), page.rows.end());
    cursor = page.next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(paged, all);
  // Another order is still told apart, and named without the raw byte.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const OrderedPage first,
      OrderPage(table, table.LiveRows(), keys, "", 10));
  const std::vector<OrderBy> ascending = {{name, false}};
  EXPECT_THAT(
      OrderPage(table, table.LiveRows(), ascending, first.next_cursor, 10),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("cursor was made for order "
                         "'conf\xef\xbf\xbd:desc', not "
                         "'conf\\xE9:asc'")));
}

}  // namespace
}  // namespace slicekit
