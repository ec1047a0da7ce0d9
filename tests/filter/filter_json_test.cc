// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/filter_json.h"

#include <algorithm>
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
#include "slicekit/filter_text.h"
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

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

// Wraps a node in the version 1 envelope.
std::string Doc(absl::string_view node) {
  return absl::StrCat("{\"version\":1,\"filter\":", node, "}");
}

// --- Writing -----------------------------------------------------------------

TEST(FilterJsonTest, WritesEachNodeKind) {
  struct Case {
    Expr expr;
    std::string node;
  };
  const Case cases[] = {
      {Expr::True(), R"({"op":"true"})"},
      {Expr::False(), R"({"op":"false"})"},
      {Col("fp") < 1, R"({"op":"<","column":"fp","value":1})"},
      {Col("fp") == 1, R"({"op":"=","column":"fp","value":1})"},
      {Col("fp") != 1, R"({"op":"!=","column":"fp","value":1})"},
      {Col("fp") <= 1, R"({"op":"<=","column":"fp","value":1})"},
      {Col("fp") > 1, R"({"op":">","column":"fp","value":1})"},
      {Col("fp") >= 1, R"({"op":">=","column":"fp","value":1})"},
      {Col("fp")["car"] >= 1,
       R"({"op":">=","column":"fp","class":"car","value":1})"},
      {Col("confidence") < 0.5,
       R"({"op":"<","column":"confidence","value":0.5})"},
      {Col("split") == "it's \"q\"",
       R"({"op":"=","column":"split","value":"it's \"q\""})"},
      {Col("x").Between(0.3, 0.7),
       R"({"op":"between","column":"x","low":0.3,"high":0.7,"negated":false})"},
      {Col("x").NotBetween(1, 2),
       R"({"op":"between","column":"x","low":1,"high":2,"negated":true})"},
      {Col("fp").In({1, 2}),
       R"({"op":"in","column":"fp","values":[1,2],"negated":false})"},
      {Col("s").NotIn({"a"}),
       R"({"op":"in","column":"s","values":["a"],"negated":true})"},
      {Col("s").In({}),
       R"({"op":"in","column":"s","values":[],"negated":false})"},
      {Col("x").IsNull(), R"({"op":"is_null","column":"x","negated":false})"},
      {Col("x")["k"].IsNotNull(),
       R"({"op":"is_null","column":"x","class":"k","negated":true})"},
      {Col("a") == 1 && Col("b") == 2,
       R"({"op":"and","args":[{"op":"=","column":"a","value":1},)"
       R"({"op":"=","column":"b","value":2}]})"},
      {Col("a") == 1 || Col("b") == 2,
       R"({"op":"or","args":[{"op":"=","column":"a","value":1},)"
       R"({"op":"=","column":"b","value":2}]})"},
      {!Col("a").IsNull(),
       R"({"op":"not","arg":{"op":"is_null","column":"a","negated":false}})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FilterToJson(c.expr), Doc(c.node));
  }
}

TEST(FilterJsonTest, WritesNumbersThatReadBackExactly) {
  struct Case {
    Literal value;
    std::string json;
  };
  const Case cases[] = {
      {Literal(kInt64Max), "9223372036854775807"},
      {Literal(kInt64Min), "-9223372036854775808"},
      {Literal(-0.0), "0"},
      {Literal(0.1), "0.1"},
      {Literal(1e300), "1e+300"},
      {Literal(1e19), "1e+19"},
      {Literal(5e-324), "5e-324"},
      // JSON has no infinities or NaN: they are spelled as the filter
      // language spells them, inside an object.
      {Literal(kInf), R"({"number":"1e999"})"},
      {Literal(-kInf), R"({"number":"-1e999"})"},
      {Literal(kNaN), R"({"number":"nan"})"},
  };
  for (const Case& c : cases) {
    const Expr e = Col("x") == c.value;
    const std::string json = FilterToJson(e);
    EXPECT_EQ(json, Doc(absl::StrCat(R"({"op":"=","column":"x","value":)",
                                     c.json, "}")));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr back, FilterFromJson(json));
    EXPECT_EQ(back, e) << json;
  }
}

TEST(FilterJsonTest, InvalidUtf8IsReplacedNotThrown) {
  const Expr e = Col(std::string("a\xff")) == std::string("b\xc3");
  const std::string json = FilterToJson(e);
  EXPECT_EQ(json, Doc("{\"op\":\"=\",\"column\":\"a\xef\xbf\xbd\","
                      "\"value\":\"b\xef\xbf\xbd\"}"));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr back, FilterFromJson(json));
  EXPECT_EQ(back, Col("a\xef\xbf\xbd") == "b\xef\xbf\xbd");
}

