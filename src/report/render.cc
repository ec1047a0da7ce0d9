// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// RenderReportHtml: one HTML document with inline CSS and SVG. No script,
// no web font, no link to anything outside the file. The markup is also
// well-formed XML (void elements self-closed, only XML's named entities),
// so tests can parse it with an XML parser; stable ids and data-*
// attributes carry the exact numbers behind what is shown.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "slicekit/report.h"
#include "src/report/render_compare.h"
#include "src/report/render_errors.h"
#include "src/report/svg.h"

namespace slicekit {
namespace {

using internal::AppendEscaped;
using internal::SeriesColour;

// The colours of the per-class count bars: TP bluish green, FP vermillion,
// FN blue (distinct under colour-vision-deficiency simulation; svg_test).
constexpr absl::string_view kTpColour = "#009E73";
constexpr absl::string_view kFpColour = "#D55E00";
constexpr absl::string_view kFnColour = "#0072B2";
// Precision, recall, F1: blue, orange, reddish purple.
constexpr absl::string_view kMetricColours[3] = {"#0072B2", "#E69F00",
                                                 "#CC79A7"};
// Histograms: all data blue, the slice orange.
constexpr absl::string_view kAllColour = "#0072B2";
constexpr absl::string_view kSliceColour = "#E69F00";
// Lines per PR chart: the series palette's size.
constexpr size_t kCurvesPerChart = 6;

constexpr char kStyle[] = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  margin: 0 auto; max-width: 1400px; padding: 0 24px 48px; color: #1a1a1a; background: #fff; line-height: 1.4; }
h1 { font-size: 26px; margin: 24px 0 4px; }
h2 { font-size: 20px; margin: 0 0 6px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta, .note { color: #555; }
.note { font-style: italic; margin: 4px 0; }
.error { color: #a4300b; font-weight: bold; }
section { border-top: 2px solid #ddd; padding: 18px 0 8px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 10px; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
tr.this td { font-weight: bold; background: #fdf3e1; }
td.null { color: #999; }
code { background: #f4f4f4; padding: 1px 4px; border-radius: 3px; font-size: 13px; white-space: pre-wrap; word-break: break-word; }
.kind { font-size: 12px; font-weight: normal; color: #fff; background: #0072B2; border-radius: 3px; padding: 1px 6px; vertical-align: middle; }
.kind.auto { background: #555; }
.charts { display: flex; flex-wrap: wrap; gap: 12px 24px; margin: 8px 0; }
.wide { overflow-x: auto; }
a { color: #0060a0; }
)css";

// 1234567 -> "1,234,567".
std::string Count(int64_t value) {
  const uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value)
                                       : static_cast<uint64_t>(value);
  const std::string digits = absl::StrCat(magnitude);
  std::string out = value < 0 ? "-" : "";
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Ratio(const std::optional<double>& value) {
  return value.has_value() ? absl::StrFormat("%.3f", *value) : "n/a";
}

std::optional<double> Share(size_t rows, size_t total) {
  if (total == 0) return std::nullopt;
  return static_cast<double>(rows) / static_cast<double>(total);
}

std::string Percent(const std::optional<double>& share) {
  return share.has_value() ? absl::StrFormat("%.1f%%", *share * 100) : "n/a";
}

// <td data-metric=".." data-value="..">text</td>: the exact value for
// machines, the rounded one for people.
void Cell(absl::string_view metric, const std::optional<double>& value,
          absl::string_view text, std::string* out) {
  absl::StrAppend(out, "<td data-metric=\"", metric, "\" data-value=\"",
                  value.has_value() ? internal::ExactNumber(*value) : "",
                  "\">");
  AppendEscaped(text, out);
  out->append("</td>");
}

void OrderText(const std::vector<OrderBy>& order_by, std::string* out) {
  std::vector<std::string> keys;
  for (const OrderBy& key : order_by) {
    keys.push_back(absl::StrCat(key.column, key.descending ? " desc" : " asc"));
  }
  keys.push_back("data_row_id asc");
  AppendEscaped(absl::StrJoin(keys, ", "), out);
}

// One row of a metrics table; `dataset` names the dataset of a dataset row.
void MetricsRow(absl::string_view row_kind, absl::string_view label,
                const SliceSummary& summary, size_t total_rows,
                std::string* out, const std::string* dataset = nullptr) {
  absl::StrAppend(out, "<tr data-row=\"", row_kind, "\"",
                  row_kind == "slice" ? " class=\"this\"" : "");
  if (dataset != nullptr) {
    out->append(" data-dataset=\"");
    AppendEscaped(*dataset, out);
    out->append("\"");
  }
  out->append(">");
  out->append("<td class=\"text\">");
  AppendEscaped(label, out);
  out->append("</td>");
  const auto rows = static_cast<int64_t>(summary.rows);
  Cell("rows", static_cast<double>(rows), Count(rows), out);
  const std::optional<double> share = Share(summary.rows, total_rows);
  Cell("share", share, Percent(share), out);
  Cell("tp", static_cast<double>(summary.tp), Count(summary.tp), out);
  Cell("fp", static_cast<double>(summary.fp), Count(summary.fp), out);
  Cell("fn", static_cast<double>(summary.fn), Count(summary.fn), out);
  Cell("precision", summary.precision, Ratio(summary.precision), out);
  Cell("recall", summary.recall, Ratio(summary.recall), out);
  Cell("f1", summary.f1, Ratio(summary.f1), out);
  Cell("mean_confidence", summary.mean_confidence,
       Ratio(summary.mean_confidence), out);
  Cell("mean_iou", summary.mean_iou, Ratio(summary.mean_iou), out);
  out->append("</tr>");
}

// The table of a slice (when given) beside all data and each dataset.
void MetricsTable(const Report& report, const ReportSlice* slice,
                  std::string* out) {
  out->append(
      "<div class=\"wide\"><table class=\"metrics\"><thead><tr><th></th>"
      "<th>rows</th><th>share</th><th>TP</th><th>FP</th><th>FN</th>"
      "<th>precision</th><th>recall</th><th>F1</th>"
      "<th>mean confidence</th><th>mean IoU</th></tr></thead><tbody>");
  const size_t total = report.all.rows;
  if (slice != nullptr) {
    MetricsRow("slice", "this slice", slice->summary, total, out);
  }
  MetricsRow("all", "all data", report.all, total, out);
  for (const DatasetSummary& dataset : report.datasets) {
    MetricsRow("dataset", absl::StrCat("dataset ", dataset.dataset),
               dataset.summary, total, out, &dataset.dataset);
  }
  out->append("</tbody></table></div>");
  if (report.datasets_left_out > 0) {
    absl::StrAppend(out, "<p class=\"note\">", report.datasets_left_out,
                    report.datasets_left_out == 1
                        ? " smaller dataset is not shown.</p>"
                        : " smaller datasets are not shown.</p>");
  }
}

// Precision, recall and F1 of the slice, all data and each dataset.
std::string MetricsChart(const Report& report, const ReportSlice* slice) {
  internal::BarChart chart;
  chart.text = {"Precision, recall and F1", "", "value"};
  chart.y_max = 1;
  std::vector<const SliceSummary*> groups;
  if (slice != nullptr) {
    chart.categories.push_back("this slice");
    groups.push_back(&slice->summary);
  }
  chart.categories.push_back("all data");
  groups.push_back(&report.all);
  for (const DatasetSummary& dataset : report.datasets) {
    chart.categories.push_back(dataset.dataset);
    groups.push_back(&dataset.summary);
  }
  const char* names[3] = {"precision", "recall", "F1"};
  for (int m = 0; m < 3; ++m) {
    internal::BarSeries& series = chart.series.emplace_back();
    series.name = names[m];
    series.colour = std::string(kMetricColours[m]);
    for (const SliceSummary* summary : groups) {
      series.values.push_back(m == 0   ? summary->precision
                              : m == 1 ? summary->recall
                                       : summary->f1);
    }
  }
  chart.value_decimals = 2;
  return RenderBarChart(chart);
}

// Percent of the rows with a value, per bin.
std::vector<double> Percents(const Histogram& histogram) {
  int64_t total = 0;
  for (int64_t c : histogram.counts) total += c;
  std::vector<double> out;
  for (int64_t c : histogram.counts) {
    out.push_back(total == 0 ? 0
                             : 100.0 * static_cast<double>(c) /
                                   static_cast<double>(total));
  }
  return out;
}

// A histogram of the slice over one of all data, or of all data alone.
void HistogramChart(absl::string_view title, absl::string_view axis,
                    const Histogram& all, const Histogram* slice,
                    std::string* out) {
  if (all.counts.empty()) {
    absl::StrAppend(out, "<p class=\"note\">No ", axis,
                    " histogram: the table has no float column '", axis,
                    "'.</p>");
    return;
  }
  internal::HistogramChart chart;
  chart.text = {std::string(title), std::string(axis),
                "% of rows with a value"};
  chart.lo = all.lo;
  chart.hi = all.hi;
  chart.series.push_back({"all data", std::string(kAllColour), Percents(all)});
  if (slice != nullptr) {
    chart.series.push_back(
        {"this slice", std::string(kSliceColour), Percents(*slice)});
  }
  out->append(RenderHistogramChart(chart));
}

// TP, FP and FN per class: the classes with the most of them.
void ClassChart(const SliceSummary& summary, size_t max_classes,
                std::string* out) {
  if (summary.classes.empty()) return;
  std::vector<const ClassSummary*> classes;
  for (const ClassSummary& c : summary.classes) classes.push_back(&c);
  std::stable_sort(classes.begin(), classes.end(),
                   [](const ClassSummary* a, const ClassSummary* b) {
                     return a->tp + a->fp + a->fn > b->tp + b->fp + b->fn;
                   });
  const size_t shown = std::min(classes.size(), max_classes);
  internal::BarChart chart;
  chart.text = {"TP, FP and FN per class", "class", "count"};
  chart.value_decimals = 0;
  chart.series = {{"TP", std::string(kTpColour), {}},
                  {"FP", std::string(kFpColour), {}},
                  {"FN", std::string(kFnColour), {}}};
  for (size_t i = 0; i < shown; ++i) {
    chart.categories.push_back(classes[i]->class_name);
    chart.series[0].values.push_back(static_cast<double>(classes[i]->tp));
    chart.series[1].values.push_back(static_cast<double>(classes[i]->fp));
    chart.series[2].values.push_back(static_cast<double>(classes[i]->fn));
  }
  out->append(RenderBarChart(chart));
  if (shown < classes.size()) {
    const size_t left_out = classes.size() - shown;
    absl::StrAppend(out, "<p class=\"note\">", left_out,
                    left_out == 1 ? " class with fewer TP + FP + FN is"
                                  : " classes with fewer TP + FP + FN are",
                    " not shown.</p>");
  }
}

// -1 (pycocotools' "undefined") as nullopt.
std::optional<double> Stat(const std::optional<std::array<double, 12>>& stats,
                           int i) {
  if (!stats.has_value() || (*stats)[i] < 0) return std::nullopt;
  return (*stats)[i];
}

// COCOeval.summarize()'s numbers for the slice's images beside all data's.
void CocoStats(const Report& report, const ReportSlice& slice,
               std::string* out) {
  if (!slice.coco_stats.has_value()) return;
  static constexpr std::pair<const char*, const char*> kStats[12] = {
      {"ap", "AP @[.50:.95]"},     {"ap50", "AP @.50"},
      {"ap75", "AP @.75"},         {"ap_small", "AP small"},
      {"ap_medium", "AP medium"},  {"ap_large", "AP large"},
      {"ar1", "AR maxDets 1"},     {"ar10", "AR maxDets 10"},
      {"ar100", "AR maxDets 100"}, {"ar_small", "AR small"},
      {"ar_medium", "AR medium"},  {"ar_large", "AR large"}};
  // _summarizeKps' ten, maxDets 20.
  static constexpr std::pair<const char*, const char*> kKeypointStats[10] = {
      {"ap", "AP @[.50:.95]"},    {"ap50", "AP @.50"},
      {"ap75", "AP @.75"},        {"ap_medium", "AP medium"},
      {"ap_large", "AP large"},   {"ar", "AR @[.50:.95]"},
      {"ar50", "AR @.50"},        {"ar75", "AR @.75"},
      {"ar_medium", "AR medium"}, {"ar_large", "AR large"}};
  const bool keypoints =
      report.run.has_value() && report.run->iou_type == IouType::kKeypoints;
  const auto* labels = keypoints ? kKeypointStats : kStats;
  out->append(
      "<h3>COCO AP</h3><div class=\"wide\"><table class=\"coco\"><thead><tr>"
      "<th class=\"text\">stat</th><th>this slice</th><th>all data</th>"
      "</tr></thead><tbody>");
  for (int i = 0; i < (keypoints ? 10 : 12); ++i) {
    absl::StrAppend(out, "<tr data-stat=\"", labels[i].first,
                    "\"><td class=\"text\">", labels[i].second, "</td>");
    Cell("slice", Stat(slice.coco_stats, i), Ratio(Stat(slice.coco_stats, i)),
         out);
    Cell("all", Stat(report.coco_stats, i), Ratio(Stat(report.coco_stats, i)),
         out);
    out->append("</tr>");
  }
  out->append(
      "</tbody></table></div><p class=\"note\">Over the images of the "
      "slice's rows, as pycocotools' COCOeval.summarize() computes them "
      "with params.imgIds set to those images; n/a where it gives -1.</p>");
}

void Curves(const Report& report, const ReportSlice& slice, std::string* out) {
  CocoStats(report, slice, out);
  if (slice.curves.empty()) {
    if (slice.coco_stats.has_value()) {
      out->append(
          "<h3>Precision-recall per class</h3><p class=\"note\" "
          "data-empty=\"curves\">No ground truth among this slice's "
          "images.</p>");
    }
    return;
  }
  out->append(
      "<h3>Precision-recall per class</h3><p class=\"note\">At IoU 0.50, "
      "the interpolated precision at 101 recall points, as pycocotools' "
      "accumulate() computes it.</p><div class=\"charts\">");
  for (size_t first = 0; first < slice.curves.size();
       first += kCurvesPerChart) {
    internal::LineChart chart;
    chart.text = {"Precision-recall", "recall", "precision"};
    chart.x_range = {0, 1};
    chart.y_range = {0, 1};
    for (size_t i = first;
         i < std::min(slice.curves.size(), first + kCurvesPerChart); ++i) {
      internal::LineSeries& series = chart.series.emplace_back();
      series.name = slice.curves[i].class_name;
      series.colour = std::string(SeriesColour(i - first));
      for (const PrPoint& p : slice.curves[i].points) {
        series.points.push_back({p.recall, p.precision});
      }
    }
    out->append(RenderLineChart(chart));
  }
  out->append(
      "</div><table class=\"ap\"><thead><tr><th>class</th><th>ground "
      "truths</th><th>AP @[.50:.95]</th><th>AP @.50</th></tr></thead><tbody>");
  for (const ClassCurve& curve : slice.curves) {
    out->append("<tr><td class=\"text\">");
    AppendEscaped(curve.class_name, out);
    out->append("</td>");
    Cell("ground_truths", static_cast<double>(curve.ground_truths),
         Count(curve.ground_truths), out);
    Cell("ap", curve.ap, Ratio(curve.ap), out);
    Cell("ap50", curve.ap50, Ratio(curve.ap50), out);
    out->append("</tr>");
  }
  out->append("</tbody></table>");
  if (slice.curves_left_out > 0) {
    absl::StrAppend(out, "<p class=\"note\">", slice.curves_left_out,
                    slice.curves_left_out == 1
                        ? " class with fewer ground truths is"
                        : " classes with fewer ground truths are",
                    " not shown.</p>");
  }
}

void History(const Report& report, const ReportSlice& slice, std::string* out) {
  if (slice.history.empty()) {
    if (slice.kind == ReportSlice::Kind::kSaved && report.history_from_store) {
      out->append(
          "<h3>Rows over time</h3><p class=\"note\" "
          "data-empty=\"history\">No snapshots of this slice in the store "
          "(<code>slicekit slice ... snapshot</code> takes one).</p>");
    }
    return;
  }
  internal::LineChart chart;
  chart.text = {"Rows over time", "time (UTC)", "rows"};
  internal::LineSeries& series = chart.series.emplace_back();
  series.name = "rows";
  series.colour = std::string(SeriesColour(0));
  for (const RowCountPoint& point : slice.history) {
    series.points.push_back(
        {absl::ToDoubleSeconds(point.time - absl::UnixEpoch()),
         static_cast<double>(point.rows)});
  }
  const double span = series.points.back().first - series.points.front().first;
  const char* format = span < 2 * 86400 ? "%Y-%m-%d %H:%M" : "%Y-%m-%d";
  chart.x_format = [format](double seconds) {
    return absl::FormatTime(
        format, absl::FromUnixSeconds(static_cast<int64_t>(seconds)),
        absl::UTCTimeZone());
  };
  out->append("<h3>Rows over time</h3><div class=\"charts\">");
  out->append(RenderLineChart(chart));
  out->append("</div>");
}

void Page(const ReportSlice& slice, std::string* out) {
  absl::StrAppend(out, "<h3>First ", slice.page.rows.size(), " of ",
                  Count(static_cast<int64_t>(slice.summary.rows)),
                  " rows</h3>");
  if (slice.page.rows.empty()) return;
  out->append("<div class=\"wide\"><table class=\"rows\"><thead><tr>");
  for (const std::string& column : slice.page.columns) {
    out->append("<th class=\"text\">");
    AppendEscaped(column, out);
    out->append("</th>");
  }
  out->append("</tr></thead><tbody>");
  for (const std::vector<std::optional<std::string>>& row : slice.page.rows) {
    out->append("<tr>");
    for (const std::optional<std::string>& cell : row) {
      if (!cell.has_value()) {
        out->append("<td class=\"null\">NULL</td>");
        continue;
      }
      out->append("<td class=\"text\">");
      AppendEscaped(*cell, out);
      out->append("</td>");
    }
    out->append("</tr>");
  }
  out->append("</tbody></table></div>");
}

void SliceSection(const Report& report, size_t index, const ReportSlice& slice,
                  std::string* out) {
  const bool saved = slice.kind == ReportSlice::Kind::kSaved;
  absl::StrAppend(out, "<section class=\"slice\" id=\"slice-", index,
                  "\" data-index=\"", index, "\" data-kind=\"",
                  saved ? "saved" : "auto", "\" data-name=\"");
  AppendEscaped(slice.name, out);
  out->append("\"");
  if (!slice.error.has_value()) {
    absl::StrAppend(out, " data-rows=\"", slice.summary.rows, "\"");
  }
  out->append("><h2>");
  AppendEscaped(slice.name, out);
  absl::StrAppend(out, " <span class=\"kind", saved ? "" : " auto", "\">",
                  saved ? "saved slice" : "auto slice", "</span></h2>");
  if (!slice.description.empty()) {
    out->append("<p class=\"description\">");
    AppendEscaped(slice.description, out);
    out->append("</p>");
  }
  out->append("<p>filter: <code class=\"filter\">");
  AppendEscaped(slice.filter_text, out);
  out->append("</code> order: <code class=\"order\">");
  OrderText(slice.order_by, out);
  out->append("</code>");
  if (!slice.id.empty()) {
    out->append(" id: <code>");
    AppendEscaped(slice.id, out);
    out->append("</code>");
  }
  out->append("</p>");
  if (slice.error.has_value()) {
    out->append("<p class=\"error\">This slice does not apply to the table: ");
    AppendEscaped(*slice.error, out);
    out->append("</p></section>");
    return;
  }
  MetricsTable(report, &slice, out);
  out->append("<div class=\"charts\">");
  out->append(MetricsChart(report, &slice));
  HistogramChart("Confidence", "confidence", report.confidence,
                 &slice.confidence, out);
  HistogramChart("IoU", "iou", report.iou, &slice.iou, out);
  ClassChart(slice.summary, report.max_classes, out);
  out->append("</div>");
  if (!report.confidence.counts.empty() || !report.iou.counts.empty()) {
    absl::StrAppend(
        out, "<p class=\"note\">Rows without a value (NULL): confidence ",
        Count(slice.confidence.nulls), ", IoU ", Count(slice.iou.nulls),
        " in this slice.</p>");
  }
  Curves(report, slice, out);
  internal::ErrorsPart(slice, out);
  History(report, slice, out);
  Page(slice, out);
  out->append("</section>");
}

void Index(const Report& report, std::string* out) {
  out->append(
      "<section id=\"index\"><h2>Slices at a glance</h2><div class=\"wide\">"
      "<table class=\"index\"><thead><tr><th>slice</th><th class=\"text\">"
      "kind</th><th>rows</th><th>share</th><th>precision</th><th>recall</th>"
      "<th>F1</th></tr></thead><tbody>");
  for (size_t i = 0; i < report.slices.size(); ++i) {
    const ReportSlice& slice = report.slices[i];
    absl::StrAppend(out, "<tr data-index=\"", i, "\"><td><a href=\"#slice-", i,
                    "\">");
    AppendEscaped(slice.name, out);
    absl::StrAppend(out, "</a></td><td class=\"text\">",
                    slice.kind == ReportSlice::Kind::kSaved ? "saved" : "auto",
                    "</td>");
    if (slice.error.has_value()) {
      out->append("<td class=\"error\" colspan=\"5\">does not apply</td></tr>");
      continue;
    }
    const auto rows = static_cast<int64_t>(slice.summary.rows);
    Cell("rows", static_cast<double>(rows), Count(rows), out);
    const std::optional<double> share =
        Share(slice.summary.rows, report.all.rows);
    Cell("share", share, Percent(share), out);
    Cell("precision", slice.summary.precision, Ratio(slice.summary.precision),
         out);
    Cell("recall", slice.summary.recall, Ratio(slice.summary.recall), out);
    Cell("f1", slice.summary.f1, Ratio(slice.summary.f1), out);
    out->append("</tr>");
  }
  out->append("</tbody></table></div></section>");
}

void AllData(const Report& report, std::string* out) {
  absl::StrAppend(out, "<section id=\"all-data\" data-rows=\"", report.all.rows,
                  "\"><h2>All data</h2>");
  MetricsTable(report, nullptr, out);
  out->append("<div class=\"charts\">");
  out->append(MetricsChart(report, nullptr));
  HistogramChart("Confidence", "confidence", report.confidence, nullptr, out);
  HistogramChart("IoU", "iou", report.iou, nullptr, out);
  ClassChart(report.all, report.max_classes, out);
  out->append("</div>");
  if (report.run.has_value()) {
    absl::StrAppend(out, "<p id=\"run\">Model run: ", Count(report.run->rows),
                    " data rows, ", Count(report.run->ground_truths),
                    " ground-truth objects, ", Count(report.run->predictions),
                    " predictions, ", Count(report.run->classes), " classes.");
    if (report.run->iou_type == IouType::kSegm) {
      out->append(" Matched on instance masks (segm).");
    } else if (report.run->iou_type == IouType::kKeypoints) {
      out->append(" Matched on keypoints (OKS).");
    }
    if (report.run->rows_in_table < report.run->rows) {
      absl::StrAppend(
          out, " Only ", Count(report.run->rows_in_table),
          " of its data rows are live rows of the table; the slices' AP "
          "counts only those.");
    }
    out->append("</p>");
  }
  out->append("</section>");
}

}  // namespace

std::string RenderReportHtml(const Report& report) {
  std::string out;
  out.reserve(64 * 1024 * (report.slices.size() + 1));
  out.append(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\"/><meta name=\"generator\" content=\"slicekit\"/>"
      "<title>");
  AppendEscaped(report.title, &out);
  absl::StrAppend(&out, "</title><style>", kStyle,
                  "</style></head>\n<body><header><h1 id=\"title\">");
  AppendEscaped(report.title, &out);
  size_t saved = 0;
  for (const ReportSlice& slice : report.slices) {
    saved += slice.kind == ReportSlice::Kind::kSaved;
  }
  absl::StrAppend(&out, "</h1><p class=\"meta\">", Count(report.all.rows),
                  " rows \xC2\xB7 ", saved, " saved and ",
                  report.slices.size() - saved,
                  " auto slices \xC2\xB7 generated ",
                  absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", report.generated_at,
                                   absl::UTCTimeZone()),
                  " by slicekit</p></header>\n");
  Index(report, &out);
  out.push_back('\n');
  if (report.comparison.has_value()) {
    internal::ComparisonSection(*report.comparison, &out);
    out.push_back('\n');
  }
  AllData(report, &out);
  out.push_back('\n');
  for (size_t i = 0; i < report.slices.size(); ++i) {
    SliceSection(report, i, report.slices[i], &out);
    out.push_back('\n');
  }
  out.append("</body></html>\n");
  return out;
}

}  // namespace slicekit
