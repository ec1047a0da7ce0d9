// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: COCO's object keypoint similarity, as pycocotools' computeOks.
// Never installed.
#ifndef SLICEKIT_SRC_METRICS_COCO_OKS_H_
#define SLICEKIT_SRC_METRICS_COCO_OKS_H_

#include <vector>

#include "slicekit/model_run.h"

namespace slicekit::internal {

// The OKS of a keypoint detection and a ground truth with sigmas.size()
// keypoints each (3 numbers per keypoint, checked by the caller), operation
// for operation as pycocotools' computeOks: with the ground truth's visible
// (v > 0) keypoints, the mean of exp(-d^2 / (2 s^2 (area + eps))) over
// them, where s = 2 sigma; without any, the distances to the box twice the
// ground truth's size around it. `area` is the annotation's (w * h of its
// box when absent). The sum follows numpy's pairwise order; exp is the C
// library's, which may differ from numpy's vectorized exp in the last bit
// (numpy's own result differs between CPUs that way).
double CocoOks(const Prediction& d, const GroundTruth& g,
               const std::vector<double>& sigmas);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_METRICS_COCO_OKS_H_
