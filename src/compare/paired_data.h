// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: what the bootstrap reads of two runs (or two metrics tables)
// once they are lined up image by image: image i of the base is image i of
// the new run.
#ifndef SLICEKIT_SRC_COMPARE_PAIRED_DATA_H_
#define SLICEKIT_SRC_COMPARE_PAIRED_DATA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "slicekit/average_precision.h"
#include "slicekit/compare.h"
#include "slicekit/model_run.h"
#include "slicekit/table.h"

namespace slicekit::internal {

// A row's counts at its run's thresholds.
struct RowCounts {
  int64_t tp = 0;
  int64_t fp = 0;
  int64_t fn = 0;
};

// Two runs over the same images in the same order, with the union of their
// classes (the base's first) and the new run's class indexes mapped to it.
struct AlignedRuns {
  ModelRun base;
  ModelRun new_run;
};

// Lines the new run up with the base (rows by data_row_id, in the base's
// order; classes by name). Errors: InvalidArgument for a row in one run
// only (unless `missing_as_no_predictions`), a repeated row id, or ground
// truth that differs, each naming the row.
absl::StatusOr<AlignedRuns> AlignRuns(const ModelRun& base,
                                      const ModelRun& new_run,
                                      bool missing_as_no_predictions);

// Both runs per image: the counts for precision, recall and F1, and (runs
// only) their COCO evaluators.
struct PairedData {
  size_t num_images = 0;
  std::vector<RowCounts> base_counts;
  std::vector<RowCounts> new_counts;
  std::optional<CocoEvaluator> base_coco;
  std::optional<CocoEvaluator> new_coco;
};

// Two metrics tables' live rows lined up: the counts, and where each image
// is in the base table (-1: a row of the new table only).
struct AlignedTables {
  PairedData data;
  std::vector<int64_t> base_row;  // by image
};

// Reads data_row_id, tp, fp and fn of both tables' live rows and lines the
// new table up with the base. Errors: InvalidArgument for a table without
// an int tp, fp or fn column, or as AlignRuns.
absl::StatusOr<AlignedTables> AlignTables(const Table& base,
                                          const Table& new_table,
                                          bool missing_as_no_predictions);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_COMPARE_PAIRED_DATA_H_
