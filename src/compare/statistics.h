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

// The two-sided p-value of "delta = 0" from the observed delta and the
// bootstrap deltas: 2 Phi(-|delta| / se), se the resample deltas' standard
// deviation (the bootstrap's standard error). 1 when delta = 0, and 0 when
// delta != 0 and every resample gives the same delta. A smooth p-value, not
// a count of resamples past 0: a count can go no lower than 2 / (B + 1),
// and Benjamini-Hochberg over m tests flags a lone effect only at
// p <= fdr / m, which 1,000 resamples could not reach past 12 tests.
double BootstrapPValue(double delta, const std::vector<double>& deltas);

// The tail-count p-value, 2 min(1 + #{d <= 0}, 1 + #{d >= 0}) / (B + 1) at
// most 1, which agrees with the percentile interval: reported beside the
// other (CompareResult::p_tail), not adjusted or used for verdicts.
double BootstrapTailPValue(const std::vector<double>& deltas);

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
