// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Where the new run got worse, unnamed: SliceLine (DiscoverSlices) over
// the per-row error difference. SliceLine needs errors >= 0, so the
// difference is shifted by its minimum; a slice's mean shifted error is
// above the average exactly when its mean difference is, so the slices it
// looks for (error above average, large) are unchanged, and the shift
// is subtracted again from what is reported.
#include "src/compare/discover_deltas.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "slicekit/column_reader.h"
#include "slicekit/scan.h"
#include "slicekit/schema.h"
#include "src/util/status_macros.h"

namespace slicekit::internal {
namespace {

constexpr char kBaseErrors[] = "base_errors";
constexpr char kNewErrors[] = "new_errors";

// The base table's columns discovery may slice by: not the id, a metric
// column, a per-class column or a name this table uses itself.
std::vector<int> FeatureColumns(const Schema& schema) {
  const std::vector<std::string>& metrics = MetricColumnNames();
  std::vector<int> out;
  for (int c = 0; c < schema.num_columns(); ++c) {
    const std::string& name = schema.column(c).name;
    if (c == schema.id_column() || absl::StrContains(name, "[") ||
        std::find(metrics.begin(), metrics.end(), name) != metrics.end() ||
        name == kBaseErrors || name == kNewErrors) {
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void CopyValue(const ColumnVector& from, size_t i, int to, Batch& batch) {
  if (!from.IsValid(i)) {
    batch.AppendNull(to);
    return;
  }
  switch (from.type()) {
    case ColumnType::kFloat:
      batch.AppendFloat(to, from.floats()[i]);
      break;
    case ColumnType::kInt:
      batch.AppendInt(to, from.ints()[i]);
      break;
    case ColumnType::kCategorical:
    case ColumnType::kId:
      batch.AppendString(to, from.StringAt(i));
      break;
  }
}

int64_t Errors(const RowCounts& c) { return c.fp + c.fn; }

}  // namespace

absl::StatusOr<std::vector<DiscoveredDelta>> DiscoverDeltas(
    const Table& base_table, const std::vector<int64_t>& image_of_row,
    const PairedData& data, const DiscoverOptions& options) {
  const Schema& schema = base_table.schema();
  std::vector<int> columns = {schema.id_column()};
  const std::vector<int> features = FeatureColumns(schema);
  columns.insert(columns.end(), features.begin(), features.end());
  std::vector<ColumnSpec> specs;
  for (int c : columns) specs.push_back(schema.column(c));
  specs.push_back({kBaseErrors, ColumnType::kInt});
  specs.push_back({kNewErrors, ColumnType::kInt});
  SLICEKIT_ASSIGN_OR_RETURN(Schema table_schema, Schema::Create(specs));
  SLICEKIT_ASSIGN_OR_RETURN(const TableReader reader,
                            TableReader::Make(base_table, columns));
  Batch batch(table_schema);
  std::vector<uint32_t> image_of;  // by row of the discovery table
  int64_t lowest = 0;
  reader.ForEachBatch([&](const RowBatch& rows) {
    rows.ForEachRow([&](size_t i) {
      const int64_t image = image_of_row[rows.first_row() + i];
      if (image < 0) return;
      for (size_t k = 0; k < columns.size(); ++k) {
        CopyValue(rows.column(k), i, static_cast<int>(k), batch);
      }
      const int64_t base = Errors(data.base_counts[image]);
      const int64_t fresh = Errors(data.new_counts[image]);
      batch.AppendInt(static_cast<int>(columns.size()), base);
      batch.AppendInt(static_cast<int>(columns.size()) + 1, fresh);
      lowest = std::min(lowest, fresh - base);
      image_of.push_back(static_cast<uint32_t>(image));
    });
  });
  SLICEKIT_ASSIGN_OR_RETURN(Table table, Table::Create(table_schema));
  SLICEKIT_RETURN_IF_ERROR(table.Append(batch));

  DiscoverOptions discover = options;
  const int64_t shift = -lowest;
  discover.error = absl::StrCat(kNewErrors, " - ", kBaseErrors, " + ", shift);
  SLICEKIT_ASSIGN_OR_RETURN(DiscoveryResult found,
                            DiscoverSlices(table, discover));
  std::vector<DiscoveredDelta> out;
  for (DiscoveredSlice& slice : found.slices) {
    DiscoveredDelta delta;
    delta.mean_error_delta = slice.mean_error - static_cast<double>(shift);
    if (!(delta.mean_error_delta > 0)) continue;
    if (data.base_coco) {
      SLICEKIT_ASSIGN_OR_RETURN(const Selection rows,
                                Filter(table, slice.filter));
      std::vector<uint32_t> weights(data.num_images, 0);
      rows.ForEach([&](RowIndex r) { weights[image_of[r]] = 1; });
      SLICEKIT_ASSIGN_OR_RETURN(const CocoApStats b,
                                data.base_coco->EvaluateWeighted(weights));
      SLICEKIT_ASSIGN_OR_RETURN(const CocoApStats n,
                                data.new_coco->EvaluateWeighted(weights));
      if (b.ap >= 0 && n.ap >= 0) delta.ap_delta = n.ap - b.ap;
    }
    delta.slice = std::move(slice);
    out.push_back(std::move(delta));
  }
  return out;
}

}  // namespace slicekit::internal
