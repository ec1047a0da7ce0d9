// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// COCOeval.evaluate() + accumulate() + summarize(), restated: every
// floating-point step that decides a result (thresholds, the precision
// denominator's epsilon, the monotone envelope, searchsorted) is done as
// numpy does it, so results agree with pycocotools to the last bits of the
// final means.
#include "slicekit/average_precision.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/metrics/coco_match.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

constexpr int kT = kCocoIouThresholds;
constexpr int kR = kCocoRecallThresholds;
constexpr int kA = kCocoAreaRanges;
constexpr int kM = kCocoMaxDetsSettings;

// pycocotools' Params per iouType, as slots of CocoEvaluation's arrays:
// which area ranges and maxDets settings exist, and how many detections of
// an (image, class) are matched (maxDets[-1]). Keypoints have no "small"
// range and one setting, maxDets 20, in the last slot; the slots they lack
// stay -1.
struct TypeParams {
  std::array<bool, kA> area;
  std::array<int, kM> max_dets;  // 0: no such setting
  uint32_t matched;
};

TypeParams ParamsOf(IouType type) {
  if (type == IouType::kKeypoints) {
    return {{true, false, true, true}, {0, 0, 20}, 20};
  }
  return {{true, true, true, true}, {1, 10, 100}, kCocoMaxDets};
}

// numpy.spacing(1): the epsilon in pycocotools' precision denominator.
constexpr double kSpacingOne = 0x1p-52;

// Orders rows as pycocotools orders params.imgIds (np.unique: ascending
// ids): decimal-integer ids numerically, then the others byte-wise.
std::vector<uint32_t> ImageRanks(const ModelRun& run) {
  struct Key {
    bool integer;
    int64_t value;
    absl::string_view id;
  };
  std::vector<Key> keys(run.rows.size());
  for (size_t r = 0; r < run.rows.size(); ++r) {
    Key& key = keys[r];
    key.id = run.rows[r].data_row_id;
    key.integer = absl::SimpleAtoi(key.id, &key.value);
    if (!key.integer) key.value = 0;
  }
  std::vector<uint32_t> order(run.rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Key& x = keys[a];
    const Key& y = keys[b];
    return std::make_tuple(!x.integer, x.value, x.id) <
           std::make_tuple(!y.integer, y.value, y.id);
  });
  std::vector<uint32_t> rank(run.rows.size());
  for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  return rank;
}

absl::Status CheckRows(const Selection* rows, size_t num_rows) {
  if (rows != nullptr && rows->num_rows() != num_rows) {
    return absl::InvalidArgumentError(
        absl::StrCat("the selection covers ", rows->num_rows(),
                     " rows but the run has ", num_rows));
  }
  return absl::OkStatus();
}

bool Selected(const Selection* rows, uint32_t row) {
  return rows == nullptr || rows->Contains(row);
}

