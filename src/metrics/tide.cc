// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// TIDE's error breakdown. tidecv's answers depend on the order in which it
// pushes detections into its per-class AP lists (a stable sort by score
// keeps that order among equal scores), so this file keeps the same
// orders: the base AP in image order, then the detections' confidence
// order; a fixed AP with the errors first (in the order they were found),
// then the base's true positives.
#include "slicekit/tide.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/metrics/image_match.h"

namespace slicekit {
namespace {

using internal::DetectionState;
using internal::ImageMatch;

enum class Kind { kCls, kLoc, kBoth, kDupe, kBkg, kMiss };

struct Point {
  double score;
  bool tp;
};

struct Error {
  Kind kind;
  int32_t pred_class = 0;
  double score = 0;
  // The detection was counted in the AP (not ignored by a crowd region).
  bool counted = false;
  // kLoc, kCls: the GT record the fix would match, or -1 when that GT was
  // already matched (the fix then removes the detection). kMiss: its GT.
  int64_t gt = -1;
  int32_t gt_class = 0;
  int64_t pred_id = 0;
};

struct GtRecord {
  bool usable = false;
  double best_score = -1;
  int64_t best_id = -1;
};

// Everything one pass over the images records.
struct Pass {
  std::vector<std::vector<Point>> points;  // per class, push order
  std::vector<int64_t> gt_count;           // regular GTs per class
  std::vector<int64_t> fn_count;           // unmatched regular GTs
  std::vector<uint8_t> exists;             // the class has an AP entry
  std::vector<Error> errors;
  std::vector<GtRecord> gts;
  int64_t next_pred_id = 0;
};

// Mean precision over recall 0, .01, ..., 1 as tidecv's APDataObject
// computes it, in AP points. Sorts `points`.
double ClassAp(std::vector<Point>* points, int64_t num_gt) {
  if (num_gt == 0) return 0;
  std::stable_sort(
      points->begin(), points->end(),
      [](const Point& a, const Point& b) { return a.score > b.score; });
  const size_t n = points->size();
  std::vector<double> precision(n), recall(n);
  int64_t tp = 0, fp = 0;
  for (size_t i = 0; i < n; ++i) {
    ((*points)[i].tp ? tp : fp) += 1;
    precision[i] = static_cast<double>(tp) / static_cast<double>(tp + fp);
    recall[i] = static_cast<double>(tp) / static_cast<double>(num_gt);
  }
  for (size_t i = n; i-- > 1;) {
    if (precision[i] > precision[i - 1]) precision[i - 1] = precision[i];
  }
  double sum = 0;
  for (int b = 0; b <= 100; ++b) {
    const double x = b / 100.0;
    const size_t idx =
        std::lower_bound(recall.begin(), recall.end(), x) - recall.begin();
    if (idx < n) sum += precision[idx];
  }
  return sum / 101 * 100;
}

// The mean over classes that have points or ground truths.
double MeanAp(std::vector<std::vector<Point>>* points,
              const std::vector<int64_t>& gt, const std::vector<uint8_t>& in) {
  double sum = 0;
  int64_t n = 0;
  for (size_t c = 0; c < points->size(); ++c) {
    if (!in[c] || ((*points)[c].empty() && gt[c] == 0)) continue;
    sum += ClassAp(&(*points)[c], gt[c]);
    ++n;
  }
  return n == 0 ? 0 : sum / static_cast<double>(n);
}

// First index of the largest value, as numpy's argmax.
template <typename Fn>
std::pair<size_t, double> ArgMax(size_t n, Fn value) {
  size_t best = 0;
  double v = n > 0 ? value(0) : 0;
  for (size_t g = 1; g < n; ++g) {
    const double x = value(g);
    if (x > v) {
      v = x;
      best = g;
    }
  }
  return {best, v};
}

// Classifies detection d (not a true positive) of an image with ground
// truth, as TIDERun._eval_image does, test by test.
Error ClassifyFalsePositive(const DataRow& row, const ImageMatch& m, size_t d,
                            const TideOptions& o, int64_t gt_base) {
  const Prediction& p = row.predictions[m.detections[d]];
  Error e;
  e.pred_class = p.class_index;
  e.score = p.confidence;
  e.counted = m.state[d] != DetectionState::kIgnored;
  const size_t ng = m.gts.size();
  auto cls = [&](size_t g) { return row.ground_truths[m.gts[g]].class_index; };
  auto [g1, v1] = ArgMax(ng, [&](size_t g) {
    return cls(g) == p.class_index ? m.Iou(d, g) : 0.0;
  });
  if (o.background_iou <= v1 && v1 <= o.foreground_iou) {
    e.kind = Kind::kLoc;
    e.gt = m.matched_by[g1] < 0 ? gt_base + g1 : -1;
    e.gt_class = cls(g1);
    return e;
  }
  auto [g2, v2] = ArgMax(ng, [&](size_t g) {
    return cls(g) != p.class_index ? m.Iou(d, g) : 0.0;
  });
  if (v2 >= o.foreground_iou) {
    e.kind = Kind::kCls;
    e.gt = m.matched_by[g2] < 0 ? gt_base + g2 : -1;
    e.gt_class = cls(g2);
    return e;
  }
  auto dupe = ArgMax(ng, [&](size_t g) {
    return cls(g) == p.class_index && m.matched_by[g] >= 0 ? m.Iou(d, g) : 0.0;
  });
  if (dupe.second >= o.foreground_iou) {
    e.kind = Kind::kDupe;
    return e;
  }
  auto any = ArgMax(ng, [&](size_t g) { return m.Iou(d, g); });
  e.kind = any.second <= o.background_iou ? Kind::kBkg : Kind::kBoth;
  return e;
}

void AddMissed(const DataRow& row, const ImageMatch* m, int64_t gt_base,
               Pass* pass) {
  size_t g = 0;
  for (const GroundTruth& gt : row.ground_truths) {
    if (gt.iscrowd) continue;
    const int64_t id = gt_base + static_cast<int64_t>(g);
    const bool used = m != nullptr && m->matched_by[g] >= 0;
    ++g;
    if (used) continue;
    ++pass->fn_count[gt.class_index];
    if (pass->gts[id].usable) continue;
    Error e;
    e.kind = Kind::kMiss;
    e.gt = id;
    e.gt_class = gt.class_index;
    pass->errors.push_back(e);
  }
}

void EvaluateImage(const DataRow& row, const TideOptions& o, ImageMatch* m,
                   Pass* pass) {
  const int64_t gt_base = static_cast<int64_t>(pass->gts.size());
  for (const GroundTruth& gt : row.ground_truths) {
    if (gt.iscrowd) continue;
    ++pass->gt_count[gt.class_index];
    pass->exists[gt.class_index] = 1;
    pass->gts.emplace_back();
  }
  if (row.predictions.empty()) {
    AddMissed(row, nullptr, gt_base, pass);
    return;
  }
  internal::MatchImage(row, o.foreground_iou, o.max_detections, m);
  for (size_t d = 0; d < m->detections.size(); ++d) {
    const Prediction& p = row.predictions[m->detections[d]];
    const int64_t pred_id = pass->next_pred_id++;
    if (m->state[d] != DetectionState::kIgnored) {
      pass->points[p.class_index].push_back(
          Point{p.confidence, m->state[d] == DetectionState::kMatched});
      pass->exists[p.class_index] = 1;
    }
    if (m->state[d] == DetectionState::kMatched) continue;
    Error e;
    if (m->gts.empty()) {
      e.kind = Kind::kBkg;
      e.pred_class = p.class_index;
      e.score = p.confidence;
      e.counted = m->state[d] != DetectionState::kIgnored;
    } else {
      e = ClassifyFalsePositive(row, *m, d, o, gt_base);
    }
    e.pred_id = pred_id;
    if ((e.kind == Kind::kLoc || e.kind == Kind::kCls) && e.gt >= 0) {
      // tidecv's BestGTMatch: of the errors that could claim one unmatched
      // GT, only the most confident (the first on ties) is fixed.
      GtRecord& rec = pass->gts[e.gt];
      rec.usable = true;
      if (rec.best_score < e.score) {
        rec.best_score = e.score;
        rec.best_id = pred_id;
      }
    }
    pass->errors.push_back(e);
  }
  AddMissed(row, m, gt_base, pass);
}

enum class Special { kNone, kFalsePos, kFalseNeg };

// tidecv's TIDERun.fix_errors: the mAP with the errors of kind `fix` fixed
// (none when `fix` is null), optionally with every score replaced by 1
// (true positive) or 0 (kFalsePos), or with the unmatched GTs dropped
// (kFalseNeg).
double FixedAp(const Pass& pass, const Kind* fix, Special special) {
  const size_t nc = pass.points.size();
  std::vector<std::vector<Point>> points(nc);
  std::vector<int64_t> gt = pass.gt_count;
  auto push = [&](int32_t c, double score, bool tp) {
    if (special == Special::kFalsePos) score = tp ? 1 : 0;
    points[c].push_back(Point{score, tp});
  };
  for (const Error& e : pass.errors) {
    if (fix != nullptr && e.kind == *fix) {
      if (e.kind == Kind::kMiss) {
        --gt[e.gt_class];
      } else if ((e.kind == Kind::kLoc || e.kind == Kind::kCls) && e.gt >= 0 &&
                 pass.gts[e.gt].best_id == e.pred_id) {
        push(e.kind == Kind::kLoc ? e.pred_class : e.gt_class, e.score, true);
      }
      continue;
    }
    if (e.kind != Kind::kMiss && e.counted) push(e.pred_class, e.score, false);
  }
  for (size_t c = 0; c < nc; ++c) {
    for (const Point& p : pass.points[c]) {
      if (p.tp) push(static_cast<int32_t>(c), p.score, true);
    }
    if (special == Special::kFalseNeg) gt[c] -= pass.fn_count[c];
  }
  return MeanAp(&points, gt, pass.exists);
}

absl::Status CheckOptions(const ModelRun& run, const Selection* rows,
                          const TideOptions& o) {
  if (!(o.foreground_iou > 0 && o.foreground_iou <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("foreground IoU ", o.foreground_iou, " is not in (0, 1]"));
  }
  if (!(o.background_iou >= 0 && o.background_iou < o.foreground_iou)) {
    return absl::InvalidArgumentError(
        absl::StrCat("background IoU ", o.background_iou,
                     " is not in [0, foreground IoU ", o.foreground_iou, ")"));
  }
  if (o.max_detections < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max detections ", o.max_detections, " is not at least 1"));
  }
  if (rows != nullptr && rows->num_rows() != run.rows.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the selection covers ", rows->num_rows(),
                     " rows; the run has ", run.rows.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TideErrors> ComputeTide(const ModelRun& run,
                                       const Selection* rows,
                                       const TideOptions& options) {
  if (absl::Status s = CheckOptions(run, rows, options); !s.ok()) return s;
  const size_t nc = run.classes.size();
  Pass pass;
  pass.points.resize(nc);
  pass.gt_count.assign(nc, 0);
  pass.fn_count.assign(nc, 0);
  pass.exists.assign(nc, 0);
  ImageMatch m;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    if (rows != nullptr && !rows->Contains(static_cast<RowIndex>(r))) continue;
    EvaluateImage(run.rows[r], options, &m, &pass);
  }
  if (std::none_of(pass.exists.begin(), pass.exists.end(),
                   [](uint8_t e) { return e != 0; })) {
    return absl::InvalidArgumentError(
        "the images hold no ground truth and no counted detection: TIDE's "
        "AP is undefined");
  }
  TideErrors out;
  std::vector<std::vector<Point>> base = pass.points;
  out.ap = MeanAp(&base, pass.gt_count, pass.exists);
  struct Slot {
    Kind kind;
    double* dap;
    int64_t* count;
  };
  const Slot slots[] = {{Kind::kCls, &out.cls, &out.num_cls},
                        {Kind::kLoc, &out.loc, &out.num_loc},
                        {Kind::kBoth, &out.both, &out.num_both},
                        {Kind::kDupe, &out.dupe, &out.num_dupe},
                        {Kind::kBkg, &out.bkg, &out.num_bkg},
                        {Kind::kMiss, &out.miss, &out.num_miss}};
  for (const Slot& slot : slots) {
    *slot.dap =
        std::max(FixedAp(pass, &slot.kind, Special::kNone) - out.ap, 0.0);
    *slot.count =
        std::count_if(pass.errors.begin(), pass.errors.end(),
                      [&](const Error& e) { return e.kind == slot.kind; });
  }
  out.false_pos = FixedAp(pass, nullptr, Special::kFalsePos) - out.ap;
  out.false_neg = FixedAp(pass, nullptr, Special::kFalseNeg) - out.ap;
  return out;
}

}  // namespace slicekit
