// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/analysis/error_expr.h"

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "slicekit/column_reader.h"
#include "slicekit/scan.h"
#include "src/filter/number_literal.h"
#include "src/util/status_macros.h"

namespace slicekit::internal {
namespace {

absl::Status ErrorAt(size_t offset, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("at ", offset, ": ", message));
}

bool IsIdentStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsIdentChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// Recursive descent over
//   expr    = term { ("+" | "-") term }
//   term    = unary { ("*" | "/") unary }
//   unary   = "-" unary | primary
//   primary = number | column | "(" expr ")"
//           | "coalesce" "(" expr "," expr ")"
// emitting a postfix program.
class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::Status Run(std::vector<ErrorExpr::Op>* program,
                   std::vector<ColumnRef>* columns) {
    program_ = program;
    columns_ = columns;
    SkipSpace();
    if (pos_ == text_.size()) {
      return absl::InvalidArgumentError("empty error expression");
    }
    SLICEKIT_RETURN_IF_ERROR(Expr(0));
    SkipSpace();
    if (pos_ != text_.size()) {
      return ErrorAt(pos_, absl::StrCat("unexpected '", text_.substr(pos_, 1),
                                        "' after a complete expression"));
    }
    return absl::OkStatus();
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }
  bool Accept(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  absl::Status Expect(char c, absl::string_view after) {
    if (Accept(c)) return absl::OkStatus();
    return ErrorAt(pos_, absl::StrCat("expected '", absl::string_view(&c, 1),
                                      "' ", after));
  }
  void Emit(ErrorExpr::Op::Kind kind) { program_->push_back({kind}); }

  absl::Status Expr(int depth) {
    if (depth > kMaxFilterDepth) {
      return ErrorAt(pos_, absl::StrCat("nested deeper than ", kMaxFilterDepth,
                                        " levels"));
    }
    SLICEKIT_RETURN_IF_ERROR(Term(depth));
    while (true) {
      if (Accept('+')) {
        SLICEKIT_RETURN_IF_ERROR(Term(depth));
        Emit(ErrorExpr::Op::kAdd);
      } else if (Accept('-')) {
        SLICEKIT_RETURN_IF_ERROR(Term(depth));
        Emit(ErrorExpr::Op::kSub);
      } else {
        return absl::OkStatus();
      }
    }
  }

  absl::Status Term(int depth) {
    SLICEKIT_RETURN_IF_ERROR(Unary(depth));
    while (true) {
      if (Accept('*')) {
        SLICEKIT_RETURN_IF_ERROR(Unary(depth));
        Emit(ErrorExpr::Op::kMul);
      } else if (Accept('/')) {
        SLICEKIT_RETURN_IF_ERROR(Unary(depth));
        Emit(ErrorExpr::Op::kDiv);
      } else {
        return absl::OkStatus();
      }
    }
  }

  absl::Status Unary(int depth) {
    if (Accept('-')) {
      if (depth + 1 > kMaxFilterDepth) {
        return ErrorAt(pos_, absl::StrCat("nested deeper than ",
                                          kMaxFilterDepth, " levels"));
      }
      SLICEKIT_RETURN_IF_ERROR(Unary(depth + 1));
      Emit(ErrorExpr::Op::kNeg);
      return absl::OkStatus();
    }
    return Primary(depth);
  }

  absl::Status Primary(int depth) {
    SkipSpace();
    const size_t start = pos_;
    if (pos_ == text_.size()) {
      return ErrorAt(pos_,
                     "expected a column, a number, '-', '(' or "
                     "coalesce( at the end");
    }
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      SLICEKIT_RETURN_IF_ERROR(Expr(depth + 1));
      return Expect(')', absl::StrCat("to close the '(' at ", start));
    }
    if (absl::ascii_isdigit(c) || c == '.') return Number();
    if (c == '"') {
      std::string name;
      SLICEKIT_RETURN_IF_ERROR(Quoted('"', &name));
      return Column(std::move(name));
    }
    if (IsIdentStart(c)) {
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
      const absl::string_view word = text_.substr(start, pos_ - start);
      if (absl::EqualsIgnoreCase(word, "coalesce")) {
        SLICEKIT_RETURN_IF_ERROR(Expect(
            '(', "after coalesce (a column named so must be \"quoted\")"));
        SLICEKIT_RETURN_IF_ERROR(Expr(depth + 1));
        SLICEKIT_RETURN_IF_ERROR(Expect(',', "between coalesce's arguments"));
        SLICEKIT_RETURN_IF_ERROR(Expr(depth + 1));
        SLICEKIT_RETURN_IF_ERROR(
            Expect(')', absl::StrCat("to close the coalesce at ", start)));
        Emit(ErrorExpr::Op::kCoalesce);
        return absl::OkStatus();
      }
      return Column(std::string(word));
    }
    return ErrorAt(start,
                   absl::StrCat("expected a column, a number, '-', '(' or "
                                "coalesce(, not '",
                                text_.substr(start, 1), "'"));
  }

