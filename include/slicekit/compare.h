// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Compares two model runs that share the ground truth, slice by slice:
// is the new run better than the base run, where is it worse, and is the
// difference more than noise? Per (slice, metric) the delta new - base
// with a paired bootstrap confidence interval over images, a p-value, a
// Benjamini-Hochberg q-value over every test of the comparison and a
// verdict, so that a release pipeline can gate on it. Statistics,
// definitions and costs: docs/compare.md.
//
//   CompareRuns()    two ModelRuns (COCO AP, AP50, AP75; precision,
//                    recall and F1 at each run's thresholds)
//   CompareTables()  two metrics tables (precision, recall and F1 from
//                    their tp, fp and fn columns; the bootstrap over rows)
#ifndef SLICEKIT_COMPARE_H_
#define SLICEKIT_COMPARE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "slicekit/discover.h"
#include "slicekit/expr.h"
#include "slicekit/metrics.h"
#include "slicekit/model_run.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/slice_store.h"
#include "slicekit/table.h"

namespace slicekit {

// The metrics a comparison can test. Higher is better for each.
enum class CompareMetric {
  kAp,         // COCO AP @[IoU=0.50:0.95], pycocotools-exact
  kAp50,       // COCO AP @[IoU=0.50]
  kAp75,       // COCO AP @[IoU=0.75]
  kPrecision,  // sum tp / sum (tp + fp) over the slice's rows
  kRecall,     // sum tp / sum (tp + fn)
  kF1,         // 2 sum tp / (2 sum tp + sum fp + sum fn)
};

// "ap", "ap50", "ap75", "precision", "recall", "f1": the names of the
// CLI's --metric and the JSON output.
absl::string_view CompareMetricName(CompareMetric metric);
// The metric of a name above; InvalidArgument naming the known ones.
absl::StatusOr<CompareMetric> ParseCompareMetric(absl::string_view name);

enum class Verdict {
  kRegression,   // q <= fdr and the CI's upper end < -tolerance
  kImprovement,  // q <= fdr and the CI's lower end > tolerance
  kNoChange,     // tested, and neither of those
  kTooSmall,     // fewer than min_images images, or the metric undefined
};
// "regression", "improvement", "no change", "too small".
absl::string_view VerdictName(Verdict verdict);

// Which test gave a result's p-value.
enum class CompareTest {
  // The paired bootstrap: 2 Phi(-|delta| / se), se the standard deviation
  // of the resamples' deltas (docs/compare.md#statistics).
  kBootstrap,
  // McNemar's exact test on the rows whose outcome flips: for precision or
  // recall where every row of the slice is one trial with the same trials
  // in both runs (at most one ground truth per row for recall; the same
  // rows with exactly one kept prediction for precision).
  kMcNemar,
  kNone,  // not tested (too small)
};
// "bootstrap", "mcnemar", "none".
absl::string_view CompareTestName(CompareTest test);

// A slice to compare on: the images whose row of the base run's metrics
// table (or of the base table) matches `filter`.
struct CompareSlice {
  std::string name;
  Expr filter;
};

// The saved slices of `org` (all of them, by name, when `names` is empty;
// else each by id or, case-insensitively, by name, in the order given) as
// CompareSlices. NotFound naming a slice the org lacks.
absl::StatusOr<std::vector<CompareSlice>> SavedCompareSlices(
    SliceStore& store, absl::string_view org,
    absl::Span<const std::string> names = {});

struct CompareOptions {
  // The metrics to test, in this order. Empty: every metric the input
  // has (CompareTables: precision, recall, F1).
  std::vector<CompareMetric> metrics;
  // Bootstrap resamples (B), in [1, 1000000].
  int64_t bootstrap = 1000;
  // The resamples' seed: the same seed, data and B give the same
  // resamples, on any number of threads.
  uint64_t seed = 1;
  // The confidence interval's level, in (0, 1).
  double confidence = 0.95;
  // Benjamini-Hochberg's false discovery rate, in (0, 1).
  double fdr = 0.05;
  // A delta within [-tolerance, tolerance] is never a regression or an
  // improvement; >= 0.
  double tolerance = 0;
  // A slice with fewer images (rows) gets the verdict "too small"; >= 1.
  int64_t min_images = 30;
  // Threads the resamples run on, in [1, 256].
  int threads = 1;
  // CompareRuns: how each run is matched for precision, recall and F1
  // (its confidence and IoU thresholds), and for AP (iou_type, which must be
  // the same for both).
  MetricsOptions base_thresholds;
  MetricsOptions new_thresholds;
  // Off: a row in one run only is an error naming it. On: it counts as a
  // row with no predictions in the other run (CompareRuns: its ground truth
  // from the run that has it; CompareTables: tp = fp = 0 and fn = the
  // other table's tp + fn).
  bool missing_as_no_predictions = false;
  // Resolves IN SLICE references in the slices' filters (the store's
  // Resolver(org)); null: none may appear.
  const SliceResolver* resolver = nullptr;
  // Set: discovery over the per-row difference of errors (docs/compare.md):
  // DiscoverSlices with these options, the error being the errors (fp + fn)
  // the new run added on each image, max(0, new - base) (their `error` is
  // replaced; their `features` default to the base table's metadata).
  std::optional<DiscoverOptions> discover;
  // Keeps every resample's delta in CompareResult::resample_deltas.
  bool keep_resamples = false;
};

// One (slice, metric) test.
struct CompareResult {
  std::string slice;   // the slice's name; "all data" for every image
  std::string filter;  // its filter as text; empty for all data
  CompareMetric metric = CompareMetric::kAp;
  int64_t images = 0;  // images (rows) in the slice
  // The metric over the slice's images in each run, and new - base; nullopt
  // where the metric is undefined (no ground truth, no predictions).
  std::optional<double> base;
  std::optional<double> new_value;
  std::optional<double> delta;
  // The bootstrap percentile interval of the delta at the confidence level.
  std::optional<std::pair<double, double>> ci;
  std::optional<double> p_value;
  // The bootstrap's tail count, 2 min(1 + #{d <= 0}, 1 + #{d >= 0}) /
  // (B + 1): what the percentile CI agrees with; for reference only.
  std::optional<double> p_tail;
  // Benjamini-Hochberg over every tested (slice, metric) of the comparison;
  // nullopt for a result not tested.
  std::optional<double> q_value;
  CompareTest test = CompareTest::kNone;
  // Resamples in which the metric was defined in both runs (the CI's).
  int64_t resamples = 0;
  // McNemar: rows right in base and wrong in new (worse), and the reverse.
  int64_t flips_worse = 0;
  int64_t flips_better = 0;
  Verdict verdict = Verdict::kTooSmall;
  // With keep_resamples: the delta of each resample in order, NaN where the
  // metric was undefined.
  std::vector<double> resample_deltas;
};

// One class's AP over all images in each run (-1: no ground truth).
struct ClassApDelta {
  std::string class_name;
  int64_t ground_truths = 0;
  double base = -1;
  double new_value = -1;
};

// A conjunction of metadata predicates where the new run errs more than
// the base run, found by discovery.
struct DiscoveredDelta {
  DiscoveredSlice slice;  // its filter, size and SliceLine score
  // The mean over its rows of (new errors - base errors), errors = fp + fn
  // at the runs' thresholds; > 0.
  double mean_error_delta = 0;
  // CompareRuns: AP over its images, new - base (nullopt: undefined).
  std::optional<double> ap_delta;
};

struct Comparison {
  std::string base_name;  // as given to the CLI or the caller; may be empty
  std::string new_name;
  CompareOptions options;  // as used (metrics filled in; resolver cleared)
  int64_t images = 0;      // images (rows) compared
  // By slice ("all data" first, then the slices in the order given), then
  // metric in options.metrics order.
  std::vector<CompareResult> results;
  // CompareRuns: per class of the run, AP over all images.
  std::vector<ClassApDelta> classes;
  // With options.discover: by SliceLine score, best first.
  std::vector<DiscoveredDelta> discovered;

