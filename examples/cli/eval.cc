// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit eval`: COCO import, matching, metrics CSV (docs/metrics.md).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"

namespace slicekit::cli {

namespace {

// Straight from the metrics to the file: the same bytes as exporting
// MetricsToTable's table, without building it.
absl::Status WriteCsv(const slicekit::ModelRun& run,
                      const slicekit::RunMetrics& metrics,
                      const slicekit::MetricsTableOptions& options,
                      const std::string& out) {
  std::ofstream file(out, std::ios::binary);
  if (!file)
    return absl::InvalidArgumentError(absl::StrCat("cannot write ", out));
  return slicekit::WriteMetricsCsv(run, metrics, options, file);
}

}  // namespace

const CommandSpec& EvalSpec() {
  static const CommandSpec* const kSpec = new CommandSpec{
      .name = "eval",
      .invocation = "slicekit eval",
      .summary =
          "Matches COCO detections to ground truth and writes one metrics "
          "row per image (docs/metrics.md), as CSV or, when --out ends in "
          ".skt, as a table file.",
      .flags = {
          {.name = "--gt",
           .value_name = "GT.json",
           .help = "the COCO ground truth",
           .required = true},
          {.name = "--pred",
           .value_name = "DETS.json",
           .help = "the COCO detections",
           .required = true},
          {.name = "--out",
           .value_name = "METRICS.csv|.skt",
           .help = "the metrics table to write",
           .required = true},
          {.name = "--iou-threshold",
           .value_name = "X",
           .help = "the IoU a match needs (default 0.5)"},
          {.name = "--confidence-threshold",
           .value_name = "Y",
           .help = "the least confidence counted (default 0.5)"},
          {.name = "--rule",
           .value_name = "coco|labelbox",
           .help = "the matching rule (default coco)"},
          {.name = "--per-class",
           .value_name = "FILE.csv",
           .help = "also one row per (image, class) with objects"},
          {.name = "--class-iou-threshold",
           .value_name = "CLASS=X",
           .help = "one class's IoU threshold",
           .repeatable = true},
          {.name = "--no-class-columns",
           .help = "leave out the `<metric>[<class>]` columns"},
          {.name = "--label-issues",
           .help = "add label_issue_score, the row's highest label issue "
                   "score (slicekit label-issues' defaults), which offers "
                   "the Label issues auto slice"},
          IouTypeFlag(),
          KeypointSigmasFlag(),
          ThreadsFlag(),
          {.name = "--lenient", .help = "skip bad records instead of failing"},
      }};
  return *kSpec;
}

int Eval(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc = ParseCommandFlags(EvalSpec(), args, &flags)) {
    return *rc;
  }
  slicekit::MetricsOptions options;
  slicekit::MetricsTableOptions table_options;
  slicekit::ImportOptions import_options;
  import_options.lenient = flags.Has("--lenient");
  table_options.per_class_columns = !flags.Has("--no-class-columns");
  if (flags.Has("--label-issues")) {
    table_options.label_issues = slicekit::LabelIssueOptions{};
  }
  absl::StatusOr<slicekit::IouType> iou_type = ParseIouType(flags);
  if (!iou_type.ok()) return UsageError(iou_type.status().message());
  options.iou_type = *iou_type;
  options.threads = ParseThreads(flags);
  // pycocotools' maxDets for keypoints.
  if (*iou_type == slicekit::IouType::kKeypoints) options.max_detections = 20;
  for (const FlagValue& value : flags.GetAll("--class-iou-threshold")) {
    const size_t eq = value.text.rfind('=');
    double x = 0;
    if (eq == std::string::npos || eq == 0 ||
        !absl::SimpleAtod(value.text.substr(eq + 1), &x) ||
        !(x >= 0 && x <= 1)) {
      return UsageError("--class-iou-threshold needs CLASS=X with X in [0, 1]");
    }
    options.class_iou_thresholds[value.text.substr(0, eq)] = x;
  }
  if (const std::optional<std::string> rule = flags.Get("--rule")) {
    if (*rule == "coco") {
      options.rule = slicekit::MatchRule::kCoco;
    } else if (*rule == "labelbox") {
      options.rule = slicekit::MatchRule::kLabelbox;
    } else {
      return UsageError("--rule must be coco or labelbox");
    }
  }
  struct Threshold {
    const char* flag;
    double* value;
  };
  for (const Threshold& t :
       {Threshold{"--iou-threshold", &options.iou_threshold},
        Threshold{"--confidence-threshold", &options.confidence_threshold}}) {
    const std::optional<std::string> text = flags.Get(t.flag);
    if (text && (!absl::SimpleAtod(*text, t.value) ||
                 !(*t.value >= 0 && *t.value <= 1))) {
      return UsageError(absl::StrCat(t.flag, " needs a number in [0, 1]"));
    }
  }
  const std::string gt = flags.Get("--gt").value_or("");
  const std::string pred = flags.Get("--pred").value_or("");
  const std::string out = flags.Get("--out").value_or("");
  const std::string per_class = flags.Get("--per-class").value_or("");
  if (gt.empty() || pred.empty() || out.empty()) {
    return UsageError("eval needs --gt, --pred and --out");
  }
  const auto start = std::chrono::steady_clock::now();
  // Progress on stderr, once the run has taken over a second.
  auto progress = [&](const char* stage) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (s > 1) std::fprintf(stderr, "slicekit eval: %s (%.1f s)\n", stage, s);
  };
  slicekit::ImportReport report;
  absl::StatusOr<slicekit::ModelRun> run =
      slicekit::ImportCocoFiles(gt, pred, import_options, &report);
  if (!run.ok()) return InputError(run.status().message());
  if (absl::Status s = ApplyKeypointSigmas(flags, &*run); !s.ok()) {
    return UsageError(s.message());
  }
  if (report.skipped() > 0) {
    std::fprintf(stderr, "slicekit eval: skipped %lld bad records\n",
                 static_cast<long long>(report.skipped()));
    for (const std::string& reason : report.reasons) {
      std::fprintf(stderr, "  %s\n", Printable(reason).c_str());
    }
  }
  progress("loaded");
  absl::StatusOr<slicekit::RunMetrics> metrics =
      slicekit::ComputeMetrics(*run, options);
  if (!metrics.ok()) return InputError(metrics.status().message());
  progress("matched");
  if (absl::EndsWith(out, ".skt")) {
    // A table file (docs/table-file.md): the metrics table itself, saved.
    absl::StatusOr<slicekit::Table> table =
        slicekit::MetricsToTable(*run, *metrics, table_options);
    if (!table.ok()) return InputError(table.status().message());
    const absl::Status saved = table->Save(out);
    if (!saved.ok()) return InputError(saved.message());
  } else if (absl::Status status = WriteCsv(*run, *metrics, table_options, out);
             !status.ok()) {
    return InputError(status.message());
  }
  absl::Status status;
  if (!per_class.empty()) {
    std::ofstream pc(per_class, std::ios::binary);
    if (!pc) return InputError(absl::StrCat("cannot write ", per_class));
    status = slicekit::WritePerClassCsv(*run, *metrics, pc);
    if (!status.ok()) return InputError(status.message());
  }
  progress("written");
  return kOk;
}

}  // namespace slicekit::cli
