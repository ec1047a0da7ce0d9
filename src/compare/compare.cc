// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// CompareRuns and CompareTables: line the inputs up, find each slice's
// images, run the bootstrap, then test, adjust and decide.
#include "slicekit/compare.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "slicekit/average_precision.h"
#include "slicekit/scan.h"
#include "src/compare/bootstrap.h"
#include "src/compare/discover_deltas.h"
#include "src/compare/paired_data.h"
#include "src/compare/statistics.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

constexpr absl::string_view kAllData = "all data";
constexpr CompareMetric kAllMetrics[] = {
    CompareMetric::kAp,        CompareMetric::kAp50,   CompareMetric::kAp75,
    CompareMetric::kPrecision, CompareMetric::kRecall, CompareMetric::kF1};

bool IsAp(CompareMetric m) {
  return m == CompareMetric::kAp || m == CompareMetric::kAp50 ||
         m == CompareMetric::kAp75;
}

absl::Status CheckOptions(const CompareOptions& o) {
  auto bad = [](auto... parts) {
    return absl::InvalidArgumentError(absl::StrCat(parts...));
  };
  if (o.bootstrap < 1 || o.bootstrap > 1000000) {
    return bad("the bootstrap count must be in [1, 1000000], got ",
               o.bootstrap);
  }
  if (!(o.confidence > 0 && o.confidence < 1)) {
    return bad("the confidence must be in (0, 1), got ", o.confidence);
  }
  if (!(o.fdr > 0 && o.fdr < 1)) {
    return bad("the FDR must be in (0, 1), got ", o.fdr);
  }
  if (!(o.tolerance >= 0) || !std::isfinite(o.tolerance)) {
    return bad("the tolerance must be finite and >= 0, got ", o.tolerance);
  }
  if (o.min_images < 1) {
    return bad("min_images must be at least 1, got ", o.min_images);
  }
  if (o.threads < 1 || o.threads > 256) {
    return bad("threads must be in [1, 256], got ", o.threads);
  }
  return absl::OkStatus();
}

// The metrics to test: the options', or every one the input has.
absl::StatusOr<std::vector<CompareMetric>> ChooseMetrics(
    const CompareOptions& options, bool has_ap) {
  std::vector<CompareMetric> metrics = options.metrics;
  if (metrics.empty()) {
    for (CompareMetric m : kAllMetrics) {
      if (has_ap || !IsAp(m)) metrics.push_back(m);
    }
  }
  for (size_t i = 0; i < metrics.size(); ++i) {
    if (IsAp(metrics[i]) && !has_ap) {
      return absl::InvalidArgumentError(absl::StrCat(
          "metric ", CompareMetricName(metrics[i]),
          " needs model runs (ground truth and detections); two metrics "
          "tables give precision, recall and f1 only"));
    }
    if (std::find(metrics.begin(), metrics.begin() + i, metrics[i]) !=
        metrics.begin() + i) {
      return absl::InvalidArgumentError(absl::StrCat(
          "metric ", CompareMetricName(metrics[i]), " is listed twice"));
    }
  }
  return metrics;
}

// A slice with its images.
struct SliceImages {
  std::string name;
  std::string filter;
  Selection images;  // over the images
};

// "all data", then each slice's images: the base table's rows its filter
// matches. `image_of_row`: each table position's image, or -1.
absl::StatusOr<std::vector<SliceImages>> FindImages(
    const Table& base_table, const std::vector<int64_t>& image_of_row,
    size_t num_images, absl::Span<const CompareSlice> slices,
    const SliceResolver* resolver) {
  std::vector<SliceImages> out;
  Selection all(num_images);
  for (size_t i = 0; i < num_images; ++i) all.Add(static_cast<RowIndex>(i));
  out.push_back({std::string(kAllData), "", std::move(all)});
  for (const CompareSlice& slice : slices) {
    for (const SliceImages& seen : out) {
      if (seen.name == slice.name) {
        return absl::InvalidArgumentError(absl::StrCat(
            "slice \"", slice.name, "\" is given twice",
            slice.name == kAllData ? " (\"all data\" is always compared)"
                                   : ""));
      }
    }
    absl::StatusOr<BoundFilter> bound =
        resolver != nullptr ? Bind(slice.filter, base_table, *resolver)
                            : Bind(slice.filter, base_table);
    if (!bound.ok()) {
      return absl::Status(bound.status().code(),
                          absl::StrCat("slice \"", slice.name,
                                       "\": ", bound.status().message()));
    }
    Selection images(num_images);
    bound->Scan().ForEach([&](RowIndex row) {
      if (image_of_row[row] >= 0) {
        images.Add(static_cast<RowIndex>(image_of_row[row]));
      }
    });
    out.push_back({slice.name, slice.filter.ToString(), std::move(images)});
  }
  return out;
}

