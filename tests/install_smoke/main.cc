// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Install smoke test: builds a small table, parses a filter, scans it and
// orders the result through the installed package only. Exits non-zero when
// a call fails or a count differs from the one computed here by hand.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "slicekit/slicekit.h"

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "install_smoke: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main() {
  absl::StatusOr<slicekit::Schema> schema = slicekit::Schema::Create({
      {"data_row_id", slicekit::ColumnType::kId},
      {"confidence", slicekit::ColumnType::kFloat},
      {"fp", slicekit::ColumnType::kInt},
      {"split", slicekit::ColumnType::kCategorical},
  });
  if (!schema.ok()) return Fail(std::string(schema.status().message()));
  absl::StatusOr<slicekit::Table> table =
      slicekit::Table::Create(*schema, slicekit::TableOptions{64});
  if (!table.ok()) return Fail(std::string(table.status().message()));

  // 1000 rows; every 7th confidence is NULL. Count the expected matches of
  // the filter below as the rows are made.
  const char* const splits[] = {"train", "val", "test"};
  slicekit::Batch batch(*schema);
  size_t expected = 0;
  for (int i = 0; i < 1000; ++i) {
    const float confidence = static_cast<float>(i % 100) / 100.0f;
    const int64_t fp = i % 4;
    const char* split = splits[i % 3];
    batch.AppendString(0, "row" + std::to_string(i));
    if (i % 7 == 0) {
      batch.AppendNull(1);
    } else {
      batch.AppendFloat(1, confidence);
    }
    batch.AppendInt(2, fp);
    batch.AppendString(3, split);
    if (i % 7 != 0 && confidence < 0.5f && fp >= 1 && i % 3 != 0) ++expected;
  }
  if (absl::Status s = table->Append(batch); !s.ok()) {
    return Fail(std::string(s.message()));
  }

  absl::StatusOr<slicekit::Expr> expr = slicekit::ParseFilter(
      "confidence < 0.5 AND fp >= 1 AND split IN ('val', 'test')");
  if (!expr.ok()) return Fail(std::string(expr.status().message()));
  absl::StatusOr<slicekit::Selection> rows =
      slicekit::Filter(*table, *expr, slicekit::ScanOptions{2});
  if (!rows.ok()) return Fail(std::string(rows.status().message()));
  std::printf("count: %zu (expected %zu)\n", rows->Count(), expected);
  if (rows->Count() != expected) return Fail("wrong count");

  absl::StatusOr<std::vector<slicekit::RowIndex>> top = slicekit::OrderRows(
      *table, *rows, slicekit::OrderBy{"confidence", /*descending=*/true}, 0,
      3);
  if (!top.ok()) return Fail(std::string(top.status().message()));
  if (top->size() != 3) return Fail("top-3 has the wrong size");
  // The largest matching confidence is 0.49 (i = 49, 149, ... with fp >= 1).
  std::printf("top: %s\n",
              std::string(table->RowId((*top)[0]).value()).c_str());
  if (table->GetFloat((*top)[0], 1).value() != 0.49f)
    return Fail("wrong top row");
  return 0;
}
