// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/explore.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "examples/metrics_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "slicekit/csv.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "slicekit/table.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"

namespace slicekit::testing {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

// A row of the small hand-built tables: the counts and two float metrics.
struct Row {
  std::string id;
  std::optional<int64_t> tp, fp, fn;
  std::optional<float> confidence, iou;
  std::string dataset = "a";
};

Schema SmallSchema() {
  return *Schema::Create({{"data_row_id", ColumnType::kId},
                          {"dataset", ColumnType::kCategorical},
                          {"tp", ColumnType::kInt},
                          {"fp", ColumnType::kInt},
                          {"fn", ColumnType::kInt},
                          {"confidence", ColumnType::kFloat},
                          {"iou", ColumnType::kFloat}});
}

Table SmallTable(const std::vector<Row>& rows) {
  const Schema schema = SmallSchema();
  Table table = *Table::Create(schema, TableOptions{64});
  Batch batch(schema);
  const auto put_int = [&](int c, std::optional<int64_t> v) {
    v.has_value() ? batch.AppendInt(c, *v) : batch.AppendNull(c);
  };
  const auto put_float = [&](int c, std::optional<float> v) {
    v.has_value() ? batch.AppendFloat(c, *v) : batch.AppendNull(c);
  };
  for (const Row& row : rows) {
    batch.AppendString(0, row.id);
    batch.AppendString(1, row.dataset);
    put_int(2, row.tp);
    put_int(3, row.fp);
    put_int(4, row.fn);
    put_float(5, row.confidence);
    put_float(6, row.iou);
  }
  EXPECT_THAT(table.Append(batch), IsOk());
  return table;
}

// ---- Summaries ----------------------------------------------------------

TEST(SummarizeTest, HandComputedWithNulls) {
  const Table table = SmallTable({
      {"r1", 3, 1, 0, 0.5f, 0.75f},
      {"r2", 1, std::nullopt, 2, std::nullopt, 0.25f},
      {"r3", std::nullopt, 2, 1, 1.0f, std::nullopt},
      {"r4", 0, 0, 0, 0.0f, std::nullopt},
  });
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s, SummarizeAll(table));
  EXPECT_EQ(s.rows, 4u);
  EXPECT_EQ(s.tp, 4);
  EXPECT_EQ(s.fp, 3);
  EXPECT_EQ(s.fn, 3);
  EXPECT_THAT(s.precision, Optional(DoubleEq(4.0 / 7.0)));
  EXPECT_THAT(s.recall, Optional(DoubleEq(4.0 / 7.0)));
  EXPECT_THAT(s.f1, Optional(DoubleEq(8.0 / 14.0)));
  // Means over non-NULL values only: (0.5 + 1 + 0) / 3 and (0.75 + 0.25) / 2.
  EXPECT_THAT(s.mean_confidence, Optional(DoubleEq(0.5)));
  EXPECT_THAT(s.mean_iou, Optional(DoubleEq(0.5)));
  EXPECT_EQ(s.confidence_count, 3u);
  EXPECT_EQ(s.iou_count, 2u);
}

TEST(SummarizeTest, SelectionPicksRows) {
  const Table table = SmallTable({
      {"r1", 3, 1, 0, 0.5f, 0.75f},
      {"r2", 1, 0, 3, 0.25f, 0.25f},
      {"r3", 0, 2, 1, 1.0f, 0.5f},
  });
  Selection selection(table.num_rows());
  selection.Add(1);
  selection.Add(2);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s,
                                Summarize(table, selection));
  EXPECT_EQ(s.rows, 2u);
  EXPECT_EQ(s.tp, 1);
  EXPECT_EQ(s.fp, 2);
  EXPECT_EQ(s.fn, 4);
  EXPECT_THAT(s.precision, Optional(DoubleEq(1.0 / 3.0)));
  EXPECT_THAT(s.recall, Optional(DoubleEq(1.0 / 5.0)));
  EXPECT_THAT(s.f1, Optional(DoubleEq(2.0 / 8.0)));
  EXPECT_THAT(s.mean_confidence, Optional(DoubleEq(0.625)));
  EXPECT_THAT(s.mean_iou, Optional(DoubleEq(0.375)));
}

