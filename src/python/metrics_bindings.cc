// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Model runs: COCO or NDJSON files matched into a metrics table, the same
// path as `slicekit eval`, with the GIL released throughout.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"
#include "slicekit/model_run.h"
#include "slicekit/ndjson.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

struct EvalOptions {
  MetricsOptions metrics;
  MetricsTableOptions table;
  ImportOptions import;
};

EvalOptions MakeOptions(double iou_threshold, double confidence_threshold,
                        const std::string& rule,
                        std::map<std::string, double> class_iou_thresholds,
                        int max_detections, bool per_class_columns,
                        bool lenient, size_t chunk_rows) {
  EvalOptions o;
  o.metrics.iou_threshold = iou_threshold;
  o.metrics.confidence_threshold = confidence_threshold;
  if (rule == "coco") {
    o.metrics.rule = MatchRule::kCoco;
  } else if (rule == "labelbox") {
    o.metrics.rule = MatchRule::kLabelbox;
  } else {
    throw StatusError(absl::InvalidArgumentError(absl::StrCat(
        "unknown matching rule '", rule, "' (use 'coco' or 'labelbox')")));
  }
  o.metrics.class_iou_thresholds = std::move(class_iou_thresholds);
  o.metrics.max_detections = max_detections;
  o.table.per_class_columns = per_class_columns;
  o.table.table.chunk_rows = chunk_rows;
  o.import.lenient = lenient;
  return o;
}

// Matches an imported run into its metrics table (GIL released).
absl::StatusOr<Table> Evaluate(const absl::StatusOr<ModelRun>& run,
                               const EvalOptions& options) {
  if (!run.ok()) return run.status();
  absl::StatusOr<RunMetrics> metrics = ComputeMetrics(*run, options.metrics);
  if (!metrics.ok()) return metrics.status();
  return MetricsToTable(*run, *metrics, options.table);
}

TablePtr Finish(absl::StatusOr<Table> table, const ImportReport& report) {
  TablePtr out = std::make_shared<TableHandle>(Value(std::move(table)));
  if (report.skipped() > 0) {
    py::module_::import("warnings")
        .attr("warn")(absl::StrCat(
            "slicekit: skipped ", report.skipped(),
            " bad records: ", absl::StrJoin(report.reasons, "; ")));
  }
  return out;
}

}  // namespace

void BindMetrics(py::module_& m) {
  m.def(
      "eval_coco",
      [](const std::string& gt, const std::string& predictions,
         double iou_threshold, double confidence_threshold,
         const std::string& rule,
         std::map<std::string, double> class_iou_thresholds, int max_detections,
         bool per_class_columns, bool lenient, size_t chunk_rows) {
        const EvalOptions options =
            MakeOptions(iou_threshold, confidence_threshold, rule,
                        std::move(class_iou_thresholds), max_detections,
                        per_class_columns, lenient, chunk_rows);
        ImportReport report;
        absl::StatusOr<Table> table = [&] {
          py::gil_scoped_release release;
          return Evaluate(
              ImportCocoFiles(gt, predictions, options.import, &report),
              options);
        }();
        return Finish(std::move(table), report);
      },
      py::arg("gt"), py::arg("predictions"), py::kw_only(),
      py::arg("iou_threshold") = 0.5, py::arg("confidence_threshold") = 0.5,
      py::arg("rule") = "coco",
      py::arg("class_iou_thresholds") = std::map<std::string, double>{},
      py::arg("max_detections") = 100, py::arg("per_class_columns") = true,
      py::arg("lenient") = false, py::arg("chunk_rows") = 65536,
      "Imports a COCO instances file and a results file, matches them "
      "(pycocotools' evaluateImg, or rule='labelbox') and returns the "
      "metrics table (the columns of `slicekit eval`; per-class columns "
      "`fp[car]` unless per_class_columns=False). With lenient=True bad "
      "records are skipped with a warning. Errors name the file, the record "
      "and the field.");
  m.def(
      "eval_ndjson",
      [](const std::string& path, std::vector<std::string> classes,
         double iou_threshold, double confidence_threshold,
         const std::string& rule,
         std::map<std::string, double> class_iou_thresholds, int max_detections,
         bool per_class_columns, bool lenient, size_t chunk_rows) {
        const EvalOptions options =
            MakeOptions(iou_threshold, confidence_threshold, rule,
                        std::move(class_iou_thresholds), max_detections,
                        per_class_columns, lenient, chunk_rows);
        NdjsonOptions ndjson;
        ndjson.classes = std::move(classes);
        ndjson.import = options.import;
        ImportReport report;
        absl::StatusOr<Table> table = [&] {
          py::gil_scoped_release release;
          return Evaluate(ImportNdjsonFile(path, ndjson, &report), options);
        }();
        return Finish(std::move(table), report);
      },
      py::arg("path"), py::kw_only(),
      py::arg("classes") = std::vector<std::string>{},
      py::arg("iou_threshold") = 0.5, py::arg("confidence_threshold") = 0.5,
      py::arg("rule") = "coco",
      py::arg("class_iou_thresholds") = std::map<std::string, double>{},
      py::arg("max_detections") = 100, py::arg("per_class_columns") = true,
      py::arg("lenient") = false, py::arg("chunk_rows") = 65536,
      "The same for an NDJSON run (one data row per line; docs/metrics.md).");
}

}  // namespace slicekit::python
