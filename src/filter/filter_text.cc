// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The filter language: a lexer, a recursive-descent parser over the EBNF in
// docs/filter-language.md, and the canonical printer. The printer lives here
// (not in expr.cc) because it must quote exactly what the lexer would
// otherwise read differently: keywords, non-identifier names, quotes.
#include "slicekit/filter_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "src/filter/number_literal.h"
#include "src/util/status_macros.h"
#include "src/util/utf8_text.h"

namespace slicekit {
namespace {

// ---------------------------------------------------------------------------
// Lexical rules shared by the lexer and the printer.

enum class Keyword {
  kNone,
  kAnd,
  kOr,
  kNot,
  kBetween,
  kIn,
  kIs,
  kNull,
  kTrue,
  kFalse,
};

struct KeywordName {
  absl::string_view text;
  Keyword keyword;
};

constexpr KeywordName kKeywords[] = {
    {"AND", Keyword::kAnd},     {"OR", Keyword::kOr},
    {"NOT", Keyword::kNot},     {"BETWEEN", Keyword::kBetween},
    {"IN", Keyword::kIn},       {"IS", Keyword::kIs},
    {"NULL", Keyword::kNull},   {"TRUE", Keyword::kTrue},
    {"FALSE", Keyword::kFalse},
};

// Returns the keyword `word` spells, ignoring ASCII case, or kNone.
Keyword LookupKeyword(absl::string_view word) {
  if (word.size() > 7) return Keyword::kNone;
  for (const KeywordName& k : kKeywords) {
    if (absl::EqualsIgnoreCase(word, k.text)) return k.keyword;
  }
  return Keyword::kNone;
}

bool IsIdentStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// True if `name` can be printed without quotes: it lexes as one identifier
// that is not a keyword.
bool IsBareName(absl::string_view name) {
  if (name.empty() || !IsIdentStart(name[0])) return false;
  for (char c : name) {
    if (!IsIdentChar(c)) return false;
  }
  return LookupKeyword(name) == Keyword::kNone;
}

// Appends `text` between `quote` characters, doubling each `quote` inside.
void AppendQuoted(absl::string_view text, char quote, std::string* out) {
  out->push_back(quote);
  for (char c : text) {
    if (c == quote) out->push_back(quote);
    out->push_back(c);
  }
  out->push_back(quote);
}

// ---------------------------------------------------------------------------
// Numbers

// The parts of a number literal `[-] digits [. digits] [(e|E) [+|-] digits]`.
struct NumberParts {
  bool negative = false;
  absl::string_view int_digits;
  absl::string_view frac_digits;
  bool exp_negative = false;
  absl::string_view exp_digits;
};

// Splits `text` into NumberParts; nullopt if it is not exactly a number.
std::optional<NumberParts> SplitNumber(absl::string_view text) {
  NumberParts parts;
  size_t i = 0;
  auto digits = [&]() {
    const size_t start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    return text.substr(start, i - start);
  };
  if (i < text.size() && text[i] == '-') {
    parts.negative = true;
    ++i;
  }
  parts.int_digits = digits();
  if (parts.int_digits.empty()) return std::nullopt;
  if (i < text.size() && text[i] == '.') {
    ++i;
    parts.frac_digits = digits();
    if (parts.frac_digits.empty()) return std::nullopt;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      parts.exp_negative = text[i] == '-';
      ++i;
    }
    parts.exp_digits = digits();
    if (parts.exp_digits.empty()) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  return parts;
}

// Converts a number literal. A number whose exact decimal value is an integer
// in the int64 range becomes that integer, however it is written ("10.0",
// "1e1", "-9223372036854775808"). Anything else is rounded once to the
// nearest double (std::from_chars), which Literal(double) then normalizes;
// beyond the double range it becomes +-infinity, below it +-0.
Literal NumberFromParts(absl::string_view text, const NumberParts& parts) {
  // The significant digits, without leading or trailing zeros, times
  // 10^exponent.
  std::string digits = absl::StrCat(parts.int_digits, parts.frac_digits);
  int64_t exponent = -static_cast<int64_t>(parts.frac_digits.size());
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Literal(0);  // "-0", "0e999"
  const size_t last = digits.find_last_not_of('0');
  exponent += static_cast<int64_t>(digits.size() - 1 - last);
  digits = digits.substr(first, last - first + 1);
  // Saturate the written exponent: past 10^9 nothing changes the outcome
  // (the input is at most kMaxFilterInputBytes long).
  constexpr int64_t kExpCap = 1'000'000'000;
  int64_t written = 0;
  for (char c : parts.exp_digits) {
    written = std::min(kExpCap, written * 10 + (c - '0'));
  }
  exponent += parts.exp_negative ? -written : written;

  // 19 digits or fewer are below 10^19 < 2^64: exact in uint64.
  if (exponent >= 0 && static_cast<int64_t>(digits.size()) + exponent <= 19) {
    uint64_t magnitude = 0;
    for (char c : digits) magnitude = magnitude * 10 + (c - '0');
    for (int64_t e = 0; e < exponent; ++e) magnitude *= 10;
    constexpr uint64_t kMaxPositive = std::numeric_limits<int64_t>::max();
    if (!parts.negative && magnitude <= kMaxPositive) {
      return Literal(static_cast<int64_t>(magnitude));
    }
    if (parts.negative && magnitude <= kMaxPositive + 1) {
      // -magnitude computed in uint64 wraps to the two's complement value.
      return Literal(static_cast<int64_t>(0 - magnitude));
    }
  }

  double value = 0;
  const std::from_chars_result result =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec == std::errc::result_out_of_range) {
    // The decimal exponent of the leading digit tells overflow from
    // underflow.
    const int64_t magnitude_exp =
        exponent + static_cast<int64_t>(digits.size()) - 1;
    value = magnitude_exp > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    if (parts.negative) value = -value;
  }
  return Literal(value);
}

void AppendDouble(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("nan");
  } else if (std::isinf(value)) {
    // Out of the double range, so it reads back as the same infinity.
    out->append(value > 0 ? "1e999" : "-1e999");
  } else {
    char buffer[64];
    const std::to_chars_result result =
        std::to_chars(buffer, buffer + sizeof(buffer), value);
    out->append(buffer, result.ptr);
  }
}

