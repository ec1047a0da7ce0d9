// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The metrics of a run as a table (MetricsToTable) or as CSV text
// (WriteMetricsCsv, WritePerClassCsv). Both whole-row outputs walk the run
// through one function, EmitRow, so the table and the CSV hold the same
// columns and values by construction; the CSV path just skips building the
// table, which made up most of `slicekit eval`'s time.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "slicekit/label_issues.h"
#include "slicekit/metrics.h"
#include "slicekit/schema.h"
#include "src/util/status_macros.h"
#include "src/util/text_cells.h"

namespace slicekit {

const std::vector<std::string>& MetricColumnNames() {
  static const std::vector<std::string>* const kNames =
      new std::vector<std::string>{"tp",
                                   "fp",
                                   "fn",
                                   "tn",
                                   "precision",
                                   "recall",
                                   "f1",
                                   "iou",
                                   "confidence",
                                   "min_confidence",
                                   "max_confidence",
                                   "max_fp_confidence"};
  return *kNames;
}

namespace {

constexpr int kNumIntMetrics = 4;
constexpr int kNumMetrics = 12;

// The integer and float metrics of `m`, as the table stores them. A class
// absent from a row (`m` null) has tp = fp = fn = 0, tn = 1 and no floats.
struct MetricCells {
  int64_t ints[kNumIntMetrics];
  std::optional<float> floats[kNumMetrics - kNumIntMetrics];
};

MetricCells CellsOf(const Metrics* m) {
  MetricCells cells = {
      {m ? m->tp : 0, m ? m->fp : 0, m ? m->fn : 0, m ? m->tn : 1}, {}};
  if (m == nullptr) return cells;
  const std::optional<double>* values[] = {&m->precision,
                                           &m->recall,
                                           &m->f1,
                                           &m->iou,
                                           &m->confidence,
                                           &m->min_confidence,
                                           &m->max_confidence,
                                           &m->max_fp_confidence};
  for (int i = 0; i < kNumMetrics - kNumIntMetrics; ++i) {
    if (values[i]->has_value()) {
      cells.floats[i] = static_cast<float>(**values[i]);
    }
  }
  return cells;
}

// Per-class columns are strided: metric-major would scatter one row's
// writes; class-major keeps each class's 12 columns together.
int PerClassColumn(int first, int class_index, int metric) {
  return first + class_index * kNumMetrics + metric;
}

// The columns of a run's metrics table.
struct Layout {
  std::vector<ColumnSpec> specs;
  bool has_global_key = false;
  int first_metric = 0;
  int first_meta = 0;
  int first_class = 0;
  bool per_class = false;
  // The label_issue_score column (-1: none) and its value per row.
  int label_issue_column = -1;
  std::vector<std::optional<float>> label_issue_scores;
  // Metadata field name -> its index among the metadata columns.
  absl::flat_hash_map<std::string, int> meta_index;
};

// The highest label issue score of each row of `run`, nullopt for a row
// with none.
absl::StatusOr<std::vector<std::optional<float>>> LabelIssueScores(
    const ModelRun& run, const LabelIssueOptions& options) {
  absl::StatusOr<std::vector<LabelIssue>> issues =
      FindLabelIssues(run, nullptr, options);
  if (!issues.ok()) {
    return absl::Status(
        issues.status().code(),
        absl::StrCat("label_issues: ", issues.status().message()));
  }
  std::vector<std::optional<float>> scores(run.rows.size());
  for (const LabelIssue& issue : *issues) {
    std::optional<float>& score = scores[issue.row];
    const float value = static_cast<float>(issue.score);
    if (!score.has_value() || value > *score) score = value;
  }
  return scores;
}

absl::StatusOr<Layout> PlanColumns(const ModelRun& run,
                                   const RunMetrics& metrics,
                                   const MetricsTableOptions& options) {
  if (metrics.rows.size() != run.rows.size() ||
      metrics.class_begin.size() != run.rows.size() + 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("metrics have ", metrics.rows.size(),
                     " rows; the run has ", run.rows.size()));
  }
  for (size_t r = 0; r < run.rows.size(); ++r) {
    if (metrics.class_begin[r] > metrics.class_begin[r + 1] ||
        metrics.class_begin[r + 1] > metrics.classes.size()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "metrics: class_begin is not a valid partition at row ", r));
    }
  }
  for (const RunMetrics::ClassEntry& entry : metrics.classes) {
    if (entry.class_index < 0 ||
        static_cast<size_t>(entry.class_index) >= run.classes.size()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "metrics name an unknown class (index ", entry.class_index, ")"));
    }
  }
  Layout layout;
  layout.per_class = options.per_class_columns;
  std::vector<ColumnSpec>& specs = layout.specs;
  specs = {{std::string(kDataRowIdColumn), ColumnType::kId},
           {"dataset", ColumnType::kCategorical},
           {"split", ColumnType::kCategorical}};
  for (const DataRow& row : run.rows) {
    layout.has_global_key |= row.global_key.has_value();
  }
  if (layout.has_global_key) {
    specs.push_back({"global_key", ColumnType::kCategorical});
  }
  layout.first_metric = static_cast<int>(specs.size());
  for (size_t i = 0; i < MetricColumnNames().size(); ++i) {
    specs.push_back({MetricColumnNames()[i], i < kNumIntMetrics
                                                 ? ColumnType::kInt
                                                 : ColumnType::kFloat});
  }
  if (options.label_issues.has_value()) {
    SLICEKIT_ASSIGN_OR_RETURN(layout.label_issue_scores,
                              LabelIssueScores(run, *options.label_issues));
    layout.label_issue_column = static_cast<int>(specs.size());
    specs.push_back({std::string(kLabelIssueScoreColumn), ColumnType::kFloat});
  }
  // Metadata columns in first-seen order; the type fits every value.
  struct Meta {
    bool has_string = false, has_float = false;
  };
  std::vector<std::string> meta_names;
  std::vector<Meta> meta;
  for (const DataRow& row : run.rows) {
    for (const auto& [name, value] : row.metadata) {
      auto [it, inserted] = layout.meta_index.try_emplace(
          name, static_cast<int>(meta_names.size()));
      if (inserted) {
        meta_names.push_back(name);
        meta.emplace_back();
      }
      meta[it->second].has_string |= std::holds_alternative<std::string>(value);
      meta[it->second].has_float |= std::holds_alternative<double>(value);
    }
  }
  absl::flat_hash_set<std::string> reserved;
  for (const ColumnSpec& s : specs) reserved.insert(s.name);
  layout.first_meta = static_cast<int>(specs.size());
  for (size_t i = 0; i < meta_names.size(); ++i) {
    if (reserved.contains(meta_names[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("metadata field \"", meta_names[i],
                       "\" collides with a metric column"));
    }
    specs.push_back({meta_names[i], meta[i].has_string
                                        ? ColumnType::kCategorical
                                    : meta[i].has_float ? ColumnType::kFloat
                                                        : ColumnType::kInt});
  }
  layout.first_class = static_cast<int>(specs.size());
  if (options.per_class_columns) {
    for (const std::string& cls : run.classes) {
      for (int metric = 0; metric < kNumMetrics; ++metric) {
        std::string name =
            absl::StrCat(MetricColumnNames()[metric], "[", cls, "]");
        if (layout.meta_index.contains(name)) {
          return absl::InvalidArgumentError(
              absl::StrCat("metadata field \"", name,
                           "\" collides with a per-class column"));
        }
        specs.push_back({std::move(name), metric < kNumIntMetrics
                                              ? ColumnType::kInt
                                              : ColumnType::kFloat});
      }
    }
  }
  return layout;
}

