// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/report/svg.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "utf8proc.h"

namespace slicekit::internal {
namespace {

constexpr double kFontSize = 11;
// Layout estimates text widths, since no font metrics are at hand: a code
// point of the sans-serif font at 11 px is about 6.2 px wide on average.
constexpr double kCharWidth = 6.2;
constexpr double kChartHeight = 260;
constexpr double kLeft = 64;  // room for the y label and tick labels
constexpr double kRight = 16;
constexpr double kBottom = 44;  // x tick labels and the x label
constexpr size_t kMaxLabelChars = 24;

size_t CodePoints(absl::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

double TextWidth(absl::string_view text) {
  return static_cast<double>(CodePoints(text)) * kCharWidth;
}

// A coordinate: one decimal is finer than a screen pixel.
std::string Px(double v) {
  if (std::fabs(v) < 0.05) v = 0;  // no "-0.0"
  return absl::StrFormat("%.1f", v);
}

// The layout every chart shares: the plot area inside the svg, the title
// on top, a legend under it and the axis labels outside the plot.
struct Frame {
  double width = 0;
  double height = kChartHeight;
  double left = kLeft;
  double top = 0;
  double right = 0;   // x of the plot's right edge
  double bottom = 0;  // y of the plot's bottom edge (the x axis)
  double y_lo = 0;    // values at the bottom and the top of the plot
  double y_hi = 1;

  double Y(double value) const {
    return bottom - (value - y_lo) / (y_hi - y_lo) * (bottom - top);
  }
};

struct LegendEntry {
  std::string name;
  std::string colour;
};

// The legend entries in rows that fit in `width`.
std::vector<std::vector<size_t>> LegendRows(
    const std::vector<LegendEntry>& entries, double width) {
  std::vector<std::vector<size_t>> rows;
  double x = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const double w =
        16 + TextWidth(Shortened(entries[i].name, kMaxLabelChars)) + 14;
    if (rows.empty() || (x + w > width && !rows.back().empty())) {
      rows.emplace_back();
      x = 0;
    }
    rows.back().push_back(i);
    x += w;
  }
  return rows;
}

// Opens the svg and writes the title and the legend; returns the y where
// the plot may start.
double OpenChart(const ChartText& text, double width, double height,
                 const std::vector<LegendEntry>& legend, std::string* out) {
  absl::StrAppend(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" ",
                  "class=\"chart\" width=\"", Px(width), "\" height=\"",
                  Px(height), "\" viewBox=\"0 0 ", Px(width), " ", Px(height),
                  "\" role=\"img\" font-family=\"sans-serif\" font-size=\"",
                  kFontSize, "\"><title>");
  AppendEscaped(text.title, out);
  absl::StrAppend(out, "</title><text class=\"chart-title\" x=\"", Px(kLeft),
                  "\" y=\"16\" font-size=\"13\" font-weight=\"bold\">");
  AppendEscaped(text.title, out);
  out->append("</text>");
  double y = 24;
  if (!legend.empty()) {
    out->append("<g class=\"legend\">");
    for (const std::vector<size_t>& row : LegendRows(legend, width - kLeft)) {
      double x = kLeft;
      for (size_t i : row) {
        const std::string name = Shortened(legend[i].name, kMaxLabelChars);
        absl::StrAppend(out, "<rect x=\"", Px(x), "\" y=\"", Px(y + 2),
                        "\" width=\"10\" height=\"10\" fill=\"",
                        legend[i].colour, "\"/><text x=\"", Px(x + 14),
                        "\" y=\"", Px(y + 11), "\">");
        AppendEscaped(name, out);
        out->append("</text>");
        x += 16 + TextWidth(name) + 14;
      }
      y += 16;
    }
    out->append("</g>");
  }
  return y + 10;
}

// The y axis with its ticks, grid lines and label.
void DrawYAxis(const Frame& frame, const Ticks& ticks, absl::string_view label,
               std::string* out) {
  out->append("<g class=\"y-axis\">");
  for (double value : ticks.values) {
    const std::string y = Px(frame.Y(value));
    absl::StrAppend(out, "<line x1=\"", Px(frame.left), "\" x2=\"",
                    Px(frame.right), "\" y1=\"", y, "\" y2=\"", y,
                    "\" stroke=\"#e3e3e3\"/><text class=\"tick\" x=\"",
                    Px(frame.left - 6), "\" y=\"", Px(frame.Y(value) + 4),
                    "\" text-anchor=\"end\">", TickLabel(value, ticks.decimals),
                    "</text>");
  }
  absl::StrAppend(out, "<line x1=\"", Px(frame.left), "\" x2=\"",
                  Px(frame.left), "\" y1=\"", Px(frame.top), "\" y2=\"",
                  Px(frame.bottom), "\" stroke=\"#333\"/>");
  const std::string x = "14";
  const std::string y = Px((frame.top + frame.bottom) / 2);
  absl::StrAppend(out, "<text class=\"y-label\" x=\"", x, "\" y=\"", y,
                  "\" transform=\"rotate(-90 ", x, " ", y,
                  ")\" text-anchor=\"middle\">");
  AppendEscaped(label, out);
  out->append("</text></g>");
}

// The x axis line and its label at the bottom of the svg.
void DrawXAxisLine(const Frame& frame, absl::string_view label,
                   std::string* out) {
  absl::StrAppend(out, "<line class=\"x-axis\" x1=\"", Px(frame.left),
                  "\" x2=\"", Px(frame.right), "\" y1=\"", Px(frame.bottom),
                  "\" y2=\"", Px(frame.bottom), "\" stroke=\"#333\"/>");
  absl::StrAppend(out, "<text class=\"x-label\" x=\"",
                  Px((frame.left + frame.right) / 2), "\" y=\"",
                  Px(frame.height - 8), "\" text-anchor=\"middle\">");
  AppendEscaped(label, out);
  out->append("</text>");
}

// Ticks on [lo, hi] of a numeric x axis, labelled by `format`.
void DrawXTicks(const Frame& frame, double lo, double hi, const Ticks& ticks,
                const std::function<std::string(double)>& format,
                std::string* out) {
  for (double value : ticks.values) {
    if (value < lo - 1e-9 * (hi - lo) || value > hi + 1e-9 * (hi - lo)) {
      continue;
    }
    const double x =
        frame.left + (value - lo) / (hi - lo) * (frame.right - frame.left);
    absl::StrAppend(out, "<line x1=\"", Px(x), "\" x2=\"", Px(x), "\" y1=\"",
                    Px(frame.bottom), "\" y2=\"", Px(frame.bottom + 4),
                    "\" stroke=\"#333\"/><text class=\"tick\" x=\"", Px(x),
                    "\" y=\"", Px(frame.bottom + 16),
                    "\" text-anchor=\"middle\">");
    AppendEscaped(format ? format(value) : TickLabel(value, ticks.decimals),
                  out);
    out->append("</text>");
  }
}

// The data attributes of a mark: its series, its key (category, bin or x)
// and its exact value.
void AppendMarkData(absl::string_view series, absl::string_view key,
                    absl::string_view key_value, double value,
                    std::string* out) {
  out->append(" data-series=\"");
  AppendEscaped(series, out);
  absl::StrAppend(out, "\" ", key, "=\"");
  AppendEscaped(key_value, out);
  absl::StrAppend(out, "\" data-value=\"", ExactNumber(value), "\"");
}

std::string ValueText(double value, int decimals) {
  if (std::fabs(value) >= 1e4) return TickLabel(value, 0);
  return absl::StrFormat("%.*f", decimals, value);
}

}  // namespace

std::string ExactNumber(double value) {
  char buffer[64];
  const std::to_chars_result result =
      std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

absl::string_view SeriesColour(size_t i) {
  return kSeriesColours[i % std::size(kSeriesColours)];
}

void AppendEscaped(absl::string_view text, std::string* out) {
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      switch (c) {
        case '&':
          out->append("&amp;");
          break;
        case '<':
          out->append("&lt;");
          break;
        case '>':
          out->append("&gt;");
          break;
        case '"':
          out->append("&quot;");
          break;
        case '\'':
          out->append("&#39;");
          break;
        case '\t':
        case '\n':
          out->push_back(static_cast<char>(c));
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            out->append(kReplacement);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    utf8proc_int32_t code_point = -1;
    const utf8proc_ssize_t n = utf8proc_iterate(
        bytes + i, static_cast<utf8proc_ssize_t>(text.size() - i), &code_point);
    // C1 controls and the two noncharacters XML 1.0 excludes go too.
    if (n <= 0 || (code_point >= 0x80 && code_point <= 0x9F) ||
        code_point == 0xFFFE || code_point == 0xFFFF) {
      out->append(kReplacement);
      i += n > 0 ? static_cast<size_t>(n) : 1;
      continue;
    }
    out->append(text.data() + i, static_cast<size_t>(n));
    i += static_cast<size_t>(n);
  }
}

std::string Shortened(absl::string_view text, size_t max_chars) {
  if (CodePoints(text) <= max_chars || max_chars == 0) {
    return std::string(text);
  }
  size_t chars = 0;
  size_t end = 0;
  // Keep max_chars - 1 code points, then the ellipsis.
  while (end < text.size()) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80) {
      if (chars == max_chars - 1) break;
      ++chars;
    }
    ++end;
  }
  return absl::StrCat(text.substr(0, end), "\xE2\x80\xA6");
}