  // A name in double quotes or a class in single quotes; the quote doubled
  // stands for itself (as in filters).
  absl::Status Quoted(char quote, std::string* out) {
    const size_t start = pos_++;
    while (true) {
      const size_t close = text_.find(quote, pos_);
      if (close == absl::string_view::npos) {
        return ErrorAt(start, quote == '"' ? "unterminated quoted name"
                                           : "unterminated string");
      }
      out->append(text_.data() + pos_, close - pos_);
      pos_ = close + 1;
      if (pos_ < text_.size() && text_[pos_] == quote) {
        out->push_back(quote);
        ++pos_;
      } else {
        return absl::OkStatus();
      }
    }
  }

  absl::Status Column(std::string name) {
    ColumnRef ref{std::move(name), std::nullopt};
    if (Accept('[')) {
      SkipSpace();
      const size_t start = pos_;
      std::string class_name;
      if (pos_ < text_.size() && text_[pos_] == '\'') {
        SLICEKIT_RETURN_IF_ERROR(Quoted('\'', &class_name));
      } else if (pos_ < text_.size() && IsIdentStart(text_[pos_])) {
        while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
        class_name = std::string(text_.substr(start, pos_ - start));
      } else {
        return ErrorAt(start, "expected a class name after '['");
      }
      SLICEKIT_RETURN_IF_ERROR(Expect(']', "after the class name"));
      ref.class_name = std::move(class_name);
    }
    int index = 0;
    while (index < static_cast<int>(columns_->size()) &&
           !((*columns_)[index] == ref)) {
      ++index;
    }
    if (index == static_cast<int>(columns_->size())) {
      columns_->push_back(std::move(ref));
    }
    program_->push_back({ErrorExpr::Op::kColumn, 0, index});
    return absl::OkStatus();
  }

  absl::Status Number() {
    const size_t start = pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < text_.size() && absl::ascii_isdigit(text_[pos_])) ++pos_;
      return pos_ > from;
    };
    bool ok = digits();
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      ok = digits() && ok;
    }
    if (ok && pos_ < text_.size() &&
        (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        ++pos_;
      }
      ok = digits();
    }
    // A word or '.' glued to a number ("2x", "1.2.3") is one bad number.
    while (pos_ < text_.size() &&
           (IsIdentChar(text_[pos_]) || text_[pos_] == '.')) {
      ++pos_;
      ok = false;
    }
    const absl::string_view number = text_.substr(start, pos_ - start);
    const std::optional<Literal> literal =
        ok ? NumberLiteralFromText(number) : std::nullopt;
    if (!literal.has_value() || !std::isfinite(literal->double_value())) {
      return ErrorAt(start, absl::StrCat("malformed number '", number, "'"));
    }
    program_->push_back({ErrorExpr::Op::kNumber, literal->double_value(), 0});
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
  std::vector<ErrorExpr::Op>* program_ = nullptr;
  std::vector<ColumnRef>* columns_ = nullptr;
};

// A value per row position, or one constant for all.
struct Operand {
  bool constant = true;
  double value = 0;
  std::vector<double> values;
  std::vector<uint8_t> valid;
};

}  // namespace

absl::StatusOr<ErrorExpr> ErrorExpr::Parse(absl::string_view text) {
  if (text.size() > kMaxFilterInputBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("error expression is ", text.size(),
                     " bytes; the limit is ", kMaxFilterInputBytes));
  }
  ErrorExpr e;
  SLICEKIT_RETURN_IF_ERROR(Parser(text).Run(&e.program_, &e.columns_));
  return e;
}

