// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Imports a model run from NDJSON: one data row per line, with its metadata,
// ground truth and predictions, so pipelines can stream rows in. The format
// is documented in docs/metrics.md.
#ifndef SLICEKIT_NDJSON_H_
#define SLICEKIT_NDJSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/coco.h"
#include "slicekit/model_run.h"

namespace slicekit {

struct NdjsonOptions {
  // The run's class list. Empty: the classes named in the file, in order of
  // first appearance. Non-empty: a class not in it is an error.
  std::vector<std::string> classes;
  ImportOptions import;
};

// Builds a ModelRun from NDJSON text. Each non-blank line is an object:
//   {"data_row_id": "img-1", "dataset": "drone", "split": "val",
//    "global_key": "k", "metadata": {"weather": "rain", "width": 640},
//    "ground_truth": [{"class": "car", "bbox": [x, y, w, h],
//                      "iscrowd": 0, "area": 12.5}],
//    "predictions": [{"class": "car", "bbox": [x, y, w, h],
//                     "confidence": 0.9}],
//    "label": {"class": "car"},
//    "classification": {"class": "car", "confidence": 0.8}}
// Only `data_row_id` (a non-empty string, unique) is required. Metadata
// values are strings or numbers. Confidence defaults to 1.0.
// Errors: InvalidArgument naming the source, the 1-based line (and the id
// once read) and the field, e.g. `rows.ndjson: line 3 (id "a"):
// ground_truth[1]: bbox: width is negative (-3)`. In lenient mode a bad
// line is skipped (counted in `report->skipped_rows`), malformed JSON
// included.
absl::StatusOr<ModelRun> ImportNdjson(
    absl::string_view text, const NdjsonOptions& options = {},
    ImportReport* report = nullptr,
    absl::string_view source_name = "rows.ndjson");

// Reads the file, then ImportNdjson() with its base name as the source name.
// NotFound when it cannot be read.
absl::StatusOr<ModelRun> ImportNdjsonFile(const std::string& path,
                                          const NdjsonOptions& options = {},
                                          ImportReport* report = nullptr);

}  // namespace slicekit

#endif  // SLICEKIT_NDJSON_H_