// --- Reading -----------------------------------------------------------------

TEST(FilterJsonTest, ReadsHandWrittenDocuments) {
  struct Case {
    std::string json;
    Expr expected;
  };
  const Case cases[] = {
      // Any field order, any whitespace; "negated" and "class" optional.
      {R"( { "filter" : { "value" : 1 , "column" : "fp" , "op" : "<" } ,
             "version" : 1 } )",
       Col("fp") < 1},
      {Doc(R"({"op":"in","column":"fp","values":[1,2]})"),
       Col("fp").In({1, 2})},
      {Doc(R"({"op":"between","column":"x","low":1,"high":2})"),
       Col("x").Between(1, 2)},
      {Doc(R"({"op":"is_null","column":"x"})"), Col("x").IsNull()},
      {Doc(R"({"op":"is_null","column":"x","negated":true})"),
       Col("x").IsNotNull()},
      {Doc(R"({"op":"=","column":"iou","class":"traffic light","value":0.5})"),
       Col("iou")["traffic light"] == 0.5},
      {Doc(R"({"op":"=","column":"x","class":"","value":""})"),
       Col("x")[""] == ""},
      // Escapes and unicode.
      {Doc(R"({"op":"=","column":"gr\u00f6\u00dfe","value":"\ud83d\ude97\n"})"),
       Col("größe") == "🚗\n"},
      // Values: integers exact, floats normalized, strings as strings.
      {Doc(R"({"op":"=","column":"x","value":10.0})"), Col("x") == 10},
      {Doc(R"({"op":"=","column":"x","value":1e1})"), Col("x") == 10},
      {Doc(R"({"op":"=","column":"x","value":-0.0})"), Col("x") == 0},
      {Doc(R"({"op":"=","column":"x","value":-9223372036854775808})"),
       Col("x") == kInt64Min},
      {Doc(R"({"op":"=","column":"x","value":9223372036854775807})"),
       Col("x") == kInt64Max},
      {Doc(R"({"op":"=","column":"x","value":9223372036854775808})"),
       Col("x") == 9223372036854775808.0},
      {Doc(R"({"op":"=","column":"x","value":18446744073709551615})"),
       Col("x") == 18446744073709551615.0},
      {Doc(R"({"op":"=","column":"x","value":"10"})"), Col("x") == "10"},
      {Doc(R"({"op":"=","column":"x","value":{"number":"1e999"}})"),
       Col("x") == kInf},
      {Doc(R"({"op":"=","column":"x","value":{"number":"-1e999"}})"),
       Col("x") == -kInf},
      {Doc(R"({"op":"=","column":"x","value":{"number":"nan"}})"),
       Col("x") == kNaN},
      // The number object takes any filter-language number, exactly.
      {Doc(R"({"op":"=","column":"x","value":{"number":"123456789012345678.0"}})"),
       Col("x") == int64_t{123456789012345678}},
      {Doc(R"({"op":"=","column":"x","value":{"number":"0.5"}})"),
       Col("x") == 0.5},
      // and/or normalize as Expr::And / Expr::Or do.
      {Doc(R"({"op":"and","args":[]})"), Expr::True()},
      {Doc(R"({"op":"or","args":[]})"), Expr::False()},
      {Doc(R"({"op":"and","args":[{"op":"false"}]})"), Expr::False()},
      {Doc(R"({"op":"and","args":[{"op":"true"},
              {"op":"and","args":[{"op":"false"},{"op":"true"}]}]})"),
       Expr::And({Expr::True(), Expr::False(), Expr::True()})},
      {Doc(R"({"op":"not","arg":{"op":"not","arg":{"op":"true"}}})"),
       !!Expr::True()},
      // Brackets inside strings are not nesting.
      {Doc(absl::StrCat(R"({"op":"=","column":")", Repeat("[{", 500),
                        R"(","value":"\"]}"})")),
       Col(Repeat("[{", 500)) == "\"]}"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Expr> parsed = FilterFromJson(c.json);
    ASSERT_THAT(parsed, IsOk()) << c.json;
    EXPECT_EQ(*parsed, c.expected) << c.json;
  }
}

