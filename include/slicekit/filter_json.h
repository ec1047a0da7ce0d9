// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_FILTER_JSON_H_
#define SLICEKIT_FILTER_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"

namespace slicekit {

// The version of the JSON filter schema that FilterToJson writes and
// FilterFromJson reads (docs/filter-json.md).
inline constexpr int kFilterJsonVersion = 1;

// Returns `expr` as a compact JSON document:
// {"version":1,"filter":{"op":"<","column":"fp","value":1}}.
std::string FilterToJson(const Expr& expr);

// Parses a JSON document written by FilterToJson (or by hand to the same
// schema). Errors are InvalidArgument naming the JSON path of the problem
// ("filter.args[1].op: unknown operator 'lt'") or, for malformed JSON, the
// byte offset.
absl::StatusOr<Expr> FilterFromJson(absl::string_view json);

}  // namespace slicekit

#endif  // SLICEKIT_FILTER_JSON_H_
