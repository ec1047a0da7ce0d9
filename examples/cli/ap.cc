// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit ap`: COCO AP as pycocotools' summarize() prints it, for all
// images or a slice of them (docs/metrics.md#average-precision), per-class
// AP and best-F1 thresholds, PR curves and threshold sweeps as CSV.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "examples/cli/cli.h"
#include "examples/cli/coco_params.h"
#include "nlohmann/json.hpp"
#include "slicekit/average_precision.h"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"
#include "slicekit/scan.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {
namespace {

// A class's name; "all" where the classes are pooled (--no-categories).
std::string ClassName(const ModelRun& run, int32_t class_index) {
  return class_index < 0 ? std::string("all") : run.classes[class_index];
}

// A CSV field: quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// The shortest text that reads back as the same double; empty for nullopt.
std::string Number(std::optional<double> value) {
  if (!value) return "";
  char buffer[32];
  const std::to_chars_result r =
      std::to_chars(buffer, buffer + sizeof(buffer), *value);
  return std::string(buffer, r.ptr);
}

int WritePrCurves(const std::string& path, const ModelRun& run,
                  const CocoEvaluation& e) {
  std::ofstream file(path, std::ios::binary);
  if (!file) return InputError(absl::StrCat("cannot write ", path));
  file << "class,iou_threshold,recall,precision,score\n";
  for (int k = 0; k < e.num_classes; ++k) {
    if (e.classes[k].num_ground_truths == 0) continue;  // no curve
    const std::string name =
        CsvField(ClassName(run, e.classes[k].class_index));
    // The first area range ("all" by default), the last maxDets.
    const int m = e.num_max_dets() - 1;
    for (int t = 0; t < e.num_iou_thresholds(); ++t) {
      for (int r = 0; r < e.num_recall_thresholds(); ++r) {
        file << name << "," << Number(e.params.iou_thresholds[t]) << ","
             << Number(e.params.recall_thresholds[r]) << ","
             << Number(e.Precision(t, r, k, 0, m)) << ","
             << Number(e.Score(t, r, k, 0, m)) << "\n";
      }
    }
  }
  file.flush();
  if (!file) return InputError(absl::StrCat("cannot write ", path));
  return kOk;
}

int WriteSweeps(const std::string& path, const ModelRun& run,
                const std::vector<ClassSweep>& sweeps) {
  std::ofstream file(path, std::ios::binary);
  if (!file) return InputError(absl::StrCat("cannot write ", path));
  file << "class,threshold,tp,fp,fn,precision,recall,f1\n";
  for (const ClassSweep& s : sweeps) {
    const std::string name =
        s.class_index < 0 ? "all" : CsvField(run.classes[s.class_index]);
    for (const ThresholdPoint& p : s.points) {
      file << name << "," << Number(p.threshold) << "," << p.tp << "," << p.fp
           << "," << p.fn << "," << Number(p.precision) << ","
           << Number(p.recall) << "," << Number(p.f1) << "\n";
    }
  }
  file.flush();
  if (!file) return InputError(absl::StrCat("cannot write ", path));
  return kOk;
}

void PrintJson(const ModelRun& run, const CocoEvaluation& e, IouType iou_type,
               const std::vector<ClassSweep>& sweeps,
               const std::map<int32_t, const ClassSweep*>& sweep_of) {
  nlohmann::json out;
  out["iou_type"] = IouTypeName(iou_type);
  out["images"] = e.num_images;
  out["images_in_run"] = run.rows.size();
  out["stats"] =
      std::vector<double>(e.stats.begin(), e.stats.begin() + e.num_stats);
  out["params"] = CocoParamsJson(e.params);
  nlohmann::json classes = nlohmann::json::array();
  for (const CocoClassAp& c : e.classes) {
    nlohmann::json j = {{"class", ClassName(run, c.class_index)},
                        {"ground_truths", c.num_ground_truths},
                        {"detections", c.num_detections},
                        {"ap", c.ap},
                        {"ap50", c.ap50},
                        {"ap75", c.ap75},
                        {"ar100", c.ar100}};
    auto it = sweep_of.find(c.class_index);
    if (it != sweep_of.end() && it->second->best_f1) {
      const ThresholdPoint& b = *it->second->best_f1;
      j["best_f1"] = {{"threshold", b.threshold},
                      {"f1", *b.f1},
                      {"tp", b.tp},
                      {"fp", b.fp},
                      {"fn", b.fn}};
    }
    classes.push_back(std::move(j));
  }
  out["classes"] = std::move(classes);
  if (const ClassSweep& all = sweeps.back(); all.best_f1) {
    out["best_f1"] = {{"threshold", all.best_f1->threshold},
                      {"f1", *all.best_f1->f1}};
  }
  // Class names come from COCO files, which the importer checked are
  // UTF-8; the handler keeps a byte that slipped through from throwing.
  std::printf("%s\n",
              out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace)
                  .c_str());
}

