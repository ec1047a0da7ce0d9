// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/filter_text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slicekit/expr.h"
#include "tests/testing/random_tree.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {

void PrintTo(const Literal& literal, std::ostream* os) {
  *os << literal.ToString();
}
void PrintTo(const Expr& expr, std::ostream* os) { *os << expr.ToString(); }

namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// Returns the depth of `expr`: the most AND/OR/NOT nodes on a root-leaf path.
int Depth(const Expr& expr) {
  int deepest = 0;
  for (const Expr& child : expr.children()) {
    deepest = std::max(deepest, Depth(child));
  }
  switch (expr.kind()) {
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kNot:
      return deepest + 1;
    default:
      return 0;
  }
}

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

// --- Valid input -------------------------------------------------------------

struct ValidCase {
  std::string text;
  Expr expected;
};

void ExpectParses(const std::vector<ValidCase>& cases) {
  for (const ValidCase& c : cases) {
    absl::StatusOr<Expr> parsed = ParseFilter(c.text);
    ASSERT_THAT(parsed, IsOk()) << c.text;
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(FilterTextTest, ParsesEachPredicate) {
  ExpectParses({
      {"fp = 1", Col("fp") == 1},
      {"fp != 1", Col("fp") != 1},
      {"fp < 1", Col("fp") < 1},
      {"fp <= 1", Col("fp") <= 1},
      {"fp > 1", Col("fp") > 1},
      {"fp >= 1", Col("fp") >= 1},
      {"split = 'val'", Col("split") == "val"},
      {"x BETWEEN 0.3 AND 0.7", Col("x").Between(0.3, 0.7)},
      {"x NOT BETWEEN 1 AND 2", Col("x").NotBetween(1, 2)},
      {"x BETWEEN 'a' AND 'b'", Col("x").Between("a", "b")},
      {"fp IN (1)", Col("fp").In({1})},
      {"fp IN (1, 2, 3)", Col("fp").In({1, 2, 3})},
      {"fp NOT IN (1, 2)", Col("fp").NotIn({1, 2})},
      {"split IN ('val', 'test')", Col("split").In({"val", "test"})},
      {"s IN ('a', 1, 2.5)", Col("s").In({"a", 1, 2.5})},
      {"x IS NULL", Col("x").IsNull()},
      {"x IS NOT NULL", Col("x").IsNotNull()},
      {"TRUE", Expr::True()},
      {"FALSE", Expr::False()},
  });
}

TEST(FilterTextTest, WhitespaceIsOptionalAndAnyOfFourKinds) {
  const Expr expected = Col("confidence") < 0.5 && Col("fp") >= 1;
  ExpectParses({
      {"confidence < 0.5 AND fp >= 1", expected},
      {"confidence<0.5 AND fp>=1", expected},
      {"  confidence\t<\r\n0.5\nAND\tfp >= 1 \r\n", expected},
      {"(confidence<0.5)AND(fp>=1)", expected},
      // A number may touch the keyword after it.
      {"confidence<0.5AND fp>=1", expected},
      {"x=1OR y IN(1,2)AND z BETWEEN 1AND 2",
       Col("x") == 1 || (Col("y").In({1, 2}) && Col("z").Between(1, 2))},
      {"x='a'AND\"y\"='b'", Col("x") == "a" && Col("y") == "b"},
      {"x IS NOT NULL", Col("x").IsNotNull()},
      {"x\tIS\nNOT\r\nNULL", Col("x").IsNotNull()},
      {"fp [ car ] >= 1", Col("fp")["car"] >= 1},
      {"NOT(x=1)", !(Col("x") == 1)},
  });
}

TEST(FilterTextTest, KeywordsIgnoreCase) {
  ExpectParses({
      {"a = 1 and b = 2 or not c is null",
       (Col("a") == 1 && Col("b") == 2) || !Col("c").IsNull()},
      {"a = 1 AnD b = 2 oR NoT c Is NuLl",
       (Col("a") == 1 && Col("b") == 2) || !Col("c").IsNull()},
      {"x between 1 and 2", Col("x").Between(1, 2)},
      {"x not between 1 and 2", Col("x").NotBetween(1, 2)},
      {"x in (1)", Col("x").In({1})},
      {"x not in (1)", Col("x").NotIn({1})},
      {"x is not null", Col("x").IsNotNull()},
      {"true", Expr::True()},
      {"False", Expr::False()},
      {"tRuE or fAlSe", Expr::True() || Expr::False()},
  });
}

TEST(FilterTextTest, PrecedenceIsNotThenAndThenOr) {
  const Expr a = Col("a") == 1;
  const Expr b = Col("b") == 2;
  const Expr c = Col("c") == 3;
  ExpectParses({
      {"a = 1 OR b = 2 AND c = 3", a || (b && c)},
      {"a = 1 AND b = 2 OR c = 3", (a && b) || c},
      {"(a = 1 OR b = 2) AND c = 3", (a || b) && c},
      {"a = 1 AND (b = 2 OR c = 3)", a && (b || c)},
      {"NOT a = 1 AND b = 2", !a && b},
      {"NOT a = 1 OR b = 2", !a || b},
      {"NOT (a = 1 AND b = 2)", !(a && b)},
      {"NOT NOT a = 1", !!a},
      {"NOT fp NOT IN (1, 2)", !Col("fp").NotIn({1, 2})},
      {"NOT x NOT BETWEEN 1 AND 2", !Col("x").NotBetween(1, 2)},
      {"NOT x IS NOT NULL", !Col("x").IsNotNull()},
      // BETWEEN's AND is not a conjunction.
      {"x BETWEEN 1 AND 2 AND y = 1", Col("x").Between(1, 2) && Col("y") == 1},
      {"x BETWEEN 1 AND 2 OR y BETWEEN 3 AND 4",
       Col("x").Between(1, 2) || Col("y").Between(3, 4)},
      // Chains and redundant parentheses flatten.
      {"a = 1 AND b = 2 AND c = 3", Expr::And({a, b, c})},
      {"a = 1 AND (b = 2 AND c = 3)", Expr::And({a, b, c})},
      {"(a = 1 OR b = 2) OR c = 3", Expr::Or({a, b, c})},
      {"((((a = 1))))", a},
      {"((a = 1) AND ((b = 2)))", a && b},
  });
}

TEST(FilterTextTest, QuotedNamesAndStrings) {
  ExpectParses({
      {"\"in\" = 1", Col("in") == 1},
      {"\"NULL\" IS NULL", Col("NULL").IsNull()},
      {"\"my col\" = 1", Col("my col") == 1},
      {"\"my \"\"col\"\"\" = 1", Col("my \"col\"") == 1},
      {"\"\" = 1", Col("") == 1},
      {"\"größe\" > 1", Col("größe") > 1},
      {"\"a'b\" = 1", Col("a'b") == 1},
      {"\"plain\" = 1", Col("plain") == 1},
      {"x = 'it''s'", Col("x") == "it's"},
      {"x = ''", Col("x") == ""},
      {"x = ''''", Col("x") == "'"},
      {"x = 'say \"hi\"'", Col("x") == "say \"hi\""},
      {"x = 'größe 🚗'", Col("x") == "größe 🚗"},
      {"x = 'line\nbreak\ttab'", Col("x") == "line\nbreak\ttab"},
      {"x = 'AND OR NOT'", Col("x") == "AND OR NOT"},
      {"x = '-1'", Col("x") == "-1"},
      {std::string("x = 'nul\0byte'", 14),
       Col("x") == std::string("nul\0byte", 8)},
      {"Conf_2 = 1", Col("Conf_2") == 1},
      {"_x = 1", Col("_x") == 1},
      {"inner = 1", Col("inner") == 1},  // starts like a keyword
  });
}

TEST(FilterTextTest, ClassScopes) {
  ExpectParses({
      {"fp[car] >= 1", Col("fp")["car"] >= 1},
      {"fp['car'] >= 1", Col("fp")["car"] >= 1},
      {"fp[\"car\"] >= 1", Col("fp")["car"] >= 1},
      {"iou['traffic light'] < 0.5", Col("iou")["traffic light"] < 0.5},
      {"iou[\"traffic light\"] < 0.5", Col("iou")["traffic light"] < 0.5},
      {"fp['it''s'] = 1", Col("fp")["it's"] == 1},
      {"fp[''] = 1", Col("fp")[""] == 1},
      {"fp['größe'] = 1", Col("fp")["größe"] == 1},
      // Inside brackets a keyword is unambiguous.
      {"fp[and] = 1", Col("fp")["and"] == 1},
      {"fp[NULL] IS NULL", Col("fp")["NULL"].IsNull()},
      {"\"my col\"[car] IN (1, 2)", Col("my col")["car"].In({1, 2})},
      {"fp[car] NOT BETWEEN 1 AND 2", Col("fp")["car"].NotBetween(1, 2)},
      {"fp[car] IS NOT NULL", Col("fp")["car"].IsNotNull()},
  });
}

TEST(FilterTextTest, NumbersOfEveryForm) {
  struct Case {
    std::string text;
    Literal expected;
  };
  const Case cases[] = {
      {"10", Literal(10)},
      {"10.0", Literal(10)},
      {"1e1", Literal(10)},
      {"1E1", Literal(10)},
      {"1e+1", Literal(10)},
      {"100e-1", Literal(10)},
      {"0.01e3", Literal(10)},
      {"007", Literal(7)},
      {"0", Literal(0)},
      {"-0", Literal(0)},
      {"-0.0", Literal(0)},
      {"0e999999999999999999999", Literal(0)},
      {"-42", Literal(-42)},
      {"9223372036854775807", Literal(kInt64Max)},
      {"-9223372036854775808", Literal(kInt64Min)},
      {"9.223372036854775807e18", Literal(kInt64Max)},
      // Integer-valued decimals are exact, not rounded through a double.
      {"123456789012345678.0", Literal(int64_t{123456789012345678})},
      {"1.23456789012345678e17", Literal(int64_t{123456789012345678})},
      {"0.5", Literal(0.5)},
      {"-0.5", Literal(-0.5)},
      {"0.1", Literal(0.1)},
      {"2.5e-3", Literal(0.0025)},
      {"1e-7", Literal(1e-7)},
      {"1e300", Literal(1e300)},
      {"1.7976931348623157e308", Literal(1.7976931348623157e308)},
      {"5e-324", Literal(5e-324)},
      // Beyond int64: rounded to the nearest double.
      {"9223372036854775808", Literal(9223372036854775808.0)},
      {"12345678901234567890", Literal(12345678901234567890.0)},
      {"1e19", Literal(1e19)},
      // A non-integer rounds to a double first; if that double is an
      // integer in int64 range, the literal is that integer.
      {"4611686018427387904.5", Literal(int64_t{4611686018427387904})},
      {"-9223372036854775809", Literal(kInt64Min)},
      // Out of the double range: infinite (the binder rejects it) or zero.
      {"1e999", Literal(kInf)},
      {"-1e999", Literal(-kInf)},
      {"1.8e308", Literal(kInf)},
      {"1e99999999999999999999", Literal(kInf)},
      {"1e-400", Literal(0)},
      {"-1e-400", Literal(0)},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Expr> parsed = ParseFilter(absl::StrCat("x = ", c.text));
    ASSERT_THAT(parsed, IsOk()) << c.text;
    EXPECT_EQ(parsed->value(), c.expected) << c.text;
    EXPECT_EQ(parsed->value().kind(), c.expected.kind()) << c.text;
  }
}

// A number keeps the text it was written as, for messages; the tree and
// the canonical text do not depend on it.
TEST(FilterTextTest, NumbersRememberTheirSpelling) {
  const Expr written = *ParseFilter("x IN (1e309, 10.0, -0, 7)");
  const std::vector<Literal>& values = written.values();
  EXPECT_EQ(values[0].spelling(), "1e309");
  EXPECT_EQ(values[1].spelling(), "10.0");
  EXPECT_EQ(values[2].spelling(), "-0");
  EXPECT_EQ(values[3].spelling(), "7");
  EXPECT_EQ(written.ToString(), "x IN (1e999, 10, 0, 7)");
  EXPECT_EQ(written, *ParseFilter("x IN (1e999, 10, 0, 7)"));
  EXPECT_EQ(Literal(10).spelling(), "");
  EXPECT_EQ(Literal("10.0").spelling(), "");
}

TEST(FilterTextTest, NumbersInEveryLiteralPosition) {
  ExpectParses({
      {"x BETWEEN -1e999 AND 1e999", Col("x").Between(-kInf, kInf)},
      {"x IN (-1, 1.5e1, 2E-1)", Col("x").In({-1, 15, 0.2})},
      {"x >= -9223372036854775808", Col("x") >= kInt64Min},
  });
}

// --- Errors ------------------------------------------------------------------

struct ErrorCase {
  std::string text;
  std::string message;
};

void ExpectErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    EXPECT_THAT(ParseFilter(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.text.substr(0, 200);
  }
}

TEST(FilterTextTest, BlankInputIsEmptyFilter) {
  ExpectErrors({
      {"", "empty filter"},
      {" ", "empty filter"},
      {" \t\r\n ", "empty filter"},
  });
}

TEST(FilterTextTest, LexicalErrors) {
  ExpectErrors({
      {"x = 'abc", "at 4: unterminated string"},
      {"x = 'it''", "at 4: unterminated string"},
      {"x = '", "at 4: unterminated string"},
      {"\"abc = 1", "at 0: unterminated quoted name"},
      {"fp[\"car] = 1", "at 3: unterminated quoted name"},
      {"x # 1", "at 2: unexpected character '#'"},
      {"x = .5", "at 4: unexpected character '.'"},
      {"x = +1", "at 4: unexpected character '+'"},
      {"x ; y", "at 2: unexpected character ';'"},
      {"x ! 1", "at 2: unexpected character '!' (not equal is '!=')"},
      {"größe > 1", "at 2: unexpected character 'ö'"},
      {"x = é", "at 4: unexpected character 'é'"},
      {"x = 🚗", "at 4: unexpected character '🚗'"},
      {"x = \xff", "at 4: unexpected byte 0xFF"},
      {"x = \xc3(", "at 4: unexpected byte 0xC3"},  // truncated UTF-8
      {"x =\x01 1", "at 3: unexpected byte 0x01"},
      {"x =\v1", "at 3: unexpected byte 0x0B"},  // not one of the 4 spaces
      {"x = -", "at 5: expected a digit after '-'"},
      {"x = - 1", "at 5: expected a digit after '-'"},
      {"x = -a", "at 5: expected a digit after '-'"},
      {"x = 1.", "at 6: expected a digit after '.'"},
      {"x = 1.e5", "at 6: expected a digit after '.'"},
      {"x = 1e", "at 6: expected a digit in the exponent"},
      {"x = 1e+", "at 7: expected a digit in the exponent"},
      {"x = 1E-x", "at 7: expected a digit in the exponent"},
      {"x = 12abc", "at 4: malformed number '12abc'"},
      {"x = 1.2.3", "at 4: malformed number '1.2.3'"},
      {"x = 1e5e", "at 4: malformed number '1e5e'"},
      {"x = 1_000", "at 4: malformed number '1_000'"},
      {"x IN (1, 2x)", "at 9: malformed number '2x'"},
  });
}

TEST(FilterTextTest, ValueErrors) {
  ExpectErrors({
      {"confidence < ", "at 13: expected a value after '<'"},
      {"confidence <", "at 12: expected a value after '<'"},
      {"x = ", "at 4: expected a value after '='"},
      {"x != )", "at 5: expected a value after '!='"},
      {"x <= (1)", "at 5: expected a value after '<='"},
      {"x > AND", "at 4: expected a value after '>'"},
      {"x >= ,", "at 5: expected a value after '>='"},
      {"x < = 1", "at 4: expected a value after '<'"},
      {"x = NULL",
       "at 4: expected a value after '='; to test for NULL "
       "write IS NULL"},
      {"x = null",
       "at 4: expected a value after '='; to test for NULL "
       "write IS NULL"},
      {"x = abc",
       "at 4: expected a value after '='; strings take single "
       "quotes: 'abc'"},
      {"x = \"it's\"",
       "at 4: expected a value after '='; strings take "
       "single quotes: 'it''s'"},
      {"x = TRUE", "at 4: expected a value after '='"},
      {"x BETWEEN AND 2", "at 10: expected a value after BETWEEN"},
      {"x BETWEEN 1 AND", "at 15: expected a value after BETWEEN ... AND"},
      {"x BETWEEN 1 AND y",
       "at 16: expected a value after BETWEEN ... AND; "
       "strings take single quotes: 'y'"},
      {"x IN (y)",
       "at 6: expected a value in the IN list; strings take "
       "single quotes: 'y'"},
      {"x IN ()", "at 6: expected a value in the IN list"},
      {"x IN (1,)", "at 8: expected a value in the IN list"},
      {"x IN (1,,2)", "at 8: expected a value in the IN list"},
      {"x IN (", "at 6: expected a value in the IN list"},
      {"x <> 1", "at 2: unknown operator '<>'; not equal is '!='"},
      {"x == 1", "at 2: unknown operator '=='; equal is '='"},
      {"x =< 1", "at 2: unknown operator '=<'"},
      {"x >== 1", "at 2: unknown operator '>=='"},
  });
}

TEST(FilterTextTest, PredicateErrors) {
  ExpectErrors({
      {"x",
       "at 1: expected a comparison, BETWEEN, IN or IS after column "
       "'x'"},
      {"x 1",
       "at 2: expected a comparison, BETWEEN, IN or IS after column "
       "'x'"},
      {"a OR b = 1",
       "at 2: expected a comparison, BETWEEN, IN or IS after "
       "column 'a'"},
      {"x LIKE 'a%'",
       "at 2: expected a comparison, BETWEEN, IN or IS "
       "after column 'x'"},
      {"fp[car] 1",
       "at 8: expected a comparison, BETWEEN, IN or IS after "
       "column 'fp[car]'"},
      {"\"my col\"",
       "at 8: expected a comparison, BETWEEN, IN or IS after "
       "column '\"my col\"'"},
      {"x NOT 1", "at 6: expected BETWEEN or IN after NOT"},
      {"x NOT LIKE 'a'", "at 6: expected BETWEEN or IN after NOT"},
      {"x NOT", "at 5: expected BETWEEN or IN after NOT"},
      {"x BETWEEN 1 2",
       "at 12: expected AND after the lower bound of "
       "BETWEEN"},
      {"x BETWEEN 1 OR 2",
       "at 12: expected AND after the lower bound of "
       "BETWEEN"},
      {"x IN 1", "at 5: expected '(' after IN"},
      {"x NOT IN 1", "at 9: expected '(' after IN"},
      {"x IN", "at 4: expected '(' after IN"},
      {"x IN (1 2)", "at 8: expected ',' or ')' in the IN list"},
      {"x IN (1", "at 7: expected ',' or ')' in the IN list"},
      {"x IN (1; 2)", "at 7: unexpected character ';'"},
      {"x IS", "at 4: expected NULL or NOT NULL after IS"},
      {"x IS 1", "at 5: expected NULL or NOT NULL after IS"},
      {"x IS TRUE", "at 5: expected NULL or NOT NULL after IS"},
      {"x IS NOT", "at 8: expected NULL after IS NOT"},
      {"x IS NOT 1", "at 9: expected NULL after IS NOT"},
      {"fp[", "at 3: expected a class name after '['"},
      {"fp[] = 1", "at 3: expected a class name after '['"},
      {"fp[1] = 1", "at 3: expected a class name after '['"},
      {"fp[car", "at 6: expected ']' after the class name"},
      {"fp[car bus] = 1", "at 7: expected ']' after the class name"},
  });
}

TEST(FilterTextTest, StructureErrors) {
  ExpectErrors({
      {"= 1", "at 0: expected a column name, '(', NOT, TRUE or FALSE"},
      {")", "at 0: expected a column name, '(', NOT, TRUE or FALSE"},
      {"'x' = 1", "at 0: expected a column name, '(', NOT, TRUE or FALSE"},
      {"1 = x", "at 0: expected a column name, '(', NOT, TRUE or FALSE"},
      {"AND x = 1", "at 0: expected a column name, '(', NOT, TRUE or FALSE"},
      {"a = 1 AND",
       "at 9: expected a column name, '(', NOT, TRUE or FALSE "
       "after AND"},
      {"a = 1 and ",
       "at 10: expected a column name, '(', NOT, TRUE or "
       "FALSE after AND"},
      {"a = 1 AND AND b = 1",
       "at 10: expected a column name, '(', NOT, "
       "TRUE or FALSE after AND"},
      {"a = 1 OR",
       "at 8: expected a column name, '(', NOT, TRUE or FALSE "
       "after OR"},
      {"a = 1 OR OR b = 1",
       "at 9: expected a column name, '(', NOT, TRUE "
       "or FALSE after OR"},
      {"NOT",
       "at 3: expected a column name, '(', NOT, TRUE or FALSE after "
       "NOT"},
      {"NOT NOT",
       "at 7: expected a column name, '(', NOT, TRUE or FALSE "
       "after NOT"},
      {"NOT IN (1)",
       "at 4: expected a column name, '(', NOT, TRUE or FALSE "
       "after NOT"},
      {"()",
       "at 1: expected a column name, '(', NOT, TRUE or FALSE after "
       "'('"},
      {"(",
       "at 1: expected a column name, '(', NOT, TRUE or FALSE after "
       "'('"},
      {"(a = 1", "at 6: expected ')' to close '(' at 0"},
      {"x = 1 AND (a = 1 OR (b = 2)",
       "at 27: expected ')' to close '(' at "
       "10"},
      {"(a = 1 b = 2)", "at 7: expected ')' to close '(' at 0"},
      {"a = 1)", "at 5: unexpected ')' after a complete filter"},
      {"a = 1 b = 2", "at 6: unexpected 'b' after a complete filter"},
      {"a = 1 foo", "at 6: unexpected 'foo' after a complete filter"},
      {"a = 1 'str'", "at 6: unexpected ''str'' after a complete filter"},
      // Bytes a message could not carry are escaped.
      {std::string("a = 1 'a\0b'", 11),
       "at 6: unexpected ''a\\x00b'' after a complete filter"},
      {std::string("a = \"x\0\"", 8),
       "at 4: expected a value after '='; strings take single quotes: "
       "'x\\x00'"},
      {"a = 1 NOT b = 2", "at 6: unexpected 'NOT' after a complete filter"},
      {"TRUE FALSE", "at 5: unexpected 'FALSE' after a complete filter"},
      {"a IS NULL NULL", "at 10: unexpected 'NULL' after a complete filter"},
      {"a = 1 (", "at 6: unexpected '(' after a complete filter"},
      {"a = 1 -2", "at 6: unexpected '-2' after a complete filter"},
      {"a = 1 " + std::string(50, 'z'),
       absl::StrCat("at 6: unexpected '", std::string(40, 'z'),
                    "...' after a complete filter")},
  });
}

TEST(FilterTextTest, KeywordUsedAsColumnMustBeQuoted) {
  ExpectErrors({
      {"in = 1",
       "at 0: 'in' is a keyword; write \"in\" to use it as a "
       "column name"},
      {"x = 1 AND Null IS NULL",
       "at 10: 'Null' is a keyword; write "
       "\"Null\" to use it as a column name"},
      {"true = 1",
       "at 0: 'true' is a keyword; write \"true\" to use it as "
       "a column name"},
      {"FALSE[car] = 1",
       "at 0: 'FALSE' is a keyword; write \"FALSE\" to "
       "use it as a column name"},
      {"between BETWEEN 1 AND 2",
       "at 0: 'between' is a keyword; write "
       "\"between\" to use it as a column name"},
      {"is IN (1)",
       "at 0: 'is' is a keyword; write \"is\" to use it as a "
       "column name"},
      {"and < 1",
       "at 0: 'and' is a keyword; write \"and\" to use it as a "
       "column name"},
      {"x = 1 OR or >= 1",
       "at 9: 'or' is a keyword; write \"or\" to use it "
       "as a column name"},
      {"NOT = 1",
       "at 0: 'NOT' is a keyword; write \"NOT\" to use it as a "
       "column name"},
      {"NOT not != 1",
       "at 4: 'not' is a keyword; write \"not\" to use it "
       "as a column name"},
  });
}

TEST(FilterTextTest, InputSizeLimit) {
  // A filter of exactly the limit is read; one byte more is not.
  std::string text = "x = 1";
  text.append(kMaxFilterInputBytes - text.size(), ' ');
  EXPECT_THAT(ParseFilter(text), IsOk());
  text.push_back(' ');
  EXPECT_THAT(ParseFilter(text),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "filter is 1048577 bytes; the limit is 1048576"));
}

// --- Depth -------------------------------------------------------------------

TEST(FilterTextTest, NestingUpToTheLimitParses) {
  const int n = kMaxFilterDepth;
  ExpectParses({
      {Repeat("(", n) + "x = 1" + Repeat(")", n), Col("x") == 1},
  });
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr nots,
                                ParseFilter(Repeat("NOT ", n) + "x = 1"));
  EXPECT_EQ(Depth(nots), n);
  // The canonical form: NOT and its '(' are one level.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Expr wrapped, ParseFilter(Repeat("NOT (", n) + "x = 1" + Repeat(")", n)));
  EXPECT_EQ(wrapped, nots);
  EXPECT_EQ(wrapped.ToString(), Repeat("NOT (", n) + "x = 1" + Repeat(")", n));
}

