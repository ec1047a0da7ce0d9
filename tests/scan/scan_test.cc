// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Hand-computed cases for Bind() and Scan(): SQL three-valued logic, float
// and integer literal semantics, strings, ids, zone maps and threads. The
// randomized comparison against a reference evaluator is in
// scan_property_test.cc.
#include "slicekit/scan.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "tests/testing/reference.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

Schema TestSchema() {
  return *Schema::Create({{"data_row_id", ColumnType::kId},
                          {"x", ColumnType::kFloat},
                          {"n", ColumnType::kInt},
                          {"s", ColumnType::kCategorical}});
}

// Rows r0..r8 cover every combination of TRUE/FALSE/NULL for `x < 0.5` and
// `n >= 1`: x in {0.25, 0.75, NULL} x n in {2, 0, NULL}.
Table TruthTable() {
  Table table = *Table::Create(TestSchema(), {.chunk_rows = 64});
  Batch batch(table.schema());
  const std::optional<float> xs[] = {0.25f, 0.75f, std::nullopt};
  const std::optional<int64_t> ns[] = {2, 0, std::nullopt};
  int i = 0;
  for (auto x : xs) {
    for (auto n : ns) {
      batch.AppendString(0, absl::StrCat("r", i++));
      x ? batch.AppendFloat(1, *x) : batch.AppendNull(1);
      n ? batch.AppendInt(2, *n) : batch.AppendNull(2);
      batch.AppendString(3, "a");
    }
  }
  EXPECT_THAT(table.Append(batch), IsOk());
  return table;
}

std::vector<std::string> Ids(const Table& table, absl::string_view filter,
                             int threads = 1) {
  absl::StatusOr<Expr> expr = ParseFilter(filter);
  EXPECT_THAT(expr, IsOk()) << filter;
  if (!expr.ok()) return {};
  absl::StatusOr<Selection> selection =
      Filter(table, *expr, {.threads = threads});
  EXPECT_THAT(selection, IsOk()) << filter;
  if (!selection.ok()) return {};
  std::vector<std::string> ids;
  selection->ForEach(
      [&](RowIndex row) { ids.emplace_back(table.RowId(row).value()); });
  return ids;
}

// x < 0.5 is TRUE for r0-r2, FALSE for r3-r5, UNKNOWN for r6-r8.
// n >= 1 is TRUE for r0,r3,r6, FALSE for r1,r4,r7, UNKNOWN for r2,r5,r8.
TEST(ScanTest, ComparisonWithNullIsUnknownAndNotSelected) {
  const Table t = TruthTable();
  EXPECT_THAT(Ids(t, "x < 0.5"), ElementsAre("r0", "r1", "r2"));
  EXPECT_THAT(Ids(t, "n >= 1"), ElementsAre("r0", "r3", "r6"));
}

TEST(ScanTest, NotOfUnknownIsUnknown) {
  const Table t = TruthTable();
  EXPECT_THAT(Ids(t, "NOT x < 0.5"), ElementsAre("r3", "r4", "r5"));
  EXPECT_THAT(Ids(t, "NOT NOT x < 0.5"), ElementsAre("r0", "r1", "r2"));
  EXPECT_THAT(Ids(t, "NOT n >= 1"), ElementsAre("r1", "r4", "r7"));
}

TEST(ScanTest, AndFollowsKleeneLogic) {
  const Table t = TruthTable();
  // TRUE only when both TRUE.
  EXPECT_THAT(Ids(t, "x < 0.5 AND n >= 1"), ElementsAre("r0"));
  // NOT (a AND b) is TRUE when either side is FALSE, even if the other is
  // UNKNOWN: r1 (T,F) r3 (F,T) r4 (F,F) r5 (F,U) r7 (U,F).
  EXPECT_THAT(Ids(t, "NOT (x < 0.5 AND n >= 1)"),
              ElementsAre("r1", "r3", "r4", "r5", "r7"));
}

TEST(ScanTest, OrFollowsKleeneLogic) {
  const Table t = TruthTable();
  // TRUE when either is TRUE, even if the other is UNKNOWN.
  EXPECT_THAT(Ids(t, "x < 0.5 OR n >= 1"),
              ElementsAre("r0", "r1", "r2", "r3", "r6"));
  // NOT (a OR b) is TRUE only when both are FALSE.
  EXPECT_THAT(Ids(t, "NOT (x < 0.5 OR n >= 1)"), ElementsAre("r4"));
}

