// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit errors` (TIDE, confusion matrix, calibration) and `slicekit
// label-issues`, for all images of a COCO run, a --where filter's or a
// saved slice's (docs/errors.md).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "examples/cli/errors_output.h"
#include "slicekit/coco.h"

namespace slicekit::cli {
namespace {

std::vector<FlagSpec> CommonFlags() {
  return {
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
      {.name = "--org", .value_name = "ORG", .help = "the org (with --slice)"},
      {.name = "--format",
       .value_name = "text|json",
       .help = "the output (default text)"},
      {.name = "--lenient", .help = "skip bad records instead of failing"},
  };
}

// A COCO run and the images a command works on.
struct Input {
  ModelRun run;
  std::optional<Selection> rows;
  bool json = false;
  int64_t images() const {
    return rows ? static_cast<int64_t>(rows->Count())
                : static_cast<int64_t>(run.rows.size());
  }
  const Selection* selection() const { return rows ? &*rows : nullptr; }
};

// Reads --gt, --pred and the image set; an exit status on failure.
std::optional<int> LoadInput(const char* command, const ParsedFlags& flags,
                             Input* in) {
  const std::string gt = flags.Get("--gt").value_or("");
  const std::string pred = flags.Get("--pred").value_or("");
  const std::string slice = flags.Get("--slice").value_or("");
  const std::string format = flags.Get("--format").value_or("text");
  if (gt.empty() || pred.empty()) {
    return UsageError(absl::StrCat(command, " needs --gt and --pred"));
  }
  if (flags.Has("--where") && !slice.empty()) {
    return UsageError(
        absl::StrCat(command, " takes --where or --slice, not both"));
  }
  if (!slice.empty() && (flags.Get("--store").value_or("").empty() ||
                         flags.Get("--org").value_or("").empty())) {
    return UsageError("--slice needs --store STORE and --org ORG");
  }
  if (format != "text" && format != "json") {
    return UsageError(
        absl::StrCat("--format must be text or json, not '", format, "'"));
  }
  in->json = format == "json";
  absl::StatusOr<std::optional<Expr>> where = ParseWhere(flags);
  if (!where.ok()) return InputError(where.status().message());
  ImportReport report;
  ImportOptions import_options;
  import_options.lenient = flags.Has("--lenient");
  absl::StatusOr<ModelRun> run =
      ImportCocoFiles(gt, pred, import_options, &report);
  if (!run.ok()) return InputError(run.status().message());
  if (report.skipped() > 0) {
    std::fprintf(stderr, "slicekit %s: skipped %lld bad records\n", command,
                 static_cast<long long>(report.skipped()));
  }
  in->run = *std::move(run);
  if (flags.Has("--where") || !slice.empty()) {
    absl::StatusOr<Evaluator> evaluator = Evaluator::Create(&in->run);
    if (!evaluator.ok()) return InputError(evaluator.status().message());
    absl::StatusOr<std::optional<Selection>> rows =
        SelectImages(flags, *where, in->run, *evaluator);
    if (!rows.ok()) return InputError(rows.status().message());
    in->rows = *std::move(rows);
  }
  return std::nullopt;
}

// Parses flag `name` as a number in [lo, hi] into `out` (kept when absent).
std::optional<int> NumberFlag(const ParsedFlags& flags, const char* name,
                              double lo, double hi, double* out) {
  const std::optional<std::string> text = flags.Get(name);
  if (!text) return std::nullopt;
  if (!absl::SimpleAtod(*text, out) || !(*out >= lo && *out <= hi)) {
    return UsageError(absl::StrCat(name, " needs a number in [", lo, ", ", hi,
                                   "], not '", *text, "'"));
  }
  return std::nullopt;
}

std::optional<int> IntFlag(const ParsedFlags& flags, const char* name, int lo,
                           int hi, int* out) {
  const std::optional<std::string> text = flags.Get(name);
  if (!text) return std::nullopt;
  if (!absl::SimpleAtoi(*text, out) || *out < lo || *out > hi) {
    return UsageError(absl::StrCat(name, " needs a whole number in [", lo, ", ",
                                   hi, "], not '", *text, "'"));
  }
  return std::nullopt;
}

int PrintJson(const nlohmann::json& j) {
  // Class names and ids come from COCO files, which the importer checked
  // are UTF-8; the handler keeps a byte that slipped through from throwing.
  const std::string text =
      j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (std::printf("%s\n", text.c_str()) < 0 || std::fflush(stdout) != 0) {
    return InputError("cannot write the output");
  }
  return kOk;
}

}  // namespace

const CommandSpec& ErrorsSpec() {
  static const CommandSpec* const kSpec = [] {
    auto* spec = new CommandSpec{
        .name = "errors",
        .invocation = "slicekit errors",
        .summary =
            "Why the images fail: TIDE's dAP per error type (tidecv's "
            "get_all_errors()), the class-agnostic confusion matrix and the "
            "calibration error with its reliability diagram, for all "
            "images, those whose metrics row matches --where, or a saved "
            "slice's.",
        .flags = CommonFlags()};
    spec->flags.push_back(
        {.name = "--iou",
         .value_name = "X",
         .help = "the foreground IoU of TIDE, the confusion matrix and "
                 "calibration (default 0.5)"});
    spec->flags.push_back({.name = "--background-iou",
                           .value_name = "X",
                           .help = "TIDE's background IoU (default 0.1)"});
    spec->flags.push_back(
        {.name = "--confidence",
         .value_name = "Y",
         .help = "the confusion matrix's confidence threshold (default 0.5)"});
    spec->flags.push_back({.name = "--bins",
                           .value_name = "N",
                           .help = "calibration bins (default 15)"});
    return spec;
  }();
  return *kSpec;
}

int Errors(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc = ParseCommandFlags(ErrorsSpec(), args, &flags)) {
    return *rc;
  }
  TideOptions tide;
  ConfusionOptions confusion;
  CalibrationOptions calibration;
  double iou = 0.5;
  if (auto rc = NumberFlag(flags, "--iou", 0.01, 1, &iou)) return *rc;
  if (auto rc = NumberFlag(flags, "--background-iou", 0, 0.99,
                           &tide.background_iou)) {
    return *rc;
  }
  if (auto rc = NumberFlag(flags, "--confidence", 0, 1,
                           &confusion.confidence_threshold)) {
    return *rc;
  }
  if (auto rc = IntFlag(flags, "--bins", 1, 1000, &calibration.num_bins)) {
    return *rc;
  }
  tide.foreground_iou = confusion.iou_threshold = calibration.iou_threshold =
      iou;
  Input in;
  if (auto rc = LoadInput("errors", flags, &in)) return *rc;
  absl::StatusOr<TideErrors> t = ComputeTide(in.run, in.selection(), tide);
  if (!t.ok()) return InputError(t.status().message());
  absl::StatusOr<ConfusionMatrix> m =
      ComputeConfusionMatrix(in.run, in.selection(), confusion);
  if (!m.ok()) return InputError(m.status().message());
  absl::StatusOr<CalibrationReport> c =
      ComputeCalibration(in.run, in.selection(), calibration);
  if (!c.ok()) return InputError(c.status().message());
  if (in.json) return PrintJson(ErrorsJson(*t, *m, *c, in.run, in.images()));
  if (!PrintErrorsText(*t, *m, *c, in.run, in.images())) {
    return InputError("cannot write the output");
  }
  return kOk;
}