TEST(FilterTextTest, NestingPastTheLimitIsAnError) {
  const int n = kMaxFilterDepth + 1;
  const std::string message = "filter nested deeper than 128 levels";
  ExpectErrors({
      // The 129th '(' or NOT is where it fails.
      {Repeat("(", n) + "x = 1" + Repeat(")", n), "at 128: " + message},
      {Repeat("NOT ", n) + "x = 1", "at 512: " + message},
      {Repeat("NOT (", n) + "x = 1" + Repeat(")", n), "at 640: " + message},
      {"x = 1 OR " + Repeat("(", n) + "y = 1" + Repeat(")", n),
       "at 137: " + message},
      // Parentheses count, NOTs count, and so do both mixed.
      // "NOT ((" is two levels: the first '(' belongs to its NOT.
      {Repeat("NOT ((", 65) + "x = 1" + Repeat("))", 65), "at 384: " + message},
  });
}

TEST(FilterTextTest, TreeDepthPastTheLimitIsAnError) {
  // 70 '(' levels, each holding an OR over an AND: 140 tree levels. The
  // innermost AND/OR that passes 128 is reported where it starts.
  std::string text = "x = 1";
  for (int i = 0; i < 70; ++i) text = "a = 1 OR b = 1 AND (" + text + ")";
  absl::StatusOr<Expr> parsed = ParseFilter(text);
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument,
                               "at 109: filter nested deeper than 128 "
                               "levels"));
  // Offset 109 starts the AND that reaches depth 129: the sixth level from
  // the outside (each "a = 1 OR b = 1 AND (" is 20 bytes), at its "b".
  EXPECT_EQ(text.substr(109, 10), "b = 1 AND ");

  // 64 levels of the same make a tree of depth exactly 128.
  text = "x = 1";
  for (int i = 0; i < 64; ++i) text = "a = 1 OR b = 1 AND (" + text + ")";
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr ok, ParseFilter(text));
  EXPECT_EQ(Depth(ok), 128);
}

