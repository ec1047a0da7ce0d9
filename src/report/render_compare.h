// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the report's comparison section (docs/report.md#comparison).
#ifndef SLICEKIT_SRC_REPORT_RENDER_COMPARE_H_
#define SLICEKIT_SRC_REPORT_RENDER_COMPARE_H_

#include <string>

#include "slicekit/compare.h"

namespace slicekit::internal {

// <section id="comparison">: per metric a forest plot of each slice's
// delta with its CI coloured by verdict and a table of the numbers; the
// per-class AP deltas; what discovery found.
void ComparisonSection(const Comparison& comparison, std::string* out);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_REPORT_RENDER_COMPARE_H_
