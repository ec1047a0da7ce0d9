// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the report's small SVG plotting code. Charts come out as one
// <svg> element each, with a title, labelled axes with ticks, a legend and
// the data marks; every mark carries data-series / data-value attributes
// (and a <title> tooltip) so tests and readers can check it. The output is
// well-formed XML that HTML parsers read the same way. Never installed.
#ifndef SLICEKIT_SRC_REPORT_SVG_H_
#define SLICEKIT_SRC_REPORT_SVG_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace slicekit::internal {

// Okabe and Ito's colour-blind-safe palette ("Color Universal Design",
// 2008), in their order: orange, sky blue, bluish green, yellow, blue,
// vermillion, reddish purple, black.
inline constexpr absl::string_view kOkabeIto[8] = {
    "#E69F00", "#56B4E9", "#009E73", "#F0E442",
    "#0072B2", "#D55E00", "#CC79A7", "#000000"};

// The colours of a chart's series, in order: six of the palette, picked so
// that every pair stays apart under simulated protanopia, deuteranopia and
// tritanopia (svg_test checks CIELAB distances); yellow is left out, as it
// is hard to see on white.
inline constexpr absl::string_view kSeriesColours[6] = {
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"};
// The colour of series `i` (cycling).
absl::string_view SeriesColour(size_t i);

// Appends `text` escaped for XML and HTML text and attribute values (& < >
// " '); bytes that are not valid UTF-8, C0 control characters other than
// tab and line feed, DEL and C1 controls become U+FFFD, so the result is
// always valid UTF-8 that XML 1.0 accepts.
void AppendEscaped(absl::string_view text, std::string* out);

// The shortest text that reads back as `value`: the data-value attributes
// carry the exact numbers behind what is drawn or printed rounded.
std::string ExactNumber(double value);

// Returns `text` cut to at most `max_chars` code points, ending with "…"
// when cut. Never splits a UTF-8 sequence.
std::string Shortened(absl::string_view text, size_t max_chars);

// Axis ticks: multiples of a "nice" step (1, 2 or 5 times a power of ten)
// covering [lo, hi], about `target` of them.
struct Ticks {
  double lo = 0;  // the first tick, <= the range's low end
  double hi = 1;  // the last tick, >= the range's high end
  double step = 1;
  int decimals = 0;  // digits after the point that show the step exactly
  std::vector<double> values;
};
Ticks NiceTicks(double lo, double hi, int target = 5);

// A tick label: `value` with `decimals` digits; values of 10,000 and above
// as k / M / G with up to 3 significant digits.
std::string TickLabel(double value, int decimals);

struct ChartText {
  std::string title;
  std::string x_label;
  std::string y_label;
};

// Grouped vertical bars: one group per category, one bar per series.
struct BarSeries {
  std::string name;
  std::string colour;
  std::vector<std::optional<double>> values;  // per category; nullopt: n/a
};
struct BarChart {
  ChartText text;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  // The top of the value axis; unset: from the data. The bottom is 0.
  std::optional<double> y_max;
  // Digits of the value printed above each bar (when bars are wide enough).
  int value_decimals = 3;
};
std::string RenderBarChart(const BarChart& chart);

// Overlaid histograms over shared equal-width bins on [lo, hi].
struct HistogramSeries {
  std::string name;
  std::string colour;
  std::vector<double> heights;  // per bin
};
struct HistogramChart {
  ChartText text;
  double lo = 0;
  double hi = 1;
  std::vector<HistogramSeries> series;  // all with the same number of bins
  int value_decimals = 1;               // of the tooltips
};
std::string RenderHistogramChart(const HistogramChart& chart);

// Lines through (x, y) points, with a marker at each point.
struct LineSeries {
  std::string name;
  std::string colour;
  std::vector<std::pair<double, double>> points;  // by x ascending
};
struct LineChart {
  ChartText text;
  std::vector<LineSeries> series;
  // Axis ranges; unset: from the data.
  std::optional<std::pair<double, double>> x_range;
  std::optional<std::pair<double, double>> y_range;
  // Tick labels of the x axis (for example dates); unset: TickLabel.
  std::function<std::string(double)> x_format;
};
std::string RenderLineChart(const LineChart& chart);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_REPORT_SVG_H_