// --- Builder, text and JSON agree --------------------------------------------

TEST(FilterJsonTest, BuilderTextAndJsonGiveEqualTrees) {
  struct Case {
    Expr built;
    std::string text;
    std::string json_node;
  };
  const Case cases[] = {
      {Col("confidence") < 0.5 && Col("fp") >= 1,
       "confidence < 0.5 AND fp >= 1",
       R"({"op":"and","args":[{"op":"<","column":"confidence","value":0.5},
           {"op":">=","column":"fp","value":1}]})"},
      {Col("fp")["car"] >= 1, "fp[car] >= 1",
       R"({"op":">=","column":"fp","class":"car","value":1})"},
      {Col("fp")["car"] >= 1, "fp['car'] >= 1",
       R"({"op":">=","column":"fp","class":"car","value":1})"},
      {Col("fp")["car"] >= 1, "fp[\"car\"] >= 1",
       R"({"op":">=","column":"fp","class":"car","value":1})"},
      {Col("iou")["traffic light"] < 0.5, "iou['traffic light'] < 0.5",
       R"({"op":"<","column":"iou","class":"traffic light","value":0.5})"},
      {Col("split").In({"val", "test"}), "split IN ('val', 'test')",
       R"({"op":"in","column":"split","values":["val","test"],"negated":false})"},
      {Col("fp").NotIn({1, 2}), "fp not in (1, 2.0)",
       R"({"op":"in","column":"fp","values":[1,2.0],"negated":true})"},
      {!Col("x").IsNull(), "NOT x IS NULL",
       R"({"op":"not","arg":{"op":"is_null","column":"x","negated":false}})"},
      {Col("x").IsNotNull(), "x IS NOT NULL",
       R"({"op":"is_null","column":"x","negated":true})"},
      {Col("x").Between(0.3, 0.7), "x BETWEEN 0.3 AND 0.7",
       R"({"op":"between","column":"x","low":0.3,"high":0.7,"negated":false})"},
      {Col("x").NotBetween(-1, 1e300), "x NOT BETWEEN -1 AND 1e300",
       R"({"op":"between","column":"x","low":-1,"high":1e300,"negated":true})"},
      {!Col("fp").NotIn({1, 2}), "NOT fp NOT IN (1, 2)",
       R"({"op":"not","arg":{"op":"in","column":"fp","values":[1,2],
           "negated":true}})"},
      {Col("a") == 1 || (Col("b") == 2 && Col("c") == 3),
       "a = 1 OR b = 2 AND c = 3",
       R"({"op":"or","args":[{"op":"=","column":"a","value":1},
           {"op":"and","args":[{"op":"=","column":"b","value":2},
                               {"op":"=","column":"c","value":3}]}]})"},
      {(Col("a") == 1 || Col("b") == 2) && Col("c") == 3,
       "(a = 1 OR b = 2) AND c = 3",
       R"({"op":"and","args":[{"op":"or","args":[
           {"op":"=","column":"a","value":1},{"op":"=","column":"b","value":2}]},
           {"op":"=","column":"c","value":3}]})"},
      {Col("a") == 1 && Col("b") == 2 && Col("c") == 3,
       "a = 1 AND (b = 2 AND c = 3)",
       R"({"op":"and","args":[{"op":"=","column":"a","value":1},
           {"op":"=","column":"b","value":2},{"op":"=","column":"c","value":3}]})"},
      {Col("in") == "it's", "\"in\" = 'it''s'",
       R"({"op":"=","column":"in","value":"it's"})"},
      {Col("my \"col\"") != 10, "\"my \"\"col\"\"\" != 1e1",
       R"({"op":"!=","column":"my \"col\"","value":10})"},
      {Col("x") == 10, "x = 10.0", R"({"op":"=","column":"x","value":10.0})"},
      {Col("x") > kInf, "x > 1e999",
       R"({"op":">","column":"x","value":{"number":"1e999"}})"},
      {Col("x") <= kInt64Min, "x <= -9223372036854775808",
       R"({"op":"<=","column":"x","value":-9223372036854775808})"},
      {Col("größe")["🚗"] == "日本", "\"größe\"['🚗'] = '日本'",
       R"({"op":"=","column":"größe","class":"🚗","value":"日本"})"},
      {Expr::True() || Expr::False(), "TRUE OR false",
       R"({"op":"or","args":[{"op":"true"},{"op":"false"}]})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr from_text, ParseFilter(c.text));
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr from_json,
                                  FilterFromJson(Doc(c.json_node)));
    EXPECT_EQ(from_text, c.built);
    EXPECT_EQ(from_json, c.built);
    // And the writers agree with each other through the readers.
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr json_of_text,
                                  FilterFromJson(FilterToJson(from_text)));
    EXPECT_EQ(json_of_text, c.built);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr text_of_json,
                                  ParseFilter(from_json.ToString()));
    EXPECT_EQ(text_of_json, c.built);
  }
}