TEST(ScanTest, IsNullIsNeverUnknown) {
  const Table t = TruthTable();
  EXPECT_THAT(Ids(t, "x IS NULL"), ElementsAre("r6", "r7", "r8"));
  EXPECT_THAT(Ids(t, "x IS NOT NULL"),
              ElementsAre("r0", "r1", "r2", "r3", "r4", "r5"));
  EXPECT_THAT(Ids(t, "NOT n IS NULL"),
              ElementsAre("r0", "r1", "r3", "r4", "r6", "r7"));
  EXPECT_THAT(Ids(t, "x IS NULL OR x < 0.5"),
              ElementsAre("r0", "r1", "r2", "r6", "r7", "r8"));
}

TEST(ScanTest, InBetweenAndTheirNegationsWithNulls) {
  const Table t = TruthTable();
  EXPECT_THAT(Ids(t, "n IN (0, 5)"), ElementsAre("r1", "r4", "r7"));
  EXPECT_THAT(Ids(t, "n NOT IN (0, 5)"), ElementsAre("r0", "r3", "r6"));
  EXPECT_THAT(Ids(t, "NOT n NOT IN (0, 5)"), ElementsAre("r1", "r4", "r7"));
  EXPECT_THAT(Ids(t, "x BETWEEN 0.2 AND 0.3"), ElementsAre("r0", "r1", "r2"));
  EXPECT_THAT(Ids(t, "x NOT BETWEEN 0.2 AND 0.3"),
              ElementsAre("r3", "r4", "r5"));
  // An empty range is FALSE for values, still UNKNOWN for NULLs.
  EXPECT_THAT(Ids(t, "x BETWEEN 0.9 AND 0.1"), ElementsAre());
  EXPECT_THAT(Ids(t, "x NOT BETWEEN 0.9 AND 0.1"),
              ElementsAre("r0", "r1", "r2", "r3", "r4", "r5"));
}

TEST(ScanTest, ConstantsFoldAndStillHideDeletedRows) {
  Table t = TruthTable();
  EXPECT_EQ(Ids(t, "TRUE").size(), 9);
  EXPECT_THAT(Ids(t, "FALSE"), ElementsAre());
  EXPECT_THAT(Ids(t, "NOT TRUE OR x IS NULL"), ElementsAre("r6", "r7", "r8"));
  ASSERT_THAT(t.Delete({"r0", "r7"}), IsOk());
  EXPECT_EQ(Ids(t, "TRUE").size(), 7);
  EXPECT_THAT(Ids(t, "x IS NULL"), ElementsAre("r6", "r8"));
}

Table OneColumnTable(const std::vector<std::optional<float>>& xs,
                     const std::vector<std::optional<int64_t>>& ns) {
  Table table = *Table::Create(TestSchema(), {.chunk_rows = 64});
  Batch batch(table.schema());
  for (size_t i = 0; i < std::max(xs.size(), ns.size()); ++i) {
    batch.AppendString(0, absl::StrCat("r", i));
    i < xs.size() && xs[i] ? batch.AppendFloat(1, *xs[i]) : batch.AppendNull(1);
    i < ns.size() && ns[i] ? batch.AppendInt(2, *ns[i]) : batch.AppendNull(2);
    batch.AppendNull(3);
  }
  EXPECT_THAT(table.Append(batch), IsOk());
  return table;
}

TEST(ScanTest, FloatLiteralsAreRoundedTo32BitsOnce) {
  // A stored 0.8f is the float nearest 0.8: `= 0.8` holds, `> 0.8` does not
  // (as in DuckDB with a FLOAT column).
  const Table t = OneColumnTable({0.8f, std::nextafter(0.8f, 1.0f)}, {});
  EXPECT_THAT(Ids(t, "x = 0.8"), ElementsAre("r0"));
  EXPECT_THAT(Ids(t, "x > 0.8"), ElementsAre("r1"));
  EXPECT_THAT(Ids(t, "x >= 0.8"), ElementsAre("r0", "r1"));
  EXPECT_THAT(Ids(t, "x < 0.8"), ElementsAre());
  EXPECT_THAT(Ids(t, "x != 0.8"), ElementsAre("r1"));
  EXPECT_THAT(Ids(t, "x IN (0.8, 3)"), ElementsAre("r0"));
  // Literals beyond the float range compare as infinities, exactly.
  EXPECT_THAT(Ids(t, "x < 1e300"), ElementsAre("r0", "r1"));
  EXPECT_THAT(Ids(t, "x > -1e300"), ElementsAre("r0", "r1"));
  EXPECT_THAT(Ids(t, "x > 1e300"), ElementsAre());
}

