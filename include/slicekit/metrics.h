// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Matches a model run's predictions to its ground truth and computes the
// per-row and per-(row, class) metric columns. Definitions: docs/metrics.md.
#ifndef SLICEKIT_METRICS_H_
#define SLICEKIT_METRICS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/label_issues.h"
#include "slicekit/model_run.h"
#include "slicekit/table.h"

namespace slicekit {

enum class MatchRule {
  // pycocotools' evaluateImg at one IoU threshold, area range "all",
  // maxDets per (row, class): detections by score descending (stable), each
  // takes the best unmatched GT with IoU >= threshold; crowd GTs absorb
  // detections, which are then ignored.
  kCoco,
  // All (GT, prediction) pairs of a class by IoU descending, greedy
  // one-to-one, a pair counts when IoU > threshold; no crowd handling.
  kLabelbox,
};

// What a detection's overlap with a ground truth is measured on, as
// pycocotools' iouType: boxes, instance masks (every object needs a Mask;
// docs/metrics.md#instance-masks), or keypoints by OKS (every object needs
// its class's keypoints, the class its sigmas; docs/metrics.md#keypoints).
enum class IouType {
  kBbox,
  kSegm,
  kKeypoints,
};

// COCO's 17 person keypoint sigmas (pycocotools' Params.kpt_oks_sigmas):
// what the COCO importer gives a class with 17 keypoints.
const std::vector<double>& CocoPersonKeypointSigmas();

struct MetricsOptions {
  // ComputeMetrics() matches on this; Evaluator::Compute() requires the
  // type the Evaluator was created with.
  IouType iou_type = IouType::kBbox;
  // ComputeMetrics() matches with this many threads (Evaluator::Create):
  // the same metrics with any number. At least 1.
  int threads = 1;
  double iou_threshold = 0.5;
  // Predictions with confidence below this are dropped before matching.
  double confidence_threshold = 0.5;
  MatchRule rule = MatchRule::kCoco;
  // IoU threshold overrides by class name.
  std::map<std::string, double> class_iou_thresholds;
  // kCoco only: detections evaluated per (row, class), highest score first.
  int max_detections = 100;
};

// The metrics of one row, or of one (row, class).
struct Metrics {
  int64_t tp = 0;
  int64_t fp = 0;
  int64_t fn = 0;
  int64_t tn = 0;
  // nullopt when undefined (a zero denominator, no predictions, ...).
  std::optional<double> precision;
  std::optional<double> recall;
  std::optional<double> f1;
  std::optional<double> iou;
  std::optional<double> confidence;  // mean, before the threshold
  std::optional<double> min_confidence;
  std::optional<double> max_confidence;
  std::optional<double> max_fp_confidence;
};

// The metrics of a whole run, row by row.
struct RunMetrics {
  struct ClassEntry {
    int32_t class_index;
    Metrics metrics;
  };
  // One per ModelRun row, in row order.
  std::vector<Metrics> rows;
  // Per (row, class) with any ground truth or prediction (before the
  // threshold), by row then class: row r's entries are
  // classes[class_begin[r] .. class_begin[r + 1]). A class of the run absent
  // from a row has tp = fp = fn = 0, tn = 1 and no float metrics.
  std::vector<ClassEntry> classes;
  std::vector<size_t> class_begin;
};

// Matches a run under changing options. Create() computes every IoU once
// (only within a (row, class)); Compute() re-derives the metrics from those
// for any thresholds or rule without computing an IoU again. Holds a pointer
// to the run, which must outlive it and stay unchanged. Compute() is const
// and may run concurrently.
class Evaluator {
 public:
  // kSegm: mask IoUs (pycocotools' maskUtils.iou, with its crowd rule),
  // each row's masks decoded from their compressed form once, one row at a
  // time. Errors (kSegm): InvalidArgument naming the row and object when a
  // ground truth or prediction has no mask, a mask does not decode, or the
  // masks of a (row, class) differ in size. kKeypoints: OKS with the
  // class's sigmas (ModelRun::keypoints); a ground truth with
  // num_keypoints 0 is ignored. Errors (kKeypoints): InvalidArgument
  // naming the row and object when its class has no sigmas or it has not 3
  // numbers per sigma.
  //
  // `threads` (at least 1; InvalidArgument otherwise) computes the IoUs of
  // ranges of rows in parallel, the same Evaluator as with one: the same
  // groups, orders and IoUs, and on bad input the first bad row's error.
  static absl::StatusOr<Evaluator> Create(const ModelRun* run,
                                          IouType iou_type = IouType::kBbox,
                                          int threads = 1);

  // Errors: InvalidArgument for a threshold outside [0, 1] or not finite,
  // max_detections < 1, an override naming an unknown class, or an
  // options.iou_type other than the Evaluator's.
  absl::StatusOr<RunMetrics> Compute(const MetricsOptions& options) const;