bool PrintText(const ModelRun& run, const CocoEvaluation& e, double iou,
               const std::vector<ClassSweep>& sweeps,
               const std::map<int32_t, const ClassSweep*>& sweep_of) {
  Output out;
  for (int i = 0; i < e.num_stats; ++i) {
    out.Line(e.StatLine(i));
  }
  out.Line("");
  out.Line(absl::StrFormat(
      "images: %d of %d; best F1 at IoU %.2f per class (confidence >= "
      "threshold):",
      e.num_images, run.rows.size(), iou));
  out.Line(absl::StrFormat("%-20s %6s %6s %7s %7s %7s %9s %6s", "class", "gt",
                           "dets", "AP", "AP50", "AP75", "threshold", "F1"));
  auto stat = [](double v) {
    return v < 0 ? std::string("-") : absl::StrFormat("%.3f", v);
  };
  for (const CocoClassAp& c : e.classes) {
    std::string threshold = "-", f1 = "-";
    auto it = sweep_of.find(c.class_index);
    if (it != sweep_of.end() && it->second->best_f1) {
      threshold = absl::StrFormat("%.3f", it->second->best_f1->threshold);
      f1 = absl::StrFormat("%.3f", *it->second->best_f1->f1);
    }
    out.Line(absl::StrFormat("%-20s %6d %6d %7s %7s %7s %9s %6s",
                             TextField(ClassName(run, c.class_index)),
                             c.num_ground_truths, c.num_detections, stat(c.ap),
                             stat(c.ap50), stat(c.ap75), threshold, f1));
  }
  if (const ClassSweep& all = sweeps.back(); all.best_f1) {
    out.Line(absl::StrFormat("%-20s %6d %6s %7s %7s %7s %9.3f %6.3f",
                             "(all classes)", all.num_ground_truths, "", "", "",
                             "", all.best_f1->threshold, *all.best_f1->f1));
  }
  return out.Flush();
}

}  // namespace

std::vector<FlagSpec> ApFlags();

const CommandSpec& ApSpec() {
  static const CommandSpec* const kSpec = new CommandSpec{
      .name = "ap",
      .invocation = "slicekit ap",
      .summary =
          "Prints COCO AP/AR like pycocotools' summarize() and per-class AP "
          "with the confidence threshold of best F1, for all images, those "
          "whose metrics row matches --where, or a saved slice's.",
      .flags = ApFlags(),
  };
  return *kSpec;
}

std::vector<FlagSpec> ApFlags() {
  std::vector<FlagSpec> flags = {
          {.name = "--gt",
           .value_name = "GT.json",
           .help = "the COCO ground truth",
           .required = true},
          {.name = "--pred",
           .value_name = "DETS.json",
           .help = "the COCO detections",
           .required = true},
          {.name = "--where",
           .value_name = "EXPR",
           .help = "only the images whose metrics row matches EXPR"},
          {.name = "--slice",
           .value_name = "SLICE",
           .help = "only the images of this saved slice"},
          {.name = "--store",
           .value_name = "FILE",
           .help = "the slice store (with --slice)"},
          {.name = "--org",
           .value_name = "ORG",
           .help = "the org (with --slice)"},
          {.name = "--pr-curve",
           .value_name = "FILE.csv",
           .help = "write the PR curves"},
          {.name = "--sweep",
           .value_name = "FILE.csv",
           .help = "write TP/FP/FN, precision, recall, F1 per score"},
          {.name = "--iou",
           .value_name = "X",
           .help = "the IoU of the best F1 (0.5, else the first threshold)"},
          {.name = "--format",
           .value_name = "text|json",
           .help = "the output (default text)"},
          IouTypeFlag(),
          KeypointSigmasFlag(),
          {.name = "--lenient", .help = "skip bad records instead of failing"},
          ThreadsFlag(),
  };
  for (FlagSpec& f : CocoParamsFlags()) flags.push_back(f);
  return flags;
}

