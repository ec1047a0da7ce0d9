// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The summary of a set of rows: summed counts and micro metrics, overall and
// per class. Summarize() (slicekit/explore.h) computes one from a table; the
// store keeps them in snapshots (slicekit/slice_snapshot.h), so the type is
// the store's while computing it is analysis.
#ifndef SLICEKIT_SLICE_SUMMARY_H_
#define SLICEKIT_SLICE_SUMMARY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slicekit {

// The counts and micro metrics of one class, from the per-class count
// columns `tp[class]`, `fp[class]`, `fn[class]` (int columns; see
// docs/filter-language.md). A value type.
struct ClassSummary {
  std::string class_name;
  int64_t tp = 0;
  int64_t fp = 0;
  int64_t fn = 0;
  std::optional<double> precision;  // as SliceSummary's
  std::optional<double> recall;
  std::optional<double> f1;

  friend bool operator==(const ClassSummary&, const ClassSummary&) = default;
};

// Aggregate metrics of a set of rows. A value type.
//
// The counts are the sums of the `tp`, `fp`, `fn` int columns (a NULL count
// adds nothing); precision, recall and F1 are micro metrics computed from
// the summed counts: tp / (tp + fp), tp / (tp + fn) and
// 2 tp / (2 tp + fp + fn), each nullopt when its denominator is 0. The
// means are over the non-NULL values of the `confidence` and `iou` float
// columns, nullopt when there is none. A metric column the table lacks
// leaves its count 0 and the metrics that need it nullopt (no `tp`: every
// ratio is nullopt).
//
// Per-class counts: one ClassSummary per class that has at least one of
// the int columns `tp[class]`, `fp[class]`, `fn[class]`, sorted by class
// name (byte-wise), with the same rules; empty for a table without
// per-class columns.
struct SliceSummary {
  size_t rows = 0;  // live rows summarized
  int64_t tp = 0;
  int64_t fp = 0;
  int64_t fn = 0;
  std::optional<double> precision;
  std::optional<double> recall;
  std::optional<double> f1;
  std::optional<double> mean_confidence;
  std::optional<double> mean_iou;
  // The non-NULL values behind each mean, so that the summaries of disjoint
  // row sets (the partitions of a run) combine: counts add, and a combined
  // mean is sum(mean_i x count_i) / sum(count_i).
  size_t confidence_count = 0;
  size_t iou_count = 0;
  std::vector<ClassSummary> classes;

  friend bool operator==(const SliceSummary&, const SliceSummary&) = default;
};

}  // namespace slicekit

#endif  // SLICEKIT_SLICE_SUMMARY_H_
