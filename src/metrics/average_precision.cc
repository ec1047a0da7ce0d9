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
#include "absl/strings/str_join.h"
#include "src/metrics/coco_match.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

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

// Index of the value in `v` (exact equality, as summarize()'s
// np.where(iouThr == p.iouThrs) and its maxDets test), or -1.
template <typename T>
int IndexOf(const std::vector<T>& v, T value) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == value) return static_cast<int>(i);
  }
  return -1;
}

int AreaIndex(const CocoParams& p, absl::string_view label) {
  for (size_t i = 0; i < p.area_ranges.size(); ++i) {
    if (p.area_ranges[i].label == label) return static_cast<int>(i);
  }
  return -1;
}

// summarize(): the stats and per-class AP of an accumulated evaluation.
void Summarize(CocoEvaluation* e) {
  const int num_classes = e->num_classes;
  const CocoParams& p = e->params;
  const int num_t = e->num_iou_thresholds();
  const int num_r = e->num_recall_thresholds();
  // Means over the defined (> -1) entries of one area range a and maxDets
  // slot m; t_only and k_only (-1: all) narrow them to one IoU threshold or
  // class. -1 where nothing is defined or a, m or t_only is missing (-2).
  auto mean_of = [&](bool ap, int t_only, int k_only, int a, int m) {
    if (a < 0 || m < 0 || t_only < -1) return -1.0;
    const int k_begin = k_only < 0 ? 0 : k_only;
    const int k_end = k_only < 0 ? num_classes : k_only + 1;
    const int t_begin = t_only < 0 ? 0 : t_only;
    const int t_end = t_only < 0 ? num_t : t_only + 1;
    double sum = 0;
    int64_t n = 0;
    for (int t = t_begin; t < t_end; ++t) {
      if (ap) {
        for (int r = 0; r < num_r; ++r) {
          for (int k = k_begin; k < k_end; ++k) {
            const double v = e->Precision(t, r, k, a, m);
            if (v > -1) {
              sum += v;
              ++n;
            }
          }
        }
      } else {
        for (int k = k_begin; k < k_end; ++k) {
          const double v = e->Recall(t, k, a, m);
          if (v > -1) {
            sum += v;
            ++n;
          }
        }
      }
    }
    return n > 0 ? sum / static_cast<double>(n) : -1.0;
  };
  auto t_of = [&](const std::optional<double>& iou) {
    return iou ? (IndexOf(p.iou_thresholds, *iou) < 0
                      ? -2
                      : IndexOf(p.iou_thresholds, *iou))
               : -1;
  };
  e->num_stats = e->iou_type == IouType::kKeypoints ? 10 : 12;
  e->stats.fill(-1);
  for (int i = 0; i < e->num_stats; ++i) {
    const CocoStatSpec spec = CocoStatSpecOf(i, p, e->iou_type);
    e->stats[i] = mean_of(spec.ap, t_of(spec.iou), -1, AreaIndex(p, spec.area),
                          IndexOf(p.max_dets, spec.max_dets));
  }
  int all = AreaIndex(p, "all");
  if (all < 0) all = 0;
  const int last = e->num_max_dets() - 1;
  const int t50 = t_of(0.5), t75 = t_of(0.75);
  for (int k = 0; k < num_classes; ++k) {
    CocoClassAp& class_ap = e->classes[k];
    class_ap.ap = mean_of(true, -1, k, all, last);
    class_ap.ap50 = mean_of(true, t50, k, all, last);
    class_ap.ap75 = mean_of(true, t75, k, all, last);
    class_ap.ar100 = mean_of(false, -1, k, all, last);
  }
}

std::string FieldError(absl::string_view field, size_t i, double v,
                       absl::string_view why) {
  return absl::StrCat(field, "[", i, "] = ", v, " ", why);
}

// The run with every class pooled into one, each row's objects in
// category-id order (class order where the run has no ids), then source
// order: the lists pycocotools' useCats = 0 builds per image.
ModelRun PooledRun(const ModelRun& run) {
  std::vector<int64_t> rank(run.classes.size());
  std::iota(rank.begin(), rank.end(), 0);
  if (run.class_ids.size() == run.classes.size()) {
    std::vector<size_t> order(run.classes.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return run.class_ids[a] < run.class_ids[b];
    });
    for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  }
  ModelRun pooled;
  pooled.classes = {"all"};
  pooled.rows = run.rows;
  auto by_class = [&](const auto& x, const auto& y) {
    return rank[x.class_index] < rank[y.class_index];
  };
  for (DataRow& row : pooled.rows) {
    std::stable_sort(row.ground_truths.begin(), row.ground_truths.end(),
                     by_class);
    std::stable_sort(row.predictions.begin(), row.predictions.end(), by_class);
    for (GroundTruth& g : row.ground_truths) g.class_index = 0;
    for (Prediction& d : row.predictions) d.class_index = 0;
    row.label.reset();
    row.classification.reset();
  }
  return pooled;
}

}  // namespace

