// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/expr.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace slicekit {

// Readable failure messages.
void PrintTo(const Literal& literal, std::ostream* os) {
  *os << literal.ToString();
}
void PrintTo(const Expr& expr, std::ostream* os) { *os << expr.ToString(); }

namespace {

using ::testing::ElementsAre;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

ColumnRef Ref(std::string name) { return ColumnRef{std::move(name), {}}; }
ColumnRef Ref(std::string name, std::string class_name) {
  return ColumnRef{std::move(name), std::move(class_name)};
}

// --- Literal ---------------------------------------------------------------

TEST(ExprLiteralTest, IntegralDoublesBecomeIntegers) {
  struct Case {
    double input;
    int64_t expected;
  };
  const Case cases[] = {
      {10.0, 10},
      {-3.0, -3},
      {0.0, 0},
      {-0.0, 0},
      {1e18, 1'000'000'000'000'000'000},
      {-9223372036854775808.0, kInt64Min},     // -2^63 fits
      {9007199254740993.0, 9007199254740992},  // rounds to 2^53 first
  };
  for (const Case& c : cases) {
    const Literal literal(c.input);
    EXPECT_EQ(literal.kind(), Literal::Kind::kInt) << c.input;
    EXPECT_EQ(literal.int_value(), c.expected) << c.input;
    EXPECT_TRUE(literal.is_number());
    EXPECT_FALSE(literal.is_string());
  }
}

TEST(ExprLiteralTest, OtherDoublesStayDoubles) {
  for (double value :
       {0.5, -0.5, 1e-300, 9223372036854775808.0 /* 2^63 */,
        -9223372036854777856.0 /* below -2^63 */, 1e19, 1e300, kInf, -kInf}) {
    const Literal literal(value);
    EXPECT_EQ(literal.kind(), Literal::Kind::kDouble) << value;
    EXPECT_EQ(literal.double_value(), value);
  }
  const Literal nan(kNaN);
  EXPECT_EQ(nan.kind(), Literal::Kind::kDouble);
  EXPECT_TRUE(std::isnan(nan.double_value()));
}

TEST(ExprLiteralTest, IntegerConstructorsKeepExactValues) {
  EXPECT_EQ(Literal(7).int_value(), 7);
  EXPECT_EQ(Literal(7L).int_value(), 7);
  EXPECT_EQ(Literal(7LL).int_value(), 7);
  EXPECT_EQ(Literal(kInt64Max).int_value(), kInt64Max);
  EXPECT_EQ(Literal(kInt64Min).int_value(), kInt64Min);
  EXPECT_EQ(Literal(kInt64Max).kind(), Literal::Kind::kInt);
  // double_value() rounds big integers.
  EXPECT_EQ(Literal(kInt64Max).double_value(), 9223372036854775808.0);
  EXPECT_EQ(Literal(-4).double_value(), -4.0);
}

TEST(ExprLiteralTest, StringConstructors) {
  const std::string s = "val";
  for (const Literal& literal :
       {Literal("val"), Literal(s), Literal(absl::string_view(s)),
        Literal(std::string("val"))}) {
    EXPECT_EQ(literal.kind(), Literal::Kind::kString);
    EXPECT_TRUE(literal.is_string());
    EXPECT_FALSE(literal.is_number());
    EXPECT_EQ(literal.string_value(), "val");
  }
  // Strings are bytes: embedded NUL and invalid UTF-8 survive.
  const std::string bytes("a\0\xff", 3);
  EXPECT_EQ(Literal(bytes).string_value(), bytes);
}

TEST(ExprLiteralTest, Equality) {
  EXPECT_EQ(Literal(1), Literal(1.0));
  EXPECT_EQ(Literal(10), Literal(1e1));
  EXPECT_EQ(Literal(0.5), Literal(0.5));
  EXPECT_EQ(Literal("a"), Literal(std::string("a")));
  EXPECT_EQ(Literal(kNaN), Literal(kNaN));  // reflexive, unlike IEEE
  EXPECT_EQ(Literal(kInf), Literal(kInf));
  EXPECT_NE(Literal(kInf), Literal(-kInf));
  EXPECT_NE(Literal(1), Literal(2));
  EXPECT_NE(Literal(0.5), Literal(0.25));
  EXPECT_NE(Literal(1), Literal("1"));
  EXPECT_NE(Literal("a"), Literal("A"));
  EXPECT_NE(Literal(kNaN), Literal(0.5));
  // 2^63 as a double is not the integer 2^63 - 1.
  EXPECT_NE(Literal(9223372036854775808.0), Literal(kInt64Max));
}

TEST(ExprLiteralTest, ToStringIsCanonical) {
  struct Case {
    Literal literal;
    std::string expected;
  };
  const Case cases[] = {
      {Literal(0), "0"},
      {Literal(-5), "-5"},
      {Literal(kInt64Max), "9223372036854775807"},
      {Literal(kInt64Min), "-9223372036854775808"},
      {Literal(10.0), "10"},
      {Literal(0.5), "0.5"},
      {Literal(-0.25), "-0.25"},
      {Literal(0.1), "0.1"},
      {Literal(0.1 + 0.2), "0.30000000000000004"},
      {Literal(1e300), "1e+300"},
      {Literal(1e-7), "1e-07"},
      {Literal(1e19), "1e+19"},
      {Literal(5e-324), "5e-324"},
      {Literal(kInf), "1e999"},
      {Literal(-kInf), "-1e999"},
      {Literal(kNaN), "nan"},
      {Literal(""), "''"},
      {Literal("car"), "'car'"},
      {Literal("it's"), "'it''s'"},
      {Literal("''"), "''''''"},
      {Literal("say \"hi\""), "'say \"hi\"'"},
      {Literal("größe"), "'größe'"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.literal.ToString(), c.expected);
  }
}

TEST(ExprCompareOpTest, Symbols) {
  EXPECT_EQ(CompareOpSymbol(CompareOp::kEq), "=");
  EXPECT_EQ(CompareOpSymbol(CompareOp::kNe), "!=");
  EXPECT_EQ(CompareOpSymbol(CompareOp::kLt), "<");
  EXPECT_EQ(CompareOpSymbol(CompareOp::kLe), "<=");
  EXPECT_EQ(CompareOpSymbol(CompareOp::kGt), ">");
  EXPECT_EQ(CompareOpSymbol(CompareOp::kGe), ">=");
}

// --- ColumnRef -------------------------------------------------------------

TEST(ExprColumnRefTest, ToStringQuotesOnlyWhenNeeded) {
  struct Case {
    ColumnRef ref;
    std::string expected;
  };
  const Case cases[] = {
      {Ref("fp"), "fp"},
      {Ref("_x9"), "_x9"},
      {Ref("Confidence_2"), "Confidence_2"},
      {Ref("my col"), "\"my col\""},
      {Ref("9lives"), "\"9lives\""},
      {Ref(""), "\"\""},
      {Ref("a\"b"), "\"a\"\"b\""},
      {Ref("it's"), "\"it's\""},
      {Ref("größe"), "\"größe\""},
      {Ref("a-b"), "\"a-b\""},
      // Keywords, in any case, must be quoted.
      {Ref("in"), "\"in\""},
      {Ref("IN"), "\"IN\""},
      {Ref("Null"), "\"Null\""},
      {Ref("and"), "\"and\""},
      {Ref("or"), "\"or\""},
      {Ref("not"), "\"not\""},
      {Ref("between"), "\"between\""},
      {Ref("is"), "\"is\""},
      {Ref("true"), "\"true\""},
      {Ref("FALSE"), "\"FALSE\""},
      // Near-keywords are plain names.
      {Ref("inn"), "inn"},
      {Ref("nulls"), "nulls"},
      {Ref("android"), "android"},
      // Class scopes: bare if identifier-like, else a single-quoted string.
      {Ref("fp", "car"), "fp[car]"},
      {Ref("iou", "traffic light"), "iou['traffic light']"},
      {Ref("fp", "it's"), "fp['it''s']"},
      {Ref("fp", ""), "fp['']"},
      {Ref("fp", "and"), "fp['and']"},
      {Ref("fp", "Null"), "fp['Null']"},
      {Ref("fp", "2wheel"), "fp['2wheel']"},
      {Ref("my col", "a\"b"), "\"my col\"['a\"b']"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.ref.ToString(), c.expected);
  }
}

TEST(ExprColumnRefTest, Equality) {
  EXPECT_EQ(Ref("fp"), Ref("fp"));
  EXPECT_EQ(Ref("fp", "car"), Ref("fp", "car"));
  EXPECT_NE(Ref("fp"), Ref("fp", "car"));
  EXPECT_NE(Ref("fp", ""), Ref("fp"));
  EXPECT_NE(Ref("fp", "car"), Ref("fp", "bus"));
  EXPECT_NE(Ref("fp"), Ref("FP"));
}

// --- Expr ------------------------------------------------------------------

TEST(ExprTest, DefaultIsTrue) {
  EXPECT_EQ(Expr().kind(), Expr::Kind::kTrue);
  EXPECT_EQ(Expr(), Expr::True());
  EXPECT_EQ(Expr::False().kind(), Expr::Kind::kFalse);
  EXPECT_NE(Expr::True(), Expr::False());
}

TEST(ExprTest, LeafAccessors) {
  const Expr compare = Expr::Compare(Ref("fp", "car"), CompareOp::kGe, 1);
  EXPECT_EQ(compare.kind(), Expr::Kind::kCompare);
  EXPECT_EQ(compare.column(), Ref("fp", "car"));
  EXPECT_EQ(compare.op(), CompareOp::kGe);
  EXPECT_EQ(compare.value(), Literal(1));

  const Expr between = Expr::Between(Ref("x"), 0.3, 0.7, /*negated=*/true);
  EXPECT_EQ(between.kind(), Expr::Kind::kBetween);
  EXPECT_EQ(between.column(), Ref("x"));
  EXPECT_EQ(between.low(), Literal(0.3));
  EXPECT_EQ(between.high(), Literal(0.7));
  EXPECT_TRUE(between.negated());
  EXPECT_FALSE(Expr::Between(Ref("x"), 1, 2).negated());

  const Expr in = Expr::In(Ref("split"), {"val", "test"});
  EXPECT_EQ(in.kind(), Expr::Kind::kIn);
  EXPECT_THAT(in.values(), ElementsAre(Literal("val"), Literal("test")));
  EXPECT_FALSE(in.negated());
  EXPECT_TRUE(Expr::In(Ref("x"), {1}, /*negated=*/true).negated());

  const Expr is_null = Expr::IsNull(Ref("x"));
  EXPECT_EQ(is_null.kind(), Expr::Kind::kIsNull);
  EXPECT_FALSE(is_null.negated());
  EXPECT_TRUE(Expr::IsNull(Ref("x"), /*negated=*/true).negated());
}

TEST(ExprTest, AndOrWithFewChildren) {
  const Expr x = Expr::IsNull(Ref("x"));
  EXPECT_EQ(Expr::And({}), Expr::True());
  EXPECT_EQ(Expr::Or({}), Expr::False());
  EXPECT_EQ(Expr::And({x}), x);
  EXPECT_EQ(Expr::Or({x}), x);
}

TEST(ExprTest, AndAndOrAreFlattened) {
  const Expr a = Expr::IsNull(Ref("a"));
  const Expr b = Expr::IsNull(Ref("b"));
  const Expr c = Expr::IsNull(Ref("c"));
  const Expr d = Expr::IsNull(Ref("d"));

  const Expr nested_and = Expr::And({a, Expr::And({b, c}), d});
  EXPECT_EQ(nested_and.kind(), Expr::Kind::kAnd);
  EXPECT_THAT(nested_and.children(), ElementsAre(a, b, c, d));
  EXPECT_EQ(nested_and, Expr::And({Expr::And({a, b}), Expr::And({c, d})}));

  const Expr nested_or = Expr::Or({Expr::Or({a, b}), c});
  EXPECT_THAT(nested_or.children(), ElementsAre(a, b, c));

  // A different kind is a real child, not spliced.
  const Expr mixed = Expr::And({a, Expr::Or({b, c})});
  ASSERT_EQ(mixed.children().size(), 2u);
  EXPECT_EQ(mixed.children()[1].kind(), Expr::Kind::kOr);

  // NOT is kept as written: no double-negation elimination.
  const Expr not_not = Expr::Not(Expr::Not(a));
  EXPECT_EQ(not_not.kind(), Expr::Kind::kNot);
  ASSERT_EQ(not_not.children().size(), 1u);
  EXPECT_EQ(not_not.children()[0], Expr::Not(a));
  EXPECT_NE(not_not, a);

  // TRUE and FALSE children are kept, not folded.
  EXPECT_THAT(Expr::And({a, Expr::True()}).children(),
              ElementsAre(a, Expr::True()));
}

TEST(ExprTest, EqualityIsStructural) {
  const Expr base = Expr::Compare(Ref("fp"), CompareOp::kLt, 1);
  EXPECT_EQ(base, Expr::Compare(Ref("fp"), CompareOp::kLt, 1.0));
  EXPECT_NE(base, Expr::Compare(Ref("fp"), CompareOp::kLe, 1));
  EXPECT_NE(base, Expr::Compare(Ref("fp"), CompareOp::kLt, 2));
  EXPECT_NE(base, Expr::Compare(Ref("fp"), CompareOp::kLt, "1"));
  EXPECT_NE(base, Expr::Compare(Ref("fp", "car"), CompareOp::kLt, 1));
  EXPECT_NE(base, Expr::Compare(Ref("tp"), CompareOp::kLt, 1));

  EXPECT_NE(Expr::Between(Ref("x"), 1, 2), Expr::Between(Ref("x"), 1, 3));
  EXPECT_NE(Expr::Between(Ref("x"), 1, 2), Expr::Between(Ref("x"), 0, 2));
  EXPECT_NE(Expr::Between(Ref("x"), 1, 2),
            Expr::Between(Ref("x"), 1, 2, /*negated=*/true));
  EXPECT_NE(Expr::In(Ref("x"), {1, 2}), Expr::In(Ref("x"), {2, 1}));
  EXPECT_NE(Expr::In(Ref("x"), {1, 2}), Expr::In(Ref("x"), {1}));
  EXPECT_NE(Expr::In(Ref("x"), {1}), Expr::In(Ref("x"), {1}, true));
  EXPECT_NE(Expr::IsNull(Ref("x")), Expr::IsNull(Ref("x"), true));
  EXPECT_NE(Expr::IsNull(Ref("x")), Expr::In(Ref("x"), {}));

  const Expr a = Expr::IsNull(Ref("a"));
  const Expr b = Expr::IsNull(Ref("b"));
  EXPECT_EQ(Expr::And({a, b}), Expr::And({a, b}));
  EXPECT_NE(Expr::And({a, b}), Expr::And({b, a}));  // order matters
  EXPECT_NE(Expr::And({a, b}), Expr::Or({a, b}));
  EXPECT_NE(Expr::Not(a), Expr::Not(b));
  EXPECT_EQ(Expr::Not(a), Expr::Not(Expr::IsNull(Ref("a"))));

  // Copies share nodes and compare equal.
  const Expr copy = base;
  EXPECT_EQ(copy, base);
}

TEST(ExprTest, ToStringCanonical) {
  const Expr a = Expr::Compare(Ref("a"), CompareOp::kEq, 1);
  const Expr b = Expr::Compare(Ref("b"), CompareOp::kEq, 2);
  const Expr c = Expr::Compare(Ref("c"), CompareOp::kEq, 3);
  struct Case {
    Expr expr;
    std::string expected;
  };
  const Case cases[] = {
      {Expr::True(), "TRUE"},
      {Expr::False(), "FALSE"},
      {Expr::Compare(Ref("confidence"), CompareOp::kLt, 0.5),
       "confidence < 0.5"},
      {Expr::Compare(Ref("x"), CompareOp::kNe, "it's"), "x != 'it''s'"},
      {Expr::Compare(Ref("x"), CompareOp::kLe, -1), "x <= -1"},
      {Expr::Compare(Ref("x"), CompareOp::kGt, kInf), "x > 1e999"},
      {Expr::Compare(Ref("x"), CompareOp::kGe, -kInf), "x >= -1e999"},
      {Expr::Compare(Ref("x"), CompareOp::kEq, kNaN), "x = nan"},
      {Expr::Compare(Ref("in"), CompareOp::kEq, 1), "\"in\" = 1"},
      {Expr::Compare(Ref("iou", "traffic light"), CompareOp::kLt, 0.5),
       "iou['traffic light'] < 0.5"},
      {Expr::Between(Ref("x"), 0.3, 0.7), "x BETWEEN 0.3 AND 0.7"},
      {Expr::Between(Ref("x"), 1, 2, true), "x NOT BETWEEN 1 AND 2"},
      {Expr::In(Ref("fp"), {1, 2}), "fp IN (1, 2)"},
      {Expr::In(Ref("fp"), {1, 2}, true), "fp NOT IN (1, 2)"},
      {Expr::In(Ref("s"), {"a", 1.5}), "s IN ('a', 1.5)"},
      {Expr::In(Ref("s"), {}), "s IN ()"},  // does not parse back
      {Expr::IsNull(Ref("x")), "x IS NULL"},
      {Expr::IsNull(Ref("x"), true), "x IS NOT NULL"},
      {Expr::And({a, b, c}), "a = 1 AND b = 2 AND c = 3"},
      {Expr::Or({a, b, c}), "a = 1 OR b = 2 OR c = 3"},
      {Expr::Or({Expr::And({a, b}), c}), "a = 1 AND b = 2 OR c = 3"},
      {Expr::And({Expr::Or({a, b}), c}), "(a = 1 OR b = 2) AND c = 3"},
      {Expr::And({c, Expr::Or({a, b})}), "c = 3 AND (a = 1 OR b = 2)"},
      {Expr::Not(a), "NOT (a = 1)"},
      {Expr::Not(Expr::Not(a)), "NOT (NOT (a = 1))"},
      {Expr::Not(Expr::And({a, b})), "NOT (a = 1 AND b = 2)"},
      {Expr::Not(Expr::Or({a, b})), "NOT (a = 1 OR b = 2)"},
      {Expr::And({Expr::Not(a), b}), "NOT (a = 1) AND b = 2"},
      {Expr::Or({Expr::Not(Expr::Or({a, b})), Expr::True()}),
       "NOT (a = 1 OR b = 2) OR TRUE"},
      {Expr::Not(Expr::In(Ref("fp"), {1, 2}, true)), "NOT (fp NOT IN (1, 2))"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.expr.ToString(), c.expected);
  }
}

// --- Builder ---------------------------------------------------------------

TEST(ExprBuilderTest, ComparisonsMatchFactories) {
  EXPECT_EQ(Col("fp") == 1, Expr::Compare(Ref("fp"), CompareOp::kEq, 1));
  EXPECT_EQ(Col("fp") != 1, Expr::Compare(Ref("fp"), CompareOp::kNe, 1));
  EXPECT_EQ(Col("fp") < 1, Expr::Compare(Ref("fp"), CompareOp::kLt, 1));
  EXPECT_EQ(Col("fp") <= 1, Expr::Compare(Ref("fp"), CompareOp::kLe, 1));
  EXPECT_EQ(Col("fp") > 1, Expr::Compare(Ref("fp"), CompareOp::kGt, 1));
  EXPECT_EQ(Col("fp") >= 1, Expr::Compare(Ref("fp"), CompareOp::kGe, 1));
}

TEST(ExprBuilderTest, LiteralsConvertImplicitly) {
  EXPECT_EQ((Col("x") == 1).value(), Literal(int64_t{1}));
  EXPECT_EQ((Col("x") == 1L).value(), Literal(int64_t{1}));
  EXPECT_EQ((Col("x") == 1LL).value(), Literal(int64_t{1}));
  EXPECT_EQ((Col("x") == 0.5).value(), Literal(0.5));
  EXPECT_EQ((Col("x") == 2.0).value().kind(), Literal::Kind::kInt);
  EXPECT_EQ((Col("x") == "car").value(), Literal(std::string("car")));
  EXPECT_EQ((Col("x") == std::string("car")).value(), Literal("car"));
}

TEST(ExprBuilderTest, ClassScope) {
  EXPECT_EQ(Col("fp")["car"] >= 1,
            Expr::Compare(Ref("fp", "car"), CompareOp::kGe, 1));
  EXPECT_EQ(Col("iou")["traffic light"] < 0.5,
            Expr::Compare(Ref("iou", "traffic light"), CompareOp::kLt, 0.5));
  EXPECT_EQ(Col("fp", "car").ref(), Ref("fp", "car"));
  // Scoping again replaces the class.
  EXPECT_EQ(Col("fp")["car"]["bus"].ref(), Ref("fp", "bus"));
  EXPECT_EQ(Col("fp").ref(), Ref("fp"));
}

TEST(ExprBuilderTest, SetAndRangePredicates) {
  EXPECT_EQ(Col("split").In({"val", "test"}),
            Expr::In(Ref("split"), {"val", "test"}));
  EXPECT_EQ(Col("fp").NotIn({1, 2}), Expr::In(Ref("fp"), {1, 2}, true));
  EXPECT_EQ(Col("x").Between(0.3, 0.7), Expr::Between(Ref("x"), 0.3, 0.7));
  EXPECT_EQ(Col("x").NotBetween(1, 2), Expr::Between(Ref("x"), 1, 2, true));
  EXPECT_EQ(Col("x").IsNull(), Expr::IsNull(Ref("x")));
  EXPECT_EQ(Col("x").IsNotNull(), Expr::IsNull(Ref("x"), true));
}

TEST(ExprBuilderTest, LogicalOperators) {
  const Expr a = Col("a") == 1;
  const Expr b = Col("b") == 2;
  const Expr c = Col("c") == 3;
  EXPECT_EQ(a && b, Expr::And({a, b}));
  EXPECT_EQ(a || b, Expr::Or({a, b}));
  EXPECT_EQ(!a, Expr::Not(a));
  EXPECT_EQ(!Col("x").IsNull(), Expr::Not(Expr::IsNull(Ref("x"))));
  // Chains are flat; precedence follows C++ (&& before ||).
  EXPECT_THAT((a && b && c).children(), ElementsAre(a, b, c));
  EXPECT_THAT((a || b || c).children(), ElementsAre(a, b, c));
  EXPECT_EQ(a || (b && c), Expr::Or({a, Expr::And({b, c})}));
  EXPECT_EQ((a || b) && c, Expr::And({Expr::Or({a, b}), c}));
  EXPECT_EQ((Col("confidence") < 0.5 && Col("fp") >= 1).ToString(),
            "confidence < 0.5 AND fp >= 1");
}

}  // namespace
}  // namespace slicekit