TEST(SummarizeTest, ZeroDenominatorsAreNullopt) {
  // No counts at all: every ratio is undefined.
  {
    const Table table =
        SmallTable({{"r1", 0, 0, 0, std::nullopt, std::nullopt}});
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s, SummarizeAll(table));
    EXPECT_EQ(s.rows, 1u);
    EXPECT_EQ(s.precision, std::nullopt);
    EXPECT_EQ(s.recall, std::nullopt);
    EXPECT_EQ(s.f1, std::nullopt);
    EXPECT_EQ(s.mean_confidence, std::nullopt);
    EXPECT_EQ(s.mean_iou, std::nullopt);
  }
  // Only false positives: precision 0, recall undefined, F1 0.
  {
    const Table table = SmallTable({{"r1", 0, 2, 0, 0.5f, 0.5f}});
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s, SummarizeAll(table));
    EXPECT_THAT(s.precision, Optional(DoubleEq(0.0)));
    EXPECT_EQ(s.recall, std::nullopt);
    EXPECT_THAT(s.f1, Optional(DoubleEq(0.0)));
  }
  // Only false negatives: precision undefined, recall 0.
  {
    const Table table = SmallTable({{"r1", 0, 0, 5, 0.5f, 0.5f}});
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s, SummarizeAll(table));
    EXPECT_EQ(s.precision, std::nullopt);
    EXPECT_THAT(s.recall, Optional(DoubleEq(0.0)));
    EXPECT_THAT(s.f1, Optional(DoubleEq(0.0)));
  }
  // All counts NULL: like zeros.
  {
    const Table table = SmallTable(
        {{"r1", std::nullopt, std::nullopt, std::nullopt, 0.5f, 0.5f}});
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s, SummarizeAll(table));
    EXPECT_EQ(s.tp, 0);
    EXPECT_EQ(s.precision, std::nullopt);
    EXPECT_EQ(s.f1, std::nullopt);
  }
}

TEST(SummarizeTest, EmptySelection) {
  const Table table = SmallTable({{"r1", 1, 1, 1, 0.5f, 0.5f}});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s,
                                Summarize(table, Selection(table.num_rows())));
  EXPECT_EQ(s, SliceSummary{});
}

TEST(SummarizeTest, DeletedRowsAreSkipped) {
  Table table = SmallTable({
      {"r1", 3, 1, 0, 0.5f, 0.75f},
      {"r2", 1, 0, 3, 0.25f, 0.25f},
  });
  const Selection both = table.LiveRows();
  ASSERT_THAT(table.Delete({"r1"}), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s, Summarize(table, both));
  EXPECT_EQ(s.rows, 1u);
  EXPECT_EQ(s.tp, 1);
  EXPECT_THAT(s.mean_confidence, Optional(DoubleEq(0.25)));
}

TEST(SummarizeTest, MissingColumnsLeaveFieldsEmpty) {
  const Schema schema = *Schema::Create({{"data_row_id", ColumnType::kId},
                                         {"tp", ColumnType::kInt},
                                         {"fp", ColumnType::kInt}});
  Table table = *Table::Create(schema);
  Batch batch(schema);
  batch.AppendString(0, "a");
  batch.AppendInt(1, 3);
  batch.AppendInt(2, 1);
  ASSERT_THAT(table.Append(batch), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s, SummarizeAll(table));
  EXPECT_EQ(s.rows, 1u);
  EXPECT_EQ(s.fn, 0);
  EXPECT_THAT(s.precision, Optional(DoubleEq(0.75)));
  EXPECT_EQ(s.recall, std::nullopt);  // no fn column
  EXPECT_EQ(s.f1, std::nullopt);
  EXPECT_EQ(s.mean_confidence, std::nullopt);
  EXPECT_EQ(s.mean_iou, std::nullopt);
}