TEST(FilterTextTest, HugeNestingFailsWithoutExhaustingTheStack) {
  const int n = 100000;
  EXPECT_THAT(ParseFilter(Repeat("(", n) + "x = 1" + Repeat(")", n)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "at 128: filter nested deeper than 128 levels"));
  EXPECT_THAT(ParseFilter(Repeat("NOT ", n) + "x = 1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "at 512: filter nested deeper than 128 levels"));
  EXPECT_THAT(ParseFilter(Repeat("(", n)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "at 128: filter nested deeper than 128 levels"));
}

// --- Size --------------------------------------------------------------------

TEST(FilterTextTest, SixtyFourKibFiltersParse) {
  constexpr size_t k64KiB = 64 * 1024;
  // A long IN list.
  std::string in_list = "fp IN (0";
  std::vector<Literal> values = {0};
  for (int i = 1; in_list.size() < k64KiB - 16; ++i) {
    absl::StrAppend(&in_list, ", ", i);
    values.push_back(i);
  }
  in_list += ")";
  ASSERT_GE(in_list.size(), k64KiB - 16);
  ASSERT_LE(in_list.size(), k64KiB);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr in, ParseFilter(in_list));
  EXPECT_EQ(in, Col("fp").In(values));
  EXPECT_EQ(in.ToString(), in_list);

  // A long flat OR chain of strings.
  std::vector<std::string> terms;
  std::vector<Expr> children;
  size_t size = 0;
  for (int i = 0; size < k64KiB - 32; ++i) {
    terms.push_back(absl::StrCat("split = 's", i, "'"));
    children.push_back(Col("split") == absl::StrCat("s", i));
    size += terms.back().size() + 4;
  }
  const std::string chain = absl::StrJoin(terms, " OR ");
  ASSERT_LE(chain.size(), k64KiB);
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr parsed, ParseFilter(chain));
  EXPECT_EQ(parsed.kind(), Expr::Kind::kOr);
  EXPECT_EQ(parsed.children().size(), children.size());
  EXPECT_EQ(parsed, Expr::Or(children));
  EXPECT_EQ(parsed.ToString(), chain);
}

