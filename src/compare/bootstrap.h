// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the paired bootstrap's engine. Per resample one multiplicity
// per image (BootstrapMultiplicities), shared by every slice and both runs;
// per slice the metrics of both runs under those weights: AP from the
// slice's own restricted CocoEvaluators (EvaluateWeighted), the rates from
// weighted sums of the rows' counts. Resamples run on several threads,
// each writing only its own resamples' slots, so the answer does not
// depend on the number of threads.
#ifndef SLICEKIT_SRC_COMPARE_BOOTSTRAP_H_
#define SLICEKIT_SRC_COMPARE_BOOTSTRAP_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "slicekit/average_precision.h"
#include "slicekit/compare.h"
#include "slicekit/selection.h"
#include "src/compare/paired_data.h"

namespace slicekit::internal {

// One slice's images, ready for the bootstrap.
struct BootstrapSlice {
  std::vector<uint32_t> members;  // image indexes, ascending
  // The runs' evaluators restricted to the members (unset: use the
  // PairedData's, for all data; or no AP metric).
  std::optional<CocoEvaluator> base_coco;
  std::optional<CocoEvaluator> new_coco;
  bool resample = true;  // false: point estimates only (too small)
};

// Builds a slice of `images` (over data.num_images), restricting the
// evaluators when `restrict_ap`.
absl::StatusOr<BootstrapSlice> MakeBootstrapSlice(const PairedData& data,
                                                  const Selection& images,
                                                  bool restrict_ap);

// A metric in both runs; NaN where undefined.
struct MetricPair {
  double base;
  double new_value;
};

// The metrics of both runs on `slice` with every member weighted 1: by
// metric, in `metrics` order.
std::vector<MetricPair> PointEstimates(
    const PairedData& data, const BootstrapSlice& slice,
    const std::vector<CompareMetric>& metrics);

// deltas[s][m][b]: new - base of metric m on slice s in resample b (NaN
// where undefined in either run; empty for a slice not resampled).
using ResampleDeltas = std::vector<std::vector<std::vector<double>>>;
ResampleDeltas Resample(const PairedData& data,
                        const std::vector<BootstrapSlice>& slices,
                        const std::vector<CompareMetric>& metrics,
                        int64_t resamples, uint64_t seed, int threads);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_COMPARE_BOOTSTRAP_H_
