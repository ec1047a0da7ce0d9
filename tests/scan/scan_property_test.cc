// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Property tests: the vectorized scanner against the row-at-a-time reference
// (tests/testing/reference.h) on random tables and random filters.
//
// Every case derives its seed from a base seed and its own parameters. A
// failure prints the base seed; replay it with
//   SLICEKIT_SEED=<base> ./scan_property_test --gtest_filter=<test name>
// and try other data with any other SLICEKIT_SEED.
#include <bit>
#include <cfloat>
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

constexpr uint64_t kDefaultSeed = 20260214;

uint64_t BaseSeed() {
  const char* env = std::getenv("SLICEKIT_SEED");
  if (env != nullptr && *env != '\0') return std::strtoull(env, nullptr, 0);
  return kDefaultSeed;
}

uint64_t Mix(uint64_t seed, uint64_t value) {
  uint64_t x = seed ^ (value + 0x9e3779b97f4a7c15u + (seed << 6) + (seed >> 2));
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
  return x ^ (x >> 31);
}

std::string ReplayHint() {
  return absl::StrCat(
      "replay: SLICEKIT_SEED=", BaseSeed(), " --gtest_filter=",
      ::testing::UnitTest::GetInstance()
          ->current_test_info()
          ->test_suite_name(),
      ".", ::testing::UnitTest::GetInstance()->current_test_info()->name());
}

// ---- Selection arithmetic, independent of the engine's Selection code ----

size_t CountBits(const Selection& s) {
  size_t n = 0;
  for (uint64_t w : s.words()) n += static_cast<size_t>(std::popcount(w));
  return n;
}

Selection Combine(const Selection& a, const Selection& b,
                  uint64_t (*op)(uint64_t, uint64_t)) {
  Selection out(a.num_rows());
  for (size_t i = 0; i < out.words().size(); ++i) {
    out.mutable_words()[i] = op(a.words()[i], b.words()[i]);
  }
  return out;
}
Selection Intersect(const Selection& a, const Selection& b) {
  return Combine(a, b, [](uint64_t x, uint64_t y) { return x & y; });
}
Selection Union(const Selection& a, const Selection& b) {
  return Combine(a, b, [](uint64_t x, uint64_t y) { return x | y; });
}
Selection Minus(const Selection& a, const Selection& b) {
  return Combine(a, b, [](uint64_t x, uint64_t y) { return x & ~y; });
}

Selection Live(const Table& table) {
  Selection live(table.num_rows());
  for (size_t row = 0; row < table.num_rows(); ++row) {
    if (table.IsLive(static_cast<RowIndex>(row))) {
      live.Add(static_cast<RowIndex>(row));
    }
  }
  return live;
}

// ---- Failure reports ----

int NodeCount(const Expr& expr) {
  int n = 1;
  if (expr.kind() == Expr::Kind::kAnd || expr.kind() == Expr::Kind::kOr ||
      expr.kind() == Expr::Kind::kNot) {
    for (const Expr& child : expr.children()) n += NodeCount(child);
  }
  return n;
}

void CollectSubtrees(const Expr& expr, std::vector<Expr>* out) {
  out->push_back(expr);
  if (expr.kind() == Expr::Kind::kAnd || expr.kind() == Expr::Kind::kOr ||
      expr.kind() == Expr::Kind::kNot) {
    for (const Expr& child : expr.children()) CollectSubtrees(child, out);
  }
}

std::string FirstDifference(const Table& table, const Expr& expr,
                            const Selection& actual,
                            const Selection& expected) {
  if (actual.num_rows() != expected.num_rows()) {
    return absl::StrCat("the scan covers ", actual.num_rows(),
                        " row positions; the table has ", expected.num_rows());
  }
  for (size_t row = 0; row < expected.num_rows(); ++row) {
    const RowIndex r = static_cast<RowIndex>(row);
    if (actual.Contains(r) != expected.Contains(r)) {
      return absl::StrCat("first difference at ", RowDebugString(table, r),
                          "\n  engine ",
                          actual.Contains(r) ? "selects" : "skips",
                          " it; the reference evaluates the filter to ",
                          TruthName(EvaluateRow(table, expr, r)));
    }
  }
  return "no row differs";
}