TEST(SummarizeTest, PerClassCounts) {
  const Schema schema = *Schema::Create({
      {"data_row_id", ColumnType::kId},
      {"tp", ColumnType::kInt},
      {"fp", ColumnType::kInt},
      {"fn", ColumnType::kInt},
      {"tp[person]", ColumnType::kInt},
      {"fp[person]", ColumnType::kInt},  // no fn[person]
      {"tp[car]", ColumnType::kInt},
      {"fp[car]", ColumnType::kInt},
      {"fn[car]", ColumnType::kInt},
      {"iou[car]", ColumnType::kFloat},   // not a count
      {"fp[truck]", ColumnType::kFloat},  // not an int: ignored
  });
  Table table = *Table::Create(schema, TableOptions{64});
  Batch batch(schema);
  // id, tp, fp, fn, tp[person], fp[person], tp[car], fp[car], fn[car]
  const std::vector<std::vector<std::optional<int64_t>>> rows = {
      {3, 1, 1, 1, 1, 2, 0, 1},
      {2, 2, 0, 0, std::nullopt, 2, 2, 0},
      {0, 0, 4, 0, 0, 0, 0, 4},
  };
  for (size_t r = 0; r < rows.size(); ++r) {
    batch.AppendString(0, absl::StrCat("r", r));
    for (size_t c = 0; c < rows[r].size(); ++c) {
      rows[r][c].has_value() ? batch.AppendInt(c + 1, *rows[r][c])
                             : batch.AppendNull(c + 1);
    }
    batch.AppendFloat(9, 0.5f);
    batch.AppendFloat(10, 1.0f);
  }
  ASSERT_THAT(table.Append(batch), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary s, SummarizeAll(table));
  EXPECT_EQ(s.tp, 5);
  ASSERT_EQ(s.classes.size(), 2u);
  const ClassSummary& car = s.classes[0];  // sorted by name
  EXPECT_EQ(car.class_name, "car");
  EXPECT_EQ(car.tp, 4);
  EXPECT_EQ(car.fp, 2);
  EXPECT_EQ(car.fn, 5);
  EXPECT_THAT(car.precision, Optional(DoubleEq(4.0 / 6.0)));
  EXPECT_THAT(car.recall, Optional(DoubleEq(4.0 / 9.0)));
  EXPECT_THAT(car.f1, Optional(DoubleEq(8.0 / 15.0)));
  const ClassSummary& person = s.classes[1];
  EXPECT_EQ(person.class_name, "person");
  EXPECT_EQ(person.tp, 1);
  EXPECT_EQ(person.fp, 1);
  EXPECT_EQ(person.fn, 0);
  EXPECT_THAT(person.precision, Optional(DoubleEq(0.5)));
  EXPECT_EQ(person.recall, std::nullopt);  // no fn[person] column
  EXPECT_EQ(person.f1, std::nullopt);
  // A selection of one row.
  Selection second(table.num_rows());
  second.Add(1);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary one,
                                Summarize(table, second));
  ASSERT_EQ(one.classes.size(), 2u);
  EXPECT_EQ(one.classes[0].tp, 2);
  EXPECT_EQ(one.classes[1].tp, 0);                    // NULL adds nothing
  EXPECT_EQ(one.classes[1].precision, std::nullopt);  // 0 / 0
  // No per-class columns: no classes.
  const Table plain = SmallTable({{"r1", 1, 1, 1, 0.5f, 0.5f}});
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary p, SummarizeAll(plain));
  EXPECT_TRUE(p.classes.empty());
}

TEST(SummarizeTest, RejectsWrongTypesAndOversizedSelections) {
  const Schema schema = *Schema::Create(
      {{"data_row_id", ColumnType::kId}, {"tp", ColumnType::kFloat}});
  Table table = *Table::Create(schema);
  EXPECT_THAT(SummarizeAll(table), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("column 'tp' is float")));
  const Table small = SmallTable({{"r1", 1, 1, 1, 0.5f, 0.5f}});
  EXPECT_THAT(Summarize(small, Selection(65)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("covers 65 rows")));
}

// The chunk-reading summary against one computed through the getters, on a
// generated table with small chunks and deletions.
TEST(SummarizeTest, MatchesGettersOnGeneratedTable) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, examples::GenerateMetricsTable(3000, 7, TableOptions{64}));
  std::vector<std::string> doomed;
  for (int i = 1; i <= 1500; i += 7) {  // the second half keeps whole words
    char id[32];
    std::snprintf(id, sizeof(id), "dr-%08d", i);
    doomed.push_back(id);
  }
  ASSERT_THAT(table.Delete(doomed), IsOk());
  const Schema& schema = table.schema();
  const int tp = *schema.Find("tp"), fp = *schema.Find("fp"),
            fn = *schema.Find("fn"), conf = *schema.Find("confidence"),
            iou = *schema.Find("iou");
  std::mt19937_64 rng(11);
  for (int round = 0; round < 5; ++round) {
    Selection selection(table.num_rows());
    // Every position (whole words: the dense path), a range, random rows.
    for (RowIndex r = 0; r < table.num_rows(); ++r) {
      const bool in = round == 0   ? true
                      : round == 1 ? r >= 500 && r < 2500
                                   : rng() % 3 == 0;
      if (in) selection.Add(r);
    }
    SliceSummary want;
    double conf_sum = 0, iou_sum = 0;
    size_t conf_n = 0, iou_n = 0;
    selection.ForEach([&](RowIndex r) {
      if (!table.IsLive(r)) return;
      ++want.rows;
      want.tp += table.GetInt(r, tp).value().value_or(0);
      want.fp += table.GetInt(r, fp).value().value_or(0);
      want.fn += table.GetInt(r, fn).value().value_or(0);
      if (auto v = table.GetFloat(r, conf).value()) conf_sum += *v, ++conf_n;
      if (auto v = table.GetFloat(r, iou).value()) iou_sum += *v, ++iou_n;
    });
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary got,
                                  Summarize(table, selection));
    EXPECT_EQ(got.rows, want.rows);
    EXPECT_EQ(got.tp, want.tp);
    EXPECT_EQ(got.fp, want.fp);
    EXPECT_EQ(got.fn, want.fn);
    ASSERT_TRUE(got.mean_confidence.has_value());
    EXPECT_NEAR(*got.mean_confidence, conf_sum / conf_n, 1e-12);
    ASSERT_TRUE(got.mean_iou.has_value());
    EXPECT_NEAR(*got.mean_iou, iou_sum / iou_n, 1e-12);
    EXPECT_EQ(got.confidence_count, conf_n);
    EXPECT_EQ(got.iou_count, iou_n);
    EXPECT_THAT(got.precision, Optional(DoubleEq(static_cast<double>(want.tp) /
                                                 (want.tp + want.fp))));
  }
}

