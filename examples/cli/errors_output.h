// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The output of `slicekit errors` and `slicekit label-issues`: JSON as
// README's "Why a slice fails" documents, and text for a terminal.
#ifndef SLICEKIT_EXAMPLES_CLI_ERRORS_OUTPUT_H_
#define SLICEKIT_EXAMPLES_CLI_ERRORS_OUTPUT_H_

#include <vector>

#include "nlohmann/json.hpp"
#include "slicekit/calibration.h"
#include "slicekit/confusion_matrix.h"
#include "slicekit/label_issues.h"
#include "slicekit/model_run.h"
#include "slicekit/tide.h"

namespace slicekit::cli {

nlohmann::json ErrorsJson(const TideErrors& tide,
                          const ConfusionMatrix& confusion,
                          const CalibrationReport& calibration,
                          const ModelRun& run, int64_t images);
// Returns false when stdout cannot be written.
bool PrintErrorsText(const TideErrors& tide, const ConfusionMatrix& confusion,
                     const CalibrationReport& calibration, const ModelRun& run,
                     int64_t images);

nlohmann::json LabelIssuesJson(const std::vector<LabelIssue>& issues,
                               const ModelRun& run);
bool PrintLabelIssuesText(const std::vector<LabelIssue>& issues,
                          const ModelRun& run);

}  // namespace slicekit::cli

#endif  // SLICEKIT_EXAMPLES_CLI_ERRORS_OUTPUT_H_