// Limits the slow subtree search to the first few failures of the run.
int detailed_reports_left = 5;

// Explains why `actual` (the engine's rows for `expr`) differs from
// `expected`: the first differing row and, for the first few failures, the
// smallest subfilter on which the engine and the reference disagree too.
std::string DescribeMismatch(const Table& table, const Expr& expr,
                             const Selection& actual,
                             const Selection& expected) {
  std::string out = absl::StrCat(
      "engine selects ", CountBits(actual), " rows, the reference ",
      CountBits(expected), " (", table.num_live_rows(), " live of ",
      table.num_rows(), ", chunk_rows=", table.options().chunk_rows, ")\n",
      FirstDifference(table, expr, actual, expected));
  if (detailed_reports_left <= 0) return out;
  --detailed_reports_left;
  std::vector<Expr> subtrees;
  CollectSubtrees(expr, &subtrees);
  std::optional<Expr> smallest;
  for (const Expr& sub : subtrees) {
    if (smallest.has_value() && NodeCount(sub) >= NodeCount(*smallest)) {
      continue;
    }
    absl::StatusOr<Selection> got = Filter(table, sub);
    if (got.ok() && *got != ReferenceFilter(table, sub)) smallest = sub;
  }
  if (smallest.has_value()) {
    const Selection got = *Filter(table, *smallest);
    absl::StrAppend(
        &out, "\nsmallest disagreeing subfilter: ", smallest->ToString(), "\n",
        FirstDifference(table, *smallest, got,
                        ReferenceFilter(table, *smallest)));
  }
  return out;
}

// ---- The check ----

// Checks the engine against the reference on one filter: Scan() at 1, 2 and
// 3 threads, Filter(), and the partition of the live rows into p, NOT p and
// UNKNOWN. Stops at the first failure. Sets `*matched` to the number of
// rows the reference selects.
void CheckFilter(const Table& table, const Expr& expr, size_t* matched) {
  SCOPED_TRACE(absl::StrCat("filter: ", expr.ToString()));
  absl::StatusOr<BoundFilter> bound = Bind(expr, table);
  ASSERT_THAT(bound, IsOk());
  Selection want, unknown;
  ReferenceClassify(table, expr, &want, &unknown);
  *matched = CountBits(want);

  for (int threads : {1, 2, 3}) {
    const Selection got = bound->Scan(ScanOptions{threads});
    ASSERT_TRUE(got == want) << "Scan with threads=" << threads << "\n"
                             << DescribeMismatch(table, expr, got, want);
  }
  absl::StatusOr<Selection> filtered = Filter(table, expr, ScanOptions{2});
  ASSERT_THAT(filtered, IsOk());
  ASSERT_TRUE(*filtered == want)
      << "Filter()\n"
      << DescribeMismatch(table, expr, *filtered, want);

  // NOT p is TRUE exactly where p is FALSE; UNKNOWN stays out of both.
  const Selection live = Live(table);
  const Expr negation = Expr::Not(expr);
  absl::StatusOr<Selection> negated = Filter(table, negation, ScanOptions{1});
  ASSERT_THAT(negated, IsOk());
  EXPECT_EQ(CountBits(Intersect(want, *negated)), 0u) << "p and NOT p overlap";
  EXPECT_EQ(CountBits(want) + CountBits(*negated) + CountBits(unknown),
            CountBits(live))
      << "count(p) + count(NOT p) + count(UNKNOWN) != live rows";
  const Selection want_negated = Minus(live, Union(want, unknown));
  ASSERT_TRUE(*negated == want_negated)
      << "NOT p\n"
      << DescribeMismatch(table, negation, *negated, want_negated);

  // p OR NOT p is not a tautology under NULLs, and p AND NOT p selects
  // nothing.
  absl::StatusOr<Selection> excluded_middle =
      Filter(table, Expr::Or({expr, negation}), ScanOptions{2});
  ASSERT_THAT(excluded_middle, IsOk());
  EXPECT_TRUE(*excluded_middle == Minus(live, unknown))
      << "p OR NOT p: engine selects " << CountBits(*excluded_middle)
      << " rows, expected " << CountBits(Minus(live, unknown));
  absl::StatusOr<Selection> contradiction =
      Filter(table, Expr::And({expr, negation}), ScanOptions{1});
  ASSERT_THAT(contradiction, IsOk());
  EXPECT_EQ(CountBits(*contradiction), 0u) << "p AND NOT p";
}

