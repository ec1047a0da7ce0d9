// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "slicekit/schema.h"
#include "src/metrics/coco_match.h"
#include "src/metrics/coco_oks.h"
#include "src/metrics/coco_rle.h"
#include "src/util/status_macros.h"

namespace slicekit {
namespace {

// pycocotools' area range "all", [0, 1e5 ** 2]: a GT whose `area` lies
// outside it is ignored like a crowd box (yet matched at most once, with
// the ordinary IoU); so is an unmatched detection whose w * h does.
constexpr double kMaxArea = 1e10;
bool OutsideAreaRange(double area) { return area < 0 || area > kMaxArea; }
// Keypoint evaluation also ignores a ground truth without keypoints
// (pycocotools' _prepare: num_keypoints == 0).
bool IgnoredGt(const GroundTruth& g, IouType type) {
  return g.iscrowd || (g.area.has_value() && OutsideAreaRange(*g.area)) ||
         (type == IouType::kKeypoints && internal::CocoNumKeypoints(g) == 0);
}

bool ValidBox(const Box& b) {
  return std::isfinite(b.x) && std::isfinite(b.y) && std::isfinite(b.w) &&
         std::isfinite(b.h) && b.w >= 0 && b.h >= 0;
}

absl::Status CheckThreshold(absl::string_view name, double value) {
  if (!(value >= 0 && value <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be in [0, 1], got ", value));
  }
  return absl::OkStatus();
}

// Accumulates confidences for the mean, min and max.
struct ConfidenceStats {
  double sum = 0;
  int64_t count = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  void Add(double c) {
    sum += c;
    ++count;
    min = std::min(min, c);
    max = std::max(max, c);
  }
  void Merge(const ConfidenceStats& o) {
    sum += o.sum;
    count += o.count;
    min = std::min(min, o.min);
    max = std::max(max, o.max);
  }
};

// What a group's or row's metrics derive from, beside the counts.
struct Sums {
  ConfidenceStats conf;
  double iou_sum = 0;
  int64_t iou_denom = 0;
  double max_fp = -1;  // none while negative
  void Merge(const Sums& o) {
    conf.Merge(o.conf);
    iou_sum += o.iou_sum;
    iou_denom += o.iou_denom;
    max_fp = std::max(max_fp, o.max_fp);
  }
};

// Fills the metrics derived from counts and sums.
void Finish(const Sums& sums, Metrics* m) {
  const ConfidenceStats& conf = sums.conf;
  if (m->tp + m->fp > 0) {
    m->precision =
        static_cast<double>(m->tp) / static_cast<double>(m->tp + m->fp);
  }
  if (m->tp + m->fn > 0) {
    m->recall = static_cast<double>(m->tp) / static_cast<double>(m->tp + m->fn);
  }
  if (2 * m->tp + m->fp + m->fn > 0) {
    m->f1 = 2.0 * static_cast<double>(m->tp) /
            static_cast<double>(2 * m->tp + m->fp + m->fn);
  }
  if (sums.iou_denom > 0) {
    m->iou = sums.iou_sum / static_cast<double>(sums.iou_denom);
  }
  if (conf.count > 0) {
    m->confidence = conf.sum / static_cast<double>(conf.count);
    m->min_confidence = conf.min;
    m->max_confidence = conf.max;
  }
  if (sums.max_fp >= 0) m->max_fp_confidence = sums.max_fp;
}

// Checks a row's class indexes, boxes and confidences, and lists the
// classes it has anything of, in order.
absl::Status RowClasses(const DataRow& row, int32_t num_classes,
                        std::vector<int32_t>* classes) {
  auto bad = [&](absl::string_view what, size_t i, absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("row ", row.data_row_id, ": ", what, "[", i, "]: ", why));
  };
  std::vector<int32_t>& row_classes = *classes;
  row_classes.clear();
  for (size_t i = 0; i < row.ground_truths.size(); ++i) {
    const GroundTruth& g = row.ground_truths[i];
    if (g.class_index < 0 || g.class_index >= num_classes) {
      return bad("ground_truths", i, "class index out of range");
    }
    if (!ValidBox(g.box)) return bad("ground_truths", i, "invalid box");
    row_classes.push_back(g.class_index);
  }
  for (size_t i = 0; i < row.predictions.size(); ++i) {
    const Prediction& p = row.predictions[i];
    if (p.class_index < 0 || p.class_index >= num_classes) {
      return bad("predictions", i, "class index out of range");
    }
    if (!ValidBox(p.box)) return bad("predictions", i, "invalid box");
    if (!(p.confidence >= 0 && p.confidence <= 1)) {
      return bad("predictions", i, "confidence outside [0, 1]");
    }
    row_classes.push_back(p.class_index);
  }
  for (const auto* a : {&row.label, &row.classification}) {
    if (!a->has_value()) continue;
    if ((*a)->class_index < 0 || (*a)->class_index >= num_classes ||
        !((*a)->confidence >= 0 && (*a)->confidence <= 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", row.data_row_id,
                       ": classification class or confidence out of range"));
    }
    row_classes.push_back((*a)->class_index);
  }
  std::sort(row_classes.begin(), row_classes.end());
  row_classes.erase(std::unique(row_classes.begin(), row_classes.end()),
                    row_classes.end());
  return absl::OkStatus();
}

}  // namespace

