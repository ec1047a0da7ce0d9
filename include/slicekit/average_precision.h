// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO detection AP and AR exactly as pycocotools' COCOeval computes them
// (iouType "bbox", "segm" or "keypoints", its Params), for a whole run or any set of its
// images, with per-class precision-recall curves and confidence-threshold
// sweeps. Definitions: docs/metrics.md#average-precision.
#ifndef SLICEKIT_AVERAGE_PRECISION_H_
#define SLICEKIT_AVERAGE_PRECISION_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "slicekit/metrics.h"
#include "slicekit/selection.h"

namespace slicekit {

// pycocotools' default detection Params.
inline constexpr int kCocoIouThresholds = 10;      // .50:.05:.95
inline constexpr int kCocoRecallThresholds = 101;  // 0:.01:1
inline constexpr int kCocoAreaRanges = 4;          // all, small, medium, large
inline constexpr int kCocoMaxDetsSettings = 3;     // 1, 10, 100
// Detections evaluated per (image, class), highest score first.
inline constexpr int kCocoMaxDets = 100;

// IoU threshold t (0 <= t < 10), bit for bit numpy.linspace(.5, .95, 10)[t]
// (so t = 8 is 0.8999999999999999).
double CocoIouThreshold(int t);
// Recall threshold r (0 <= r < 101): numpy.linspace(0, 1, 101)[r].
double CocoRecallThreshold(int r);
// Area range a: "all" [0, 1e10], "small" [0, 32^2], "medium" [32^2, 96^2],
// "large" [96^2, 1e10], bounds included.
absl::string_view CocoAreaName(int a);
double CocoAreaMin(int a);
double CocoAreaMax(int a);
// maxDets setting m: 1, 10, 100.
int CocoMaxDetsSetting(int m);

// One of pycocotools' areaRng entries with its areaRngLbl: objects with
// min <= area <= max.
struct CocoAreaRange {
  std::string label;
  double min = 0;
  double max = 0;
  bool operator==(const CocoAreaRange&) const = default;
};

// pycocotools' Params (imgIds aside: the images are the run's, or a
// Selection's). Default(type) equals Params(iouType) bit for bit.
struct CocoParams {
  // iouThrs: each in (0, 1], strictly increasing.
  std::vector<double> iou_thresholds;
  // recThrs: each in [0, 1], strictly increasing.
  std::vector<double> recall_thresholds;
  // maxDets: positive, strictly increasing (pycocotools sorts them; here an
  // unsorted list is an error rather than a silent reorder). The last is
  // how many detections of an (image, class) are matched.
  std::vector<int> max_dets;
  // areaRng with areaRngLbl: labels non-empty and unique, 0 <= min <= max.
  std::vector<CocoAreaRange> area_ranges;
  // useCats: false pools every class into one (K = 1), each image's
  // objects matched regardless of class. Not for keypoints (pycocotools'
  // computeOks ignores useCats and then matches nothing).
  bool use_cats = true;