// ---- Random tables x random filters ----

struct ScanCase {
  size_t rows;
  size_t chunk_rows;
  int tables;
  int filters_per_table;
  int depth;  // filters alternate between depth and depth + 1
};

void PrintTo(const ScanCase& c, std::ostream* os) {
  *os << c.rows << " rows in chunks of " << c.chunk_rows << ", " << c.tables
      << " tables x " << c.filters_per_table << " filters";
}

std::string CaseName(const ::testing::TestParamInfo<ScanCase>& info) {
  return absl::StrCat("Rows", info.param.rows, "Chunk", info.param.chunk_rows);
}

std::vector<ScanCase> SmallChunkCases() {
  std::vector<ScanCase> cases;
  for (size_t chunk : {64, 128, 256}) {
    for (size_t rows : {0, 1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000,
                        2047, 2048, 2049, 4100}) {
      cases.push_back({rows, chunk, /*tables=*/4, /*filters_per_table=*/24,
                       /*depth=*/4});
    }
  }
  return cases;
}

std::vector<ScanCase> LargeChunkCases() {
  std::vector<ScanCase> cases;
  for (size_t rows : {0, 1, 63, 64, 65, 2047, 2048, 2049, 9000}) {
    cases.push_back({rows, 65536, 4, 24, 4});
  }
  // Several default-size chunks, the last one partial.
  cases.push_back({150000, 65536, 2, 12, 4});
  // Batch-sized chunks.
  cases.push_back({20000, 2048, 2, 16, 4});
  return cases;
}

class ScanPropertyTest : public ::testing::TestWithParam<ScanCase> {};