Ticks NiceTicks(double lo, double hi, int target) {
  Ticks ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= lo == 0 ? 0 : pad;
    hi += pad;
  }
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double nice = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  ticks.step = nice * magnitude;
  // A little slack so that 0.30000000000000004 counts as 0.3.
  const double first = std::floor(lo / ticks.step + 1e-9);
  const double last = std::ceil(hi / ticks.step - 1e-9);
  // About `target` ticks; the cap only guards against ranges too narrow
  // for a double to step through.
  const int64_t count = std::min<int64_t>(std::llround(last - first), 1000);
  for (int64_t k = 0; k <= count; ++k) {
    double value = (first + static_cast<double>(k)) * ticks.step;
    if (value == 0) value = 0;  // no -0
    ticks.values.push_back(value);
  }
  ticks.lo = ticks.values.front();
  ticks.hi = ticks.values.back();
  ticks.decimals =
      std::max(0, static_cast<int>(-std::floor(std::log10(ticks.step) + 1e-9)));
  return ticks;
}

std::string TickLabel(double value, int decimals) {
  if (value == 0) return "0";
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e4) {
    static constexpr struct {
      double scale;
      const char* suffix;
    } kUnits[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const auto& unit : kUnits) {
      if (magnitude < unit.scale) continue;
      // Up to 3 significant digits, without trailing zeros: 12k, 1.5M.
      const double scaled = value / unit.scale;
      const double size = std::fabs(scaled);
      std::string text = absl::StrFormat("%.*f",
                                         size >= 100  ? 0
                                         : size >= 10 ? 1
                                                      : 2,
                                         scaled);
      if (text.find('.') != std::string::npos) {
        while (text.back() == '0') text.pop_back();
        if (text.back() == '.') text.pop_back();
      }
      return absl::StrCat(text, unit.suffix);
    }
  }
  return absl::StrFormat("%.*f", decimals, value);
}