  // IoU values computed by Create() (constant afterwards).
  int64_t num_iou_computations() const { return num_ious_; }

  IouType iou_type() const { return iou_type_; }

  // Bytes the Evaluator holds on the heap (its vectors' capacities), not
  // counting the run it points to.
  size_t memory_bytes() const;

  Evaluator(Evaluator&&) noexcept = default;
  Evaluator& operator=(Evaluator&&) noexcept = default;

  // A (row, class) with any ground truth or prediction. Public for the
  // implementation's helpers only.
  struct Group {
    int32_t row;
    int32_t class_index;
    // Into gt_order_: regular GTs in source order, then the num_crowd
    // ignored ones (crowd, or `area` outside [0, 1e10]).
    uint32_t gt_begin, num_gt, num_crowd;
    // Into pred_order_: predictions by confidence descending (stable).
    uint32_t pred_begin, num_pred;
    // Into ious_: num_pred x num_gt, row-major by prediction; a crowd
    // GT's column holds intersection / prediction area. Then num_pred x
    // num_crowd union IoUs for the ignored columns.
    uint64_t iou_begin;
  };

 private:
  // Matches at COCO's ten IoU thresholds and four area ranges from the
  // IoUs computed here (average_precision.h).
  friend class CocoEvaluator;
  Evaluator() = default;
  const ModelRun* run_ = nullptr;
  IouType iou_type_ = IouType::kBbox;
  std::vector<Group> groups_;  // by row, then class
  std::vector<size_t> row_group_begin_;
  std::vector<uint32_t> gt_order_;
  std::vector<uint32_t> pred_order_;
  std::vector<double> ious_;
  int64_t num_ious_ = 0;
};

// Matches once: Evaluator::Create(&run, options.iou_type), then
// Compute(options).
absl::StatusOr<RunMetrics> ComputeMetrics(const ModelRun& run,
                                          const MetricsOptions& options = {});

// Returns the IoU the kCoco rule uses, exactly as pycocotools computes it:
// for a crowd GT, intersection over the prediction's area.
double CocoIou(const Box& prediction, const Box& ground_truth, bool crowd);

struct MetricsTableOptions {
  // Adds `<metric>[<class name>]` columns (e.g. `fp[car]`) for every class
  // of the run. Turn off for runs with many classes.
  bool per_class_columns = true;
  // Adds a `label_issue_score` column (float, after the metric columns):
  // the highest score of the row's label issues (FindLabelIssues with these
  // options over the whole run), NULL where it has none. Its presence
  // offers the "Label issues" auto slice (auto_slices.h). Off by default:
  // it matches the run a second time, as label_issues.h does.
  std::optional<LabelIssueOptions> label_issues;
  TableOptions table;
};

// The name of the column MetricsTableOptions::label_issues adds.
inline constexpr absl::string_view kLabelIssueScoreColumn = "label_issue_score";

// The names of the metric columns, in table order.
const std::vector<std::string>& MetricColumnNames();

// Builds the metrics table: `data_row_id`, `dataset`, `split`, `tp fp fn tn`
// (int), `precision recall f1 iou confidence min_confidence max_confidence
// max_fp_confidence` (float), `label_issue_score` (float, only with
// options.label_issues), the metadata columns (int when every value is
// an integer, float when every value is a number, else categorical; NULL
// where a row lacks the field), then the per-class columns. Errors:
// InvalidArgument when a metadata name collides with another column or
// options.label_issues is out of range (FindLabelIssues' errors), or
// FailedPrecondition when `metrics` does not belong to `run`.
absl::StatusOr<Table> MetricsToTable(const ModelRun& run,
                                     const RunMetrics& metrics,
                                     const MetricsTableOptions& options = {});

// Writes the metrics table as CSV without building it: exactly the bytes
// that ExportRows(MetricsToTable(run, metrics, options), every row, kCsv)
// writes (`options.table` plays no part), in a fraction of the time and
// memory. Fails, writing nothing, where MetricsToTable would: the errors
// above, and InvalidArgument for an empty or repeated data_row_id or a
// float metadata value that is not finite as a 32-bit float. Unknown when
// writing fails.
absl::Status WriteMetricsCsv(const ModelRun& run, const RunMetrics& metrics,
                             const MetricsTableOptions& options,
                             std::ostream& out);

// Writes the per-(row, class) metrics as CSV: a header
// `data_row_id,class,tp,fp,fn,tn,precision,...,max_fp_confidence`, then one
// line per (row, class) with any ground truth or prediction, `class` the
// class name (quoted when it needs to be). NULL is an empty field; floats
// are the shortest text that reads back as the same double. Errors: Unknown
// when writing fails.
absl::Status WritePerClassCsv(const ModelRun& run, const RunMetrics& metrics,
                              std::ostream& out);

}  // namespace slicekit

#endif  // SLICEKIT_METRICS_H_
