// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/csv.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "examples/metrics_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace slicekit {
namespace {

using ::slicekit::testing::IsOk;
using ::slicekit::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;
using namespace std::string_literals;

// Matches an optional<absl::string_view> holding `s`.
auto OptStr(absl::string_view s) { return Optional(s); }

// Reads `text` as "t.csv", or fails the test.
absl::StatusOr<Table> Read(absl::string_view text, CsvOptions options = {}) {
  return ReadCsv(text, "t.csv", options);
}

int Col(const Table& table, absl::string_view name) {
  std::optional<int> index = table.schema().Find(name);
  EXPECT_TRUE(index.has_value()) << name;
  return index.value_or(-1);
}

ColumnType TypeOf(const Table& table, absl::string_view name) {
  return table.schema().column(Col(table, name)).type;
}

// The message of the error ReadCsv gives for `text`, or "" when it loads.
std::string ErrorOf(absl::string_view text) {
  absl::StatusOr<Table> table = Read(text);
  if (table.ok()) return "";
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument)
      << table.status();
  return std::string(table.status().message());
}

TEST(StandardColumnTypeTest, KnowsTheTwelveMetricColumns) {
  const std::map<std::string, ColumnType> expected = {
      {"data_row_id", ColumnType::kId},
      {"dataset", ColumnType::kCategorical},
      {"split", ColumnType::kCategorical},
      {"tp", ColumnType::kInt},
      {"fp", ColumnType::kInt},
      {"fn", ColumnType::kInt},
      {"tn", ColumnType::kInt},
      {"precision", ColumnType::kFloat},
      {"recall", ColumnType::kFloat},
      {"f1", ColumnType::kFloat},
      {"iou", ColumnType::kFloat},
      {"confidence", ColumnType::kFloat},
  };
  for (const auto& [name, type] : expected) {
    EXPECT_THAT(StandardColumnType(name), Optional(type)) << name;
  }
}

TEST(StandardColumnTypeTest, OtherNamesAreNotStandard) {
  for (absl::string_view name :
       {"", "FP", "Confidence", "conf", "tp ", "data_row_ids", "label"}) {
    EXPECT_EQ(StandardColumnType(name), std::nullopt) << name;
  }
}

TEST(ReadCsvTest, LoadsStandardColumnsWithTheirTypesAndValues) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table,
      Read("data_row_id,dataset,split,tp,fp,fn,tn,precision,recall,f1,iou,"
           "confidence\n"
           "r1,ds0,train,3,1,0,7,0.75,1,0.857143,0.5,0.9\n"
           "r2,,val,,0,2,0,,0.000000,,0,0.1\n"));
  ASSERT_EQ(table.num_rows(), 2u);
  EXPECT_EQ(table.num_live_rows(), 2u);
  EXPECT_EQ(TypeOf(table, "data_row_id"), ColumnType::kId);
  EXPECT_EQ(TypeOf(table, "dataset"), ColumnType::kCategorical);
  EXPECT_EQ(TypeOf(table, "split"), ColumnType::kCategorical);
  for (absl::string_view name : {"tp", "fp", "fn", "tn"}) {
    EXPECT_EQ(TypeOf(table, name), ColumnType::kInt) << name;
  }
  for (absl::string_view name :
       {"precision", "recall", "f1", "iou", "confidence"}) {
    EXPECT_EQ(TypeOf(table, name), ColumnType::kFloat) << name;
  }

  EXPECT_EQ(table.RowId(0).value(), "r1");
  EXPECT_EQ(table.RowId(1).value(), "r2");
  EXPECT_THAT(table.GetString(0, Col(table, "dataset")).value(), OptStr("ds0"));
  EXPECT_EQ(table.GetString(1, Col(table, "dataset")).value(), std::nullopt);
  EXPECT_THAT(table.GetString(1, Col(table, "split")).value(), OptStr("val"));
  EXPECT_THAT(table.GetInt(0, Col(table, "tp")).value(), Optional(3));
  EXPECT_EQ(table.GetInt(1, Col(table, "tp")).value(), std::nullopt);
  EXPECT_THAT(table.GetInt(0, Col(table, "tn")).value(), Optional(7));
  EXPECT_THAT(table.GetFloat(0, Col(table, "precision")).value(),
              Optional(0.75f));
  EXPECT_EQ(table.GetFloat(1, Col(table, "precision")).value(), std::nullopt);
  EXPECT_THAT(table.GetFloat(0, Col(table, "f1")).value(), Optional(0.857143f));
  EXPECT_THAT(table.GetFloat(1, Col(table, "iou")).value(), Optional(0.0f));
  EXPECT_THAT(table.GetFloat(0, Col(table, "confidence")).value(),
              Optional(0.9f));
  EXPECT_EQ(table.Find("r2").value(), std::optional<RowIndex>(1));
}

TEST(ReadCsvTest, FloatsRoundOnceToNearestFloat32) {
  // Each literal rounds straight from decimal to float32; via double, the
  // last one would round to 1 + 2^-23 instead of 1.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, Read("data_row_id,iou\na,0.1\nb,0.8\nc,3.4028235e38\n"
                        "d,1.00000005960464477550\n"));
  const int iou = Col(table, "iou");
  EXPECT_THAT(table.GetFloat(0, iou).value(), Optional(0.1f));
  EXPECT_THAT(table.GetFloat(1, iou).value(), Optional(0.8f));
  EXPECT_THAT(table.GetFloat(2, iou).value(),
              Optional(std::numeric_limits<float>::max()));
  EXPECT_THAT(table.GetFloat(3, iou).value(), Optional(1.0f + 0x1p-23f));
}