std::string RenderBarChart(const BarChart& chart) {
  const size_t n = chart.categories.size();
  const size_t k = std::max<size_t>(chart.series.size(), 1);
  const double bar = k == 1 ? 28 : k <= 3 ? 22 : 12;
  const double gap = 14;
  const double group = static_cast<double>(k) * bar + gap;
  // Category labels turn 35 degrees when one does not fit its group.
  size_t longest = 0;
  for (const std::string& c : chart.categories) {
    longest = std::max(longest, std::min(CodePoints(c), kMaxLabelChars));
  }
  const bool slanted = static_cast<double>(longest) * kCharWidth > group;
  Frame frame;
  frame.width =
      std::max(420.0, kLeft + kRight + static_cast<double>(n) * group + gap);
  if (slanted) {
    frame.height += static_cast<double>(longest) * kCharWidth * 0.57;
  }
  std::vector<LegendEntry> legend;
  if (chart.series.size() > 1) {
    for (const BarSeries& s : chart.series)
      legend.push_back({s.name, s.colour});
  }
  std::string out;
  frame.top = OpenChart(chart.text, frame.width, frame.height, legend, &out);
  frame.right = frame.width - kRight;
  frame.bottom =
      frame.height - kBottom -
      (slanted ? static_cast<double>(longest) * kCharWidth * 0.57 : 0);
  double data_max = 0;
  for (const BarSeries& s : chart.series) {
    for (const std::optional<double>& v : s.values) {
      if (v.has_value() && std::isfinite(*v)) data_max = std::max(data_max, *v);
    }
  }
  const Ticks ticks = NiceTicks(0, chart.y_max.value_or(data_max));
  frame.y_lo = 0;
  frame.y_hi = ticks.hi;
  DrawYAxis(frame, ticks, chart.text.y_label, &out);

  // Values above the bars when they fit: 9 px digits are about 5 px wide.
  size_t widest = 0;
  for (const BarSeries& series : chart.series) {
    for (const std::optional<double>& v : series.values) {
      if (v.has_value() && std::isfinite(*v)) {
        widest = std::max(widest, ValueText(*v, chart.value_decimals).size());
      }
    }
  }
  const bool value_labels =
      static_cast<double>(widest) * 5.0 <= bar + 2 && n * k <= 60;
  out.append("<g class=\"bars\">");
  for (size_t c = 0; c < n; ++c) {
    const double x0 = frame.left + gap + static_cast<double>(c) * group;
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const BarSeries& series = chart.series[s];
      const double x = x0 + static_cast<double>(s) * bar;
      const std::optional<double> value =
          c < series.values.size() ? series.values[c] : std::nullopt;
      if (!value.has_value() || !std::isfinite(*value)) {
        absl::StrAppend(&out, "<text class=\"na\" x=\"", Px(x + bar / 2),
                        "\" y=\"", Px(frame.bottom - 4),
                        "\" text-anchor=\"middle\" font-size=\"9\" "
                        "fill=\"#555\">n/a</text>");
        continue;
      }
      const double v = std::max(0.0, *value);
      const double top = frame.Y(v);
      out.append("<rect class=\"bar\"");
      AppendMarkData(series.name, "data-category", chart.categories[c], *value,
                     &out);
      absl::StrAppend(&out, " x=\"", Px(x + 1), "\" y=\"", Px(top),
                      "\" width=\"", Px(bar - 2), "\" height=\"",
                      Px(frame.bottom - top), "\" fill=\"", series.colour,
                      "\"><title>");
      AppendEscaped(absl::StrCat(series.name, " \xC2\xB7 ", chart.categories[c],
                                 ": ", ValueText(*value, chart.value_decimals)),
                    &out);
      out.append("</title></rect>");
      if (value_labels) {
        absl::StrAppend(&out, "<text class=\"value\" x=\"", Px(x + bar / 2),
                        "\" y=\"", Px(top - 3),
                        "\" text-anchor=\"middle\" font-size=\"9\">",
                        ValueText(*value, chart.value_decimals), "</text>");
      }
    }
  }
  out.append("</g>");
  DrawXAxisLine(frame, chart.text.x_label, &out);
  for (size_t c = 0; c < n; ++c) {
    const double x = frame.left + gap + static_cast<double>(c) * group +
                     static_cast<double>(chart.series.size()) * bar / 2;
    const std::string label = Shortened(chart.categories[c], kMaxLabelChars);
    const std::string y = Px(frame.bottom + 14);
    absl::StrAppend(&out, "<text class=\"tick category\" x=\"", Px(x),
                    "\" y=\"", y, "\"");
    if (slanted) {
      absl::StrAppend(&out, " transform=\"rotate(-35 ", Px(x), " ", y,
                      ")\" text-anchor=\"end\"");
    } else {
      out.append(" text-anchor=\"middle\"");
    }
    out.append(">");
    AppendEscaped(label, &out);
    if (label != chart.categories[c]) {
      out.append("<title>");
      AppendEscaped(chart.categories[c], &out);
      out.append("</title>");
    }
    out.append("</text>");
  }
  if (n == 0) {
    absl::StrAppend(&out, "<text class=\"empty\" x=\"",
                    Px((frame.left + frame.right) / 2), "\" y=\"",
                    Px((frame.top + frame.bottom) / 2),
                    "\" text-anchor=\"middle\" fill=\"#555\">no data</text>");
  }
  out.append("</svg>");
  return out;
}

