// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The auto-generated slices offered for any table with the metric columns:
// read-only, not saved, not counted against an org's 100 slices (saving one
// as a user slice, via AutoSliceSpec() and SliceStore::Create(), does
// count).
#ifndef SLICEKIT_AUTO_SLICES_H_
#define SLICEKIT_AUTO_SLICES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"
#include "slicekit/schema.h"
#include "slicekit/slice_store.h"

namespace slicekit {

// One auto-generated slice: a name, a filter and an order. A value type.
struct AutoSlice {
  std::string name;         // "True positives", ...; a valid slice name
  std::string description;  // one sentence on what the slice holds
  Expr filter;
  std::vector<OrderBy> order_by;  // ties break by data_row_id ascending
};

// Returns the auto-generated slices whose columns `schema` has, as numeric
// (int or float) columns, in this order:
//
//   name                 filter                   order
//   True positives       tp >= 1                  tp desc
//   True negatives       tn >= 1                  tn desc
//   False positives      fp >= 1                  fp desc
//   False negatives      fn >= 1                  fn desc
//   Low precision        precision IS NOT NULL    precision asc
//   Low recall           recall IS NOT NULL       recall asc
//   Low F1               f1 IS NOT NULL           f1 asc
//   Low confidence       confidence IS NOT NULL   confidence asc
//   Candidate mislabels  fp >= 1                  max_fp_confidence desc,
//                                                 confidence desc
//   Label issues         label_issue_score        label_issue_score desc
//                          IS NOT NULL
//
// The low-* slices are ascending, lowest first: that is what "low" means
// (the Labelbox docs this table comes from say "descending"; a descending
// "Low precision" would show the best rows first).
//
// Candidate mislabels needs `fp` and at least one of `max_fp_confidence` and
// `confidence`. Without `max_fp_confidence` (the generated and standard
// tables lack it) it falls back to `confidence` desc: a row's confidence
// stands in for its most confident false positive's, so confident rows with
// false positives still come first. Without `confidence` the second key is
// dropped. Label issues needs `label_issue_score`, the column a metrics
// table has with MetricsTableOptions::label_issues (label_issues.h: swapped
// classes, overlooked and badly located boxes); Candidate mislabels, which
// mixes the model's errors with the labels', stays beside it. Every order ends
// with data_row_id ascending (OrderRows' tie break), so the order is total.
std::vector<AutoSlice> AutoSlices(const Schema& schema);

// Returns `auto_slice` as the spec SliceStore::Create() takes to save it
// as a user slice: the same name, description, filter and order. Saved, it
// is an ordinary slice (it counts against the org's 100; its name must be
// free in the org).
SliceSpec AutoSliceSpec(const AutoSlice& auto_slice);

}  // namespace slicekit

#endif  // SLICEKIT_AUTO_SLICES_H_