// Scratch space for EmitRow, reused across rows.
struct RowScratch {
  std::vector<const MetadataValue*> meta_values;
  std::vector<const Metrics*> class_metrics;
};

// Hands row `r`'s cells to `sink` in column order, converted to the column
// types: Id/String(column, text), Null(column), Int(column, v),
// Float(column, v) and Metrics(first_column, metrics or null).
template <typename Sink>
void EmitRow(const ModelRun& run, const RunMetrics& metrics,
             const Layout& layout, size_t r, RowScratch* scratch, Sink* sink) {
  const DataRow& row = run.rows[r];
  sink->Id(row.data_row_id);
  const auto optional_string = [&](int column,
                                   const std::optional<std::string>& v) {
    if (v.has_value()) {
      sink->String(column, *v);
    } else {
      sink->Null(column);
    }
  };
  optional_string(1, row.dataset);
  optional_string(2, row.split);
  if (layout.has_global_key) optional_string(3, row.global_key);
  sink->Metrics(layout.first_metric, &metrics.rows[r]);
  if (layout.label_issue_column >= 0) {
    if (const std::optional<float>& score = layout.label_issue_scores[r]) {
      sink->Float(layout.label_issue_column, *score);
    } else {
      sink->Null(layout.label_issue_column);
    }
  }

  // A repeated field name in a row: the first value counts.
  std::vector<const MetadataValue*>& values = scratch->meta_values;
  values.assign(layout.meta_index.size(), nullptr);
  for (const auto& [name, value] : row.metadata) {
    const MetadataValue*& slot = values[layout.meta_index.find(name)->second];
    if (slot == nullptr) slot = &value;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const int column = layout.first_meta + static_cast<int>(i);
    const MetadataValue* value = values[i];
    if (value == nullptr) {
      sink->Null(column);
      continue;
    }
    switch (layout.specs[column].type) {
      case ColumnType::kCategorical:
        if (const auto* s = std::get_if<std::string>(value)) {
          sink->String(column, *s);
        } else if (const auto* n = std::get_if<int64_t>(value)) {
          sink->String(column, absl::StrCat(*n));
        } else {
          sink->String(column, absl::StrCat(std::get<double>(*value)));
        }
        break;
      case ColumnType::kFloat:
        if (const auto* n = std::get_if<int64_t>(value)) {
          sink->Float(column, static_cast<float>(*n));
        } else {
          sink->Float(column, static_cast<float>(std::get<double>(*value)));
        }
        break;
      default:
        sink->Int(column, std::get<int64_t>(*value));
    }
  }

  if (!layout.per_class) return;
  std::vector<const Metrics*>& by_class = scratch->class_metrics;
  by_class.assign(run.classes.size(), nullptr);
  for (size_t e = metrics.class_begin[r]; e < metrics.class_begin[r + 1]; ++e) {
    by_class[metrics.classes[e].class_index] = &metrics.classes[e].metrics;
  }
  for (size_t c = 0; c < by_class.size(); ++c) {
    sink->Metrics(PerClassColumn(layout.first_class, static_cast<int>(c), 0),
                  by_class[c]);
  }
}