std::string RenderHistogramChart(const HistogramChart& chart) {
  Frame frame;
  frame.width = 420;
  std::vector<LegendEntry> legend;
  for (const HistogramSeries& s : chart.series)
    legend.push_back({s.name, s.colour});
  std::string out;
  frame.top = OpenChart(chart.text, frame.width, frame.height, legend, &out);
  frame.right = frame.width - kRight;
  frame.bottom = frame.height - kBottom;
  double data_max = 0;
  size_t bins = 0;
  for (const HistogramSeries& s : chart.series) {
    bins = std::max(bins, s.heights.size());
    for (double h : s.heights) {
      if (std::isfinite(h)) data_max = std::max(data_max, h);
    }
  }
  const Ticks y_ticks = NiceTicks(0, data_max);
  frame.y_lo = 0;
  frame.y_hi = y_ticks.hi;
  DrawYAxis(frame, y_ticks, chart.text.y_label, &out);
  const double lo = chart.lo;
  const double hi = chart.hi > chart.lo ? chart.hi : chart.lo + 1;
  const double bin_px =
      bins == 0 ? 0 : (frame.right - frame.left) / static_cast<double>(bins);
  // Translucent bins of every series, then every outline on top, so that
  // overlapping series stay readable.
  std::string outlines;
  for (const HistogramSeries& s : chart.series) {
    out.append("<g class=\"histogram\" data-series=\"");
    AppendEscaped(s.name, &out);
    out.append("\">");
    std::string outline;
    for (size_t b = 0; b < s.heights.size(); ++b) {
      const double h =
          std::isfinite(s.heights[b]) ? std::max(0.0, s.heights[b]) : 0;
      const double x = frame.left + static_cast<double>(b) * bin_px;
      const double top = frame.Y(h);
      const double bin_lo =
          lo + (hi - lo) * static_cast<double>(b) / static_cast<double>(bins);
      const double bin_hi = lo + (hi - lo) * static_cast<double>(b + 1) /
                                     static_cast<double>(bins);
      out.append("<rect class=\"bin\"");
      AppendMarkData(s.name, "data-bin", absl::StrCat(b), h, &out);
      absl::StrAppend(&out, " x=\"", Px(x), "\" y=\"", Px(top), "\" width=\"",
                      Px(bin_px), "\" height=\"", Px(frame.bottom - top),
                      "\" fill=\"", s.colour,
                      "\" fill-opacity=\"0.35\"><title>");
      AppendEscaped(absl::StrFormat("%s, [%s, %s): %s", s.name,
                                    TickLabel(bin_lo, 3), TickLabel(bin_hi, 3),
                                    ValueText(h, chart.value_decimals)),
                    &out);
      out.append("</title></rect>");
      absl::StrAppend(&outline, b == 0 ? "M" : " L", Px(x), " ", Px(top), " L",
                      Px(x + bin_px), " ", Px(top));
    }
    out.append("</g>");
    if (!outline.empty()) {
      absl::StrAppend(&outlines, "<path class=\"outline\" d=\"", outline,
                      "\" fill=\"none\" stroke=\"", s.colour,
                      "\" stroke-width=\"2\"/>");
    }
  }
  out.append(outlines);
  DrawXAxisLine(frame, chart.text.x_label, &out);
  DrawXTicks(frame, lo, hi, NiceTicks(lo, hi), nullptr, &out);
  out.append("</svg>");
  return out;
}

