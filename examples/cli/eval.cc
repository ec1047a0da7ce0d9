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

int Eval(Args& args) {
  std::string gt, pred, out, per_class;
  slicekit::MetricsOptions options;
  slicekit::MetricsTableOptions table_options;
  slicekit::ImportOptions import_options;
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag == "--no-class-columns" || flag == "--lenient") {
      if (args.has_inline_value()) return UsageError(flag + " takes no value");
      if (flag == "--lenient") import_options.lenient = true;
      if (flag != "--lenient") table_options.per_class_columns = false;
      continue;
    }
    if (flag != "--gt" && flag != "--pred" && flag != "--out" &&
        flag != "--per-class" && flag != "--iou-threshold" &&
        flag != "--confidence-threshold" && flag != "--rule" &&
        flag != "--class-iou-threshold") {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    const std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    if (flag == "--gt") gt = *value;
    if (flag == "--pred") pred = *value;
    if (flag == "--out") out = *value;
    if (flag == "--per-class") per_class = *value;
    if (flag == "--class-iou-threshold") {
      const size_t eq = value->rfind('=');
      double x = 0;
      if (eq == std::string::npos || eq == 0 ||
          !absl::SimpleAtod(value->substr(eq + 1), &x) || !(x >= 0 && x <= 1)) {
        return UsageError(flag + " needs CLASS=X with X in [0, 1]");
      }
      options.class_iou_thresholds[value->substr(0, eq)] = x;
    }
    if (flag == "--rule") {
      if (*value == "coco") {
        options.rule = slicekit::MatchRule::kCoco;
      } else if (*value == "labelbox") {
        options.rule = slicekit::MatchRule::kLabelbox;
      } else {
        return UsageError("--rule must be coco or labelbox");
      }
    }
    if (flag == "--iou-threshold" || flag == "--confidence-threshold") {
      double x = 0;
      if (!absl::SimpleAtod(*value, &x) || !(x >= 0 && x <= 1)) {
        return UsageError(flag + " needs a number in [0, 1]");
      }
      (flag == "--iou-threshold" ? options.iou_threshold
                                 : options.confidence_threshold) = x;
    }
  }
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
  if (report.skipped() > 0) {
    std::fprintf(stderr, "slicekit eval: skipped %lld bad records\n",
                 static_cast<long long>(report.skipped()));
    for (const std::string& reason : report.reasons) {
      std::fprintf(stderr, "  %s\n", reason.c_str());
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
