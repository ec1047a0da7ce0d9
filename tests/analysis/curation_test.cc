// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/curation.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "examples/metrics_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/expr.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "slicekit/selection.h"
#include "slicekit/slice.h"
#include "slicekit/table.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"

namespace slicekit::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Slice MakeSlice(int i, Expr filter) {
  Slice slice;
  slice.id = absl::StrCat("s-", i);
  slice.org = "acme";
  slice.name = absl::StrCat("slice ", i);
  slice.filter = std::move(filter);
  return slice;
}

// The rows of `selection` at positions >= first, ascending.
std::vector<RowIndex> RowsFrom(const Selection& selection, RowIndex first) {
  std::vector<RowIndex> rows;
  selection.ForEach([&](RowIndex row) {
    if (row >= first) rows.push_back(row);
  });
  return rows;
}

struct CurationCase {
  size_t rows;
  size_t chunk_rows;
  size_t new_rows;
};

class CurationPropertyTest : public ::testing::TestWithParam<CurationCase> {};

// Curation == each slice's full scan restricted to the new rows, and == the
// row-at-a-time reference, for random filters on random tables, over
// several appends (with deletions among the new rows).
TEST_P(CurationPropertyTest, MatchesPerSliceScansOnNewRows) {
  const CurationCase& c = GetParam();
  std::mt19937_64 rng(c.rows * 31 + c.chunk_rows * 7 + c.new_rows);
  Table table = RandomTable(rng, c.rows, TableOptions{c.chunk_rows});
  std::vector<Slice> slices;
  for (int i = 0; i < 24; ++i) {
    slices.push_back(MakeSlice(i, RandomExpr(rng, table.schema(), 3)));
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Curator curator,
                                Curator::Create(table, slices));
  EXPECT_EQ(curator.num_slices(), slices.size());
  size_t total_entries = 0;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const RowIndex first_new = static_cast<RowIndex>(table.num_rows());
    ASSERT_THAT(AppendRandomRows(rng, table, c.new_rows), IsOk());
    if (round == 1 && table.num_rows() > first_new) {
      // Delete one new row: it never enters a slice.
      ASSERT_THAT(table.Delete({std::string(table.RowId(first_new).value())}),
                  IsOk());
    }
    for (int threads : {1, 2}) {
      const CurationReport report = curator.NewRows(first_new, threads);
      EXPECT_EQ(report.first_new_row, first_new);
      EXPECT_EQ(report.end_row, table.num_rows());
      ASSERT_EQ(report.slices.size(), slices.size());
      for (size_t i = 0; i < slices.size(); ++i) {
        SCOPED_TRACE(slices[i].filter.ToString());
        EXPECT_EQ(report.slices[i].slice_id, slices[i].id);
        EXPECT_EQ(report.slices[i].slice_name, slices[i].name);
        SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection full,
                                      Filter(table, slices[i].filter));
        const std::vector<RowIndex> want = RowsFrom(full, first_new);
        EXPECT_EQ(report.slices[i].rows, want);
        EXPECT_EQ(RowsFrom(ReferenceFilter(table, slices[i].filter), first_new),
                  want);
        if (threads == 1) total_entries += want.size();
      }
    }
  }
  // Random filters hit: the comparison was not vacuous.
  if (c.new_rows >= 100) {
    EXPECT_GT(total_entries, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, CurationPropertyTest,
    ::testing::Values(CurationCase{0, 64, 1}, CurationCase{1, 64, 63},
                      CurationCase{100, 64, 65}, CurationCase{1000, 64, 500},
                      CurationCase{2000, 256, 1000},
                      CurationCase{3000, 65536, 2048}),
    [](const ::testing::TestParamInfo<CurationCase>& info) {
      return absl::StrCat("rows", info.param.rows, "_chunk",
                          info.param.chunk_rows, "_new", info.param.new_rows);
    });

TEST(CurationTest, ReportsWhichSlicesNewRowsEntered) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, examples::GenerateMetricsTable(500, 1, TableOptions{64}));
  const std::vector<Slice> slices = {
      MakeSlice(0, Col("fp") >= 5),
      MakeSlice(1, Col("confidence") < 0.0),
      MakeSlice(2, Col("dataset") == "brand-new"),
  };
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Curator curator,
                                Curator::Create(table, slices));
  const RowIndex first_new = static_cast<RowIndex>(table.num_rows());
  // Three new rows: one with many false positives, one in a dataset first
  // seen after binding, one in neither.
  const Schema& schema = table.schema();
  Batch batch(schema);
  const auto add = [&](const std::string& id, int64_t fp,
                       const std::string& dataset) {
    for (int c = 0; c < schema.num_columns(); ++c) {
      const std::string& name = schema.column(c).name;
      if (name == "data_row_id") {
        batch.AppendString(c, id);
      } else if (name == "fp") {
        batch.AppendInt(c, fp);
      } else if (name == "dataset") {
        batch.AppendString(c, dataset);
      } else {
        batch.AppendNull(c);
      }
    }
  };
  add("new-a", 7, "ds0");
  add("new-b", 0, "brand-new");
  add("new-c", 1, "ds1");
  ASSERT_THAT(table.Append(batch), IsOk());
  const CurationReport report = curator.NewRows(first_new);
  ASSERT_EQ(report.slices.size(), 3u);
  EXPECT_THAT(report.slices[0].rows, ElementsAre(first_new));
  EXPECT_THAT(report.slices[1].rows, IsEmpty());
  EXPECT_THAT(report.slices[2].rows, ElementsAre(first_new + 1));
  EXPECT_EQ(report.slices[2].count(), 1u);
  EXPECT_EQ(report.total_entries(), 2u);
  // Old rows with fp >= 5 exist but are not reported.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection all_fp5,
                                Filter(table, Col("fp") >= 5));
  EXPECT_GT(all_fp5.Count(), 1u);

  // The one-shot form agrees.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const CurationReport again,
                                NewRowsBySlice(table, slices, first_new));
  EXPECT_EQ(again.slices[0].rows, report.slices[0].rows);
  EXPECT_EQ(again.slices[2].rows, report.slices[2].rows);
}

