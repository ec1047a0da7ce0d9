// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The slice report: every saved slice and every auto slice of a table
// summarized beside all data and each dataset, with charts, as one
// self-contained HTML file (inline CSS and SVG; no script, no web font,
// nothing fetched), for a person to open in any browser.
//
//   BuildReport()       the numbers (a Report, plain data)
//   RenderReportHtml()  the HTML of a Report
//   WriteReport()       both, into a file, for a nightly pipeline
//
// A Report holds two optional parts that callers may fill before rendering
// and that BuildReport() leaves empty in this version: per-class precision-
// recall curves with AP (ReportSlice::curves) and a slice's row count over
// time (ReportSlice::history). The renderer draws them whenever present.
// See docs/report.md.
#ifndef SLICEKIT_REPORT_H_
#define SLICEKIT_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "slicekit/explore.h"
#include "slicekit/model_run.h"
#include "slicekit/order.h"
#include "slicekit/slice.h"
#include "slicekit/table.h"

namespace slicekit {

// Counts of a float column's values in equal-width bins over [lo, hi]:
// bin i holds [lo + i w, lo + (i + 1) w) with w = (hi - lo) / bins, and the
// last bin also holds hi. A value type.
struct Histogram {
  double lo = 0;
  double hi = 1;
  std::vector<int64_t> counts;  // empty: the table lacks the column
  int64_t nulls = 0;            // rows counted as NULL (no value)

  friend bool operator==(const Histogram&, const Histogram&) = default;
};

// One point of a precision-recall curve.
struct PrPoint {
  double recall = 0;
  double precision = 0;
};

// One class's precision-recall curve and average precision.
struct ClassCurve {
  std::string class_name;
  std::vector<PrPoint> points;  // by recall ascending
  std::optional<double> ap;
};

// A slice's row count at one time.
struct RowCountPoint {
  absl::Time time;
  int64_t rows = 0;
};

// One dataset's rows summarized (the `dataset = '<name>'` rows).
struct DatasetSummary {
  std::string dataset;
  SliceSummary summary;
};

// One page of a slice's rows as text: the cells of `columns`, NULL as
// nullopt.
struct RowPage {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// One slice of the report.
struct ReportSlice {
  enum class Kind { kSaved, kAuto };
  Kind kind = Kind::kSaved;
  std::string id;  // the store's id of a saved slice; empty for auto slices
  std::string name;
  std::string description;
  std::string filter_text;        // the filter in the text language
  std::vector<OrderBy> order_by;  // the order of `page`
  // Set when the slice cannot be applied to this table (a filter or order
  // column the table lacks, a type mismatch): the error's message. The
  // other fields below are then empty.
  std::optional<std::string> error;
  SliceSummary summary;  // Summarize() of the slice's rows
  Histogram confidence;  // of the slice's rows, bins as Report::confidence
  Histogram iou;
  RowPage page;  // the first rows in the slice's order
  // Per-class precision-recall curves and AP. Not computed by BuildReport()
  // in this version; drawn when filled.
  std::vector<ClassCurve> curves;
  // The slice's row count over time, oldest first. Not computed by
  // BuildReport() in this version (the store keeps no history yet); drawn
  // when filled.
  std::vector<RowCountPoint> history;
};

// What the report says about the ground truth and predictions it was given.
struct RunInfo {
  size_t rows = 0;  // data rows (images)
  size_t ground_truths = 0;
  size_t predictions = 0;
  size_t classes = 0;
};

// The numbers of a report. A value type; RenderReportHtml() needs nothing
// else.
struct Report {
  std::string title;
  absl::Time generated_at;
  SliceSummary all;      // every live row: SummarizeAll()
  Histogram confidence;  // of every live row
  Histogram iou;
  // The datasets with the most rows (at most ReportOptions::max_datasets),
  // by rows descending, ties by name; empty without a categorical `dataset`
  // column.
  std::vector<DatasetSummary> datasets;
  size_t datasets_left_out = 0;
  // The saved slices in the order given, then the auto slices.
  std::vector<ReportSlice> slices;
  // Set when a model run was given.
  std::optional<RunInfo> run;
  // The most classes a TP/FP/FN chart shows (ReportOptions::max_classes).
  size_t max_classes = 20;
};

struct ReportOptions {
  std::string title = "slicekit slice report";
  // Adds the auto slices (AutoSlices()) after the saved ones.
  bool auto_slices = true;
  // Rows on each slice's first page, in [0, 1000].
  size_t page_rows = 10;
  // The columns of the pages, in this order; each must be in the table.
  // Empty: data_row_id and the other columns without a class scope (no
  // `[`), at most 12.
  std::vector<std::string> page_columns = {};
  // Histogram bins, in [1, 200].
  int bins = 20;
  // Datasets summarized beside the slices, in [0, 100].
  size_t max_datasets = 12;
  // Classes per TP/FP/FN chart (the ones with the most TP + FP + FN),
  // in [1, 200].
  size_t max_classes = 20;
  // Scan threads.
  int threads = 1;
  // The time printed in the report; unset: now.
  std::optional<absl::Time> generated_at = std::nullopt;
};

// Builds the report of `table`: its summary, histograms of `confidence` and
// `iou` (bins over [min(0, lowest value), max(1, highest value)], shared by
// every slice), the datasets' summaries, then per slice (`saved_slices` in
// order, then the auto slices) its summary, histograms and first page of
// rows in its order. Summaries are Summarize()'s. A slice that does not
// apply to the table (its filter or order names a missing column, ...) is
// kept with ReportSlice::error set rather than failing the report.
// `run`, when given, is the model run the table was computed from; this
// version reports only its size (RunInfo).
//
// Cost: per slice one scan, one summary pass, one histogram pass and a
// top-k of `page_rows`; about 0.15 s for 1M rows and 29 slices on one core
// (bench/report_benchmark.cc).
//
// Errors: InvalidArgument for an option outside its range, or when a metric
// column has the wrong type (Summarize()); NotFound for a page column the
// table lacks.
absl::StatusOr<Report> BuildReport(const Table& table,
                                   absl::Span<const Slice> saved_slices,
                                   const ReportOptions& options = {},
                                   const ModelRun* run = nullptr);

// Returns the report as one HTML document (UTF-8): inline CSS, one inline
// SVG per chart, no script, no external resource. Every string from the
// data (names, filters, cells) is escaped; bytes that are not valid UTF-8
// and control characters become U+FFFD. The markup is also well-formed XML.
std::string RenderReportHtml(const Report& report);

// Writes RenderReportHtml(report) to `path`: to a temporary file beside it,
// then renamed over it, so a reader never sees a partial report. Errors:
// Unknown naming the path and the system error when the file cannot be
// written (the temporary file is removed).
absl::Status WriteReportHtml(const Report& report, const std::string& path);

// BuildReport(), then WriteReportHtml(). Errors: those of both.
absl::Status WriteReport(const Table& table,
                         absl::Span<const Slice> saved_slices,
                         const ReportOptions& options, const std::string& path,
                         const ModelRun* run = nullptr);

}  // namespace slicekit

#endif  // SLICEKIT_REPORT_H_
