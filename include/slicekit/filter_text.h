// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_FILTER_TEXT_H_
#define SLICEKIT_FILTER_TEXT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"

namespace slicekit {

// Parses the filter language (docs/filter-language.md): a SQL WHERE-like
// predicate such as `confidence < 0.5 AND fp[car] >= 1`. Errors are
// InvalidArgument with the 0-based byte offset of the offending token and
// what was expected there: "at 13: expected a value after '<'". Input longer
// than kMaxFilterInputBytes or nested deeper than kMaxFilterDepth is an error.
// Blank input is an error ("empty filter").
absl::StatusOr<Expr> ParseFilter(absl::string_view text);

// Returns the canonical text of `expr` (same as expr.ToString()).
std::string FormatFilter(const Expr& expr);

}  // namespace slicekit

#endif  // SLICEKIT_FILTER_TEXT_H_