TEST(CurationTest, NoNewRowsOrNoSlices) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table table,
                                examples::GenerateMetricsTable(100, 1));
  const std::vector<Slice> slices = {MakeSlice(0, Col("fp") >= 1)};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      const CurationReport none,
      NewRowsBySlice(table, slices, static_cast<RowIndex>(table.num_rows())));
  ASSERT_EQ(none.slices.size(), 1u);
  EXPECT_THAT(none.slices[0].rows, IsEmpty());
  // Every row counts as new from position 0.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const CurationReport all,
                                NewRowsBySlice(table, slices, 0));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection want,
                                Filter(table, Col("fp") >= 1));
  EXPECT_EQ(all.slices[0].rows, want.ToVector());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const CurationReport empty,
                                NewRowsBySlice(table, {}, 0));
  EXPECT_THAT(empty.slices, IsEmpty());
}

TEST(CurationTest, TableMayMoveAfterCreate) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, examples::GenerateMetricsTable(200, 1, TableOptions{64}));
  const std::vector<Slice> slices = {MakeSlice(0, Col("fp") >= 1)};
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Curator curator,
                                Curator::Create(table, slices));
  Table moved = std::move(table);
  const RowIndex first_new = static_cast<RowIndex>(moved.num_rows());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table extra,
                                examples::GenerateMetricsTable(100, 2));
  Batch batch(moved.schema());
  for (RowIndex r = 0; r < extra.num_rows(); ++r) {
    for (int c = 0; c < moved.schema().num_columns(); ++c) {
      const ColumnSpec& spec = moved.schema().column(c);
      if (spec.type == ColumnType::kId) {
        batch.AppendString(c, absl::StrCat("x-", extra.RowId(r).value()));
      } else if (spec.name == "fp") {
        batch.AppendInt(c, *extra.GetInt(r, c).value());
      } else {
        batch.AppendNull(c);
      }
    }
  }
  ASSERT_THAT(moved.Append(batch), IsOk());
  const CurationReport report = curator.NewRows(first_new);
  EXPECT_EQ(report.end_row, moved.num_rows());
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Selection want,
                                Filter(moved, Col("fp") >= 1));
  EXPECT_EQ(report.slices[0].rows, RowsFrom(want, first_new));
  EXPECT_FALSE(report.slices[0].rows.empty());
}

TEST(CurationTest, BindErrorNamesTheSlice) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(const Table table,
                                examples::GenerateMetricsTable(10, 1));
  Slice bad = MakeSlice(7, Col("confidense") < 0.5);
  bad.name = "Hard cars";
  const std::vector<Slice> slices = {MakeSlice(0, Col("fp") >= 1), bad};
  EXPECT_THAT(Curator::Create(table, slices),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("slice 'Hard cars' (id s-7): unknown column "
                                 "'confidense'")));
}

}  // namespace
}  // namespace slicekit::testing