// Appends cells to a Batch; Table::Append validates them.
class BatchSink {
 public:
  explicit BatchSink(Batch* batch) : batch_(batch) {}
  void Id(absl::string_view id) { batch_->AppendString(0, id); }
  void String(int column, absl::string_view v) {
    batch_->AppendString(column, v);
  }
  void Null(int column) { batch_->AppendNull(column); }
  void Int(int column, int64_t v) { batch_->AppendInt(column, v); }
  void Float(int column, float v) { batch_->AppendFloat(column, v); }
  void Metrics(int first_column, const slicekit::Metrics* m) {
    const MetricCells cells = CellsOf(m);
    for (int i = 0; i < kNumIntMetrics; ++i) {
      batch_->AppendInt(first_column + i, cells.ints[i]);
    }
    for (int i = 0; i < kNumMetrics - kNumIntMetrics; ++i) {
      const int column = first_column + kNumIntMetrics + i;
      if (cells.floats[i].has_value()) {
        batch_->AppendFloat(column, *cells.floats[i]);
      } else {
        batch_->AppendNull(column);
      }
    }
  }

 private:
  Batch* batch_;
};

// Appends one CSV line's cells, each followed by a comma (the caller turns
// the last into the newline). CheckCsvCells has validated the values.
class CsvSink {
 public:
  explicit CsvSink(std::string* out) : out_(out) {
    // Most (row, class) pairs have neither ground truth nor prediction:
    // their 12 cells are one constant string.
    const MetricCells absent = CellsOf(nullptr);
    for (int64_t v : absent.ints) {
      internal::AppendIntText(v, &absent_metrics_);
      absent_metrics_.push_back(',');
    }
    absent_metrics_.append(kNumMetrics - kNumIntMetrics, ',');
  }

