// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The CLI's text output cannot be forged by what it prints: names,
// descriptions, filters, actors, table names and ids holding a newline, a
// tab or a terminal escape come out escaped (TextField), one line and one
// column each; ordinary text is printed as it is. Plus TextField itself:
// property tests on random bytes (safe, invertible, identity on plain
// text). tests/fuzz/text_field_fuzzer.cc fuzzes the same properties.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "examples/cli/text_field.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/run_program.h"

namespace slicekit {
namespace {

using ::slicekit::cli::ParseTextField;
using ::slicekit::cli::Printable;
using ::slicekit::cli::TextField;
using ::slicekit::testing::RunProgram;
using ::slicekit::testing::RunResult;
using ::slicekit::testing::TempPath;
using ::testing::HasSubstr;
using ::testing::Not;

// No byte that ends a line, separates a column or starts an escape.
bool Safe(const std::string& text) {
  for (const unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return text.find("\xc2\x85") == std::string::npos &&      // NEL
         text.find("\xe2\x80\xae") == std::string::npos &&  // RLO
         text.find("\xe2\x80\xa8") == std::string::npos;    // LS
}

TEST(TextFieldTest, PlainTextIsUnchanged) {
  for (const char* text :
       {"", "dr-00000001", "Confident FPs", "Ärger über Ü", "C:\\images\\1.jpg",
        "a \"quote\" inside", "emoji 👩‍👩‍👧",
        "tp >= 1 AND dataset = 'x'"}) {
    EXPECT_EQ(TextField(text), text);
    EXPECT_EQ(ParseTextField(text), text);
  }
}

TEST(TextFieldTest, UnsafeTextIsQuotedAndEscaped) {
  const struct {
    std::string in;
    std::string out;
  } cases[] = {
      {"a\nb", R"("a\nb")"},
      {"a\tb\r", R"("a\tb\r")"},
      {"red \x1b[31m", R"("red \x1b[31m")"},
      {"\"quoted", R"("\"quoted")"},
      {"back\\slash\n", R"("back\\slash\n")"},
      {"M\xfc"
       "nchen",
       R"("M\xfcnchen")"},
      {"nel\xc2\x85", R"("nel\u{0085}")"},
      {"rlo\xe2\x80\xae", R"("rlo\u{202e}")"},
      {std::string("nul\0x", 5), R"("nul\x00x")"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(TextField(c.in), c.out);
    EXPECT_EQ(ParseTextField(c.out), c.in);
  }
  // Messages: escaped in place, nothing quoted.
  EXPECT_EQ(Printable("no slice \"a\nb\" here"), R"(no slice "a\nb" here)");
  EXPECT_EQ(Printable("plain"), "plain");
}

TEST(TextFieldTest, RandomBytesComeOutSafeAndReadBack) {
  std::mt19937_64 rng(11);
  const std::string alphabet[] = {"a",        "\n",           "\t",   "\"",
                                  "\\",       "\x1b",         "\xff", "\xc3",
                                  "\xc3\xa9", "\xe2\x80\xae", "x",    " ",
                                  "\x7f",     "\xc2\x85",     "u{"};
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      text += rng() % 3 == 0 ? std::string(1, static_cast<char>(rng()))
                             : alphabet[rng() % std::size(alphabet)];
    }
    const std::string field = TextField(text);
    ASSERT_TRUE(Safe(field)) << field;
    ASSERT_EQ(ParseTextField(field), text) << field;
    ASSERT_TRUE(Safe(Printable(text)));
  }
  // Not every string is a field TextField makes.
  for (const char* bad : {"\"unterminated", "\"a\\q\"", "\"a\"b\"", "a\nb",
                          "\"\\x4\"", "\"\\u{110000}\""}) {
    EXPECT_EQ(ParseTextField(bad), std::nullopt) << bad;
  }
}

const std::string kCli = SLICEKIT_CLI_PATH;

RunResult Slice(const std::string& store, std::vector<std::string> args) {
  args.insert(args.begin(), {"slice", "--store", store, "--org", "acme"});
  return RunProgram(kCli, args);
}

// Every column of a tab-separated line is Safe.
bool SafeColumns(const std::string& line) {
  for (const absl::string_view column : absl::StrSplit(line, '\t')) {
    if (!Safe(std::string(column))) return false;
  }
  return true;
}

std::vector<std::string> Lines(const std::string& out) {
  std::vector<std::string> lines = absl::StrSplit(out, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

TEST(CliTextOutputTest, StoredTextCannotForgeLinesOrColumns) {
  const std::string store = TempPath("forge.db");
  const std::string where =
      "dataset = 'x\nsl_0000000000000000\tfake-slice\tv9\tTRUE\t'";
  const std::string description = "x\nv99\tcreated\t2026\tmallory\x1b[31m";
  RunResult r = Slice(
      store, {"create", "--name", "Forge", "--where", where, "--description",
              description, "--actor", "eve\tv1\x1b]0;title\x07"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Slice(store, {"create", "--name", "Plain", "--where", "fp >= 1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // list: one line per slice, five columns each.
  r = Slice(store, {"list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  for (const std::string& line : lines) {
    EXPECT_EQ(std::vector<std::string>(absl::StrSplit(line, '\t')).size(), 5u)
        << line;
    EXPECT_TRUE(SafeColumns(line)) << line;
  }
  EXPECT_THAT(r.out, HasSubstr(TextField(
                         "dataset = 'x\nsl_0000000000000000\tfake-slice\tv9\t"
                         "TRUE\t'")));
  EXPECT_THAT(r.out, HasSubstr("\tPlain\tv1\tfp >= 1\t"));  // unchanged

  // history: one version, eight columns; the actor and description escaped.
  r = Slice(store, {"history", "Forge"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(lines[0], '\t')).size(),
            8u);
  EXPECT_TRUE(SafeColumns(lines[0]));
  EXPECT_THAT(lines[0], HasSubstr(TextField(description)));

  // show: key: value lines only.
  r = Slice(store, {"show", "Forge"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  lines = Lines(r.out);
  EXPECT_EQ(lines.size(), 8u) << r.out;
  for (const std::string& line : lines) EXPECT_TRUE(Safe(line)) << line;

  // Errors quoting what was typed: escaped too.
  r = Slice(store, {"show", "no\x1b[2Jsuch\nslice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Safe(r.err.substr(0, r.err.size() - 1))) << r.err;
  EXPECT_THAT(r.err, HasSubstr("no\\x1b[2Jsuch\\nslice"));
}

TEST(CliTextOutputTest, IdsWithControlCharactersPrintOnePerLine) {
  // A CSV may quote a newline into an id.
  const std::string csv = TempPath("ids.csv");
  {
    std::FILE* f = std::fopen(csv.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("data_row_id,fp\n\"a\nfake\",1\nplain,1\n\"tab\there\",0\n", f);
    std::fclose(f);
  }
  const RunResult r =
      RunProgram(kCli, {"query", "--table", csv, "--where", "fp >= 0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"a\\nfake\"\nplain\n\"tab\\there\"\n");
  for (const std::string& line : Lines(r.out)) {
    EXPECT_EQ(ParseTextField(line).has_value(), true) << line;
  }
  EXPECT_THAT(r.out, Not(HasSubstr("\t")));
}

}  // namespace
}  // namespace slicekit
