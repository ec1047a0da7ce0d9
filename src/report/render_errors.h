// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: a slice's "why it fails" part of the report (docs/report.md,
// docs/errors.md): TIDE bars, the confusion matrix as a heat map, the
// reliability diagram.
#ifndef SLICEKIT_SRC_REPORT_RENDER_ERRORS_H_
#define SLICEKIT_SRC_REPORT_RENDER_ERRORS_H_

#include <string>

#include "slicekit/report.h"

namespace slicekit::internal {

// Appends <div class="errors"> with what the slice has of the three; nothing
// when it has none (no model run).
void ErrorsPart(const ReportSlice& slice, std::string* out);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_REPORT_RENDER_ERRORS_H_