std::optional<double> Ratio(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

ThresholdPoint MakePoint(double threshold, int64_t tp, int64_t fp,
                         int64_t num_gt) {
  ThresholdPoint p;
  p.threshold = threshold;
  p.tp = tp;
  p.fp = fp;
  p.fn = num_gt - tp;
  p.precision = Ratio(tp, tp + fp);
  p.recall = Ratio(tp, num_gt);
  p.f1 = Ratio(2 * tp, 2 * tp + fp + p.fn);
  return p;
}

// One sweep over detections sorted by score descending: `outcome(i)` is +1
// for a TP, -1 for an FP, 0 for an ignored detection.
template <typename Outcome>
ClassSweep SweepSorted(int32_t class_index, int64_t num_gt,
                       const std::vector<double>& scores, Outcome outcome,
                       const std::vector<double>& thresholds) {
  ClassSweep sweep;
  sweep.class_index = class_index;
  sweep.num_ground_truths = num_gt;
  int64_t tp = 0, fp = 0;
  size_t i = 0;
  auto take = [&]() {
    const int o = outcome(i++);
    tp += o > 0;
    fp += o < 0;
  };
  if (thresholds.empty()) {
    while (i < scores.size()) {
      const double s = scores[i];
      while (i < scores.size() && scores[i] == s) take();
      sweep.points.push_back(MakePoint(s, tp, fp, num_gt));
    }
  } else {
    for (double c : thresholds) {
      while (i < scores.size() && scores[i] >= c) take();
      sweep.points.push_back(MakePoint(c, tp, fp, num_gt));
    }
  }
  for (const ThresholdPoint& p : sweep.points) {
    if (p.f1 && (!sweep.best_f1 || *p.f1 > *sweep.best_f1->f1)) {
      sweep.best_f1 = p;
    }
  }
  return sweep;
}

// summarize(): the stats and per-class AP of an accumulated evaluation.
void Summarize(CocoEvaluation* e) {
  const int num_classes = e->num_classes;
  // summarize(): means over the defined (> -1) entries; t_only and k_only
  // (-1: all) narrow them to one IoU threshold or class.
  auto mean_precision = [&](int t_only, int k_only, int a, int m) {
    const int k_begin = k_only < 0 ? 0 : k_only;
    const int k_end = k_only < 0 ? num_classes : k_only + 1;
    double sum = 0;
    int64_t n = 0;
    for (int t = t_only < 0 ? 0 : t_only; t < (t_only < 0 ? kT : t_only + 1);
         ++t) {
      for (int r = 0; r < kR; ++r) {
        for (int k = k_begin; k < k_end; ++k) {
          const double v = e->Precision(t, r, k, a, m);
          if (v > -1) {
            sum += v;
            ++n;
          }
        }
      }
    }
    return n > 0 ? sum / static_cast<double>(n) : -1.0;
  };
  auto mean_recall = [&](int k_only, int a, int m, int t_only = -1) {
    const int k_begin = k_only < 0 ? 0 : k_only;
    const int k_end = k_only < 0 ? num_classes : k_only + 1;
    double sum = 0;
    int64_t n = 0;
    for (int t = t_only < 0 ? 0 : t_only; t < (t_only < 0 ? kT : t_only + 1);
         ++t) {
      for (int k = k_begin; k < k_end; ++k) {
        const double v = e->Recall(t, k, a, m);
        if (v > -1) {
          sum += v;
          ++n;
        }
      }
    }
    return n > 0 ? sum / static_cast<double>(n) : -1.0;
  };
  e->stats[kCocoAp] = mean_precision(-1, -1, 0, 2);
  e->stats[kCocoAp50] = mean_precision(0, -1, 0, 2);
  e->stats[kCocoAp75] = mean_precision(5, -1, 0, 2);
  if (e->iou_type == IouType::kKeypoints) {
    // _summarizeKps: AP, AP50, AP75, APm, APl, AR, AR50, AR75, ARm, ARl.
    e->num_stats = 10;
    e->stats[3] = mean_precision(-1, -1, 2, 2);
    e->stats[4] = mean_precision(-1, -1, 3, 2);
    e->stats[5] = mean_recall(-1, 0, 2);
    e->stats[6] = mean_recall(-1, 0, 2, 0);
    e->stats[7] = mean_recall(-1, 0, 2, 5);
    e->stats[8] = mean_recall(-1, 2, 2);
    e->stats[9] = mean_recall(-1, 3, 2);
    e->stats[10] = e->stats[11] = -1;
  } else {
    for (int a = 1; a < kA; ++a) {
      e->stats[kCocoApSmall + a - 1] = mean_precision(-1, -1, a, 2);
      e->stats[kCocoArSmall + a - 1] = mean_recall(-1, a, 2);
    }
    for (int m = 0; m < kM; ++m) {
      e->stats[kCocoAr1 + m] = mean_recall(-1, 0, m);
    }
  }
  for (int k = 0; k < num_classes; ++k) {
    CocoClassAp& class_ap = e->classes[k];
    class_ap.ap = mean_precision(-1, k, 0, 2);
    class_ap.ap50 = mean_precision(0, k, 0, 2);
    class_ap.ap75 = mean_precision(5, k, 0, 2);
    class_ap.ar100 = mean_recall(k, 0, 2);
  }
}

}  // namespace

double CocoIouThreshold(int t) {
  // numpy.linspace: start + i * step, step = (stop - start) / (num - 1),
  // and the last value set to stop.
  if (t == kT - 1) return 0.95;
  return t * ((0.95 - 0.5) / (kT - 1)) + 0.5;
}

double CocoRecallThreshold(int r) {
  if (r == kR - 1) return 1.0;
  return r * (1.0 / (kR - 1));
}

absl::string_view CocoAreaName(int a) {
  static constexpr absl::string_view kNames[] = {"all", "small", "medium",
                                                 "large"};
  return kNames[a];
}

