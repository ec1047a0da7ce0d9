// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "slicekit/explore.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "src/table/table_impl.h"
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
// nothing (an empty field) in CSV.
void AppendCell(const Table& table, RowIndex row, int column, bool json,
                std::string* out) {
  const ColumnType type = table.schema().column(column).type;
  switch (type) {
    case ColumnType::kFloat: {
      const std::optional<float> value = table.GetFloat(row, column);
      if (value.has_value()) {
        AppendFloatText(*value, out);
      } else if (json) {
        out->append("null");
      }
      return;
    }
    case ColumnType::kInt: {
      const std::optional<int64_t> value = table.GetInt(row, column);
      if (value.has_value()) {
        AppendIntText(*value, out);
      } else if (json) {
        out->append("null");
      }
      return;
    }
    case ColumnType::kId: {
      const absl::string_view id = table.RowId(row);
      json ? AppendJsonString(id, out) : AppendCsvField(id, out);
      return;
    }
    case ColumnType::kCategorical: {
      const std::optional<absl::string_view> value =
          table.GetString(row, column);
      if (!value.has_value()) {
        if (json) out->append("null");
        return;
      }
      json ? AppendJsonString(*value, out) : AppendCsvField(*value, out);
      return;
    }
  }
}

void AppendJsonObject(const Table& table, RowIndex row,
                      const std::vector<std::string>& keys, std::string* out) {
  out->push_back('{');
  for (size_t c = 0; c < keys.size(); ++c) {
    if (c > 0) out->push_back(',');
    out->append(keys[c]);
    out->push_back(':');
    AppendCell(table, row, static_cast<int>(c), /*json=*/true, out);
  }
  out->push_back('}');
}

// Adds the FOR-encoded relative values of the rows set in `selected` and
// `validity` (empty: all valid) to `*sum`, and their number to `*count`.
template <typename T>
void AddRelative(const T* values, const std::vector<uint64_t>& selected,
                 const internal::Buffer<uint64_t>& validity, uint64_t* sum,
                 size_t* count) {
  for (size_t w = 0; w < selected.size(); ++w) {
    uint64_t bits = selected[w];
    if (!validity.empty()) bits &= validity[w];
    if (bits == 0) continue;
    const T* word_values = values + w * 64;
    uint64_t word_sum = 0;
    if (bits == ~uint64_t{0}) {
      for (size_t i = 0; i < 64; ++i) word_sum += word_values[i];
      *count += 64;
    } else {
      for (; bits != 0; bits &= bits - 1) {
        word_sum += word_values[std::countr_zero(bits)];
        ++*count;
      }
    }
    *sum += word_sum;
  }
}

// Adds the floats of the rows set in `selected` and `validity` to `*sum`
// (in row order, so the result does not depend on the word shapes) and
// their number to `*count`.
void AddFloats(const float* values, const std::vector<uint64_t>& selected,
               const internal::Buffer<uint64_t>& validity, double* sum,
               size_t* count) {
  double total = *sum;
  for (size_t w = 0; w < selected.size(); ++w) {
    uint64_t bits = selected[w];
    if (!validity.empty()) bits &= validity[w];
    if (bits == 0) continue;
    const float* word_values = values + w * 64;
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
  // Before the size check: a stale selection is usually longer too, and
  // "compacted, scan again" is the useful message.
  SLICEKIT_RETURN_IF_ERROR(internal::CheckGeneration(table.impl(), selection));
  // A table opened from a file: verified before its columns are read.
  SLICEKIT_RETURN_IF_ERROR(table.Verify());
  if (selection.num_rows() > table.num_rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the selection covers ", selection.num_rows(),
                     " rows; the table has ", table.num_rows()));
  }
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

  // Straight from the chunks: a summary reads every selected row, and the
  // per-value accessors would cost a chunk lookup and a width switch each.
  // Per chunk: the selected live rows as words, then one tight loop per
  // column (whole words of selected valid rows add 64 values straight).
  const internal::TableImpl& impl = table.impl();
  const std::vector<uint64_t>& words = selection.words();
  const size_t chunk_rows = impl.chunk_rows();  // a power of two >= 64
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
  std::vector<int64_t> sums(count_columns.size(), 0);
  double float_sums[2] = {0, 0};
  size_t float_counts[2] = {0, 0};
  const int float_columns[2] = {confidence_column, iou_column};
  size_t rows = 0;
  std::vector<uint64_t> selected;
  for (size_t c = 0; c < impl.chunks.size(); ++c) {
    const internal::Chunk& chunk = impl.chunks[c];
    const size_t first_word = c * chunk_rows / 64;
    if (first_word >= words.size()) break;
    const size_t num_words =
        std::min((chunk.size + size_t{63}) / 64, words.size() - first_word);
    selected.assign(words.begin() + first_word,
                    words.begin() + first_word + num_words);
    bool any = false;
    for (size_t w = 0; w < num_words; ++w) {
      if (!chunk.deleted.empty()) selected[w] &= ~chunk.deleted[w];
      rows += std::popcount(selected[w]);
      any |= selected[w] != 0;
    }
    if (!any) continue;
    for (size_t k = 0; k < count_columns.size(); ++k) {
      if (count_columns[k] < 0) continue;
      const internal::ColumnChunk& column = chunk.columns[count_columns[k]];
      if (!column.has_values()) continue;  // all NULL
      uint64_t relative = 0;
      size_t count = 0;
      switch (column.width) {
        case 1:
          AddRelative(column.u8.data(), selected, column.validity, &relative,
                      &count);
          break;
        case 2:
          AddRelative(column.u16.data(), selected, column.validity, &relative,
                      &count);
          break;
        case 4:
          AddRelative(column.u32.data(), selected, column.validity, &relative,
                      &count);
          break;
        default:
          AddRelative(column.u64.data(), selected, column.validity, &relative,
                      &count);
          break;
      }
      // value = base + relative, summed in wrapping 64-bit arithmetic.
      sums[k] = static_cast<int64_t>(
          static_cast<uint64_t>(sums[k]) +
          static_cast<uint64_t>(column.base) * count + relative);
    }
    for (int k = 0; k < 2; ++k) {
      if (float_columns[k] < 0) continue;
      const internal::ColumnChunk& column = chunk.columns[float_columns[k]];
      AddFloats(column.floats.data(), selected, column.validity, &float_sums[k],
                &float_counts[k]);
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
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (RowIndex row : rows) ids.emplace_back(table.RowId(row));
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
  SLICEKIT_RETURN_IF_ERROR(table.Verify());
  for (RowIndex row : rows) {
    if (row >= table.num_rows()) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", row, " is out of range; the table has ",
                       table.num_rows(), " row positions"));
    }
  }
  const Schema& schema = table.schema();
  const int num_columns = schema.num_columns();
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
        AppendCell(table, row, c, /*json=*/false, &buffer);
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
      AppendJsonObject(table, row, keys, &buffer);
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