std::vector<double> CocoLinspace(double start, double stop, int num) {
  // start + i * step, step = (stop - start) / (num - 1), the last set to
  // stop, as numpy computes it.
  if (num <= 0) return {};
  if (num == 1) return {start};
  std::vector<double> v(num);
  for (int i = 0; i < num; ++i) {
    v[i] = i == num - 1 ? stop : i * ((stop - start) / (num - 1)) + start;
  }
  return v;
}

CocoParams CocoParams::Default(IouType iou_type) {
  CocoParams p;
  p.iou_thresholds = CocoLinspace(0.5, 0.95, kCocoIouThresholds);
  p.recall_thresholds = CocoLinspace(0.0, 1.0, kCocoRecallThresholds);
  if (iou_type == IouType::kKeypoints) {
    p.max_dets = {20};
    p.area_ranges = {{"all", 0, 1e10},
                     {"medium", 32 * 32, 96 * 96},
                     {"large", 96 * 96, 1e10}};
  } else {
    p.max_dets = {1, 10, kCocoMaxDets};
    for (int a = 0; a < kCocoAreaRanges; ++a) {
      p.area_ranges.push_back(
          {std::string(CocoAreaName(a)), CocoAreaMin(a), CocoAreaMax(a)});
    }
  }
  return p;
}

absl::Status ValidateCocoParams(const CocoParams& p, IouType iou_type) {
  auto fail = [](std::string message) {
    return absl::InvalidArgumentError(
        absl::StrCat("COCO parameters: ", message));
  };
  if (p.iou_thresholds.empty()) return fail("iou_thresholds is empty");
  for (size_t i = 0; i < p.iou_thresholds.size(); ++i) {
    const double v = p.iou_thresholds[i];
    if (!(v > 0 && v <= 1)) {
      return fail(FieldError("iou_thresholds", i, v, "is not in (0, 1]"));
    }
    if (i > 0 && !(v > p.iou_thresholds[i - 1])) {
      return fail(FieldError("iou_thresholds", i, v,
                             "is not above the one before (they must "
                             "increase)"));
    }
  }
  if (p.recall_thresholds.empty()) return fail("recall_thresholds is empty");
  for (size_t i = 0; i < p.recall_thresholds.size(); ++i) {
    const double v = p.recall_thresholds[i];
    if (!(v >= 0 && v <= 1)) {
      return fail(FieldError("recall_thresholds", i, v, "is not in [0, 1]"));
    }
    if (i > 0 && !(v > p.recall_thresholds[i - 1])) {
      return fail(FieldError("recall_thresholds", i, v,
                             "is not above the one before (they must "
                             "increase)"));
    }
  }
  if (p.max_dets.empty()) return fail("max_dets is empty");
  for (size_t i = 0; i < p.max_dets.size(); ++i) {
    const int v = p.max_dets[i];
    if (v <= 0) return fail(FieldError("max_dets", i, v, "is not positive"));
    if (i > 0 && v <= p.max_dets[i - 1]) {
      return fail(FieldError("max_dets", i, v,
                             "is not above the one before (they must "
                             "increase, without duplicates)"));
    }
  }
  if (p.area_ranges.empty()) return fail("area_ranges is empty");
  for (size_t i = 0; i < p.area_ranges.size(); ++i) {
    const CocoAreaRange& r = p.area_ranges[i];
    const std::string where = absl::StrCat("area_ranges[", i, "]");
    if (r.label.empty()) return fail(absl::StrCat(where, " has no label"));
    if (!(r.min >= 0) || std::isinf(r.min) || std::isnan(r.max)) {
      return fail(absl::StrCat(where, " (", r.label, "): min ", r.min,
                               " is not a finite area >= 0"));
    }
    if (r.min > r.max) {
      return fail(absl::StrCat(where, " (", r.label, "): min ", r.min,
                               " is above max ", r.max));
    }
    for (size_t j = 0; j < i; ++j) {
      if (p.area_ranges[j].label == r.label) {
        return fail(absl::StrCat(where, ": label \"", r.label,
                                 "\" repeats area_ranges[", j, "]"));
      }
    }
  }
  if (!p.use_cats && iou_type == IouType::kKeypoints) {
    return fail(
        "use_cats false is not supported for keypoints (pycocotools' "
        "computeOks ignores useCats, so it has no answer to match)");
  }
  return absl::OkStatus();
}

