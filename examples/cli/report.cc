// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit report`: the HTML slice report of a table (docs/report.md).
#include "slicekit/report.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "slicekit/coco.h"
#include "slicekit/metrics.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {

int ReportCommand(Args& args) {
  std::optional<std::string> table_path, store_path, org, gt, pred, out;
  std::vector<std::string> only_slices;
  slicekit::ReportOptions options;
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag == "--no-auto") {
      if (args.has_inline_value())
        return UsageError("--no-auto takes no value");
      options.auto_slices = false;
      continue;
    }
    const bool known = flag == "--table" || flag == "--store" ||
                       flag == "--org" || flag == "--slice" || flag == "--gt" ||
                       flag == "--pred" || flag == "--out" ||
                       flag == "--title" || flag == "--page-rows" ||
                       flag == "--bins" || flag == "--threads";
    if (!known) return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    const std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    if (flag == "--table") table_path = *value;
    if (flag == "--store") store_path = *value;
    if (flag == "--org") org = *value;
    if (flag == "--slice") only_slices.push_back(*value);
    if (flag == "--gt") gt = *value;
    if (flag == "--pred") pred = *value;
    if (flag == "--out") out = *value;
    if (flag == "--title") options.title = *value;
    if (flag == "--page-rows" || flag == "--bins" || flag == "--threads") {
      const uint64_t min = flag == "--page-rows" ? 0 : 1;
      const uint64_t max = flag == "--page-rows" ? 1000
                           : flag == "--bins"    ? 200
                                                 : 256;
      const std::optional<uint64_t> n = ParseCount(*value, min, max);
      if (!n) {
        return UsageError(absl::StrCat(flag, " needs an integer in [", min,
                                       ", ", max, "], not '", *value, "'"));
      }
      if (flag == "--page-rows") options.page_rows = *n;
      if (flag == "--bins") options.bins = static_cast<int>(*n);
      if (flag == "--threads") options.threads = static_cast<int>(*n);
    }
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
    absl::StatusOr<slicekit::RunMetrics> metrics =
        slicekit::ComputeMetrics(*run);
    if (!metrics.ok()) return InputError(metrics.status().message());
    table = slicekit::MetricsToTable(*run, *metrics);
  }
  if (!table.ok()) return InputError(table.status().message());

  std::vector<slicekit::Slice> slices;
  std::unique_ptr<slicekit::SliceStore> store_holder;
  if (store_path) {
    absl::StatusOr<std::unique_ptr<slicekit::SliceStore>> store =
        slicekit::SliceStore::OpenSqlite(*store_path);
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
                   slice.name.c_str(), slice.error->c_str());
    }
  }
  const absl::Status written = slicekit::WriteReportHtml(*report, *out);
  if (!written.ok()) return InputError(written.message());
  std::printf("%s\n", out->c_str());
  return std::fflush(stdout) == 0 ? kOk : InputError("cannot write the output");
}

}  // namespace slicekit::cli