double CocoAreaMin(int a) {
  static constexpr double kMin[] = {0, 0, 32 * 32, 96 * 96};
  return kMin[a];
}

double CocoAreaMax(int a) {
  static constexpr double kMax[] = {1e10, 32 * 32, 96 * 96, 1e10};
  return kMax[a];
}

int CocoMaxDetsSetting(int m) {
  static constexpr int kMaxDets[] = {1, 10, 100};
  return kMaxDets[m];
}

std::string CocoStatLine(int i, double value, IouType iou_type) {
  // summarize()'s (ap, iouThr, areaRng, maxDets) per stat: _summarizeDets
  // or, for keypoints, _summarizeKps.
  struct Spec {
    bool ap;
    const char* iou;
    int area;
    int max_dets;
  };
  static constexpr Spec kSpecs[12] = {
      {true, "0.50:0.95", 0, 100},  {true, "0.50", 0, 100},
      {true, "0.75", 0, 100},       {true, "0.50:0.95", 1, 100},
      {true, "0.50:0.95", 2, 100},  {true, "0.50:0.95", 3, 100},
      {false, "0.50:0.95", 0, 1},   {false, "0.50:0.95", 0, 10},
      {false, "0.50:0.95", 0, 100}, {false, "0.50:0.95", 1, 100},
      {false, "0.50:0.95", 2, 100}, {false, "0.50:0.95", 3, 100},
  };
  static constexpr Spec kKeypointSpecs[10] = {
      {true, "0.50:0.95", 0, 20},  {true, "0.50", 0, 20},
      {true, "0.75", 0, 20},       {true, "0.50:0.95", 2, 20},
      {true, "0.50:0.95", 3, 20},  {false, "0.50:0.95", 0, 20},
      {false, "0.50", 0, 20},      {false, "0.75", 0, 20},
      {false, "0.50:0.95", 2, 20}, {false, "0.50:0.95", 3, 20},
  };
  const Spec& s =
      iou_type == IouType::kKeypoints ? kKeypointSpecs[i] : kSpecs[i];
  return absl::StrFormat(
      " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %.3f",
      s.ap ? "Average Precision" : "Average Recall", s.ap ? "(AP)" : "(AR)",
      s.iou, std::string(CocoAreaName(s.area)), s.max_dets, value);
}