absl::Status ErrorExpr::Evaluate(const Table& table,
                                 std::vector<double>* values,
                                 std::vector<uint8_t>* valid) const {
  const size_t n = table.num_rows();
  // Resolve through Bind, so unknown columns and classes are reported in
  // the words filters use.
  std::vector<int> column_index;
  for (const ColumnRef& ref : columns_) {
    SLICEKIT_RETURN_IF_ERROR(Bind(Expr::IsNull(ref), table).status());
    const std::string name =
        ref.class_name ? absl::StrCat(ref.name, "[", *ref.class_name, "]")
                       : ref.name;
    const int index = *table.schema().Find(name);
    const ColumnType type = table.schema().column(index).type;
    if (type != ColumnType::kInt && type != ColumnType::kFloat) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", ref.ToString(), "' is ", ColumnTypeName(type),
          "; the error expression needs "
          "int or float columns"));
    }
    column_index.push_back(index);
  }
  SLICEKIT_ASSIGN_OR_RETURN(const TableReader reader,
                            TableReader::Make(table, column_index));
  values->assign(n, 0);
  valid->assign(n, 0);
  // Batch by batch, so the operands stay in cache.
  std::vector<Operand> stack;
  std::vector<Operand> spare;
  reader.ForEachBatch([&](const RowBatch& batch) {
    const size_t rows = batch.size();
    auto fresh = [&]() {
      Operand o;
      if (!spare.empty()) {
        o = std::move(spare.back());
        spare.pop_back();
      }
      o.constant = false;
      o.values.resize(rows);
      o.valid.resize(rows);
      return o;
    };
    for (const Op& op : program_) {
      if (op.kind == Op::kNumber) {
        stack.push_back({true, op.number, {}, {}});
        continue;
      }
      if (op.kind == Op::kColumn) {
        Operand o = fresh();
        const ColumnVector& c = batch.column(op.column);
        for (size_t i = 0; i < rows; ++i) o.valid[i] = c.IsValid(i);
        if (c.type() == ColumnType::kFloat) {
          const absl::Span<const float> floats = c.floats();
          for (size_t i = 0; i < rows; ++i) o.values[i] = floats[i];
        } else {
          const absl::Span<const int64_t> ints = c.ints();
          for (size_t i = 0; i < rows; ++i) {
            o.values[i] = static_cast<double>(ints[i]);
          }
        }
        stack.push_back(std::move(o));
        continue;
      }
      if (op.kind == Op::kNeg) {
        Operand& x = stack.back();
        x.value = -x.value;
        for (double& v : x.values) v = -v;
        continue;
      }
      Operand b = std::move(stack.back());
      stack.pop_back();
      Operand a = std::move(stack.back());
      stack.pop_back();
      // NULL in, NULL out; x / 0 is NULL; coalesce takes b where a is NULL.
      auto apply = [&](double x, bool x_ok, double y, bool y_ok, double* out) {
        switch (op.kind) {
          case Op::kCoalesce:
            *out = x_ok ? x : y;
            return x_ok || y_ok;
          case Op::kAdd:
            *out = x + y;
            break;
          case Op::kSub:
            *out = x - y;
            break;
          case Op::kMul:
            *out = x * y;
            break;
          default:
            if (y == 0) return false;
            *out = x / y;
            break;
        }
        return x_ok && y_ok;
      };
      Operand result;
      double constant = 0;
      if (a.constant && b.constant &&
          apply(a.value, true, b.value, true, &constant)) {
        result = {true, constant, {}, {}};
      } else {
        // (A constant NULL, x / 0, makes every row NULL.)
        result = fresh();
        for (size_t i = 0; i < rows; ++i) {
          const double x = a.constant ? a.value : a.values[i];
          const bool x_ok = a.constant || a.valid[i];
          const double y = b.constant ? b.value : b.values[i];
          const bool y_ok = b.constant || b.valid[i];
          result.valid[i] = apply(x, x_ok, y, y_ok, &result.values[i]);
        }
      }
      for (Operand* used : {&a, &b}) {
        if (!used->constant) spare.push_back(std::move(*used));
      }
      stack.push_back(std::move(result));
    }
    // Only the live rows: the reader leaves the others undecoded.
    Operand& top = stack.back();
    const size_t first_row = batch.first_row();
    batch.ForEachRow([&](size_t i) {
      (*values)[first_row + i] = top.constant ? top.value : top.values[i];
      (*valid)[first_row + i] = top.constant || top.valid[i];
    });
    if (!top.constant) spare.push_back(std::move(top));
    stack.clear();
  });
  return absl::OkStatus();
}

}  // namespace slicekit::internal