TEST(FilterTextTest, MegabyteFiltersParseInLinearTime) {
  // About 1 MiB each: a flat OR of 70k terms, an AND of ORs and NOTs, and an
  // IN list of 130k values. Quadratic work here would take minutes.
  std::string flat;
  for (int i = 0; flat.size() + 20 < kMaxFilterInputBytes; ++i) {
    if (i > 0) flat += " OR ";
    absl::StrAppend(&flat, "fp = ", i);
  }
  std::string mixed;
  for (int i = 0; mixed.size() + 40 < kMaxFilterInputBytes; ++i) {
    if (i > 0) mixed += " AND ";
    absl::StrAppend(&mixed, "(a = ", i, " OR NOT (b = ", i, "))");
  }
  std::string in = "x IN (0";
  for (int i = 1; in.size() + 20 < kMaxFilterInputBytes; ++i) {
    absl::StrAppend(&in, ", ", i * 7);
  }
  in += ")";
  const auto start = std::chrono::steady_clock::now();
  for (const std::string* text : {&flat, &mixed, &in}) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr parsed, ParseFilter(*text));
    EXPECT_EQ(parsed.ToString(), *text);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  // Takes well under a second in Release; the bound only catches
  // super-linear behaviour.
  EXPECT_LT(seconds, 20.0);
}