void AppendLiteral(const Literal& literal, std::string* out) {
  switch (literal.kind()) {
    case Literal::Kind::kInt:
      absl::StrAppend(out, literal.int_value());
      break;
    case Literal::Kind::kDouble:
      AppendDouble(literal.double_value(), out);
      break;
    case Literal::Kind::kString:
      AppendQuoted(literal.string_value(), '\'', out);
      break;
  }
}

// ---------------------------------------------------------------------------
// Printer

void AppendColumn(const ColumnRef& column, std::string* out) {
  if (IsBareName(column.name)) {
    out->append(column.name);
  } else {
    AppendQuoted(column.name, '"', out);
  }
  if (column.class_name.has_value()) {
    out->push_back('[');
    if (IsBareName(*column.class_name)) {
      out->append(*column.class_name);
    } else {
      AppendQuoted(*column.class_name, '\'', out);
    }
    out->push_back(']');
  }
}

// The text names the slice; its id (if resolved) lives in the JSON form.
void AppendSliceRef(const SliceRef& ref, std::string* out) {
  out->append("IN SLICE ");
  AppendQuoted(ref.name, '\'', out);
}

void AppendExpr(const Expr& expr, std::string* out) {
  switch (expr.kind()) {
    case Expr::Kind::kTrue:
      out->append("TRUE");
      return;
    case Expr::Kind::kFalse:
      out->append("FALSE");
      return;
    case Expr::Kind::kCompare:
      AppendColumn(expr.column(), out);
      absl::StrAppend(out, " ", CompareOpSymbol(expr.op()), " ");
      AppendLiteral(expr.value(), out);
      return;
    case Expr::Kind::kBetween:
      AppendColumn(expr.column(), out);
      out->append(expr.negated() ? " NOT BETWEEN " : " BETWEEN ");
      AppendLiteral(expr.low(), out);
      out->append(" AND ");
      AppendLiteral(expr.high(), out);
      return;
    case Expr::Kind::kIn: {
      AppendColumn(expr.column(), out);
      out->append(expr.negated() ? " NOT IN (" : " IN (");
      bool first = true;
      for (const Literal& value : expr.values()) {
        if (!first) out->append(", ");
        first = false;
        AppendLiteral(value, out);
      }
      out->push_back(')');
      return;
    }
    case Expr::Kind::kIsNull:
      AppendColumn(expr.column(), out);
      out->append(expr.negated() ? " IS NOT NULL" : " IS NULL");
      return;
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      const bool is_and = expr.kind() == Expr::Kind::kAnd;
      bool first = true;
      for (const Expr& child : expr.children()) {
        if (!first) out->append(is_and ? " AND " : " OR ");
        first = false;
        // Only an OR under an AND needs parentheses: AND binds tighter, NOT
        // brings its own, and a flat tree has no AND under AND.
        const bool wrap = is_and && child.kind() == Expr::Kind::kOr;
        if (wrap) out->push_back('(');
        AppendExpr(child, out);
        if (wrap) out->push_back(')');
      }
      return;
    }
    case Expr::Kind::kNot:
      out->append("NOT (");
      AppendExpr(expr.children()[0], out);
      out->push_back(')');
      return;
    case Expr::Kind::kInSlice:
      AppendSliceRef(expr.slice(), out);
      return;
  }
}

