// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_EXPR_H_
#define SLICEKIT_EXPR_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace slicekit {

// The deepest nesting of AND/OR/NOT/parentheses a filter may have. Parsing,
// JSON import and Bind reject deeper trees with an error, so no input can
// exhaust the stack.
inline constexpr int kMaxFilterDepth = 128;
// The longest filter text or JSON the parsers accept, in bytes.
inline constexpr size_t kMaxFilterInputBytes = size_t{1} << 20;

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

// Returns "=", "!=", "<", "<=", ">" or ">=".
absl::string_view CompareOpSymbol(CompareOp op);

// A constant in a filter: an exact 64-bit integer, a double, or a byte
// string. Numbers are normalized: a double with an integral value that fits
// in int64 becomes an integer, so 10, 10.0 and 1e1 are the same literal.
class Literal {
 public:
  enum class Kind { kInt, kDouble, kString };

  Literal(int value) : Literal(static_cast<int64_t>(value)) {}
  Literal(long value) : Literal(static_cast<int64_t>(value), 0) {}
  Literal(long long value) : Literal(static_cast<int64_t>(value), 0) {}
  Literal(double value);
  Literal(const char* value) : Literal(std::string(value)) {}
  Literal(absl::string_view value) : Literal(std::string(value)) {}
  Literal(std::string value);

  Kind kind() const { return kind_; }
  bool is_number() const { return kind_ != Kind::kString; }
  bool is_string() const { return kind_ == Kind::kString; }
  // REQUIRES: kind() == kInt.
  int64_t int_value() const { return int_; }
  // REQUIRES: is_number(). The value as a double (rounded for big integers).
  double double_value() const;
  // REQUIRES: is_string().
  const std::string& string_value() const { return string_; }

  // The canonical text form: an integer, a shortest round-trip double
  // ("0.5", "1e+300"; "1e999"/"-1e999" for infinities, "nan" for NaN), or a
  // single-quoted string with quotes doubled.
  std::string ToString() const;

  // The text a number was written as when it was parsed (filter text, or
  // a JSON {"number": "1e309"}): "1e309", "1.50". Error messages quote it,
  // since the canonical form can be another text ("1e999", "1.5"). Empty
  // for a literal built in C++ and for strings. Not part of equality.
  const std::string& spelling() const { return spelling_; }
  // This number, remembering `spelling` as its written form.
  // REQUIRES: is_number().
  Literal WithSpelling(std::string spelling) const;

  friend bool operator==(const Literal& a, const Literal& b);

 private:
  Literal(int64_t value, int /*tag*/) : kind_(Kind::kInt), int_(value) {}
  Kind kind_;
  int64_t int_ = 0;
  double double_ = 0;
  std::string string_;
  std::string spelling_;
};

// A column reference, optionally scoped to one class (`fp[car]`).
struct ColumnRef {
  std::string name;
  std::optional<std::string> class_name;

  // "fp", "fp[car]", "\"my col\"", "iou['traffic light']".
  std::string ToString() const;
  friend bool operator==(const ColumnRef&, const ColumnRef&) = default;
};

// A reference to a saved slice: `IN SLICE 'Confident FPs'`. The text form
// carries only the name; a resolved reference (one a SliceStore saved, or
// ResolveSliceRefs() returned) also carries the slice's id, and binds by
// the id, so it survives a rename of the slice it names.
struct SliceRef {
  std::string name;  // as written, or the slice's name when resolved
  std::string id;    // empty until resolved

  // "IN SLICE 'Confident FPs'" (the id is not shown).
  std::string ToString() const;
  friend bool operator==(const SliceRef&, const SliceRef&) = default;
};