const CommandSpec& LabelIssuesSpec() {
  static const CommandSpec* const kSpec = [] {
    auto* spec = new CommandSpec{
        .name = "label-issues",
        .invocation = "slicekit label-issues",
        .summary =
            "Lists likely label errors per ground-truth box, highest score "
            "first, each with a kind: swapped, overlooked (a likely missing "
            "box) or badly_located.",
        .flags = CommonFlags()};
    spec->flags.push_back({.name = "--top",
                           .value_name = "K",
                           .help = "at most K issues (default all)"});
    spec->flags.push_back(
        {.name = "--min-confidence",
         .value_name = "C",
         .help = "a prediction is confident from C on (default 0.5)"});
    spec->flags.push_back({.name = "--match-iou",
                           .value_name = "X",
                           .help = "match and swap IoU (default 0.5)"});
    spec->flags.push_back(
        {.name = "--overlap-iou",
         .value_name = "X",
         .help = "below this IoU boxes do not overlap (default 0.1)"});
    return spec;
  }();
  return *kSpec;
}

int LabelIssues(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc =
          ParseCommandFlags(LabelIssuesSpec(), args, &flags)) {
    return *rc;
  }
  LabelIssueOptions options;
  int top = -1;
  if (auto rc = NumberFlag(flags, "--min-confidence", 0, 1,
                           &options.min_confidence)) {
    return *rc;
  }
  if (auto rc = NumberFlag(flags, "--match-iou", 0.01, 1, &options.match_iou)) {
    return *rc;
  }
  if (auto rc =
          NumberFlag(flags, "--overlap-iou", 0, 0.99, &options.overlap_iou)) {
    return *rc;
  }
  if (auto rc = IntFlag(flags, "--top", 1, 1 << 30, &top)) return *rc;
  Input in;
  if (auto rc = LoadInput("label-issues", flags, &in)) return *rc;
  absl::StatusOr<std::vector<LabelIssue>> issues =
      FindLabelIssues(in.run, in.selection(), options);
  if (!issues.ok()) return InputError(issues.status().message());
  if (top > 0 && issues->size() > static_cast<size_t>(top)) issues->resize(top);
  if (in.json) return PrintJson(LabelIssuesJson(*issues, in.run));
  if (!PrintLabelIssuesText(*issues, in.run)) {
    return InputError("cannot write the output");
  }
  return kOk;
}

}  // namespace slicekit::cli