CocoEvaluator CocoEvaluator::Create(const Evaluator& evaluator) {
  const ModelRun& run = *evaluator.run_;
  CocoEvaluator c;
  c.num_classes_ = static_cast<int>(run.classes.size());
  c.num_rows_ = run.rows.size();
  c.iou_type_ = evaluator.iou_type_;
  const TypeParams params = ParamsOf(c.iou_type_);
  const bool keypoints = c.iou_type_ == IouType::kKeypoints;
  std::vector<std::vector<Detection>> dets(run.classes.size());
  std::vector<std::vector<GroundTruthCount>> gts(run.classes.size());

  std::vector<double> gt_area, det_area, permuted;
  std::vector<uint8_t> crowd, flagged, ignored, permuted_crowd, gt_matched;
  std::vector<uint32_t> order;
  std::vector<int32_t> match;
  for (const Evaluator::Group& g : evaluator.groups_) {
    const DataRow& row = run.rows[g.row];
    const uint32_t num_dets = std::min<uint32_t>(g.num_pred, params.matched);
    const uint32_t num_gts = g.num_gt;
    const uint32_t* sources = evaluator.gt_order_.data() + g.gt_begin;
    // The Evaluator's columns: crowd IoUs are intersection over detection
    // area, as pycocotools computes them for every area range.
    const double* ious = evaluator.ious_.data() + g.iou_begin;
    gt_area.resize(num_gts);
    crowd.resize(num_gts);
    flagged.resize(num_gts);
    for (uint32_t k = 0; k < num_gts; ++k) {
      const GroundTruth& gt = row.ground_truths[sources[k]];
      gt_area[k] = gt.area.value_or(gt.box.w * gt.box.h);
      crowd[k] = gt.iscrowd;
      // _prepare's gt['ignore']: crowd, or for keypoints none labelled.
      flagged[k] =
          gt.iscrowd || (keypoints && internal::CocoNumKeypoints(gt) == 0);
    }
    std::vector<Detection>& out = dets[g.class_index];
    const size_t first_det = out.size();
    det_area.resize(num_dets);
    for (uint32_t d = 0; d < num_dets; ++d) {
      const Prediction& p =
          row.predictions[evaluator.pred_order_[g.pred_begin + d]];
      det_area[d] = internal::CocoDetectionArea(p);
      out.push_back({p.confidence, static_cast<uint32_t>(g.row), d, {}, {}});
    }
    GroundTruthCount count{static_cast<uint32_t>(g.row), {}};
    for (int a = 0; a < kA; ++a) {
      if (!params.area[a]) continue;
      const double lo = CocoAreaMin(a), hi = CocoAreaMax(a);
      ignored.resize(num_gts);
      for (uint32_t k = 0; k < num_gts; ++k) {
        ignored[k] = flagged[k] || gt_area[k] < lo || gt_area[k] > hi;
      }
      // evaluateImg's GT order for this range: regular GTs, then ignored
      // ones, each in annotation order (a stable sort on the flag).
      order.resize(num_gts);
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
        return std::make_pair(ignored[x], sources[x]) <
               std::make_pair(ignored[y], sources[y]);
      });
      const uint32_t first_ignored = static_cast<uint32_t>(
          std::count(ignored.begin(), ignored.end(), uint8_t{0}));
      count.count[a] = first_ignored;
      permuted.resize(size_t{num_dets} * num_gts);
      permuted_crowd.resize(num_gts);
      for (uint32_t k = 0; k < num_gts; ++k) {
        permuted_crowd[k] = crowd[order[k]];
      }
      for (uint32_t d = 0; d < num_dets; ++d) {
        for (uint32_t k = 0; k < num_gts; ++k) {
          permuted[size_t{d} * num_gts + k] =
              ious[size_t{d} * num_gts + order[k]];
        }
      }
      gt_matched.resize(num_gts);
      match.resize(num_dets);
      for (int t = 0; t < kT; ++t) {
        internal::MatchCocoGreedy(permuted.data(), num_dets, num_gts,
                                  first_ignored, permuted_crowd.data(),
                                  CocoIouThreshold(t), gt_matched.data(),
                                  match.data());
        for (uint32_t d = 0; d < num_dets; ++d) {
          Detection& det = out[first_det + d];
          const uint16_t bit = static_cast<uint16_t>(1u << t);
          if (match[d] >= 0) {
            if (static_cast<uint32_t>(match[d]) < first_ignored) {
              det.tp[a] |= bit;
            } else {
              det.ig[a] |= bit;
            }
          } else if (det_area[d] < lo || det_area[d] > hi) {
            // An unmatched detection outside the range is ignored.
            det.ig[a] |= bit;
          }
        }
      }
    }
    if (num_gts > 0) gts[g.class_index].push_back(count);
  }

  // accumulate(): per class, detections of the images in imgIds order,
  // each image's in score order, then a stable sort by score descending.
  const std::vector<uint32_t> image_rank = ImageRanks(run);
  c.detection_begin_.push_back(0);
  c.ground_truth_begin_.push_back(0);
  for (size_t k = 0; k < run.classes.size(); ++k) {
    std::sort(dets[k].begin(), dets[k].end(),
              [&](const Detection& x, const Detection& y) {
                if (x.score != y.score) return x.score > y.score;
                if (x.row != y.row) {
                  return image_rank[x.row] < image_rank[y.row];
                }
                return x.rank < y.rank;
              });
    c.detections_.insert(c.detections_.end(), dets[k].begin(), dets[k].end());
    c.detection_begin_.push_back(c.detections_.size());
    c.ground_truths_.insert(c.ground_truths_.end(), gts[k].begin(),
                            gts[k].end());
    c.ground_truth_begin_.push_back(c.ground_truths_.size());
  }
  return c;
}

CocoEvaluation CocoEvaluator::Evaluate() const { return EvaluateImpl(nullptr); }

absl::StatusOr<CocoEvaluation> CocoEvaluator::Evaluate(
    const Selection& rows) const {
  SLICEKIT_RETURN_IF_ERROR(CheckRows(&rows, num_rows_));
  return EvaluateImpl(&rows);
}