// --- Errors ------------------------------------------------------------------

struct ErrorCase {
  std::string json;
  std::string message;
};

void ExpectErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    EXPECT_THAT(FilterFromJson(c.json),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.json.substr(0, 200);
  }
}

TEST(FilterJsonTest, MalformedJsonNamesTheByte) {
  ExpectErrors({
      {"",
       "at byte 0: syntax error while parsing value - unexpected end of "
       "input; expected '[', '{', or a literal"},
      {"{",
       "at byte 1: syntax error while parsing object key - unexpected "
       "end of input; expected string literal"},
      {R"({"version":1,"filter":{"op":"true"})",
       "at byte 35: syntax error while parsing object - unexpected end of "
       "input; expected '}'"},
      {R"({"version":1,"filter":{"op":"true"},})",
       "at byte 36: syntax error while parsing object key - unexpected '}'; "
       "expected string literal"},
      {R"({"version":1,"filter":{"op":"true"}} x)",
       "at byte 37: syntax error while parsing value - invalid literal; last "
       "read: '\"true\"}} x'; expected end of input"},
      {"{'version':1}",
       "at byte 1: syntax error while parsing object key - invalid literal; "
       "last read: '{''; expected string literal"},
      {"{\"version\":1,\"filter\":\"\xff\"}",
       "at byte 23: syntax error while parsing value - invalid string: ill-"
       "formed UTF-8 byte; last read: '\"\xff'"},
  });
}

TEST(FilterJsonTest, NumberOutOfDoubleRangeNeedsTheNumberObject) {
  ExpectErrors({
      {Doc(R"({"op":"=","column":"x","value":1e999})"),
       "number overflow parsing '1e999'; write an infinite value as "
       "{\"number\": \"1e999\"}"},
      {Doc(R"({"op":"=","column":"x","value":-1e999})"),
       "number overflow parsing '-1e999'; write an infinite value as "
       "{\"number\": \"1e999\"}"},
  });
}

