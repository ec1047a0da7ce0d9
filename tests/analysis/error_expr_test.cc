// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/analysis/error_expr.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/schema.h"
#include "slicekit/table.h"
#include "tests/testing/status_matchers.h"

namespace slicekit::internal {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;

// Rows r0..r4: fp 1 2 NULL 0 9, fn 0 3 1 0 9, f1 0.5 NULL 1 0.25 0.5,
// "my col" 2 2 2 0 2, fp[car] 4 5 6 7 8, split a b a b a. r4 is deleted.
Table SmallTable() {
  absl::StatusOr<Schema> schema = Schema::Create({
      {"data_row_id", ColumnType::kId},
      {"fp", ColumnType::kInt},
      {"fn", ColumnType::kInt},
      {"f1", ColumnType::kFloat},
      {"my col", ColumnType::kInt},
      {"fp[car]", ColumnType::kInt},
      {"split", ColumnType::kCategorical},
  });
  EXPECT_TRUE(schema.ok());
  Batch batch(*schema);
  const std::vector<std::optional<int64_t>> fp = {1, 2, std::nullopt, 0, 9};
  const std::vector<int64_t> fn = {0, 3, 1, 0, 9};
  const std::vector<std::optional<float>> f1 = {0.5f, std::nullopt, 1.0f, 0.25f,
                                                0.5f};
  for (int r = 0; r < 5; ++r) {
    batch.AppendString(0, absl::StrCat("r", r));
    fp[r] ? batch.AppendInt(1, *fp[r]) : batch.AppendNull(1);
    batch.AppendInt(2, fn[r]);
    f1[r] ? batch.AppendFloat(3, *f1[r]) : batch.AppendNull(3);
    batch.AppendInt(4, r == 3 ? 0 : 2);
    batch.AppendInt(5, 4 + r);
    batch.AppendString(6, r % 2 ? "b" : "a");
  }
  absl::StatusOr<Table> table = Table::Create(*schema);
  EXPECT_TRUE(table.ok());
  EXPECT_THAT(table->Append(batch), IsOk());
  EXPECT_THAT(table->Delete({"r4"}), IsOk());
  return *std::move(table);
}

// The values of `text` per row, NULL as nullopt.
std::vector<std::optional<double>> Eval(const Table& table,
                                        const std::string& text) {
  absl::StatusOr<ErrorExpr> e = ErrorExpr::Parse(text);
  EXPECT_THAT(e.status(), IsOk()) << text;
  std::vector<double> values;
  std::vector<uint8_t> valid;
  EXPECT_THAT(e->Evaluate(table, &values, &valid), IsOk()) << text;
  std::vector<std::optional<double>> out;
  for (size_t r = 0; r < values.size(); ++r) {
    out.push_back(valid[r] ? std::optional<double>(values[r]) : std::nullopt);
  }
  return out;
}

using V = std::vector<std::optional<double>>;
constexpr std::nullopt_t kNull = std::nullopt;

TEST(ErrorExprTest, ArithmeticWithNullsPropagating) {
  const Table t = SmallTable();
  // Only live rows are evaluated: r4 (deleted) is NULL.
  EXPECT_EQ(Eval(t, "fp + fn"), (V{1, 5, kNull, 0, kNull}));
  EXPECT_EQ(Eval(t, "1 - f1"), (V{0.5, kNull, 0, 0.75, kNull}));
  EXPECT_EQ(Eval(t, "coalesce(1 - f1, 0)"), (V{0.5, 0, 0, 0.75, kNull}));
  EXPECT_EQ(Eval(t, "COALESCE(fp, fn * 10)"), (V{1, 2, 10, 0, kNull}));
  EXPECT_EQ(Eval(t, "2 * (fp + fn) - -1"), (V{3, 11, kNull, 1, kNull}));
  EXPECT_EQ(Eval(t, "fp - fn - 1"),
            (V{0, -2, kNull, -1, kNull}));  // left to right
  EXPECT_EQ(Eval(t, "fn / fp"),
            (V{0, 1.5, kNull, kNull, kNull}));  // x / 0: NULL
  EXPECT_EQ(Eval(t, "fn / 2 / 2"), (V{0, 0.75, 0.25, 0, kNull}));
  EXPECT_EQ(Eval(t, "\"my col\" + fp[car]"), (V{6, 7, 8, 7, kNull}));
  EXPECT_EQ(Eval(t, "fp['car'] * 1e-1"),
            (V{0.4, 0.5, 0.6000000000000001, 0.7000000000000001, kNull}));
  EXPECT_EQ(Eval(t, "3"), (V{3, 3, 3, 3, kNull}));
  EXPECT_EQ(Eval(t, "1 / 0"), (V{kNull, kNull, kNull, kNull, kNull}));
  EXPECT_EQ(Eval(t, "coalesce(1 / 0, 2.5)"), (V{2.5, 2.5, 2.5, 2.5, kNull}));
}

TEST(ErrorExprTest, ColumnsAreListedOnce) {
  absl::StatusOr<ErrorExpr> e = ErrorExpr::Parse("fp + fn * fp + fp[car]");
  ASSERT_THAT(e.status(), IsOk());
  ASSERT_EQ(e->columns().size(), 3u);
  EXPECT_EQ(e->columns()[0].ToString(), "fp");
  EXPECT_EQ(e->columns()[1].ToString(), "fn");
  EXPECT_EQ(e->columns()[2].ToString(), "fp[car]");
}

TEST(ErrorExprTest, ParseErrorsNameTheByteOffset) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "empty error expression"},
      {"   ", "empty error expression"},
      {"fp +",
       "at 4: expected a column, a number, '-', '(' or coalesce( at "
       "the end"},
      {"fp + * fn",
       "at 5: expected a column, a number, '-', '(' or "
       "coalesce(, not '*'"},
      {"(fp + fn", "at 8: expected ')' to close the '(' at 0"},
      {"fp fn", "at 3: unexpected 'f' after a complete expression"},
      {"fp = 1", "at 3: unexpected '=' after a complete expression"},
      {"2x", "at 0: malformed number '2x'"},
      {"1.", "at 0: malformed number '1.'"},
      {"1e999", "at 0: malformed number '1e999'"},
      {"coalesce fp",
       "at 9: expected '(' after coalesce (a column named so "
       "must be \"quoted\")"},
      {"coalesce(fp)", "at 11: expected ',' between coalesce's arguments"},
      {"coalesce(fp, 1", "at 14: expected ')' to close the coalesce at 0"},
      {"\"fp", "at 0: unterminated quoted name"},
      {"fp[", "at 3: expected a class name after '['"},
      {"fp['car'", "at 8: expected ']' after the class name"},
      {"fp['car", "at 3: unterminated string"},
      {std::string(200, '(') + "1" + std::string(200, ')'),
       "nested deeper than 128 levels"},
      {std::string(200, '-') + "1", "nested deeper than 128 levels"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        ErrorExpr::Parse(c.text),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.text;
  }
}

TEST(ErrorExprTest, EvaluationErrorsNameTheColumn) {
  const Table t = SmallTable();
  auto eval = [&](const std::string& text) {
    absl::StatusOr<ErrorExpr> e = ErrorExpr::Parse(text);
    EXPECT_THAT(e.status(), IsOk());
    std::vector<double> values;
    std::vector<uint8_t> valid;
    return e->Evaluate(t, &values, &valid);
  };
  EXPECT_THAT(eval("fq + fn"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown column 'fq' (did you mean 'fp'?)")));
  EXPECT_THAT(eval("fp[bus]"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown class 'bus' in 'fp[bus]'; known "
                                 "classes: car")));
  EXPECT_THAT(eval("1 - split"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 'split' is categorical; the error "
                                 "expression needs int or float columns")));
  EXPECT_THAT(eval("data_row_id"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 'data_row_id' is id")));
}

}  // namespace
}  // namespace slicekit::internal
