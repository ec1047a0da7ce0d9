// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/auto_slices.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "examples/metrics_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/expr.h"
#include "slicekit/filter_text.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "slicekit/slice_store.h"
#include "slicekit/table.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"

namespace slicekit::testing {
namespace {

using ::testing::ElementsAre;

// "tp desc, confidence asc" for readable comparisons.
std::string OrderText(const std::vector<OrderBy>& order) {
  std::string text;
  for (const OrderBy& key : order) {
    if (!text.empty()) text += ", ";
    text += key.column + (key.descending ? " desc" : " asc");
  }
  return text;
}

struct Expected {
  std::string name;
  Expr filter;
  std::string filter_text;
  std::vector<OrderBy> order;
};

void ExpectSlices(const std::vector<AutoSlice>& got,
                  const std::vector<Expected>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].name);
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_TRUE(got[i].filter == want[i].filter) << got[i].filter.ToString();
    EXPECT_EQ(got[i].filter.ToString(), want[i].filter_text);
    EXPECT_EQ(OrderText(got[i].order_by), OrderText(want[i].order));
    EXPECT_FALSE(got[i].description.empty());
    // The name is a valid slice name: 3 to 30 characters (ASCII here).
    EXPECT_GE(got[i].name.size(), 3u);
    EXPECT_LE(got[i].name.size(), 30u);
  }
}

std::vector<Expected> TableOfTheIssue(std::vector<OrderBy> mislabel_order) {
  return {
      {"True positives", Col("tp") >= 1, "tp >= 1", {{"tp", true}}},
      {"True negatives", Col("tn") >= 1, "tn >= 1", {{"tn", true}}},
      {"False positives", Col("fp") >= 1, "fp >= 1", {{"fp", true}}},
      {"False negatives", Col("fn") >= 1, "fn >= 1", {{"fn", true}}},
      {"Low precision",
       Col("precision").IsNotNull(),
       "precision IS NOT NULL",
       {{"precision", false}}},
      {"Low recall",
       Col("recall").IsNotNull(),
       "recall IS NOT NULL",
       {{"recall", false}}},
      {"Low F1", Col("f1").IsNotNull(), "f1 IS NOT NULL", {{"f1", false}}},
      {"Low confidence",
       Col("confidence").IsNotNull(),
       "confidence IS NOT NULL",
       {{"confidence", false}}},
      {"Candidate mislabels", Col("fp") >= 1, "fp >= 1",
       std::move(mislabel_order)},
  };
}

TEST(AutoSlicesTest, MetricsSchemaGetsTheTableWithConfidenceFallback) {
  ExpectSlices(AutoSlices(examples::MetricsSchema()),
               TableOfTheIssue({{"confidence", true}}));
}

TEST(AutoSlicesTest, MaxFpConfidenceOrdersCandidateMislabels) {
  std::vector<ColumnSpec> columns = examples::MetricsSchema().columns();
  columns.push_back({"max_fp_confidence", ColumnType::kFloat});
  ExpectSlices(
      AutoSlices(*Schema::Create(columns)),
      TableOfTheIssue({{"max_fp_confidence", true}, {"confidence", true}}));
}

TEST(AutoSlicesTest, OnlySlicesWhoseNumericColumnsExist) {
  const Schema schema = *Schema::Create({
      {"data_row_id", ColumnType::kId},
      {"tp", ColumnType::kInt},
      {"fp", ColumnType::kInt},
      {"recall", ColumnType::kFloat},
      {"f1", ColumnType::kCategorical},  // not numeric: no Low F1
      {"max_fp_confidence", ColumnType::kFloat},
  });
  std::vector<std::string> names;
  for (const AutoSlice& s : AutoSlices(schema)) names.push_back(s.name);
  EXPECT_THAT(names, ElementsAre("True positives", "False positives",
                                 "Low recall", "Candidate mislabels"));
  EXPECT_EQ(OrderText(AutoSlices(schema).back().order_by),
            "max_fp_confidence desc");

  // fp without any confidence column: no Candidate mislabels.
  const Schema bare = *Schema::Create(
      {{"data_row_id", ColumnType::kId}, {"fp", ColumnType::kInt}});
  names.clear();
  for (const AutoSlice& s : AutoSlices(bare)) names.push_back(s.name);
  EXPECT_THAT(names, ElementsAre("False positives"));

  const Schema none = *Schema::Create({{"data_row_id", ColumnType::kId}});
  EXPECT_TRUE(AutoSlices(none).empty());
}

TEST(AutoSlicesTest, LabelIssueScoreAddsLabelIssuesLast) {
  std::vector<ColumnSpec> columns = examples::MetricsSchema().columns();
  columns.push_back({"label_issue_score", ColumnType::kFloat});
  const std::vector<AutoSlice> slices = AutoSlices(*Schema::Create(columns));
  ASSERT_EQ(slices.size(), AutoSlices(examples::MetricsSchema()).size() + 1);
  const AutoSlice& last = slices.back();
  EXPECT_EQ(last.name, "Label issues");
  EXPECT_EQ(last.filter.ToString(), "label_issue_score IS NOT NULL");
  EXPECT_EQ(OrderText(last.order_by), "label_issue_score desc");
  // Candidate mislabels stays as it is, beside it.
  EXPECT_EQ(slices[slices.size() - 2].name, "Candidate mislabels");
  // Not numeric: no Label issues.
  columns.back().type = ColumnType::kCategorical;
  EXPECT_EQ(AutoSlices(*Schema::Create(columns)).back().name,
            "Candidate mislabels");
}

