// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/compare/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace slicekit::internal {

double Quantile(const std::vector<double>& sorted, double p) {
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  const double frac = h - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

std::pair<double, double> PercentileInterval(const std::vector<double>& sorted,
                                             double confidence) {
  return {Quantile(sorted, (1 - confidence) / 2),
          Quantile(sorted, (1 + confidence) / 2)};
}

double BootstrapPValue(double delta, const std::vector<double>& deltas) {
  if (delta == 0) return 1;
  double mean = 0;
  for (double d : deltas) mean += d;
  mean /= static_cast<double>(deltas.size());
  double squares = 0;
  for (double d : deltas) squares += (d - mean) * (d - mean);
  const double se =
      deltas.size() > 1
          ? std::sqrt(squares / static_cast<double>(deltas.size() - 1))
          : 0;
  if (!(se > 0)) return 0;
  return std::erfc(std::abs(delta) / se / std::sqrt(2.0));
}

double BootstrapTailPValue(const std::vector<double>& deltas) {
  int64_t at_most_zero = 0, at_least_zero = 0;
  for (double d : deltas) {
    at_most_zero += d <= 0;
    at_least_zero += d >= 0;
  }
  const double tail =
      static_cast<double>(1 + std::min(at_most_zero, at_least_zero));
  return std::min(1.0, 2 * tail / static_cast<double>(std::ssize(deltas) + 1));
}

double McNemarExactP(int64_t worse, int64_t better) {
  const int64_t n = worse + better;
  if (n == 0) return 1;
  const int64_t k = std::min(worse, better);
  // P(X <= k) for X ~ Binomial(n, 1/2), term by term in logs (n may be
  // millions), summed from the largest term down so small ones still add.
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  const double log_n1 = std::lgamma(static_cast<double>(n) + 1);
  double sum = 0;
  for (int64_t i = k; i >= 0; --i) {
    const double log_term = log_n1 - std::lgamma(static_cast<double>(i) + 1) -
                            std::lgamma(static_cast<double>(n - i) + 1) +
                            log_half_n;
    const double term = std::exp(log_term);
    sum += term;
    if (term < sum * 1e-17) break;  // the rest cannot change the sum
  }
  return std::min(1.0, 2 * sum);
}

std::vector<double> BenjaminiHochberg(const std::vector<double>& p) {
  const size_t m = p.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> q(m);
  double running = 1;
  for (size_t i = m; i-- > 0;) {
    const double adjusted =
        p[order[i]] * static_cast<double>(m) / static_cast<double>(i + 1);
    running = std::min(running, adjusted);
    q[order[i]] = running;
  }
  return q;
}

Verdict DecideVerdict(double q_value, std::pair<double, double> ci, double fdr,
                      double tolerance) {
  if (q_value <= fdr && ci.second < -tolerance) return Verdict::kRegression;
  if (q_value <= fdr && ci.first > tolerance) return Verdict::kImprovement;
  return Verdict::kNoChange;
}

}  // namespace slicekit::internal