// McNemar's flips for a per-row rate (CompareTest::kMcNemar); nullopt
// where the metric is not one on these rows.
struct Flips {
  int64_t worse = 0;
  int64_t better = 0;
};

std::optional<Flips> CountFlips(const internal::PairedData& data,
                                const std::vector<uint32_t>& members,
                                CompareMetric metric) {
  if (metric != CompareMetric::kPrecision && metric != CompareMetric::kRecall) {
    return std::nullopt;
  }
  const bool recall = metric == CompareMetric::kRecall;
  Flips flips;
  int64_t trials = 0;
  for (uint32_t i : members) {
    const internal::RowCounts& b = data.base_counts[i];
    const internal::RowCounts& n = data.new_counts[i];
    const int64_t base_trials = recall ? b.tp + b.fn : b.tp + b.fp;
    const int64_t new_trials = recall ? n.tp + n.fn : n.tp + n.fp;
    if (base_trials > 1 || base_trials != new_trials) return std::nullopt;
    if (base_trials == 0) continue;
    ++trials;
    flips.worse += b.tp == 1 && n.tp == 0;
    flips.better += b.tp == 0 && n.tp == 1;
  }
  if (trials == 0) return std::nullopt;
  return flips;
}

std::optional<double> Defined(double v) {
  return std::isnan(v) ? std::nullopt : std::optional<double>(v);
}

// One (slice, metric) result before the q-value and the verdict.
CompareResult Test(const internal::PairedData& data, const SliceImages& slice,
                   const internal::BootstrapSlice& prepared,
                   CompareMetric metric, internal::MetricPair point,
                   const std::vector<double>* resample_deltas,
                   const CompareOptions& options) {
  CompareResult r;
  r.slice = slice.name;
  r.filter = slice.filter;
  r.metric = metric;
  r.images = std::ssize(prepared.members);
  r.base = Defined(point.base);
  r.new_value = Defined(point.new_value);
  if (r.base && r.new_value) r.delta = *r.new_value - *r.base;
  std::vector<double> sorted;
  if (resample_deltas != nullptr) {
    for (double d : *resample_deltas) {
      if (!std::isnan(d)) sorted.push_back(d);
    }
    if (options.keep_resamples) r.resample_deltas = *resample_deltas;
  }
  std::sort(sorted.begin(), sorted.end());
  r.resamples = std::ssize(sorted);
  if (!sorted.empty()) {
    r.ci = internal::PercentileInterval(sorted, options.confidence);
    r.p_tail = internal::BootstrapTailPValue(sorted);
  }
  if (r.images < options.min_images || !r.delta || sorted.empty()) {
    r.verdict = Verdict::kTooSmall;
    return r;
  }
  if (const std::optional<Flips> flips =
          CountFlips(data, prepared.members, metric)) {
    r.test = CompareTest::kMcNemar;
    r.flips_worse = flips->worse;
    r.flips_better = flips->better;
    r.p_value = internal::McNemarExactP(flips->worse, flips->better);
  } else {
    r.test = CompareTest::kBootstrap;
    r.p_value = internal::BootstrapPValue(*r.delta, sorted);
  }
  return r;
}