TEST(ReadCsvTest, TinyFloatsRoundToZeroOrSubnormal) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table,
      Read("data_row_id,iou\na,1e-50\nb,-1e-50\nc,1e-40\nd,0.0000e-999\n"));
  const int iou = Col(table, "iou");
  std::optional<float> a = table.GetFloat(0, iou).value();
  std::optional<float> b = table.GetFloat(1, iou).value();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(*a, 0.0f);
  EXPECT_FALSE(std::signbit(*a));
  EXPECT_EQ(*b, 0.0f);
  EXPECT_TRUE(std::signbit(*b));
  std::optional<float> c = table.GetFloat(2, iou).value();
  ASSERT_TRUE(c.has_value());
  EXPECT_GT(*c, 0.0f);
  EXPECT_LT(*c, std::numeric_limits<float>::min());
  EXPECT_THAT(table.GetFloat(3, iou).value(), Optional(0.0f));
}

TEST(ReadCsvTest, AcceptsSignsAndIntegralFloatsInIntColumns) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table,
                                Read("data_row_id,tp,iou\n"
                                     "a,+5,+0.5\n"
                                     "b,-0012,-.25\n"
                                     "c,3.0,1.\n"
                                     "d,1e3,2e-1\n"
                                     "e,9223372036854775807,0\n"
                                     "f,-9223372036854775808,-0\n"
                                     "g,9007199254740992.0,1E2\n"));
  const int tp = Col(table, "tp");
  const int iou = Col(table, "iou");
  EXPECT_THAT(table.GetInt(0, tp).value(), Optional(5));
  EXPECT_THAT(table.GetInt(1, tp).value(), Optional(-12));
  EXPECT_THAT(table.GetInt(2, tp).value(), Optional(3));
  EXPECT_THAT(table.GetInt(3, tp).value(), Optional(1000));
  EXPECT_THAT(table.GetInt(4, tp).value(),
              Optional(std::numeric_limits<int64_t>::max()));
  EXPECT_THAT(table.GetInt(5, tp).value(),
              Optional(std::numeric_limits<int64_t>::min()));
  EXPECT_THAT(table.GetInt(6, tp).value(), Optional(int64_t{1} << 53));
  EXPECT_THAT(table.GetFloat(0, iou).value(), Optional(0.5f));
  EXPECT_THAT(table.GetFloat(1, iou).value(), Optional(-0.25f));
  EXPECT_THAT(table.GetFloat(2, iou).value(), Optional(1.0f));
  EXPECT_THAT(table.GetFloat(3, iou).value(), Optional(0.2f));
  EXPECT_THAT(table.GetFloat(6, iou).value(), Optional(100.0f));
}

TEST(ReadCsvTest, InfersColumnTypesOverAllRows) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, Read("data_row_id,n,x,label,late_text,late_float,blank,"
                        "nan_col,inf_col,neg\n"
                        "a,1,1,car,1,1,,nan,inf,-1\n"
                        "b,,2.5,,2,2,,1,1,+2\n"
                        "c,30,-3,7,3,3,,2,2,3\n"
                        "d,4,1e3,x y,zz,3.5,,3,3,-0\n"));
  EXPECT_EQ(TypeOf(table, "n"), ColumnType::kInt);
  EXPECT_EQ(TypeOf(table, "x"), ColumnType::kFloat);
  EXPECT_EQ(TypeOf(table, "label"), ColumnType::kCategorical);
  EXPECT_EQ(TypeOf(table, "late_text"), ColumnType::kCategorical);
  EXPECT_EQ(TypeOf(table, "late_float"), ColumnType::kFloat);
  // No value to go by: categorical, as DuckDB infers VARCHAR.
  EXPECT_EQ(TypeOf(table, "blank"), ColumnType::kCategorical);
  // NaN and infinity are not numbers here, so the columns hold text.
  EXPECT_EQ(TypeOf(table, "nan_col"), ColumnType::kCategorical);
  EXPECT_EQ(TypeOf(table, "inf_col"), ColumnType::kCategorical);
  EXPECT_EQ(TypeOf(table, "neg"), ColumnType::kInt);

  EXPECT_THAT(table.GetInt(2, Col(table, "n")).value(), Optional(30));
  EXPECT_EQ(table.GetInt(1, Col(table, "n")).value(), std::nullopt);
  EXPECT_THAT(table.GetFloat(0, Col(table, "x")).value(), Optional(1.0f));
  EXPECT_THAT(table.GetFloat(3, Col(table, "x")).value(), Optional(1000.0f));
  EXPECT_THAT(table.GetString(2, Col(table, "label")).value(), OptStr("7"));
  EXPECT_EQ(table.GetString(1, Col(table, "label")).value(), std::nullopt);
  EXPECT_THAT(table.GetString(0, Col(table, "late_text")).value(), OptStr("1"));
  EXPECT_THAT(table.GetFloat(3, Col(table, "late_float")).value(),
              Optional(3.5f));
  EXPECT_EQ(table.GetString(0, Col(table, "blank")).value(), std::nullopt);
  EXPECT_THAT(table.GetString(0, Col(table, "nan_col")).value(), OptStr("nan"));
  EXPECT_THAT(table.GetInt(1, Col(table, "neg")).value(), Optional(2));
}

