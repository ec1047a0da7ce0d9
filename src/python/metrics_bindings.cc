// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Model runs: COCO or NDJSON files matched into a metrics table, the same
// path as `slicekit eval`, with the GIL released throughout.
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "slicekit/average_precision.h"
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


// kpt_oks_sigmas=: the OKS sigmas of every class with that many keypoints.
absl::Status ApplySigmas(const std::optional<std::vector<double>>& sigmas,
                         ModelRun* run) {
  if (!sigmas) return absl::OkStatus();
  for (double v : *sigmas) {
    if (!(v > 0) || !std::isfinite(v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("kpt_oks_sigmas must be positive numbers, got ", v));
    }
  }
  size_t fitted = 0;
  for (KeypointSchema& schema : run->keypoints) {
    if (schema.names.size() != sigmas->size()) continue;
    schema.sigmas = *sigmas;
    ++fitted;
  }
  if (fitted == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("kpt_oks_sigmas has ", sigmas->size(),
                     " sigmas; no class of the run has that many keypoints"));
  }
  return absl::OkStatus();
}

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

// threads= of load_coco, eval_coco and coco_ap: None is every core.
int ThreadsArg(const std::optional<int>& threads) {
  if (!threads.has_value()) {
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  if (*threads < 1) {
    throw py::value_error(
        absl::StrCat("threads must be at least 1 (or None), not ", *threads));
  }
  return *threads;
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

// One COCO evaluation with the run's class names and what Sweep() needs.
struct PyCocoAp {
  RunPtr run;
  std::optional<Selection> rows;  // nullopt: every image
  CocoEvaluation evaluation;
  // Under coco_ap's params, when any differs from the defaults; else the
  // run's evaluator answers.
  std::shared_ptr<const CocoEvaluator> custom;
  const CocoEvaluator& coco() const { return custom ? *custom : *run->coco; }
};

RunPtr LoadCoco(const std::string& gt, const std::string& predictions,
                bool lenient, IouType iou_type,
                const std::optional<std::vector<double>>& sigmas,
                int threads) {
  auto state = std::make_shared<RunState>();
  ImportReport report;
  Check([&]() -> absl::Status {
    py::gil_scoped_release release;
    ImportOptions options;
    options.lenient = lenient;
    absl::StatusOr<ModelRun> run =
        ImportCocoFiles(gt, predictions, options, &report);
    if (!run.ok()) return run.status();
    state->run = *std::move(run);
    if (absl::Status s = ApplySigmas(sigmas, &state->run); !s.ok()) return s;
    absl::StatusOr<Evaluator> evaluator =
        Evaluator::Create(&state->run, iou_type, threads);
    if (!evaluator.ok()) return evaluator.status();
    state->evaluator.emplace(*std::move(evaluator));
    state->coco.emplace(CocoEvaluator::Create(*state->evaluator));
    return absl::OkStatus();
  }());
  if (report.skipped() > 0) {
    py::module_::import("warnings")
        .attr("warn")(absl::StrCat(
            "slicekit: skipped ", report.skipped(),
            " bad records: ", absl::StrJoin(report.reasons, "; ")));
  }
  return state;
}

// The images `rows` names: None (all), a Selection over the run's rows (of
// a metrics table of this run), row positions or a boolean mask.
std::optional<Selection> RunRows(const RunState& state, py::handle rows) {
  const size_t n = state.run.rows.size();
  if (rows.is_none()) return std::nullopt;
  Selection out(n);
  if (py::isinstance<PySelection>(rows)) {
    const PySelection& s = rows.cast<const PySelection&>();
    const Selection live = Value(Reading(
        *s.table, [&] { return LiveSelection(s.table->table, s.selection); }));
    if (live.num_rows() > n) {
      throw StatusError(absl::InvalidArgumentError(absl::StrCat(
          "the selection covers ", live.num_rows(), " rows; the run has ", n,
          " images (select rows of a metrics table of this run)")));
    }
    live.ForEach([&](RowIndex r) { out.Add(r); });
    return out;
  }
  py::array mask = py::array::ensure(rows);
  if (mask && mask.dtype().kind() == 'b') {
    if (mask.ndim() != 1 || static_cast<size_t>(mask.size()) != n) {
      throw py::type_error(absl::StrCat(
          "a boolean mask of images must have one entry per image (", n,
          "), not ", mask.size()));
    }
    py::array_t<bool, py::array::c_style | py::array::forcecast> b(mask);
    for (size_t i = 0; i < n; ++i) {
      if (b.data()[i]) out.Add(static_cast<RowIndex>(i));
    }
    return out;
  }
  for (RowIndex r : ToRows(rows)) {
    if (r >= n) {
      throw StatusError(absl::InvalidArgumentError(absl::StrCat(
          "row position ", r, " is out of range; the run has ", n, " images")));
    }
    out.Add(r);
  }
  return out;
}

// COCO's Params as coco_ap's keywords give them (None: the default of the
// run's IouType); the Python wrapper has checked their types.
struct ApParams {
  std::optional<std::vector<int>> max_dets;
  std::optional<std::vector<double>> iou_thresholds;
  std::optional<std::vector<double>> rec_thresholds;
  std::optional<std::vector<std::tuple<std::string, double, double>>>
      area_ranges;
  bool use_cats = true;
};

// ValidateCocoParams' message with the keyword's name for the field.
absl::Status AsKeywordError(const absl::Status& s) {
  return absl::Status(s.code(),
                      absl::StrReplaceAll(s.message(), {{"recall_thresholds",
                                                         "rec_thresholds"}}));
}

PyCocoAp RunAp(const RunPtr& state, py::handle rows,
               const ApParams& keywords) {
  PyCocoAp out{state, RunRows(*state, rows), {}, nullptr};
  const bool custom = keywords.max_dets || keywords.iou_thresholds ||
                      keywords.rec_thresholds || keywords.area_ranges ||
                      !keywords.use_cats;
  CocoParams params = CocoParams::Default(state->evaluator->iou_type());
  if (keywords.max_dets) params.max_dets = *keywords.max_dets;
  if (keywords.iou_thresholds) params.iou_thresholds = *keywords.iou_thresholds;
  if (keywords.rec_thresholds) {
    params.recall_thresholds = *keywords.rec_thresholds;
  }
  if (keywords.area_ranges) {
    params.area_ranges.clear();
    for (const auto& [label, lo, hi] : *keywords.area_ranges) {
      params.area_ranges.push_back({label, lo, hi});
    }
  }
  params.use_cats = keywords.use_cats;
  out.evaluation = Value([&]() -> absl::StatusOr<CocoEvaluation> {
    py::gil_scoped_release release;
    if (custom) {
      // Matched again under these params: the run keeps only the default
      // evaluator.
      absl::StatusOr<CocoEvaluator> coco =
          CocoEvaluator::Create(*state->evaluator, params);
      if (!coco.ok()) return AsKeywordError(coco.status());
      out.custom = std::make_shared<const CocoEvaluator>(*std::move(coco));
    }
    if (out.rows) return out.coco().Evaluate(*out.rows);
    return out.coco().Evaluate();
  }());
  return out;
}

// Per class and all classes (class None): (class, threshold, tp, fp, fn,
// precision, recall, f1) at each threshold, descending.
py::list SweepOf(const PyCocoAp& ap, double iou,
                 std::vector<double> thresholds) {
  SweepOptions options;
  options.iou_threshold = iou;
  options.thresholds = std::move(thresholds);
  const std::vector<ClassSweep> sweeps =
      Value([&]() -> absl::StatusOr<std::vector<ClassSweep>> {
        py::gil_scoped_release release;
        return ap.coco().Sweep(options, ap.rows ? &*ap.rows : nullptr);
      }());
  py::list out;
  for (const ClassSweep& s : sweeps) {
    py::object name =
        s.class_index < 0
            ? py::object(py::none())
            : py::object(Decode(ap.run->run.classes[s.class_index]));
    for (const ThresholdPoint& p : s.points) {
      out.append(py::make_tuple(name, p.threshold, p.tp, p.fp, p.fn,
                                p.precision, p.recall, p.f1));
    }
  }
  return out;
}

// The PR curves (one point per recall threshold) of each class with ground
// truth, first area range (all), last maxDets (100 by default): (class
// names, IoU, recall, precision, score) columns. Pooled classes are "all".
py::tuple PrCurves(const PyCocoAp& ap) {
  const CocoEvaluation& e = ap.evaluation;
  py::list names;
  std::vector<double> iou, recall, precision, score;
  const int m = e.num_max_dets() - 1;
  for (int k = 0; k < e.num_classes; ++k) {
    if (e.classes[k].num_ground_truths == 0) continue;  // no curve
    py::str name = e.classes[k].class_index < 0
                       ? py::str("all")
                       : Decode(ap.run->run.classes[k]);
    for (int t = 0; t < e.num_iou_thresholds(); ++t) {
      for (int r = 0; r < e.num_recall_thresholds(); ++r) {
        names.append(name);
        iou.push_back(e.params.iou_thresholds[t]);
        recall.push_back(e.params.recall_thresholds[r]);
        precision.push_back(e.Precision(t, r, k, 0, m));
        score.push_back(e.Score(t, r, k, 0, m));
      }
    }
  }
  return py::make_tuple(
      names, py::array(py::cast(iou)), py::array(py::cast(recall)),
      py::array(py::cast(precision)), py::array(py::cast(score)));
}

void BindCocoAp(py::module_& m) {
  py::class_<PyCocoAp>(m, "_CocoAp",
                       "COCO evaluation of a run's images (slicekit.coco_ap "
                       "wraps it as AveragePrecision).")
      .def_property_readonly(
          "stats",
          [](const PyCocoAp& a) {
            return std::vector<double>(
                a.evaluation.stats.begin(),
                a.evaluation.stats.begin() + a.evaluation.num_stats);
          })
      .def_property_readonly(
          "stat_lines",
          [](const PyCocoAp& a) {
            std::vector<std::string> lines;
            for (int i = 0; i < a.evaluation.num_stats; ++i) {
              lines.push_back(a.evaluation.StatLine(i));
            }
            return lines;
          })
      .def_property_readonly(
          "num_images",
          [](const PyCocoAp& a) { return a.evaluation.num_images; })
      .def_property_readonly(
          "per_class",
          [](const PyCocoAp& a) {
            py::list out;
            for (const CocoClassAp& c : a.evaluation.classes) {
              out.append(py::make_tuple(
                  c.class_index < 0
                      ? py::str("all")
                      : Decode(a.run->run.classes[c.class_index]),
                                 c.num_ground_truths, c.num_detections, c.ap,
                                 c.ap50, c.ap75, c.ar100));
            }
            return out;
          })
      .def_property_readonly("pr_curves", &PrCurves)
      .def_property_readonly(
          "params",
          [](const PyCocoAp& a) {
            const CocoParams& p = a.evaluation.params;
            py::list areas;
            for (const CocoAreaRange& r : p.area_ranges) {
              areas.append(py::make_tuple(r.label, r.min, r.max));
            }
            py::dict out;
            out["max_dets"] = p.max_dets;
            out["iou_thresholds"] = p.iou_thresholds;
            out["rec_thresholds"] = p.recall_thresholds;
            out["area_ranges"] = areas;
            out["use_cats"] = p.use_cats;
            return out;
          })
      .def("sweep", &SweepOf, py::arg("iou") = 0.5,
           py::arg("thresholds") = std::vector<double>{});
}

void BindRun(py::module_& m) {
  py::class_<RunState, std::shared_ptr<RunState>>(
      m, "ModelRun",
      "A COCO run loaded once (load_coco): its IoUs are computed at load, "
      "so metrics() re-thresholds and ap() evaluates any set of images "
      "without matching again.")
      .def_property_readonly(
          "num_images", [](const RunState& r) { return r.run.rows.size(); })
      .def_property_readonly(
          "iou_type",
          [](const RunState& r) {
            return IouTypeName(r.evaluator->iou_type());
          },
          "What the run was matched on: 'bbox' or 'segm' (load_coco's "
          "iou_type).")
      .def_property_readonly("classes",
                             [](const RunState& r) {
                               py::list out;
                               for (const std::string& c : r.run.classes) {
                                 out.append(Decode(c));
                               }
                               return out;
                             })
      .def(
          "metrics",
          [](const RunPtr& r, double iou_threshold, double confidence_threshold,
             const std::string& rule,
             std::map<std::string, double> class_iou_thresholds,
             int max_detections, bool per_class_columns, bool label_issues,
             size_t chunk_rows) {
            EvalOptions options =
                MakeOptions(iou_threshold, confidence_threshold, rule,
                            std::move(class_iou_thresholds), max_detections,
                            per_class_columns, false, chunk_rows);
            if (label_issues) options.table.label_issues = LabelIssueOptions{};
            absl::StatusOr<Table> table = [&]() -> absl::StatusOr<Table> {
              py::gil_scoped_release release;
              MetricsOptions metrics_options = options.metrics;
              metrics_options.iou_type = r->evaluator->iou_type();
              absl::StatusOr<RunMetrics> metrics =
                  r->evaluator->Compute(metrics_options);
              if (!metrics.ok()) return metrics.status();
              return MetricsToTable(r->run, *metrics, options.table);
            }();
            return std::make_shared<TableHandle>(Value(std::move(table)));
          },
          py::kw_only(), py::arg("iou_threshold") = 0.5,
          py::arg("confidence_threshold") = 0.5, py::arg("rule") = "coco",
          py::arg("class_iou_thresholds") = std::map<std::string, double>{},
          py::arg("max_detections") = 100, py::arg("per_class_columns") = true,
          py::arg("label_issues") = false, py::arg("chunk_rows") = 65536,
          "The metrics table at these thresholds (eval_coco's), from the "
          "IoUs computed at load: no box is matched again. Its rows are the "
          "run's images in order, so its selections name images for ap().")
      .def(
          "_per_class_csv",
          [](const RunPtr& r, double iou_threshold, double confidence_threshold,
             const std::string& rule,
             std::map<std::string, double> class_iou_thresholds,
             int max_detections) {
            const EvalOptions options =
                MakeOptions(iou_threshold, confidence_threshold, rule,
                            std::move(class_iou_thresholds), max_detections,
                            true, false, 65536);
            std::string csv = Value([&]() -> absl::StatusOr<std::string> {
              py::gil_scoped_release release;
              MetricsOptions metrics_options = options.metrics;
              metrics_options.iou_type = r->evaluator->iou_type();
              absl::StatusOr<RunMetrics> metrics =
                  r->evaluator->Compute(metrics_options);
              if (!metrics.ok()) return metrics.status();
              std::ostringstream out;
              absl::Status s = WritePerClassCsv(r->run, *metrics, out);
              if (!s.ok()) return s;
              return std::move(out).str();
            }());
            return py::bytes(csv);
          },
          py::kw_only(), py::arg("iou_threshold") = 0.5,
          py::arg("confidence_threshold") = 0.5, py::arg("rule") = "coco",
          py::arg("class_iou_thresholds") = std::map<std::string, double>{},
          py::arg("max_detections") = 100)
      .def(
          "_ap",
          [](const RunPtr& r, py::handle rows,
             std::optional<std::vector<int>> max_dets,
             std::optional<std::vector<double>> iou_thresholds,
             std::optional<std::vector<double>> rec_thresholds,
             std::optional<std::vector<std::tuple<std::string, double, double>>>
                 area_ranges,
             bool use_cats) {
            return RunAp(r, rows,
                         {std::move(max_dets), std::move(iou_thresholds),
                          std::move(rec_thresholds), std::move(area_ranges),
                          use_cats});
          },
          py::arg("rows") = py::none(), py::kw_only(),
          py::arg("max_dets") = py::none(),
          py::arg("iou_thresholds") = py::none(),
          py::arg("rec_thresholds") = py::none(),
          py::arg("area_ranges") = py::none(), py::arg("use_cats") = true)
      .def("__repr__", [](const RunState& r) {
        return absl::StrCat("<slicekit.ModelRun ", r.run.rows.size(),
                            " images, ", r.run.classes.size(), " classes>");
      });
  m.def(
      "load_coco",
      [](py::handle gt, py::handle predictions, bool lenient,
         const std::string& iou_type,
         std::optional<std::vector<double>> kpt_oks_sigmas,
         std::optional<int> threads) {
        const IouType type = ParseIouType(iou_type);
        const int workers = ThreadsArg(threads);
        return LoadCoco(PathArg(gt, "gt"), PathArg(predictions, "predictions"),
                        lenient, type, kpt_oks_sigmas, workers);
      },
      py::arg("gt"), py::arg("predictions"), py::kw_only(),
      py::arg("lenient") = false, py::arg("iou_type") = "bbox",
      py::arg("kpt_oks_sigmas") = py::none(), py::arg("threads") = py::none(),
      "Imports a COCO instances file and a results file and computes every "
      "IoU once: a ModelRun to re-threshold (metrics()) and evaluate "
      "(coco_ap) without matching again. iou_type='segm' matches instance "
      "masks (the files' `segmentation`) instead of boxes, 'keypoints' "
      "keypoints by OKS (kpt_oks_sigmas: the sigmas of the classes with that "
      "many keypoints; default COCO's 17 person sigmas). threads: how many "
      "compute the IoUs (None: every core; the same run with any number).");
}

}  // namespace

void BindMetrics(py::module_& m) {
  BindCocoAp(m);
  BindRun(m);
  m.def(
      "eval_coco",
      [](py::handle gt_path, py::handle predictions_path, double iou_threshold,
         double confidence_threshold, const std::string& rule,
         std::map<std::string, double> class_iou_thresholds, int max_detections,
         bool per_class_columns, bool label_issues, bool lenient,
         size_t chunk_rows, const std::string& iou_type,
         std::optional<std::vector<double>> kpt_oks_sigmas,
         std::optional<int> threads) {
        EvalOptions options =
            MakeOptions(iou_threshold, confidence_threshold, rule,
                        std::move(class_iou_thresholds), max_detections,
                        per_class_columns, lenient, chunk_rows);
        if (label_issues) options.table.label_issues = LabelIssueOptions{};
        options.metrics.iou_type = ParseIouType(iou_type);
        options.metrics.threads = ThreadsArg(threads);
        const std::string gt = PathArg(gt_path, "gt");
        const std::string predictions =
            PathArg(predictions_path, "predictions");
        ImportReport report;
        absl::StatusOr<Table> table = [&] {
          py::gil_scoped_release release;
          absl::StatusOr<ModelRun> run =
              ImportCocoFiles(gt, predictions, options.import, &report);
          if (run.ok()) {
            if (absl::Status s = ApplySigmas(kpt_oks_sigmas, &*run); !s.ok()) {
              return absl::StatusOr<Table>(s);
            }
          }
          return Evaluate(run, options);
        }();
        return Finish(std::move(table), report);
      },
      py::arg("gt"), py::arg("predictions"), py::kw_only(),
      py::arg("iou_threshold") = 0.5, py::arg("confidence_threshold") = 0.5,
      py::arg("rule") = "coco",
      py::arg("class_iou_thresholds") = std::map<std::string, double>{},
      py::arg("max_detections") = 100, py::arg("per_class_columns") = true,
      py::arg("label_issues") = false, py::arg("lenient") = false,
      py::arg("chunk_rows") = 65536, py::arg("iou_type") = "bbox",
      py::arg("kpt_oks_sigmas") = py::none(), py::arg("threads") = py::none(),
      "Imports a COCO instances file and a results file, matches them "
      "(pycocotools' evaluateImg, or rule='labelbox'; on boxes, on instance "
      "masks with iou_type='segm', or by OKS with iou_type='keypoints', "
      "where pycocotools' maxDets is max_detections=20) and returns the "
      "metrics table (the columns of `slicekit eval`; per-class columns "
      "`fp[car]` unless per_class_columns=False; label_issues=True adds "
      "label_issue_score, the image's highest label issue score, which "
      "offers the 'Label issues' auto slice). With lenient=True bad "
      "records are skipped with a warning. threads: how many match (None: "
      "every core; the same table with any number). Errors name the file, "
      "the record and the field.");
  m.def(
      "eval_ndjson",
      [](py::handle path_arg, std::vector<std::string> classes,
         double iou_threshold, double confidence_threshold,
         const std::string& rule,
         std::map<std::string, double> class_iou_thresholds, int max_detections,
         bool per_class_columns, bool lenient, size_t chunk_rows) {
        const EvalOptions options =
            MakeOptions(iou_threshold, confidence_threshold, rule,
                        std::move(class_iou_thresholds), max_detections,
                        per_class_columns, lenient, chunk_rows);
        const std::string path = PathArg(path_arg, "path");
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
