// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit compare`'s output: the text tables and the JSON document
// (docs/compare.md#the-cli).
#ifndef SLICEKIT_EXAMPLES_CLI_COMPARE_OUTPUT_H_
#define SLICEKIT_EXAMPLES_CLI_COMPARE_OUTPUT_H_

#include "slicekit/compare.h"

namespace slicekit::cli {

// Per metric a table, one row a slice: images, base, new, delta, CI, q,
// verdict; then what --discover found. Returns false when writing fails.
bool PrintComparisonText(const Comparison& comparison);

// {"base", "new", "options", "slices": [...], "classes", "discovered"}.
bool PrintComparisonJson(const Comparison& comparison);

}  // namespace slicekit::cli

#endif  // SLICEKIT_EXAMPLES_CLI_COMPARE_OUTPUT_H_
