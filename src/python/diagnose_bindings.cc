// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Why a slice fails (tide.h, confusion_matrix.h, calibration.h,
// label_issues.h): errors_coco and label_issues_coco return plain Python
// data, the JSON of `slicekit errors` / `slicekit label-issues`;
// slicekit.errors(), confusion_matrix() and label_issues() wrap them
// (_diagnose.py). The GIL is released while C++ works.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "slicekit/calibration.h"
#include "slicekit/coco.h"
#include "slicekit/confusion_matrix.h"
#include "slicekit/label_issues.h"
#include "slicekit/metrics.h"
#include "slicekit/scan.h"
#include "slicekit/tide.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

py::object Number(std::optional<double> v) {
  return v ? py::object(py::float_(*v)) : py::object(py::none());
}

// A COCO run and the images `where` selects (all when None), through the
// metrics table as `slicekit errors --where` does.
struct Input {
  ModelRun run;
  std::optional<Selection> rows;
  const Selection* selection() const { return rows ? &*rows : nullptr; }
};

Input Load(const std::string& gt, const std::string& predictions,
           py::handle where, bool lenient) {
  std::optional<Expr> filter;
  if (!where.is_none()) filter = ToExpr(where);
  Input in;
  ImportOptions import;
  import.lenient = lenient;
  absl::Status status = [&]() -> absl::Status {
    py::gil_scoped_release release;
    absl::StatusOr<ModelRun> run = ImportCocoFiles(gt, predictions, import);
    if (!run.ok()) return run.status();
    in.run = *std::move(run);
    if (!filter) return absl::OkStatus();
    absl::StatusOr<RunMetrics> metrics = ComputeMetrics(in.run, {});
    if (!metrics.ok()) return metrics.status();
    absl::StatusOr<Table> table = MetricsToTable(in.run, *metrics);
    if (!table.ok()) return table.status();
    absl::StatusOr<Selection> rows = Filter(*table, *filter);
    if (!rows.ok()) return rows.status();
    in.rows = *std::move(rows);
    return absl::OkStatus();
  }();
  Check(status);
  return in;
}

py::dict CalibrationDict(const Calibration& c) {
  py::list bins;
  for (const ReliabilityBin& b : c.bins) {
    py::dict d;
    d["lower"] = b.lower;
    d["upper"] = b.upper;
    d["count"] = b.count;
    d["mean_confidence"] = Number(b.mean_confidence);
    d["accuracy"] = Number(b.accuracy);
    bins.append(d);
  }
  py::dict out;
  out["ece"] = Number(c.ece);
  out["detections"] = c.num_detections;
  out["bins"] = bins;
  return out;
}

py::dict ErrorsDict(const Input& in, const TideErrors& t,
                    const ConfusionMatrix& m, const CalibrationReport& c) {
  py::dict out;
  out["images"] = in.rows ? in.rows->Count() : in.run.rows.size();
  py::dict main, special, counts, tide;
  main["cls"] = t.cls;
  main["loc"] = t.loc;
  main["both"] = t.both;
  main["dupe"] = t.dupe;
  main["bkg"] = t.bkg;
  main["miss"] = t.miss;
  special["false_pos"] = t.false_pos;
  special["false_neg"] = t.false_neg;
  counts["cls"] = t.num_cls;
  counts["loc"] = t.num_loc;
  counts["both"] = t.num_both;
  counts["dupe"] = t.num_dupe;
  counts["bkg"] = t.num_bkg;
  counts["miss"] = t.num_miss;
  tide["ap50"] = t.ap;
  tide["main"] = main;
  tide["special"] = special;
  tide["counts"] = counts;
  out["tide"] = tide;
  py::list labels, columns;
  for (const std::string& l : m.labels) labels.append(Decode(l));
  for (const std::string& l : m.columns) columns.append(Decode(l));
  py::dict confusion;
  confusion["labels"] = labels;
  confusion["columns"] = columns;
  confusion["matrix"] = m.counts;
  confusion["crowd"] = m.crowd;
  out["confusion"] = confusion;
  py::dict calibration = CalibrationDict(c.all);
  py::dict per_class;
  for (const Calibration& k : c.per_class) {
    per_class[Decode(in.run.classes[k.class_index])] = CalibrationDict(k);
  }
  calibration["per_class"] = per_class;
  out["calibration"] = calibration;
  return out;
}

