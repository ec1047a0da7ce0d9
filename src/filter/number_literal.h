// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the filter language's number syntax, shared by the text parser
// and the JSON reader ({"number": "1e999"}). Never installed.
#ifndef SLICEKIT_SRC_FILTER_NUMBER_LITERAL_H_
#define SLICEKIT_SRC_FILTER_NUMBER_LITERAL_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "slicekit/expr.h"

namespace slicekit::internal {

// Returns the normalized literal for a number written as in the filter
// grammar (`-12`, `0.5`, `1e999`), or nullopt when `text` is not one.
std::optional<Literal> NumberLiteralFromText(absl::string_view text);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_FILTER_NUMBER_LITERAL_H_