// An immutable predicate tree over named columns. Cheap to copy (shared
// nodes); thread-safe. AND and OR are n-ary and kept flat: a child of an AND
// is never itself an AND (same for OR), an AND or OR has at least two
// children, so equal filters have equal trees and printing then parsing
// gives back an equal tree.
class Expr {
 public:
  enum class Kind {
    kTrue,
    kFalse,
    kCompare,  // column op value
    kBetween,  // column [NOT] BETWEEN low AND high (inclusive)
    kIn,       // column [NOT] IN (values...)
    kIsNull,   // column IS [NOT] NULL
    kAnd,
    kOr,
    kNot,
    kInSlice,  // IN SLICE 'name': the rows of a saved slice (TRUE or FALSE)
  };

  // TRUE.
  Expr();

  static Expr True();
  static Expr False();
  static Expr Compare(ColumnRef column, CompareOp op, Literal value);
  static Expr Between(ColumnRef column, Literal low, Literal high,
                      bool negated = false);
  static Expr In(ColumnRef column, std::vector<Literal> values,
                 bool negated = false);
  static Expr IsNull(ColumnRef column, bool negated = false);
  // Flattens nested ANDs; no children is TRUE, one child is that child.
  static Expr And(std::vector<Expr> children);
  // Flattens nested ORs; no children is FALSE, one child is that child.
  static Expr Or(std::vector<Expr> children);
  static Expr Not(Expr child);
  // Membership in a saved slice: TRUE for the rows the slice's filter is
  // TRUE for, FALSE for all others (never UNKNOWN), so `NOT IN SLICE 'a'`
  // is exactly the rows outside the slice. Bind() needs a SliceResolver.
  static Expr InSlice(SliceRef slice);

  Kind kind() const;
  // For kCompare, kBetween, kIn, kIsNull.
  const ColumnRef& column() const;
  // For kCompare.
  CompareOp op() const;
  const Literal& value() const;
  // For kBetween.
  const Literal& low() const;
  const Literal& high() const;
  // For kIn.
  const std::vector<Literal>& values() const;
  // For kBetween, kIn, kIsNull: NOT BETWEEN, NOT IN, IS NOT NULL.
  bool negated() const;
  // For kAnd, kOr (two or more) and kNot (exactly one).
  const std::vector<Expr>& children() const;
  // For kInSlice.
  const SliceRef& slice() const;

  // The canonical filter text; ParseFilter(ToString()) == *this.
  std::string ToString() const;

  friend bool operator==(const Expr& a, const Expr& b);

 private:
  struct Node;
  explicit Expr(std::shared_ptr<const Node> node);
  std::shared_ptr<const Node> node_;
};

// The C++ builder: `Col("confidence") < 0.5 && Col("fp") >= 1`,
// `Col("iou")["traffic light"] < 0.5`, `Col("split").In({"val", "test"})`.
class Col {
 public:
  explicit Col(std::string name) : ref_{std::move(name), std::nullopt} {}
  Col(std::string name, std::string class_name)
      : ref_{std::move(name), std::move(class_name)} {}

  // The same column scoped to one class.
  Col operator[](std::string class_name) const {
    return Col(ref_.name, std::move(class_name));
  }
  const ColumnRef& ref() const { return ref_; }

  Expr operator==(Literal v) const;
  Expr operator!=(Literal v) const;
  Expr operator<(Literal v) const;
  Expr operator<=(Literal v) const;
  Expr operator>(Literal v) const;
  Expr operator>=(Literal v) const;
  Expr Between(Literal low, Literal high) const;
  Expr NotBetween(Literal low, Literal high) const;
  Expr In(std::vector<Literal> values) const;
  Expr NotIn(std::vector<Literal> values) const;
  Expr IsNull() const;
  Expr IsNotNull() const;

 private:
  ColumnRef ref_;
};

// `IN SLICE 'name'`. Slice algebra is the ordinary operators over these:
// union `InSlice("a") || InSlice("b")`, intersection `&&`, difference
// `InSlice("a") && !InSlice("b")`, a slice of a slice
// `InSlice("a") && Col("fp") >= 1`.
Expr InSlice(std::string name);

Expr operator&&(Expr a, Expr b);
Expr operator||(Expr a, Expr b);
Expr operator!(Expr a);

}  // namespace slicekit

#endif  // SLICEKIT_EXPR_H_