const std::vector<double>& CocoPersonKeypointSigmas() {
  // np.array([.26, .25, ...]) / 10.0, as pycocotools' Params computes them.
  static const std::vector<double>* const sigmas = [] {
    auto* s =
        new std::vector<double>{.26, .25, .25,  .35,  .35, .79, .79, .72, .72,
                                .62, .62, 1.07, 1.07, .87, .87, .89, .89};
    for (double& v : *s) v /= 10.0;
    return s;
  }();
  return *sigmas;
}

double CocoIou(const Box& d, const Box& g, bool crowd) {
  // pycocotools maskApi.c bbIou, operation for operation, so equal IoUs
  // (ties, values exactly at a threshold) compare the same way.
  const double da = d.w * d.h;
  const double ga = g.w * g.h;
  const double w = std::fmin(d.w + d.x, g.w + g.x) - std::fmax(d.x, g.x);
  if (w <= 0) return 0;
  const double h = std::fmin(d.h + d.y, g.h + g.y) - std::fmax(d.y, g.y);
  if (h <= 0) return 0;
  const double i = w * h;
  const double u = crowd ? da : da + ga - i;
  return i / u;
}

namespace {

// A row's masks, decoded once for segm IoUs (empty for bbox).
struct RowMasks {
  std::vector<internal::Rle> gts, preds;
};

// Decodes the masks of `row`: every object needs one, all of one size.
absl::Status DecodeRowMasks(const DataRow& row, RowMasks* out) {
  out->gts.resize(row.ground_truths.size());
  out->preds.resize(row.predictions.size());
  const Mask* first = nullptr;
  std::string first_label;
  auto decode = [&](const std::optional<Mask>& mask, absl::string_view what,
                    size_t i, internal::Rle* rle) -> absl::Status {
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row ", row.data_row_id, ": ", what, "[", i, "]: ", why));
    };
    if (!mask) return bad("no mask (segm evaluation needs a segmentation)");
    if (first != nullptr &&
        (mask->height != first->height || mask->width != first->width)) {
      return bad(absl::StrCat("mask is ", mask->height, " x ", mask->width,
                              ", ", first_label, "'s ", first->height, " x ",
                              first->width));
    }
    if (first == nullptr) {
      first = &*mask;
      first_label = absl::StrCat(what, "[", i, "]");
    }
    absl::StatusOr<internal::Rle> decoded =
        internal::RleFromString(mask->counts, mask->height, mask->width);
    if (!decoded.ok())
      return bad(absl::StrCat("mask: ", decoded.status().message()));
    *rle = *std::move(decoded);
    return absl::OkStatus();
  };
  for (size_t i = 0; i < row.ground_truths.size(); ++i) {
    SLICEKIT_RETURN_IF_ERROR(
        decode(row.ground_truths[i].mask, "ground_truths", i, &out->gts[i]));
  }
  for (size_t i = 0; i < row.predictions.size(); ++i) {
    SLICEKIT_RETURN_IF_ERROR(
        decode(row.predictions[i].mask, "predictions", i, &out->preds[i]));
  }
  return absl::OkStatus();
}