absl::StatusOr<CocoEvaluator> CocoEvaluator::Restrict(
    const Selection& rows) const {
  SLICEKIT_RETURN_IF_ERROR(CheckRows(&rows, num_rows_));
  CocoEvaluator c;
  c.num_classes_ = num_classes_;
  c.num_rows_ = num_rows_;
  c.iou_type_ = iou_type_;
  c.detection_begin_.push_back(0);
  c.ground_truth_begin_.push_back(0);
  for (int k = 0; k < num_classes_; ++k) {
    for (size_t i = detection_begin_[k]; i < detection_begin_[k + 1]; ++i) {
      if (rows.Contains(detections_[i].row)) {
        c.detections_.push_back(detections_[i]);
      }
    }
    for (size_t i = ground_truth_begin_[k]; i < ground_truth_begin_[k + 1];
         ++i) {
      if (rows.Contains(ground_truths_[i].row)) {
        c.ground_truths_.push_back(ground_truths_[i]);
      }
    }
    c.detection_begin_.push_back(c.detections_.size());
    c.ground_truth_begin_.push_back(c.ground_truths_.size());
  }
  return c;
}

CocoEvaluation CocoEvaluator::EvaluateImpl(const Selection* rows) const {
  const int num_classes = num_classes_;
  CocoEvaluation e;
  e.num_classes = num_classes;
  e.iou_type = iou_type_;
  const TypeParams params = ParamsOf(iou_type_);
  e.num_images = rows == nullptr ? static_cast<int64_t>(num_rows_)
                                 : static_cast<int64_t>(rows->Count());
  const size_t pr_size = size_t{kT} * kR * num_classes * kA * kM;
  e.precision.assign(pr_size, -1);
  e.scores.assign(pr_size, -1);
  e.recall.assign(size_t{kT} * num_classes * kA * kM, -1);
  auto pr_index = [&](int t, int r, int k, int a, int m) {
    return (((size_t{static_cast<size_t>(t)} * kR + r) * num_classes + k) * kA +
            a) *
               kM +
           m;
  };
  auto recall_index = [&](int t, int k, int a, int m) {
    return ((size_t{static_cast<size_t>(t)} * num_classes + k) * kA + a) * kM +
           m;
  };
  double recall_thresholds[kR];
  for (int r = 0; r < kR; ++r) recall_thresholds[r] = CocoRecallThreshold(r);

  std::vector<const Detection*> list;
  std::vector<double> pr;
  std::vector<size_t> first_at;    // first_at[x]: where the TP count reaches x
  std::array<int64_t, kR> needed;  // TPs recall threshold r needs
  std::array<size_t, kR> at;
  e.classes.resize(num_classes);
  for (int k = 0; k < num_classes; ++k) {
    CocoClassAp& class_ap = e.classes[k];
    class_ap.class_index = k;
    std::array<int64_t, kA> npig{};
    for (size_t i = ground_truth_begin_[k]; i < ground_truth_begin_[k + 1];
         ++i) {
      if (!Selected(rows, ground_truths_[i].row)) continue;
      for (int a = 0; a < kA; ++a) npig[a] += ground_truths_[i].count[a];
    }
    class_ap.num_ground_truths = npig[0];
    for (int m = 0; m < kM; ++m) {
      if (params.max_dets[m] == 0) continue;
      const uint32_t max_dets = static_cast<uint32_t>(params.max_dets[m]);
      list.clear();
      for (size_t i = detection_begin_[k]; i < detection_begin_[k + 1]; ++i) {
        const Detection& d = detections_[i];
        if (d.rank < max_dets && Selected(rows, d.row)) list.push_back(&d);
      }
      if (m == kM - 1) class_ap.num_detections = std::ssize(list);
      const size_t nd = list.size();
      pr.resize(nd);
      for (int a = 0; a < kA; ++a) {
        if (npig[a] == 0) continue;
        const double num_gt = static_cast<double>(npig[a]);
        // Recall after x TPs is rc = x / num_gt, the same double at every
        // position, so searchsorted(rc, thr, 'left') is the first position
        // with at least needed[r] TPs: the least x with x / num_gt >= thr.
        int64_t x = 0;
        for (int r = 0; r < kR; ++r) {
          while (static_cast<double>(x) / num_gt < recall_thresholds[r]) ++x;
          needed[r] = x;
        }
        first_at.resize(static_cast<size_t>(npig[a]) + 1);
        for (int t = 0; t < kT; ++t) {
          double tp = 0, fp = 0;
          int64_t tps = 0;
          first_at[0] = 0;
          for (size_t j = 0; j < nd; ++j) {
            const Detection& d = *list[j];
            if ((d.tp[a] >> t) & 1) {
              tp += 1;
              first_at[++tps] = j;
            } else if (!((d.ig[a] >> t) & 1)) {
              fp += 1;
            }
            pr[j] = tp / (fp + tp + kSpacingOne);
          }
          e.recall[recall_index(t, k, a, m)] =
              nd > 0 ? static_cast<double>(tps) / num_gt : 0;
          for (int r = 0; r < kR; ++r) {
            at[r] = needed[r] <= tps && nd > 0 ? first_at[needed[r]] : nd;
          }
          // The interpolated precision at a position is the maximum of pr
          // from there to the end (pycocotools' right-to-left envelope);
          // past the end it stays 0 (its try/except).
          double best = 0;
          size_t from = nd;
          for (int r = kR - 1; r >= 0; --r) {
            while (from > at[r]) best = std::max(best, pr[--from]);
            const size_t i = pr_index(t, r, k, a, m);
            e.precision[i] = at[r] < nd ? best : 0;
            e.scores[i] = at[r] < nd ? list[at[r]]->score : 0;
          }
        }
      }
    }
  }

  Summarize(&e);
  return e;
}