// What the partitioned layer (src/python/slicekit/distributed.py) relies
// on: the summaries of disjoint selections add up to the whole's.
TEST(SummarizeTest, DisjointPartsCombineIntoTheWhole) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, examples::GenerateMetricsTable(2000, 9, TableOptions{64}));
  std::mt19937_64 rng(12);
  Selection whole(table.num_rows()), a(table.num_rows()), b(table.num_rows());
  for (RowIndex r = 0; r < table.num_rows(); ++r) {
    const uint64_t draw = rng() % 3;
    if (draw == 0) continue;
    whole.Add(r);
    (draw == 1 ? a : b).Add(r);
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary w, Summarize(table, whole));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary sa, Summarize(table, a));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary sb, Summarize(table, b));
  EXPECT_EQ(sa.rows + sb.rows, w.rows);
  EXPECT_EQ(sa.tp + sb.tp, w.tp);
  EXPECT_EQ(sa.confidence_count + sb.confidence_count, w.confidence_count);
  EXPECT_EQ(sa.iou_count + sb.iou_count, w.iou_count);
  ASSERT_GT(w.confidence_count, 0u);
  ASSERT_GT(w.iou_count, 0u);
  EXPECT_NEAR((*sa.mean_confidence * sa.confidence_count +
               *sb.mean_confidence * sb.confidence_count) /
                  w.confidence_count,
              *w.mean_confidence, 1e-12);
  EXPECT_NEAR(
      (*sa.mean_iou * sa.iou_count + *sb.mean_iou * sb.iou_count) / w.iou_count,
      *w.mean_iou, 1e-12);
}

TEST(SummarizeTest, DatasetAndComparison) {
  const Table table = SmallTable({
      {"r1", 3, 1, 0, 0.5f, 0.75f, "cars"},
      {"r2", 1, 0, 3, 0.25f, 0.25f, "cars"},
      {"r3", 0, 2, 1, 1.0f, 0.5f, "people"},
  });
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary cars,
                                SummarizeDataset(table, "cars"));
  EXPECT_EQ(cars.rows, 2u);
  EXPECT_EQ(cars.tp, 4);
  EXPECT_THAT(cars.precision, Optional(DoubleEq(0.8)));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SliceSummary none,
                                SummarizeDataset(table, "trucks"));
  EXPECT_EQ(none.rows, 0u);

  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection fp_rows,
                                Filter(table, Col("fp") >= 1));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const SummaryComparison cmp,
      CompareSummaries(table, fp_rows, absl::string_view("people")));
  EXPECT_EQ(cmp.slice.rows, 2u);
  EXPECT_EQ(cmp.all.rows, 3u);
  ASSERT_TRUE(cmp.dataset.has_value());
  EXPECT_EQ(cmp.dataset->rows, 1u);
  EXPECT_EQ(cmp.dataset->fp, 2);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const SummaryComparison no_dataset,
                                CompareSummaries(table, fp_rows));
  EXPECT_EQ(no_dataset.dataset, std::nullopt);

  const Schema schema = *Schema::Create({{"data_row_id", ColumnType::kId}});
  const Table bare = *Table::Create(schema);
  EXPECT_THAT(SummarizeDataset(bare, "cars"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("dataset")));
}

// ---- Explore ----------------------------------------------------------

// The sort key of a row for `confidence DESC` (NULLs last), then id.
std::tuple<int, float, std::string> ConfidenceDescKey(const Table& table,
                                                      RowIndex row) {
  const std::optional<float> c =
      table.GetFloat(row, *table.schema().Find("confidence")).value();
  return {c.has_value() ? 0 : 1, c.has_value() ? -*c : 0.0f,
          std::string(table.RowId(row).value())};
}

// Appends rows with the metrics schema of the generator, ids `prefix`0..n-1,
// fp 1 and the given confidence.
void AppendMetricRows(Table& table, const std::string& prefix, int n,
                      float confidence) {
  const Schema& schema = table.schema();
  Batch batch(schema);
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < schema.num_columns(); ++c) {
      const ColumnSpec& spec = schema.column(c);
      if (spec.type == ColumnType::kId) {
        batch.AppendString(c, absl::StrCat(prefix, i));
      } else if (spec.name == "fp") {
        batch.AppendInt(c, 1);
      } else if (spec.name == "confidence") {
        batch.AppendFloat(c, confidence);
      } else {
        batch.AppendNull(c);
      }
    }
  }
  ASSERT_THAT(table.Append(batch), IsOk());
}