// --- Printing and round trips ------------------------------------------------

TEST(FilterTextTest, FormatFilterIsToString) {
  const Expr e =
      (Col("a") == 1 || Col("b").In({"x", "y"})) && !Col("c")["k"].IsNull();
  EXPECT_EQ(FormatFilter(e), e.ToString());
  EXPECT_EQ(FormatFilter(e),
            "(a = 1 OR b IN ('x', 'y')) AND NOT (c[k] IS NULL)");
}

TEST(FilterTextTest, ParsingCanonicalTextGivesTheSameTree) {
  const std::vector<Expr> exprs = {
      Expr::True(),
      Expr::False(),
      Col("confidence") < 0.5 && Col("fp") >= 1,
      Col("fp")["car"] >= 1 || Col("iou")["traffic light"] < 0.5,
      Col("in")["and"] == "it's" && Col("my \"col\"") != "''",
      Col("") == "" || Col("x")[""].IsNotNull(),
      !(Col("a") == 1 || !Col("b").Between(1e-7, 1e300)),
      Col("x").NotIn({1, -1, 0.5, 1e19, "a", 9223372036854775807,
                      int64_t{kInt64Min}, kInf, -kInf}),
      Col("x").NotBetween(-kInf, kInf),
      ((Col("a") == 1 || Col("b") == 2) && (Col("c") == 3 || Col("d") == 4)) ||
          Col("e") == 5,
      !!!Col("x").IsNull(),
      Expr::And({Expr::True(), Expr::False(), Expr::Not(Expr::True())}),
      Col("s") == std::string("nul\0byte\n", 9),
      Col("größe")["🚗"] == "größe 🚗",
  };
  for (const Expr& e : exprs) {
    const std::string text = e.ToString();
    absl::StatusOr<Expr> parsed = ParseFilter(text);
    ASSERT_THAT(parsed, IsOk()) << text;
    EXPECT_EQ(*parsed, e) << text;
    EXPECT_EQ(parsed->ToString(), text);
  }
}

