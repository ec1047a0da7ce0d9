// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The predicate tree and the C++ builder. The text printer (Expr::ToString,
// ColumnRef::ToString, Literal::ToString) lives in filter_text.cc, next to the
// lexer whose rules it must mirror.
#include "slicekit/expr.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace slicekit {

absl::string_view CompareOpSymbol(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

// ---------------------------------------------------------------------------
// Literal

Literal::Literal(double value) {
  // [-2^63, 2^63) is exactly the int64 range; both bounds are doubles, so the
  // comparison is exact. NaN fails both tests and stays a double; -0.0
  // becomes the integer 0.
  constexpr double kTwoPow63 = 9223372036854775808.0;
  if (value >= -kTwoPow63 && value < kTwoPow63 && std::trunc(value) == value) {
    kind_ = Kind::kInt;
    int_ = static_cast<int64_t>(value);
  } else {
    kind_ = Kind::kDouble;
    double_ = value;
  }
}

Literal::Literal(std::string value)
    : kind_(Kind::kString), string_(std::move(value)) {}

Literal Literal::WithSpelling(std::string spelling) const {
  Literal written = *this;
  written.spelling_ = std::move(spelling);
  return written;
}

double Literal::double_value() const {
  return kind_ == Kind::kInt ? static_cast<double>(int_) : double_;
}

bool operator==(const Literal& a, const Literal& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Literal::Kind::kInt:
      return a.int_ == b.int_;
    case Literal::Kind::kDouble:
      // NaN equals NaN here so that tree equality is reflexive.
      return a.double_ == b.double_ ||
             (std::isnan(a.double_) && std::isnan(b.double_));
    case Literal::Kind::kString:
      return a.string_ == b.string_;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Expr

// One node of the tree. Which fields mean something depends on `kind`; the
// others keep their defaults, so an accessor used on the wrong kind returns
// an empty value rather than reading garbage.
struct Expr::Node {
  Kind kind = Kind::kTrue;
  ColumnRef column;
  CompareOp op = CompareOp::kEq;
  bool negated = false;
  Literal first = Literal(0);   // kCompare: the value; kBetween: the low bound
  Literal second = Literal(0);  // kBetween: the high bound
  std::vector<Literal> values;  // kIn
  std::vector<Expr> children;   // kAnd, kOr (two or more), kNot (one)
  SliceRef slice;               // kInSlice
};

Expr::Expr() : Expr(True()) {}

Expr::Expr(std::shared_ptr<const Node> node) : node_(std::move(node)) {}

Expr Expr::True() {
  // Shared by every TRUE, so Expr() does not allocate. Never destroyed.
  static const Expr* const kTrue = [] {
    auto node = std::make_shared<Node>();
    node->kind = Kind::kTrue;
    return new Expr(std::move(node));
  }();
  return *kTrue;
}

Expr Expr::False() {
  static const Expr* const kFalse = [] {
    auto node = std::make_shared<Node>();
    node->kind = Kind::kFalse;
    return new Expr(std::move(node));
  }();
  return *kFalse;
}

Expr Expr::Compare(ColumnRef column, CompareOp op, Literal value) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::kCompare;
  node->column = std::move(column);
  node->op = op;
  node->first = std::move(value);
  return Expr(std::move(node));
}

Expr Expr::Between(ColumnRef column, Literal low, Literal high, bool negated) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::kBetween;
  node->column = std::move(column);
  node->first = std::move(low);
  node->second = std::move(high);
  node->negated = negated;
  return Expr(std::move(node));
}

Expr Expr::In(ColumnRef column, std::vector<Literal> values, bool negated) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::kIn;
  node->column = std::move(column);
  node->values = std::move(values);
  node->negated = negated;
  return Expr(std::move(node));
}

Expr Expr::IsNull(ColumnRef column, bool negated) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::kIsNull;
  node->column = std::move(column);
  node->negated = negated;
  return Expr(std::move(node));
}

namespace {

// Appends `children` to `out`, splicing in the children of any child of kind
// `kind`. One level suffices: such a child is itself flat.
std::vector<Expr> Flatten(Expr::Kind kind, std::vector<Expr> children) {
  size_t total = 0;
  for (const Expr& child : children) {
    total += child.kind() == kind ? child.children().size() : 1;
  }
  if (total == children.size()) return children;
  std::vector<Expr> flat;
  flat.reserve(total);
  for (Expr& child : children) {
    if (child.kind() == kind) {
      const std::vector<Expr>& grandchildren = child.children();
      flat.insert(flat.end(), grandchildren.begin(), grandchildren.end());
    } else {
      flat.push_back(std::move(child));
    }
  }
  return flat;
}

}  // namespace