// ---------------------------------------------------------------------------
// Lexer

enum class TokenType {
  kEnd,
  kWord,        // identifier or keyword
  kQuotedName,  // "double quoted"
  kString,      // 'single quoted'
  kNumber,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kCompareOp,
};

struct Token {
  TokenType type = TokenType::kEnd;
  size_t offset = 0;
  // The token as written.
  absl::string_view text;
  // kWord: the keyword it spells, if any.
  Keyword keyword = Keyword::kNone;
  // kCompareOp.
  CompareOp op = CompareOp::kEq;
  // kWord, kQuotedName, kString: the name or string with quotes undone.
  std::string value;

  bool Is(Keyword k) const { return type == TokenType::kWord && keyword == k; }
};

absl::Status ErrorAt(size_t offset, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("at ", offset, ": ", message));
}

// Quotes `text` for an error message, shortened if long (never inside a
// UTF-8 sequence) and escaped where a message could not carry it.
std::string Excerpt(absl::string_view text) {
  constexpr size_t kMaxExcerpt = 40;
  if (text.size() <= kMaxExcerpt) {
    return absl::StrCat("'", internal::EscapeForMessage(text), "'");
  }
  return absl::StrCat(
      "'", internal::EscapeForMessage(internal::Utf8Prefix(text, kMaxExcerpt)),
      "...'");
}

