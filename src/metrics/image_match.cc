// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/metrics/image_match.h"

#include <algorithm>
#include <numeric>

#include "slicekit/metrics.h"

namespace slicekit::internal {

void MatchImage(const DataRow& row, double foreground_iou, int max_detections,
                ImageMatch* m) {
  const std::vector<Prediction>& preds = row.predictions;
  m->detections.resize(preds.size());
  std::iota(m->detections.begin(), m->detections.end(), 0u);
  // Stable, as Python's list.sort: equal confidences keep file order,
  // which decides both the max-detections cut and the matching.
  std::stable_sort(m->detections.begin(), m->detections.end(),
                   [&](uint32_t a, uint32_t b) {
                     return preds[a].confidence > preds[b].confidence;
                   });
  if (max_detections >= 0 &&
      m->detections.size() > static_cast<size_t>(max_detections)) {
    m->detections.resize(max_detections);
  }
  m->gts.clear();
  m->crowds.clear();
  for (uint32_t g = 0; g < row.ground_truths.size(); ++g) {
    (row.ground_truths[g].iscrowd ? m->crowds : m->gts).push_back(g);
  }
  const size_t nd = m->detections.size();
  const size_t ng = m->gts.size();
  m->iou.resize(nd * ng);
  for (size_t d = 0; d < nd; ++d) {
    const Box& box = preds[m->detections[d]].box;
    for (size_t g = 0; g < ng; ++g) {
      m->iou[d * ng + g] =
          CocoIou(box, row.ground_truths[m->gts[g]].box, /*crowd=*/false);
    }
  }
  m->state.assign(nd, DetectionState::kUnmatched);
  m->matched_gt.assign(nd, -1);
  m->matched_by.assign(ng, -1);
  for (size_t d = 0; d < nd; ++d) {
    const int32_t cls = preds[m->detections[d]].class_index;
    // argmax over the class-masked IoUs of the GTs not yet taken (taken
    // and other-class columns read as 0), first index on ties.
    double best = 0;
    int32_t best_g = 0;
    for (size_t g = 0; g < ng; ++g) {
      const bool open = m->matched_by[g] < 0 &&
                        row.ground_truths[m->gts[g]].class_index == cls;
      const double v = open ? m->Iou(d, g) : 0.0;
      if (v > best) {
        best = v;
        best_g = static_cast<int32_t>(g);
      }
    }
    if (ng > 0 && best >= foreground_iou) {
      m->state[d] = DetectionState::kMatched;
      m->matched_gt[d] = best_g;
      m->matched_by[best_g] = static_cast<int32_t>(d);
    }
  }
  for (uint32_t c : m->crowds) {
    const GroundTruth& crowd = row.ground_truths[c];
    for (size_t d = 0; d < nd; ++d) {
      if (m->state[d] == DetectionState::kMatched) continue;
      const Prediction& p = preds[m->detections[d]];
      if (p.class_index != crowd.class_index) continue;
      if (CocoIou(p.box, crowd.box, /*crowd=*/true) > foreground_iou) {
        m->state[d] = DetectionState::kIgnored;
      }
    }
  }
}

}  // namespace slicekit::internal
