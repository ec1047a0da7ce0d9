// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/compare/paired_data.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "slicekit/column_reader.h"
#include "slicekit/schema.h"
#include "src/util/status_macros.h"

namespace slicekit::internal {
namespace {

absl::Status OnlyIn(absl::string_view id, absl::string_view which,
                    absl::string_view other) {
  return absl::InvalidArgumentError(absl::StrCat(
      "row \"", id, "\" is in the ", which,
      " only (the runs must cover the "
      "same data rows; missing_as_no_predictions counts it as having no "
      "predictions in the ",
      other, ")"));
}

// Row ids to positions; InvalidArgument for a repeated id.
absl::StatusOr<absl::flat_hash_map<absl::string_view, size_t>> IndexIds(
    const std::vector<absl::string_view>& ids, absl::string_view which) {
  absl::flat_hash_map<absl::string_view, size_t> index;
  index.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!index.emplace(ids[i], i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("row \"", ids[i], "\" appears twice in the ", which));
    }
  }
  return index;
}

bool SameGroundTruth(const GroundTruth& a, const GroundTruth& b) {
  return a.class_index == b.class_index && a.box.x == b.box.x &&
         a.box.y == b.box.y && a.box.w == b.box.w && a.box.h == b.box.h &&
         a.iscrowd == b.iscrowd && a.area == b.area;
}

// Checks that `ours` (classes mapped to the union) has the ground truth of
// `theirs` (the base's row).
absl::Status CheckGroundTruth(const DataRow& base, const DataRow& ours) {
  auto differs = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("the runs' ground truth differs at row \"",
                     base.data_row_id, "\": ", what));
  };
  if (base.ground_truths.size() != ours.ground_truths.size()) {
    return differs(absl::StrCat(base.ground_truths.size(),
                                " ground truths in the base run, ",
                                ours.ground_truths.size(), " in the new run"));
  }
  for (size_t i = 0; i < base.ground_truths.size(); ++i) {
    if (!SameGroundTruth(base.ground_truths[i], ours.ground_truths[i])) {
      return differs(absl::StrCat("ground_truths[", i, "]"));
    }
  }
  const bool same_label =
      base.label.has_value() == ours.label.has_value() &&
      (!base.label || base.label->class_index == ours.label->class_index);
  if (!same_label) return differs("the row's label");
  return absl::OkStatus();
}

// A row of `source` with only its id, metadata and ground truth.
DataRow WithoutPredictions(const DataRow& source) {
  DataRow row = source;
  row.predictions.clear();
  row.classification.reset();
  return row;
}

}  // namespace

absl::StatusOr<AlignedRuns> AlignRuns(const ModelRun& base,
                                      const ModelRun& new_run,
                                      bool missing_as_no_predictions) {
  AlignedRuns out;
  out.base = base;
  // The union of the classes, the base's first, and the new run's indexes.
  std::vector<int32_t> class_of(new_run.classes.size());
  for (size_t k = 0; k < new_run.classes.size(); ++k) {
    auto it = std::find(out.base.classes.begin(), out.base.classes.end(),
                        new_run.classes[k]);
    if (it == out.base.classes.end()) {
      out.base.classes.push_back(new_run.classes[k]);
      it = out.base.classes.end() - 1;
    }
    class_of[k] = static_cast<int32_t>(it - out.base.classes.begin());
  }
  if (out.base.class_ids.size() != base.classes.size() ||
      out.base.classes.size() != base.classes.size()) {
    out.base.class_ids.clear();  // ids only where every class has one
  }
  out.new_run.classes = out.base.classes;
  out.new_run.class_ids = out.base.class_ids;

  std::vector<absl::string_view> base_ids, new_ids;
  for (const DataRow& row : base.rows) base_ids.push_back(row.data_row_id);
  for (const DataRow& row : new_run.rows) new_ids.push_back(row.data_row_id);
  SLICEKIT_ASSIGN_OR_RETURN(const auto base_index,
                            IndexIds(base_ids, "base run"));
  SLICEKIT_ASSIGN_OR_RETURN(const auto new_index, IndexIds(new_ids, "new run"));

  auto mapped = [&](const DataRow& source) {
    DataRow row = source;
    for (GroundTruth& g : row.ground_truths) {
      g.class_index = class_of[g.class_index];
    }
    for (Prediction& p : row.predictions)
      p.class_index = class_of[p.class_index];
    for (auto* answer : {&row.label, &row.classification}) {
      if (answer->has_value()) {
        (*answer)->class_index = class_of[(*answer)->class_index];
      }
    }
    return row;
  };
  out.new_run.rows.reserve(base.rows.size());
  for (const DataRow& row : base.rows) {
    const auto it = new_index.find(row.data_row_id);
    if (it == new_index.end()) {
      if (!missing_as_no_predictions) {
        return OnlyIn(row.data_row_id, "base run", "new run");
      }
      out.new_run.rows.push_back(WithoutPredictions(row));
      continue;
    }
    const DataRow& source = new_run.rows[it->second];
    for (const auto& g : source.ground_truths) {
      if (g.class_index < 0 || g.class_index >= std::ssize(class_of)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "row \"", row.data_row_id, "\" of the new run: class index ",
            g.class_index, " out of range"));
      }
    }
    for (const auto& p : source.predictions) {
      if (p.class_index < 0 || p.class_index >= std::ssize(class_of)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "row \"", row.data_row_id, "\" of the new run: class index ",
            p.class_index, " out of range"));
      }
    }
    out.new_run.rows.push_back(mapped(source));
    SLICEKIT_RETURN_IF_ERROR(CheckGroundTruth(row, out.new_run.rows.back()));
  }
  for (const DataRow& row : new_run.rows) {
    if (base_index.contains(row.data_row_id)) continue;
    if (!missing_as_no_predictions) {
      return OnlyIn(row.data_row_id, "new run", "base run");
    }
    out.new_run.rows.push_back(mapped(row));
    out.base.rows.push_back(WithoutPredictions(out.new_run.rows.back()));
  }
  return out;
}

