// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Checks shared by the importer fuzz targets (coco_fuzzer, ndjson_fuzzer):
// the invariants model_run.h promises of a loaded run, and that a run the
// importer accepts goes through matching and the metrics table without
// crashing, since that is what `slicekit eval` does with it next.
#ifndef SLICEKIT_TESTS_FUZZ_MODEL_RUN_CHECKS_H_
#define SLICEKIT_TESTS_FUZZ_MODEL_RUN_CHECKS_H_

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/average_precision.h"
#include "slicekit/coco.h"
#include "slicekit/explore.h"
#include "slicekit/metrics.h"
#include "slicekit/model_run.h"
#include "slicekit/table.h"
#include "tests/fuzz/fail.h"

namespace slicekit::fuzz {

inline bool ValidBox(const Box& box) {
  return std::isfinite(box.x) && std::isfinite(box.y) && std::isfinite(box.w) &&
         std::isfinite(box.h) && box.w >= 0 && box.h >= 0;
}

inline bool ValidConfidence(double confidence) {
  return std::isfinite(confidence) && confidence >= 0 && confidence <= 1;
}

// Aborts unless `run` keeps model_run.h's promises: unique non-empty class
// names, class ids parallel to them (or none), unique row ids, metadata
// names unique within a row, class indexes in range, finite boxes with
// w, h >= 0 and confidences in [0, 1].
inline void CheckModelRun(absl::string_view target, const ModelRun& run) {
  absl::flat_hash_set<std::string> names;
  for (const std::string& name : run.classes) {
    if (name.empty() || !names.insert(name).second) {
      Fail(target, "empty or repeated class name", name);
    }
  }
  if (!run.class_ids.empty() && run.class_ids.size() != run.classes.size()) {
    Fail(target, "class_ids not parallel to classes", "");
  }
  const int32_t num_classes = static_cast<int32_t>(run.classes.size());
  auto in_range = [&](int32_t index) {
    return index >= 0 && index < num_classes;
  };
  absl::flat_hash_set<std::string> ids;
  for (const DataRow& row : run.rows) {
    if (!ids.insert(row.data_row_id).second) {
      Fail(target, "repeated row id", row.data_row_id);
    }
    absl::flat_hash_set<std::string> keys;
    for (const auto& [key, value] : row.metadata) {
      if (!keys.insert(key).second) {
        Fail(target, "repeated metadata name", row.data_row_id + " " + key);
      }
    }
    for (const GroundTruth& gt : row.ground_truths) {
      if (!in_range(gt.class_index) || !ValidBox(gt.box)) {
        Fail(target, "bad ground truth", row.data_row_id);
      }
      if (gt.area.has_value() && !(std::isfinite(*gt.area) && *gt.area >= 0)) {
        Fail(target, "bad area", row.data_row_id);
      }
    }
    for (const Prediction& p : row.predictions) {
      if (!in_range(p.class_index) || !ValidBox(p.box) ||
          !ValidConfidence(p.confidence)) {
        Fail(target, "bad prediction", row.data_row_id);
      }
    }
    for (const std::optional<ClassAnswer>* answer :
         {&row.label, &row.classification}) {
      if (answer->has_value() && (!in_range((*answer)->class_index) ||
                                  !ValidConfidence((*answer)->confidence))) {
        Fail(target, "bad label or classification", row.data_row_id);
      }
    }
  }
}

// Aborts unless a lenient report is consistent with `run`'s source: no more
// reasons than kMaxReasons and none without a skip.
inline void CheckReport(absl::string_view target, const ImportReport& report) {
  if (report.reasons.size() > ImportReport::kMaxReasons ||
      (report.skipped() == 0) != report.reasons.empty()) {
    Fail(target, "inconsistent import report", "");
  }
}

// Checks a strict and a lenient import of one input against each other:
// both fail only as `check_error` allows, the lenient one fails only where
// the strict one does, and where the strict one succeeds the lenient one
// skipped nothing and has the same rows and classes. Returns the lenient
// run, or null when it failed.
template <typename CheckError>
const ModelRun* CheckStrictAndLenient(absl::string_view target,
                                      const absl::StatusOr<ModelRun>& strict,
                                      const absl::StatusOr<ModelRun>& lenient,
                                      const ImportReport& report,
                                      CheckError check_error) {
  if (!strict.ok()) check_error(strict.status());
  if (!lenient.ok()) {
    check_error(lenient.status());
    if (strict.ok()) {
      Fail(target, "lenient import fails where strict succeeds",
           lenient.status().ToString());
    }
    return nullptr;
  }
  CheckReport(target, report);
  CheckModelRun(target, *lenient);
  if (strict.ok()) {
    CheckModelRun(target, *strict);
    if (report.skipped() != 0 || strict->rows.size() != lenient->rows.size() ||
        strict->classes != lenient->classes) {
      Fail(target, "lenient import differs from a good strict one",
           report.reasons.empty() ? "" : report.reasons[0]);
    }
  }
  return &*lenient;
}

// Matches `run` with both rules and builds the metrics table of one, as
// `slicekit eval` does (one table only: building it dominates the time of
// an execution). Errors are fine (a metadata name may collide with a metric
// column); crashes and sanitizer reports are not.
inline void EvaluateRun(const ModelRun& run) {
  // Masks: checked and matched, or InvalidArgument (a missing or
  // mismatched mask).
  absl::StatusOr<Evaluator> segm = Evaluator::Create(&run, IouType::kSegm);
  if (!segm.ok() &&
      segm.status().code() != absl::StatusCode::kInvalidArgument) {
    Fail("EvaluateRun", "segm evaluator error is not InvalidArgument",
         segm.status().ToString());
  }
  if (segm.ok()) {
    MetricsOptions options;
    options.iou_type = IouType::kSegm;
    if (!segm->Compute(options).ok()) {
      Fail("EvaluateRun", "segm Compute failed on a checked run", "");
    }
  }
  // Keypoints likewise (OKS needs every object's keypoints and sigmas).
  absl::StatusOr<Evaluator> oks = Evaluator::Create(&run, IouType::kKeypoints);
  if (!oks.ok() && oks.status().code() != absl::StatusCode::kInvalidArgument) {
    Fail("EvaluateRun", "keypoint evaluator error is not InvalidArgument",
         oks.status().ToString());
  }
  if (oks.ok()) {
    MetricsOptions options;
    options.iou_type = IouType::kKeypoints;
    if (!oks->Compute(options).ok()) {
      Fail("EvaluateRun", "keypoint Compute failed on a checked run", "");
    }
    (void)CocoEvaluator::Create(*oks).Evaluate();
  }
  absl::StatusOr<Evaluator> evaluator = Evaluator::Create(&run);
  if (!evaluator.ok()) return;
  MetricsOptions options;
  options.rule = MatchRule::kLabelbox;
  (void)evaluator->Compute(options);
  options.rule = MatchRule::kCoco;
  options.max_detections = 2;
  absl::StatusOr<RunMetrics> metrics = evaluator->Compute(options);
  if (!metrics.ok()) return;
  MetricsTableOptions table_options;
  table_options.table.chunk_rows = 64;
  absl::StatusOr<Table> table = MetricsToTable(run, *metrics, table_options);
  // WriteMetricsCsv (what `slicekit eval` writes) must fail exactly when
  // MetricsToTable does and otherwise equal the table's CSV export.
  std::ostringstream direct;
  const absl::Status direct_status =
      WriteMetricsCsv(run, *metrics, table_options, direct);
  if (direct_status.ok() != table.ok()) {
    Fail("EvaluateRun", "WriteMetricsCsv and MetricsToTable disagree",
         direct_status.ok() ? table.status().ToString()
                            : direct_status.ToString());
  }
  if (!table.ok()) return;
  std::vector<RowIndex> rows(table->num_rows());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<RowIndex>(i);
  std::ostringstream exported;
  if (!ExportRows(*table, rows, ExportFormat::kCsv, exported).ok() ||
      exported.str() != direct.str()) {
    Fail("EvaluateRun", "WriteMetricsCsv differs from the table's export", "");
  }
}

}  // namespace slicekit::fuzz

#endif  // SLICEKIT_TESTS_FUZZ_MODEL_RUN_CHECKS_H_
