// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/compare/bootstrap.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "src/util/status_macros.h"

namespace slicekit::internal {
namespace {

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

bool IsAp(CompareMetric m) {
  return m == CompareMetric::kAp || m == CompareMetric::kAp50 ||
         m == CompareMetric::kAp75;
}

double ApOf(const CocoApStats& stats, CompareMetric m) {
  const double v = m == CompareMetric::kAp     ? stats.ap
                   : m == CompareMetric::kAp50 ? stats.ap50
                                               : stats.ap75;
  return v < 0 ? kUndefined : v;
}

double Ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : kUndefined;
}

double RateOf(double tp, double fp, double fn, CompareMetric m) {
  switch (m) {
    case CompareMetric::kPrecision:
      return Ratio(tp, tp + fp);
    case CompareMetric::kRecall:
      return Ratio(tp, tp + fn);
    default:
      return Ratio(2 * tp, 2 * tp + fp + fn);
  }
}

// What one weighting of one slice needs computed, and the answers.
class SliceEvaluation {
 public:
  SliceEvaluation(const PairedData& data, const BootstrapSlice& slice,
                  const std::vector<CompareMetric>& metrics)
      : data_(data), slice_(slice), metrics_(metrics) {
    for (CompareMetric m : metrics) {
      (IsAp(m) ? needs_ap_ : needs_counts_) = true;
    }
  }

  // `weights` covers every image.
  void Run(const std::vector<uint32_t>& weights, std::vector<MetricPair>* out) {
    CocoApStats base_ap, new_ap;
    if (needs_ap_) {
      const CocoEvaluator& b =
          slice_.base_coco ? *slice_.base_coco : *data_.base_coco;
      const CocoEvaluator& n =
          slice_.new_coco ? *slice_.new_coco : *data_.new_coco;
      // The sizes match by construction.
      base_ap = *b.EvaluateWeighted(weights);
      new_ap = *n.EvaluateWeighted(weights);
    }
    double sums[2][3] = {};
    if (needs_counts_) {
      for (uint32_t i : slice_.members) {
        const double w = weights[i];
        if (w == 0) continue;
        const RowCounts& b = data_.base_counts[i];
        const RowCounts& n = data_.new_counts[i];
        sums[0][0] += w * static_cast<double>(b.tp);
        sums[0][1] += w * static_cast<double>(b.fp);
        sums[0][2] += w * static_cast<double>(b.fn);
        sums[1][0] += w * static_cast<double>(n.tp);
        sums[1][1] += w * static_cast<double>(n.fp);
        sums[1][2] += w * static_cast<double>(n.fn);
      }
    }
    out->resize(metrics_.size());
    for (size_t k = 0; k < metrics_.size(); ++k) {
      const CompareMetric m = metrics_[k];
      (*out)[k] =
          IsAp(m) ? MetricPair{ApOf(base_ap, m), ApOf(new_ap, m)}
                  : MetricPair{RateOf(sums[0][0], sums[0][1], sums[0][2], m),
                               RateOf(sums[1][0], sums[1][1], sums[1][2], m)};
    }
  }

 private:
  const PairedData& data_;
  const BootstrapSlice& slice_;
  const std::vector<CompareMetric>& metrics_;
  bool needs_ap_ = false;
  bool needs_counts_ = false;
};

}  // namespace

absl::StatusOr<BootstrapSlice> MakeBootstrapSlice(const PairedData& data,
                                                  const Selection& images,
                                                  bool restrict_ap) {
  BootstrapSlice slice;
  images.ForEach([&](RowIndex i) { slice.members.push_back(i); });
  if (restrict_ap) {
    SLICEKIT_ASSIGN_OR_RETURN(slice.base_coco,
                              data.base_coco->Restrict(images));
    SLICEKIT_ASSIGN_OR_RETURN(slice.new_coco, data.new_coco->Restrict(images));
  }
  return slice;
}

std::vector<MetricPair> PointEstimates(
    const PairedData& data, const BootstrapSlice& slice,
    const std::vector<CompareMetric>& metrics) {
  std::vector<uint32_t> weights(data.num_images, 0);
  for (uint32_t i : slice.members) weights[i] = 1;
  std::vector<MetricPair> out;
  SliceEvaluation(data, slice, metrics).Run(weights, &out);
  return out;
}

ResampleDeltas Resample(const PairedData& data,
                        const std::vector<BootstrapSlice>& slices,
                        const std::vector<CompareMetric>& metrics,
                        int64_t resamples, uint64_t seed, int threads) {
  ResampleDeltas deltas(slices.size());
  for (size_t s = 0; s < slices.size(); ++s) {
    if (!slices[s].resample) continue;
    deltas[s].assign(metrics.size(),
                     std::vector<double>(static_cast<size_t>(resamples)));
  }
  std::atomic<int64_t> next{0};
  auto work = [&] {
    std::vector<SliceEvaluation> evaluations;
    for (const BootstrapSlice& slice : slices) {
      evaluations.emplace_back(data, slice, metrics);
    }
    std::vector<MetricPair> values;
    for (int64_t b = next++; b < resamples; b = next++) {
      const std::vector<uint32_t> weights =
          BootstrapMultiplicities(seed, b, data.num_images);
      for (size_t s = 0; s < slices.size(); ++s) {
        if (!slices[s].resample) continue;
        evaluations[s].Run(weights, &values);
        for (size_t m = 0; m < metrics.size(); ++m) {
          deltas[s][m][static_cast<size_t>(b)] =
              values[m].new_value - values[m].base;
        }
      }
    }
  };
  const int64_t workers =
      std::clamp<int64_t>(threads, 1, std::max<int64_t>(resamples, 1));
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return deltas;
}

}  // namespace slicekit::internal
