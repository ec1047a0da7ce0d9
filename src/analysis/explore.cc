// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/explore.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <numeric>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "slicekit/column_reader.h"
#include "src/util/status_macros.h"
#include "src/util/text_cells.h"

namespace slicekit {
namespace {

// A metric column of the summary: its index, or -1 when the table lacks it.
absl::StatusOr<int> MetricColumn(const Schema& schema, absl::string_view name,
                                 ColumnType type) {
  const std::optional<int> index = schema.Find(name);
  if (!index.has_value()) return -1;
  if (schema.column(*index).type != type) {
    return absl::InvalidArgumentError(absl::StrCat(
        "column '", name, "' is ", ColumnTypeName(schema.column(*index).type),
        "; a summary needs it to be ", ColumnTypeName(type)));
  }
  return *index;
}

std::optional<double> Ratio(double numerator, double denominator) {
  if (denominator == 0) return std::nullopt;
  return numerator / denominator;
}

using internal::AppendCsvField;
using internal::AppendFloatText;
using internal::AppendIntText;

// JSON string escaping is nlohmann's; invalid UTF-8 becomes U+FFFD rather
// than an exception.
void AppendJsonString(absl::string_view text, std::string* out) {
  const nlohmann::json value = std::string(text);
  out->append(
      value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// Appends one cell in the format's syntax: NULL is `null` in JSON and
// nothing (an empty field) in CSV. The reader reads every column, so k is
// the column.
void AppendCell(const TableReader& reader, RowIndex row, size_t k, bool json,
                std::string* out) {
  switch (reader.type(k)) {
    case ColumnType::kFloat: {
      const std::optional<float> value = reader.GetFloat(row, k);
      if (value.has_value()) {
        AppendFloatText(*value, out);
      } else if (json) {
        out->append("null");
      }
      return;
    }
    case ColumnType::kInt: {
      const std::optional<int64_t> value = reader.GetInt(row, k);
      if (value.has_value()) {
        AppendIntText(*value, out);
      } else if (json) {
        out->append("null");
      }
      return;
    }
    case ColumnType::kId:
    case ColumnType::kCategorical: {
      const std::optional<absl::string_view> value = reader.GetString(row, k);
      if (!value.has_value()) {
        if (json) out->append("null");
        return;
      }
      json ? AppendJsonString(*value, out) : AppendCsvField(*value, out);
      return;
    }
  }
}

void AppendJsonObject(const TableReader& reader, RowIndex row,
                      const std::vector<std::string>& keys, std::string* out) {
  out->push_back('{');
  for (size_t c = 0; c < keys.size(); ++c) {
    if (c > 0) out->push_back(',');
    out->append(keys[c]);
    out->push_back(':');
    AppendCell(reader, row, c, /*json=*/true, out);
  }
  out->push_back('}');
}

// Adds the floats of the rows set in `rows` and valid in `values` to
// `*sum` (in row order, so the result does not depend on the batch or word
// shapes) and their number to `*count`.
void AddFloats(const ColumnVector& values, absl::Span<const uint64_t> rows,
               double* sum, size_t* count) {
  const absl::Span<const uint64_t> validity = values.validity();
  const float* floats = values.floats().data();
  double total = *sum;
  for (size_t w = 0; w < rows.size(); ++w) {
    uint64_t bits = rows[w];
    if (!validity.empty()) bits &= validity[w];
    if (bits == 0) continue;
    const float* word_values = floats + w * 64;
    if (bits == ~uint64_t{0}) {
      for (size_t i = 0; i < 64; ++i) total += word_values[i];
      *count += 64;
    } else {
      for (; bits != 0; bits &= bits - 1) {
        total += word_values[std::countr_zero(bits)];
        ++*count;
      }
    }
  }
  *sum = total;
}

// Sets micro precision, recall and F1 from summed counts; a ratio stays
// nullopt when a column it needs is missing or its denominator is 0.
void SetRatios(bool has_tp, bool has_fp, bool has_fn, int64_t tp_sum,
               int64_t fp_sum, int64_t fn_sum, std::optional<double>* precision,
               std::optional<double>* recall, std::optional<double>* f1) {
  if (!has_tp) return;
  const double tp = static_cast<double>(tp_sum);
  const double fp = static_cast<double>(fp_sum);
  const double fn = static_cast<double>(fn_sum);
  if (has_fp) *precision = Ratio(tp, tp + fp);
  if (has_fn) *recall = Ratio(tp, tp + fn);
  if (has_fp && has_fn) *f1 = Ratio(2 * tp, 2 * tp + fp + fn);
}

// The classes with at least one per-class count column (`tp[car]`,
// `fp[car]`, `fn[car]` of type int), sorted byte-wise, without repeats.
std::vector<std::string> PerClassCountClasses(const Schema& schema) {
  std::vector<std::string> classes;
  for (const ColumnSpec& column : schema.columns()) {
    if (column.type != ColumnType::kInt) continue;
    const absl::string_view name = column.name;
    if (name.size() < 5 || name.back() != ']' || name[2] != '[') continue;
    const absl::string_view metric = name.substr(0, 2);
    if (metric != "tp" && metric != "fp" && metric != "fn") continue;
    classes.emplace_back(name.substr(3, name.size() - 4));
  }
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  return classes;
}

}  // namespace

absl::StatusOr<SliceSummary> Summarize(const Table& table,
                                       const Selection& selection) {
  // A stale selection (FailedPrecondition) before one that is too long.
  SLICEKIT_RETURN_IF_ERROR(table.CheckSelection(selection));
  const Schema& schema = table.schema();
  SLICEKIT_ASSIGN_OR_RETURN(const int tp_column,
                            MetricColumn(schema, "tp", ColumnType::kInt));
  SLICEKIT_ASSIGN_OR_RETURN(const int fp_column,
                            MetricColumn(schema, "fp", ColumnType::kInt));
  SLICEKIT_ASSIGN_OR_RETURN(const int fn_column,
                            MetricColumn(schema, "fn", ColumnType::kInt));
  SLICEKIT_ASSIGN_OR_RETURN(
      const int confidence_column,
      MetricColumn(schema, "confidence", ColumnType::kFloat));
  SLICEKIT_ASSIGN_OR_RETURN(const int iou_column,
                            MetricColumn(schema, "iou", ColumnType::kFloat));

  // Counts: the overall tp, fp, fn, then a (tp, fp, fn) triple per class
  // (-1 where a column is missing).
  std::vector<int> count_columns = {tp_column, fp_column, fn_column};
  const std::vector<std::string> classes = PerClassCountClasses(schema);
  for (const std::string& name : classes) {
    for (const char* metric : {"tp", "fp", "fn"}) {
      const std::optional<int> c =
          schema.Find(absl::StrCat(metric, "[", name, "]"));
      count_columns.push_back(
          c.has_value() && schema.column(*c).type == ColumnType::kInt ? *c
                                                                      : -1);
    }
  }
  // Batch by batch through one reader of every column present: a summary
  // reads every selected row, and the one-value reads would cost a lookup
  // each. The counts are read first, then confidence and IoU.
  const int float_columns[2] = {confidence_column, iou_column};
  std::vector<int> read;
  for (const int c : count_columns) {
    if (c >= 0) read.push_back(c);
  }
  const size_t first_float = read.size();
  for (const int c : float_columns) {
    if (c >= 0) read.push_back(c);
  }
  SLICEKIT_ASSIGN_OR_RETURN(const TableReader reader,
                            TableReader::Make(table, read));
  std::vector<int64_t> sums(count_columns.size(), 0);
  double float_sums[2] = {0, 0};
  size_t float_counts[2] = {0, 0};
  size_t rows = 0;
  RowBatch batch;
  for (size_t b = 0; b < reader.num_batches(); ++b) {
    if (!reader.Read(b, &selection, &batch)) continue;
    rows += batch.CountRows();
    size_t k = 0;
    for (size_t i = 0; i < count_columns.size(); ++i) {
      if (count_columns[i] < 0) continue;
      // Summed in wrapping 64-bit arithmetic.
      sums[i] = static_cast<int64_t>(
          static_cast<uint64_t>(sums[i]) +
          static_cast<uint64_t>(batch.column(k++).SumInts(batch.rows()).sum));
    }
    k = first_float;
    for (int f = 0; f < 2; ++f) {
      if (float_columns[f] < 0) continue;
      AddFloats(batch.column(k++), batch.rows(), &float_sums[f],
                &float_counts[f]);
    }
  }

  SliceSummary summary;
  summary.rows = rows;
  summary.tp = sums[0];
  summary.fp = sums[1];
  summary.fn = sums[2];
  SetRatios(tp_column >= 0, fp_column >= 0, fn_column >= 0, summary.tp,
            summary.fp, summary.fn, &summary.precision, &summary.recall,
            &summary.f1);
  for (size_t i = 0; i < classes.size(); ++i) {
    ClassSummary& entry = summary.classes.emplace_back();
    entry.class_name = classes[i];
    const size_t k = 3 + 3 * i;
    entry.tp = sums[k];
    entry.fp = sums[k + 1];
    entry.fn = sums[k + 2];
    SetRatios(count_columns[k] >= 0, count_columns[k + 1] >= 0,
              count_columns[k + 2] >= 0, entry.tp, entry.fp, entry.fn,
              &entry.precision, &entry.recall, &entry.f1);
  }
  summary.confidence_count = float_counts[0];
  summary.iou_count = float_counts[1];
  if (float_counts[0] > 0) {
    summary.mean_confidence = float_sums[0] / float_counts[0];
  }
  if (float_counts[1] > 0) summary.mean_iou = float_sums[1] / float_counts[1];
  return summary;
}

absl::StatusOr<SliceSummary> SummarizeAll(const Table& table) {
  return Summarize(table, table.LiveRows());
}

absl::StatusOr<SliceSummary> SummarizeDataset(const Table& table,
                                              absl::string_view dataset) {
  SLICEKIT_ASSIGN_OR_RETURN(const Selection rows,
                            Filter(table, Col("dataset") == dataset));
  return Summarize(table, rows);
}

absl::StatusOr<SummaryComparison> CompareSummaries(
    const Table& table, const Selection& selection,
    std::optional<absl::string_view> dataset) {
  SummaryComparison comparison;
  SLICEKIT_ASSIGN_OR_RETURN(comparison.slice, Summarize(table, selection));
  SLICEKIT_ASSIGN_OR_RETURN(comparison.all, SummarizeAll(table));
  if (dataset.has_value()) {
    SLICEKIT_ASSIGN_OR_RETURN(comparison.dataset,
                              SummarizeDataset(table, *dataset));
  }
  return comparison;
}

absl::StatusOr<ExplorePage> Explore(const Table& table,
                                    const BoundFilter& filter,
                                    const ExploreOptions& options) {
  const Selection selection = filter.Scan(options.scan);
  static const std::vector<OrderBy>* const kById = new std::vector<OrderBy>;
  const std::vector<OrderBy>& keys =
      options.order_by.has_value() ? *options.order_by : *kById;
  SLICEKIT_ASSIGN_OR_RETURN(
      OrderedPage ordered,
      OrderPage(table, selection, keys, options.cursor, options.limit));
  ExplorePage page;
  page.rows = std::move(ordered.rows);
  page.next_cursor = std::move(ordered.next_cursor);
  page.total_rows = selection.Count();
  if (options.summarize) {
    SLICEKIT_ASSIGN_OR_RETURN(page.summary, Summarize(table, selection));
  }
  return page;
}

namespace {

absl::StatusOr<BoundFilter> BindWith(const Expr& filter, const Table& table,
                                     const SliceResolver* resolver) {
  if (resolver == nullptr) return Bind(filter, table);
  return Bind(filter, table, *resolver);
}

}  // namespace

absl::StatusOr<ExplorePage> Explore(const Table& table, const Expr& filter,
                                    const ExploreOptions& options) {
  SLICEKIT_ASSIGN_OR_RETURN(const BoundFilter bound,
                            BindWith(filter, table, options.resolver));
  return Explore(table, bound, options);
}

absl::StatusOr<ExplorePage> Explore(const Table& table, const Slice& slice,
                                    const ExploreOptions& options) {
  if (options.order_by.has_value()) {
    return Explore(table, slice.filter, options);
  }
  ExploreOptions with_order = options;
  with_order.order_by = slice.order_by;
  return Explore(table, slice.filter, with_order);
}

absl::StatusOr<std::vector<std::string>> SliceRowIds(
    const Table& table, const Expr& filter, absl::Span<const OrderBy> order_by,
    size_t offset, std::optional<size_t> limit, const SliceResolver* resolver) {
  SLICEKIT_ASSIGN_OR_RETURN(const BoundFilter bound,
                            BindWith(filter, table, resolver));
  const Selection selection = bound.Scan();
  SLICEKIT_ASSIGN_OR_RETURN(
      const std::vector<RowIndex> rows,
      OrderRows(table, selection, order_by, offset, limit));
  // OrderRows verified the ids.
  SLICEKIT_ASSIGN_OR_RETURN(
      const TableReader reader,
      TableReader::Make(table, {table.schema().id_column()}));
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (RowIndex row : rows) ids.emplace_back(*reader.GetString(row, 0));
  return ids;
}

absl::StatusOr<std::vector<std::string>> SliceRowIds(
    const Table& table, const Slice& slice, size_t offset,
    std::optional<size_t> limit, const SliceResolver* resolver) {
  return SliceRowIds(table, slice.filter, slice.order_by, offset, limit,
                     resolver);
}

absl::Status ExportRows(const Table& table, absl::Span<const RowIndex> rows,
                        ExportFormat format, std::ostream& out) {
  const Schema& schema = table.schema();
  const int num_columns = schema.num_columns();
  // Every column, k = the column: making it verifies a lazily verified
  // table file before anything is written.
  std::vector<int> every_column(static_cast<size_t>(num_columns));
  std::iota(every_column.begin(), every_column.end(), 0);
  SLICEKIT_ASSIGN_OR_RETURN(const TableReader reader,
                            TableReader::Make(table, std::move(every_column)));
  for (RowIndex row : rows) {
    if (row >= table.num_rows()) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", row, " is out of range; the table has ",
                       table.num_rows(), " row positions"));
    }
  }
  std::string buffer;
  // Flushing every 64 KiB keeps memory flat for exports of millions of rows.
  constexpr size_t kFlushBytes = 1 << 16;
  const auto flush = [&] {
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    buffer.clear();
  };

