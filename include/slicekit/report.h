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
// Given a comparison of two runs (compare.h), a section shows it: a forest
// plot per metric and per-class AP deltas.
//
// Given the model run the table came from, each slice also gets COCO AP and
// per-class precision-recall curves over its images (CocoEvaluator, as
// pycocotools computes them); given the slice store, each saved slice gets
// its row count at each of its snapshots. See docs/report.md.
#ifndef SLICEKIT_REPORT_H_
#define SLICEKIT_REPORT_H_

#include <array>
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
#include "slicekit/calibration.h"
#include "slicekit/compare.h"
#include "slicekit/confusion_matrix.h"
#include "slicekit/explore.h"
#include "slicekit/metrics.h"
#include "slicekit/model_run.h"
#include "slicekit/order.h"
#include "slicekit/slice.h"
#include "slicekit/slice_store.h"
#include "slicekit/table.h"
#include "slicekit/tide.h"

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

// One class's precision-recall curve and average precision over a set of
// images, as pycocotools' accumulate() computes them (area "all", maxDets
// 100).
struct ClassCurve {
  std::string class_name;
  // By recall ascending. From BuildReport(): the interpolated precision at
  // the 101 COCO recall thresholds at IoU 0.50 (0 where the detections do
  // not reach that recall).
  std::vector<PrPoint> points;
  // AP@[.50:.95], COCO's AP; nullopt without ground truth.
  std::optional<double> ap;
  // AP at IoU 0.50 (the mean of the 101 points' precisions).
  std::optional<double> ap50;
  int64_t ground_truths = 0;  // regular (not crowd) ground truths
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
  // With a model run: COCOeval.summarize()'s 12 stats over the images of
  // the slice's rows (indexed by CocoStat; -1 where undefined), and the
  // per-class curves of the classes with ground truth among them, most
  // ground truths first, at most ReportOptions::max_classes of them
  // (`curves_left_out` more).
  std::optional<std::array<double, 12>> coco_stats;
  std::vector<ClassCurve> curves;
  size_t curves_left_out = 0;
  // With a model run, why the slice fails (docs/errors.md), over the same
  // images: TIDE's dAP per error type (nullopt where TIDE is undefined: no
  // ground truth and no detection), the confusion matrix (IoU .5,
  // confidence .5) and calibration over all classes (15 bins).
  std::optional<TideErrors> tide;
  std::optional<ConfusionMatrix> confusion;
  std::optional<Calibration> calibration;
  // With a slice store (saved slices): the slice's row count at each of its
  // snapshots (SliceStore::ListSnapshots), oldest first.
  std::vector<RowCountPoint> history;
};

// What the report says about the ground truth and predictions it was given.
struct RunInfo {
  size_t rows = 0;  // data rows (images)
  size_t ground_truths = 0;
  size_t predictions = 0;
  size_t classes = 0;
  // Data rows whose data_row_id is a live row of the table: the images a
  // slice's AP can count. A table computed from another run shares none.
  size_t rows_in_table = 0;
  // ReportOptions::iou_type.
  IouType iou_type = IouType::kBbox;
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
  // Set when a model run was given, with COCOeval.summarize()'s stats over
  // the images of all the table's live rows.
  std::optional<RunInfo> run;
  std::optional<std::array<double, 12>> coco_stats;
  // Whether ReportOptions::store was given (saved slices without snapshots
  // then say so).
  bool history_from_store = false;
  // The most classes a TP/FP/FN chart shows (ReportOptions::max_classes).
  size_t max_classes = 20;
  // ReportOptions::comparison's copy: the comparison section.
  std::optional<Comparison> comparison;
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
  // The store and org the saved slices came from, or null. With it, IN
  // SLICE references in filters resolve against the org's slices now
  // (SliceStore::Resolver) and each saved slice's history is read from its
  // snapshots; without it, references resolve among the saved slices given.
  SliceStore* store = nullptr;
  std::string org = "";
  // A comparison of two runs (CompareRuns(), CompareTables()) to show in
  // its own section: per metric a forest plot of each slice's delta with
  // its CI coloured by verdict, the numbers, per-class AP deltas. Copied
  // into the Report; may be null.
  const Comparison* comparison = nullptr;
  // What the run's COCO stats and PR curves match on (with a run): boxes or
  // instance masks. The table should come from the same (ComputeMetrics
  // with this iou_type) for its rows to tell the same story.
  IouType iou_type = IouType::kBbox;
};

// Builds the report of `table`: its summary, histograms of `confidence` and
// `iou` (bins over [min(0, lowest value), max(1, highest value)], shared by
// every slice), the datasets' summaries, then per slice (`saved_slices` in
// order, then the auto slices) its summary, histograms and first page of
// rows in its order. Summaries are Summarize()'s. A slice that does not
// apply to the table (its filter or order names a missing column, ...) is
// kept with ReportSlice::error set rather than failing the report.
// `run`, when given, is the model run the table was computed from (table
// rows and run rows are matched by data_row_id): the report gives its size,
// its COCO stats and, per slice, those over the images of the slice's rows
// with per-class PR curves (CocoEvaluator, equal to pycocotools with
// params.imgIds set to those images).
//
// Cost: per slice one scan, one summary pass, one histogram pass and a
// top-k of `page_rows`; about 0.15 s for 1M rows and 29 slices on one core
// (bench/report_benchmark.cc). With a run, one CocoEvaluator over it and
// one Evaluate() per slice (about 50 ms and 10-20 ms on 5,000 COCO images).
//
// Errors: InvalidArgument for an option outside its range, or when a metric
// column has the wrong type (Summarize()); NotFound for a page column the
// table lacks; the evaluator's for a run it rejects; the store's when it
// cannot be read.
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
