// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Where the new run got worse, unnamed: SliceLine (DiscoverSlices) over
// the per-row error difference. SliceLine needs errors >= 0, and its score
// weighs a slice's mean error against the average, which for a difference
// is near 0 or negative; so it searches the errors the new run added on
// each row, max(0, new - base), and a slice is kept when its mean of the
// plain difference (errors added net of errors fixed) is > 0. (Shifting
// the difference by its minimum instead keeps the order of the means but
// shrinks the error term of the score by the shift, so that size wins and
// real regressions score below 0.)
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

constexpr char kAddedErrors[] = "added_errors";

// The base table's columns discovery may slice by: not the id, a metric
// column, a per-class column or a name this table uses itself.
std::vector<int> FeatureColumns(const Schema& schema) {
  const std::vector<std::string>& metrics = MetricColumnNames();
  std::vector<int> out;
  for (int c = 0; c < schema.num_columns(); ++c) {
    const std::string& name = schema.column(c).name;
    if (c == schema.id_column() || absl::StrContains(name, "[") ||
        std::find(metrics.begin(), metrics.end(), name) != metrics.end() ||
        name == kAddedErrors) {
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
  specs.push_back({kAddedErrors, ColumnType::kInt});
  SLICEKIT_ASSIGN_OR_RETURN(Schema table_schema, Schema::Create(specs));
  SLICEKIT_ASSIGN_OR_RETURN(const TableReader reader,
                            TableReader::Make(base_table, columns));
  Batch batch(table_schema);
  std::vector<uint32_t> image_of;  // by row of the discovery table
  reader.ForEachBatch([&](const RowBatch& rows) {
    rows.ForEachRow([&](size_t i) {
      const int64_t image = image_of_row[rows.first_row() + i];
      if (image < 0) return;
      for (size_t k = 0; k < columns.size(); ++k) {
        CopyValue(rows.column(k), i, static_cast<int>(k), batch);
      }
      const int64_t added =
          Errors(data.new_counts[image]) - Errors(data.base_counts[image]);
      batch.AppendInt(static_cast<int>(columns.size()),
                      std::max<int64_t>(added, 0));
      image_of.push_back(static_cast<uint32_t>(image));
    });
  });
  SLICEKIT_ASSIGN_OR_RETURN(Table table, Table::Create(table_schema));
  SLICEKIT_RETURN_IF_ERROR(table.Append(batch));

  DiscoverOptions discover = options;
  discover.error = kAddedErrors;
  SLICEKIT_ASSIGN_OR_RETURN(DiscoveryResult found,
                            DiscoverSlices(table, discover));
  std::vector<DiscoveredDelta> out;
  for (DiscoveredSlice& slice : found.slices) {
    SLICEKIT_ASSIGN_OR_RETURN(const Selection rows,
                              Filter(table, slice.filter));
    DiscoveredDelta delta;
    int64_t sum = 0;
    std::vector<uint32_t> weights(data.num_images, 0);
    rows.ForEach([&](RowIndex r) {
      const uint32_t image = image_of[r];
      sum += Errors(data.new_counts[image]) - Errors(data.base_counts[image]);
      weights[image] = 1;
    });
    delta.mean_error_delta =
        static_cast<double>(sum) / static_cast<double>(slice.size);
    if (!(delta.mean_error_delta > 0)) continue;
    if (data.base_coco) {
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
