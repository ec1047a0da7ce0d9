// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit compare`: two runs slice by slice, with statistics, as a gate
// in CI (docs/compare.md). Its flags, reading the inputs and the exit
// status; the output is compare_output.cc's.
#include "slicekit/compare.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "examples/cli/cli.h"
#include "examples/cli/compare_output.h"
#include "slicekit/coco.h"
#include "slicekit/filter_text.h"
#include "slicekit/ndjson.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {

const CommandSpec& CompareSpec() {
  static const CommandSpec* const kSpec = new CommandSpec{
      .name = "compare",
      .invocation = "slicekit compare",
      .summary =
          "Compares a new run with a base run per slice and metric "
          "(docs/compare.md).",
      .flags = {
          {.name = "--gt",
           .value_name = "GT.json",
           .help = "the COCO ground truth of both runs"},
          {.name = "--base",
           .value_name = "BASE.json",
           .help = "base COCO results (or an NDJSON run)"},
          {.name = "--new",
           .value_name = "NEW.json",
           .help = "new COCO results (or an NDJSON run)"},
          {.name = "--base-table",
           .value_name = "FILE",
           .help = "base metrics table (instead of runs)"},
          {.name = "--new-table",
           .value_name = "FILE",
           .help = "new metrics table"},
          {.name = "--store",
           .value_name = "FILE",
           .help = "the store of the saved slices"},
          {.name = "--org",
           .value_name = "ORG",
           .help = "the org (with --store)"},
          {.name = "--slice",
           .value_name = "NAME",
           .help = "only this saved slice (default: all)",
           .repeatable = true},
          {.name = "--where",
           .value_name = "EXPR",
           .help = "an ad-hoc slice (over base metrics)",
           .repeatable = true},
          {.name = "--metric",
           .value_name = "METRIC",
           .help = "ap|ap50|ap75|precision|recall|f1 (default: all)",
           .repeatable = true},
          {.name = "--bootstrap",
           .value_name = "N",
           .help = "resamples (default 1000)",
           .integer = IntegerRange{1, 1000000}},
          {.name = "--seed",
           .value_name = "S",
           .help = "the resamples' seed (default 1)",
           .integer = IntegerRange{0, UINT64_MAX}},
          {.name = "--confidence",
           .value_name = "C",
           .help = "the CI's level (default 0.95)"},
          {.name = "--fdr",
           .value_name = "Q",
           .help = "false discovery rate (default 0.05)"},
          {.name = "--tolerance",
           .value_name = "X",
           .help = "|delta| <= X is no change (default 0)"},
          {.name = "--min-images",
           .value_name = "N",
           .help = "fewer images: too small (default 30)",
           .integer = IntegerRange{1, INT64_MAX}},
          {.name = "--threads",
           .value_name = "T",
           .help = "threads (default 1)",
           .integer = IntegerRange{1, 256}},
          {.name = "--discover",
           .help = "find unnamed slices where new errs more"},
          IouTypeFlag(),
          {.name = "--fail-on-regression", .help = "exit 3 on a regression"},
          {.name = "--format",
           .value_name = "text|json",
           .help = "the output (default text)"},
      }};
  return *kSpec;
}

