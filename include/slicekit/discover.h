// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Slice discovery: the conjunctions of metadata predicates where a model
// errs most, found exactly as SliceLine (Sagadeeva & Boehm, SIGMOD 2021)
// defines them. Each result is an ordinary filter, ready to save as a
// slice. Definitions: docs/slices.md#slice-discovery.
#ifndef SLICEKIT_DISCOVER_H_
#define SLICEKIT_DISCOVER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "slicekit/slice_store.h"
#include "slicekit/table.h"

namespace slicekit {

struct DiscoverOptions {
  // The per-row error: an arithmetic expression over int and float columns
  // (+ - * /, unary -, parentheses, numbers, coalesce(a, b); columns as in
  // filters, e.g. fp[car]). NULL propagates, x / 0 is NULL, and rows whose
  // error is NULL are left out. Every other error must be finite and >= 0.
  std::string error = "fp + fn";
  // The columns to slice by. Empty: every categorical, int and float column
  // except data_row_id, the standard metric columns (tp fp fn tn precision
  // recall f1 iou confidence min_confidence max_confidence
  // max_fp_confidence), per-class columns (`name[class]`) and the columns
  // the error expression reads. Listed here, any of those but data_row_id
  // may be a feature.
  std::vector<std::string> features;
  // Equi-depth bins per int or float feature, in [1, 1000].
  int bins = 10;
  // Predicates per slice (L), at least 1.
  int max_predicates = 3;
  // Slices returned (K), at least 1.
  int top_k = 10;
  // Rows a slice needs (SliceLine's sigma), at least 1.
  int64_t min_support = 32;
  // SliceLine's alpha in [0, 1]: 1 ranks by error alone, lower values
  // favour larger slices.
  double alpha = 0.95;
};

// A slice found by DiscoverSlices(): a conjunction of predicates, one per
// feature, in feature order: `col = 'v'` (categorical), `col BETWEEN lo AND
// hi` or `col = v` (a numeric bin), `col IS NULL`.
struct DiscoveredSlice {
  Expr filter;
  int num_predicates = 0;
  int64_t size = 0;       // rows
  double error_sum = 0;   // sum of their errors, in row order
  double mean_error = 0;  // error_sum / size
  double max_error = 0;
  // alpha * (mean_error / average_error - 1) - (1 - alpha) * (n / size - 1)
  double score = 0;

  // The spec to save it with SliceStore::Create(): `name`, the filter, and
  // a description with its size, mean error and score.
  SliceSpec ToSliceSpec(absl::string_view name) const;
};

// What the search did, for reports and benchmarks.
struct DiscoveryStats {
  int64_t rows = 0;                // n: live rows with an error
  int64_t rows_without_error = 0;  // live rows whose error is NULL
  double total_error = 0;
  double average_error = 0;  // total_error / rows
  std::vector<std::string> features;
  // Predicates over all features (every value and bin, NULL included),
  // before the support threshold.
  int64_t predicates = 0;
  // Conjunctions of at most max_predicates predicates on distinct
  // features: what a brute-force search scores.
  double brute_force_slices = 0;
  struct Level {
    int level = 0;
    int64_t candidates = 0;  // generated from pairs of level - 1 slices
    int64_t pruned = 0;      // dropped by the size or score bound
    int64_t evaluated = 0;   // sizes and errors computed
  };
  std::vector<Level> levels;
  int64_t evaluated = 0;  // over all levels
};

// A slice that scored at most 0 at the options' alpha, with what would
// rank it.
struct NearMiss {
  DiscoveredSlice slice;  // its score at the options' alpha (<= 0)
  // The slice scores above 0 at every alpha above this one (SliceLine's
  // score is linear in alpha: alpha > s / (e + s) with e = mean_error /
  // average_error - 1 and s = n / size - 1).
  double alpha_to_rank = 1;
};

struct DiscoveryResult {
  // At most top_k slices with size >= min_support and score > 0, by score
  // descending, then fewer predicates, then filter text byte-wise: the same
  // list an exhaustive search gives.
  std::vector<DiscoveredSlice> slices;
  DiscoveryStats stats;
  // Only when `slices` is empty: why, in one sentence a user can act on
  // (what scored, and what --alpha / --min-support would change).
  std::string nothing_found;
  // Only when `slices` is empty: the best candidates by mean error (the
  // top_k that alpha 1 ranks, each with size >= min_support and a mean
  // error above the average), with their scores at the options' alpha.
  std::vector<NearMiss> near_misses;
};

// Finds the top slices of `table`'s live rows. Level-wise search over
// conjunctions (SliceLine's lattice): a slice of L predicates is built only
// from slices of L - 1 that survived, and pruned without evaluation when
// its size bound is below min_support or its score upper bound cannot
// reach the current K-th score. Exact: the result equals an exhaustive
// enumeration's. One thread; the table is read once into compact arrays.
//
// Errors: InvalidArgument for an option out of range, a bad error
// expression (with the byte offset), a non-numeric column in it, an error
// that is negative or not finite (naming the data_row_id), a feature
// listed twice or the id column as a feature; NotFound for an unknown
// column.
absl::StatusOr<DiscoveryResult> DiscoverSlices(
    const Table& table, const DiscoverOptions& options = {});

}  // namespace slicekit

#endif  // SLICEKIT_DISCOVER_H_