TEST(ExploreTest, PagesStayConsistentAcrossAppendsAndDeletes) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, examples::GenerateMetricsTable(1500, 3, TableOptions{64}));
  const Expr filter = Col("fp") >= 1;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection initial, Filter(table, filter));
  const size_t initial_count = initial.Count();
  ASSERT_GT(initial_count, 200u);

  ExploreOptions options;
  options.order_by = std::vector<OrderBy>{{"confidence", true}};
  options.limit = 37;
  std::vector<RowIndex> seen;
  std::set<std::string> seen_ids;
  std::set<std::string> deleted_unseen;
  int page_number = 0;
  while (true) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const ExplorePage page,
                                  Explore(table, filter, options));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection now, Filter(table, filter));
    EXPECT_EQ(page.total_rows, now.Count());
    ASSERT_TRUE(page.summary.has_value());
    EXPECT_EQ(page.summary->rows, now.Count());
    EXPECT_LE(page.rows.size(), 37u);
    for (RowIndex row : page.rows) {
      EXPECT_TRUE(table.IsLive(row));
      EXPECT_TRUE(seen_ids.insert(std::string(table.RowId(row).value())).second)
          << "repeated " << table.RowId(row).value();
      seen.push_back(row);
    }
    if (page.next_cursor.empty()) break;
    ASSERT_NE(page.next_cursor, options.cursor);
    ASSERT_LT(page_number, 100) << "paging does not end";
    options.cursor = page.next_cursor;
    ++page_number;
    if (page_number == 2) {
      // Sorts first: before the cursor, so never seen.
      AppendMetricRows(table, "zz-high-", 5, 0.9999999f);
      // Sorts last (lowest confidence): after the cursor, must show up.
      AppendMetricRows(table, "zz-low-", 5, 0.0f);
    }
    if (page_number == 3) {
      // Delete the last three original rows in the order: not seen yet.
      SLICEKIT_ASSERT_OK_AND_ASSIGN(
          const std::vector<RowIndex> ordered,
          OrderRows(table, now, std::vector<OrderBy>{{"confidence", true}}));
      std::vector<std::string> doomed;
      for (size_t i = ordered.size(); i-- > 0 && doomed.size() < 3;) {
        const absl::string_view id = table.RowId(ordered[i]).value();
        if (id.substr(0, 3) != "zz-") doomed.emplace_back(id);
      }
      for (const std::string& id : doomed) deleted_unseen.insert(id);
      ASSERT_THAT(table.Delete(doomed), IsOk());
    }
  }
  // The pages together are in the order.
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_LT(ConfidenceDescKey(table, seen[i - 1]),
              ConfidenceDescKey(table, seen[i]));
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(seen_ids.count(absl::StrCat("zz-high-", i)));
  }
  // Every original matching row is seen unless it was deleted unseen, and
  // every row appended after the cursor is seen.
  ASSERT_EQ(deleted_unseen.size(), 3u);
  for (const std::string& id : deleted_unseen) EXPECT_FALSE(seen_ids.count(id));
  size_t original_seen = 0;
  initial.ForEach([&](RowIndex row) {
    if (seen_ids.count(std::string(table.RowId(row).value()))) ++original_seen;
  });
  EXPECT_EQ(original_seen, initial_count - 3);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(seen_ids.count(absl::StrCat("zz-low-", i))) << i;
  }
  EXPECT_EQ(seen.size(), initial_count + 5 - 3);
}

TEST(ExploreTest, DeletedAndNoLongerMatchingRowsVanish) {
  Table table = SmallTable({
      {"r1", 3, 1, 0, 0.5f, 0.75f},
      {"r2", 1, 2, 3, 0.25f, 0.25f},
      {"r3", 0, 2, 1, 1.0f, 0.5f},
  });
  ExploreOptions options;
  options.order_by = std::vector<OrderBy>{{"fp", true}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ExplorePage page,
                                Explore(table, Col("fp") >= 1, options));
  EXPECT_THAT(page.rows, ElementsAre(1, 2, 0));  // fp 2 (r2, r3), then 1
  EXPECT_EQ(page.next_cursor, "");
  ASSERT_THAT(table.Delete({"r2"}), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(page, Explore(table, Col("fp") >= 1, options));
  EXPECT_THAT(page.rows, ElementsAre(2, 0));
  EXPECT_EQ(page.total_rows, 2u);
  // A stricter threshold: the same call on a changed filter.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(page, Explore(table, Col("fp") >= 2, options));
  EXPECT_THAT(page.rows, ElementsAre(2));
  EXPECT_EQ(page.summary->fp, 2);
}

TEST(ExploreTest, BoundFilterSeesRowsAppendedLater) {
  Table table = SmallTable({
      {"r1", 3, 1, 0, 0.5f, 0.75f},
      {"r2", 1, 0, 3, 0.25f, 0.25f},
  });
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const BoundFilter bound,
                                Bind(Col("fp") >= 1, table));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ExplorePage page, Explore(table, bound));
  EXPECT_THAT(page.rows, ElementsAre(0));
  EXPECT_EQ(page.summary->fp, 1);
  Batch batch(table.schema());
  batch.AppendString(0, "r0");  // sorts first by id
  batch.AppendString(1, "b");
  batch.AppendInt(2, 0);
  batch.AppendInt(3, 4);
  batch.AppendInt(4, 1);
  batch.AppendFloat(5, 0.125f);
  batch.AppendNull(6);
  ASSERT_THAT(table.Append(batch), IsOk());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(page, Explore(table, bound));
  EXPECT_THAT(page.rows, ElementsAre(2, 0));
  EXPECT_EQ(page.total_rows, 2u);
  EXPECT_EQ(page.summary->fp, 5);
  EXPECT_THAT(page.summary->precision, Optional(DoubleEq(3.0 / 8.0)));
  EXPECT_THAT(page.summary->mean_iou, Optional(DoubleEq(0.75)));
  // Only the rows of the last append, through the scan options.
  ExploreOptions options;
  options.scan.begin_row = 2;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(page, Explore(table, bound, options));
  EXPECT_THAT(page.rows, ElementsAre(2));
}