std::string RenderLineChart(const LineChart& chart) {
  Frame frame;
  frame.width = 420;
  std::vector<LegendEntry> legend;
  for (const LineSeries& s : chart.series) legend.push_back({s.name, s.colour});
  std::string out;
  frame.top = OpenChart(chart.text, frame.width, frame.height, legend, &out);
  frame.right = frame.width - kRight;
  frame.bottom = frame.height - kBottom;
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const LineSeries& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      x_lo = std::min(x_lo, x);
      x_hi = std::max(x_hi, x);
      y_lo = std::min(y_lo, y);
      y_hi = std::max(y_hi, y);
    }
  }
  if (x_lo > x_hi) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;  // no points
  if (chart.x_range.has_value()) std::tie(x_lo, x_hi) = *chart.x_range;
  if (x_hi <= x_lo) {  // one x: centre it
    x_lo -= 1;
    x_hi += 1;
  }
  Ticks y_ticks;
  if (chart.y_range.has_value()) {
    y_ticks = NiceTicks(chart.y_range->first, chart.y_range->second);
    frame.y_lo = chart.y_range->first;
    frame.y_hi = chart.y_range->second > chart.y_range->first
                     ? chart.y_range->second
                     : chart.y_range->first + 1;
  } else {
    y_ticks = NiceTicks(y_lo, y_hi);
    frame.y_lo = y_ticks.lo;
    frame.y_hi = y_ticks.hi;
  }
  DrawYAxis(frame, y_ticks, chart.text.y_label, &out);
  const auto X = [&](double x) {
    return frame.left + (x - x_lo) / (x_hi - x_lo) * (frame.right - frame.left);
  };
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const LineSeries& s = chart.series[i];
    out.append("<g class=\"line\" data-series=\"");
    AppendEscaped(s.name, &out);
    out.append("\">");
    std::string points;
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      absl::StrAppend(&points, points.empty() ? "" : " ", Px(X(x)), ",",
                      Px(frame.Y(y)));
    }
    absl::StrAppend(&out, "<polyline points=\"", points,
                    "\" fill=\"none\" stroke=\"", s.colour,
                    "\" stroke-width=\"2\"/>");
    // A different marker shape per series, so that lines differ by more
    // than colour.
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      const double px = X(x);
      const double py = frame.Y(y);
      std::string d;
      switch (i % 4) {
        case 0:  // circle
          d = absl::StrCat("M", Px(px - 3), " ", Px(py), " a3,3 0 1,0 6,0",
                           " a3,3 0 1,0 -6,0");
          break;
        case 1:  // square
          d = absl::StrCat("M", Px(px - 3), " ", Px(py - 3), " h6 v6 h-6 Z");
          break;
        case 2:  // triangle
          d = absl::StrCat("M", Px(px), " ", Px(py - 4), " L", Px(px + 4), " ",
                           Px(py + 3), " L", Px(px - 4), " ", Px(py + 3), " Z");
          break;
        default:  // diamond
          d = absl::StrCat("M", Px(px), " ", Px(py - 4), " L", Px(px + 4), " ",
                           Px(py), " L", Px(px), " ", Px(py + 4), " L",
                           Px(px - 4), " ", Px(py), " Z");
      }
      out.append("<path class=\"point\"");
      AppendMarkData(s.name, "data-x", ExactNumber(x), y, &out);
      absl::StrAppend(&out, " d=\"", d, "\" fill=\"", s.colour, "\"><title>");
      AppendEscaped(
          absl::StrCat(s.name, ": ",
                       chart.x_format ? chart.x_format(x) : TickLabel(x, 3),
                       ", ", TickLabel(y, 3)),
          &out);
      out.append("</title></path>");
    }
    out.append("</g>");
  }
  DrawXAxisLine(frame, chart.text.x_label, &out);
  DrawXTicks(frame, x_lo, x_hi, NiceTicks(x_lo, x_hi, 4), chart.x_format, &out);
  out.append("</svg>");
  return out;
}

}  // namespace slicekit::internal