TEST(ScanTest, IntegerColumnsCompareExactlyWithFractions) {
  const Table t = OneColumnTable({}, {0, 1, 2, 3, -2});
  EXPECT_THAT(Ids(t, "n > 1.5"), ElementsAre("r2", "r3"));
  EXPECT_THAT(Ids(t, "n >= 1.5"), ElementsAre("r2", "r3"));
  EXPECT_THAT(Ids(t, "n < 1.5"), ElementsAre("r0", "r1", "r4"));
  EXPECT_THAT(Ids(t, "n <= -1.5"), ElementsAre("r4"));
  EXPECT_THAT(Ids(t, "n = 2.5"), ElementsAre());
  EXPECT_THAT(Ids(t, "n != 2.5"), ElementsAre("r0", "r1", "r2", "r3", "r4"));
  EXPECT_THAT(Ids(t, "n IN (1e0, 2.5)"), ElementsAre("r1"));
  EXPECT_THAT(Ids(t, "n BETWEEN 0.5 AND 2.5"), ElementsAre("r1", "r2"));
  EXPECT_THAT(Ids(t, "n < 1e300"), ElementsAre("r0", "r1", "r2", "r3", "r4"));
  EXPECT_THAT(Ids(t, "n > 1e300"), ElementsAre());
  EXPECT_THAT(Ids(t, "n IN (0, 2, 3)"), ElementsAre("r0", "r2", "r3"));
  EXPECT_THAT(Ids(t, "n NOT IN (0, 2, 3)"), ElementsAre("r1", "r4"));
}

TEST(ScanTest, IntegerExtremesAcrossWidths) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const Table t = OneColumnTable({}, {kMin, -1, 0, 1, kMax});
  EXPECT_THAT(Ids(t, "n < 0"), ElementsAre("r0", "r1"));
  EXPECT_THAT(Ids(t, "n >= 9223372036854775807"), ElementsAre("r4"));
  EXPECT_THAT(Ids(t, "n <= -9223372036854775808"), ElementsAre("r0"));
  EXPECT_THAT(Ids(t, "n > -9223372036854775808"),
              ElementsAre("r1", "r2", "r3", "r4"));
  EXPECT_THAT(Ids(t, "n != 0"), ElementsAre("r0", "r1", "r3", "r4"));
}

Table StringTable() {
  Table table = *Table::Create(TestSchema(), {.chunk_rows = 64});
  Batch batch(table.schema());
  const std::optional<std::string> ss[] = {
      "train", "val", std::nullopt, "test", "", "Val", "\xc3\xa9t\xc3\xa9"};
  for (size_t i = 0; i < std::size(ss); ++i) {
    batch.AppendString(0, absl::StrCat("id", i));
    batch.AppendNull(1);
    batch.AppendNull(2);
    ss[i] ? batch.AppendString(3, *ss[i]) : batch.AppendNull(3);
  }
  EXPECT_THAT(table.Append(batch), IsOk());
  return table;
}

TEST(ScanTest, CategoricalStringsCompareByteWise) {
  const Table t = StringTable();
  EXPECT_THAT(Ids(t, "s = 'val'"), ElementsAre("id1"));
  EXPECT_THAT(Ids(t, "s != 'val'"),
              ElementsAre("id0", "id3", "id4", "id5", "id6"));
  EXPECT_THAT(Ids(t, "s IN ('train', 'test', 'nope')"),
              ElementsAre("id0", "id3"));
  EXPECT_THAT(Ids(t, "s NOT IN ('train', 'test')"),
              ElementsAre("id1", "id4", "id5", "id6"));
  EXPECT_THAT(Ids(t, "s = ''"), ElementsAre("id4"));
  EXPECT_THAT(Ids(t, "s = 'absent'"), ElementsAre());
  // Byte-wise: 'V' (0x56) < 't' < 'v' < 0xc3.
  EXPECT_THAT(Ids(t, "s < 'train'"), ElementsAre("id3", "id4", "id5"));
  EXPECT_THAT(Ids(t, "s > 'val'"), ElementsAre("id6"));
  EXPECT_THAT(Ids(t, "s BETWEEN 'test' AND 'val'"),
              ElementsAre("id0", "id1", "id3"));
  EXPECT_THAT(Ids(t, "s IS NULL"), ElementsAre("id2"));
}