TEST(ExploreTest, SliceOrderUnlessOverridden) {
  const Table table = SmallTable({
      {"r1", 3, 1, 0, 0.5f, 0.75f},
      {"r2", 1, 2, 3, 0.25f, 0.25f},
      {"r3", 0, 2, 1, 1.0f, 0.5f},
  });
  Slice slice;
  slice.name = "by confidence";
  slice.filter = Col("tp") >= 0;
  slice.order_by = {{"confidence", false}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(ExplorePage page, Explore(table, slice));
  EXPECT_THAT(page.rows, ElementsAre(1, 0, 2));
  ExploreOptions options;
  options.order_by = std::vector<OrderBy>{{"iou", true}};
  options.summarize = false;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(page, Explore(table, slice, options));
  EXPECT_THAT(page.rows, ElementsAre(0, 2, 1));
  EXPECT_EQ(page.summary, std::nullopt);
  // No order at all: by data_row_id.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(page, Explore(table, slice.filter));
  EXPECT_THAT(page.rows, ElementsAre(0, 1, 2));
}

TEST(ExploreTest, Errors) {
  const Table table = SmallTable({{"r1", 3, 1, 0, 0.5f, 0.75f}});
  EXPECT_THAT(Explore(table, Col("nope") >= 1),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  ExploreOptions options;
  options.order_by = std::vector<OrderBy>{{"nope", true}};
  EXPECT_THAT(Explore(table, Col("tp") >= 1, options),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  options.order_by.reset();
  options.cursor = "not a cursor";
  EXPECT_THAT(Explore(table, Col("tp") >= 1, options),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST(SliceRowIdsTest, AllAndPagesMatchTheReference) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Table table,
      examples::GenerateMetricsTable(2000, 5, TableOptions{64}));
  const Expr filter = Col("fn") >= 1 && Col("iou") < 0.7;
  const Selection want_rows = ReferenceFilter(table, filter);
  const std::vector<RowIndex> ordered =
      ReferenceOrder(table, want_rows, OrderBy{"iou", false}, 0, std::nullopt);
  std::vector<std::string> want;
  for (RowIndex row : ordered) want.emplace_back(table.RowId(row).value());
  ASSERT_GT(want.size(), 50u);
  const std::vector<OrderBy> order = {{"iou", false}};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<std::string> all,
                                SliceRowIds(table, filter, order));
  EXPECT_EQ(all, want);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<std::string> page,
                                SliceRowIds(table, filter, order, 10, 20));
  EXPECT_THAT(page, ElementsAreArray(want.begin() + 10, want.begin() + 30));
  // Without an order: ascending ids.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<std::string> by_id,
                                SliceRowIds(table, filter));
  EXPECT_TRUE(std::is_sorted(by_id.begin(), by_id.end()));
  EXPECT_EQ(by_id.size(), want.size());
  // A saved slice: its filter and order.
  Slice slice;
  slice.filter = filter;
  slice.order_by = order;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const std::vector<std::string> of_slice,
                                SliceRowIds(table, slice, 5, 3));
  EXPECT_THAT(of_slice, ElementsAreArray(want.begin() + 5, want.begin() + 8));
  EXPECT_THAT(SliceRowIds(table, Col("fnn") >= 1),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("fnn")));
}

// ---- Export -----------------------------------------------------------

std::string Export(const Table& table, const std::vector<RowIndex>& rows,
                   ExportFormat format) {
  std::ostringstream out;
  EXPECT_THAT(ExportRows(table, rows, format, out), IsOk());
  return out.str();
}

