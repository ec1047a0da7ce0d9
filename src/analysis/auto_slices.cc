// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/auto_slices.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace slicekit {
namespace {

bool HasNumeric(const Schema& schema, absl::string_view name) {
  const std::optional<int> index = schema.Find(name);
  if (!index.has_value()) return false;
  const ColumnType type = schema.column(*index).type;
  return type == ColumnType::kInt || type == ColumnType::kFloat;
}

}  // namespace

std::vector<AutoSlice> AutoSlices(const Schema& schema) {
  std::vector<AutoSlice> slices;
  struct Count {
    const char* column;
    const char* name;
    const char* description;
  };
  static constexpr Count kCounts[] = {
      {"tp", "True positives",
       "Rows with at least one true positive, most first."},
      {"tn", "True negatives",
       "Rows with at least one true negative, most first."},
      {"fp", "False positives",
       "Rows with at least one false positive, most first."},
      {"fn", "False negatives",
       "Rows with at least one false negative, most first."},
  };
  for (const Count& count : kCounts) {
    if (!HasNumeric(schema, count.column)) continue;
    slices.push_back(AutoSlice{count.name,
                               count.description,
                               Col(count.column) >= 1,
                               {OrderBy{count.column, /*descending=*/true}}});
  }
  struct Low {
    const char* column;
    const char* name;
    const char* description;
  };
  static constexpr Low kLows[] = {
      {"precision", "Low precision", "Rows with a precision, lowest first."},
      {"recall", "Low recall", "Rows with a recall, lowest first."},
      {"f1", "Low F1", "Rows with an F1 score, lowest first."},
      {"confidence", "Low confidence", "Rows with a confidence, lowest first."},
  };
  for (const Low& low : kLows) {
    if (!HasNumeric(schema, low.column)) continue;
    slices.push_back(AutoSlice{low.name,
                               low.description,
                               Col(low.column).IsNotNull(),
                               {OrderBy{low.column, /*descending=*/false}}});
  }
  if (HasNumeric(schema, "fp")) {
    std::vector<OrderBy> order;
    if (HasNumeric(schema, "max_fp_confidence")) {
      order.push_back(OrderBy{"max_fp_confidence", true});
    }
    if (HasNumeric(schema, "confidence")) {
      order.push_back(OrderBy{"confidence", true});
    }
    if (!order.empty()) {
      slices.push_back(AutoSlice{
          "Candidate mislabels",
          "Rows with false positives the model was most confident in, "
          "first: likely label errors.",
          Col("fp") >= 1, std::move(order)});
    }
  }
  // The column MetricsTableOptions::label_issues adds (metrics.h's
  // kLabelIssueScoreColumn; analysis does not depend on metrics).
  if (HasNumeric(schema, "label_issue_score")) {
    slices.push_back(AutoSlice{
        "Label issues",
        "Rows whose labels look wrong (a swapped class, a missing or a badly "
        "drawn box), the likeliest first.",
        Col("label_issue_score").IsNotNull(),
        {OrderBy{"label_issue_score", /*descending=*/true}}});
  }
  return slices;
}

SliceSpec AutoSliceSpec(const AutoSlice& auto_slice) {
  SliceSpec spec;
  spec.name = auto_slice.name;
  spec.description = auto_slice.description;
  spec.filter = auto_slice.filter;
  spec.order_by = auto_slice.order_by;
  return spec;
}

}  // namespace slicekit