Expr Expr::And(std::vector<Expr> children) {
  children = Flatten(Kind::kAnd, std::move(children));
  if (children.empty()) return True();
  if (children.size() == 1) return std::move(children[0]);
  auto node = std::make_shared<Node>();
  node->kind = Kind::kAnd;
  node->children = std::move(children);
  return Expr(std::move(node));
}

Expr Expr::Or(std::vector<Expr> children) {
  children = Flatten(Kind::kOr, std::move(children));
  if (children.empty()) return False();
  if (children.size() == 1) return std::move(children[0]);
  auto node = std::make_shared<Node>();
  node->kind = Kind::kOr;
  node->children = std::move(children);
  return Expr(std::move(node));
}

Expr Expr::Not(Expr child) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::kNot;
  node->children.push_back(std::move(child));
  return Expr(std::move(node));
}

Expr Expr::InSlice(SliceRef slice) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::kInSlice;
  node->slice = std::move(slice);
  return Expr(std::move(node));
}

Expr::Kind Expr::kind() const { return node_->kind; }
const ColumnRef& Expr::column() const { return node_->column; }
CompareOp Expr::op() const { return node_->op; }
const Literal& Expr::value() const { return node_->first; }
const Literal& Expr::low() const { return node_->first; }
const Literal& Expr::high() const { return node_->second; }
const std::vector<Literal>& Expr::values() const { return node_->values; }
bool Expr::negated() const { return node_->negated; }
const std::vector<Expr>& Expr::children() const { return node_->children; }
const SliceRef& Expr::slice() const { return node_->slice; }

bool operator==(const Expr& a, const Expr& b) {
  if (a.node_ == b.node_) return true;
  const Expr::Node& x = *a.node_;
  const Expr::Node& y = *b.node_;
  if (x.kind != y.kind) return false;
  switch (x.kind) {
    case Expr::Kind::kTrue:
    case Expr::Kind::kFalse:
      return true;
    case Expr::Kind::kCompare:
      return x.column == y.column && x.op == y.op && x.first == y.first;
    case Expr::Kind::kBetween:
      return x.column == y.column && x.negated == y.negated &&
             x.first == y.first && x.second == y.second;
    case Expr::Kind::kIn:
      return x.column == y.column && x.negated == y.negated &&
             x.values == y.values;
    case Expr::Kind::kIsNull:
      return x.column == y.column && x.negated == y.negated;
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kNot:
      return x.children == y.children;
    case Expr::Kind::kInSlice:
      return x.slice == y.slice;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Builder

Expr Col::operator==(Literal v) const {
  return Expr::Compare(ref_, CompareOp::kEq, std::move(v));
}
Expr Col::operator!=(Literal v) const {
  return Expr::Compare(ref_, CompareOp::kNe, std::move(v));
}
Expr Col::operator<(Literal v) const {
  return Expr::Compare(ref_, CompareOp::kLt, std::move(v));
}
Expr Col::operator<=(Literal v) const {
  return Expr::Compare(ref_, CompareOp::kLe, std::move(v));
}
Expr Col::operator>(Literal v) const {
  return Expr::Compare(ref_, CompareOp::kGt, std::move(v));
}
Expr Col::operator>=(Literal v) const {
  return Expr::Compare(ref_, CompareOp::kGe, std::move(v));
}
Expr Col::Between(Literal low, Literal high) const {
  return Expr::Between(ref_, std::move(low), std::move(high));
}
Expr Col::NotBetween(Literal low, Literal high) const {
  return Expr::Between(ref_, std::move(low), std::move(high),
                       /*negated=*/true);
}
Expr Col::In(std::vector<Literal> values) const {
  return Expr::In(ref_, std::move(values));
}
Expr Col::NotIn(std::vector<Literal> values) const {
  return Expr::In(ref_, std::move(values), /*negated=*/true);
}
Expr Col::IsNull() const { return Expr::IsNull(ref_); }
Expr Col::IsNotNull() const { return Expr::IsNull(ref_, /*negated=*/true); }

Expr InSlice(std::string name) {
  return Expr::InSlice(SliceRef{std::move(name), ""});
}

Expr operator&&(Expr a, Expr b) {
  std::vector<Expr> children;
  children.reserve(2);
  children.push_back(std::move(a));
  children.push_back(std::move(b));
  return Expr::And(std::move(children));
}

Expr operator||(Expr a, Expr b) {
  std::vector<Expr> children;
  children.reserve(2);
  children.push_back(std::move(a));
  children.push_back(std::move(b));
  return Expr::Or(std::move(children));
}

Expr operator!(Expr a) { return Expr::Not(std::move(a)); }

}  // namespace slicekit