TEST(ReadCsvTest, StandardColumnsKeepTheirTypeWhateverTheData) {
  // `dataset` holds numbers yet stays categorical; `tp` is all NULL yet int.
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table,
                                Read("data_row_id,dataset,tp\n1,2,\n3,4,\n"));
  EXPECT_EQ(TypeOf(table, "data_row_id"), ColumnType::kId);
  EXPECT_EQ(TypeOf(table, "dataset"), ColumnType::kCategorical);
  EXPECT_EQ(TypeOf(table, "tp"), ColumnType::kInt);
  EXPECT_EQ(table.RowId(1).value(), "3");
  EXPECT_THAT(table.GetString(0, Col(table, "dataset")).value(), OptStr("2"));
}

TEST(ReadCsvTest, HeaderOnlyGivesAnEmptyTable) {
  for (absl::string_view text :
       {"data_row_id,tp,label", "data_row_id,tp,label\n",
        "data_row_id,tp,label\r\n"}) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, Read(text));
    EXPECT_EQ(table.num_rows(), 0u);
    EXPECT_EQ(table.schema().num_columns(), 3);
    EXPECT_EQ(TypeOf(table, "tp"), ColumnType::kInt);
    EXPECT_EQ(TypeOf(table, "label"), ColumnType::kCategorical);
  }
}

TEST(ReadCsvTest, HandlesQuotedFields) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, Read("\"data_row_id\",\"a,b\",\"say \"\"hi\"\"\",tp\n"
                        "\"r,1\",\"x\ny\",\"\"\"\",\"7\"\n"
                        "\"r\"\"2\",\"\",plain,\"\"\n"
                        "r3,\"line1\r\nline2\",\"a\"\"\"\"b\",8\n"));
  ASSERT_EQ(table.num_rows(), 3u);
  const int ab = Col(table, "a,b");
  const int say = Col(table, "say \"hi\"");
  const int tp = Col(table, "tp");
  EXPECT_EQ(table.RowId(0).value(), "r,1");
  EXPECT_EQ(table.RowId(1).value(), "r\"2");
  EXPECT_THAT(table.GetString(0, ab).value(), OptStr("x\ny"));
  // A quoted empty field is NULL like an unquoted one.
  EXPECT_EQ(table.GetString(1, ab).value(), std::nullopt);
  EXPECT_THAT(table.GetString(2, ab).value(), OptStr("line1\r\nline2"));
  EXPECT_THAT(table.GetString(0, say).value(), OptStr("\""));
  EXPECT_THAT(table.GetString(1, say).value(), OptStr("plain"));
  EXPECT_THAT(table.GetString(2, say).value(), OptStr("a\"\"b"));
  EXPECT_THAT(table.GetInt(0, tp).value(), Optional(7));
  EXPECT_EQ(table.GetInt(1, tp).value(), std::nullopt);
  EXPECT_THAT(table.GetInt(2, tp).value(), Optional(8));
}

TEST(ReadCsvTest, QuoteInsideAnUnquotedFieldIsData) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table,
                                Read("data_row_id,label\na\"b,5\"\"\n"));
  EXPECT_EQ(table.RowId(0).value(), "a\"b");
  EXPECT_THAT(table.GetString(0, Col(table, "label")).value(), OptStr("5\"\""));
}

TEST(ReadCsvTest, CrlfAndLfLoadTheSame) {
  const std::string lf = "data_row_id,tp,label\na,1,x\nb,,y\nc,3,\n";
  std::string crlf;
  for (char c : lf) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  for (const std::string& text : {lf, crlf, lf.substr(0, lf.size() - 1),
                                  crlf.substr(0, crlf.size() - 2)}) {
    SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, Read(text));
    ASSERT_EQ(table.num_rows(), 3u);
    EXPECT_EQ(table.RowId(2).value(), "c");
    EXPECT_THAT(table.GetInt(0, Col(table, "tp")).value(), Optional(1));
    EXPECT_EQ(table.GetInt(1, Col(table, "tp")).value(), std::nullopt);
    EXPECT_THAT(table.GetString(1, Col(table, "label")).value(), OptStr("y"));
    EXPECT_EQ(table.GetString(2, Col(table, "label")).value(), std::nullopt);
  }
}

TEST(ReadCsvTest, LoneCarriageReturnIsData) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table,
                                Read("data_row_id,label\na,x\ry\nb,z\r"));
  ASSERT_EQ(table.num_rows(), 2u);
  EXPECT_THAT(table.GetString(0, Col(table, "label")).value(), OptStr("x\ry"));
  EXPECT_THAT(table.GetString(1, Col(table, "label")).value(), OptStr("z\r"));
}

TEST(ReadCsvTest, SkipsUtf8ByteOrderMark) {
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, Read("\xEF\xBB\xBF"
                                                  "data_row_id,tp\na,1\n"));
  EXPECT_EQ(table.schema().column(0).name, "data_row_id");
  // Columns in errors count from after the mark, as editors show them.
  EXPECT_EQ(ErrorOf("\xEF\xBB\xBF"
                    "data_row_id,tp,tp\n"),
            "t.csv:1:16: duplicate column name 'tp'");
}

TEST(ReadCsvTest, ArbitraryBytesAreJustBytes) {
  const std::string id("a\0b", 3);
  const std::string label("\xff\xfe\x00\x80", 4);
  const std::string text = "data_row_id,label\n" + id + "," + label +
                           "\n\"\xc3\x28\",\""s + '\0' + "\"\n";
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table table, Read(absl::string_view(text.data(), text.size())));
  ASSERT_EQ(table.num_rows(), 2u);
  EXPECT_EQ(table.RowId(0).value(), id);
  EXPECT_THAT(table.GetString(0, Col(table, "label")).value(), OptStr(label));
  EXPECT_EQ(table.RowId(1).value(), "\xc3\x28");
  EXPECT_THAT(table.GetString(1, Col(table, "label")).value(),
              OptStr(absl::string_view("\0", 1)));
}

