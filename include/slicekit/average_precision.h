// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCO detection AP and AR exactly as pycocotools' COCOeval computes them
// (iouType "bbox" or "segm", default Params), for a whole run or any set of its
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

// Returns the line COCOeval.summarize() prints for stat i, e.g.
// " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]
// = 0.304" (one line, no newline). For keypoints (0 <= i < 10) the lines
// of _summarizeKps: AP, AP50, AP75, AP medium, AP large, then AR likewise,
// maxDets 20.
std::string CocoStatLine(int i, double value,
                         IouType iou_type = IouType::kBbox);

// One class's summary over the evaluated images: area "all", maxDets 100.
struct CocoClassAp {
  int32_t class_index = 0;
  // Regular (not crowd, area in [0, 1e10]) ground truths.
  int64_t num_ground_truths = 0;
  // Detections evaluated (at most kCocoMaxDets per image).
  int64_t num_detections = 0;
  // Mean precision over the 101 recall thresholds: over all ten IoU
  // thresholds (ap), at IoU .5 (ap50) and .75 (ap75); recall at maxDets 100
  // averaged over the IoU thresholds (ar100). -1 without ground truth.
  double ap = -1;
  double ap50 = -1;
  double ap75 = -1;
  double ar100 = -1;
};

// What COCOeval.accumulate() and summarize() produce for a set of images.
struct CocoEvaluation {
  // Images evaluated (rows of the run in the set).
  int64_t num_images = 0;
  int num_classes = 0;
  // The Evaluator's. For keypoints pycocotools' Params differ: area ranges
  // all, medium, large (the "small" slot a = 1 stays -1) and one maxDets
  // setting, 20, in slot m = 2 (slots 0 and 1 stay -1); per-class ar100 is
  // then the recall at maxDets 20.
  IouType iou_type = IouType::kBbox;
  // summarize()'s stats, indexed by CocoStat; -1 where undefined. For
  // keypoints the first num_stats = 10 are _summarizeKps' (CocoStatLine's
  // order) and the last two -1.
  std::array<double, 12> stats{};
  int num_stats = 12;
  // One per class of the run, in class order.
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
    return recall
        [((static_cast<size_t>(t) * num_classes + k) * kCocoAreaRanges + a) *
             kCocoMaxDetsSettings +
         m];
  }

 private:
  size_t PrIndex(int t, int r, int k, int a, int m) const {
    return (((static_cast<size_t>(t) * kCocoRecallThresholds + r) *
                 num_classes +
             k) *
                kCocoAreaRanges +
            a) *
               kCocoMaxDetsSettings +
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
  // One of the ten COCO IoU thresholds (within 1e-9).
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
  static CocoEvaluator Create(const Evaluator& evaluator);

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
  // InvalidArgument when weights.size() differs from the run's rows.
  absl::StatusOr<CocoApStats> EvaluateWeighted(
      absl::Span<const uint32_t> weights) const;

  // The evaluator of the images `rows` selects: the same answers as this
  // one for any set of them (rows outside count as left out), in time that
  // grows with their detections rather than the run's. Row numbers are
  // kept. InvalidArgument when rows.num_rows() differs from the run's.
  absl::StatusOr<CocoEvaluator> Restrict(const Selection& rows) const;

  // Per class (in class order, classes with neither ground truth nor
  // detections in the images left out), then all classes together (class
  // -1): TP, FP, FN, precision, recall and F1 at each threshold, from the
  // one sorted list per class. At threshold c the counts equal
  // Evaluator::Compute with iou_threshold, confidence_threshold = c and
  // MatchRule::kCoco, summed over the images. `rows`: as in Evaluate();
  // nullptr for every image. InvalidArgument for an IoU threshold that is
  // not one of the ten, a threshold outside [0, 1], or a `rows` of the wrong
  // size.
  absl::StatusOr<std::vector<ClassSweep>> Sweep(
      const SweepOptions& options, const Selection* rows = nullptr) const;

  int num_classes() const { return num_classes_; }
  size_t num_rows() const { return num_rows_; }

 private:
  // A detection among the first kCocoMaxDets of its (image, class): its
  // outcome per area range as bits over the IoU thresholds.
  struct Detection {
    double score;
    uint32_t row;
    // Rank within its (image, class), by score descending: for maxDets.
    uint32_t rank;
    // Bit t: matched to a regular GT (tp), or ignored (ig) at threshold t.
    std::array<uint16_t, kCocoAreaRanges> tp;
    std::array<uint16_t, kCocoAreaRanges> ig;
  };
  // Regular ground truths of one (image, class) per area range.
  struct GroundTruthCount {
    uint32_t row;
    std::array<uint32_t, kCocoAreaRanges> count;
  };

  CocoEvaluator() = default;
  CocoEvaluation EvaluateImpl(const Selection* rows) const;
  IouType iou_type_ = IouType::kBbox;
  int num_classes_ = 0;
  size_t num_rows_ = 0;
  // By class (detection_begin_ offsets), then score descending, image
  // order, rank: the order accumulate() puts them in.
  std::vector<Detection> detections_;
  std::vector<size_t> detection_begin_;
  std::vector<GroundTruthCount> ground_truths_;
  std::vector<size_t> ground_truth_begin_;
};

// COCO evaluation of the whole run: Evaluator::Create(&run, iou_type), then
// CocoEvaluator::Create(...).Evaluate().
absl::StatusOr<CocoEvaluation> EvaluateCoco(const ModelRun& run,
                                            IouType iou_type = IouType::kBbox);

}  // namespace slicekit

#endif  // SLICEKIT_AVERAGE_PRECISION_H_
