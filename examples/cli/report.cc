// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit report`: the HTML slice report of a table (docs/report.md).
#include "slicekit/report.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "slicekit/coco.h"
#include "slicekit/compare.h"
#include "slicekit/metrics.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {

const CommandSpec& ReportSpec() {
  static const CommandSpec* const kSpec = new CommandSpec{
      .name = "report",
      .invocation = "slicekit report",
      .summary =
          "Writes one self-contained HTML file (docs/report.md) summarizing "
          "the org's saved slices and the auto slices beside all data and "
          "each dataset; prints its path.",
      .flags = {
          {.name = "--table",
           .value_name = "FILE",
           .help = "the table (default: the metrics of --gt and --pred)"},
          {.name = "--gt",
           .value_name = "GT.json",
           .help = "COCO ground truth: AP and PR curves per slice"},
          {.name = "--pred",
           .value_name = "DETS.json",
           .help = "COCO detections (with --gt)"},
          {.name = "--store",
           .value_name = "FILE",
           .help = "the slice store: saved slices and their snapshots"},
          {.name = "--org",
           .value_name = "ORG",
           .help = "the org (with --store)"},
          {.name = "--slice",
           .value_name = "SLICE",
           .help = "only this saved slice (default: all of them)",
           .repeatable = true},
          {.name = "--no-auto", .help = "leave out the auto slices"},
          {.name = "--title",
           .value_name = "TEXT",
           .help = "the report's title"},
          {.name = "--page-rows",
           .value_name = "N",
           .help = "each slice's first N rows (default 10)",
           .integer = IntegerRange{0, 1000}},
          {.name = "--bins",
           .value_name = "N",
           .help = "histogram bins (default 20)",
           .integer = IntegerRange{1, 200}},
          {.name = "--threads",
           .value_name = "T",
           .help = "threads to build the report with",
           .integer = IntegerRange{1, 256}},
          {.name = "--compare-base",
           .value_name = "BASE.json",
           .help = "compare --pred with this base run (COCO results)"},
          IouTypeFlag(),
          {.name = "--out",
           .value_name = "REPORT.html",
           .help = "the file to write",
           .required = true},
      }};
  return *kSpec;
}

namespace {

// `--compare-base BASE.json`: the base run against the --gt/--pred run
// (the new one) on all data and the report's saved slices, with compare's
// defaults.
absl::StatusOr<slicekit::Comparison> CompareWithBase(
    const std::string& gt, const std::string& base_path,
    const std::string& new_path, const slicekit::ModelRun& fresh,
    const std::vector<slicekit::Slice>& slices,
    const slicekit::ReportOptions& options) {
  absl::StatusOr<slicekit::ModelRun> base =
      slicekit::ImportCocoFiles(gt, base_path);
  if (!base.ok()) return base.status();
  std::vector<slicekit::CompareSlice> compare_slices;
  for (const slicekit::Slice& slice : slices) {
    compare_slices.push_back({slice.name, slice.filter});
  }
  std::unique_ptr<slicekit::SliceResolver> resolver;
  slicekit::CompareOptions compare;
  compare.threads = options.threads;
  compare.base_thresholds.iou_type = options.iou_type;
  compare.new_thresholds.iou_type = options.iou_type;
  if (options.store != nullptr) {
    absl::StatusOr<std::unique_ptr<slicekit::SliceResolver>> made =
        options.store->Resolver(options.org);
    if (!made.ok()) return made.status();
    resolver = *std::move(made);
    compare.resolver = resolver.get();
  }
  absl::StatusOr<slicekit::Comparison> comparison =
      slicekit::CompareRuns(*base, fresh, compare_slices, compare);
  if (!comparison.ok()) return comparison.status();
  comparison->base_name = base_path;
  comparison->new_name = new_path;
  return comparison;
}

}  // namespace