  // bbox and segm: .50:.05:.95, 0:.01:1, 1 10 100, all small medium large;
  // keypoints: the same thresholds, maxDets 20, all medium large.
  static CocoParams Default(IouType iou_type);
  bool operator==(const CocoParams&) const = default;
};

// numpy.linspace(start, stop, num) bit for bit, as pycocotools' Params
// builds iouThrs and recThrs: CocoLinspace(.5, .95, 10) is the default
// iou_thresholds.
std::vector<double> CocoLinspace(double start, double stop, int num);

// OK, or InvalidArgument naming the field and index of the first bad value
// ("iou_thresholds[2] = 1.5 is not in (0, 1]").
absl::Status ValidateCocoParams(const CocoParams& params, IouType iou_type);

// The indexes of the 12 numbers COCOeval.summarize() prints.
enum CocoStat {
  kCocoAp,        // AP @[IoU=0.50:0.95 | area=all | maxDets=100]
  kCocoAp50,      // AP @[IoU=0.50 | area=all | maxDets=100]
  kCocoAp75,      // AP @[IoU=0.75 | area=all | maxDets=100]
  kCocoApSmall,   // AP @[IoU=0.50:0.95 | area=small | maxDets=100]
  kCocoApMedium,  // ... medium
  kCocoApLarge,   // ... large
  kCocoAr1,       // AR @[IoU=0.50:0.95 | area=all | maxDets=1]
  kCocoAr10,      // ... maxDets=10
  kCocoAr100,     // ... maxDets=100
  kCocoArSmall,   // AR @[IoU=0.50:0.95 | area=small | maxDets=100]
  kCocoArMedium,  // ... medium
  kCocoArLarge,   // ... large
};

// What summarize() reports as stat i under `params`: AP or AR, the IoU
// threshold (nullopt: the mean over all), the area label and maxDets.
// Follows pycocotools: stat 0 (and every keypoint stat) at maxDets 100
// (20) by value, the other detection stats at maxDets[2] (AR1, AR10 at
// maxDets[0], [1]) by position; areas by label, IoU .5 and .75 by value.
// Where pycocotools would raise IndexError (fewer than three maxDets) the
// position is clamped to the last. docs/metrics.md#coco-parameters.
struct CocoStatSpec {
  bool ap = true;
  std::optional<double> iou;
  std::string area;
  int max_dets = 0;
};
CocoStatSpec CocoStatSpecOf(int i, const CocoParams& params,
                            IouType iou_type);

// Returns the line COCOeval.summarize() prints for stat i, e.g.
// " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]
// = 0.304" (one line, no newline). For keypoints (0 <= i < 10) the lines
// of _summarizeKps: AP, AP50, AP75, AP medium, AP large, then AR likewise,
// maxDets 20.
std::string CocoStatLine(int i, double value,
                         IouType iou_type = IouType::kBbox);
// The same under `params` (the IoU range printed from its first and last
// thresholds).
std::string CocoStatLine(int i, double value, const CocoParams& params,
                         IouType iou_type);

// One class's summary over the evaluated images: the area range labelled
// "all" (the first where none is) and the last maxDets (100 by default, 20
// for keypoints).
struct CocoClassAp {
  // -1 when the classes are pooled (use_cats false).
  int32_t class_index = 0;
  // Regular (not crowd, area in that range) ground truths.
  int64_t num_ground_truths = 0;
  // Detections evaluated (at most the last maxDets per image).
  int64_t num_detections = 0;
  // Mean precision over the recall thresholds: over all IoU thresholds
  // (ap), at IoU .5 (ap50) and .75 (ap75) where they are among them;
  // recall at that maxDets averaged over the IoU thresholds (ar100). -1
  // without ground truth (or without the threshold).
  double ap = -1;
  double ap50 = -1;
  double ap75 = -1;
  double ar100 = -1;
};

// What COCOeval.accumulate() and summarize() produce for a set of images.
struct CocoEvaluation {
  // Images evaluated (rows of the run in the set).
  int64_t num_images = 0;
  // K of the arrays: the run's classes, or 1 when pooled (use_cats false).
  int num_classes = 0;
  // The Evaluator's.
  IouType iou_type = IouType::kBbox;
  // The parameters used: the arrays' T, R, A and M are their sizes.
  CocoParams params;
  // summarize()'s stats, indexed by CocoStat; -1 where undefined. For
  // keypoints the first num_stats = 10 are _summarizeKps' (CocoStatLine's
  // order) and the last two -1.
  std::array<double, 12> stats{};
  int num_stats = 12;
  // One per class of the run, in class order (one, class -1, when pooled).
  std::vector<CocoClassAp> classes;
  // accumulate()'s eval['precision'], eval['scores'] (T x R x K x A x M)
  // and eval['recall'] (T x K x A x M), row-major; -1 where class k has no
  // ground truth in area range a.
  std::vector<double> precision;
  std::vector<double> scores;
  std::vector<double> recall;

  double Precision(int t, int r, int k, int a, int m) const {
    return precision[PrIndex(t, r, k, a, m)];
  }
  // The score of the detection at which recall threshold r is reached
  // (0 where it is not): where to cut confidences for that recall.
  double Score(int t, int r, int k, int a, int m) const {
    return scores[PrIndex(t, r, k, a, m)];
  }
  double Recall(int t, int k, int a, int m) const {
    return recall[((static_cast<size_t>(t) * num_classes + k) * num_areas() +
                   a) *
                      num_max_dets() +
                  m];
  }
  // T, R, A, M.
  int num_iou_thresholds() const {
    return static_cast<int>(params.iou_thresholds.size());
  }
  int num_recall_thresholds() const {
    return static_cast<int>(params.recall_thresholds.size());
  }
  int num_areas() const { return static_cast<int>(params.area_ranges.size()); }
  int num_max_dets() const { return static_cast<int>(params.max_dets.size()); }
  // summarize()'s line for stat i (< num_stats) under these params.
  std::string StatLine(int i) const {
    return CocoStatLine(i, stats[i], params, iou_type);
  }

