// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The COCO parameter flags of `slicekit ap`: --max-dets, --iou-thresholds,
// --rec-thresholds, --area-ranges, --no-categories (pycocotools' Params).
#ifndef SLICEKIT_EXAMPLES_CLI_COCO_PARAMS_H_
#define SLICEKIT_EXAMPLES_CLI_COCO_PARAMS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "examples/cli/cli.h"
#include "nlohmann/json.hpp"
#include "slicekit/average_precision.h"

namespace slicekit::cli {

std::vector<FlagSpec> CocoParamsFlags();
// The defaults of iou_type with the flags given applied; InvalidArgument
// naming the flag (and the item) of a bad value.
absl::StatusOr<CocoParams> ParseCocoParams(const ParsedFlags& flags,
                                           IouType iou_type);
// {"iou_thresholds": [...], "recall_thresholds": [...], "max_dets": [...],
//  "area_ranges": [{"label", "min", "max"}...], "use_cats": bool}.
nlohmann::json CocoParamsJson(const CocoParams& params);

}  // namespace slicekit::cli

#endif  // SLICEKIT_EXAMPLES_CLI_COCO_PARAMS_H_