// Everything after the inputs are lined up and the slices found.
absl::StatusOr<Comparison> Assemble(const internal::PairedData& data,
                                    const std::vector<SliceImages>& slices,
                                    const std::vector<CompareMetric>& metrics,
                                    const CompareOptions& options) {
  const bool has_ap = data.base_coco.has_value();
  bool any_ap = false;
  for (CompareMetric m : metrics) any_ap |= IsAp(m);
  std::vector<internal::BootstrapSlice> prepared;
  for (size_t s = 0; s < slices.size(); ++s) {
    SLICEKIT_ASSIGN_OR_RETURN(
        internal::BootstrapSlice slice,
        internal::MakeBootstrapSlice(data, slices[s].images,
                                     has_ap && any_ap && s > 0));
    slice.resample = std::ssize(slice.members) >= options.min_images;
    prepared.push_back(std::move(slice));
  }
  const internal::ResampleDeltas deltas =
      internal::Resample(data, prepared, metrics, options.bootstrap,
                         options.seed, options.threads);
  Comparison out;
  out.options = options;
  out.options.metrics = metrics;
  out.options.resolver = nullptr;
  out.images = static_cast<int64_t>(data.num_images);
  for (size_t s = 0; s < slices.size(); ++s) {
    const std::vector<internal::MetricPair> points =
        internal::PointEstimates(data, prepared[s], metrics);
    for (size_t m = 0; m < metrics.size(); ++m) {
      out.results.push_back(
          Test(data, slices[s], prepared[s], metrics[m], points[m],
               deltas[s].empty() ? nullptr : &deltas[s][m], options));
    }
  }
  // Benjamini-Hochberg over every tested result together.
  std::vector<double> p;
  for (const CompareResult& r : out.results) {
    if (r.p_value) p.push_back(*r.p_value);
  }
  const std::vector<double> q = internal::BenjaminiHochberg(p);
  size_t next = 0;
  for (CompareResult& r : out.results) {
    if (!r.p_value) continue;
    r.q_value = q[next++];
    r.verdict = internal::DecideVerdict(*r.q_value, *r.ci, options.fdr,
                                        options.tolerance);
  }
  return out;
}

absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

}  // namespace

absl::string_view CompareMetricName(CompareMetric metric) {
  switch (metric) {
    case CompareMetric::kAp:
      return "ap";
    case CompareMetric::kAp50:
      return "ap50";
    case CompareMetric::kAp75:
      return "ap75";
    case CompareMetric::kPrecision:
      return "precision";
    case CompareMetric::kRecall:
      return "recall";
    case CompareMetric::kF1:
      return "f1";
  }
  return "?";
}

absl::StatusOr<CompareMetric> ParseCompareMetric(absl::string_view name) {
  std::vector<std::string> known;
  for (CompareMetric m : kAllMetrics) {
    if (CompareMetricName(m) == name) return m;
    known.emplace_back(CompareMetricName(m));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown metric '", name,
                   "' (the metrics: ", absl::StrJoin(known, ", "), ")"));
}

absl::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegression:
      return "regression";
    case Verdict::kImprovement:
      return "improvement";
    case Verdict::kNoChange:
      return "no change";
    case Verdict::kTooSmall:
      return "too small";
  }
  return "?";
}

absl::string_view CompareTestName(CompareTest test) {
  switch (test) {
    case CompareTest::kBootstrap:
      return "bootstrap";
    case CompareTest::kMcNemar:
      return "mcnemar";
    case CompareTest::kNone:
      return "none";
  }
  return "?";
}

bool Comparison::HasRegression() const {
  for (const CompareResult& r : results) {
    if (r.verdict == Verdict::kRegression) return true;
  }
  return false;
}

absl::StatusOr<std::vector<CompareSlice>> SavedCompareSlices(
    SliceStore& store, absl::string_view org,
    absl::Span<const std::string> names) {
  std::vector<CompareSlice> out;
  if (names.empty()) {
    SLICEKIT_ASSIGN_OR_RETURN(const std::vector<Slice> all,
                              store.List(org, SliceListOrder::kByName));
    for (const Slice& slice : all) out.push_back({slice.name, slice.filter});
    return out;
  }
  for (const std::string& name : names) {
    absl::StatusOr<Slice> slice = store.Get(org, name);
    if (absl::IsNotFound(slice.status())) slice = store.GetByName(org, name);
    if (absl::IsNotFound(slice.status())) {
      return absl::NotFoundError(absl::StrCat(
          "org \"", org, "\" has no slice with the id or name \"", name, "\""));
    }
    if (!slice.ok()) return slice.status();
    out.push_back({slice->name, slice->filter});
  }
  return out;
}

