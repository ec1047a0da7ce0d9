// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/metrics/coco_oks.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace slicekit::internal {
namespace {

// numpy.spacing(1).
constexpr double kSpacingOne = 0x1p-52;

// numpy's pairwise summation of a float64 array as np.sum runs it (below
// its 128-element block: eight accumulators, then the rest in order).
double NumpySum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  double r[8];
  for (int j = 0; j < 8; ++j) r[j] = a[j];
  size_t i = 8;
  for (; i < n - (n % 8); i += 8) {
    for (int j = 0; j < 8; ++j) r[j] += a[i + j];
  }
  double res =
      ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < n; ++i) res += a[i];
  return res;
}

}  // namespace

double CocoOks(const Prediction& d, const GroundTruth& g,
               const std::vector<double>& sigmas) {
  const size_t k = sigmas.size();
  const std::vector<double>& gk = g.keypoints;
  const std::vector<double>& dk = d.keypoints;
  size_t visible = 0;
  for (size_t j = 0; j < k; ++j) visible += gk[3 * j + 2] > 0;
  const Box& bb = g.box;
  const double x0 = bb.x - bb.w, x1 = bb.x + bb.w * 2;
  const double y0 = bb.y - bb.h, y1 = bb.y + bb.h * 2;
  const double area = g.area.value_or(bb.w * bb.h) + kSpacingOne;
  std::vector<double> terms;
  terms.reserve(k);
  for (size_t j = 0; j < k; ++j) {
    if (visible > 0 && !(gk[3 * j + 2] > 0)) continue;
    const double xd = dk[3 * j], yd = dk[3 * j + 1];
    double dx, dy;
    if (visible > 0) {
      dx = xd - gk[3 * j];
      dy = yd - gk[3 * j + 1];
    } else {
      dx = std::max(0.0, x0 - xd) + std::max(0.0, xd - x1);
      dy = std::max(0.0, y0 - yd) + std::max(0.0, yd - y1);
    }
    const double s = sigmas[j] * 2;
    const double e = (dx * dx + dy * dy) / (s * s) / area / 2;
    terms.push_back(std::exp(-e));
  }
  return NumpySum(terms.data(), terms.size()) /
         static_cast<double>(terms.size());
}

}  // namespace slicekit::internal
