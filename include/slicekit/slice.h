// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#ifndef SLICEKIT_SLICE_H_
#define SLICEKIT_SLICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "slicekit/expr.h"
#include "slicekit/order.h"

namespace slicekit {

// A saved, named, dynamic filter over a model run's rows: membership is the
// filter applied to the table as it is now. A value type.
struct Slice {
  std::string id;                 // stable, unique in the store, never reused
  std::string org;                // the organisation owning it
  std::string name;               // NFC-normalized, trimmed, 3-30 code points
  std::string description;        // optional (empty), at most 1,000 code points
  Expr filter;                    // stored as canonical text and as JSON
  std::vector<OrderBy> order_by;  // empty: by data_row_id
  absl::Time created_at;
  absl::Time updated_at;
  int64_t version = 1;  // +1 on every change in place
};

}  // namespace slicekit

#endif  // SLICEKIT_SLICE_H_