py::dict ErrorsCoco(const std::string& gt, const std::string& predictions,
                    py::handle where, double iou, double background_iou,
                    double confidence, int bins, bool lenient) {
  const Input in = Load(gt, predictions, where, lenient);
  TideOptions tide;
  tide.foreground_iou = iou;
  tide.background_iou = background_iou;
  ConfusionOptions confusion;
  confusion.iou_threshold = iou;
  confusion.confidence_threshold = confidence;
  CalibrationOptions calibration;
  calibration.iou_threshold = iou;
  calibration.num_bins = bins;
  absl::StatusOr<TideErrors> t;
  absl::StatusOr<ConfusionMatrix> m;
  absl::StatusOr<CalibrationReport> c;
  {
    py::gil_scoped_release release;
    t = ComputeTide(in.run, in.selection(), tide);
    m = ComputeConfusionMatrix(in.run, in.selection(), confusion);
    c = ComputeCalibration(in.run, in.selection(), calibration);
  }
  return ErrorsDict(in, Value(std::move(t)), Value(std::move(m)),
                    Value(std::move(c)));
}

py::list LabelIssuesCoco(const std::string& gt, const std::string& predictions,
                         py::handle where, double min_confidence,
                         double match_iou, double overlap_iou,
                         std::optional<int64_t> top, bool lenient) {
  const Input in = Load(gt, predictions, where, lenient);
  LabelIssueOptions o;
  o.min_confidence = min_confidence;
  o.match_iou = match_iou;
  o.overlap_iou = overlap_iou;
  if (top && *top < 0) {
    throw StatusError(absl::InvalidArgumentError("top must be >= 0"));
  }
  absl::StatusOr<std::vector<LabelIssue>> found;
  {
    py::gil_scoped_release release;
    found = FindLabelIssues(in.run, in.selection(), o);
  }
  std::vector<LabelIssue> issues = Value(std::move(found));
  if (top && issues.size() > static_cast<size_t>(*top)) issues.resize(*top);
  py::list out;
  for (const LabelIssue& i : issues) {
    const DataRow& row = in.run.rows[i.row];
    const Prediction& p = row.predictions[i.prediction];
    py::dict d;
    int64_t id = 0;
    d["image_id"] = absl::SimpleAtoi(row.data_row_id, &id)
                        ? py::object(py::int_(id))
                        : py::object(Decode(row.data_row_id));
    d["annotation_id"] =
        i.ground_truth
            ? py::object(py::int_(row.ground_truths[*i.ground_truth].id))
            : py::object(py::none());
    d["kind"] = std::string(LabelIssueKindName(i.kind));
    d["score"] = i.score;
    d["label"] =
        i.ground_truth
            ? py::object(Decode(
                  in.run
                      .classes[row.ground_truths[*i.ground_truth].class_index]))
            : py::object(py::none());
    d["predicted"] = Decode(in.run.classes[p.class_index]);
    d["confidence"] = p.confidence;
    d["bbox"] = py::make_tuple(p.box.x, p.box.y, p.box.w, p.box.h);
    out.append(d);
  }
  return out;
}

}  // namespace

void BindDiagnose(py::module_& m) {
  m.def("errors_coco", &ErrorsCoco, py::arg("gt"), py::arg("predictions"),
        py::kw_only(), py::arg("where") = py::none(), py::arg("iou") = 0.5,
        py::arg("background_iou") = 0.1, py::arg("confidence") = 0.5,
        py::arg("bins") = 15, py::arg("lenient") = false,
        "TIDE's dAP per error type (tidecv's get_all_errors(), AP points), "
        "the class-agnostic confusion matrix and calibration (ECE, "
        "reliability bins, per class) of a COCO run's images, or those "
        "whose metrics row matches `where`: the JSON of `slicekit errors` "
        "as a dict (docs/errors.md).");
  m.def("label_issues_coco", &LabelIssuesCoco, py::arg("gt"),
        py::arg("predictions"), py::kw_only(), py::arg("where") = py::none(),
        py::arg("min_confidence") = 0.5, py::arg("match_iou") = 0.5,
        py::arg("overlap_iou") = 0.1, py::arg("top") = py::none(),
        py::arg("lenient") = false,
        "Likely label errors per box, highest score first, as a list of "
        "dicts (kind: swapped, overlooked, badly_located; docs/errors.md).");
}

}  // namespace slicekit::python