namespace {

// A --confidence, --fdr or --tolerance value; nullopt (after a usage
// error) when it is not a number.
std::optional<double> NumberFlag(const ParsedFlags& flags,
                                 absl::string_view flag, double fallback,
                                 int* rc) {
  const std::optional<std::string> text = flags.Get(flag);
  if (!text) return fallback;
  double value = 0;
  if (!absl::SimpleAtod(*text, &value)) {
    *rc = UsageError(absl::StrCat(flag, " needs a number, not '", *text, "'"));
    return std::nullopt;
  }
  return value;
}

// The options the flags give; a usage error's exit status in *rc.
std::optional<CompareOptions> ReadOptions(const ParsedFlags& flags, int* rc) {
  CompareOptions options;
  for (const FlagValue& value : flags.GetAll("--metric")) {
    absl::StatusOr<CompareMetric> metric = ParseCompareMetric(value.text);
    if (!metric.ok()) {
      *rc = UsageError(absl::StrCat("--metric: ", metric.status().message()));
      return std::nullopt;
    }
    options.metrics.push_back(*metric);
  }
  if (auto n = flags.GetInteger("--bootstrap")) options.bootstrap = *n;
  if (auto n = flags.GetInteger("--seed")) options.seed = *n;
  if (auto n = flags.GetInteger("--min-images")) options.min_images = *n;
  if (auto n = flags.GetInteger("--threads")) options.threads = *n;
  absl::StatusOr<IouType> iou_type = ParseIouType(flags);
  if (!iou_type.ok()) {
    *rc = UsageError(iou_type.status().message());
    return std::nullopt;
  }
  options.base_thresholds.iou_type = *iou_type;
  options.new_thresholds.iou_type = *iou_type;
  const std::optional<double> confidence =
      NumberFlag(flags, "--confidence", options.confidence, rc);
  const std::optional<double> fdr = NumberFlag(flags, "--fdr", options.fdr, rc);
  const std::optional<double> tolerance =
      NumberFlag(flags, "--tolerance", options.tolerance, rc);
  if (!confidence || !fdr || !tolerance) return std::nullopt;
  options.confidence = *confidence;
  options.fdr = *fdr;
  options.tolerance = *tolerance;
  if (flags.Has("--discover")) options.discover = DiscoverOptions{};
  return options;
}

// A run from --base or --new: an NDJSON run, or COCO results with --gt.
absl::StatusOr<ModelRun> LoadRun(const std::optional<std::string>& gt,
                                 const std::string& path) {
  if (absl::EndsWith(path, ".ndjson")) return ImportNdjsonFile(path);
  return ImportCocoFiles(*gt, path);
}

// The slices: the store's (all, or each --slice), then each --where.
absl::StatusOr<std::vector<CompareSlice>> ReadSlices(
    const ParsedFlags& flags, std::unique_ptr<SliceStore>* store,
    std::unique_ptr<SliceResolver>* resolver) {
  std::vector<CompareSlice> slices;
  if (const std::optional<std::string> path = flags.Get("--store")) {
    absl::StatusOr<std::unique_ptr<SliceStore>> opened =
        SliceStore::Open(*path);
    if (!opened.ok()) return opened.status();
    *store = *std::move(opened);
    const std::string org = *flags.Get("--org");
    std::vector<std::string> names;
    for (const FlagValue& v : flags.GetAll("--slice")) names.push_back(v.text);
    // With --where only, no saved slice unless --slice names one.
    if (!names.empty() || !flags.Has("--where")) {
      absl::StatusOr<std::vector<CompareSlice>> saved =
          SavedCompareSlices(**store, org, names);
      if (!saved.ok()) return saved.status();
      slices = *std::move(saved);
    }
    absl::StatusOr<std::unique_ptr<SliceResolver>> made =
        (*store)->Resolver(org);
    if (!made.ok()) return made.status();
    *resolver = *std::move(made);
  }
  for (const FlagValue& where : flags.GetAll("--where")) {
    absl::StatusOr<Expr> filter = ParseFilter(where.text);
    if (!filter.ok()) {
      return absl::Status(filter.status().code(),
                          absl::StrCat("--where '", where.text,
                                       "': ", filter.status().message()));
    }
    slices.push_back({filter->ToString(), *std::move(filter)});
  }
  return slices;
}

// Usage errors of the inputs' flags; nullopt when they fit together.
std::optional<int> CheckInputs(const ParsedFlags& flags) {
  const bool runs = flags.Has("--base") || flags.Has("--new");
  const bool tables = flags.Has("--base-table") || flags.Has("--new-table");
  if (runs == tables) {
    return UsageError(
        "compare needs --base and --new (with --gt for COCO results), or "
        "--base-table and --new-table");
  }
  if (runs && (!flags.Has("--base") || !flags.Has("--new"))) {
    return UsageError("--base and --new go together");
  }
  if (tables && (!flags.Has("--base-table") || !flags.Has("--new-table"))) {
    return UsageError("--base-table and --new-table go together");
  }
  if (tables && flags.Has("--gt")) {
    return UsageError("--gt goes with --base and --new, not with tables");
  }
  if (runs && !flags.Has("--gt") &&
      (!absl::EndsWith(*flags.Get("--base"), ".ndjson") ||
       !absl::EndsWith(*flags.Get("--new"), ".ndjson"))) {
    return UsageError(
        "COCO results need --gt GT.json (NDJSON runs end in "
        ".ndjson)");
  }
  if (flags.Has("--store") != flags.Has("--org")) {
    return UsageError("--store and --org go together");
  }
  if (flags.Has("--slice") && !flags.Has("--store")) {
    return UsageError("--slice needs --store and --org");
  }
  const std::string format = flags.Get("--format").value_or("text");
  if (format != "text" && format != "json") {
    return UsageError(
        absl::StrCat("--format must be text or json, not '", format, "'"));
  }
  return std::nullopt;
}

}  // namespace

int Compare(Args& args) {
  ParsedFlags flags;
  if (std::optional<int> rc = ParseCommandFlags(CompareSpec(), args, &flags)) {
    return *rc;
  }
  if (std::optional<int> rc = CheckInputs(flags)) return *rc;
  int rc = kOk;
  std::optional<CompareOptions> options = ReadOptions(flags, &rc);
  if (!options) return rc;

  std::unique_ptr<SliceStore> store;
  std::unique_ptr<SliceResolver> resolver;
  absl::StatusOr<std::vector<CompareSlice>> slices =
      ReadSlices(flags, &store, &resolver);
  if (!slices.ok()) return InputError(slices.status().message());
  options->resolver = resolver.get();

  absl::StatusOr<Comparison> comparison = absl::UnknownError("");
  std::string base_name, new_name;
  if (flags.Has("--base")) {
    base_name = *flags.Get("--base");
    new_name = *flags.Get("--new");
    const std::optional<std::string> gt = flags.Get("--gt");
    absl::StatusOr<ModelRun> base = LoadRun(gt, base_name);
    if (!base.ok()) return InputError(base.status().message());
    absl::StatusOr<ModelRun> fresh = LoadRun(gt, new_name);
    if (!fresh.ok()) return InputError(fresh.status().message());
    comparison = CompareRuns(*base, *fresh, *slices, *options);
  } else {
    base_name = *flags.Get("--base-table");
    new_name = *flags.Get("--new-table");
    absl::StatusOr<Table> base = LoadTable(base_name);
    if (!base.ok()) return InputError(base.status().message());
    absl::StatusOr<Table> fresh = LoadTable(new_name);
    if (!fresh.ok()) return InputError(fresh.status().message());
    comparison = CompareTables(*base, *fresh, *slices, *options);
  }
  if (!comparison.ok()) return InputError(comparison.status().message());
  comparison->base_name = base_name;
  comparison->new_name = new_name;
  const bool written = flags.Get("--format").value_or("text") == "json"
                           ? PrintComparisonJson(*comparison)
                           : PrintComparisonText(*comparison);
  if (!written) return InputError("cannot write the output");
  if (flags.Has("--fail-on-regression") && comparison->HasRegression()) {
    return kRegression;
  }
  return kOk;
}

}  // namespace slicekit::cli
