// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/order.h"

#include <cstdint>
#include <cstdlib>
#include <limits>
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
    for (RowIndex row : *rows) ids.emplace_back(table_->RowId(row));
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
