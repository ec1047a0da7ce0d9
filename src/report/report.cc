// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// BuildReport and WriteReport; the HTML is render.cc's.
#include "slicekit/report.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "slicekit/auto_slices.h"
#include "slicekit/average_precision.h"
#include "slicekit/column_reader.h"
#include "slicekit/explore.h"
#include "slicekit/metrics.h"
#include "slicekit/scan.h"
#include "slicekit/slice_resolver.h"
#include "src/report/histogram.h"
#include "src/util/status_macros.h"
#include "src/util/text_cells.h"

namespace slicekit {
namespace {

constexpr size_t kMaxPageRows = 1000;
constexpr int kMaxBins = 200;
constexpr size_t kMaxDatasets = 100;
constexpr size_t kMaxClasses = 200;
constexpr size_t kDefaultPageColumns = 12;

absl::Status CheckOptions(const ReportOptions& options) {
  if (options.page_rows > kMaxPageRows) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_rows is ", options.page_rows, "; the limit is ", kMaxPageRows));
  }
  if (options.bins < 1 || options.bins > kMaxBins) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bins is ", options.bins, "; it must be in [1, ", kMaxBins, "]"));
  }
  if (options.max_datasets > kMaxDatasets) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_datasets is ", options.max_datasets,
                     "; the limit is ", kMaxDatasets));
  }
  if (options.max_classes < 1 || options.max_classes > kMaxClasses) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_classes is ", options.max_classes,
                     "; it must be in [1, ", kMaxClasses, "]"));
  }
  if (options.threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("threads is ", options.threads, "; it must be >= 1"));
  }
  if (options.store == nullptr && !options.org.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("org is \"", options.org, "\" but no store is given"));
  }
  return absl::OkStatus();
}

// The index of `name` when the table has it with `type`, else -1. (A metric
// column of another type has already failed SummarizeAll.)
int ColumnOfType(const Schema& schema, absl::string_view name,
                 ColumnType type) {
  const std::optional<int> index = schema.Find(name);
  return index.has_value() && schema.column(*index).type == type ? *index : -1;
}

absl::StatusOr<std::vector<int>> PageColumns(const Schema& schema,
                                             const ReportOptions& options) {
  std::vector<int> columns;
  if (options.page_columns.empty()) {
    columns.push_back(schema.id_column());
    for (int c = 0; c < schema.num_columns(); ++c) {
      if (columns.size() == kDefaultPageColumns) break;
      if (c == schema.id_column()) continue;
      if (schema.column(c).name.find('[') != std::string::npos) continue;
      columns.push_back(c);
    }
    return columns;
  }
  for (const std::string& name : options.page_columns) {
    const std::optional<int> c = schema.Find(name);
    if (!c.has_value()) {
      const std::string closest = schema.ClosestName(name);
      return absl::NotFoundError(absl::StrCat(
          "page column '", name, "' is not in the table",
          closest.empty() ? ""
                          : absl::StrCat(" (did you mean '", closest, "'?)")));
    }
    columns.push_back(*c);
  }
  return columns;
}

// The text of one cell (the reader reads every column: k is the column).
std::optional<std::string> CellText(const TableReader& reader, RowIndex row,
                                    int column) {
  const size_t k = static_cast<size_t>(column);
  std::string text;
  switch (reader.type(k)) {
    case ColumnType::kId:
    case ColumnType::kCategorical: {
      const std::optional<absl::string_view> value = reader.GetString(row, k);
      if (!value.has_value()) return std::nullopt;
      return std::string(*value);
    }
    case ColumnType::kInt: {
      const std::optional<int64_t> value = reader.GetInt(row, k);
      if (!value.has_value()) return std::nullopt;
      internal::AppendIntText(*value, &text);
      return text;
    }
    case ColumnType::kFloat: {
      const std::optional<float> value = reader.GetFloat(row, k);
      if (!value.has_value()) return std::nullopt;
      internal::AppendFloatText(*value, &text);
      return text;
    }
  }
  return std::nullopt;
}

// The datasets with the most live rows, summarized.
absl::Status AddDatasets(const Table& table, const TableReader& reader,
                         const ReportOptions& options, Report* report) {
  const int column =
      ColumnOfType(table.schema(), "dataset", ColumnType::kCategorical);
  if (column < 0) return absl::OkStatus();
  const size_t k = static_cast<size_t>(column);
  const std::vector<int64_t> counts = internal::CountCodes(reader, k);
  const auto name = [&](size_t code) {
    return reader.DictionaryString(k, static_cast<int64_t>(code));
  };
  std::vector<size_t> present;
  for (size_t code = 0; code < counts.size(); ++code) {
    if (counts[code] > 0) present.push_back(code);
  }
  std::sort(present.begin(), present.end(), [&](size_t a, size_t b) {
    return counts[a] != counts[b] ? counts[a] > counts[b] : name(a) < name(b);
  });
  const size_t shown = std::min(present.size(), options.max_datasets);
  report->datasets_left_out = present.size() - shown;
  for (size_t i = 0; i < shown; ++i) {
    DatasetSummary& entry = report->datasets.emplace_back();
    entry.dataset = std::string(name(present[i]));
    SLICEKIT_ASSIGN_OR_RETURN(entry.summary,
                              SummarizeDataset(table, entry.dataset));
  }
  return absl::OkStatus();
}