TEST(ReadCsvTest, PassesTableOptionsOn) {
  CsvOptions options;
  options.table.chunk_rows = 64;
  std::string text = "data_row_id,tp\n";
  for (int i = 0; i < 200; ++i) absl::StrAppend(&text, "r", i, ",", i, "\n");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, Read(text, options));
  EXPECT_EQ(table.options().chunk_rows, 64u);
  ASSERT_EQ(table.num_rows(), 200u);
  EXPECT_THAT(table.GetInt(199, Col(table, "tp")).value(), Optional(199));
}

TEST(ReadCsvTest, LoadsMoreRowsThanOneBatch) {
  std::string text = "data_row_id,tp,score\n";
  constexpr int kRows = 150000;
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&text, "id", i, ",", i % 7, ",", i % 3 == 0 ? "" : "0.5",
                    "\n");
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, Read(text));
  ASSERT_EQ(table.num_rows(), static_cast<size_t>(kRows));
  EXPECT_EQ(TypeOf(table, "score"), ColumnType::kFloat);
  for (int i : {0, 1, 65535, 65536, 65537, 131072, kRows - 1}) {
    EXPECT_EQ(table.RowId(i).value(), absl::StrCat("id", i));
    EXPECT_THAT(table.GetInt(i, Col(table, "tp")).value(), Optional(i % 7));
    if (i % 3 == 0) {
      EXPECT_EQ(table.GetFloat(i, Col(table, "score")).value(), std::nullopt);
    } else {
      EXPECT_THAT(table.GetFloat(i, Col(table, "score")).value(),
                  Optional(0.5f));
    }
  }
}

// Every error, with its exact message. Lines and columns are 1-based; the
// column is the byte where the field (or the problem) starts.
struct ErrorCase {
  const char* name;
  std::string text;
  std::string message;
};