TEST(FilterJsonTest, DocumentErrors) {
  ExpectErrors({
      {"[]", "expected an object, got an array"},
      {"1", "expected an object, got 1"},
      {"null", "expected an object, got null"},
      {R"({"filter":{"op":"true"}})", "missing field 'version'"},
      {R"({"version":1})", "missing field 'filter'"},
      {R"({"version":1,"filter":{"op":"true"},"extra":1})",
       "unknown field 'extra'"},
      {R"({"version":2,"filter":{"op":"true"}})",
       "version: unsupported version 2 (this build reads 1)"},
      {R"({"version":0,"filter":{"op":"true"}})",
       "version: unsupported version 0 (this build reads 1)"},
      {R"({"version":-1,"filter":{"op":"true"}})",
       "version: unsupported version -1 (this build reads 1)"},
      {R"({"version":18446744073709551615,"filter":{"op":"true"}})",
       "version: unsupported version 18446744073709551615 (this build reads "
       "1)"},
      {R"({"version":"1","filter":{"op":"true"}})",
       "version: expected an integer, got \"1\""},
      {R"({"version":1.0,"filter":{"op":"true"}})",
       "version: expected an integer, got 1.0"},
      {R"({"version":null,"filter":{"op":"true"}})",
       "version: expected an integer, got null"},
      // The version is checked before the filter.
      {R"({"version":2,"filter":{"op":"nope"}})",
       "version: unsupported version 2 (this build reads 1)"},
      {R"({"version":1,"version":1,"filter":{"op":"true"}})",
       "duplicate field 'version'"},
  });
}

TEST(FilterJsonTest, NodeErrors) {
  ExpectErrors({
      {Doc("[]"), "filter: expected an object, got an array"},
      {Doc("\"x = 1\""), "filter: expected an object, got \"x = 1\""},
      {Doc("{}"), "filter: missing field 'op'"},
      {Doc(R"({"column":"x"})"), "filter: missing field 'op'"},
      {Doc(R"({"op":5})"), "filter.op: expected a string, got 5"},
      {Doc(R"({"op":"lt","column":"x","value":1})"),
       "filter.op: unknown operator 'lt'"},
      {Doc(R"({"op":"AND","args":[]})"), "filter.op: unknown operator 'AND'"},
      {Doc(R"({"op":"=="})"), "filter.op: unknown operator '=='"},
      {Doc(R"({"op":"l\u0000t"})"), "filter.op: unknown operator 'l\\x00t'"},
      {Doc(R"({"op":"true","a\u0000b":1})"),
       "filter: unknown field 'a\\x00b' for operator 'true'"},
      {Doc(R"({"op":"and","args":[{"op":"true"},{"op":"lt"}]})"),
       "filter.args[1].op: unknown operator 'lt'"},
      {Doc(R"({"op":"true","column":"x"})"),
       "filter: unknown field 'column' for operator 'true'"},
      {Doc(R"({"op":"<","column":"x","value":1,"negated":false})"),
       "filter: unknown field 'negated' for operator '<'"},
      {Doc(R"({"op":"<","colum":"x","value":1})"),
       "filter: unknown field 'colum' for operator '<'"},
      {Doc(R"({"op":"not","arg":{"op":"true"},"args":[]})"),
       "filter: unknown field 'args' for operator 'not'"},
      {Doc(R"({"op":"and","arg":{"op":"true"}})"),
       "filter: unknown field 'arg' for operator 'and'"},
      {Doc(R"({"op":"in","column":"x","value":1})"),
       "filter: unknown field 'value' for operator 'in'"},
      {Doc(R"({"op":"<","value":1})"), "filter: missing field 'column'"},
      {Doc(R"({"op":"<","column":"x"})"), "filter: missing field 'value'"},
      {Doc(R"({"op":"between","column":"x","high":1})"),
       "filter: missing field 'low'"},
      {Doc(R"({"op":"between","column":"x","low":1})"),
       "filter: missing field 'high'"},
      {Doc(R"({"op":"in","column":"x"})"), "filter: missing field 'values'"},
      {Doc(R"({"op":"is_null"})"), "filter: missing field 'column'"},
      {Doc(R"({"op":"and"})"), "filter: missing field 'args'"},
      {Doc(R"({"op":"not"})"), "filter: missing field 'arg'"},
      {Doc(R"({"op":"<","column":3,"value":1})"),
       "filter.column: expected a string, got 3"},
      {Doc(R"({"op":"<","column":"x","class":null,"value":1})"),
       "filter.class: expected a string, got null"},
      {Doc(R"({"op":"<","column":"x","class":["car"],"value":1})"),
       "filter.class: expected a string, got an array"},
      {Doc(R"({"op":"in","column":"x","values":{}})"),
       "filter.values: expected an array, got an object"},
      {Doc(R"({"op":"in","column":"x","values":[],"negated":"yes"})"),
       "filter.negated: expected a boolean, got \"yes\""},
      {Doc(R"({"op":"is_null","column":"x","negated":0})"),
       "filter.negated: expected a boolean, got 0"},
      {Doc(R"({"op":"or","args":{}})"),
       "filter.args: expected an array, got an object"},
      {Doc(R"({"op":"or","args":[{"op":"true"},[]]})"),
       "filter.args[1]: expected an object, got an array"},
      {Doc(R"({"op":"not","arg":[]})"),
       "filter.arg: expected an object, got an array"},
      {Doc(R"({"op":"not","arg":{"op":"and","args":[{"op":"=","column":"x",
                "value":1,"column":"y"}]}})"),
       "filter.arg.args[0]: duplicate field 'column'"},
  });
}