TEST_P(ScanPropertyTest, ScanMatchesReference) {
  const ScanCase& c = GetParam();
  SCOPED_TRACE(ReplayHint());
  for (int t = 0; t < c.tables; ++t) {
    std::mt19937_64 rng(Mix(Mix(Mix(BaseSeed(), c.rows), c.chunk_rows), t));
    Table table = RandomTable(rng, c.rows, TableOptions{c.chunk_rows});
    ASSERT_EQ(table.num_rows(), c.rows);
    for (int f = 0; f < c.filters_per_table; ++f) {
      SCOPED_TRACE(absl::StrCat("table ", t, ", filter ", f));
      const Expr expr = RandomExpr(rng, table.schema(), c.depth + f % 2);
      size_t matched = 0;
      CheckFilter(table, expr, &matched);
      if (HasFailure()) return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SmallChunks, ScanPropertyTest,
                         ::testing::ValuesIn(SmallChunkCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(LargeChunks, ScanPropertyTest,
                         ::testing::ValuesIn(LargeChunkCases()), CaseName);

// The random filters must make the scanner decide row by row: if nearly all
// selected every row or none, or NULLs never mattered, the property tests
// above would prove little.
TEST(RandomDataTest, FiltersOftenSelectAProperSubsetAndMeetNulls) {
  std::mt19937_64 rng(Mix(BaseSeed(), 0x9a11));
  SCOPED_TRACE(ReplayHint());
  int filters = 0;
  int partial = 0;
  int with_unknown = 0;
  for (int t = 0; t < 30; ++t) {
    Table table = RandomTable(rng, 500 + rng() % 3000, TableOptions{64});
    if (table.num_live_rows() < 100) continue;
    for (int f = 0; f < 10; ++f) {
      const Expr expr = RandomExpr(rng, table.schema(), 4 + f % 2);
      Selection selected, unknown;
      ReferenceClassify(table, expr, &selected, &unknown);
      const size_t matched = CountBits(selected);
      ++filters;
      if (matched > 0 && matched < table.num_live_rows()) ++partial;
      if (CountBits(unknown) > 0) ++with_unknown;
    }
  }
  ASSERT_GE(filters, 100);
  EXPECT_GE(partial * 10, filters * 3) << partial << " of " << filters;
  EXPECT_GE(with_unknown * 10, filters * 2)
      << with_unknown << " of " << filters;
}

// ---- Re-scanning a bound filter after appends and deletes ----

// Filters on strings that RandomTable() never stores and that appends with
// `new_strings` do: they are resolved again at scan time.
std::vector<Expr> NewStringFilters() {
  return {
      Col("split") == "bus",
      Col("split") != "zzz",
      Col("dataset").In({"zzz", "ds9999", "ds3"}),
      Col("split").NotIn({"bus", "train"}),
      Col("split") > "trainx",
      Col("dataset") < "bus",
      Col("split").Between("bus", "zzz"),
      Col("dataset").NotBetween("ds9999", "zzz") || Col("split") == "trainx",
  };
}

// Appends three rows whose split and dataset strings RandomTable() never
// stores, so they are first seen after Bind().
absl::Status AppendNewStringRows(Table& table) {
  const Schema& schema = table.schema();
  Batch batch(schema);
  const char* const splits[] = {"bus", "trainx", "zzz"};
  const char* const datasets[] = {"ds9999", "zzz", nullptr};
  for (int i = 0; i < 3; ++i) {
    for (int c = 0; c < schema.num_columns(); ++c) {
      const ColumnSpec& spec = schema.column(c);
      if (spec.type == ColumnType::kId) {
        batch.AppendString(c, RandomRowId(table.num_rows() + i));
      } else if (spec.name == "split") {
        batch.AppendString(c, splits[i]);
      } else if (spec.name == "dataset") {
        datasets[i] != nullptr ? batch.AppendString(c, datasets[i])
                               : batch.AppendNull(c);
      } else if (spec.type == ColumnType::kFloat) {
        batch.AppendFloat(c, 0.5f * static_cast<float>(i));
      } else if (spec.type == ColumnType::kInt) {
        batch.AppendInt(c, i);
      } else {
        batch.AppendNull(c);
      }
    }
  }
  return table.Append(batch);
}

class RescanTest : public ::testing::TestWithParam<ScanCase> {};

TEST_P(RescanTest, BoundFilterSeesAppendedAndDeletedRows) {
  const ScanCase& c = GetParam();
  SCOPED_TRACE(ReplayHint());
  std::mt19937_64 rng(Mix(Mix(BaseSeed() ^ 0xa99e9d, c.rows), c.chunk_rows));
  Table table = RandomTable(rng, c.rows, TableOptions{c.chunk_rows});
  std::vector<Expr> exprs = NewStringFilters();
  for (int f = 0; f < c.filters_per_table; ++f) {
    exprs.push_back(RandomExpr(rng, table.schema(), c.depth));
  }
  std::vector<BoundFilter> bound;
  for (const Expr& expr : exprs) {
    SCOPED_TRACE(expr.ToString());
    SLICEKIT_ASSERT_OK_AND_ASSIGN(BoundFilter b, Bind(expr, table));
    ASSERT_EQ(b.Scan(), ReferenceFilter(table, expr));
    bound.push_back(std::move(b));
  }

  // The table may move; the filters stay bound to it.
  Table moved = std::move(table);
  auto rescan_all = [&](const std::string& step) {
    for (size_t i = 0; i < exprs.size(); ++i) {
      SCOPED_TRACE(absl::StrCat(step, ": ", exprs[i].ToString()));
      const Selection want = ReferenceFilter(moved, exprs[i]);
      for (int threads : {1, 2}) {
        const Selection got = bound[i].Scan(ScanOptions{threads});
        ASSERT_EQ(got, want) << "threads=" << threads << "\n"
                             << DescribeMismatch(moved, exprs[i], got, want);
      }
    }
  };

  ASSERT_THAT(AppendRandomRows(rng, moved, c.rows / 2 + 300,
                               /*new_strings=*/true),
              IsOk());
  ASSERT_THAT(AppendNewStringRows(moved), IsOk());
  rescan_all("after append");
  if (HasFailure()) return;

  const size_t live_before = moved.num_live_rows();
  ASSERT_THAT(DeleteRandomRows(rng, moved), IsOk());
  // Make sure something is deleted: the first live row.
  for (size_t row = 0; row < moved.num_rows(); ++row) {
    if (moved.IsLive(static_cast<RowIndex>(row))) {
      ASSERT_THAT(moved.Delete({std::string(
                      moved.RowId(static_cast<RowIndex>(row)).value())}),
                  IsOk());
      break;
    }
  }
  ASSERT_LT(moved.num_live_rows(), live_before);
  rescan_all("after delete");
  if (HasFailure()) return;

  ASSERT_THAT(AppendRandomRows(rng, moved, 200, /*new_strings=*/true), IsOk());
  rescan_all("after second append");
}

INSTANTIATE_TEST_SUITE_P(All, RescanTest,
                         ::testing::Values(ScanCase{0, 64, 1, 10, 4},
                                           ScanCase{1, 64, 1, 10, 4},
                                           ScanCase{100, 64, 1, 10, 4},
                                           ScanCase{1000, 64, 1, 10, 4},
                                           ScanCase{3000, 256, 1, 10, 4},
                                           ScanCase{5000, 65536, 1, 10, 4}),
                         CaseName);

// ---- The reference itself, against FILTER-LANGUAGE.md's examples ----

class ReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(
        Schema schema, Schema::Create({{"data_row_id", ColumnType::kId},
                                       {"conf", ColumnType::kFloat},
                                       {"fp", ColumnType::kInt},
                                       {"split", ColumnType::kCategorical}}));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(table_, Table::Create(schema));
    Batch batch(schema);
    auto add = [&](const char* id, std::optional<float> conf,
                   std::optional<int64_t> fp,
                   std::optional<std::string> split) {
      batch.AppendString(0, id);
      conf.has_value() ? batch.AppendFloat(1, *conf) : batch.AppendNull(1);
      fp.has_value() ? batch.AppendInt(2, *fp) : batch.AppendNull(2);
      split.has_value() ? batch.AppendString(3, *split) : batch.AppendNull(3);
    };
    add("r0", 0.8f, 1, "train");
    add("r1", std::nullopt, 2, "\xc3\xa9");
    add("r2", 0.5f, std::nullopt, std::nullopt);
    add("r3", 1.0f, INT64_MAX, "");
    ASSERT_THAT(table_->Append(batch), IsOk());
  }

  Truth Eval(const Expr& expr, RowIndex row) {
    return EvaluateRow(*table_, expr, row);
  }

  std::optional<Table> table_;
};

TEST_F(ReferenceTest, RoundsFloatLiteralsTo32Bits) {
  EXPECT_EQ(Eval(Col("conf") == 0.8, 0), Truth::kTrue);
  EXPECT_EQ(Eval(Col("conf") > 0.8, 0), Truth::kFalse);
  EXPECT_EQ(Eval(Col("conf") < 0.80000001, 0), Truth::kFalse);
  EXPECT_EQ(Eval(Col("conf") < 0.8000001, 0), Truth::kTrue);
  EXPECT_EQ(Eval(Col("conf") < 1e300, 3), Truth::kTrue);
  EXPECT_EQ(Eval(Col("conf") >= -1e300, 3), Truth::kTrue);
}

TEST_F(ReferenceTest, ComparesIntegersExactly) {
  EXPECT_EQ(Eval(Col("fp") > 1.5, 0), Truth::kFalse);
  EXPECT_EQ(Eval(Col("fp") > 1.5, 1), Truth::kTrue);
  EXPECT_EQ(Eval(Col("fp") == 2.5, 1), Truth::kFalse);
  EXPECT_EQ(Eval(Col("fp") != 2.5, 1), Truth::kTrue);
  EXPECT_EQ(Eval(Col("fp").In({1e1, 2}), 1), Truth::kTrue);
  // 2^63 - 1 as a double is 2^63: larger than every int64.
  EXPECT_EQ(Eval(Col("fp") < 9223372036854775807.0, 3), Truth::kTrue);
  EXPECT_EQ(Eval(Col("fp") == INT64_MAX, 3), Truth::kTrue);
  EXPECT_EQ(Eval(Col("fp") >= 9.2e18, 3), Truth::kTrue);
  EXPECT_EQ(Eval(Col("fp") > 5e-324, 0), Truth::kTrue);
  EXPECT_EQ(Eval(Col("fp") < -5e-324, 0), Truth::kFalse);
}

TEST_F(ReferenceTest, FollowsThreeValuedLogic) {
  EXPECT_EQ(Eval(Col("conf") > 0, 1), Truth::kUnknown);
  EXPECT_EQ(Eval(!(Col("conf") > 0), 1), Truth::kUnknown);
  EXPECT_EQ(Eval(Col("conf").IsNull(), 1), Truth::kTrue);
  EXPECT_EQ(Eval(Col("conf").IsNotNull(), 1), Truth::kFalse);
  EXPECT_EQ(Eval(Col("conf").NotIn({1}), 1), Truth::kUnknown);
  EXPECT_EQ(Eval(Col("conf").NotBetween(0, 1), 1), Truth::kUnknown);
  EXPECT_EQ(Eval(Col("conf") > 0 && Col("fp") == 3, 1), Truth::kFalse);
  EXPECT_EQ(Eval(Col("conf") > 0 && Col("fp") == 2, 1), Truth::kUnknown);
  EXPECT_EQ(Eval(Col("conf") > 0 || Col("fp") == 2, 1), Truth::kTrue);
  EXPECT_EQ(Eval(Col("conf") > 0 || Col("fp") == 3, 1), Truth::kUnknown);
  EXPECT_EQ(Eval(Expr::True(), 1), Truth::kTrue);
  EXPECT_EQ(Eval(Expr::False(), 1), Truth::kFalse);
  EXPECT_EQ(Eval(Col("conf").Between(0.9, 0.1), 0), Truth::kFalse);
}

TEST_F(ReferenceTest, ComparesStringsByteWise) {
  // 0xc3 > 't' as an unsigned byte; "" is smallest.
  EXPECT_EQ(Eval(Col("split") > "train", 1), Truth::kTrue);
  EXPECT_EQ(Eval(Col("split") < "a", 3), Truth::kTrue);
  EXPECT_EQ(Eval(Col("split") == "", 3), Truth::kTrue);
  EXPECT_EQ(Eval(Col("split") == "Train", 0), Truth::kFalse);
  EXPECT_EQ(Eval(Col("split") == "x", 2), Truth::kUnknown);
  EXPECT_EQ(Eval(Col("data_row_id") >= "r2", 3), Truth::kTrue);
  EXPECT_EQ(Eval(Col("data_row_id").IsNull(), 3), Truth::kFalse);
}

TEST_F(ReferenceTest, FiltersOnlyLiveRows) {
  ASSERT_THAT(table_->Delete({"r0"}), IsOk());
  const Selection rows = ReferenceFilter(*table_, Expr::True());
  EXPECT_EQ(rows.num_rows(), 4u);
  EXPECT_THAT(rows.ToVector(), ::testing::ElementsAre(1, 2, 3));
}

TEST(ReferenceHelpersTest, RoundsLikeIeee) {
  EXPECT_EQ(RoundToFloat(0.8), 0.8f);
  EXPECT_EQ(RoundToFloat(1e300), std::numeric_limits<float>::infinity());
  EXPECT_EQ(RoundToFloat(-1e300), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(RoundToFloat(static_cast<double>(FLT_MAX) + 0x1p100), FLT_MAX);
  EXPECT_EQ(RoundToFloat(0x1.ffffffp127),
            std::numeric_limits<float>::infinity());
  EXPECT_EQ(CompareIntToDouble(1, 1.5), -1);
  EXPECT_EQ(CompareIntToDouble(2, 1.5), 1);
  EXPECT_EQ(CompareIntToDouble(-1, -0.5), -1);
  EXPECT_EQ(CompareIntToDouble(0, -0.5), 1);
  EXPECT_EQ(CompareIntToDouble(INT64_MIN, -0x1p63), 0);
  EXPECT_EQ(CompareIntToDouble(INT64_MAX, 0x1p63), -1);
  EXPECT_EQ(CompareIntToDouble(INT64_MIN, -1e300), 1);
  EXPECT_GT(BytewiseCompare("\xff", "a"), 0);
  EXPECT_LT(BytewiseCompare("", "a"), 0);
  EXPECT_GT(BytewiseCompare(std::string("a\0", 2), "a"), 0);
}

}  // namespace
}  // namespace slicekit::testing