  if (format == ExportFormat::kCsv) {
    for (int c = 0; c < num_columns; ++c) {
      if (c > 0) buffer.push_back(',');
      AppendCsvField(schema.column(c).name, &buffer);
    }
    buffer.push_back('\n');
    for (RowIndex row : rows) {
      for (int c = 0; c < num_columns; ++c) {
        if (c > 0) buffer.push_back(',');
        AppendCell(reader, row, static_cast<size_t>(c), /*json=*/false,
                   &buffer);
      }
      buffer.push_back('\n');
      if (buffer.size() >= kFlushBytes) flush();
    }
  } else {
    std::vector<std::string> keys;
    keys.reserve(num_columns);
    for (int c = 0; c < num_columns; ++c) {
      std::string key;
      AppendJsonString(schema.column(c).name, &key);
      keys.push_back(std::move(key));
    }
    const bool ndjson = format == ExportFormat::kNdjson;
    if (!ndjson) buffer.push_back('[');
    bool first = true;
    for (RowIndex row : rows) {
      if (!ndjson && !first) buffer.push_back(',');
      if (!ndjson) buffer.push_back('\n');
      first = false;
      AppendJsonObject(reader, row, keys, &buffer);
      if (ndjson) buffer.push_back('\n');
      if (buffer.size() >= kFlushBytes) flush();
    }
    if (!ndjson) buffer.append(rows.empty() ? "]\n" : "\n]\n");
  }
  flush();
  out.flush();
  if (!out) {
    return absl::UnknownError(absl::StrCat(
        "writing the ", ExportFormatName(format), " export failed"));
  }
  return absl::OkStatus();
}

absl::string_view ExportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::kCsv:
      return "csv";
    case ExportFormat::kJson:
      return "json";
    case ExportFormat::kNdjson:
      return "ndjson";
  }
  return "csv";
}

absl::StatusOr<ExportFormat> ParseExportFormat(absl::string_view name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "json") return ExportFormat::kJson;
  if (name == "ndjson") return ExportFormat::kNdjson;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown export format '", name, "'; expected csv, json or ndjson"));
}

}  // namespace slicekit