TEST(FilterTextTest, PrintingParsedTextIsIdempotent) {
  // Non-canonical input prints canonically once; printing again changes
  // nothing.
  struct Case {
    std::string text;
    std::string canonical;
  };
  const Case cases[] = {
      {"a=1 and b=2", "a = 1 AND b = 2"},
      {"not not x is null", "NOT (NOT (x IS NULL))"},
      {"((a = 1 OR b = 2)) AND c = 3", "(a = 1 OR b = 2) AND c = 3"},
      {"(a = 1 AND b = 2) OR c = 3", "a = 1 AND b = 2 OR c = 3"},
      {"x = 10.0 OR x = 1e1 OR x = -0", "x = 10 OR x = 10 OR x = 0"},
      {"x = 1.50 OR x = 1E300", "x = 1.5 OR x = 1e+300"},
      {"fp[\"car\"] >= 1 AND \"fp\"['car'] >= 1",
       "fp[car] >= 1 AND fp[car] >= 1"},
      {"\"a\"\"b\" = 'c''d'", "\"a\"\"b\" = 'c''d'"},
      {"x in (1,2 , 3)", "x IN (1, 2, 3)"},
      {"x between 1 and 2", "x BETWEEN 1 AND 2"},
  };
  for (const Case& c : cases) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr parsed, ParseFilter(c.text));
    EXPECT_EQ(parsed.ToString(), c.canonical) << c.text;
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr again, ParseFilter(c.canonical));
    EXPECT_EQ(again, parsed) << c.text;
  }
}

