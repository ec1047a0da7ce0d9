// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Bind(): resolves an Expr against a table once, so that scanning needs no
// names, no type checks and no literal conversions.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "slicekit/scan.h"
#include "src/scan/bound_program.h"
#include "src/util/status_macros.h"
#include "src/util/utf8_text.h"

namespace slicekit {
namespace internal {

bool StringPredicate::Matches(absl::string_view s) const {
  switch (kind) {
    case Kind::kIn:
      return std::binary_search(
          values.begin(), values.end(), s,
          [](absl::string_view a, absl::string_view b) { return a < b; });
    case Kind::kBetween:
      return absl::string_view(low) <= s && s <= absl::string_view(high);
    case Kind::kCompare: {
      const int c = s.compare(low);
      switch (op) {
        case CompareOp::kEq:
          return c == 0;
        case CompareOp::kNe:
          return c != 0;
        case CompareOp::kLt:
          return c < 0;
        case CompareOp::kLe:
          return c <= 0;
        case CompareOp::kGt:
          return c > 0;
        case CompareOp::kGe:
          return c >= 0;
      }
    }
  }
  return false;
}

}  // namespace internal

namespace {

using internal::BoundNode;
using internal::NodeKind;

constexpr int64_t kIntMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kIntMax = std::numeric_limits<int64_t>::max();
constexpr float kInf = std::numeric_limits<float>::infinity();

BoundNode Constant(bool value) {
  BoundNode node;
  node.kind = value ? NodeKind::kTrue : NodeKind::kFalse;
  return node;
}

CompareOp Negated(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return CompareOp::kNe;
    case CompareOp::kNe:
      return CompareOp::kEq;
    case CompareOp::kLt:
      return CompareOp::kGe;
    case CompareOp::kLe:
      return CompareOp::kGt;
    case CompareOp::kGt:
      return CompareOp::kLe;
    case CompareOp::kGe:
      return CompareOp::kLt;
  }
  return op;
}

// An inclusive integer interval; empty when lo > hi.
struct IntInterval {
  int64_t lo = kIntMin;
  int64_t hi = kIntMax;
  bool empty() const { return lo > hi; }
  bool full() const { return lo == kIntMin && hi == kIntMax; }
};

constexpr IntInterval kEmptyInterval{1, 0};

// The integers v with `v op literal`, exactly: `fp > 1.5` is fp >= 2,
// `fp = 2.5` is empty, `fp < 1e30` is everything.
IntInterval IntervalFor(CompareOp op, const Literal& literal) {
  if (literal.kind() == Literal::Kind::kInt) {
    const int64_t c = literal.int_value();
    switch (op) {
      case CompareOp::kEq:
      case CompareOp::kNe:  // caller negates
        return {c, c};
      case CompareOp::kLt:
        return c == kIntMin ? kEmptyInterval : IntInterval{kIntMin, c - 1};
      case CompareOp::kLe:
        return {kIntMin, c};
      case CompareOp::kGt:
        return c == kIntMax ? kEmptyInterval : IntInterval{c + 1, kIntMax};
      case CompareOp::kGe:
        return {c, kIntMax};
    }
  }
  // A double literal is never integral within int64 (Literal normalizes
  // those to kInt): it is fractional, or beyond the int64 range.
  const double d = literal.double_value();
  const bool above = d > 0 && d >= 9223372036854775808.0;
  const bool below = d < 0 && d < -9223372036854775808.0;
  switch (op) {
    case CompareOp::kEq:
    case CompareOp::kNe:
      return kEmptyInterval;
    case CompareOp::kLt:
    case CompareOp::kLe:
      if (above) return {};
      if (below) return kEmptyInterval;
      return {kIntMin, static_cast<int64_t>(std::floor(d))};
    case CompareOp::kGt:
    case CompareOp::kGe:
      if (above) return kEmptyInterval;
      if (below) return {};
      return {static_cast<int64_t>(std::ceil(d)), kIntMax};
  }
  return kEmptyInterval;
}

// Rounds a numeric literal to the nearest float, once.
float ToFloat(const Literal& literal) {
  if (literal.kind() == Literal::Kind::kInt) {
    return static_cast<float>(literal.int_value());
  }
  return static_cast<float>(literal.double_value());
}

// A leaf over `column` that is TRUE exactly for present values (negate =
// false) or never (negate = true): what an always-true or always-false
// condition becomes once NULL is taken into account.
BoundNode PresentOrFalse(int column, bool present) {
  if (!present) return Constant(false);
  BoundNode node;
  node.kind = NodeKind::kIsNotNull;
  node.column = column;
  return node;
}

BoundNode IntRangeLeaf(int column, IntInterval interval, bool negate) {
  if (interval.empty()) return PresentOrFalse(column, negate);
  if (interval.full()) return PresentOrFalse(column, !negate);
  BoundNode node;
  node.kind = NodeKind::kIntRange;
  node.column = column;
  node.int_lo = interval.lo;
  node.int_hi = interval.hi;
  node.negate = negate;
  return node;
}

BoundNode FloatRangeLeaf(int column, float lo, float hi, bool negate) {
  if (lo > hi) return PresentOrFalse(column, negate);
  if (lo == -kInf && hi == kInf) return PresentOrFalse(column, !negate);
  BoundNode node;
  node.kind = NodeKind::kFloatRange;
  node.column = column;
  node.float_lo = lo;
  node.float_hi = hi;
  node.negate = negate;
  return node;
}

// The rows outside a slice: the complement of its TRUE set.
BoundNode Complement(BoundNode member) {
  if (member.kind == NodeKind::kTrue) return Constant(false);
  if (member.kind == NodeKind::kFalse) return Constant(true);
  BoundNode node;
  node.kind = NodeKind::kComplement;
  node.children.push_back(std::move(member));
  return node;
}

// User text in a message: names and strings, escaped where a message
// could not carry them (src/util/utf8_text.h).
std::string Shown(absl::string_view text) {
  return internal::EscapeForMessage(text);
}

// A number as the user wrote it: the canonical form of 1e309 is 1e999, of
// 1.50 is 1.5, and quoting those would point at, or suggest, another text.
std::string Written(const Literal& literal) {
  return literal.spelling().empty() ? literal.ToString() : literal.spelling();
}

class Binder {
 public:
  // `refs` holds the slices IN SLICE references resolved to; nullptr when
  // Bind() got no resolver.
  Binder(const internal::TableImpl& table, const ResolvedFilter* refs)
      : table_(table), refs_(refs) {}