TEST(ReadCsvTest, ReportsEachErrorWithLineAndColumn) {
  const std::string long_value(100, 'x');
  const std::vector<ErrorCase> cases = {
      {"empty file", "", "t.csv:1:1: empty file"},
      {"only a byte-order mark", "\xEF\xBB\xBF", "t.csv:1:1: empty file"},
      {"no id column", "a,b\n1,2\n",
       "t.csv:1:1: header has no 'data_row_id' column"},
      {"blank header", "\n", "t.csv:1:1: empty column name"},
      {"empty header name", "data_row_id,,x\n",
       "t.csv:1:13: empty column name"},
      {"empty quoted header name", "data_row_id,x,\"\"\n",
       "t.csv:1:15: empty column name"},
      {"duplicate header name", "data_row_id,tp,tp\n",
       "t.csv:1:16: duplicate column name 'tp'"},
      {"duplicate id column", "data_row_id,data_row_id\n",
       "t.csv:1:13: duplicate column name 'data_row_id'"},
      {"too few fields", "data_row_id,tp,fp\na,1,2\nb,1\n",
       "t.csv:3:4: row has 2 fields; the header has 3"},
      {"too few fields, crlf", "data_row_id,tp,fp\r\nb,1\r\n",
       "t.csv:2:4: row has 2 fields; the header has 3"},
      {"too few fields at end of text", "data_row_id,tp,fp\nb,1",
       "t.csv:2:4: row has 2 fields; the header has 3"},
      {"too many fields", "data_row_id,tp\na,1,2,3\n",
       "t.csv:2:5: row has 4 fields; the header has 2"},
      {"too many fields after a quoted one", "data_row_id,tp\na,\"1\",2\n",
       "t.csv:2:7: row has 3 fields; the header has 2"},
      {"blank line", "data_row_id,tp\na,1\n\nb,2\n",
       "t.csv:3:1: row has 1 field; the header has 2"},
      {"trailing blank line", "data_row_id,tp\na,1\n\n",
       "t.csv:3:1: row has 1 field; the header has 2"},
      {"text in an int column", "data_row_id,fp\na,abc\n",
       "t.csv:2:3: column 'fp': 'abc' is not an integer"},
      {"fraction in an int column", "data_row_id,tp\na,1.5\n",
       "t.csv:2:3: column 'tp': '1.5' is not an integer"},
      {"nan in an int column", "data_row_id,tn\na,nan\n",
       "t.csv:2:3: column 'tn': 'nan' is not an integer"},
      {"space in an int column", "data_row_id,tn\na, 5\n",
       "t.csv:2:3: column 'tn': ' 5' is not an integer"},
      {"double sign", "data_row_id,tn\na,+-5\n",
       "t.csv:2:3: column 'tn': '+-5' is not an integer"},
      {"big integral float in an int column", "data_row_id,tn\na,1e300\n",
       "t.csv:2:3: column 'tn': '1e300' is not an integer"},
      {"int above int64", "data_row_id,tp\na,9223372036854775808\n",
       "t.csv:2:3: column 'tp': '9223372036854775808' is out of the int64 "
       "range"},
      {"int below int64", "data_row_id,tp\na,-9223372036854775809\n",
       "t.csv:2:3: column 'tp': '-9223372036854775809' is out of the int64 "
       "range"},
      {"inferred int out of range",
       "data_row_id,n\na,1\nb,99999999999999999999\n",
       "t.csv:3:3: column 'n': '99999999999999999999' is out of the int64 "
       "range"},
      {"text in a float column", "data_row_id,iou\na,0.5\nb,high\n",
       "t.csv:3:3: column 'iou': 'high' is not a number"},
      {"hex in a float column", "data_row_id,iou\na,0x10\n",
       "t.csv:2:3: column 'iou': '0x10' is not a number"},
      {"nan in a float column", "data_row_id,iou\na,nan\n",
       "t.csv:2:3: column 'iou': 'nan' is not a finite number"},
      {"NaN in a float column", "data_row_id,recall\na,NaN\n",
       "t.csv:2:3: column 'recall': 'NaN' is not a finite number"},
      {"inf in a float column", "data_row_id,f1\na,inf\n",
       "t.csv:2:3: column 'f1': 'inf' is not a finite number"},
      {"-Infinity in a float column", "data_row_id,confidence\na,-Infinity\n",
       "t.csv:2:3: column 'confidence': '-Infinity' is not a finite number"},
      {"float above float32", "data_row_id,iou\na,1e39\n",
       "t.csv:2:3: column 'iou': '1e39' is out of the float32 range"},
      {"float just above float32", "data_row_id,iou\na,-3.5e38\n",
       "t.csv:2:3: column 'iou': '-3.5e38' is out of the float32 range"},
      {"float above double", "data_row_id,iou\na,1e999\n",
       "t.csv:2:3: column 'iou': '1e999' is out of the float32 range"},
      {"inferred float out of range", "data_row_id,score\na,0.5\nb,1e39\n",
       "t.csv:3:3: column 'score': '1e39' is out of the float32 range"},
      {"empty id", "data_row_id,tp\na,1\n,2\n",
       "t.csv:3:1: column 'data_row_id': empty id"},
      {"empty quoted id", "tp,data_row_id\n2,\"\"\n",
       "t.csv:2:3: column 'data_row_id': empty id"},
      {"duplicate id", "data_row_id\na\nb\nc\nb\n",
       "t.csv:5:1: column 'data_row_id': duplicate id 'b' (first on line 3)"},
      {"unterminated quote", "data_row_id,label\na,\"abc\nb,d\n",
       "t.csv:2:3: unterminated quoted field"},
      {"unterminated quote in header", "data_row_id,\"label\n",
       "t.csv:1:13: unterminated quoted field"},
      {"text after closing quote", "data_row_id,label\na,\"abc\"d\n",
       "t.csv:2:8: unexpected text after closing quote"},
      {"space after closing quote", "data_row_id,label\n\"a\" ,b\n",
       "t.csv:2:4: unexpected text after closing quote"},
      {"error after a multi-line field",
       "data_row_id,note,tp\na,\"x\ny\nz\",zz\n",
       "t.csv:4:4: column 'tp': 'zz' is not an integer"},
      {"crlf line counting", "data_row_id,tp\r\na,1\r\nb,x\r\n",
       "t.csv:3:3: column 'tp': 'x' is not an integer"},
      {"long value shortened", "data_row_id,tp\na," + long_value + "\n",
       "t.csv:2:3: column 'tp': '" + std::string(40, 'x') +
           "...' is not an integer"},
      {"unprintable bytes escaped", "data_row_id,tp\na,\x01'\n",
       "t.csv:2:3: column 'tp': '\\x01\\'' is not an integer"},
      {"line break and backslash escaped", "data_row_id,tp\na,\"x\ny\\\"\n",
       "t.csv:2:3: column 'tp': 'x\\x0ay\\\\' is not an integer"},
      {"quoted value unescaped", "data_row_id,tp\na,\"1\"\"2\"\n",
       "t.csv:2:3: column 'tp': '1\"2' is not an integer"},
      {"first error in file order wins",
       "data_row_id,tp,label\na,x,1\nb,1\nc,2,\"\n",
       "t.csv:2:3: column 'tp': 'x' is not an integer"},
  };
  for (const ErrorCase& c : cases) {
    EXPECT_EQ(ErrorOf(c.text), c.message) << c.name;
  }
}

TEST(ReadCsvTest, DuplicateIdAcrossBatchesNamesBothLines) {
  std::string text = "data_row_id,tp\n";
  for (int i = 0; i < 70000; ++i) absl::StrAppend(&text, "id", i, ",1\n");
  absl::StrAppend(&text, "id5,2\n");
  EXPECT_EQ(ErrorOf(text),
            "t.csv:70002:1: column 'data_row_id': duplicate id 'id5' (first "
            "on line 7)");
}

TEST(ReadCsvTest, DuplicateIdWithinALaterBatch) {
  std::string text = "data_row_id\n";
  for (int i = 0; i < 70000; ++i) absl::StrAppend(&text, "id", i, "\n");
  absl::StrAppend(&text, "x\n\"x\"\n");
  EXPECT_EQ(ErrorOf(text),
            "t.csv:70003:1: column 'data_row_id': duplicate id 'x' (first on "
            "line 70002)");
}

TEST(ReadCsvTest, DuplicateIdBeforeABadRecordIsReportedFirst) {
  EXPECT_EQ(ErrorOf("data_row_id,tp\na,1\nb,2\na,3\nc,x\n"),
            "t.csv:4:1: column 'data_row_id': duplicate id 'a' (first on "
            "line 2)");
  // Also when the first row is in an earlier batch.
  std::string text = "data_row_id,tp\n";
  for (int i = 0; i < 70000; ++i) absl::StrAppend(&text, "id", i, ",1\n");
  absl::StrAppend(&text, "id3,1\nzz,\"\n");
  EXPECT_EQ(ErrorOf(text),
            "t.csv:70002:1: column 'data_row_id': duplicate id 'id3' (first "
            "on line 5)");
}