int ReportCommand(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc = ParseCommandFlags(ReportSpec(), args, &flags)) {
    return *rc;
  }
  const std::optional<std::string> table_path = flags.Get("--table");
  const std::optional<std::string> store_path = flags.Get("--store");
  const std::optional<std::string> org = flags.Get("--org");
  const std::optional<std::string> gt = flags.Get("--gt");
  const std::optional<std::string> pred = flags.Get("--pred");
  const std::optional<std::string> out = flags.Get("--out");
  std::vector<std::string> only_slices;
  for (const FlagValue& slice : flags.GetAll("--slice")) {
    only_slices.push_back(slice.text);
  }
  slicekit::ReportOptions options;
  options.auto_slices = !flags.Has("--no-auto");
  absl::StatusOr<slicekit::IouType> iou_type = ParseIouType(flags);
  if (!iou_type.ok()) return UsageError(iou_type.status().message());
  options.iou_type = *iou_type;
  if (const std::optional<std::string> title = flags.Get("--title")) {
    options.title = *title;
  }
  if (const std::optional<uint64_t> n = flags.GetInteger("--page-rows")) {
    options.page_rows = *n;
  }
  if (const std::optional<uint64_t> n = flags.GetInteger("--bins")) {
    options.bins = static_cast<int>(*n);
  }
  if (const std::optional<uint64_t> n = flags.GetInteger("--threads")) {
    options.threads = static_cast<int>(*n);
  }
  if (!out) return UsageError("report needs --out FILE.html");
  if (gt.has_value() != pred.has_value()) {
    return UsageError("--gt and --pred go together");
  }
  if (!table_path && !gt) {
    return UsageError("report needs --table FILE.csv or --gt and --pred");
  }
  if (store_path.has_value() != org.has_value()) {
    return UsageError("--store and --org go together");
  }
  if (!only_slices.empty() && !store_path) {
    return UsageError("--slice needs --store and --org");
  }
  const std::optional<std::string> compare_base = flags.Get("--compare-base");
  if (compare_base && !gt) {
    return UsageError("--compare-base needs --gt and --pred (the new run)");
  }

  // The model run, when given: its metrics table stands in for --table.
  std::optional<slicekit::ModelRun> run;
  if (gt) {
    absl::StatusOr<slicekit::ModelRun> imported =
        slicekit::ImportCocoFiles(*gt, *pred);
    if (!imported.ok()) return InputError(imported.status().message());
    run = *std::move(imported);
  }
  absl::StatusOr<slicekit::Table> table = absl::UnknownError("no table");
  if (table_path) {
    table = LoadTable(*table_path);
  } else {
    slicekit::MetricsOptions metrics_options;
    metrics_options.iou_type = options.iou_type;
    // pycocotools' maxDets for keypoints.
    if (options.iou_type == slicekit::IouType::kKeypoints) {
      metrics_options.max_detections = 20;
    }
    absl::StatusOr<slicekit::RunMetrics> metrics =
        slicekit::ComputeMetrics(*run, metrics_options);
    if (!metrics.ok()) return InputError(metrics.status().message());
    table = slicekit::MetricsToTable(*run, *metrics);
  }
  if (!table.ok()) return InputError(table.status().message());

  std::vector<slicekit::Slice> slices;
  std::unique_ptr<slicekit::SliceStore> store_holder;
  if (store_path) {
    absl::StatusOr<std::unique_ptr<slicekit::SliceStore>> store =
        OpenStoreToRead(*store_path);
    if (!store.ok()) return InputError(store.status().message());
    // IN SLICE references and the saved slices' snapshots come from it.
    options.store = store->get();
    options.org = *org;
    if (only_slices.empty()) {
      absl::StatusOr<std::vector<slicekit::Slice>> all =
          (*store)->List(*org, slicekit::SliceListOrder::kByName);
      if (!all.ok()) return InputError(all.status().message());
      slices = *std::move(all);
    }
    for (const std::string& name : only_slices) {
      absl::StatusOr<slicekit::Slice> slice = ResolveSlice(**store, *org, name);
      if (!slice.ok()) return InputError(slice.status().message());
      slices.push_back(*std::move(slice));
    }
    store_holder = *std::move(store);
  }

  std::optional<slicekit::Comparison> comparison;
  if (compare_base) {
    absl::StatusOr<slicekit::Comparison> made =
        CompareWithBase(*gt, *compare_base, *pred, *run, slices, options);
    if (!made.ok()) return InputError(made.status().message());
    comparison = *std::move(made);
    options.comparison = &*comparison;
  }
  absl::StatusOr<slicekit::Report> report = slicekit::BuildReport(
      *table, slices, options, run.has_value() ? &*run : nullptr);
  if (!report.ok()) return InputError(report.status().message());
  // A slice that does not fit the table is shown as such in the report;
  // say so here too, since nobody reads a nightly report's every section.
  for (const slicekit::ReportSlice& slice : report->slices) {
    if (slice.error.has_value()) {
      std::fprintf(stderr,
                   "slicekit: warning: slice \"%s\" does not apply to the "
                   "table: %s\n",
                   Printable(slice.name).c_str(),
                   Printable(*slice.error).c_str());
    }
  }
  const absl::Status written = slicekit::WriteReportHtml(*report, *out);
  if (!written.ok()) return InputError(written.message());
  std::printf("%s\n", TextField(*out).c_str());
  return std::fflush(stdout) == 0 ? kOk : InputError("cannot write the output");
}

}  // namespace slicekit::cli