// Checks that every object of `row` has the keypoints its class's sigmas
// need (3 numbers per keypoint).
absl::Status CheckRowKeypoints(const ModelRun& run, const DataRow& row) {
  auto check = [&](absl::string_view what, size_t i, int32_t c,
                   const std::vector<double>& kps) -> absl::Status {
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row ", row.data_row_id, ": ", what, "[", i, "]: ", why));
    };
    const size_t k = c < static_cast<int32_t>(run.keypoints.size())
                         ? run.keypoints[c].sigmas.size()
                         : 0;
    if (k == 0) {
      return bad(absl::StrCat("class \"", run.classes[c],
                              "\" has no keypoint sigmas (keypoint "
                              "evaluation needs them)"));
    }
    if (kps.size() != 3 * k) {
      return bad(absl::StrCat(kps.size(), " keypoint numbers, not 3 x ", k,
                              " for class \"", run.classes[c], "\""));
    }
    for (double v : kps) {
      if (!std::isfinite(v)) return bad("a keypoint number is not finite");
    }
    return absl::OkStatus();
  };
  for (size_t i = 0; i < row.ground_truths.size(); ++i) {
    const GroundTruth& g = row.ground_truths[i];
    SLICEKIT_RETURN_IF_ERROR(
        check("ground_truths", i, g.class_index, g.keypoints));
  }
  for (size_t i = 0; i < row.predictions.size(); ++i) {
    const Prediction& p = row.predictions[i];
    SLICEKIT_RETURN_IF_ERROR(
        check("predictions", i, p.class_index, p.keypoints));
  }
  return absl::OkStatus();
}

// The IoU of prediction p and ground truth g of `row` (their indexes in
// the row): boxes, the decoded masks when `masks` has them, or OKS;
// `crowd`: intersection over the prediction's area (not for OKS, which
// pycocotools computes alike for crowds).
double PairIou(const ModelRun& run, IouType type, const DataRow& row,
               const RowMasks& masks, uint32_t p, uint32_t g, bool crowd) {
  const Prediction& pred = row.predictions[p];
  const GroundTruth& gt = row.ground_truths[g];
  if (type == IouType::kKeypoints) {
    return internal::CocoOks(pred, gt, run.keypoints[gt.class_index].sigmas);
  }
  if (!masks.preds.empty()) {
    return internal::RleIou(masks.preds[p], masks.gts[g], crowd);
  }
  return CocoIou(pred.box, gt.box, crowd);
}

// What Evaluator::Create builds for a range of rows, with offsets local to
// it: each thread of Create builds one, and they are joined in row order.
struct EvaluatorPart {
  std::vector<Evaluator::Group> groups;
  std::vector<size_t> row_group_begin;
  std::vector<uint32_t> gt_order;
  std::vector<uint32_t> pred_order;
  std::vector<double> ious;
  int64_t num_ious = 0;
};