// Large inputs are parsed on a second thread while the caller appends; the
// results and errors must not change.
std::string BigCsv(int rows) {
  std::string text = "data_row_id,tp,note\n";
  for (int i = 0; i < rows; ++i) {
    absl::StrAppend(&text, "row-", i, ",", i % 5,
                    ",\"padding padding padding, padding\"\n");
  }
  return text;
}

TEST(ReadCsvTest, LargeInputLoadsCompletely) {
  constexpr int kRows = 300000;  // ~15 MB
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, Read(BigCsv(kRows)));
  ASSERT_EQ(table.num_rows(), static_cast<size_t>(kRows));
  EXPECT_EQ(TypeOf(table, "note"), ColumnType::kCategorical);
  for (int i : {0, 65535, 65536, 200001, kRows - 1}) {
    EXPECT_EQ(table.RowId(i).value(), absl::StrCat("row-", i));
    EXPECT_THAT(table.GetInt(i, Col(table, "tp")).value(), Optional(i % 5));
  }
  EXPECT_THAT(table.GetString(kRows - 1, Col(table, "note")).value(),
              OptStr("padding padding padding, padding"));
}

TEST(ReadCsvTest, LargeInputReportsTheFirstError) {
  const std::string big = BigCsv(300000);
  // A bad value near the end.
  EXPECT_EQ(ErrorOf(big + "x,1,y\nz,bad,y\n"),
            "t.csv:300003:3: column 'tp': 'bad' is not an integer");
  // A ragged row near the end.
  EXPECT_EQ(ErrorOf(big + "x,1\n"),
            "t.csv:300002:4: row has 2 fields; the header has 3");
  // A duplicate of an early id, then a bad value: the duplicate comes first.
  EXPECT_EQ(ErrorOf(big + "row-7,1,y\nz,bad,y\n"),
            "t.csv:300002:1: column 'data_row_id': duplicate id 'row-7' "
            "(first on line 9)");
  // A duplicate in the middle: appending stops while parsing runs ahead.
  std::string middle = big;
  middle.replace(middle.find("row-100000,"), 11, "row-5,");
  EXPECT_EQ(ErrorOf(middle),
            "t.csv:100002:1: column 'data_row_id': duplicate id 'row-5' "
            "(first on line 7)");
  // An error in the first batch stops the load early.
  std::string early = big;
  early.replace(early.find("row-10,"), 7, "row-10,q");
  EXPECT_EQ(ErrorOf(early), "t.csv:12:8: column 'tp': 'q0' is not an integer");
}

TEST(ReadCsvTest, UsesTheSourceName) {
  EXPECT_THAT(ReadCsv("data_row_id,tp\na,b\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "<input>:2:3: column 'tp': 'b' is not an integer"));
  EXPECT_THAT(ReadCsv("", "metrics.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "metrics.csv:1:1: empty file"));
}

TEST(ReadCsvTest, RejectsAHeaderWithTooManyColumns) {
  std::string text = "data_row_id";
  for (int i = 0; i < 70000; ++i) absl::StrAppend(&text, ",c", i);
  EXPECT_THAT(ErrorOf(text), HasSubstr("more than 65536 columns"));
}

TEST(ReadCsvTest, SurvivesMalformedInput) {
  // Every prefix of a tricky file either loads or fails cleanly.
  const std::string text =
      "data_row_id,\"a\"\"b\",tp,iou\r\n\"r1\",\"x,\ny\",1,0.5\r\nr2,,,\r\n"
      "\"r\"\"3\",\"\"\"\",-2,1e-3\n";
  for (size_t n = 0; n <= text.size(); ++n) {
    absl::StatusOr<Table> table = Read(text.substr(0, n));
    if (!table.ok()) {
      EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(table.status().message()),
                  ::testing::StartsWith("t.csv:"));
    }
  }
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, Read(text));
  EXPECT_EQ(table.num_rows(), 3u);
}

class TempFile {
 public:
  explicit TempFile(absl::string_view contents) {
    static int counter = 0;
    path_ = absl::StrCat(::testing::TempDir(), "/csv_test_", getpid(), "_",
                         counter++, ".csv");
    std::ofstream(path_, std::ios::binary)
        << std::string(contents.data(), contents.size());
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ReadCsvFileTest, ReadsAFileAndNamesItInErrors) {
  TempFile good("data_row_id,tp\na,1\nb,2\n");
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table, ReadCsvFile(good.path()));
  EXPECT_EQ(table.num_rows(), 2u);
  EXPECT_THAT(table.GetInt(1, Col(table, "tp")).value(), Optional(2));

  TempFile bad("data_row_id,tp\na,1\nb\n");
  EXPECT_THAT(ReadCsvFile(bad.path()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       bad.path() + ":3:2: row has 1 field; the header has 2"));
}

TEST(ReadCsvFileTest, MissingFileIsNotFound) {
  const std::string path = ::testing::TempDir() + "/no/such/file.csv";
  EXPECT_THAT(ReadCsvFile(path),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("cannot open '" + path + "'")));
}

TEST(ReadCsvFileTest, DirectoryIsAnError) {
  absl::StatusOr<Table> table = ReadCsvFile(::testing::TempDir());
  EXPECT_FALSE(table.ok());
  EXPECT_THAT(std::string(table.status().message()),
              HasSubstr(::testing::TempDir()));
}

// The generator.

std::string GenerateCsv(uint64_t rows, uint64_t seed) {
  std::ostringstream out;
  examples::WriteMetricsCsv(rows, seed, out);
  EXPECT_TRUE(out.good());
  return out.str();
}

// FNV-1a, 64 bits.
uint64_t Fingerprint(absl::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash = (hash ^ c) * 0x100000001b3ULL;
  }
  return hash;
}