int Ap(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc = ParseCommandFlags(ApSpec(), args, &flags)) {
    return *rc;
  }
  double iou = 0.5;
  if (const std::optional<std::string> text = flags.Get("--iou");
      text && !absl::SimpleAtod(*text, &iou)) {
    return UsageError(absl::StrCat("--iou needs a number, not '", *text, "'"));
  }
  const std::string gt = flags.Get("--gt").value_or("");
  const std::string pred = flags.Get("--pred").value_or("");
  const std::string slice = flags.Get("--slice").value_or("");
  const std::string format = flags.Get("--format").value_or("text");
  if (gt.empty() || pred.empty()) return UsageError("ap needs --gt and --pred");
  if (flags.Has("--where") && !slice.empty()) {
    return UsageError("ap takes --where or --slice, not both");
  }
  if (!slice.empty() && (flags.Get("--store").value_or("").empty() ||
                         flags.Get("--org").value_or("").empty())) {
    return UsageError("--slice needs --store STORE and --org ORG");
  }
  if (format != "text" && format != "json") {
    return UsageError(
        absl::StrCat("--format must be text or json, not '", format, "'"));
  }
  absl::StatusOr<IouType> iou_type = ParseIouType(flags);
  if (!iou_type.ok()) return UsageError(iou_type.status().message());
  absl::StatusOr<CocoParams> params = ParseCocoParams(flags, *iou_type);
  if (!params.ok()) return UsageError(params.status().message());
  absl::StatusOr<std::optional<Expr>> where = ParseWhere(flags);
  if (!where.ok()) return InputError(where.status().message());

  ImportReport report;
  ImportOptions import_options;
  import_options.lenient = flags.Has("--lenient");
  absl::StatusOr<ModelRun> run =
      ImportCocoFiles(gt, pred, import_options, &report);
  if (!run.ok()) return InputError(run.status().message());
  if (absl::Status s = ApplyKeypointSigmas(flags, &*run); !s.ok()) {
    return UsageError(s.message());
  }
  if (report.skipped() > 0) {
    std::fprintf(stderr, "slicekit ap: skipped %lld bad records\n",
                 static_cast<long long>(report.skipped()));
  }
  absl::StatusOr<Evaluator> evaluator = Evaluator::Create(&*run, *iou_type, ParseThreads(flags));
  if (!evaluator.ok()) return InputError(evaluator.status().message());
  absl::StatusOr<CocoEvaluator> created =
      CocoEvaluator::Create(*evaluator, *params);
  if (!created.ok()) return InputError(created.status().message());
  const CocoEvaluator& coco = *created;
  absl::StatusOr<std::optional<Selection>> rows =
      SelectImages(flags, *where, *run, *evaluator);
  if (!rows.ok()) return InputError(rows.status().message());

  absl::StatusOr<CocoEvaluation> e =
      *rows ? coco.Evaluate(**rows)
            : absl::StatusOr<CocoEvaluation>(coco.Evaluate());
  if (!e.ok()) return InputError(e.status().message());
  // Without --iou: 0.5, or the first IoU threshold where 0.5 is not one.
  if (!flags.Has("--iou") &&
      std::none_of(params->iou_thresholds.begin(),
                   params->iou_thresholds.end(),
                   [](double t) { return std::abs(t - 0.5) <= 1e-9; })) {
    iou = params->iou_thresholds.front();
  }
  SweepOptions sweep_options;
  sweep_options.iou_threshold = iou;
  absl::StatusOr<std::vector<ClassSweep>> sweeps =
      coco.Sweep(sweep_options, *rows ? &**rows : nullptr);
  if (!sweeps.ok()) return InputError(sweeps.status().message());
  std::map<int32_t, const ClassSweep*> sweep_of;
  for (const ClassSweep& s : *sweeps) sweep_of[s.class_index] = &s;

  if (format == "json") {
    PrintJson(*run, *e, *iou_type, *sweeps, sweep_of);
  } else if (!PrintText(*run, *e, iou, *sweeps, sweep_of)) {
    return InputError("cannot write the output");
  }
  if (const std::string path = flags.Get("--pr-curve").value_or("");
      !path.empty()) {
    if (int rc = WritePrCurves(path, *run, *e); rc != kOk) return rc;
  }
  if (const std::string path = flags.Get("--sweep").value_or("");
      !path.empty()) {
    if (int rc = WriteSweeps(path, *run, *sweeps); rc != kOk) return rc;
  }
  return kOk;
}

}  // namespace slicekit::cli