TEST(FilterJsonTest, ValueErrors) {
  ExpectErrors({
      {Doc(R"({"op":"<","column":"x","value":true})"),
       "filter.value: expected a number, a string or {\"number\": \"...\"}, "
       "got true"},
      {Doc(R"({"op":"<","column":"x","value":null})"),
       "filter.value: expected a number, a string or {\"number\": \"...\"}, "
       "got null"},
      {Doc(R"({"op":"<","column":"x","value":[1]})"),
       "filter.value: expected a number, a string or {\"number\": \"...\"}, "
       "got an array"},
      {Doc(R"({"op":"in","column":"x","values":[1,"a",2.5,true]})"),
       "filter.values[3]: expected a number, a string or {\"number\": "
       "\"...\"}, got true"},
      {Doc(R"({"op":"between","column":"x","low":1,"high":false})"),
       "filter.high: expected a number, a string or {\"number\": \"...\"}, "
       "got false"},
      {Doc(R"({"op":"<","column":"x","value":{}})"),
       "filter.value: missing field 'number'"},
      {Doc(R"({"op":"<","column":"x","value":{"num":"1"}})"),
       "filter.value: unknown field 'num'"},
      {Doc(R"({"op":"<","column":"x","value":{"number":"1","unit":"m"}})"),
       "filter.value: unknown field 'unit'"},
      {Doc(R"({"op":"<","column":"x","value":{"number":1}})"),
       "filter.value.number: expected a string, got 1"},
      {Doc(R"({"op":"<","column":"x","value":{"number":"abc"}})"),
       "filter.value.number: expected a number such as \"1e999\", got "
       "\"abc\""},
      {Doc(R"({"op":"<","column":"x","value":{"number":"inf"}})"),
       "filter.value.number: expected a number such as \"1e999\", got "
       "\"inf\""},
      {Doc(R"({"op":"<","column":"x","value":{"number":" 1"}})"),
       "filter.value.number: expected a number such as \"1e999\", got "
       "\" 1\""},
      {Doc(R"({"op":"<","column":"x","value":{"number":"1."}})"),
       "filter.value.number: expected a number such as \"1e999\", got "
       "\"1.\""},
      {Doc(R"({"op":"in","column":"x","values":[{"number":"1","number":"2"}]})"),
       "filter.values[0]: duplicate field 'number'"},
      {Doc(R"({"op":"<","column":"x","value":{"number":")" +
           std::string(50, '9') + R"(x"}})"),
       absl::StrCat("filter.value.number: expected a number such as "
                    "\"1e999\", got \"",
                    std::string(39, '9'), "...")},
  });
}

TEST(FilterJsonTest, InputSizeLimit) {
  std::string json = Doc(R"({"op":"true"})");
  json.append(kMaxFilterInputBytes - json.size(), ' ');
  EXPECT_THAT(FilterFromJson(json), IsOk());
  json.push_back(' ');
  EXPECT_THAT(FilterFromJson(json),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "filter JSON is 1048577 bytes; the limit is 1048576"));
}

// --- Depth -------------------------------------------------------------------

std::string NotChain(int nots, absl::string_view leaf) {
  return Doc(absl::StrCat(Repeat(R"({"op":"not","arg":)", nots), leaf,
                          Repeat("}", nots)));
}