TEST(MetricsGeneratorTest, MatchesThePeerGeneratorByteForByte) {
  // Output of ../shared/peer/gen_metrics.cc (`gen_metrics 5 42`).
  EXPECT_EQ(GenerateCsv(5, 42),
            "data_row_id,dataset,split,tp,fp,fn,tn,precision,recall,f1,iou,"
            "confidence\n"
            "dr-00000001,ds0,val,1,0,0,4,1.000000,1.000000,1.000000,0.0190155,"
            "0.2703775\n"
            "dr-00000002,ds0,train,6,0,0,3,1.000000,1.000000,1.000000,"
            "0.5133965,0.6651595\n"
            "dr-00000003,ds6,train,0,0,0,1,,,,0.9573255,0.5998165\n"
            "dr-00000004,ds0,train,2,0,1,1,1.000000,0.666667,0.800000,"
            "0.9419275,0.2581155\n"
            "dr-00000005,ds1,train,5,1,2,4,0.833333,0.714286,0.769231,"
            "0.9513605,0.7612055\n");
  // `gen_metrics 100000 42`: 7287009 bytes, FNV-1a 0x4c908692b891253d.
  const std::string big = GenerateCsv(100000, 42);
  EXPECT_EQ(big.size(), 7287009u);
  EXPECT_EQ(Fingerprint(big), 0x4c908692b891253dULL);
  // Rows 122 (NULL iou) and 70 (iou exactly 0) of that output.
  EXPECT_THAT(big, HasSubstr("\ndr-00000122,ds2,train,0,0,1,11,,0.000000,"
                             "0.000000,,0.2348895\n"));
  EXPECT_THAT(big,
              HasSubstr("\ndr-00000070,ds0,train,0,0,0,0,,,,0,0.7122405\n"));
}

TEST(MetricsGeneratorTest, IsDeterministicInRowsAndSeed) {
  const std::string a = GenerateCsv(2000, 7);
  EXPECT_EQ(a, GenerateCsv(2000, 7));
  EXPECT_NE(a, GenerateCsv(2000, 8));
  // A shorter run is a prefix of a longer one with the same seed.
  const std::string b = GenerateCsv(1000, 7);
  EXPECT_EQ(a.substr(0, b.size()), b);
  EXPECT_EQ(GenerateCsv(0, 7), std::string(examples::kMetricsCsvHeader) + "\n");
}

TEST(MetricsGeneratorTest, FileAndStreamOutputsAgree) {
  const std::string path =
      absl::StrCat(::testing::TempDir(), "/gen_", getpid(), ".csv");
  std::FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  EXPECT_THAT(examples::WriteMetricsCsv(3000, 11, file), IsOk());
  std::fclose(file);
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  std::remove(path.c_str());
  EXPECT_EQ(contents.str(), GenerateCsv(3000, 11));
}

class GeneratedTableTest : public ::testing::TestWithParam<uint64_t> {};

// 20,000 rows load on one thread; 150,000 (~11 MB) on two.
INSTANTIATE_TEST_SUITE_P(Sizes, GeneratedTableTest,
                         ::testing::Values(20000, 150000));

TEST_P(GeneratedTableTest, EqualsTheLoadedCsv) {
  const uint64_t kRows = GetParam();
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table loaded,
      Read(GenerateCsv(kRows, 3), {.table = {.chunk_rows = 4096}}));
  SLICEKIT_ASSERT_OK_AND_ASSIGN(
      Table built,
      examples::GenerateMetricsTable(kRows, 3, {.chunk_rows = 4096}));
  ASSERT_EQ(loaded.schema(), built.schema());
  ASSERT_EQ(built.schema(), examples::MetricsSchema());
  ASSERT_EQ(loaded.num_rows(), kRows);
  ASSERT_EQ(built.num_rows(), kRows);
  EXPECT_EQ(built.options().chunk_rows, 4096u);
  const Schema& schema = built.schema();
  for (RowIndex row = 0; row < kRows; ++row) {
    ASSERT_EQ(loaded.RowId(row).value(), built.RowId(row).value());
    for (int c = 0; c < schema.num_columns(); ++c) {
      switch (schema.column(c).type) {
        case ColumnType::kFloat:
          ASSERT_EQ(loaded.GetFloat(row, c).value(),
                    built.GetFloat(row, c).value())
              << "row " << row << " column " << schema.column(c).name;
          break;
        case ColumnType::kInt:
          ASSERT_EQ(loaded.GetInt(row, c).value(), built.GetInt(row, c).value())
              << "row " << row << " column " << schema.column(c).name;
          break;
        case ColumnType::kCategorical:
        case ColumnType::kId:
          ASSERT_EQ(loaded.GetString(row, c).value(),
                    built.GetString(row, c).value())
              << "row " << row << " column " << schema.column(c).name;
          break;
      }
    }
  }
}