// A slice to report, before it is applied.
struct SliceInput {
  ReportSlice::Kind kind;
  std::string id;
  std::string name;
  std::string description;
  Expr filter;
  std::vector<OrderBy> order_by;
};

// The model run's COCO evaluation, and where each table row is in the run.
struct RunEvaluation {
  const ModelRun* run;
  CocoEvaluator coco;
  std::vector<int64_t> run_row;  // by table row; -1: not in the run

  // The run rows of the table rows `rows` selects.
  Selection RunRows(const Selection& rows) const {
    Selection out(run->rows.size());
    rows.ForEach([&](RowIndex row) {
      if (run_row[row] >= 0) out.Add(static_cast<RowIndex>(run_row[row]));
    });
    return out;
  }
};

// Why the slice fails, over the run rows `rows` (errors.md): TIDE, where
// it is defined, the confusion matrix and calibration at the defaults.
void AddErrors(const ModelRun& run, const Selection& rows, ReportSlice* slice) {
  // No image of the run among the slice's rows: nothing to explain.
  if (rows.Count() == 0) return;
  absl::StatusOr<TideErrors> tide = ComputeTide(run, &rows);
  if (tide.ok()) slice->tide = *tide;
  absl::StatusOr<ConfusionMatrix> confusion =
      ComputeConfusionMatrix(run, &rows);
  if (confusion.ok()) slice->confusion = *std::move(confusion);
  absl::StatusOr<CalibrationReport> calibration =
      ComputeCalibration(run, &rows);
  if (calibration.ok() && calibration->all.num_detections > 0) {
    slice->calibration = calibration->all;
  }
}

absl::StatusOr<RunEvaluation> EvaluateRun(const Table& table,
                                          const TableReader& reader,
                                          const ModelRun& run,
                                          IouType iou_type) {
  absl::StatusOr<Evaluator> evaluator = Evaluator::Create(&run, iou_type);
  if (!evaluator.ok()) {
    return absl::Status(
        evaluator.status().code(),
        absl::StrCat("model run: ", evaluator.status().message()));
  }
  RunEvaluation result{&run, CocoEvaluator::Create(*evaluator),
                       std::vector<int64_t>(table.num_rows(), -1)};
  absl::flat_hash_map<absl::string_view, int64_t> by_id;
  by_id.reserve(run.rows.size());
  for (size_t i = 0; i < run.rows.size(); ++i) {
    by_id.emplace(run.rows[i].data_row_id, static_cast<int64_t>(i));
  }
  const size_t id = static_cast<size_t>(table.schema().id_column());
  reader.ForEachBatch([&](const RowBatch& batch) {
    const ColumnVector& ids = batch.column(id);
    batch.ForEachRow([&](size_t i) {
      const auto it = by_id.find(ids.StringAt(i));
      if (it != by_id.end()) result.run_row[batch.first_row() + i] = it->second;
    });
  });
  return result;
}

// Per-class curves of an evaluation: classes with ground truth, most first
// (then in class order), at most `max_classes`.
void AddCurves(const CocoEvaluation& evaluation,
               const std::vector<std::string>& class_names, size_t max_classes,
               ReportSlice* slice) {
  std::vector<const CocoClassAp*> classes;
  for (const CocoClassAp& c : evaluation.classes) {
    if (c.num_ground_truths > 0) classes.push_back(&c);
  }
  std::stable_sort(classes.begin(), classes.end(),
                   [](const CocoClassAp* a, const CocoClassAp* b) {
                     return a->num_ground_truths > b->num_ground_truths;
                   });
  const size_t shown = std::min(classes.size(), max_classes);
  slice->curves_left_out = classes.size() - shown;
  // The report evaluates under the default params: IoU .5 first, area all
  // first, the last maxDets (100; 20 for keypoints).
  constexpr int kIou50 = 0, kAreaAll = 0;
  const int last_max_dets = evaluation.num_max_dets() - 1;
  for (size_t i = 0; i < shown; ++i) {
    const CocoClassAp& c = *classes[i];
    ClassCurve& curve = slice->curves.emplace_back();
    curve.class_name = class_names[c.class_index];
    curve.ground_truths = c.num_ground_truths;
    if (c.ap >= 0) curve.ap = c.ap;
    if (c.ap50 >= 0) curve.ap50 = c.ap50;
    for (int r = 0; r < kCocoRecallThresholds; ++r) {
      curve.points.push_back({CocoRecallThreshold(r),
                              evaluation.Precision(kIou50, r, c.class_index,
                                                   kAreaAll, last_max_dets)});
    }
  }
}