// Adds rows [begin, end) of `run` to `part`: the groups of each row, their
// GT and prediction orders and their IoUs. Stops at the first bad row.
absl::Status BuildRows(const ModelRun& run, IouType iou_type, size_t begin,
                       size_t end, EvaluatorPart* part) {
  const int32_t num_classes = static_cast<int32_t>(run.classes.size());
  part->row_group_begin.reserve(end - begin);
  std::vector<uint32_t> gts, preds;
  std::vector<int32_t> row_classes;
  RowMasks masks;
  for (size_t r = begin; r < end; ++r) {
    const DataRow& row = run.rows[r];
    part->row_group_begin.push_back(part->groups.size());
    SLICEKIT_RETURN_IF_ERROR(RowClasses(row, num_classes, &row_classes));
    if (row_classes.empty()) continue;
    if (iou_type == IouType::kSegm) {
      SLICEKIT_RETURN_IF_ERROR(DecodeRowMasks(row, &masks));
    } else if (iou_type == IouType::kKeypoints) {
      SLICEKIT_RETURN_IF_ERROR(CheckRowKeypoints(run, row));
    }

    // Regular GTs first, in source order, then ignored (crowd) GTs (rule 3).
    gts.resize(row.ground_truths.size());
    for (uint32_t i = 0; i < gts.size(); ++i) gts[i] = i;
    std::stable_sort(gts.begin(), gts.end(), [&](uint32_t a, uint32_t b) {
      const GroundTruth& x = row.ground_truths[a];
      const GroundTruth& y = row.ground_truths[b];
      if (x.class_index != y.class_index) return x.class_index < y.class_index;
      return !IgnoredGt(x, iou_type) && IgnoredGt(y, iou_type);
    });
    // Confidence descending, ties in source order (a stable sort, rule 2).
    preds.resize(row.predictions.size());
    for (uint32_t i = 0; i < preds.size(); ++i) preds[i] = i;
    std::stable_sort(preds.begin(), preds.end(), [&](uint32_t a, uint32_t b) {
      const Prediction& x = row.predictions[a];
      const Prediction& y = row.predictions[b];
      if (x.class_index != y.class_index) return x.class_index < y.class_index;
      return x.confidence > y.confidence;
    });
    size_t gi = 0, pi = 0;
    for (int32_t c : row_classes) {
      Evaluator::Group g{};
      g.row = static_cast<int32_t>(r);
      g.class_index = c;
      g.gt_begin = static_cast<uint32_t>(part->gt_order.size());
      while (gi < gts.size() && row.ground_truths[gts[gi]].class_index == c) {
        g.num_crowd += IgnoredGt(row.ground_truths[gts[gi]], iou_type) ? 1 : 0;
        part->gt_order.push_back(gts[gi++]);
        ++g.num_gt;
      }
      g.pred_begin = static_cast<uint32_t>(part->pred_order.size());
      while (pi < preds.size() && row.predictions[preds[pi]].class_index == c) {
        part->pred_order.push_back(preds[pi++]);
        ++g.num_pred;
      }
      g.iou_begin = part->ious.size();
      const uint32_t first_crowd = g.num_gt - g.num_crowd;
      const uint32_t* pred_of = part->pred_order.data() + g.pred_begin;
      const uint32_t* gt_of = part->gt_order.data() + g.gt_begin;
      for (uint32_t p = 0; p < g.num_pred; ++p) {
        for (uint32_t k = 0; k < g.num_gt; ++k) {
          const bool crowd = row.ground_truths[gt_of[k]].iscrowd;
          part->ious.push_back(
              PairIou(run, iou_type, row, masks, pred_of[p], gt_of[k], crowd));
        }
      }
      for (uint32_t p = 0; p < g.num_pred; ++p) {
        for (uint32_t k = first_crowd; k < g.num_gt; ++k) {
          part->ious.push_back(
              PairIou(run, iou_type, row, masks, pred_of[p], gt_of[k], false));
        }
      }
      part->num_ious +=
          static_cast<int64_t>(g.num_pred) * (g.num_gt + g.num_crowd);
      part->groups.push_back(g);
    }
  }
  return absl::OkStatus();
}