std::vector<RowIndex> AllRows(const Table& table) {
  return table.LiveRows().ToVector();
}

// Expects two tables with the same schema and the same cells row by row.
void ExpectEqualTables(const Table& a, const Table& b) {
  ASSERT_EQ(a.schema(), b.schema());
  ASSERT_EQ(a.num_rows(), b.num_rows());
  const Schema& schema = a.schema();
  for (RowIndex r = 0; r < a.num_rows(); ++r) {
    for (int c = 0; c < schema.num_columns(); ++c) {
      switch (schema.column(c).type) {
        case ColumnType::kFloat:
          ASSERT_EQ(a.GetFloat(r, c).value(), b.GetFloat(r, c).value())
              << "row " << r << " column " << schema.column(c).name;
          break;
        case ColumnType::kInt:
          ASSERT_EQ(a.GetInt(r, c).value(), b.GetInt(r, c).value())
              << "row " << r;
          break;
        case ColumnType::kCategorical:
        case ColumnType::kId:
          ASSERT_EQ(a.GetString(r, c).value(), b.GetString(r, c).value())
              << "row " << r;
          break;
      }
    }
  }
}

// A table of the standard columns with awkward strings and floats.
Table AwkwardTable() {
  const Schema schema = *Schema::Create({{"data_row_id", ColumnType::kId},
                                         {"dataset", ColumnType::kCategorical},
                                         {"tp", ColumnType::kInt},
                                         {"confidence", ColumnType::kFloat},
                                         {"iou", ColumnType::kFloat}});
  Table table = *Table::Create(schema, TableOptions{64});
  Batch batch(schema);
  const std::vector<std::string> strings = {"plain",
                                            "with,comma",
                                            "with \"quotes\"",
                                            "line\nbreak",
                                            "cr\rlf\r\n",
                                            " padded ",
                                            "caf\xC3\xA9 \xF0\x9F\x9A\x97",
                                            "tab\there",
                                            "back\\slash"};
  const std::vector<float> floats = {0.1f,        1.0f,       -0.0f,
                                     1e-7f,       3.4e38f,    1.17549435e-38f,
                                     0.33333334f, 123456.79f, 16777216.0f};
  for (size_t i = 0; i < 120; ++i) {
    batch.AppendString(0, absl::StrCat("id,", i, i % 5 == 0 ? "\"q\"" : ""));
    if (i % 11 == 3) {
      batch.AppendNull(1);
    } else {
      batch.AppendString(1, strings[i % strings.size()]);
    }
    if (i % 7 == 2) {
      batch.AppendNull(2);
    } else {
      batch.AppendInt(2, static_cast<int64_t>(i) * 1000003 - 50000000);
    }
    batch.AppendFloat(3, floats[i % floats.size()] * (i % 2 ? 1 : -1));
    if (i % 4 == 1) {
      batch.AppendNull(4);
    } else {
      batch.AppendFloat(4, static_cast<float>(i) / 7.0f);
    }
  }
  EXPECT_THAT(table.Append(batch), IsOk());
  return table;
}

TEST(ExportTest, CsvReadsBackEqual) {
  const Table table = AwkwardTable();
  const std::string csv = Export(table, AllRows(table), ExportFormat::kCsv);
  EXPECT_THAT(csv,
              ::testing::StartsWith("data_row_id,dataset,tp,confidence,iou\n"));
  EXPECT_THAT(csv, HasSubstr("\"with \"\"quotes\"\"\""));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table back, ReadCsv(csv));
  ExpectEqualTables(table, back);
}

TEST(ExportTest, GeneratedTableCsvReadsBackEqual) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Table table,
      examples::GenerateMetricsTable(2500, 9, TableOptions{64}));
  const std::string csv = Export(table, AllRows(table), ExportFormat::kCsv);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table back, ReadCsv(csv));
  ExpectEqualTables(table, back);
}

TEST(ExportTest, FloatsAreShortestAndStayFloats) {
  const Schema schema = *Schema::Create(
      {{"data_row_id", ColumnType::kId}, {"score", ColumnType::kFloat}});
  Table table = *Table::Create(schema);
  Batch batch(schema);
  const std::vector<float> values = {0.1f, 2.0f, 1e20f, 0.5f};
  for (size_t i = 0; i < values.size(); ++i) {
    batch.AppendString(0, absl::StrCat("r", i));
    batch.AppendFloat(1, values[i]);
  }
  ASSERT_THAT(table.Append(batch), IsOk());
  const std::string csv = Export(table, AllRows(table), ExportFormat::kCsv);
  EXPECT_EQ(csv, "data_row_id,score\nr0,0.1\nr1,2.0\nr2,1e+20\nr3,0.5\n");
  // A custom float column with integral values stays float on re-read.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table back, ReadCsv(csv));
  ExpectEqualTables(table, back);
}

