// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// CocoEvaluator::EvaluateWeighted: accumulate() and the first three numbers
// of summarize() over images weighted by multiplicity, for the bootstrap
// of src/compare/. It walks the same sorted detections as Evaluate(), with
// a detection of an image of weight w standing for its w copies.
//
// Why one weighted step per detection equals w adjacent copies: between
// two true positives the precision tp / (tp + fp) only falls (a false
// positive) or stays (an ignored detection), and over w copies of a true
// positive it only rises, so the interpolated precision (the maximum from
// a recall threshold's position to the end) is always the value after some
// whole group of copies. The one exception is a run of several detections
// of one image with the same score: copies of the image interleave them
// (a b a b, not a a b b), so such a run is replayed w times instead.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "slicekit/average_precision.h"

namespace slicekit {
namespace {

constexpr int kT = kCocoIouThresholds;
constexpr int kR = kCocoRecallThresholds;

// numpy.spacing(1), as in average_precision.cc.
constexpr double kSpacingOne = 0x1p-52;

// One step of the weighted accumulation: a detection standing for
// `weight` adjacent copies (area "all" outcome bits over the thresholds).
struct Step {
  double weight;
  uint16_t tp;
  uint16_t ig;
};

// Buffers reused across calls on one thread: a bootstrap makes thousands
// of calls, each of which would otherwise allocate.
struct Scratch {
  std::vector<Step> steps;
  // Per true-positive step at one threshold: TPs and FPs after it, then
  // its precision.
  std::vector<double> tp_after;
  std::vector<double> fp_after;
  std::vector<double> pr;
  // Interpolated precision by (threshold, recall, defined class).
  std::vector<double> precision;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// The steps of one class under `weights`, appended to `steps`; `bits`
// points at begin's outcome words (area "all" first, its ignored word
// `ig_word` further on), `stride` words a detection.
// (CocoEvaluator's Detection is private: a template parameter here.)
template <typename Detection, typename Word>
void WeightedSteps(const Detection* begin, const Detection* end,
                   const Word* bits, size_t stride, size_t ig_word,
                   absl::Span<const uint32_t> weights,
                   std::vector<Step>& steps) {
  for (const Detection* i = begin; i < end;) {
    // A run of one image's detections with equal scores.
    const Detection* j = i + 1;
    while (j < end && j->row == i->row && j->score == i->score) ++j;
    const uint32_t w = weights[i->row];
    if (w == 0) {
      i = j;
      continue;
    }
    const bool replay = j - i > 1 && w > 1;
    const uint32_t copies = replay ? w : 1;
    const double step_weight = replay ? 1.0 : static_cast<double>(w);
    for (uint32_t copy = 0; copy < copies; ++copy) {
      for (const Detection* d = i; d < j; ++d) {
        const Word* b = bits + (d - begin) * stride;
        steps.push_back({step_weight, b[0], b[ig_word]});
      }
    }
    i = j;
  }
}

// Interpolated precision at the 101 recall thresholds, at IoU threshold t,
// into out[r * stride]. needed[r]: the TPs recall threshold r needs.
void InterpolatedPrecision(const Step* steps, size_t nd, int t,
                           const int64_t* needed, Scratch& s, double* out,
                           size_t stride) {
  // Cumulative counts at each true positive, without branches: every step
  // writes its counts at the cursor, which only a true positive advances.
  // Between true positives the precision only falls (a false positive)
  // or stays (an ignored detection), so the maximum from any recall
  // threshold's position to the end is reached at a true positive.
  double* tp_after = s.tp_after.data();
  double* fp_after = s.fp_after.data();
  double tp = 0, fp = 0;
  size_t ntp = 0;
  for (size_t j = 0; j < nd; ++j) {
    const Step& step = steps[j];
    const unsigned is_tp = (step.tp >> t) & 1u;
    const unsigned is_fp = (~(step.tp | step.ig) >> t) & 1u;
    tp += step.weight * is_tp;
    fp += step.weight * is_fp;
    tp_after[ntp] = tp;
    fp_after[ntp] = fp;
    ntp += is_tp;
  }
  double* pr = s.pr.data();
  for (size_t i = 0; i < ntp; ++i) {
    pr[i] = tp_after[i] / (fp_after[i] + tp_after[i] + kSpacingOne);
  }
  // From r = 100 down, the true positive where recall threshold r is
  // reached moves left, and `best` is the maximum of pr from it on.
  double best = 0;
  size_t from = ntp;
  for (int r = kR - 1; r >= 0; --r) {
    double value = 0;
    if (nd > 0 &&
        (needed[r] == 0 ||
         (ntp > 0 && static_cast<double>(needed[r]) <= tp_after[ntp - 1]))) {
      const double want = static_cast<double>(needed[r]);
      while (from > 0 && (needed[r] == 0 || tp_after[from - 1] >= want)) {
        best = std::max(best, pr[--from]);
      }
      value = best;
    }
    out[static_cast<size_t>(r) * stride] = value;
  }
}

}  // namespace

absl::StatusOr<CocoApStats> CocoEvaluator::EvaluateWeighted(
    absl::Span<const uint32_t> weights) const {
  if (weights.size() != num_rows_) {
    return absl::InvalidArgumentError(
        absl::StrCat("the weights cover ", weights.size(),
                     " rows but the run has ", num_rows_));
  }
  if (!(params_ == CocoParams::Default(iou_type_))) {
    return absl::InvalidArgumentError(
        "EvaluateWeighted needs the default COCO parameters of the IoU type");
  }
  Scratch& s = ThreadScratch();
  double recall_thresholds[kR];
  for (int r = 0; r < kR; ++r) recall_thresholds[r] = CocoRecallThreshold(r);
  const size_t stride = static_cast<size_t>(std::max(num_classes_, 1));
  s.precision.resize(stride * kT * kR);
  int defined = 0;  // classes with ground truth, packed into s.precision
  int64_t needed[kR];
  for (int k = 0; k < num_classes_; ++k) {
    int64_t npig = 0;
    for (size_t i = ground_truth_begin_[k]; i < ground_truth_begin_[k + 1];
         ++i) {
      npig += int64_t{weights[ground_truth_rows_[i]]} *
              gt_counts_[i * num_areas()];
    }
    if (npig == 0) continue;
    const double num_gt = static_cast<double>(npig);
    int64_t x = 0;
    for (int r = 0; r < kR; ++r) {
      while (static_cast<double>(x) / num_gt < recall_thresholds[r]) ++x;
      needed[r] = x;
    }
    s.steps.clear();
    WeightedSteps(detections_.data() + detection_begin_[k],
                  detections_.data() + detection_begin_[k + 1],
                  bits_.data() + detection_begin_[k] * this->stride(),
                  this->stride(),
                  num_areas() * words(), weights, s.steps);
    const size_t nd = s.steps.size();
    if (s.tp_after.size() < nd + 1) {
      s.tp_after.resize(nd + 1);
      s.fp_after.resize(nd + 1);
      s.pr.resize(nd + 1);
    }
    for (int t = 0; t < kT; ++t) {
      InterpolatedPrecision(s.steps.data(), nd, t, needed, s,
                            s.precision.data() +
                                size_t{static_cast<size_t>(t)} * kR * stride +
                                defined,
                            stride);
    }
    ++defined;
  }

  // summarize()'s means in Evaluate()'s order (threshold, recall, class),
  // so that the sums round alike.
  CocoApStats stats;
  if (defined == 0) return stats;
  auto mean = [&](int t_begin, int t_end) {
    double sum = 0;
    for (int t = t_begin; t < t_end; ++t) {
      for (int r = 0; r < kR; ++r) {
        const double* row = s.precision.data() +
                            (size_t{static_cast<size_t>(t)} * kR + r) * stride;
        for (int k = 0; k < defined; ++k) sum += row[k];
      }
    }
    return sum / static_cast<double>(int64_t{t_end - t_begin} * kR * defined);
  };
  stats.ap = mean(0, kT);
  stats.ap50 = mean(0, 1);
  stats.ap75 = mean(5, 6);
  return stats;
}

}  // namespace slicekit