// Length of the UTF-8 sequence at the start of `text`, or 0 if invalid.
size_t Utf8SequenceLength(absl::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// Splits filter text into tokens on demand. The lexer is a position in the
// text, so copying it gives a lookahead.
class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}

  // Reads the next token into `*token`.
  absl::Status Next(Token* token) {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    *token = Token();
    token->offset = pos_;
    if (pos_ == text_.size()) return absl::OkStatus();
    const size_t start = pos_;
    const char c = text_[pos_];
    if (IsIdentStart(c)) {
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
      token->type = TokenType::kWord;
      token->text = text_.substr(start, pos_ - start);
      token->keyword = LookupKeyword(token->text);
      token->value = std::string(token->text);
      return absl::OkStatus();
    }
    if (c == '"' || c == '\'') return LexQuoted(c, token);
    if (c == '-' || IsDigit(c)) return LexNumber(token);
    auto single = [&](TokenType type) {
      token->type = type;
      token->text = text_.substr(start, 1);
      ++pos_;
      return absl::OkStatus();
    };
    auto compare = [&](CompareOp op, size_t length) {
      token->type = TokenType::kCompareOp;
      token->op = op;
      token->text = text_.substr(start, length);
      pos_ += length;
      return absl::OkStatus();
    };
    const bool next_is_eq = pos_ + 1 < text_.size() && text_[pos_ + 1] == '=';
    switch (c) {
      case '(':
        return single(TokenType::kLParen);
      case ')':
        return single(TokenType::kRParen);
      case '[':
        return single(TokenType::kLBracket);
      case ']':
        return single(TokenType::kRBracket);
      case ',':
        return single(TokenType::kComma);
      case '=':
        return compare(CompareOp::kEq, 1);
      case '<':
        return next_is_eq ? compare(CompareOp::kLe, 2)
                          : compare(CompareOp::kLt, 1);
      case '>':
        return next_is_eq ? compare(CompareOp::kGe, 2)
                          : compare(CompareOp::kGt, 1);
      case '!':
        if (next_is_eq) return compare(CompareOp::kNe, 2);
        return ErrorAt(start, "unexpected character '!' (not equal is '!=')");
      default:
        break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F) {
      return ErrorAt(start, absl::StrCat("unexpected character '",
                                         absl::string_view(&c, 1), "'"));
    }
    const size_t length = Utf8SequenceLength(text_.substr(start));
    if (length > 0) {
      return ErrorAt(start, absl::StrCat("unexpected character '",
                                         text_.substr(start, length), "'"));
    }
    return ErrorAt(start, absl::StrFormat("unexpected byte 0x%02X", byte));
  }

 private:
  // A name in double quotes or a string in single quotes; the quote doubled
  // stands for itself.
  absl::Status LexQuoted(char quote, Token* token) {
    const size_t start = pos_;
    ++pos_;
    std::string value;
    while (true) {
      const size_t close = text_.find(quote, pos_);
      if (close == absl::string_view::npos) {
        return ErrorAt(start, quote == '"' ? "unterminated quoted name"
                                           : "unterminated string");
      }
      value.append(text_.data() + pos_, close - pos_);
      pos_ = close + 1;
      if (pos_ < text_.size() && text_[pos_] == quote) {
        value.push_back(quote);
        ++pos_;
      } else {
        break;
      }
    }
    token->type = quote == '"' ? TokenType::kQuotedName : TokenType::kString;
    token->text = text_.substr(start, pos_ - start);
    token->value = std::move(value);
    return absl::OkStatus();
  }

  absl::Status LexNumber(Token* token) {
    const size_t start = pos_;
    auto digits = [&]() {
      const size_t from = pos_;
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
      return pos_ > from;
    };
    if (text_[pos_] == '-') {
      ++pos_;
      if (!digits()) return ErrorAt(pos_, "expected a digit after '-'");
    } else {
      digits();
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digits()) return ErrorAt(pos_, "expected a digit after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        ++pos_;
      }
      if (!digits()) return ErrorAt(pos_, "expected a digit in the exponent");
    }
    // Tokens need no space between them, so "1AND" is "1 AND". Any other
    // word or '.' glued to a number ("12abc", "1.2.3") can never parse:
    // report it as one malformed number rather than as a stray name.
    size_t end = pos_;
    while (end < text_.size() &&
           (IsIdentChar(text_[end]) || text_[end] == '.')) {
      ++end;
    }
    if (end > pos_ &&
        LookupKeyword(text_.substr(pos_, end - pos_)) == Keyword::kNone) {
      return ErrorAt(start,
                     absl::StrCat("malformed number ",
                                  Excerpt(text_.substr(start, end - start))));
    }
    token->type = TokenType::kNumber;
    token->text = text_.substr(start, pos_ - start);
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------
// Parser

// A parsed subtree and its depth: the most AND/OR/NOT nodes on a path from
// its root to a leaf.
struct Parsed {
  Expr expr;
  int depth = 0;
};

// Depth of an AND or OR over `children`, after flattening children of the
// same kind into it.
int JunctionDepth(Expr::Kind kind, const std::vector<Parsed>& children) {
  int deepest = 0;
  for (const Parsed& child : children) {
    deepest = std::max(
        deepest, child.expr.kind() == kind ? child.depth - 1 : child.depth);
  }
  return deepest + 1;
}

std::string DepthError() {
  return absl::StrCat("filter nested deeper than ", kMaxFilterDepth, " levels");
}