TEST(AutoSlicesTest, SavesAsAUserSlice) {
  const std::vector<AutoSlice> slices = AutoSlices(examples::MetricsSchema());
  const SliceSpec spec = AutoSliceSpec(slices.back());
  EXPECT_EQ(spec.name, "Candidate mislabels");
  EXPECT_EQ(spec.description, slices.back().description);
  EXPECT_TRUE(spec.filter == (Col("fp") >= 1));
  EXPECT_EQ(OrderText(spec.order_by), "confidence desc");
  // Every auto slice saves (valid names, orders), keeps its filter and
  // order, and counts against the org's slices.
  const std::unique_ptr<SliceStore> store = SliceStore::InMemory();
  for (const AutoSlice& auto_slice : slices) {
    SCOPED_TRACE(auto_slice.name);
    const absl::StatusOr<Slice> saved =
        store->Create("acme", AutoSliceSpec(auto_slice));
    ASSERT_THAT(saved, IsOk());
    EXPECT_EQ(saved->name, auto_slice.name);
    EXPECT_TRUE(saved->filter == auto_slice.filter);
    EXPECT_EQ(OrderText(saved->order_by), OrderText(auto_slice.order_by));
  }
  const absl::StatusOr<std::vector<Slice>> listed =
      store->List("acme", SliceListOrder::kByCreationTime);
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->size(), slices.size());
  // The filter survives the text form the store keeps.
  const absl::StatusOr<Expr> reparsed = ParseFilter(spec.filter.ToString());
  ASSERT_THAT(reparsed, IsOk());
  EXPECT_TRUE(*reparsed == spec.filter);
}

// The key of one row under an auto slice's order: per key (NULL last, then
// value in the key's direction), then the id.
using Key = std::tuple<std::vector<std::pair<int, double>>, std::string>;
Key RowKey(const Table& table, RowIndex row,
           const std::vector<OrderBy>& order) {
  Key key;
  for (const OrderBy& by : order) {
    const int c = *table.schema().Find(by.column);
    std::optional<double> v;
    if (table.schema().column(c).type == ColumnType::kInt) {
      if (auto i = table.GetInt(row, c).value()) v = static_cast<double>(*i);
    } else if (auto f = table.GetFloat(row, c).value()) {
      v = *f;
    }
    std::get<0>(key).push_back(
        {v.has_value() ? 0 : 1,
         v.has_value() ? (by.descending ? -*v : *v) : 0.0});
  }
  std::get<1>(key) = std::string(table.RowId(row).value());
  return key;
}

// Every auto slice's rows and top rows against a naive filter and sort.
TEST(AutoSlicesTest, ResultsMatchNaiveComputation) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, examples::GenerateMetricsTable(4000, 21, TableOptions{256}));
  ASSERT_THAT(table.Delete({"dr-00000002", "dr-00000100", "dr-00003999"}),
              IsOk());
  const std::vector<AutoSlice> slices = AutoSlices(table.schema());
  ASSERT_EQ(slices.size(), 9u);
  for (const AutoSlice& slice : slices) {
    SCOPED_TRACE(slice.name);
    // Naive: walk the rows, test the condition by hand.
    const std::string& column = slice.name == "Candidate mislabels"
                                    ? std::string("fp")
                                    : slice.order_by[0].column;
    const int c = *table.schema().Find(column);
    const bool is_count = slice.filter.kind() == Expr::Kind::kCompare;
    std::vector<RowIndex> naive;
    for (RowIndex r = 0; r < table.num_rows(); ++r) {
      if (!table.IsLive(r)) continue;
      bool in;
      if (is_count) {
        in = table.GetInt(r, c).value().value_or(0) >= 1;
      } else {
        in = table.schema().column(c).type == ColumnType::kInt
                 ? table.GetInt(r, c).value().has_value()
                 : table.GetFloat(r, c).value().has_value();
      }
      if (in) naive.push_back(r);
    }
    std::sort(naive.begin(), naive.end(), [&](RowIndex a, RowIndex b) {
      return RowKey(table, a, slice.order_by) <
             RowKey(table, b, slice.order_by);
    });
    ASSERT_FALSE(naive.empty());
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection rows,
                                  Filter(table, slice.filter));
    EXPECT_EQ(rows.Count(), naive.size());
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        const std::vector<RowIndex> top,
        OrderRows(table, rows, slice.order_by, 0, 25));
    const size_t n = std::min<size_t>(25, naive.size());
    EXPECT_EQ(top, std::vector<RowIndex>(naive.begin(), naive.begin() + n));
    // The low-* slices really start with the lowest value.
    if (!slice.order_by[0].descending) {
      EXPECT_LE(std::get<0>(RowKey(table, top.front(), slice.order_by)),
                std::get<0>(RowKey(table, top.back(), slice.order_by)));
    }
  }
}

}  // namespace
}  // namespace slicekit::testing
