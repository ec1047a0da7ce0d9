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
  std::vector<double> pr;         // precision after each step
  std::vector<double> tp_after;   // TPs after each true-positive step
  std::vector<uint32_t> tp_step;  // ... and that step's index
  // Interpolated precision by (defined class, threshold, recall).
  std::vector<double> precision;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

}  // namespace

absl::StatusOr<CocoApStats> CocoEvaluator::EvaluateWeighted(
    absl::Span<const uint32_t> weights) const {
  if (weights.size() != num_rows_) {
    return absl::InvalidArgumentError(
        absl::StrCat("the weights cover ", weights.size(),
                     " rows but the run has ", num_rows_));
  }
  Scratch& s = ThreadScratch();
  double recall_thresholds[kR];
  for (int r = 0; r < kR; ++r) recall_thresholds[r] = CocoRecallThreshold(r);
  s.precision.resize(size_t{static_cast<size_t>(num_classes_)} * kT * kR);
  int defined = 0;  // classes with ground truth, packed into s.precision
  int64_t needed[kR];
  for (int k = 0; k < num_classes_; ++k) {
    int64_t npig = 0;
    for (size_t i = ground_truth_begin_[k]; i < ground_truth_begin_[k + 1];
         ++i) {
      npig +=
          int64_t{weights[ground_truths_[i].row]} * ground_truths_[i].count[0];
    }
    if (npig == 0) continue;
    const double num_gt = static_cast<double>(npig);
    int64_t x = 0;
    for (int r = 0; r < kR; ++r) {
      while (static_cast<double>(x) / num_gt < recall_thresholds[r]) ++x;
      needed[r] = x;
    }

    s.steps.clear();
    const size_t end = detection_begin_[k + 1];
    for (size_t i = detection_begin_[k]; i < end;) {
      // A run of one image's detections with equal scores.
      size_t j = i + 1;
      while (j < end && detections_[j].row == detections_[i].row &&
             detections_[j].score == detections_[i].score) {
        ++j;
      }
      const uint32_t w = weights[detections_[i].row];
      const bool replay = j - i > 1 && w > 1;
      for (uint32_t copy = 0; copy < (replay ? w : (w > 0 ? 1u : 0u)); ++copy) {
        for (size_t d = i; d < j; ++d) {
          s.steps.push_back({replay ? 1.0 : static_cast<double>(w),
                             detections_[d].tp[0], detections_[d].ig[0]});
        }
      }
      i = j;
    }

    const size_t nd = s.steps.size();
    s.pr.resize(nd);
    double* out =
        s.precision.data() + size_t{static_cast<size_t>(defined)} * kT * kR;
    for (int t = 0; t < kT; ++t) {
      double tp = 0, fp = 0;
      s.tp_after.clear();
      s.tp_step.clear();
      for (size_t j = 0; j < nd; ++j) {
        const Step& step = s.steps[j];
        if ((step.tp >> t) & 1) {
          tp += step.weight;
          s.tp_after.push_back(tp);
          s.tp_step.push_back(static_cast<uint32_t>(j));
        } else if (!((step.ig >> t) & 1)) {
          fp += step.weight;
        }
        s.pr[j] = tp / (fp + tp + kSpacingOne);
      }
      // Recall threshold r is reached at the step holding TP number
      // needed[r] (step 0 for none); from r = 100 down, that step moves
      // left, and `best` is the maximum of pr from it to the end.
      double best = 0;
      size_t from = nd;
      size_t tp_index = s.tp_after.size();
      for (int r = kR - 1; r >= 0; --r) {
        size_t at = nd;
        if (nd > 0 && needed[r] == 0) {
          at = 0;
        } else if (nd > 0 && !s.tp_after.empty() &&
                   static_cast<double>(needed[r]) <= s.tp_after.back()) {
          while (tp_index > 0 &&
                 s.tp_after[tp_index - 1] >= static_cast<double>(needed[r])) {
            --tp_index;
          }
          at = s.tp_step[tp_index];
        }
        while (from > at) best = std::max(best, s.pr[--from]);
        out[t * kR + r] = at < nd ? best : 0;
      }
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
        for (int k = 0; k < defined; ++k) {
          sum +=
              s.precision[(size_t{static_cast<size_t>(k)} * kT + t) * kR + r];
        }
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