  void Id(absl::string_view id) { String(0, id); }
  void String(int, absl::string_view v) {
    internal::AppendCsvField(v, out_);
    out_->push_back(',');
  }
  void Null(int) { out_->push_back(','); }
  void Int(int, int64_t v) {
    internal::AppendIntText(v, out_);
    out_->push_back(',');
  }
  void Float(int, float v) {
    internal::AppendFloatText(v, out_);
    out_->push_back(',');
  }
  void Metrics(int first_column, const slicekit::Metrics* m) {
    if (m == nullptr) {
      out_->append(absent_metrics_);
      return;
    }
    const MetricCells cells = CellsOf(m);
    for (int64_t v : cells.ints) Int(first_column, v);
    for (const std::optional<float>& v : cells.floats) {
      if (v.has_value()) {
        Float(first_column, *v);
      } else {
        out_->push_back(',');
      }
    }
  }

 private:
  std::string* out_;
  std::string absent_metrics_;
};

// What Table::Append would reject, checked before any text is written so
// that a bad run leaves the output untouched: empty or repeated ids and
// floats that are not finite as 32-bit floats.
absl::Status CheckCsvCells(const ModelRun& run, const RunMetrics& metrics,
                           const Layout& layout) {
  absl::flat_hash_set<absl::string_view> ids;
  ids.reserve(run.rows.size());
  absl::flat_hash_set<absl::string_view> seen;
  const auto check_metrics = [](const Metrics& m) {
    for (const std::optional<float>& v : CellsOf(&m).floats) {
      if (v.has_value() && !std::isfinite(*v)) return false;
    }
    return true;
  };
  for (size_t r = 0; r < run.rows.size(); ++r) {
    const DataRow& row = run.rows[r];
    if (row.data_row_id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", r, ": data_row_id is empty"));
    }
    if (!ids.insert(row.data_row_id).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row ", r, ": duplicate data_row_id '", row.data_row_id, "'"));
    }
    // Only the first value of a repeated name is stored (EmitRow).
    seen.clear();
    for (const auto& [name, value] : row.metadata) {
      const int column =
          layout.first_meta + layout.meta_index.find(name)->second;
      if (layout.specs[column].type != ColumnType::kFloat) continue;
      if (!seen.insert(name).second) continue;
      const float v = std::holds_alternative<double>(value)
                          ? static_cast<float>(std::get<double>(value))
                          : static_cast<float>(std::get<int64_t>(value));
      if (!std::isfinite(v)) {
        return absl::InvalidArgumentError(
            absl::StrCat("row ", r, " ('", row.data_row_id, "'), field '", name,
                         "': value is not finite as a 32-bit float"));
      }
    }
    if (!check_metrics(metrics.rows[r])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row ", r, " ('", row.data_row_id, "'): a metric is not finite"));
    }
    // Per-class metrics are stored only in per-class columns.
    if (!layout.per_class) continue;
    for (size_t e = metrics.class_begin[r]; e < metrics.class_begin[r + 1];
         ++e) {
      if (!check_metrics(metrics.classes[e].metrics)) {
        return absl::InvalidArgumentError(
            absl::StrCat("row ", r, " ('", row.data_row_id,
                         "'): a per-class metric is not finite"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Table> MetricsToTable(const ModelRun& run,
                                     const RunMetrics& metrics,
                                     const MetricsTableOptions& options) {
  SLICEKIT_ASSIGN_OR_RETURN(const Layout layout,
                            PlanColumns(run, metrics, options));
  SLICEKIT_ASSIGN_OR_RETURN(Schema schema, Schema::Create(layout.specs));
  SLICEKIT_ASSIGN_OR_RETURN(Table table, Table::Create(schema, options.table));
  Batch batch(schema);
  // About 256k cells a batch: with per-class columns (12 per class, ~1,000
  // for COCO's 80) a 4096-row batch would be tens of MB of fresh pages.
  const size_t kRowsPerBatch = std::clamp<size_t>(
      (size_t{1} << 18) / static_cast<size_t>(schema.num_columns()), 64, 4096);
  batch.Reserve(kRowsPerBatch);
  BatchSink sink(&batch);
  RowScratch scratch;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    EmitRow(run, metrics, layout, r, &scratch, &sink);
    if (batch.num_rows() == kRowsPerBatch || r + 1 == run.rows.size()) {
      SLICEKIT_RETURN_IF_ERROR(table.Append(batch));
      batch.Clear();
    }
  }
  return table;
}

absl::Status WriteMetricsCsv(const ModelRun& run, const RunMetrics& metrics,
                             const MetricsTableOptions& options,
                             std::ostream& out) {
  SLICEKIT_ASSIGN_OR_RETURN(const Layout layout,
                            PlanColumns(run, metrics, options));
  // The schema's own checks (empty or repeated column names, say from a
  // metadata field named "" or a class listed twice), as MetricsToTable.
  SLICEKIT_RETURN_IF_ERROR(Schema::Create(layout.specs).status());
  std::string text;
  for (size_t c = 0; c < layout.specs.size(); ++c) {
    if (c > 0) text.push_back(',');
    internal::AppendCsvField(layout.specs[c].name, &text);
  }
  text.push_back('\n');
  SLICEKIT_RETURN_IF_ERROR(CheckCsvCells(run, metrics, layout));
  CsvSink sink(&text);
  RowScratch scratch;
  for (size_t r = 0; r < run.rows.size(); ++r) {
    EmitRow(run, metrics, layout, r, &scratch, &sink);
    text.back() = '\n';
    if (text.size() >= (1 << 20)) {
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      text.clear();
    }
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) return absl::UnknownError("writing the metrics CSV failed");
  return absl::OkStatus();
}

namespace {

void AppendDouble(const std::optional<double>& v, std::string* out) {
  if (!v) return;
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), *v);
  if (ec == std::errc()) out->append(buffer, end);
}

}  // namespace

absl::Status WritePerClassCsv(const ModelRun& run, const RunMetrics& metrics,
                              std::ostream& out) {
  if (metrics.class_begin.size() != run.rows.size() + 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("metrics have ", metrics.rows.size(),
                     " rows; the run has ", run.rows.size()));
  }
  std::string text = "data_row_id,class";
  for (const std::string& name : MetricColumnNames()) {
    absl::StrAppend(&text, ",", name);
  }
  text.push_back('\n');
  for (size_t r = 0; r < run.rows.size(); ++r) {
    for (size_t e = metrics.class_begin[r]; e < metrics.class_begin[r + 1];
         ++e) {
      const RunMetrics::ClassEntry& entry = metrics.classes[e];
      const Metrics& m = entry.metrics;
      internal::AppendCsvField(run.rows[r].data_row_id, &text);
      text.push_back(',');
      internal::AppendCsvField(run.classes.at(entry.class_index), &text);
      absl::StrAppend(&text, ",", m.tp, ",", m.fp, ",", m.fn, ",", m.tn);
      for (const std::optional<double>* v :
           {&m.precision, &m.recall, &m.f1, &m.iou, &m.confidence,
            &m.min_confidence, &m.max_confidence, &m.max_fp_confidence}) {
        text.push_back(',');
        AppendDouble(*v, &text);
      }
      text.push_back('\n');
      if (text.size() > (1 << 20)) {
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        text.clear();
      }
    }
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) return absl::UnknownError("writing the per-class CSV failed");
  return absl::OkStatus();
}

}  // namespace slicekit