TEST(FilterJsonTest, DeepestValidDocumentsParse) {
  // 128 NOTs over an IN whose value is a number object: the deepest JSON a
  // valid filter has.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Expr nots,
      FilterFromJson(NotChain(
          kMaxFilterDepth,
          R"({"op":"in","column":"x","values":[{"number":"1e999"}]})")));
  Expr expected = Col("x").In({kInf});
  for (int i = 0; i < kMaxFilterDepth; ++i) expected = !expected;
  EXPECT_EQ(nots, expected);
  // The same depth with and/or: each level is an "args" array and a node.
  std::string node =
      R"({"op":"in","column":"x","values":[{"number":"nan"}],"negated":false})";
  Expr built = Col("x").In({kNaN});
  for (int i = 0; i < kMaxFilterDepth; ++i) {
    const char* op = i % 2 == 0 ? "and" : "or";
    node = absl::StrCat(R"({"op":")", op, R"(","args":[{"op":"true"},)", node,
                        "]}");
    built = i % 2 == 0 ? (Expr::True() && built) : (Expr::True() || built);
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr junctions, FilterFromJson(Doc(node)));
  EXPECT_EQ(junctions, built);
  EXPECT_EQ(FilterToJson(built), Doc(node));
}

TEST(FilterJsonTest, TooDeepTreesAreAnError) {
  const absl::StatusOr<Expr> too_deep =
      FilterFromJson(NotChain(kMaxFilterDepth + 1, R"({"op":"true"})"));
  EXPECT_THAT(too_deep, StatusIs(absl::StatusCode::kInvalidArgument,
                                 absl::StrCat("filter", Repeat(".arg", 128),
                                              ": filter nested deeper than 128 "
                                              "levels")));
  // and/or count too, even when they would normalize away.
  std::string node = R"({"op":"true"})";
  for (int i = 0; i <= kMaxFilterDepth; ++i) {
    node = absl::StrCat(R"({"op":"and","args":[)", node, "]}");
  }
  EXPECT_THAT(FilterFromJson(Doc(node)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("filter", Repeat(".args[0]", 128),
                                    ": filter nested deeper than 128 "
                                    "levels")));
}

TEST(FilterJsonTest, HugeNestingFailsWithoutExhaustingTheStack) {
  const std::string message =
      "JSON nested deeper than 260 levels (a filter nests at most 128)";
  ExpectErrors({
      {Repeat("[", 100000), "at byte 260: " + message},
      {Repeat("{\"a\":", 100000), "at byte 1300: " + message},
      // The 261st '{' opens the 260th NOT node (18 bytes each).
      {NotChain(50000, R"({"op":"true"})"), "at byte 4684: " + message},
      {Doc(Repeat("[", 300) + Repeat("]", 300)), "at byte 281: " + message},
  });
}

// --- Size and round trips ----------------------------------------------------

TEST(FilterJsonTest, SixtyFourKibFiltersRoundTrip) {
  std::vector<Literal> values;
  std::vector<Expr> terms;
  for (int i = 0; i < 8000; ++i) values.push_back(i * 3);
  for (int i = 0; i < 1400; ++i) {
    terms.push_back(Col("split") == absl::StrCat("s", i));
  }
  for (const Expr& e : {Col("fp").In(values), Expr::Or(terms)}) {
    const std::string json = FilterToJson(e);
    EXPECT_GE(json.size(), 40000u);
    EXPECT_LE(json.size(), 64u * 1024);
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr back, FilterFromJson(json));
    EXPECT_EQ(back, e);
  }
}