// Checks one parsed JSON object against row `row` of `table`.
void ExpectJsonRow(const Table& table, RowIndex row,
                   const nlohmann::json& object) {
  const Schema& schema = table.schema();
  ASSERT_TRUE(object.is_object());
  ASSERT_EQ(object.size(), static_cast<size_t>(schema.num_columns()));
  for (int c = 0; c < schema.num_columns(); ++c) {
    const std::string& name = schema.column(c).name;
    ASSERT_TRUE(object.contains(name)) << name;
    const nlohmann::json& v = object[name];
    switch (schema.column(c).type) {
      case ColumnType::kFloat: {
        const std::optional<float> want = table.GetFloat(row, c).value();
        if (!want.has_value()) {
          EXPECT_TRUE(v.is_null()) << name;
        } else {
          ASSERT_TRUE(v.is_number_float()) << name << " " << v.dump();
          EXPECT_EQ(static_cast<float>(v.get<double>()), *want) << name;
        }
        break;
      }
      case ColumnType::kInt: {
        const std::optional<int64_t> want = table.GetInt(row, c).value();
        if (!want.has_value()) {
          EXPECT_TRUE(v.is_null()) << name;
        } else {
          ASSERT_TRUE(v.is_number_integer()) << name;
          EXPECT_EQ(v.get<int64_t>(), *want) << name;
        }
        break;
      }
      case ColumnType::kCategorical:
      case ColumnType::kId: {
        const std::optional<absl::string_view> want =
            table.GetString(row, c).value();
        if (!want.has_value()) {
          EXPECT_TRUE(v.is_null()) << name;
        } else {
          ASSERT_TRUE(v.is_string()) << name;
          EXPECT_EQ(v.get<std::string>(), std::string(*want)) << name;
        }
        break;
      }
    }
  }
}

TEST(ExportTest, JsonParsesBackToTheValues) {
  const Table table = AwkwardTable();
  std::vector<RowIndex> rows = AllRows(table);
  std::reverse(rows.begin(), rows.end());  // export keeps the given order
  const std::string text = Export(table, rows, ExportFormat::kJson);
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << text.substr(0, 500);
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ExpectJsonRow(table, rows[i], parsed[i]);
  }
  // NULLs are JSON null, not missing keys.
  EXPECT_TRUE(parsed[rows.size() - 4]["dataset"].is_null());  // row 3
}

TEST(ExportTest, NdjsonIsOneObjectPerLine) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const Table table,
      examples::GenerateMetricsTable(300, 4, TableOptions{64}));
  const std::vector<RowIndex> rows = AllRows(table);
  const std::string text = Export(table, rows, ExportFormat::kNdjson);
  std::istringstream lines(text);
  std::string line;
  size_t i = 0;
  size_t nulls = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(i, rows.size());
    const nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(object.is_discarded()) << line;
    ExpectJsonRow(table, rows[i], object);
    for (const auto& [key, value] : object.items()) nulls += value.is_null();
    ++i;
  }
  EXPECT_EQ(i, rows.size());
  EXPECT_GT(nulls, 0u);  // the generator has NULL precision/recall/iou
}

TEST(ExportTest, EmptyAndInvalidUtf8AndErrors) {
  const Table table = SmallTable({{"r1", 1, 0, 0, 0.5f, 0.5f, "\xFF\xFE"}});
  EXPECT_EQ(Export(table, {}, ExportFormat::kJson), "[]\n");
  EXPECT_EQ(Export(table, {}, ExportFormat::kNdjson), "");
  EXPECT_EQ(Export(table, {}, ExportFormat::kCsv),
            "data_row_id,dataset,tp,fp,fn,confidence,iou\n");
  const std::string json = Export(table, {0}, ExportFormat::kNdjson);
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_THAT(parsed["dataset"].get<std::string>(),
              HasSubstr("\xEF\xBF\xBD"));  // U+FFFD
  std::ostringstream out;
  EXPECT_THAT(
      ExportRows(table, std::vector<RowIndex>{0, 5}, ExportFormat::kCsv, out),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("row 5 is out of range")));
  EXPECT_EQ(out.str(), "");  // nothing written on error
  std::ostringstream failed;
  failed.setstate(std::ios::badbit);
  EXPECT_THAT(
      ExportRows(table, std::vector<RowIndex>{0}, ExportFormat::kJson, failed),
      StatusIs(absl::StatusCode::kUnknown, HasSubstr("json")));
}

TEST(ExportTest, FormatNames) {
  for (ExportFormat f :
       {ExportFormat::kCsv, ExportFormat::kJson, ExportFormat::kNdjson}) {
    const absl::StatusOr<ExportFormat> parsed =
        ParseExportFormat(ExportFormatName(f));
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, f);
  }
  EXPECT_THAT(ParseExportFormat("xml"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("xml")));
}

}  // namespace
}  // namespace slicekit::testing