TEST(ScanTest, DataRowIdPredicates) {
  Table t = StringTable();
  EXPECT_THAT(Ids(t, "data_row_id = 'id3'"), ElementsAre("id3"));
  EXPECT_THAT(Ids(t, "data_row_id IN ('id1', 'id5', 'zz')"),
              ElementsAre("id1", "id5"));
  EXPECT_THAT(Ids(t, "data_row_id != 'id3' AND data_row_id < 'id5'"),
              ElementsAre("id0", "id1", "id2", "id4"));
  EXPECT_THAT(Ids(t, "data_row_id NOT BETWEEN 'id1' AND 'id5'"),
              ElementsAre("id0", "id6"));
  EXPECT_THAT(Ids(t, "data_row_id IS NULL"), ElementsAre());
  ASSERT_THAT(t.Delete({"id1"}), IsOk());
  EXPECT_THAT(Ids(t, "data_row_id IN ('id1', 'id5')"), ElementsAre("id5"));
}

TEST(ScanTest, BoundFilterSeesRowsAndStringsAppendedAfterBind) {
  Table t = StringTable();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr expr,
                                ParseFilter("s IN ('new', 'val') OR n > 5"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(BoundFilter bound, Bind(expr, t));
  EXPECT_EQ(bound.Scan().Count(), 1);
  Batch batch(t.schema());
  for (int i = 0; i < 100; ++i) {
    batch.AppendString(0, absl::StrCat("new", i));
    batch.AppendNull(1);
    batch.AppendInt(2, i);
    batch.AppendString(3, i % 2 == 0 ? "new" : "other");
  }
  ASSERT_THAT(t.Append(batch), IsOk());
  // 50 rows with the new string 'new', plus n in 6..99 with odd i: 47.
  EXPECT_EQ(bound.Scan().Count(), 1 + 50 + 47);
  EXPECT_EQ(bound.Scan({.threads = 2}).Count(), 1 + 50 + 47);
}

TEST(ScanTest, ZoneMapsSkipAndFillWholeChunksCorrectly) {
  // Sorted data: most chunks are wholly in or out of range; one straddles.
  std::vector<std::optional<float>> xs;
  std::vector<std::optional<int64_t>> ns;
  for (int i = 0; i < 64 * 10; ++i) {
    xs.push_back(static_cast<float>(i));
    ns.push_back(i / 64 == 3 ? std::nullopt : std::optional<int64_t>(i));
  }
  const Table t = OneColumnTable(xs, ns);
  for (int threads : {1, 2, 3, 16}) {
    EXPECT_EQ(Ids(t, "x >= 100", threads).size(), 540u);
    EXPECT_EQ(Ids(t, "x < 100 OR x >= 600", threads).size(), 140u);
    EXPECT_EQ(Ids(t, "n >= 0", threads).size(), 640u - 64u);
    EXPECT_EQ(Ids(t, "n IS NULL", threads).size(), 64u);
    EXPECT_EQ(Ids(t, "NOT (n BETWEEN 10 AND 400)", threads).size(), 10u + 239u);
  }
}

TEST(ScanTest, NotIsPushedToTheLeaves) {
  const Table t = TruthTable();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Expr expr, ParseFilter("NOT (x < 0.5 AND (n >= 1 OR s = 'a'))"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(BoundFilter bound, Bind(expr, t));
  EXPECT_EQ(bound.expr(), expr);
  EXPECT_EQ(bound.DebugString(),
            "or(float_range(x, 0.5, inf), and(int_range(n, "
            "-9223372036854775808, 0), code_set(s, 0 of 1 codes)))");
}

TEST(BindTest, UnknownColumnSuggestsTheClosestName) {
  const Table t = TruthTable();
  EXPECT_THAT(Bind(*ParseFilter("nn > 1"), t),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown column 'nn' (did you mean 'n'?)")));
  EXPECT_THAT(Bind(*ParseFilter("x > 1 AND confidence_of_model_run < 2"), t),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown column 'confidence_of_model_run'")));
}

TEST(BindTest, RejectsTypeMismatches) {
  const Table t = TruthTable();
  EXPECT_THAT(Bind(*ParseFilter("x = 'high'"), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 'x' is float; it cannot be compared "
                                 "with the string 'high'")));
  EXPECT_THAT(Bind(*ParseFilter("n IN (1, 'two')"), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 'n' is int")));
  EXPECT_THAT(Bind(*ParseFilter("s = 5"), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 's' is categorical; it cannot be "
                                 "compared with the number 5")));
  EXPECT_THAT(Bind(*ParseFilter("data_row_id BETWEEN 1 AND 2"), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 'data_row_id' is id")));
}

TEST(BindTest, RejectsNonFiniteAndOutOfRangeLiterals) {
  const Table t = TruthTable();
  EXPECT_THAT(Bind(*ParseFilter("x < 1e999"), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("literal 1e999 compared with column 'x' is "
                                 "out of range")));
  EXPECT_THAT(
      Bind(*ParseFilter("n > -1e999"), t),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("out of range")));
  EXPECT_THAT(Bind(Col("x") < std::numeric_limits<double>::quiet_NaN(), t),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NaN")));
  EXPECT_THAT(
      Bind(Col("x") < std::numeric_limits<double>::infinity(), t),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("out of range")));
}

// Messages quote a number as it was written: its canonical form can be
// another text (1e309 prints as 1e999, 1.50 as 1.5), which would point at
// the wrong place or, quoted as a string, mean another string.
TEST(BindTest, QuotesNumbersAsWritten) {
  const Table t = TruthTable();
  EXPECT_THAT(Bind(*ParseFilter("x > 0 AND x < 1e309"), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("literal 1e309 compared with column 'x' is "
                                 "out of range")));
  EXPECT_THAT(Bind(*ParseFilter("s IN ('a', 1.50)"), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 's' is categorical; it cannot be "
                                 "compared with the number 1.50 (quote it: "
                                 "'1.50')")));
  EXPECT_THAT(
      Bind(*FilterFromJson(R"({"version":1,"filter":{"op":"<","column":"n",)"
                           R"("value":{"number":"-2e400"}}})"),
           t),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("literal -2e400 compared with column 'n'")));
  // Built in C++, a number has no spelling: its canonical form is shown.
  EXPECT_THAT(Bind(Col("s") == 1.5, t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the number 1.5 (quote it: '1.5')")));
}

// A NUL or a byte that is not UTF-8 in a name is shown as \xNN: printed as
// a C string or read as UTF-8, the message would otherwise be cut short or
// undecodable.
TEST(BindTest, EscapesControlAndNonUtf8BytesInNames) {
  const Table t = TruthTable();
  EXPECT_THAT(Bind(Col(std::string("n\0x", 3)) > 1, t),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown column 'n\\x00x'")));
  EXPECT_THAT(Bind(*ParseFilter("s = 'caf\xe9\n'") && Col("x") > 1.5, t),
              IsOk());
  EXPECT_THAT(Bind(*ParseFilter("x = 'caf\xe9\n'"), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cannot be compared with the string "
                                 "'caf\\xE9\\x0A'")));
}

TEST(BindTest, RejectsEmptyInListsClassScopesAndDeepTrees) {
  const Table t = TruthTable();
  EXPECT_THAT(Bind(Col("n").In({}), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("IN list is empty")));
  EXPECT_THAT(Bind(*ParseFilter("n[car] >= 1"), t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 'n[car]': this table has no "
                                 "per-class 'n' columns")));
  Expr deep = Col("n") > 1;
  for (int i = 0; i < kMaxFilterDepth + 5; ++i) deep = !deep;
  EXPECT_THAT(Bind(deep, t), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("nested deeper than")));
}

TEST(ScanTest, BuilderTextAndResultsAgree) {
  const Table t = TruthTable();
  const Expr built = (Col("x") < 0.5 && Col("n") >= 1) || Col("x").IsNull();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr parsed,
                                ParseFilter("x < 0.5 AND n >= 1 OR x IS NULL"));
  EXPECT_EQ(built, parsed);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Selection a, Filter(t, built));
  EXPECT_EQ(a.ToVector(), std::vector<RowIndex>({0, 6, 7, 8}));
}

}  // namespace
}  // namespace slicekit

