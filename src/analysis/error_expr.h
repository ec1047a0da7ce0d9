// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the per-row error expression of slice discovery (`fp + fn`,
// `1 - f1`, `coalesce(1 - f1, 0)`): a tiny arithmetic language over numeric
// columns. Grammar and NULL rules: docs/slices.md#the-error-expression.
// Never installed.
#ifndef SLICEKIT_SRC_SLICES_ERROR_EXPR_H_
#define SLICEKIT_SRC_SLICES_ERROR_EXPR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "slicekit/table.h"

namespace slicekit::internal {

// A parsed error expression. Immutable; cheap to copy.
class ErrorExpr {
 public:
  // Parses `text`. InvalidArgument with the byte offset, as filters do:
  // "at 4: expected a column, a number, '-', '(' or coalesce(".
  static absl::StatusOr<ErrorExpr> Parse(absl::string_view text);

  // The columns the expression reads, in order of first use.
  const std::vector<ColumnRef>& columns() const { return columns_; }

  // Evaluates the expression on every live row of `table`: values and
  // valid have one entry per row position, values[r] meaningful where
  // valid[r] is 1 (0: NULL, or a deleted row).
  // Errors: NotFound for an unknown column or class (as Bind words it),
  // InvalidArgument for a column that is not int or float.
  absl::Status Evaluate(const Table& table, std::vector<double>* values,
                        std::vector<uint8_t>* valid) const;

  // One step of the postfix program. Public for the implementation only.
  struct Op {
    enum Kind { kNumber, kColumn, kNeg, kAdd, kSub, kMul, kDiv, kCoalesce };
    Kind kind;
    double number = 0;  // kNumber
    int column = 0;     // kColumn: index into columns()
  };

 private:
  std::vector<Op> program_;
  std::vector<ColumnRef> columns_;
};

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_SLICES_ERROR_EXPR_H_