  absl::StatusOr<BoundNode> Bind(const Expr& expr, bool negate, int depth) {
    if (depth > kMaxFilterDepth) {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter is nested deeper than ", kMaxFilterDepth, " levels"));
    }
    switch (expr.kind()) {
      case Expr::Kind::kTrue:
        return Constant(!negate);
      case Expr::Kind::kFalse:
        return Constant(negate);
      case Expr::Kind::kNot:
        return Bind(expr.children()[0], !negate, depth + 1);
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr: {
        // De Morgan: NOT (a AND b) = NOT a OR NOT b, also in Kleene logic.
        const bool is_and = (expr.kind() == Expr::Kind::kAnd) != negate;
        std::vector<BoundNode> children;
        for (const Expr& child : expr.children()) {
          SLICEKIT_ASSIGN_OR_RETURN(BoundNode bound,
                                    Bind(child, negate, depth + 1));
          children.push_back(std::move(bound));
        }
        return Combine(is_and, std::move(children));
      }
      case Expr::Kind::kCompare:
      case Expr::Kind::kBetween:
      case Expr::Kind::kIn:
      case Expr::Kind::kIsNull:
        return BindLeaf(expr, negate);
      case Expr::Kind::kInSlice:
        return BindInSlice(expr.slice(), negate, depth);
    }
    return absl::InternalError("unknown expression kind");
  }