namespace slicekit {
namespace {

// The rows of `selection` within [begin, end).
Selection Clip(const Selection& selection, size_t begin, size_t end) {
  Selection out(selection.num_rows());
  selection.ForEach([&](RowIndex row) {
    if (row >= begin && row < end) out.Add(row);
  });
  return out;
}

TEST(ScanRangeTest, RowRangesAndScanManyMatchTheReference) {
  const uint64_t seed = 20261128;
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 rng(seed);
  for (size_t rows : {size_t{0}, size_t{1}, size_t{200}, size_t{1000}}) {
    for (size_t chunk_rows : {size_t{64}, size_t{256}}) {
      Table table = testing::RandomTable(rng, rows, {.chunk_rows = chunk_rows});
      ASSERT_THAT(testing::DeleteRandomRows(rng, table), IsOk());
      std::vector<Expr> exprs;
      std::vector<BoundFilter> filters;
      for (int i = 0; i < 12; ++i) {
        exprs.push_back(testing::RandomExpr(rng, table.schema(), 4));
        SLICEKIT_ASSERT_OK_AND_ASSIGN(BoundFilter bound,
                                      Bind(exprs.back(), table));
        filters.push_back(std::move(bound));
      }
      const std::vector<std::pair<size_t, size_t>> ranges = {
          {0, rows},
          {rows / 3, rows},
          {0, rows / 2},
          {63, 65},
          {rows / 2, rows / 2},
          {rows + 5, rows + 9},
          {1, rows * 2 + 1},
          {129, 130}};
      for (const auto& [begin, end] : ranges) {
        for (int threads : {1, 2, 3}) {
          SCOPED_TRACE(absl::StrCat("rows ", rows, " chunk ", chunk_rows,
                                    " range [", begin, ", ", end, ") threads ",
                                    threads));
          const ScanOptions options{.threads = threads,
                                    .begin_row = static_cast<RowIndex>(begin),
                                    .end_row = static_cast<RowIndex>(end)};
          const std::vector<Selection> many = ScanMany(filters, options);
          ASSERT_EQ(many.size(), filters.size());
          for (size_t i = 0; i < filters.size(); ++i) {
            const Selection expected =
                Clip(testing::ReferenceFilter(table, exprs[i]), begin, end);
            EXPECT_EQ(many[i], expected) << exprs[i].ToString();
            EXPECT_EQ(filters[i].Scan(options), expected)
                << exprs[i].ToString();
          }
        }
      }
    }
  }
}

TEST(ScanRangeTest, UnsetEndMeansTheWholeTableAndEmptyInputGivesNothing) {
  const Table t = TruthTable();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(BoundFilter bound, Bind(Expr::True(), t));
  EXPECT_EQ(bound.Scan({.begin_row = 4}).ToVector(),
            std::vector<RowIndex>({4, 5, 6, 7, 8}));
  EXPECT_TRUE(ScanMany({}, {}).empty());
}

}  // namespace
}  // namespace slicekit