TEST(MetricsGeneratorTest, GridValuesConvertLikeDecimalText) {
  // The generator turns k/1e6 and (10k+5)/1e7 into float32 by one double
  // division; that must equal parsing the printed decimal.
  for (uint64_t k = 0; k <= 1000000; ++k) {
    const std::string six =
        absl::StrFormat("%d.%06d", k / 1000000, k % 1000000);
    float parsed = 0;
    std::from_chars(six.data(), six.data() + six.size(), parsed);
    ASSERT_EQ(static_cast<float>(static_cast<double>(k) / 1e6), parsed) << six;
    if (k == 1000000) break;
    const uint64_t half = 10 * k + 5;
    const std::string seven =
        absl::StrFormat("%d.%07d", half / 10000000, half % 10000000);
    std::from_chars(seven.data(), seven.data() + seven.size(), parsed);
    ASSERT_EQ(static_cast<float>(static_cast<double>(half) / 1e7), parsed)
        << seven;
  }
}

TEST(MetricsGeneratorTest, FollowsTheDocumentedDistribution) {
  constexpr uint64_t kRows = 200000;
  SLICEKIT_ASSERT_OK_AND_ASSIGN(Table table,
                                examples::GenerateMetricsTable(kRows, 99));
  ASSERT_EQ(table.num_rows(), kRows);
  const int dataset = Col(table, "dataset");
  const int split = Col(table, "split");
  const int tp = Col(table, "tp"), fp = Col(table, "fp"), fn = Col(table, "fn");
  const int tn = Col(table, "tn");
  const int precision = Col(table, "precision");
  const int recall = Col(table, "recall");
  const int f1 = Col(table, "f1");
  const int iou = Col(table, "iou");
  const int confidence = Col(table, "confidence");

  std::map<std::string, int> datasets, splits;
  int fp_positive = 0, iou_null = 0, iou_zero = 0, confidence_high = 0;
  double tp_sum = 0;
  for (RowIndex row = 0; row < kRows; ++row) {
    ASSERT_EQ(table.RowId(row).value(), absl::StrFormat("dr-%08d", row + 1));
    ++datasets[std::string(*table.GetString(row, dataset).value())];
    ++splits[std::string(*table.GetString(row, split).value())];
    const int64_t t = *table.GetInt(row, tp).value(),
                  p = *table.GetInt(row, fp).value();
    const int64_t n = *table.GetInt(row, fn).value(),
                  negatives = *table.GetInt(row, tn).value();
    for (int64_t count : {t, p, n, negatives}) {
      ASSERT_GE(count, 0);
      ASSERT_LE(count, 20);
    }
    tp_sum += t;
    fp_positive += p >= 1;
    ASSERT_EQ(table.GetFloat(row, precision).value().has_value(), t + p > 0);
    ASSERT_EQ(table.GetFloat(row, recall).value().has_value(), t + n > 0);
    ASSERT_EQ(table.GetFloat(row, f1).value().has_value(), t + p + n > 0);
    if (t + p > 0) {
      EXPECT_NEAR(*table.GetFloat(row, precision).value(),
                  static_cast<double>(t) / (t + p), 5e-7);
    }
    if (t + p + n > 0) {
      EXPECT_NEAR(*table.GetFloat(row, f1).value(), 2.0 * t / (2.0 * t + p + n),
                  5e-7);
    }
    const std::optional<float> i = table.GetFloat(row, iou).value();
    if (!i) {
      ++iou_null;
    } else {
      iou_zero += *i == 0;
      ASSERT_GE(*i, 0.0f);
      ASSERT_LT(*i, 1.0f);
    }
    const std::optional<float> c = table.GetFloat(row, confidence).value();
    ASSERT_TRUE(c.has_value());
    ASSERT_GT(*c, 0.0f);
    ASSERT_LT(*c, 1.0f);
    confidence_high += *c >= 0.5f;
  }
  const double rows = kRows;
  // ds_i has weight (1/(i+1)) / H_8, H_8 = 761/280.
  ASSERT_EQ(datasets.size(), 8u);
  for (int d = 0; d < 8; ++d) {
    EXPECT_NEAR(datasets[absl::StrCat("ds", d)] / rows, 280.0 / 761.0 / (d + 1),
                0.005)
        << d;
  }
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_NEAR(splits["train"] / rows, 0.70, 0.005);
  EXPECT_NEAR(splits["val"] / rows, 0.15, 0.005);
  EXPECT_NEAR(splits["test"] / rows, 0.15, 0.005);
  EXPECT_NEAR(fp_positive / rows, 0.30, 0.005);
  EXPECT_NEAR(iou_null / rows, 0.02, 0.002);
  EXPECT_NEAR(iou_zero / rows, 0.03, 0.002);
  EXPECT_NEAR(tp_sum / rows, 3.0, 0.05);
  // 65% max of three uniforms (P(>= .5) = 7/8) + 35% uniform (1/2).
  EXPECT_NEAR(confidence_high / rows, 0.65 * 0.875 + 0.35 * 0.5, 0.005);
}

TEST(MetricsGeneratorTest, PassesTableErrorsOn) {
  EXPECT_FALSE(examples::GenerateMetricsTable(10, 1, {.chunk_rows = 100}).ok());
}

}  // namespace
}  // namespace slicekit

namespace slicekit {
namespace {

TEST(StandardColumnTypeTest, ListsTheStandardColumnsInHeaderOrder) {
  std::vector<std::string> names;
  for (const ColumnSpec& spec : StandardColumns()) {
    names.push_back(spec.name);
    EXPECT_EQ(StandardColumnType(spec.name), spec.type) << spec.name;
  }
  EXPECT_EQ(absl::StrJoin(names, ","), examples::kMetricsCsvHeader);
}

}  // namespace
}  // namespace slicekit