absl::StatusOr<Comparison> CompareRuns(const ModelRun& base,
                                       const ModelRun& new_run,
                                       absl::Span<const CompareSlice> slices,
                                       const CompareOptions& options) {
  SLICEKIT_RETURN_IF_ERROR(CheckOptions(options));
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<CompareMetric> metrics,
                            ChooseMetrics(options, /*has_ap=*/true));
  SLICEKIT_ASSIGN_OR_RETURN(
      const internal::AlignedRuns runs,
      internal::AlignRuns(base, new_run, options.missing_as_no_predictions));
  if (options.base_thresholds.iou_type != options.new_thresholds.iou_type) {
    return absl::InvalidArgumentError(
        "base_thresholds and new_thresholds differ in iou_type: compare runs "
        "matched the same way");
  }
  absl::StatusOr<Evaluator> base_eval =
      Evaluator::Create(&runs.base, options.base_thresholds.iou_type);
  if (!base_eval.ok()) return Prefixed(base_eval.status(), "base run: ");
  absl::StatusOr<Evaluator> new_eval =
      Evaluator::Create(&runs.new_run, options.new_thresholds.iou_type);
  if (!new_eval.ok()) return Prefixed(new_eval.status(), "new run: ");
  absl::StatusOr<RunMetrics> base_metrics =
      base_eval->Compute(options.base_thresholds);
  if (!base_metrics.ok()) return Prefixed(base_metrics.status(), "base run: ");
  absl::StatusOr<RunMetrics> new_metrics =
      new_eval->Compute(options.new_thresholds);
  if (!new_metrics.ok()) return Prefixed(new_metrics.status(), "new run: ");

  internal::PairedData data;
  data.num_images = runs.base.rows.size();
  for (const Metrics& m : base_metrics->rows) {
    data.base_counts.push_back({m.tp, m.fp, m.fn});
  }
  for (const Metrics& m : new_metrics->rows) {
    data.new_counts.push_back({m.tp, m.fp, m.fn});
  }
  data.base_coco = CocoEvaluator::Create(*base_eval);
  data.new_coco = CocoEvaluator::Create(*new_eval);

  SLICEKIT_ASSIGN_OR_RETURN(const Table table,
                            MetricsToTable(runs.base, *base_metrics));
  std::vector<int64_t> image_of_row(data.num_images);
  for (size_t i = 0; i < image_of_row.size(); ++i) image_of_row[i] = i;
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<SliceImages> found,
                            FindImages(table, image_of_row, data.num_images,
                                       slices, options.resolver));
  SLICEKIT_ASSIGN_OR_RETURN(Comparison out,
                            Assemble(data, found, metrics, options));

  const CocoEvaluation base_all = data.base_coco->Evaluate();
  const CocoEvaluation new_all = data.new_coco->Evaluate();
  for (size_t k = 0; k < runs.base.classes.size(); ++k) {
    out.classes.push_back({runs.base.classes[k],
                           base_all.classes[k].num_ground_truths,
                           base_all.classes[k].ap, new_all.classes[k].ap});
  }
  if (options.discover) {
    SLICEKIT_ASSIGN_OR_RETURN(
        out.discovered,
        internal::DiscoverDeltas(table, image_of_row, data, *options.discover));
  }
  return out;
}

absl::StatusOr<Comparison> CompareTables(const Table& base,
                                         const Table& new_table,
                                         absl::Span<const CompareSlice> slices,
                                         const CompareOptions& options) {
  SLICEKIT_RETURN_IF_ERROR(CheckOptions(options));
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<CompareMetric> metrics,
                            ChooseMetrics(options, /*has_ap=*/false));
  SLICEKIT_ASSIGN_OR_RETURN(
      const internal::AlignedTables aligned,
      internal::AlignTables(base, new_table,
                            options.missing_as_no_predictions));
  const internal::PairedData& data = aligned.data;
  std::vector<int64_t> image_of_row(base.num_rows(), -1);
  for (size_t i = 0; i < aligned.base_row.size(); ++i) {
    if (aligned.base_row[i] >= 0) image_of_row[aligned.base_row[i]] = i;
  }
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<SliceImages> found,
                            FindImages(base, image_of_row, data.num_images,
                                       slices, options.resolver));
  SLICEKIT_ASSIGN_OR_RETURN(Comparison out,
                            Assemble(data, found, metrics, options));
  if (options.discover) {
    SLICEKIT_ASSIGN_OR_RETURN(
        out.discovered,
        internal::DiscoverDeltas(base, image_of_row, data, *options.discover));
  }
  return out;
}

}  // namespace slicekit