TEST(FilterTextTest, DeepestTreesRoundTrip) {
  // Depth exactly kMaxFilterDepth, built three ways.
  Expr nots = Col("x") == 1;
  for (int i = 0; i < kMaxFilterDepth; ++i) nots = !nots;
  Expr alternating = Col("x") == 1;
  for (int i = 0; i < kMaxFilterDepth; ++i) {
    const Expr leaf = Col(absl::StrCat("c", i)) == i;
    alternating = i % 2 == 0 ? (alternating || leaf) : (alternating && leaf);
  }
  Expr mixed = Col("x") == 1;
  for (int i = 0; i < kMaxFilterDepth; ++i) {
    const Expr leaf = Col("y").IsNull();
    mixed = i % 3 == 0   ? !mixed
            : i % 3 == 1 ? (leaf && mixed)
                         : (leaf || mixed);
  }
  for (const Expr* e : {&nots, &alternating, &mixed}) {
    ASSERT_EQ(Depth(*e), kMaxFilterDepth);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr parsed, ParseFilter(e->ToString()));
    EXPECT_EQ(parsed, *e);
  }
  // One level more prints, but does not parse back.
  EXPECT_THAT(ParseFilter((!nots).ToString()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter nested deeper than 128 levels")));
}

// --- Randomized round trip ---------------------------------------------------

// Makes random trees whose text form exercises quoting, escaping, keywords,
// unicode and every number form.
class RandomExprs {
 public:
  explicit RandomExprs(uint64_t seed) : rng_(seed) {}

  // A tree of depth at least `depth` (testing::RandomTree).
  Expr Tree(int depth) {
    return testing::RandomTree(rng_, depth, [this] { return Leaf(); });
  }

 private:
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

  std::string Name() {
    static const char* const kNames[] = {
        "fp",     "confidence", "iou",  "_x",      "a1", "in",   "NULL",
        "And",    "tRuE",       "not",  "between", "is", "or",   "false",
        "my col", "größe",      "🚗",    "a\"b",    "\"", "it's", "",
        " ",      "x\ny",       "1abc", "a-b"};
    if (Uniform(0, 4) == 0) return RandomString();
    return kNames[Uniform(0, std::size(kNames) - 1)];
  }

  std::string RandomString() {
    static const char* const kPieces[] = {
        "a",    "Z", "_",   "0",  "'", "''", "\"", " ", "\t", "\n", "é",
        "日本", "🚗", "AND", "or", "(", ")",  "[",  "]", ",",  "-1", "\\"};
    std::string out;
    const int n = Uniform(0, 6);
    for (int i = 0; i < n; ++i)
      out += kPieces[Uniform(0, std::size(kPieces) - 1)];
    return out;
  }

  ColumnRef Column() {
    ColumnRef ref{Name(), std::nullopt};
    if (Uniform(0, 2) == 0) ref.class_name = Name();
    return ref;
  }

  Literal Value() {
    switch (Uniform(0, 7)) {
      case 0:
        return Literal(int64_t{Uniform(-1000, 1000)});
      case 1: {
        static const int64_t kEdges[] = {
            kInt64Min, kInt64Min + 1, -1,        0,
            1,         kInt64Max - 1, kInt64Max, int64_t{1} << 53};
        return Literal(kEdges[Uniform(0, std::size(kEdges) - 1)]);
      }
      case 2:
        return Literal(static_cast<int64_t>(rng_()));
      case 3: {
        // Any finite or infinite double, from its bits.
        double d;
        do {
          const uint64_t bits = rng_();
          std::memcpy(&d, &bits, sizeof d);
        } while (std::isnan(d));
        return Literal(d);
      }
      case 4:
        return Literal(std::uniform_real_distribution<double>(-2, 2)(rng_));
      case 5: {
        static const double kEdges[] = {0.5,
                                        -0.5,
                                        1e-7,
                                        1e300,
                                        5e-324,
                                        1e19,
                                        -1e19,
                                        kInf,
                                        -kInf,
                                        0.1,
                                        9223372036854775808.0,
                                        1.7976931348623157e308};
        return Literal(kEdges[Uniform(0, std::size(kEdges) - 1)]);
      }
      default:
        return Literal(RandomString());
    }
  }

  Expr Leaf() {
    switch (Uniform(0, 7)) {
      case 0:
        return Uniform(0, 1) ? Expr::True() : Expr::False();
      case 7:
        // The text form carries slice names only, never ids.
        return Expr::InSlice(SliceRef{Name(), ""});
      case 1:
      case 2:
        return Expr::Compare(Column(), static_cast<CompareOp>(Uniform(0, 5)),
                             Value());
      case 3:
        return Expr::Between(Column(), Value(), Value(), Uniform(0, 1));
      case 4: {
        std::vector<Literal> values;
        const int n = Uniform(1, 5);
        for (int i = 0; i < n; ++i) values.push_back(Value());
        return Expr::In(Column(), std::move(values), Uniform(0, 1));
      }
      default:
        return Expr::IsNull(Column(), Uniform(0, 1));
    }
  }

  std::mt19937_64 rng_;
};

TEST(FilterTextTest, RandomTreesRoundTripThroughText) {
  constexpr uint64_t kSeed = 20260401;
  constexpr int kCases = 3000;
  std::cout << "random seed " << kSeed << ", " << kCases << " cases\n";
  RandomExprs random(kSeed);
  for (int i = 0; i < kCases; ++i) {
    const Expr e = random.Tree(4 + i % 4);
    ASSERT_GE(Depth(e), 4);
    const std::string text = e.ToString();
    absl::StatusOr<Expr> parsed = ParseFilter(text);
    ASSERT_THAT(parsed, IsOk()) << "case " << i << ": " << text;
    ASSERT_EQ(*parsed, e) << "case " << i << ": " << text;
    ASSERT_EQ(parsed->ToString(), text) << "case " << i;
  }
}

TEST(FilterTextTest, MangledTextNeverCrashesAndReportsAnOffset) {
  // Truncations and byte edits of canonical text either parse or fail with
  // "at N: ..." where N is inside the input (or at its end).
  constexpr uint64_t kSeed = 7;
  std::cout << "random seed " << kSeed << "\n";
  RandomExprs random(kSeed);
  std::mt19937_64 rng(kSeed);
  static const char kBytes[] = "()[],'\"=<>!- \tNOTANDOR1e.\xff";
  int failures = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string text = random.Tree(3).ToString();
    if (i % 2 == 0) {
      text.resize(rng() % (text.size() + 1));
    } else {
      for (int edits = 0; edits < 3; ++edits) {
        text[rng() % text.size()] = kBytes[rng() % (sizeof(kBytes) - 1)];
      }
    }
    absl::StatusOr<Expr> parsed = ParseFilter(text);
    if (parsed.ok()) {
      // Whatever parsed must print and parse back to itself.
      SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr again,
                                    ParseFilter(parsed->ToString()));
      EXPECT_EQ(again, *parsed) << text;
      continue;
    }
    ++failures;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(parsed.status().message());
    if (message == "empty filter") continue;
    ASSERT_THAT(message, StartsWith("at ")) << text;
    const size_t offset = std::stoul(message.substr(3));
    EXPECT_LE(offset, text.size()) << text << " -> " << message;
  }
  EXPECT_GT(failures, 500);  // the mangling did produce errors
}

}  // namespace
}  // namespace slicekit