absl::StatusOr<std::vector<ClassSweep>> CocoEvaluator::Sweep(
    const SweepOptions& options, const Selection* rows) const {
  SLICEKIT_RETURN_IF_ERROR(CheckRows(rows, num_rows_));
  int t = -1;
  for (int i = 0; i < kT; ++i) {
    if (std::abs(options.iou_threshold - CocoIouThreshold(i)) <= 1e-9) t = i;
  }
  if (t < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "iou_threshold must be one of COCO's 0.5, 0.55, ..., 0.95, got ",
        options.iou_threshold));
  }
  std::vector<double> thresholds = options.thresholds;
  for (double c : thresholds) {
    if (!(c >= 0 && c <= 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("a sweep threshold must be in [0, 1], got ", c));
    }
  }
  std::sort(thresholds.begin(), thresholds.end(), std::greater<double>());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()),
                   thresholds.end());

  // Area "all", maxDets 100: +1 TP, -1 FP, 0 ignored.
  auto outcome = [t](const Detection& d) {
    if ((d.tp[0] >> t) & 1) return 1;
    return ((d.ig[0] >> t) & 1) ? 0 : -1;
  };
  std::vector<ClassSweep> sweeps;
  struct Scored {
    double score;
    int outcome;
  };
  std::vector<Scored> all;
  int64_t all_gt = 0;
  std::vector<double> scores;
  std::vector<int> outcomes;
  for (int k = 0; k < num_classes_; ++k) {
    int64_t num_gt = 0;
    for (size_t i = ground_truth_begin_[k]; i < ground_truth_begin_[k + 1];
         ++i) {
      if (Selected(rows, ground_truths_[i].row)) {
        num_gt += ground_truths_[i].count[0];
      }
    }
    scores.clear();
    outcomes.clear();
    for (size_t i = detection_begin_[k]; i < detection_begin_[k + 1]; ++i) {
      const Detection& d = detections_[i];
      if (!Selected(rows, d.row)) continue;
      scores.push_back(d.score);
      outcomes.push_back(outcome(d));
      all.push_back({d.score, outcomes.back()});
    }
    all_gt += num_gt;
    if (num_gt == 0 && scores.empty()) continue;
    sweeps.push_back(SweepSorted(
        k, num_gt, scores, [&](size_t i) { return outcomes[i]; }, thresholds));
  }
  std::stable_sort(
      all.begin(), all.end(),
      [](const Scored& x, const Scored& y) { return x.score > y.score; });
  scores.clear();
  for (const Scored& s : all) scores.push_back(s.score);
  sweeps.push_back(SweepSorted(
      -1, all_gt, scores, [&](size_t i) { return all[i].outcome; },
      thresholds));
  return sweeps;
}

absl::StatusOr<CocoEvaluation> EvaluateCoco(const ModelRun& run,
                                            IouType iou_type) {
  SLICEKIT_ASSIGN_OR_RETURN(Evaluator evaluator,
                            Evaluator::Create(&run, iou_type));
  return CocoEvaluator::Create(evaluator).Evaluate();
}

}  // namespace slicekit