class Parser {
 public:
  explicit Parser(absl::string_view text) : lexer_(text) {}

  absl::StatusOr<Expr> Parse() {
    SLICEKIT_RETURN_IF_ERROR(Advance());
    if (token_.type == TokenType::kEnd) {
      return absl::InvalidArgumentError("empty filter");
    }
    absl::StatusOr<Parsed> parsed = ParseOr("");
    if (!parsed.ok()) return parsed.status();
    if (token_.type != TokenType::kEnd) {
      return ErrorAt(token_.offset,
                     absl::StrCat("unexpected ", Excerpt(token_.text),
                                  " after a complete filter"));
    }
    return std::move(parsed->expr);
  }

 private:
  absl::Status Advance() { return lexer_.Next(&token_); }

  // `after` names what came before, for messages: "AND", "'('", ...
  absl::StatusOr<Parsed> ParseOr(absl::string_view after) {
    const size_t start = token_.offset;
    absl::StatusOr<Parsed> first = ParseAnd(after);
    if (!first.ok() || !token_.Is(Keyword::kOr)) return first;
    std::vector<Parsed> children;
    children.push_back(*std::move(first));
    while (token_.Is(Keyword::kOr)) {
      SLICEKIT_RETURN_IF_ERROR(Advance());
      absl::StatusOr<Parsed> next = ParseAnd("OR");
      if (!next.ok()) return next.status();
      children.push_back(*std::move(next));
    }
    return Junction(Expr::Kind::kOr, std::move(children), start);
  }

  absl::StatusOr<Parsed> ParseAnd(absl::string_view after) {
    const size_t start = token_.offset;
    absl::StatusOr<Parsed> first = ParseNot(after);
    if (!first.ok() || !token_.Is(Keyword::kAnd)) return first;
    std::vector<Parsed> children;
    children.push_back(*std::move(first));
    while (token_.Is(Keyword::kAnd)) {
      SLICEKIT_RETURN_IF_ERROR(Advance());
      absl::StatusOr<Parsed> next = ParseNot("AND");
      if (!next.ok()) return next.status();
      children.push_back(*std::move(next));
    }
    return Junction(Expr::Kind::kAnd, std::move(children), start);
  }

  absl::StatusOr<Parsed> Junction(Expr::Kind kind, std::vector<Parsed> parts,
                                  size_t start) {
    const int depth = JunctionDepth(kind, parts);
    if (depth > kMaxFilterDepth) return ErrorAt(start, DepthError());
    std::vector<Expr> children;
    children.reserve(parts.size());
    for (Parsed& part : parts) children.push_back(std::move(part.expr));
    return Parsed{kind == Expr::Kind::kAnd ? Expr::And(std::move(children))
                                           : Expr::Or(std::move(children)),
                  depth};
  }

  // not_expr = "NOT" not_expr | primary. A loop rather than recursion, so a
  // long NOT chain costs no stack before the depth check stops it.
  absl::StatusOr<Parsed> ParseNot(absl::string_view after) {
    const size_t start = token_.offset;
    int nots = 0;
    while (token_.Is(Keyword::kNot) && !KeywordIsColumn()) {
      SLICEKIT_RETURN_IF_ERROR(Nest(token_.offset));
      ++nots;
      SLICEKIT_RETURN_IF_ERROR(Advance());
      after = "NOT";
    }
    absl::StatusOr<Parsed> parsed = ParsePrimary(after, nots > 0);
    nesting_ -= nots;
    if (!parsed.ok() || nots == 0) return parsed;
    if (parsed->depth + nots > kMaxFilterDepth) {
      return ErrorAt(start, DepthError());
    }
    for (int i = 0; i < nots; ++i) parsed->expr = Expr::Not(parsed->expr);
    parsed->depth += nots;
    return parsed;
  }

  // Counts one more level of NOT or '(' at `offset`.
  absl::Status Nest(size_t offset) {
    if (++nesting_ > kMaxFilterDepth) return ErrorAt(offset, DepthError());
    return absl::OkStatus();
  }