// Row ranges for `threads` workers: contiguous, in row order, balanced by
// the pairs of objects whose IoUs they compute (a row's predictions times
// its ground truths), so one crowded image does not hold up its range.
std::vector<size_t> SplitRows(const ModelRun& run, size_t threads) {
  std::vector<size_t> bounds = {0};
  uint64_t total = 0;
  for (const DataRow& row : run.rows) {
    total += 1 + row.predictions.size() * row.ground_truths.size();
  }
  uint64_t done = 0;
  for (size_t r = 0; r < run.rows.size() && bounds.size() < threads; ++r) {
    const DataRow& row = run.rows[r];
    done += 1 + row.predictions.size() * row.ground_truths.size();
    if (done * threads >= total * bounds.size()) bounds.push_back(r + 1);
  }
  // At least one range, also for no rows.
  if (bounds.size() == 1 || bounds.back() != run.rows.size()) {
    bounds.push_back(run.rows.size());
  }
  return bounds;
}

}  // namespace

absl::StatusOr<Evaluator> Evaluator::Create(const ModelRun* run,
                                            IouType iou_type, int threads) {
  if (threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("threads must be at least 1, not ", threads));
  }
  // Below this many rows a thread costs more than it saves.
  constexpr size_t kMinRowsPerThread = 256;
  const size_t workers = std::max<size_t>(
      1, std::min<size_t>(threads, run->rows.size() / kMinRowsPerThread));
  const std::vector<size_t> bounds = SplitRows(*run, workers);
  std::vector<EvaluatorPart> parts(bounds.size() - 1);
  std::vector<absl::Status> statuses(parts.size());
  {
    std::vector<std::thread> pool;
    for (size_t i = 1; i < parts.size(); ++i) {
      pool.emplace_back([&, i] {
        statuses[i] =
            BuildRows(*run, iou_type, bounds[i], bounds[i + 1], &parts[i]);
      });
    }
    statuses[0] = BuildRows(*run, iou_type, bounds[0], bounds[1], &parts[0]);
    for (std::thread& t : pool) t.join();
  }
  // The first bad row's error, as one thread would report it.
  for (const absl::Status& status : statuses) {
    SLICEKIT_RETURN_IF_ERROR(status);
  }
  Evaluator e;
  e.run_ = run;
  e.iou_type_ = iou_type;
  if (parts.size() == 1) {
    EvaluatorPart& only = parts[0];
    e.groups_ = std::move(only.groups);
    e.row_group_begin_ = std::move(only.row_group_begin);
    e.gt_order_ = std::move(only.gt_order);
    e.pred_order_ = std::move(only.pred_order);
    e.ious_ = std::move(only.ious);
    e.num_ious_ = only.num_ious;
  } else {
    size_t groups = 0, gts = 0, preds = 0, ious = 0;
    for (const EvaluatorPart& part : parts) {
      groups += part.groups.size();
      gts += part.gt_order.size();
      preds += part.pred_order.size();
      ious += part.ious.size();
    }
    e.groups_.reserve(groups);
    e.row_group_begin_.reserve(run->rows.size() + 1);
    e.gt_order_.reserve(gts);
    e.pred_order_.reserve(preds);
    e.ious_.reserve(ious);
    for (EvaluatorPart& part : parts) {
      const size_t group_base = e.groups_.size();
      for (size_t begin : part.row_group_begin) {
        e.row_group_begin_.push_back(group_base + begin);
      }
      for (Group g : part.groups) {
        g.gt_begin += static_cast<uint32_t>(e.gt_order_.size());
        g.pred_begin += static_cast<uint32_t>(e.pred_order_.size());
        g.iou_begin += e.ious_.size();
        e.groups_.push_back(g);
      }
      e.gt_order_.insert(e.gt_order_.end(), part.gt_order.begin(),
                         part.gt_order.end());
      e.pred_order_.insert(e.pred_order_.end(), part.pred_order.begin(),
                           part.pred_order.end());
      e.ious_.insert(e.ious_.end(), part.ious.begin(), part.ious.end());
      e.num_ious_ += part.num_ious;
      part = EvaluatorPart();  // frees its memory before the next is copied
    }
  }
  e.row_group_begin_.push_back(e.groups_.size());
  return e;
}