namespace slicekit {
namespace {

TEST(ClassScopeTest, ResolvesToMetricBracketClassColumns) {
  Table table = *Table::Create(
      *Schema::Create({{"data_row_id", ColumnType::kId},
                       {"fp", ColumnType::kInt},
                       {"fp[car]", ColumnType::kInt},
                       {"fp[traffic light]", ColumnType::kInt},
                       {"iou[traffic light]", ColumnType::kFloat}}),
      {.chunk_rows = 64});
  Batch batch(table.schema());
  for (int i = 0; i < 4; ++i) {
    batch.AppendString(0, absl::StrCat("r", i));
    batch.AppendInt(1, i);
    batch.AppendInt(2, i % 2);
    batch.AppendInt(3, i);
    i == 3 ? batch.AppendNull(4) : batch.AppendFloat(4, 0.25f * i);
  }
  ASSERT_THAT(table.Append(batch), IsOk());
  EXPECT_THAT(Ids(table, "fp[car] >= 1"), ElementsAre("r1", "r3"));
  EXPECT_THAT(Ids(table, "fp['traffic light'] >= 2"), ElementsAre("r2", "r3"));
  EXPECT_THAT(Ids(table, "iou['traffic light'] < 0.3"),
              ElementsAre("r0", "r1"));
  EXPECT_THAT(Ids(table, "\"fp[car]\" = 0 AND fp > 0"), ElementsAre("r2"));
  EXPECT_THAT(Bind(*ParseFilter("fp[truck] > 0"), table),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown class 'truck' in 'fp[truck]'; known "
                                 "classes: car, traffic light")));
  EXPECT_THAT(Bind(*ParseFilter("tp[car] > 0"), table),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no per-class 'tp' columns")));
  // A NUL in the class, from C++ or JSON, shows in the message escaped.
  const std::string message =
      "unknown class 'c\\x00ar' in 'fp['c\\x00ar']'; known classes: car, "
      "traffic light";
  EXPECT_THAT(Bind(Col("fp", std::string("c\0ar", 4)) > 0, table),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(message)));
  EXPECT_THAT(Bind(*FilterFromJson(R"({"version":1,"filter":{"op":">",)"
                                   R"("column":"fp","class":"c\u0000ar",)"
                                   R"("value":0}})"),
                   table),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(message)));
}

}  // namespace
}  // namespace slicekit