  // True if the keyword token_ is followed by what follows a column
  // ("in = 1", "null IS NULL"): then the keyword was meant as a name.
  bool KeywordIsColumn() const {
    Lexer lookahead = lexer_;
    Token next;
    if (!lookahead.Next(&next).ok()) return false;
    if (next.type == TokenType::kCompareOp ||
        next.type == TokenType::kLBracket) {
      return true;
    }
    // "NOT IN (1)" and "NOT IS NULL" read better as a missing column.
    return !token_.Is(Keyword::kNot) &&
           (next.Is(Keyword::kIs) || next.Is(Keyword::kIn) ||
            next.Is(Keyword::kBetween));
  }

  // True if the token after token_ is the word SLICE (any case). SLICE is
  // not a keyword: it only means something right after a leading IN, where
  // no column can stand, so columns named "slice" keep working.
  bool NextIsSliceWord() const {
    Lexer lookahead = lexer_;
    Token next;
    return lookahead.Next(&next).ok() && next.type == TokenType::kWord &&
           next.keyword == Keyword::kNone &&
           absl::EqualsIgnoreCase(next.text, "SLICE");
  }

  // "IN" "SLICE" string. token_ is IN.
  absl::StatusOr<Parsed> ParseInSlice() {
    SLICEKIT_RETURN_IF_ERROR(Advance());  // IN
    SLICEKIT_RETURN_IF_ERROR(Advance());  // SLICE
    if (token_.type != TokenType::kString) {
      std::string message =
          "expected the slice's name in single quotes after IN SLICE";
      if ((token_.type == TokenType::kWord &&
           token_.keyword == Keyword::kNone) ||
          token_.type == TokenType::kQuotedName) {
        std::string quoted;
        AppendQuoted(token_.value, '\'', &quoted);
        absl::StrAppend(&message, ": IN SLICE ",
                        internal::EscapeForMessage(quoted));
      }
      return ErrorAt(token_.offset, message);
    }
    SliceRef ref{std::move(token_.value), ""};
    SLICEKIT_RETURN_IF_ERROR(Advance());
    return Parsed{Expr::InSlice(std::move(ref)), 0};
  }

  absl::Status KeywordAsColumnError() const {
    return ErrorAt(token_.offset,
                   absl::StrCat(Excerpt(token_.text), " is a keyword; write \"",
                                token_.text, "\" to use it as a column name"));
  }

  absl::Status ExpectedFilterError(absl::string_view after) const {
    return ErrorAt(token_.offset,
                   absl::StrCat("expected a column name, '(', NOT, TRUE or "
                                "FALSE",
                                after.empty() ? "" : " after ", after));
  }

  // primary = "(" or_expr ")" | "TRUE" | "FALSE" | "IN" "SLICE" string
  //         | predicate. A '(' right
  // after NOT is part of that NOT's level (canonical text prints every NOT
  // as "NOT (...)").
  absl::StatusOr<Parsed> ParsePrimary(absl::string_view after, bool after_not) {
    switch (token_.type) {
      case TokenType::kLParen: {
        const size_t open = token_.offset;
        if (!after_not) SLICEKIT_RETURN_IF_ERROR(Nest(open));
        SLICEKIT_RETURN_IF_ERROR(Advance());
        absl::StatusOr<Parsed> inner = ParseOr("'('");
        if (!inner.ok()) return inner.status();
        if (token_.type != TokenType::kRParen) {
          return ErrorAt(token_.offset,
                         absl::StrCat("expected ')' to close '(' at ", open));
        }
        SLICEKIT_RETURN_IF_ERROR(Advance());
        if (!after_not) --nesting_;
        return inner;
      }
      case TokenType::kWord:
        if (token_.keyword == Keyword::kNone) break;
        if (KeywordIsColumn()) return KeywordAsColumnError();
        if (token_.keyword == Keyword::kIn && NextIsSliceWord()) {
          return ParseInSlice();
        }
        if (token_.keyword == Keyword::kTrue ||
            token_.keyword == Keyword::kFalse) {
          Parsed parsed{
              token_.keyword == Keyword::kTrue ? Expr::True() : Expr::False(),
              0};
          SLICEKIT_RETURN_IF_ERROR(Advance());
          return parsed;
        }
        return ExpectedFilterError(after);
      case TokenType::kQuotedName:
        break;
      default:
        return ExpectedFilterError(after);
    }
    absl::StatusOr<Expr> predicate = ParsePredicate();
    if (!predicate.ok()) return predicate.status();
    return Parsed{*std::move(predicate), 0};
  }