// Random trees as in filter_text_test.cc, plus NaN, which JSON can carry.
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

  std::string RandomString() {
    static const char* const kPieces[] = {
        "a", "Z",  "_",       "0", "'", "\"", " ", "\t", "\n", "é", "日本",
        "🚗", "\\", "\\u0000", "/", "{", "}",  "[", "]",  ":",  ","};
    std::string out;
    const int n = Uniform(0, 6);
    for (int i = 0; i < n; ++i) {
      out += kPieces[Uniform(0, std::size(kPieces) - 1)];
    }
    if (Uniform(0, 9) == 0) out.push_back('\0');
    return out;
  }

  ColumnRef Column() {
    static const char* const kNames[] = {
        "fp", "iou", "in", "my col", "größe", "a\"b", "op", "args", ""};
    ColumnRef ref{Uniform(0, 3) == 0
                      ? RandomString()
                      : kNames[Uniform(0, std::size(kNames) - 1)],
                  std::nullopt};
    if (Uniform(0, 2) == 0) ref.class_name = RandomString();
    return ref;
  }

  Literal Value() {
    switch (Uniform(0, 6)) {
      case 0:
        return Literal(int64_t{Uniform(-1000, 1000)});
      case 1:
        return Literal(static_cast<int64_t>(rng_()));
      case 2: {
        // Any double at all, NaN included, from its bits.
        double d;
        const uint64_t bits = rng_();
        std::memcpy(&d, &bits, sizeof d);
        return Literal(d);
      }
      case 3: {
        static const double kEdges[] = {
            0.5,  1e-7,  1e300, 5e-324, 1e19,
            kInf, -kInf, kNaN,  0.1,    9223372036854775808.0};
        return Literal(kEdges[Uniform(0, std::size(kEdges) - 1)]);
      }
      case 4: {
        static const int64_t kEdges[] = {kInt64Min, kInt64Max, 0, -1};
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
        // A resolved reference carries the slice's id, JSON keeps both.
        return Expr::InSlice(
            SliceRef{RandomString(), Uniform(0, 1) ? RandomString() : ""});
      case 1:
      case 2:
        return Expr::Compare(Column(), static_cast<CompareOp>(Uniform(0, 5)),
                             Value());
      case 3:
        return Expr::Between(Column(), Value(), Value(), Uniform(0, 1));
      case 4: {
        std::vector<Literal> values;
        const int n = Uniform(0, 5);  // JSON carries empty lists too
        for (int i = 0; i < n; ++i) values.push_back(Value());
        return Expr::In(Column(), std::move(values), Uniform(0, 1));
      }
      default:
        return Expr::IsNull(Column(), Uniform(0, 1));
    }
  }

  std::mt19937_64 rng_;
};

TEST(FilterJsonTest, RandomTreesRoundTripThroughJson) {
  constexpr uint64_t kSeed = 20260402;
  constexpr int kCases = 3000;
  std::cout << "random seed " << kSeed << ", " << kCases << " cases\n";
  RandomExprs random(kSeed);
  for (int i = 0; i < kCases; ++i) {
    const Expr e = random.Tree(4 + i % 4);
    const std::string json = FilterToJson(e);
    absl::StatusOr<Expr> back = FilterFromJson(json);
    ASSERT_THAT(back, IsOk()) << "case " << i << ": " << json;
    ASSERT_EQ(*back, e) << "case " << i << ": " << json;
    ASSERT_EQ(FilterToJson(*back), json) << "case " << i;
  }
}

TEST(FilterJsonTest, MangledJsonNeverCrashes) {
  constexpr uint64_t kSeed = 11;
  std::cout << "random seed " << kSeed << "\n";
  RandomExprs random(kSeed);
  std::mt19937_64 rng(kSeed);
  static const char kBytes[] = "{}[]:,\"\\ 01e-.tnfaopx\xff";
  int failures = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string json = FilterToJson(random.Tree(3));
    if (i % 2 == 0) {
      json.resize(rng() % (json.size() + 1));
    } else {
      for (int edits = 0; edits < 3; ++edits) {
        json[rng() % json.size()] = kBytes[rng() % (sizeof(kBytes) - 1)];
      }
    }
    absl::StatusOr<Expr> parsed = FilterFromJson(json);
    if (parsed.ok()) {
      SLICEKIT_ASSERT_OK_AND_ASSIGN(Expr again,
                                    FilterFromJson(FilterToJson(*parsed)));
      EXPECT_EQ(again, *parsed) << json;
      continue;
    }
    ++failures;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << parsed.status();
    EXPECT_THAT(std::string(parsed.status().message()),
                ::testing::Not(HasSubstr("json.exception")));
  }
  EXPECT_GT(failures, 1000);
}

}  // namespace
}  // namespace slicekit