size_t Evaluator::memory_bytes() const {
  return groups_.capacity() * sizeof(Group) +
         row_group_begin_.capacity() * sizeof(size_t) +
         gt_order_.capacity() * sizeof(uint32_t) +
         pred_order_.capacity() * sizeof(uint32_t) +
         ious_.capacity() * sizeof(double);
}

namespace {

absl::Status CheckOptions(const MetricsOptions& options) {
  SLICEKIT_RETURN_IF_ERROR(
      CheckThreshold("iou_threshold", options.iou_threshold));
  SLICEKIT_RETURN_IF_ERROR(
      CheckThreshold("confidence_threshold", options.confidence_threshold));
  if (options.max_detections < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_detections must be at least 1, got ", options.max_detections));
  }
  return absl::OkStatus();
}

// The IoU threshold of each class: the run's, or its override by name.
absl::StatusOr<std::vector<double>> ClassThresholds(
    const MetricsOptions& options, const std::vector<std::string>& classes) {
  std::vector<double> class_threshold(classes.size(), options.iou_threshold);
  for (const auto& [name, t] : options.class_iou_thresholds) {
    auto it = std::find(classes.begin(), classes.end(), name);
    if (it == classes.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("class_iou_thresholds: unknown class \"", name, "\""));
    }
    SLICEKIT_RETURN_IF_ERROR(
        CheckThreshold(absl::StrCat("iou threshold of \"", name, "\""), t));
    class_threshold[it - classes.begin()] = t;
  }
  return class_threshold;
}

// One (row, class) group as Compute reads it: its predictions by
// confidence descending, its GTs (regular, then ignored) and the IoUs
// Evaluator::Create stored for them.
struct GroupView {
  const Evaluator::Group& g;
  const DataRow& row;
  const uint32_t* gt_order;    // g.num_gt indexes into row.ground_truths
  const uint32_t* pred_order;  // g.num_pred indexes into row.predictions
  const double* ious;          // laid out as Group::iou_begin says

  uint32_t first_crowd() const { return g.num_gt - g.num_crowd; }
  const Prediction& pred(uint32_t p) const {
    return row.predictions[pred_order[p]];
  }
  const GroundTruth& gt(uint32_t k) const {
    return row.ground_truths[gt_order[k]];
  }
  // The ordinary IoU, also for an ignored GT (whose column of `ious` holds
  // the crowd IoU).
  double UnionIou(uint32_t p, uint32_t k) const {
    const double* crowd_union = ious + size_t{g.num_pred} * g.num_gt;
    return k < first_crowd()
               ? ious[size_t{p} * g.num_gt + k]
               : crowd_union[size_t{p} * g.num_crowd + (k - first_crowd())];
  }
};

// Buffers reused from group to group.
struct MatchScratch {
  struct Pair {
    double iou;
    uint32_t p, g;
  };
  std::vector<Pair> pairs;
  std::vector<uint8_t> gt_matched;
  std::vector<uint8_t> pred_paired;
  std::vector<uint8_t> labelbox_match;
  std::vector<uint8_t> crowd;
  std::vector<int32_t> match;
};

// What one group adds to its row.
struct GroupMetrics {
  Metrics m;
  Sums sums;
};