 private:
  size_t PrIndex(int t, int r, int k, int a, int m) const {
    return (((static_cast<size_t>(t) * num_recall_thresholds() + r) *
                 num_classes +
             k) *
                num_areas() +
            a) *
               num_max_dets() +
           m;
  }
};

// COCO's headline numbers (area "all", maxDets 100), as summarize()'s
// stats[0..2]: -1 where no image in the set has a regular ground truth.
struct CocoApStats {
  double ap = -1;    // AP @[IoU=0.50:0.95]
  double ap50 = -1;  // AP @[IoU=0.50]
  double ap75 = -1;  // AP @[IoU=0.75]
};

// The detections with score >= threshold, at one IoU threshold, area
// "all", at most kCocoMaxDets per (image, class).
struct ThresholdPoint {
  double threshold = 0;
  int64_t tp = 0;
  int64_t fp = 0;
  int64_t fn = 0;
  // nullopt when the denominator is zero.
  std::optional<double> precision;
  std::optional<double> recall;
  std::optional<double> f1;
};

// A confidence-threshold sweep of one class, or of all classes together.
struct ClassSweep {
  // The class, or -1 for all classes (detections and ground truths of
  // every class counted together: micro-averaged).
  int32_t class_index = -1;
  int64_t num_ground_truths = 0;
  // By threshold, descending.
  std::vector<ThresholdPoint> points;
  // The point with the highest F1 (on equal F1, the highest threshold);
  // nullopt when no point has one.
  std::optional<ThresholdPoint> best_f1;
};

struct SweepOptions {
  // One of the evaluator's IoU thresholds (within 1e-9).
  double iou_threshold = 0.5;
  // Empty: a point at every distinct detection score. Otherwise a point at
  // each of these thresholds (in [0, 1]; duplicates dropped).
  std::vector<double> thresholds;
};

// COCO evaluation of a run under any set of its images. Create() matches
// every (image, class, area range) at all ten IoU thresholds once, from the
// IoUs an Evaluator computed, and sorts each class's detections once;
// Evaluate() and Sweep() then only walk those sorted lists, so evaluating
// many slices of a run costs little more than evaluating one. Keeps no
// pointer to the Evaluator or the run. Immutable; const methods may run
// concurrently.
//
// The result equals pycocotools COCOeval(gt, dt, iouType) (the
// Evaluator's IouType: "bbox" or "segm") with
// params.imgIds = the set's image ids, evaluate(), accumulate(),
// summarize(). pycocotools breaks score ties across images by image id:
// here by data_row_id, numerically where it is a decimal integer (as COCO
// import makes it), those first, then byte-wise. Row-level classification
// answers play no part. A ground truth without `area` uses w * h (where
// pycocotools would fail).
class CocoEvaluator {
 public:
  // pycocotools' default Params for the Evaluator's IouType.
  static CocoEvaluator Create(const Evaluator& evaluator);
  // Under `params`: InvalidArgument where ValidateCocoParams fails. With
  // use_cats false the run's classes are pooled (each image's objects in
  // category-id order, as pycocotools lists them) and matched again.
  static absl::StatusOr<CocoEvaluator> Create(const Evaluator& evaluator,
                                              const CocoParams& params);

  // Every image of the run.
  CocoEvaluation Evaluate() const;
  // The images whose run row is selected; `rows` covers the run's rows
  // (the positions of MetricsToTable's table, which keeps the run's row
  // order). InvalidArgument when rows.num_rows() differs from the run's.
  absl::StatusOr<CocoEvaluation> Evaluate(const Selection& rows) const;

