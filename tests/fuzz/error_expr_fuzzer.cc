// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Fuzzes slice discovery's error expression (src/analysis/error_expr.h):
//  - Parse either succeeds or returns InvalidArgument;
//  - Evaluate against a fixed table (int, float and categorical columns
//    with NULLs, a per-class column, a name that needs quoting, two chunks)
//    succeeds or returns NotFound / InvalidArgument;
//  - a parsed expression E evaluates like `(E)`, and `coalesce((E), 7)` is
//    E where E is not NULL and 7 elsewhere, on every row.
// Any violation aborts, which libFuzzer reports as a crash.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "slicekit/schema.h"
#include "slicekit/table.h"
#include "src/analysis/error_expr.h"
#include "tests/fuzz/fail.h"

namespace slicekit {
namespace {

constexpr absl::string_view kTarget = "error_expr_fuzzer";

const Table& FuzzTable() {
  static const Table* const table = [] {
    absl::StatusOr<Schema> schema = Schema::Create({
        {std::string(kDataRowIdColumn), ColumnType::kId},
        {"fp", ColumnType::kInt},
        {"fn", ColumnType::kInt},
        {"f1", ColumnType::kFloat},
        {"fp[car]", ColumnType::kInt},
        {"my col", ColumnType::kFloat},
        {"split", ColumnType::kCategorical},
    });
    if (!schema.ok()) fuzz::Fail(kTarget, "schema", schema.status().ToString());
    absl::StatusOr<Table> t = Table::Create(*schema, {.chunk_rows = 64});
    if (!t.ok()) fuzz::Fail(kTarget, "table", t.status().ToString());
    Batch batch(*schema);
    for (int r = 0; r < 100; ++r) {
      batch.AppendString(0, absl::StrCat("r", r));
      r % 7 == 3 ? batch.AppendNull(1) : batch.AppendInt(1, r % 4);
      batch.AppendInt(2, r % 3 - 1);
      r % 5 == 0 ? batch.AppendNull(3) : batch.AppendFloat(3, r / 100.0f);
      batch.AppendInt(4, r % 2 ? 1000000000000LL : -7);
      batch.AppendFloat(5, r % 11 == 0 ? 0.0f : 1e30f);
      batch.AppendString(6, r % 2 ? "train" : "val");
    }
    const absl::Status s = t->Append(batch);
    if (!s.ok()) fuzz::Fail(kTarget, "append", s.ToString());
    return new Table(*std::move(t));
  }();
  return *table;
}

struct Values {
  std::vector<double> values;
  std::vector<uint8_t> valid;
};

bool Same(double a, double b) {
  return a == b || (std::isnan(a) && std::isnan(b));
}

void Check(absl::string_view text) {
  absl::StatusOr<internal::ErrorExpr> e = internal::ErrorExpr::Parse(text);
  if (!e.ok()) {
    if (!absl::IsInvalidArgument(e.status())) {
      fuzz::Fail(kTarget, "parse error is not InvalidArgument", text,
                 e.status().ToString());
    }
    return;
  }
  const Table& table = FuzzTable();
  Values got;
  const absl::Status s = e->Evaluate(table, &got.values, &got.valid);
  if (!s.ok()) {
    if (!absl::IsNotFound(s) && !absl::IsInvalidArgument(s)) {
      fuzz::Fail(kTarget, "unexpected evaluation error", text, s.ToString());
    }
    return;
  }
  if (got.values.size() != table.num_rows() ||
      got.valid.size() != table.num_rows()) {
    fuzz::Fail(kTarget, "result size", text, "");
  }
  for (const std::string& variant :
       {absl::StrCat("(", text, ")"),
        absl::StrCat("coalesce((", text, "), 7)")}) {
    absl::StatusOr<internal::ErrorExpr> v = internal::ErrorExpr::Parse(variant);
    if (!v.ok()) {
      // Only the nesting limit can reject what parsed without the wrapper.
      if (v.status().message().find("nested deeper") == std::string::npos) {
        fuzz::Fail(kTarget, "a wrapped expression does not parse", variant,
                   v.status().ToString());
      }
      continue;
    }
    Values w;
    const absl::Status ws = v->Evaluate(table, &w.values, &w.valid);
    if (!ws.ok())
      fuzz::Fail(kTarget, "wrapped evaluation", variant, ws.ToString());
    const bool coalesce = variant[0] == 'c';
    for (size_t r = 0; r < got.values.size(); ++r) {
      const bool want_valid = coalesce || got.valid[r];
      const double want =
          got.valid[r] ? got.values[r] : (coalesce ? 7.0 : w.values[r]);
      if (static_cast<bool>(w.valid[r]) != want_valid ||
          (want_valid && !Same(w.values[r], want))) {
        fuzz::Fail(kTarget, "wrapped expression differs", variant,
                   absl::StrCat("row ", r));
      }
    }
  }
}

}  // namespace
}  // namespace slicekit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  slicekit::Check(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