namespace {

struct TableRows {
  std::vector<std::string> ids;
  std::vector<RowCounts> counts;
  std::vector<RowIndex> positions;
};

absl::StatusOr<TableRows> ReadCounts(const Table& table,
                                     absl::string_view which) {
  const Schema& schema = table.schema();
  std::vector<int> columns = {schema.id_column()};
  for (absl::string_view name : {"tp", "fp", "fn"}) {
    const std::optional<int> c = schema.Find(name);
    if (!c.has_value() || schema.column(*c).type != ColumnType::kInt) {
      return absl::InvalidArgumentError(
          absl::StrCat("the ", which, " has no int column ", name,
                       " (a metrics table has tp, fp and fn: slicekit eval)"));
    }
    columns.push_back(*c);
  }
  SLICEKIT_ASSIGN_OR_RETURN(const TableReader reader,
                            TableReader::Make(table, columns));
  TableRows out;
  absl::Status status;
  reader.ForEachBatch([&](const RowBatch& batch) {
    const ColumnVector& ids = batch.column(0);
    batch.ForEachRow([&](size_t i) {
      RowCounts counts;
      int64_t* fields[] = {&counts.tp, &counts.fp, &counts.fn};
      for (size_t k = 0; k < 3; ++k) {
        const ColumnVector& column = batch.column(k + 1);
        if (!column.IsValid(i)) {
          if (status.ok()) {
            status = absl::InvalidArgumentError(absl::StrCat(
                "the ", which, "'s row \"", ids.StringAt(i), "\" has no ",
                std::array<const char*, 3>{"tp", "fp", "fn"}[k]));
          }
          return;
        }
        *fields[k] = column.ints()[i];
      }
      out.ids.emplace_back(ids.StringAt(i));
      out.counts.push_back(counts);
      out.positions.push_back(batch.first_row() + static_cast<RowIndex>(i));
    });
  });
  SLICEKIT_RETURN_IF_ERROR(status);
  return out;
}

RowCounts NoPredictions(const RowCounts& other) {
  return RowCounts{0, 0, other.tp + other.fn};
}

}  // namespace

absl::StatusOr<AlignedTables> AlignTables(const Table& base,
                                          const Table& new_table,
                                          bool missing_as_no_predictions) {
  SLICEKIT_ASSIGN_OR_RETURN(const TableRows b, ReadCounts(base, "base table"));
  SLICEKIT_ASSIGN_OR_RETURN(const TableRows n,
                            ReadCounts(new_table, "new table"));
  std::vector<absl::string_view> base_ids(b.ids.begin(), b.ids.end());
  std::vector<absl::string_view> new_ids(n.ids.begin(), n.ids.end());
  SLICEKIT_ASSIGN_OR_RETURN(const auto base_index,
                            IndexIds(base_ids, "base table"));
  SLICEKIT_ASSIGN_OR_RETURN(const auto new_index,
                            IndexIds(new_ids, "new table"));
  AlignedTables out;
  PairedData& data = out.data;
  for (size_t i = 0; i < b.ids.size(); ++i) {
    const auto it = new_index.find(b.ids[i]);
    if (it == new_index.end() && !missing_as_no_predictions) {
      return OnlyIn(b.ids[i], "base table", "new table");
    }
    const RowCounts& ours = b.counts[i];
    if (it != new_index.end()) {
      const RowCounts& theirs = n.counts[it->second];
      if (ours.tp + ours.fn != theirs.tp + theirs.fn) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the tables' ground truth differs at row \"", b.ids[i],
            "\": tp + fn is ", ours.tp + ours.fn, " in the base table, ",
            theirs.tp + theirs.fn, " in the new table"));
      }
    }
    data.base_counts.push_back(ours);
    data.new_counts.push_back(it == new_index.end() ? NoPredictions(ours)
                                                    : n.counts[it->second]);
    out.base_row.push_back(b.positions[i]);
  }
  for (size_t i = 0; i < n.ids.size(); ++i) {
    if (base_index.contains(n.ids[i])) continue;
    if (!missing_as_no_predictions) {
      return OnlyIn(n.ids[i], "new table", "base table");
    }
    data.base_counts.push_back(NoPredictions(n.counts[i]));
    data.new_counts.push_back(n.counts[i]);
    out.base_row.push_back(-1);
  }
  data.num_images = data.base_counts.size();
  return out;
}

}  // namespace slicekit::internal