  // AP, AP50 and AP75 over the images weighted by multiplicity: exactly
  // Evaluate()'s stats[kCocoAp], [kCocoAp50] and [kCocoAp75] for the run in
  // which row r appears weights[r] times (0: left out), each copy an image
  // of its own placed next to row r in image-id order (so a copy's
  // detections tie with the original's where pycocotools' order puts
  // them). Weights of 0 and 1 give Evaluate(rows) bit for bit. The cost of
  // a bootstrap resample: one pass per class and IoU threshold over the
  // detections sorted once by Create(), nothing matched or sorted again.
  // Thread-safe; each thread keeps its own scratch buffers.
  // InvalidArgument when weights.size() differs from the run's rows, or
  // the evaluator's params are not the defaults of its IouType.
  absl::StatusOr<CocoApStats> EvaluateWeighted(
      absl::Span<const uint32_t> weights) const;

  // The evaluator of the images `rows` selects: the same answers as this
  // one for any set of them (rows outside count as left out), in time that
  // grows with their detections rather than the run's. Row numbers are
  // kept. InvalidArgument when rows.num_rows() differs from the run's.
  absl::StatusOr<CocoEvaluator> Restrict(const Selection& rows) const;

  // Per class (in class order, classes with neither ground truth nor
  // detections in the images left out), then all classes together (class
  // -1), in the first area range ("all" by default), each (image, class)'s
  // first maxDets.back() detections:
  // TP, FP, FN, precision, recall and F1 at each threshold, from the
  // one sorted list per class. At threshold c the counts equal
  // Evaluator::Compute with iou_threshold, confidence_threshold = c and
  // MatchRule::kCoco, summed over the images. `rows`: as in Evaluate();
  // nullptr for every image. InvalidArgument for an IoU threshold that is
  // not one of the params', a threshold outside [0, 1], or a `rows` of the wrong
  // size.
  absl::StatusOr<std::vector<ClassSweep>> Sweep(
      const SweepOptions& options, const Selection* rows = nullptr) const;

  int num_classes() const { return num_classes_; }
  const CocoParams& params() const { return params_; }
  size_t num_rows() const { return num_rows_; }

 private:
  // A detection among the first maxDets.back() of its (image, class).
  struct Detection {
    double score;
    uint32_t row;
    // Rank within its (image, class), by score descending: for maxDets.
    uint32_t rank;
  };
  // Its outcome per area range as bits over the IoU thresholds, in words
  // of 16: detection i's bit t of area a is bit t % 16 of
  // bits_[i * stride + a * W + t / 16] when matched to a regular GT (tp),
  // and of bits_[i * stride + (A + a) * W + t / 16] when ignored, with
  // W = ceil(T / 16) and stride = 2 * A * W (8 words with the defaults).
  using Word = uint16_t;

  CocoEvaluator() = default;
  static CocoEvaluator CreateImpl(const Evaluator& evaluator,
                                  const CocoParams& params);
  CocoEvaluation EvaluateImpl(const Selection* rows) const;
  size_t num_areas() const { return params_.area_ranges.size(); }
  size_t words() const { return (params_.iou_thresholds.size() + 15) / 16; }
  size_t stride() const { return 2 * num_areas() * words(); }
  IouType iou_type_ = IouType::kBbox;
  CocoParams params_;
  int num_classes_ = 0;
  size_t num_rows_ = 0;
  // By class (detection_begin_ offsets), then score descending, image
  // order, rank: the order accumulate() puts them in.
  std::vector<Detection> detections_;
  std::vector<Word> bits_;
  std::vector<size_t> detection_begin_;
  // Regular ground truths of one (image, class) per area range: row r's
  // are gt_counts_[i * A + a] with ground_truth_rows_[i] = r.
  std::vector<uint32_t> ground_truth_rows_;
  std::vector<uint32_t> gt_counts_;
  std::vector<size_t> ground_truth_begin_;
};

// COCO evaluation of the whole run: Evaluator::Create(&run, iou_type), then
// CocoEvaluator::Create(...).Evaluate().
absl::StatusOr<CocoEvaluation> EvaluateCoco(const ModelRun& run,
                                            IouType iou_type = IouType::kBbox);
absl::StatusOr<CocoEvaluation> EvaluateCoco(const ModelRun& run,
                                            IouType iou_type,
                                            const CocoParams& params);

}  // namespace slicekit

#endif  // SLICEKIT_AVERAGE_PRECISION_H_