struct Context {
  const Table& table;
  const TableReader& reader;  // every column: k is the column
  const ReportOptions& options;
  const std::vector<int>& page_columns;
  int confidence_column;
  int iou_column;
  const Report& report;                // its histograms' ranges
  const SliceResolver& resolver;       // IN SLICE references
  const RunEvaluation* run = nullptr;  // with a model run
};

Histogram HistogramOf(const Context& context, const Selection& rows, int column,
                      const Histogram& like) {
  if (column < 0) return Histogram{like.lo, like.hi, {}, 0};
  return internal::FloatHistogram(context.reader, static_cast<size_t>(column),
                                  rows, like.lo, like.hi, context.options.bins);
}

// Applies one slice. A filter or order that does not fit the table becomes
// ReportSlice::error; only a failing summary (a bad metric column, which
// SummarizeAll would have caught first) fails the report.
absl::StatusOr<ReportSlice> ApplySlice(const Context& context,
                                       SliceInput input) {
  ReportSlice slice;
  slice.kind = input.kind;
  slice.id = std::move(input.id);
  slice.name = std::move(input.name);
  slice.description = std::move(input.description);
  slice.filter_text = input.filter.ToString();
  slice.order_by = std::move(input.order_by);
  const absl::StatusOr<BoundFilter> bound =
      Bind(input.filter, context.table, context.resolver);
  if (!bound.ok()) {
    slice.error = std::string(bound.status().message());
    return slice;
  }
  const Selection rows = bound->Scan({.threads = context.options.threads});
  std::vector<RowIndex> page;
  if (context.options.page_rows > 0) {
    absl::StatusOr<OrderedPage> ordered =
        OrderPage(context.table, rows, slice.order_by, /*cursor=*/"",
                  context.options.page_rows);
    if (!ordered.ok()) {
      slice.error = std::string(ordered.status().message());
      return slice;
    }
    page = std::move(ordered->rows);
  }
  SLICEKIT_ASSIGN_OR_RETURN(slice.summary, Summarize(context.table, rows));
  slice.confidence = HistogramOf(context, rows, context.confidence_column,
                                 context.report.confidence);
  slice.iou =
      HistogramOf(context, rows, context.iou_column, context.report.iou);
  const Schema& schema = context.table.schema();
  for (int c : context.page_columns) {
    slice.page.columns.push_back(schema.column(c).name);
  }
  for (RowIndex row : page) {
    std::vector<std::optional<std::string>>& cells =
        slice.page.rows.emplace_back();
    for (int c : context.page_columns) {
      cells.push_back(CellText(context.reader, row, c));
    }
  }
  if (context.run != nullptr) {
    SLICEKIT_ASSIGN_OR_RETURN(
        const CocoEvaluation evaluation,
        context.run->coco.Evaluate(context.run->RunRows(rows)));
    slice.coco_stats = evaluation.stats;
    AddCurves(evaluation, context.run->run->classes,
              context.options.max_classes, &slice);
    AddErrors(*context.run->run, context.run->RunRows(rows), &slice);
  }
  if (context.options.store != nullptr &&
      slice.kind == ReportSlice::Kind::kSaved) {
    SLICEKIT_ASSIGN_OR_RETURN(
        const std::vector<SnapshotInfo> snapshots,
        context.options.store->ListSnapshots(context.options.org, slice.id));
    for (const SnapshotInfo& snapshot : snapshots) {
      slice.history.push_back(
          {snapshot.taken_at, static_cast<int64_t>(snapshot.summary.rows)});
    }
  }
  return slice;
}

}  // namespace