  // column = name [ "[" ( name | string ) "]" ]. token_ is the name.
  absl::StatusOr<ColumnRef> ParseColumn() {
    ColumnRef column;
    column.name = std::move(token_.value);
    SLICEKIT_RETURN_IF_ERROR(Advance());
    if (token_.type != TokenType::kLBracket) return column;
    SLICEKIT_RETURN_IF_ERROR(Advance());
    // Inside brackets a keyword is unambiguous, so it may stand bare.
    if (token_.type != TokenType::kWord &&
        token_.type != TokenType::kQuotedName &&
        token_.type != TokenType::kString) {
      return ErrorAt(token_.offset, "expected a class name after '['");
    }
    column.class_name = std::move(token_.value);
    SLICEKIT_RETURN_IF_ERROR(Advance());
    if (token_.type != TokenType::kRBracket) {
      return ErrorAt(token_.offset, "expected ']' after the class name");
    }
    SLICEKIT_RETURN_IF_ERROR(Advance());
    return column;
  }

  absl::StatusOr<Expr> ParsePredicate() {
    absl::StatusOr<ColumnRef> column = ParseColumn();
    if (!column.ok()) return column.status();
    if (token_.type == TokenType::kCompareOp) {
      const CompareOp op = token_.op;
      const size_t op_offset = token_.offset;
      const size_t op_end = op_offset + token_.text.size();
      SLICEKIT_RETURN_IF_ERROR(Advance());
      // SQL habits such as "<>" and "==" lex as two operators.
      if (token_.type == TokenType::kCompareOp && token_.offset == op_end) {
        const std::string written =
            absl::StrCat(CompareOpSymbol(op), token_.text);
        std::string message = absl::StrCat("unknown operator '", written, "'");
        if (written == "<>") absl::StrAppend(&message, "; not equal is '!='");
        if (written == "==") absl::StrAppend(&message, "; equal is '='");
        return ErrorAt(op_offset, message);
      }
      absl::StatusOr<Literal> value =
          ParseValue(absl::StrCat("after '", CompareOpSymbol(op), "'"));
      if (!value.ok()) return value.status();
      return Expr::Compare(*std::move(column), op, *std::move(value));
    }
    bool negated = false;
    if (token_.Is(Keyword::kNot)) {
      negated = true;
      SLICEKIT_RETURN_IF_ERROR(Advance());
      if (!token_.Is(Keyword::kBetween) && !token_.Is(Keyword::kIn)) {
        return ErrorAt(token_.offset, "expected BETWEEN or IN after NOT");
      }
    }
    if (token_.Is(Keyword::kBetween)) {
      SLICEKIT_RETURN_IF_ERROR(Advance());
      absl::StatusOr<Literal> low = ParseValue("after BETWEEN");
      if (!low.ok()) return low.status();
      if (!token_.Is(Keyword::kAnd)) {
        return ErrorAt(token_.offset,
                       "expected AND after the lower bound of BETWEEN");
      }
      SLICEKIT_RETURN_IF_ERROR(Advance());
      absl::StatusOr<Literal> high = ParseValue("after BETWEEN ... AND");
      if (!high.ok()) return high.status();
      return Expr::Between(*std::move(column), *std::move(low),
                           *std::move(high), negated);
    }
    if (token_.Is(Keyword::kIn)) {
      SLICEKIT_RETURN_IF_ERROR(Advance());
      if (token_.type != TokenType::kLParen) {
        return ErrorAt(token_.offset, "expected '(' after IN");
      }
      SLICEKIT_RETURN_IF_ERROR(Advance());
      std::vector<Literal> values;
      while (true) {
        absl::StatusOr<Literal> value = ParseValue("in the IN list");
        if (!value.ok()) return value.status();
        values.push_back(*std::move(value));
        if (token_.type == TokenType::kRParen) break;
        if (token_.type != TokenType::kComma) {
          return ErrorAt(token_.offset, "expected ',' or ')' in the IN list");
        }
        SLICEKIT_RETURN_IF_ERROR(Advance());
      }
      SLICEKIT_RETURN_IF_ERROR(Advance());
      return Expr::In(*std::move(column), std::move(values), negated);
    }
    if (token_.Is(Keyword::kIs)) {
      SLICEKIT_RETURN_IF_ERROR(Advance());
      bool is_not = false;
      if (token_.Is(Keyword::kNot)) {
        is_not = true;
        SLICEKIT_RETURN_IF_ERROR(Advance());
      }
      if (!token_.Is(Keyword::kNull)) {
        return ErrorAt(token_.offset,
                       is_not ? "expected NULL after IS NOT"
                              : "expected NULL or NOT NULL after IS");
      }
      SLICEKIT_RETURN_IF_ERROR(Advance());
      return Expr::IsNull(*std::move(column), is_not);
    }
    std::string shown;
    AppendColumn(*column, &shown);
    return ErrorAt(token_.offset,
                   absl::StrCat("expected a comparison, BETWEEN, IN or IS "
                                "after column ",
                                Excerpt(shown)));
  }

