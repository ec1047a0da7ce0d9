// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: a filter after Bind(), the form the scanner executes.
#ifndef SLICEKIT_SRC_SCAN_BOUND_PROGRAM_H_
#define SLICEKIT_SRC_SCAN_BOUND_PROGRAM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "src/table/table_impl.h"

namespace slicekit::internal {

// After NOT push-down every node is monotone in its children's TRUE sets
// (Kleene AND/OR, and NOT folded into the leaves by De Morgan), so the
// scanner only ever computes TRUE bitmaps: a leaf is TRUE iff the value is
// present and the condition (negated or not) holds. UNKNOWN needs no mask.
enum class NodeKind {
  kTrue,
  kFalse,
  kAnd,
  kOr,
  kIsNull,      // TRUE iff NULL
  kIsNotNull,   // TRUE iff present
  kFloatRange,  // lo <= v <= hi (inclusive, bounds may be infinite)
  kFloatIn,     // v in float_values
  kIntRange,    // int_lo <= v <= int_hi, int_lo <= int_hi
  kIntIn,       // v in int_values
  kCodeSet,     // categorical: lut[code] (negation folded into the lut)
  kIdSet,       // data_row_id in strings.values
  kIdCompare,   // data_row_id against strings, row by row
  kComplement,  // NOT IN SLICE: rows where children[0] is not TRUE
};

// A predicate on byte strings, evaluated once per dictionary entry (or per
// row for id ranges), never per row of a categorical column.
struct StringPredicate {
  enum class Kind { kCompare, kBetween, kIn };
  Kind kind = Kind::kIn;
  CompareOp op = CompareOp::kEq;
  std::string low, high;            // kCompare uses low; kBetween both
  std::vector<std::string> values;  // kIn, sorted and unique

  bool Matches(absl::string_view s) const;
};

struct BoundNode {
  NodeKind kind = NodeKind::kTrue;
  int column = -1;
  // For leaves: TRUE iff present and the condition does NOT hold.
  bool negate = false;
  float float_lo = 0, float_hi = 0;
  std::vector<float> float_values;
  int64_t int_lo = 0, int_hi = 0;
  std::vector<int64_t> int_values;
  StringPredicate strings;
  std::vector<uint8_t> lut;  // kCodeSet: per code known at Bind()
  int node_index = 0;        // dense index over the whole tree
  std::vector<BoundNode> children;

  bool is_leaf() const {
    return kind != NodeKind::kAnd && kind != NodeKind::kOr &&
           kind != NodeKind::kComplement;
  }
};

struct BoundProgram {
  const TableImpl* table = nullptr;
  Expr expr;
  BoundNode root;
  int num_nodes = 0;
  int depth = 0;
};

std::string DebugString(const BoundProgram& program);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_SCAN_BOUND_PROGRAM_H_