absl::StatusOr<Report> BuildReport(const Table& table,
                                   absl::Span<const Slice> saved_slices,
                                   const ReportOptions& options,
                                   const ModelRun* run) {
  SLICEKIT_RETURN_IF_ERROR(CheckOptions(options));
  const Schema& schema = table.schema();
  // Every column, k = the column's index: the histograms, dataset counts,
  // run rows and page cells read through it. Making it verifies a table
  // file opened with Verify::kOnFirstUse here, where an error can be
  // returned.
  std::vector<int> every_column(static_cast<size_t>(schema.num_columns()));
  std::iota(every_column.begin(), every_column.end(), 0);
  SLICEKIT_ASSIGN_OR_RETURN(const TableReader reader,
                            TableReader::Make(table, std::move(every_column)));
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<int> page_columns,
                            PageColumns(schema, options));
  Report report;
  report.title = options.title;
  report.generated_at = options.generated_at.value_or(absl::Now());
  report.max_classes = options.max_classes;
  if (options.comparison != nullptr) report.comparison = *options.comparison;
  SLICEKIT_ASSIGN_OR_RETURN(report.all, SummarizeAll(table));

  const int confidence_column =
      ColumnOfType(schema, "confidence", ColumnType::kFloat);
  const int iou_column = ColumnOfType(schema, "iou", ColumnType::kFloat);
  const Selection live = table.LiveRows();
  for (const auto& [column, histogram] :
       {std::pair{confidence_column, &report.confidence},
        std::pair{iou_column, &report.iou}}) {
    if (column < 0) continue;
    const size_t k = static_cast<size_t>(column);
    const auto [lo, hi] = internal::HistogramRange(reader, k);
    *histogram =
        internal::FloatHistogram(reader, k, live, lo, hi, options.bins);
  }
  SLICEKIT_RETURN_IF_ERROR(AddDatasets(table, reader, options, &report));

  std::vector<SliceInput> inputs;
  for (const Slice& slice : saved_slices) {
    inputs.push_back({ReportSlice::Kind::kSaved, slice.id, slice.name,
                      slice.description, slice.filter, slice.order_by});
  }
  if (options.auto_slices) {
    for (AutoSlice& slice : AutoSlices(schema)) {
      inputs.push_back({ReportSlice::Kind::kAuto, "", std::move(slice.name),
                        std::move(slice.description), std::move(slice.filter),
                        std::move(slice.order_by)});
    }
  }
  std::optional<RunEvaluation> evaluated;
  if (run != nullptr) {
    SLICEKIT_ASSIGN_OR_RETURN(
        evaluated, EvaluateRun(table, reader, *run, options.iou_type));
    // All data is the table's rows too, so that it compares with the slices.
    SLICEKIT_ASSIGN_OR_RETURN(
        const CocoEvaluation all,
        evaluated->coco.Evaluate(evaluated->RunRows(table.LiveRows())));
    report.coco_stats = all.stats;
  }
  std::unique_ptr<SliceResolver> resolver;
  if (options.store != nullptr) {
    SLICEKIT_ASSIGN_OR_RETURN(resolver, options.store->Resolver(options.org));
    report.history_from_store = true;
  } else {
    resolver = std::make_unique<SliceListResolver>(
        std::vector<Slice>(saved_slices.begin(), saved_slices.end()));
  }
  const Context context{table,
                        reader,
                        options,
                        page_columns,
                        confidence_column,
                        iou_column,
                        report,
                        *resolver,
                        evaluated.has_value() ? &*evaluated : nullptr};
  std::vector<ReportSlice> slices;
  slices.reserve(inputs.size());
  for (SliceInput& input : inputs) {
    SLICEKIT_ASSIGN_OR_RETURN(ReportSlice slice,
                              ApplySlice(context, std::move(input)));
    slices.push_back(std::move(slice));
  }
  report.slices = std::move(slices);

  if (run != nullptr) {
    RunInfo& info = report.run.emplace();
    info.rows = run->rows.size();
    info.classes = run->classes.size();
    info.iou_type = options.iou_type;
    for (int64_t r : evaluated->run_row) info.rows_in_table += r >= 0;
    for (const DataRow& row : run->rows) {
      info.ground_truths += row.ground_truths.size();
      info.predictions += row.predictions.size();
    }
  }
  return report;
}

absl::Status WriteReportHtml(const Report& report, const std::string& path) {
  const std::string html = RenderReportHtml(report);
  const auto fail = [&](absl::string_view what, int error) {
    return absl::UnknownError(
        absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(error)));
  };
  // A fresh name in the same directory (so the rename stays within one file
  // system), created exclusively; mode 0666 under the umask, like any
  // other output file.
  static std::atomic<uint64_t> counter{0};
  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    temp = absl::StrCat(path, ".tmp-", getpid(), "-", counter++);
    fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return fail("write the report", errno);
  size_t written = 0;
  while (written < html.size()) {
    const ssize_t n = write(fd, html.data() + written, html.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const absl::Status status = fail("write the report", errno);
      close(fd);
      unlink(temp.c_str());
      return status;
    }
    written += static_cast<size_t>(n);
  }
  if (close(fd) != 0) {
    const absl::Status status = fail("write the report", errno);
    unlink(temp.c_str());
    return status;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const absl::Status status = fail("replace", errno);
    unlink(temp.c_str());
    return status;
  }
  return absl::OkStatus();
}

absl::Status WriteReport(const Table& table,
                         absl::Span<const Slice> saved_slices,
                         const ReportOptions& options, const std::string& path,
                         const ModelRun* run) {
  SLICEKIT_ASSIGN_OR_RETURN(const Report report,
                            BuildReport(table, saved_slices, options, run));
  return WriteReportHtml(report, path);
}

}  // namespace slicekit