double CocoIouThreshold(int t) {
  // numpy.linspace: start + i * step, step = (stop - start) / (num - 1),
  // and the last value set to stop.
  if (t == kCocoIouThresholds - 1) return 0.95;
  return t * ((0.95 - 0.5) / (kCocoIouThresholds - 1)) + 0.5;
}

double CocoRecallThreshold(int r) {
  if (r == kCocoRecallThresholds - 1) return 1.0;
  return r * (1.0 / (kCocoRecallThresholds - 1));
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

CocoStatSpec CocoStatSpecOf(int i, const CocoParams& params,
                            IouType iou_type) {
  CocoStatSpec s;
  if (iou_type == IouType::kKeypoints) {
    // _summarizeKps: AP, AP50, AP75, APm, APl, then AR likewise, all at
    // maxDets=20 by value.
    static constexpr const char* kArea[5] = {"all", "all", "all", "medium",
                                             "large"};
    s.ap = i < 5;
    const int j = i % 5;
    if (j == 1) s.iou = 0.5;
    if (j == 2) s.iou = 0.75;
    s.area = kArea[j];
    s.max_dets = 20;
    return s;
  }
  // _summarizeDets: maxDets by position, clamped where pycocotools would
  // raise IndexError; stat 0 keeps _summarize's default maxDets=100.
  auto at = [&](size_t m) {
    return params.max_dets[std::min(m, params.max_dets.size() - 1)];
  };
  static constexpr const char* kArea[6] = {"all",   "all",    "all",
                                           "small", "medium", "large"};
  s.ap = i < 6;
  if (i < 6) {
    s.area = kArea[i];
    s.max_dets = i == 0 ? kCocoMaxDets : at(2);
    if (i == 1) s.iou = 0.5;
    if (i == 2) s.iou = 0.75;
  } else if (i < 9) {
    s.area = "all";
    s.max_dets = at(static_cast<size_t>(i - 6));
  } else {
    s.area = kArea[i - 6];
    s.max_dets = at(2);
  }
  return s;
}

std::string CocoStatLine(int i, double value, const CocoParams& params,
                         IouType iou_type) {
  const CocoStatSpec s = CocoStatSpecOf(i, params, iou_type);
  const std::string iou =
      s.iou ? absl::StrFormat("%0.2f", *s.iou)
            : absl::StrFormat("%0.2f:%0.2f", params.iou_thresholds.front(),
                              params.iou_thresholds.back());
  return absl::StrFormat(
      " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %.3f",
      s.ap ? "Average Precision" : "Average Recall", s.ap ? "(AP)" : "(AR)",
      iou, s.area, s.max_dets, value);
}

std::string CocoStatLine(int i, double value, IouType iou_type) {
  return CocoStatLine(i, value, CocoParams::Default(iou_type), iou_type);
}

CocoEvaluator CocoEvaluator::Create(const Evaluator& evaluator) {
  return CreateImpl(evaluator, CocoParams::Default(evaluator.iou_type_));
}

absl::StatusOr<CocoEvaluator> CocoEvaluator::Create(
    const Evaluator& evaluator, const CocoParams& params) {
  SLICEKIT_RETURN_IF_ERROR(ValidateCocoParams(params, evaluator.iou_type_));
  if (params.use_cats) return CreateImpl(evaluator, params);
  // The pooled run and its Evaluator live only while matching: the result
  // keeps no pointer to either.
  const ModelRun pooled = PooledRun(*evaluator.run_);
  SLICEKIT_ASSIGN_OR_RETURN(Evaluator pooled_evaluator,
                            Evaluator::Create(&pooled, evaluator.iou_type_));
  return CreateImpl(pooled_evaluator, params);
}

CocoEvaluator CocoEvaluator::CreateImpl(const Evaluator& evaluator,
                                        const CocoParams& params) {
  const ModelRun& run = *evaluator.run_;
  CocoEvaluator c;
  c.num_classes_ = static_cast<int>(run.classes.size());
  c.num_rows_ = run.rows.size();
  c.iou_type_ = evaluator.iou_type_;
  c.params_ = params;
  const size_t num_a = c.num_areas(), num_t = params.iou_thresholds.size();
  const size_t words = c.words(), stride = c.stride();
  const uint32_t matched = static_cast<uint32_t>(params.max_dets.back());
  const bool keypoints = c.iou_type_ == IouType::kKeypoints;
  std::vector<std::vector<Detection>> dets(run.classes.size());
  std::vector<std::vector<Word>> bits(run.classes.size());
  std::vector<std::vector<uint32_t>> gt_rows(run.classes.size());
  std::vector<std::vector<uint32_t>> gt_counts(run.classes.size());

  std::vector<double> gt_area, det_area, permuted;
  std::vector<uint8_t> crowd, flagged, ignored, permuted_crowd, gt_matched;
  std::vector<uint32_t> order;
  std::vector<int32_t> match;
  for (const Evaluator::Group& g : evaluator.groups_) {
    const DataRow& row = run.rows[g.row];
    const uint32_t num_dets = std::min<uint32_t>(g.num_pred, matched);
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
    std::vector<Word>& out_bits = bits[g.class_index];
    const size_t first_det = out.size();
    det_area.resize(num_dets);
    for (uint32_t d = 0; d < num_dets; ++d) {
      const Prediction& p =
          row.predictions[evaluator.pred_order_[g.pred_begin + d]];
      det_area[d] = internal::CocoDetectionArea(p);
      out.push_back({p.confidence, static_cast<uint32_t>(g.row), d});
    }
    out_bits.resize(out.size() * stride, 0);
    std::vector<uint32_t>& counts = gt_counts[g.class_index];
    const size_t first_count = counts.size();
    if (num_gts > 0) {
      gt_rows[g.class_index].push_back(static_cast<uint32_t>(g.row));
      counts.resize(first_count + num_a, 0);
    }
    for (size_t a = 0; a < num_a; ++a) {
      const double lo = params.area_ranges[a].min;
      const double hi = params.area_ranges[a].max;
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
      if (num_gts > 0) counts[first_count + a] = first_ignored;
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
      for (size_t t = 0; t < num_t; ++t) {
        internal::MatchCocoGreedy(permuted.data(), num_dets, num_gts,
                                  first_ignored, permuted_crowd.data(),
                                  params.iou_thresholds[t], gt_matched.data(),
                                  match.data());
        const Word bit = static_cast<Word>(1u << (t % 16));
        const size_t tp_word = a * words + t / 16;
        const size_t ig_word = (num_a + a) * words + t / 16;
        for (uint32_t d = 0; d < num_dets; ++d) {
          Word* w = out_bits.data() + (first_det + d) * stride;
          if (match[d] >= 0) {
            if (static_cast<uint32_t>(match[d]) < first_ignored) {
              w[tp_word] |= bit;
            } else {
              w[ig_word] |= bit;
            }
          } else if (det_area[d] < lo || det_area[d] > hi) {
            // An unmatched detection outside the range is ignored.
            w[ig_word] |= bit;
          }
        }
      }
    }
  }

  // accumulate(): per class, detections of the images in imgIds order,
  // each image's in score order, then a stable sort by score descending.
  const std::vector<uint32_t> image_rank = ImageRanks(run);
  c.detection_begin_.push_back(0);
  c.ground_truth_begin_.push_back(0);
  std::vector<uint32_t> perm;
  for (size_t k = 0; k < run.classes.size(); ++k) {
    const std::vector<Detection>& dk = dets[k];
    perm.resize(dk.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::sort(perm.begin(), perm.end(), [&](uint32_t i, uint32_t j) {
      const Detection& x = dk[i];
      const Detection& y = dk[j];
      if (x.score != y.score) return x.score > y.score;
      if (x.row != y.row) return image_rank[x.row] < image_rank[y.row];
      return x.rank < y.rank;
    });
    for (uint32_t i : perm) {
      c.detections_.push_back(dk[i]);
      c.bits_.insert(c.bits_.end(), bits[k].begin() + size_t{i} * stride,
                     bits[k].begin() + (size_t{i} + 1) * stride);
    }
    c.detection_begin_.push_back(c.detections_.size());
    c.ground_truth_rows_.insert(c.ground_truth_rows_.end(), gt_rows[k].begin(),
                                gt_rows[k].end());
    c.gt_counts_.insert(c.gt_counts_.end(), gt_counts[k].begin(),
                        gt_counts[k].end());
    c.ground_truth_begin_.push_back(c.ground_truth_rows_.size());
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
  c.params_ = params_;
  const size_t s = stride(), num_a = num_areas();
  c.detection_begin_.push_back(0);
  c.ground_truth_begin_.push_back(0);
  for (int k = 0; k < num_classes_; ++k) {
    for (size_t i = detection_begin_[k]; i < detection_begin_[k + 1]; ++i) {
      if (rows.Contains(detections_[i].row)) {
        c.detections_.push_back(detections_[i]);
        c.bits_.insert(c.bits_.end(), bits_.begin() + i * s,
                       bits_.begin() + (i + 1) * s);
      }
    }
    for (size_t i = ground_truth_begin_[k]; i < ground_truth_begin_[k + 1];
         ++i) {
      if (rows.Contains(ground_truth_rows_[i])) {
        c.ground_truth_rows_.push_back(ground_truth_rows_[i]);
        c.gt_counts_.insert(c.gt_counts_.end(),
                            gt_counts_.begin() + i * num_a,
                            gt_counts_.begin() + (i + 1) * num_a);
      }
    }
    c.detection_begin_.push_back(c.detections_.size());
    c.ground_truth_begin_.push_back(c.ground_truth_rows_.size());
  }
  return c;
}

CocoEvaluation CocoEvaluator::EvaluateImpl(const Selection* rows) const {
  const int num_classes = num_classes_;
  CocoEvaluation e;
  e.num_classes = num_classes;
  e.iou_type = iou_type_;
  e.params = params_;
  e.num_images = rows == nullptr ? static_cast<int64_t>(num_rows_)
                                 : static_cast<int64_t>(rows->Count());
  const size_t num_t = params_.iou_thresholds.size();
  const size_t num_r = params_.recall_thresholds.size();
  const size_t num_a = num_areas();
  const size_t num_m = params_.max_dets.size();
  const size_t pr_size = num_t * num_r * num_classes * num_a * num_m;
  e.precision.assign(pr_size, -1);
  e.scores.assign(pr_size, -1);
  e.recall.assign(num_t * num_classes * num_a * num_m, -1);
  auto pr_index = [&](size_t t, size_t r, size_t k, size_t a, size_t m) {
    return (((t * num_r + r) * num_classes + k) * num_a + a) * num_m + m;
  };
  auto recall_index = [&](size_t t, size_t k, size_t a, size_t m) {
    return ((t * num_classes + k) * num_a + a) * num_m + m;
  };
  const std::vector<double>& recall_thresholds = params_.recall_thresholds;
  const size_t s = stride(), w = words();

  std::vector<const Detection*> list;
  std::vector<const Word*> list_bits;
  std::vector<double> pr;
  std::vector<size_t> first_at;  // first_at[x]: where the TP count reaches x
  std::vector<int64_t> needed(num_r);  // TPs recall threshold r needs
  std::vector<size_t> at(num_r);
  std::vector<int64_t> npig(num_a);
  e.classes.resize(num_classes);
  for (int k = 0; k < num_classes; ++k) {
    CocoClassAp& class_ap = e.classes[k];
    class_ap.class_index = params_.use_cats ? k : -1;
    std::fill(npig.begin(), npig.end(), 0);
    for (size_t i = ground_truth_begin_[k]; i < ground_truth_begin_[k + 1];
         ++i) {
      if (!Selected(rows, ground_truth_rows_[i])) continue;
      for (size_t a = 0; a < num_a; ++a) npig[a] += gt_counts_[i * num_a + a];
    }
    int all = AreaIndex(params_, "all");
    class_ap.num_ground_truths = npig[all < 0 ? 0 : all];
    for (size_t m = 0; m < num_m; ++m) {
      const uint32_t max_dets = static_cast<uint32_t>(params_.max_dets[m]);
      list.clear();
      list_bits.clear();
      for (size_t i = detection_begin_[k]; i < detection_begin_[k + 1]; ++i) {
        const Detection& d = detections_[i];
        if (d.rank < max_dets && Selected(rows, d.row)) {
          list.push_back(&d);
          list_bits.push_back(bits_.data() + i * s);
        }
      }
      if (m == num_m - 1) class_ap.num_detections = std::ssize(list);
      const size_t nd = list.size();
      pr.resize(nd);
      for (size_t a = 0; a < num_a; ++a) {
        if (npig[a] == 0) continue;
        const double num_gt = static_cast<double>(npig[a]);
        // Recall after x TPs is rc = x / num_gt, the same double at every
        // position, so searchsorted(rc, thr, 'left') is the first position
        // with at least needed[r] TPs: the least x with x / num_gt >= thr.
        int64_t x = 0;
        for (size_t r = 0; r < num_r; ++r) {
          while (static_cast<double>(x) / num_gt < recall_thresholds[r]) ++x;
          needed[r] = x;
        }
        first_at.resize(static_cast<size_t>(npig[a]) + 1);
        for (size_t t = 0; t < num_t; ++t) {
          const size_t tp_word = a * w + t / 16;
          const size_t ig_word = (num_a + a) * w + t / 16;
          const unsigned shift = t % 16;
          double tp = 0, fp = 0;
          int64_t tps = 0;
          first_at[0] = 0;
          for (size_t j = 0; j < nd; ++j) {
            const Word* b = list_bits[j];
            if ((b[tp_word] >> shift) & 1) {
              tp += 1;
              first_at[++tps] = j;
            } else if (!((b[ig_word] >> shift) & 1)) {
              fp += 1;
            }
            pr[j] = tp / (fp + tp + kSpacingOne);
          }
          e.recall[recall_index(t, k, a, m)] =
              nd > 0 ? static_cast<double>(tps) / num_gt : 0;
          for (size_t r = 0; r < num_r; ++r) {
            at[r] = needed[r] <= tps && nd > 0 ? first_at[needed[r]] : nd;
          }
          // The interpolated precision at a position is the maximum of pr
          // from there to the end (pycocotools' right-to-left envelope);
          // past the end it stays 0 (its try/except).
          double best = 0;
          size_t from = nd;
          for (size_t r = num_r; r-- > 0;) {
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
  for (size_t i = 0; i < params_.iou_thresholds.size(); ++i) {
    if (std::abs(options.iou_threshold - params_.iou_thresholds[i]) <= 1e-9) {
      t = static_cast<int>(i);
    }
  }
  if (t < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "iou_threshold must be one of the evaluator's IoU thresholds (",
        absl::StrJoin(params_.iou_thresholds, ", "), "), got ",
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

  // The first area range, all matched detections: +1 TP, -1 FP, 0 ignored.
  const size_t s = stride(), tp_word = t / 16, shift = t % 16;
  const size_t ig_word = num_areas() * words() + t / 16;
  auto outcome = [&](size_t i) {
    const Word* b = bits_.data() + i * s;
    if ((b[tp_word] >> shift) & 1) return 1;
    return ((b[ig_word] >> shift) & 1) ? 0 : -1;
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
  const size_t num_a = num_areas();
  for (int k = 0; k < num_classes_; ++k) {
    int64_t num_gt = 0;
    for (size_t i = ground_truth_begin_[k]; i < ground_truth_begin_[k + 1];
         ++i) {
      if (Selected(rows, ground_truth_rows_[i])) {
        num_gt += gt_counts_[i * num_a];
      }
    }
    scores.clear();
    outcomes.clear();
    for (size_t i = detection_begin_[k]; i < detection_begin_[k + 1]; ++i) {
      const Detection& d = detections_[i];
      if (!Selected(rows, d.row)) continue;
      scores.push_back(d.score);
      outcomes.push_back(outcome(i));
      all.push_back({d.score, outcomes.back()});
    }
    all_gt += num_gt;
    if (num_gt == 0 && scores.empty()) continue;
    sweeps.push_back(SweepSorted(
        params_.use_cats ? k : -1, num_gt, scores,
        [&](size_t i) { return outcomes[i]; }, thresholds));
  }
  std::stable_sort(
      all.begin(), all.end(),
      [](const Scored& x, const Scored& y) { return x.score > y.score; });
  scores.clear();
  for (const Scored& x : all) scores.push_back(x.score);
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

absl::StatusOr<CocoEvaluation> EvaluateCoco(const ModelRun& run,
                                            IouType iou_type,
                                            const CocoParams& params) {
  SLICEKIT_ASSIGN_OR_RETURN(Evaluator evaluator,
                            Evaluator::Create(&run, iou_type));
  SLICEKIT_ASSIGN_OR_RETURN(CocoEvaluator coco,
                            CocoEvaluator::Create(evaluator, params));
  return coco.Evaluate();
}

}  // namespace slicekit
