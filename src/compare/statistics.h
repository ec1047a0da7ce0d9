// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the statistics of a comparison (docs/compare.md), plain
// functions of numbers so that the tests can check each against a
// hand-computed answer.
#ifndef SLICEKIT_SRC_COMPARE_STATISTICS_H_
#define SLICEKIT_SRC_COMPARE_STATISTICS_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "slicekit/compare.h"

namespace slicekit::internal {

// The p-quantile (0 <= p <= 1) of `sorted` (ascending, not empty) with
// linear interpolation between order statistics: numpy.quantile's default
// ("linear", Hyndman and Fan's type 7).
double Quantile(const std::vector<double>& sorted, double p);

// The percentile interval of `sorted` deltas at level `confidence`: the
// (1 - c) / 2 and (1 + c) / 2 quantiles.
std::pair<double, double> PercentileInterval(const std::vector<double>& sorted,
                                             double confidence);

// The two-sided p-value of "delta = 0" from bootstrap deltas: twice the
// smaller tail at 0, each tail counted with one more (the observed
// sample's) resample, 2 min(1 + #{d <= 0}, 1 + #{d >= 0}) / (B + 1),
// at most 1. Below alpha exactly when a percentile interval at about
// 1 - alpha leaves 0 out, so the p-value and the CI agree.
double BootstrapPValue(const std::vector<double>& deltas);

// McNemar's exact test: the two-sided binomial p-value of `worse` flips one
// way and `better` the other under p = 1/2: min(1, 2 P(X <= min)), X ~
// Binomial(worse + better, 1/2). 1 with no flips.
double McNemarExactP(int64_t worse, int64_t better);

// Benjamini-Hochberg q-values (adjusted p-values) of `p`, in its order:
// q_(i) = min over j >= i of m p_(j) / j, at most 1.
std::vector<double> BenjaminiHochberg(const std::vector<double>& p);

// The verdict rule (docs/compare.md#verdicts) for a tested result.
Verdict DecideVerdict(double q_value, std::pair<double, double> ci, double fdr,
                      double tolerance);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_COMPARE_STATISTICS_H_