  // literal = number | string. `where` ends the message: "after '<'".
  absl::StatusOr<Literal> ParseValue(absl::string_view where) {
    if (token_.type == TokenType::kNumber) {
      std::optional<Literal> number =
          internal::NumberLiteralFromText(token_.text);
      // The lexer only makes well-formed number tokens.
      if (!number.has_value()) {
        return ErrorAt(token_.offset,
                       absl::StrCat("malformed number ", Excerpt(token_.text)));
      }
      Literal written = number->WithSpelling(std::string(token_.text));
      SLICEKIT_RETURN_IF_ERROR(Advance());
      return written;
    }
    if (token_.type == TokenType::kString) {
      Literal value(std::move(token_.value));
      SLICEKIT_RETURN_IF_ERROR(Advance());
      return value;
    }
    std::string message = absl::StrCat("expected a value ", where);
    if (token_.Is(Keyword::kNull)) {
      absl::StrAppend(&message, "; to test for NULL write IS NULL");
    } else if ((token_.type == TokenType::kWord &&
                token_.keyword == Keyword::kNone) ||
               token_.type == TokenType::kQuotedName) {
      std::string quoted;
      AppendQuoted(token_.value, '\'', &quoted);
      absl::StrAppend(&message, "; strings take single quotes: ",
                      internal::EscapeForMessage(quoted));
    }
    return ErrorAt(token_.offset, message);
  }

  Lexer lexer_;
  Token token_;
  // Open '(' and NOT levels around the current token.
  int nesting_ = 0;
};

}  // namespace

namespace internal {

std::optional<Literal> NumberLiteralFromText(absl::string_view text) {
  std::optional<NumberParts> parts = SplitNumber(text);
  if (!parts.has_value()) return std::nullopt;
  return NumberFromParts(text, *parts);
}

}  // namespace internal

std::string Literal::ToString() const {
  std::string out;
  AppendLiteral(*this, &out);
  return out;
}

std::string ColumnRef::ToString() const {
  std::string out;
  AppendColumn(*this, &out);
  return out;
}

std::string SliceRef::ToString() const {
  std::string out;
  AppendSliceRef(*this, &out);
  return out;
}

std::string Expr::ToString() const {
  std::string out;
  AppendExpr(*this, &out);
  return out;
}

std::string FormatFilter(const Expr& expr) { return expr.ToString(); }

absl::StatusOr<Expr> ParseFilter(absl::string_view text) {
  if (text.size() > kMaxFilterInputBytes) {
    return absl::InvalidArgumentError(absl::StrCat("filter is ", text.size(),
                                                   " bytes; the limit is ",
                                                   kMaxFilterInputBytes));
  }
  return Parser(text).Parse();
}

}  // namespace slicekit