  // Whether any result is a regression (the CLI's exit status 3).
  bool HasRegression() const;
};

// Compares `base` with `new_run`, which must cover the same data rows
// (matched by data_row_id; see missing_as_no_predictions) with the same
// ground truth, on all data and each slice. Classes are matched by name.
// A slice's images are those whose row in the base run's metrics table
// (MetricsToTable at base_thresholds, per-class columns included) matches
// its filter, so a filter over metric columns (fp >= 1) picks images by
// the base run's errors.
//
// Cost: matching once per run (Evaluator, CocoEvaluator), then per
// resample and slice one CocoEvaluator::EvaluateWeighted per run and a
// pass over the slice's row counts; resamples run on options.threads.
//
// Errors: InvalidArgument for an option out of range, a row in one run
// only (naming it), ground truth that differs (naming the row), a metric
// listed twice, a slice named twice or "all data", a filter that does not
// bind to the base table (naming the slice); the evaluator's for a run it
// rejects.
absl::StatusOr<Comparison> CompareRuns(const ModelRun& base,
                                       const ModelRun& new_run,
                                       absl::Span<const CompareSlice> slices,
                                       const CompareOptions& options = {});

// The same for two metrics tables (MetricsToTable's, or any with int
// columns tp, fp and fn and a data_row_id), live rows matched by
// data_row_id: precision, recall and F1, the bootstrap over rows. Slices
// bind to `base`. Errors: as CompareRuns, and InvalidArgument for an AP
// metric or a table without an int tp, fp or fn column.
absl::StatusOr<Comparison> CompareTables(const Table& base,
                                         const Table& new_table,
                                         absl::Span<const CompareSlice> slices,
                                         const CompareOptions& options = {});

// The images of bootstrap resample `resample` (0-based) of `num_images`
// images under `seed`: how many times each is drawn (they sum to
// num_images). What the comparison uses, for checking it from outside.
std::vector<uint32_t> BootstrapMultiplicities(uint64_t seed, int64_t resample,
                                              size_t num_images);

}  // namespace slicekit

#endif  // SLICEKIT_COMPARE_H_