 private:
  // Membership is two-valued: the slice's TRUE set, or (under NOT) every
  // other row. The TRUE set of a filter is what binding it un-negated
  // gives, so the slice's filter is bound in place, un-negated, and a
  // negated reference takes the complement of it.
  absl::StatusOr<BoundNode> BindInSlice(const SliceRef& ref, bool negate,
                                        int depth) {
    const ResolvedSlice* slice =
        refs_ == nullptr ? nullptr : refs_->Find(ref.id);
    if (slice == nullptr) {
      if (refs_ == nullptr) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the filter has ", Shown(ref.ToString()),
            ": bind it with a SliceResolver, which finds saved slices"));
      }
      return absl::InternalError(
          absl::StrCat(Shown(ref.ToString()), " was not resolved"));
    }
    absl::StatusOr<BoundNode> member = Bind(slice->filter, false, depth + 1);
    if (!member.ok()) {
      return absl::Status(
          member.status().code(),
          absl::StrCat("in slice '", Shown(slice->name),
                       "' (IN SLICE): ", member.status().message()));
    }
    if (!negate) return member;
    return Complement(*std::move(member));
  }

  // Folds constants and flattens; orders AND/OR children cheapest first.
  static BoundNode Combine(bool is_and, std::vector<BoundNode> children) {
    const NodeKind kind = is_and ? NodeKind::kAnd : NodeKind::kOr;
    const NodeKind identity = is_and ? NodeKind::kTrue : NodeKind::kFalse;
    const NodeKind absorbing = is_and ? NodeKind::kFalse : NodeKind::kTrue;
    std::vector<BoundNode> kept;
    for (BoundNode& child : children) {
      if (child.kind == absorbing) return Constant(!is_and);
      if (child.kind == identity) continue;
      if (child.kind == kind) {
        for (BoundNode& grandchild : child.children) {
          kept.push_back(std::move(grandchild));
        }
      } else {
        kept.push_back(std::move(child));
      }
    }
    if (kept.empty()) return Constant(is_and);
    if (kept.size() == 1) return std::move(kept[0]);
    std::stable_sort(kept.begin(), kept.end(),
                     [](const BoundNode& a, const BoundNode& b) {
                       return Cost(a) < Cost(b);
                     });
    BoundNode node;
    node.kind = kind;
    node.children = std::move(kept);
    return node;
  }

  // A rough per-row cost: AND/OR evaluate cheap children first so that the
  // later, dearer ones can skip batches already decided.
  static int Cost(const BoundNode& node) {
    switch (node.kind) {
      case NodeKind::kIsNull:
      case NodeKind::kIsNotNull:
        return 0;
      case NodeKind::kIntRange:
        return 1;
      case NodeKind::kFloatRange:
        return 2;
      case NodeKind::kCodeSet:
        return 3;
      case NodeKind::kIntIn:
      case NodeKind::kFloatIn:
        return 4;
      case NodeKind::kIdSet:
        return 5;
      case NodeKind::kAnd:
      case NodeKind::kOr:
      case NodeKind::kComplement:
        return 10;
      case NodeKind::kIdCompare:
        return 20;
      case NodeKind::kTrue:
      case NodeKind::kFalse:
        return 0;
    }
    return 10;
  }

  absl::StatusOr<int> ResolveColumn(const ColumnRef& ref) {
    const Schema& schema = table_.schema;
    if (ref.class_name.has_value()) return ResolveClassColumn(ref);
    std::optional<int> column = schema.Find(ref.name);
    if (!column.has_value()) {
      const std::string closest = schema.ClosestName(ref.name);
      if (closest.empty()) {
        return absl::NotFoundError(
            absl::StrCat("unknown column '", Shown(ref.name), "'"));
      }
      return absl::NotFoundError(
          absl::StrCat("unknown column '", Shown(ref.name), "' (did you mean '",
                       Shown(closest), "'?)"));
    }
    return *column;
  }

  // Per-class metrics are ordinary columns named `metric[class]` (as the
  // metrics code writes them), so `fp[car]` and `iou['traffic light']`
  // resolve to the columns "fp[car]" and "iou[traffic light]".
  absl::StatusOr<int> ResolveClassColumn(const ColumnRef& ref) {
    const Schema& schema = table_.schema;
    const std::string scoped =
        absl::StrCat(ref.name, "[", *ref.class_name, "]");
    if (std::optional<int> column = schema.Find(scoped)) return *column;
    const std::string prefix = absl::StrCat(ref.name, "[");
    std::vector<std::string> classes;
    for (const ColumnSpec& spec : schema.columns()) {
      if (spec.name.size() > prefix.size() &&
          absl::StartsWith(spec.name, prefix) &&
          absl::EndsWith(spec.name, "]")) {
        classes.push_back(spec.name.substr(
            prefix.size(), spec.name.size() - prefix.size() - 1));
      }
    }
    if (classes.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", Shown(ref.ToString()), "': this table has no per-class '",
          Shown(ref.name), "' columns"));
    }
    constexpr size_t kMaxListed = 20;
    const size_t listed = std::min(classes.size(), kMaxListed);
    return absl::NotFoundError(absl::StrCat(
        "unknown class '", Shown(*ref.class_name), "' in '",
        Shown(ref.ToString()), "'; known classes: ",
        Shown(absl::StrJoin(classes.begin(), classes.begin() + listed, ", ")),
        classes.size() > listed ? ", ..." : ""));
  }

  static absl::Status CheckLiteral(const ColumnSpec& spec,
                                   const Literal& literal) {
    const bool numeric_column =
        spec.type == ColumnType::kFloat || spec.type == ColumnType::kInt;
    if (numeric_column && literal.is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", Shown(spec.name), "' is ", ColumnTypeName(spec.type),
          "; it cannot be compared with the string ",
          Shown(literal.ToString())));
    }
    if (!numeric_column && literal.is_number()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", Shown(spec.name), "' is ", ColumnTypeName(spec.type),
          "; it cannot be compared with the number ", Written(literal),
          " (quote it: '", Written(literal), "')"));
    }
    if (literal.kind() == Literal::Kind::kDouble) {
      const double d = literal.double_value();
      if (std::isnan(d)) {
        return absl::InvalidArgumentError(
            absl::StrCat("column '", Shown(spec.name),
                         "' is compared with NaN, which is not a "
                         "number"));
      }
      if (std::isinf(d)) {
        return absl::InvalidArgumentError(
            absl::StrCat("literal ", Written(literal),
                         " compared with column '", Shown(spec.name),
                         "' is out of range (beyond the 64-bit double range)"));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<BoundNode> BindLeaf(const Expr& expr, bool negate) {
    SLICEKIT_ASSIGN_OR_RETURN(const int column, ResolveColumn(expr.column()));
    // A table opened from a file: binding reads the column's dictionary, so
    // it is verified first (a no-op for a table in memory).
    SLICEKIT_RETURN_IF_ERROR(internal::VerifyColumn(table_, column));
    const ColumnSpec& spec = table_.schema.column(column);
    std::vector<Literal> literals;
    switch (expr.kind()) {
      case Expr::Kind::kCompare:
        literals = {expr.value()};
        break;
      case Expr::Kind::kBetween:
        literals = {expr.low(), expr.high()};
        break;
      case Expr::Kind::kIn:
        if (expr.values().empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "column '", Shown(spec.name), "': the IN list is empty"));
        }
        literals = expr.values();
        break;
      default:
        break;
    }
    for (const Literal& literal : literals) {
      SLICEKIT_RETURN_IF_ERROR(CheckLiteral(spec, literal));
    }

    if (expr.kind() == Expr::Kind::kIsNull) {
      bool is_null = !expr.negated();
      if (negate) is_null = !is_null;
      if (spec.type == ColumnType::kId) return Constant(!is_null);
      BoundNode node;
      node.kind = is_null ? NodeKind::kIsNull : NodeKind::kIsNotNull;
      node.column = column;
      return node;
    }
    if (expr.kind() != Expr::Kind::kCompare && expr.negated()) {
      negate = !negate;
    }
    switch (spec.type) {
      case ColumnType::kFloat:
        return BindFloat(expr, column, negate);
      case ColumnType::kInt:
        return BindInt(expr, column, negate);
      case ColumnType::kCategorical:
      case ColumnType::kId:
        return BindString(expr, column, spec.type, negate);
    }
    return absl::InternalError("unknown column type");
  }

  static BoundNode BindFloat(const Expr& expr, int column, bool negate) {
    switch (expr.kind()) {
      case Expr::Kind::kCompare: {
        CompareOp op = expr.op();
        if (negate) op = Negated(op);
        const float c = ToFloat(expr.value());
        switch (op) {
          case CompareOp::kEq:
            return FloatRangeLeaf(column, c, c, false);
          case CompareOp::kNe:
            return FloatRangeLeaf(column, c, c, true);
          case CompareOp::kLt:
            return FloatRangeLeaf(column, -kInf, std::nextafter(c, -kInf),
                                  false);
          case CompareOp::kLe:
            return FloatRangeLeaf(column, -kInf, c, false);
          case CompareOp::kGt:
            return FloatRangeLeaf(column, std::nextafter(c, kInf), kInf, false);
          case CompareOp::kGe:
            return FloatRangeLeaf(column, c, kInf, false);
        }
        break;
      }
      case Expr::Kind::kBetween:
        return FloatRangeLeaf(column, ToFloat(expr.low()), ToFloat(expr.high()),
                              negate);
      case Expr::Kind::kIn: {
        BoundNode node;
        node.kind = NodeKind::kFloatIn;
        node.column = column;
        node.negate = negate;
        for (const Literal& literal : expr.values()) {
          node.float_values.push_back(ToFloat(literal));
        }
        std::sort(node.float_values.begin(), node.float_values.end());
        node.float_values.erase(
            std::unique(node.float_values.begin(), node.float_values.end()),
            node.float_values.end());
        if (node.float_values.size() == 1) {
          const float c = node.float_values[0];
          return FloatRangeLeaf(column, c, c, negate);
        }
        return node;
      }
      default:
        break;
    }
    return Constant(false);
  }

  static BoundNode BindInt(const Expr& expr, int column, bool negate) {
    switch (expr.kind()) {
      case Expr::Kind::kCompare: {
        CompareOp op = expr.op();
        if (negate) op = Negated(op);
        const IntInterval interval = IntervalFor(op, expr.value());
        return IntRangeLeaf(column, interval, op == CompareOp::kNe);
      }
      case Expr::Kind::kBetween: {
        const IntInterval lo = IntervalFor(CompareOp::kGe, expr.low());
        const IntInterval hi = IntervalFor(CompareOp::kLe, expr.high());
        IntInterval both{std::max(lo.lo, hi.lo), std::min(lo.hi, hi.hi)};
        if (lo.empty() || hi.empty()) both = kEmptyInterval;
        return IntRangeLeaf(column, both, negate);
      }
      case Expr::Kind::kIn: {
        BoundNode node;
        node.kind = NodeKind::kIntIn;
        node.column = column;
        node.negate = negate;
        for (const Literal& literal : expr.values()) {
          // A fractional or out-of-range number equals no integer.
          if (literal.kind() == Literal::Kind::kInt) {
            node.int_values.push_back(literal.int_value());
          }
        }
        std::sort(node.int_values.begin(), node.int_values.end());
        node.int_values.erase(
            std::unique(node.int_values.begin(), node.int_values.end()),
            node.int_values.end());
        if (node.int_values.empty()) return PresentOrFalse(column, negate);
        if (node.int_values.size() == 1) {
          const int64_t c = node.int_values[0];
          return IntRangeLeaf(column, {c, c}, negate);
        }
        // Sorted and unique, so the span in uint64 (no signed overflow) is
        // size - 1 exactly when the values are consecutive.
        if (static_cast<uint64_t>(node.int_values.back()) -
                static_cast<uint64_t>(node.int_values.front()) ==
            node.int_values.size() - 1) {
          // A run of consecutive integers is a range: one kernel, not many.
          return IntRangeLeaf(column,
                              {node.int_values.front(), node.int_values.back()},
                              negate);
        }
        return node;
      }
      default:
        break;
    }
    return Constant(false);
  }

  BoundNode BindString(const Expr& expr, int column, ColumnType type,
                       bool negate) {
    internal::StringPredicate pred;
    switch (expr.kind()) {
      case Expr::Kind::kCompare:
        pred.kind = internal::StringPredicate::Kind::kCompare;
        pred.op = expr.op();
        pred.low = expr.value().string_value();
        break;
      case Expr::Kind::kBetween:
        pred.kind = internal::StringPredicate::Kind::kBetween;
        pred.low = expr.low().string_value();
        pred.high = expr.high().string_value();
        break;
      default:
        pred.kind = internal::StringPredicate::Kind::kIn;
        for (const Literal& literal : expr.values()) {
          pred.values.push_back(literal.string_value());
        }
        std::sort(pred.values.begin(), pred.values.end());
        pred.values.erase(std::unique(pred.values.begin(), pred.values.end()),
                          pred.values.end());
        break;
    }
    // `!=` is NOT `=`: both become set membership, with the lookup done once.
    if (pred.kind == internal::StringPredicate::Kind::kCompare &&
        (pred.op == CompareOp::kEq || pred.op == CompareOp::kNe)) {
      if (pred.op == CompareOp::kNe) negate = !negate;
      pred.kind = internal::StringPredicate::Kind::kIn;
      pred.values = {pred.low};
      pred.low.clear();
      pred.op = CompareOp::kEq;
    }
    BoundNode node;
    node.column = column;
    node.negate = negate;
    if (type == ColumnType::kId) {
      node.kind = pred.kind == internal::StringPredicate::Kind::kIn
                      ? NodeKind::kIdSet
                      : NodeKind::kIdCompare;
      node.strings = std::move(pred);
      return node;
    }
    node.kind = NodeKind::kCodeSet;
    const internal::Dictionary& dict = table_.dictionaries[column];
    node.lut.resize(dict.strings.size());
    for (size_t code = 0; code < dict.strings.size(); ++code) {
      node.lut[code] = pred.Matches(dict.strings[code]) != negate;
    }
    node.strings = std::move(pred);
    return node;
  }

  const internal::TableImpl& table_;
  const ResolvedFilter* refs_;
};