// Greedy one-to-one pairing by IoU descending over IoU > 0 of the `kept`
// predictions: the `iou` metric, and (its pairs with IoU > t) the kLabelbox
// match, left in scratch.labelbox_match. Returns the kLabelbox TP count.
int64_t PairByIou(const GroupView& view, uint32_t kept, double t,
                  MatchScratch& scratch, GroupMetrics* out) {
  const uint32_t num_gt = view.g.num_gt;
  std::vector<MatchScratch::Pair>& pairs = scratch.pairs;
  pairs.clear();
  for (uint32_t p = 0; p < kept; ++p) {
    for (uint32_t k = 0; k < num_gt; ++k) {
      const double v = view.UnionIou(p, k);
      if (v > 0) pairs.push_back({v, p, k});
    }
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const MatchScratch::Pair& a, const MatchScratch::Pair& b) {
              if (a.iou != b.iou) return a.iou > b.iou;
              if (a.p != b.p) return a.p < b.p;
              return a.g < b.g;
            });
  scratch.gt_matched.assign(num_gt, 0);
  scratch.pred_paired.assign(kept, 0);
  double iou_sum = 0;
  int64_t num_pairs = 0;
  int64_t labelbox_tp = 0;
  scratch.labelbox_match.assign(kept, 0);
  for (const MatchScratch::Pair& pr : pairs) {
    if (scratch.gt_matched[pr.g] || scratch.pred_paired[pr.p]) continue;
    scratch.gt_matched[pr.g] = 1;
    scratch.pred_paired[pr.p] = 1;
    iou_sum += pr.iou;
    ++num_pairs;
    if (pr.iou > t) {
      ++labelbox_tp;
      scratch.labelbox_match[pr.p] = 1;
    }
  }
  out->sums.iou_sum = iou_sum;
  out->sums.iou_denom = num_gt + kept - num_pairs;
  return labelbox_tp;
}

// kLabelbox: the IoU pairing above t is the match.
void CountLabelbox(const GroupView& view, uint32_t kept, int64_t labelbox_tp,
                   const MatchScratch& scratch, GroupMetrics* out) {
  Metrics& m = out->m;
  m.tp = labelbox_tp;
  m.fp = kept - labelbox_tp;
  m.fn = view.g.num_gt - labelbox_tp;
  // Predictions paired at IoU <= t are false positives too.
  for (uint32_t p = 0; p < kept; ++p) {
    if (!scratch.labelbox_match[p]) {
      out->sums.max_fp = std::max(out->sums.max_fp, view.pred(p).confidence);
    }
  }
}

// kCoco: pycocotools evaluateImg, one threshold.
void CountCoco(const GroupView& view, uint32_t kept, double t,
               int max_detections, MatchScratch& scratch, GroupMetrics* out) {
  const Evaluator::Group& g = view.g;
  const uint32_t first_crowd = view.first_crowd();
  const uint32_t evaluated =
      std::min<uint32_t>(kept, static_cast<uint32_t>(max_detections));
  scratch.crowd.resize(g.num_gt);
  for (uint32_t k = 0; k < g.num_gt; ++k) {
    scratch.crowd[k] = view.gt(k).iscrowd;
  }
  scratch.gt_matched.resize(g.num_gt);
  scratch.match.resize(evaluated);
  internal::MatchCocoGreedy(view.ious, evaluated, g.num_gt, first_crowd,
                            scratch.crowd.data(), t, scratch.gt_matched.data(),
                            scratch.match.data());
  Metrics& m = out->m;
  for (uint32_t p = 0; p < evaluated; ++p) {
    const Prediction& pred = view.pred(p);
    const int32_t match = scratch.match[p];
    if (match == -1 && OutsideAreaRange(internal::CocoDetectionArea(pred))) {
      // An unmatched detection outside the area range: ignored.
    } else if (match == -1) {
      ++m.fp;
      out->sums.max_fp = std::max(out->sums.max_fp, pred.confidence);
    } else if (static_cast<uint32_t>(match) < first_crowd) {
      // Matched to a regular GT: TP; to an ignored one: ignored.
      ++m.tp;
    }
  }
  m.fn = first_crowd - m.tp;
}

// The row-level classification answers of the group's class.
void CountClassAnswers(const GroupView& view, uint32_t kept,
                       double confidence_threshold, GroupMetrics* out) {
  const DataRow& row = view.row;
  const int32_t class_index = view.g.class_index;
  Metrics& m = out->m;
  bool has_label = row.label && row.label->class_index == class_index;
  bool has_answer = false;
  if (row.classification && row.classification->class_index == class_index) {
    out->sums.conf.Add(row.classification->confidence);
    has_answer = row.classification->confidence >= confidence_threshold;
  }
  if (has_label && has_answer) {
    ++m.tp;
  } else {
    if (has_answer) {
      ++m.fp;
      out->sums.max_fp =
          std::max(out->sums.max_fp, row.classification->confidence);
    }
    if (has_label) ++m.fn;
  }
  m.tn = (view.g.num_gt == 0 && kept == 0 && !has_label && !has_answer) ? 1 : 0;
}

GroupMetrics EvaluateGroup(const GroupView& view, const MetricsOptions& options,
                           double t, MatchScratch& scratch) {
  GroupMetrics out;
  // Predictions are by confidence descending: the kept ones are a prefix.
  uint32_t kept = 0;
  for (uint32_t p = 0; p < view.g.num_pred; ++p) {
    const double c = view.pred(p).confidence;
    out.sums.conf.Add(c);
    if (c >= options.confidence_threshold) kept = p + 1;
  }
  const int64_t labelbox_tp = PairByIou(view, kept, t, scratch, &out);
  if (options.rule == MatchRule::kLabelbox) {
    CountLabelbox(view, kept, labelbox_tp, scratch, &out);
  } else {
    CountCoco(view, kept, t, options.max_detections, scratch, &out);
  }
  CountClassAnswers(view, kept, options.confidence_threshold, &out);
  Finish(out.sums, &out.m);
  return out;
}

}  // namespace

absl::StatusOr<RunMetrics> Evaluator::Compute(
    const MetricsOptions& options) const {
  SLICEKIT_RETURN_IF_ERROR(CheckOptions(options));
  if (options.iou_type != iou_type_) {
    return absl::InvalidArgumentError(
        "options.iou_type differs from the Evaluator's (create one per IoU "
        "type)");
  }
  const ModelRun& run = *run_;
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<double> class_threshold,
                            ClassThresholds(options, run.classes));
  RunMetrics out;
  out.rows.resize(run.rows.size());
  out.classes.reserve(groups_.size());
  out.class_begin.reserve(run.rows.size() + 1);
  MatchScratch scratch;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    const DataRow& row = run.rows[r];
    out.class_begin.push_back(out.classes.size());
    Metrics& rm = out.rows[r];
    Sums row_sums;
    int64_t groups_in_row = 0;
    for (size_t gi = row_group_begin_[r]; gi < row_group_begin_[r + 1]; ++gi) {
      const Group& g = groups_[gi];
      ++groups_in_row;
      const GroupView view{g, row, gt_order_.data() + g.gt_begin,
                           pred_order_.data() + g.pred_begin,
                           ious_.data() + g.iou_begin};
      GroupMetrics group =
          EvaluateGroup(view, options, class_threshold[g.class_index], scratch);
      rm.tp += group.m.tp;
      rm.fp += group.m.fp;
      rm.fn += group.m.fn;
      rm.tn += group.m.tn;
      row_sums.Merge(group.sums);
      out.classes.push_back({g.class_index, std::move(group.m)});
    }
    rm.tn += static_cast<int64_t>(run.classes.size()) - groups_in_row;
    Finish(row_sums, &rm);
  }
  out.class_begin.push_back(out.classes.size());
  return out;
}

absl::StatusOr<RunMetrics> ComputeMetrics(const ModelRun& run,
                                          const MetricsOptions& options) {
  SLICEKIT_ASSIGN_OR_RETURN(Evaluator e,
                            Evaluator::Create(&run, options.iou_type,
                                              options.threads));
  return e.Compute(options);
}

}  // namespace slicekit