int Number(BoundNode& node, int next, int depth, int* max_depth) {
  node.node_index = next++;
  *max_depth = std::max(*max_depth, depth);
  for (BoundNode& child : node.children) {
    next = Number(child, next, depth + 1, max_depth);
  }
  return next;
}

void Describe(const internal::TableImpl& table, const BoundNode& node,
              std::string* out) {
  const std::string column =
      node.column >= 0 ? table.schema.column(node.column).name : "";
  const char* neg = node.negate ? "NOT " : "";
  switch (node.kind) {
    case NodeKind::kTrue:
      absl::StrAppend(out, "TRUE");
      return;
    case NodeKind::kFalse:
      absl::StrAppend(out, "FALSE");
      return;
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      absl::StrAppend(out, node.kind == NodeKind::kAnd ? "and(" : "or(");
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) absl::StrAppend(out, ", ");
        Describe(table, node.children[i], out);
      }
      absl::StrAppend(out, ")");
      return;
    }
    case NodeKind::kIsNull:
      absl::StrAppend(out, "is_null(", column, ")");
      return;
    case NodeKind::kIsNotNull:
      absl::StrAppend(out, "is_not_null(", column, ")");
      return;
    case NodeKind::kFloatRange:
      absl::StrAppend(out, neg, "float_range(", column, ", ", node.float_lo,
                      ", ", node.float_hi, ")");
      return;
    case NodeKind::kFloatIn:
      absl::StrAppend(out, neg, "float_in(", column, ", [",
                      absl::StrJoin(node.float_values, ", "), "])");
      return;
    case NodeKind::kIntRange:
      absl::StrAppend(out, neg, "int_range(", column, ", ", node.int_lo, ", ",
                      node.int_hi, ")");
      return;
    case NodeKind::kIntIn:
      absl::StrAppend(out, neg, "int_in(", column, ", [",
                      absl::StrJoin(node.int_values, ", "), "])");
      return;
    case NodeKind::kCodeSet: {
      size_t matching = 0;
      for (uint8_t b : node.lut) matching += b;
      absl::StrAppend(out, "code_set(", column, ", ", matching, " of ",
                      node.lut.size(), " codes)");
      return;
    }
    case NodeKind::kIdSet:
      absl::StrAppend(out, neg, "id_in(", node.strings.values.size(), " ids)");
      return;
    case NodeKind::kIdCompare:
      absl::StrAppend(out, neg, "id_compare(", column, ")");
      return;
    case NodeKind::kComplement:
      absl::StrAppend(out, "not_in(");
      Describe(table, node.children[0], out);
      absl::StrAppend(out, ")");
      return;
  }
}

}  // namespace

namespace internal {
std::string DebugString(const BoundProgram& program) {
  std::string out;
  Describe(*program.table, program.root, &out);
  return out;
}
}  // namespace internal

namespace {

// Whether a leaf looks ids up (in the id index).
bool UsesIdIndex(const BoundNode& node) {
  if (node.kind == NodeKind::kIdSet) return true;
  for (const BoundNode& child : node.children) {
    if (UsesIdIndex(child)) return true;
  }
  return false;
}

absl::StatusOr<std::shared_ptr<internal::BoundProgram>> MakeProgram(
    const Expr& given, const Expr& resolved, const Table& table,
    const ResolvedFilter* refs) {
  Binder binder(internal::ImplOf(table), refs);
  SLICEKIT_ASSIGN_OR_RETURN(BoundNode root, binder.Bind(resolved, false, 0));
  // The binder verified each leaf's column of a table opened from a file;
  // the id index is built here, where an error can be returned (Scan()
  // cannot return one).
  if (UsesIdIndex(root))
    SLICEKIT_RETURN_IF_ERROR(internal::ImplOf(table).EnsureIndex());
  auto program = std::make_shared<internal::BoundProgram>();
  program->table = &internal::ImplOf(table);
  program->expr = given;
  program->root = std::move(root);
  program->num_nodes = Number(program->root, 0, 0, &program->depth);
  return program;
}

}  // namespace

absl::StatusOr<BoundFilter> Bind(const Expr& expr, const Table& table) {
  SLICEKIT_ASSIGN_OR_RETURN(auto program,
                            MakeProgram(expr, expr, table, nullptr));
  return BoundFilter(std::move(program));
}

absl::StatusOr<BoundFilter> Bind(const Expr& expr, const Table& table,
                                 const SliceResolver& resolver) {
  SLICEKIT_ASSIGN_OR_RETURN(const ResolvedFilter refs,
                            ResolveSliceRefs(expr, resolver));
  SLICEKIT_ASSIGN_OR_RETURN(auto program,
                            MakeProgram(expr, refs.expr(), table, &refs));
  return BoundFilter(std::move(program));
}

absl::StatusOr<Selection> Filter(const Table& table, const Expr& expr,
                                 const ScanOptions& options) {
  SLICEKIT_ASSIGN_OR_RETURN(BoundFilter bound, Bind(expr, table));
  return bound.Scan(options);
}

}  // namespace slicekit
