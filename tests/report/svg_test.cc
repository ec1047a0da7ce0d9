// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The report's SVG charts: well-formed XML (parsed by libxml2), escaped
// text, labelled axes, marks whose geometry is proportional to their
// values, and colours that stay apart under simulated colour blindness.
#include "src/report/svg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/report/xml.h"

namespace slicekit::internal {
namespace {

using ::slicekit::testing::XmlDoc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

XmlDoc ParseOrDie(const std::string& svg) {
  absl::StatusOr<XmlDoc> doc = XmlDoc::Parse(svg);
  EXPECT_TRUE(doc.ok()) << doc.status() << "\n" << svg;
  if (!doc.ok()) std::abort();
  return *std::move(doc);
}

// ---- Text -----------------------------------------------------------------

std::string Escaped(absl::string_view text) {
  std::string out;
  AppendEscaped(text, &out);
  return out;
}

TEST(SvgTest, EscapesMarkupCharacters) {
  EXPECT_EQ(Escaped(R"(a<b & "c" 'd' >)"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39; &gt;");
  EXPECT_EQ(Escaped("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x9A\x97"),
            "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x9A\x97");  // kept as UTF-8
  EXPECT_EQ(Escaped("tab\tnew\nline"), "tab\tnew\nline");
}

TEST(SvgTest, ReplacesInvalidUtf8AndControlCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(Escaped("a\xFF"
                    "b"),
            "a" + fffd + "b");
  EXPECT_EQ(Escaped("\xC3"), fffd);                        // truncated sequence
  EXPECT_EQ(Escaped("\xC0\xAF"), fffd + fffd);             // overlong '/'
  EXPECT_EQ(Escaped("\xED\xA0\x80"), fffd + fffd + fffd);  // a surrogate
  EXPECT_EQ(Escaped(std::string("a\0b", 3)), "a" + fffd + "b");
  EXPECT_EQ(Escaped("\x01\x1B\x7F\r"), fffd + fffd + fffd + fffd);
  EXPECT_EQ(Escaped("\xC2\x85"), fffd);      // C1 control U+0085
  EXPECT_EQ(Escaped("\xEF\xBF\xBE"), fffd);  // U+FFFE
  // Whatever the input, XML accepts the result.
  std::mt19937 random(12);
  for (int i = 0; i < 200; ++i) {
    std::string bytes(static_cast<size_t>(random() % 40), '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    const std::string xml =
        absl::StrCat("<t a=\"", Escaped(bytes), "\">", Escaped(bytes), "</t>");
    EXPECT_TRUE(XmlDoc::Parse(xml).ok()) << "seed 12, case " << i;
  }
}

TEST(SvgTest, ShortensByCodePoints) {
  EXPECT_EQ(Shortened("abc", 3), "abc");
  EXPECT_EQ(Shortened("abcd", 3), "ab\xE2\x80\xA6");
  // Never splits the two-byte ü.
  EXPECT_EQ(Shortened("\xC3\xBC\xC3\xBC\xC3\xBC\xC3\xBC", 3),
            "\xC3\xBC\xC3\xBC\xE2\x80\xA6");
}

// ---- Ticks ----------------------------------------------------------------

TEST(SvgTest, NiceTicksCoverTheRangeWithRoundSteps) {
  Ticks t = NiceTicks(0, 1);
  EXPECT_EQ(t.step, 0.2);
  EXPECT_EQ(t.decimals, 1);
  EXPECT_THAT(t.values, ElementsAre(0, 0.2, 0.4, 0.6000000000000001, 0.8, 1));
  t = NiceTicks(0, 484);
  EXPECT_EQ(t.step, 100);
  EXPECT_EQ(t.lo, 0);
  EXPECT_EQ(t.hi, 500);
  t = NiceTicks(-3, 7);
  EXPECT_EQ(t.step, 2);
  EXPECT_EQ(t.lo, -4);
  EXPECT_EQ(t.hi, 8);
  t = NiceTicks(5, 5);  // one value: a range around it
  EXPECT_LE(t.lo, 5);
  EXPECT_GT(t.hi, 5);
  t = NiceTicks(0, 0);
  EXPECT_EQ(t.lo, 0);
  EXPECT_EQ(t.hi, 1);
}

TEST(SvgTest, TickLabels) {
  EXPECT_EQ(TickLabel(0.6000000000000001, 1), "0.6");
  EXPECT_EQ(TickLabel(0, 3), "0");
  EXPECT_EQ(TickLabel(-0.5, 1), "-0.5");
  EXPECT_EQ(TickLabel(9999, 0), "9999");
  EXPECT_EQ(TickLabel(20000, 0), "20k");
  EXPECT_EQ(TickLabel(1500000, 0), "1.5M");
  EXPECT_EQ(TickLabel(999950, 0), "1000k");
  EXPECT_EQ(TickLabel(2.25e9, 0), "2.25G");
}

// ---- Bar charts -----------------------------------------------------------

BarChart HostileBarChart() {
  BarChart chart;
  chart.text = {"Title <&> \"q\"", "x label \xC3\xBC", "y & label"};
  chart.categories = {"cat <1>", "caf\xC3\xA9 & co", "third"};
  chart.series = {{"s\"1\"", "#0072B2", {0.25, 0.5, 1.0}},
                  {"s<2>", "#E69F00", {0.75, std::nullopt, 0.0}}};
  chart.y_max = 1;
  return chart;
}

TEST(SvgTest, BarChartIsWellFormedWithEscapedLabels) {
  const std::string svg = RenderBarChart(HostileBarChart());
  const XmlDoc doc = ParseOrDie(svg);
  EXPECT_EQ(doc.Text("/svg:svg/svg:title"), "Title <&> \"q\"");
  EXPECT_EQ(doc.Text("//svg:text[@class='chart-title']"), "Title <&> \"q\"");
  EXPECT_EQ(doc.Text("//svg:text[@class='x-label']"), "x label \xC3\xBC");
  EXPECT_EQ(doc.Text("//svg:text[@class='y-label']"), "y & label");
  std::vector<std::string> categories;
  for (xmlNodePtr n : doc.Nodes("//svg:text[contains(@class,'category')]")) {
    categories.push_back(XmlDoc::Content(n));
  }
  EXPECT_THAT(categories, ElementsAre("cat <1>", "caf\xC3\xA9 & co", "third"));
  std::vector<std::string> legend;
  for (xmlNodePtr n : doc.Nodes("//svg:g[@class='legend']/svg:text")) {
    legend.push_back(XmlDoc::Content(n));
  }
  EXPECT_THAT(legend, ElementsAre("s\"1\"", "s<2>"));
  // The y axis: ticks 0 to 1 by 0.2, labelled.
  std::vector<std::string> ticks;
  for (xmlNodePtr n :
       doc.Nodes("//svg:g[@class='y-axis']/svg:text[@class='tick']")) {
    ticks.push_back(XmlDoc::Content(n));
  }
  EXPECT_THAT(ticks, ElementsAre("0", "0.2", "0.4", "0.6", "0.8", "1.0"));
  // The missing value is marked, not drawn.
  EXPECT_EQ(doc.Nodes("//svg:rect[@class='bar']").size(), 5u);
  EXPECT_EQ(doc.Nodes("//svg:text[@class='na']").size(), 1u);
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
}

TEST(SvgTest, BarHeightsAreProportionalToValues) {
  BarChart chart;
  chart.text = {"counts", "class", "count"};
  chart.categories = {"a", "b", "c", "d"};
  chart.series = {{"TP", "#009E73", {10, 20, 35, 0}},
                  {"FP", "#D55E00", {5, 40, 1, 17}}};
  chart.value_decimals = 0;
  const XmlDoc doc = ParseOrDie(RenderBarChart(chart));
  const std::vector<xmlNodePtr> bars = doc.Nodes("//svg:rect[@class='bar']");
  ASSERT_EQ(bars.size(), 8u);
  // The axis runs from 0 to 40 (NiceTicks: steps of 10): height / value is
  // one constant, and the bars stand on one baseline.
  double pixels_per_unit = 0;
  double baseline = -1;
  for (xmlNodePtr bar : bars) {
    const double value = XmlDoc::Number(bar, "data-value");
    const double y = XmlDoc::Number(bar, "y");
    const double height = XmlDoc::Number(bar, "height");
    if (baseline < 0) baseline = y + height;
    EXPECT_NEAR(y + height, baseline, 0.11);
    if (value == 40) pixels_per_unit = height / value;
  }
  ASSERT_GT(pixels_per_unit, 0);
  for (xmlNodePtr bar : bars) {
    EXPECT_NEAR(XmlDoc::Number(bar, "height"),
                XmlDoc::Number(bar, "data-value") * pixels_per_unit, 0.11)
        << XmlDoc::Attribute(bar, "data-series") << " "
        << XmlDoc::Attribute(bar, "data-category");
  }
  // 40 is the top tick: the 40 bar spans the plot's height.
  const std::vector<xmlNodePtr> tick_lines =
      doc.Nodes("//svg:g[@class='y-axis']/svg:line[@stroke='#e3e3e3']");
  ASSERT_EQ(tick_lines.size(), 5u);  // 0, 10, ..., 40
  const double plot_height = XmlDoc::Number(tick_lines.front(), "y1") -
                             XmlDoc::Number(tick_lines.back(), "y1");
  EXPECT_NEAR(40 * pixels_per_unit, plot_height, 0.2);
  // Each bar has its series' colour and a tooltip with its value.
  EXPECT_EQ(XmlDoc::Attribute(bars[0], "fill"), "#009E73");
  EXPECT_EQ(XmlDoc::Attribute(bars[1], "fill"), "#D55E00");
  EXPECT_EQ(doc.Text("svg:title", bars[2]), "TP \xC2\xB7 b: 20");
  // Values short enough to fit above a bar are printed there.
  std::vector<std::string> labels;
  for (xmlNodePtr n : doc.Nodes("//svg:text[@class='value']")) {
    labels.push_back(XmlDoc::Content(n));
  }
  EXPECT_THAT(labels, ElementsAre("10", "5", "20", "40", "35", "1", "0", "17"));
}

TEST(SvgTest, EmptyBarChartSaysSo) {
  BarChart chart;
  chart.text = {"nothing", "x", "y"};
  const XmlDoc doc = ParseOrDie(RenderBarChart(chart));
  EXPECT_EQ(doc.Text("//svg:text[@class='empty']"), "no data");
  EXPECT_TRUE(doc.Nodes("//svg:rect[@class='bar']").empty());
}

// ---- Histograms -----------------------------------------------------------

TEST(SvgTest, HistogramBinsAreOverlaidOnSharedBins) {
  HistogramChart chart;
  chart.text = {"Confidence", "confidence", "% of rows"};
  chart.lo = 0;
  chart.hi = 1;
  chart.series = {{"all data", "#0072B2", {10, 20, 30, 40}},
                  {"this <slice>", "#E69F00", {40, 0, 0, 60}}};
  const XmlDoc doc = ParseOrDie(RenderHistogramChart(chart));
  const std::vector<xmlNodePtr> all =
      doc.Nodes("//svg:g[@data-series='all data']/svg:rect");
  const std::vector<xmlNodePtr> slice =
      doc.Nodes("//svg:g[@data-series='this <slice>']/svg:rect");
  ASSERT_EQ(all.size(), 4u);
  ASSERT_EQ(slice.size(), 4u);
  for (size_t b = 0; b < 4; ++b) {
    // Same bin, same x and width, for both series.
    EXPECT_EQ(XmlDoc::Attribute(all[b], "x"), XmlDoc::Attribute(slice[b], "x"));
    EXPECT_EQ(XmlDoc::Attribute(all[b], "width"),
              XmlDoc::Attribute(slice[b], "width"));
    EXPECT_EQ(XmlDoc::Attribute(all[b], "data-bin"), absl::StrCat(b));
  }
  // Heights on one scale: 60 is 1.5 times 40, 20 is half of 40.
  const auto height = [](xmlNodePtr n) { return XmlDoc::Number(n, "height"); };
  EXPECT_NEAR(height(slice[3]), 1.5 * height(slice[0]), 0.2);
  EXPECT_NEAR(height(all[1]), 0.5 * height(all[3]), 0.2);
  EXPECT_EQ(height(slice[1]), 0);
  // x ticks at 0, 0.2, ..., 1 and both axis labels.
  std::vector<std::string> x_ticks;
  for (xmlNodePtr n : doc.Nodes("/svg:svg/svg:text[@class='tick']")) {
    x_ticks.push_back(XmlDoc::Content(n));
  }
  EXPECT_THAT(x_ticks, ElementsAre("0", "0.2", "0.4", "0.6", "0.8", "1.0"));
  EXPECT_EQ(doc.Text("//svg:text[@class='x-label']"), "confidence");
  EXPECT_EQ(doc.Text("//svg:text[@class='y-label']"), "% of rows");
  EXPECT_EQ(doc.Nodes("//svg:path[@class='outline']").size(), 2u);
}

// ---- Line charts (for PR curves and row counts over time) ----------------

TEST(SvgTest, LineChartPlacesPointsOnLinearAxes) {
  LineChart chart;
  chart.text = {"Precision-recall", "recall", "precision"};
  chart.x_range = {0, 1};
  chart.y_range = {0, 1};
  chart.series = {{"car", "#0072B2", {{0, 1}, {0.5, 0.8}, {1, 0.25}}},
                  {"per<son>", "#E69F00", {{0.1, 0.9}, {0.9, 0.1}}}};
  const XmlDoc doc = ParseOrDie(RenderLineChart(chart));
  const std::vector<xmlNodePtr> points =
      doc.Nodes("//svg:g[@data-series='car']/svg:path[@class='point']");
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(XmlDoc::Attribute(points[1], "data-x"), "0.5");
  EXPECT_EQ(XmlDoc::Attribute(points[1], "data-value"), "0.8");
  // The polyline's vertices: x linear in recall, y linear in precision.
  const std::string polyline = XmlDoc::Attribute(
      doc.Nodes("//svg:g[@data-series='car']/svg:polyline")[0], "points");
  double x[3], y[3];
  ASSERT_EQ(std::sscanf(polyline.c_str(), "%lf,%lf %lf,%lf %lf,%lf", &x[0],
                        &y[0], &x[1], &y[1], &x[2], &y[2]),
            6)
      << polyline;
  EXPECT_NEAR(x[1] - x[0], x[2] - x[1], 0.11);  // 0.5 steps
  EXPECT_NEAR((y[1] - y[0]) / (y[2] - y[0]), 0.2 / 0.75, 0.002);
  EXPECT_LT(y[0], y[2]);  // higher precision is higher up (smaller y)
  EXPECT_EQ(doc.Nodes("//svg:g[@class='legend']/svg:text").size(), 2u);
  EXPECT_EQ(doc.Text("//svg:text[@class='x-label']"), "recall");
  EXPECT_EQ(doc.Text("//svg:text[@class='y-label']"), "precision");
  // The two series have different marker shapes as well as colours.
  const std::string d0 = XmlDoc::Attribute(points[0], "d");
  const std::string d1 = XmlDoc::Attribute(
      doc.Nodes("//svg:g[@data-series='per<son>']/svg:path")[0], "d");
  EXPECT_NE(d0.find('a'), std::string::npos);  // circle arcs
  EXPECT_EQ(d1.find('a'), std::string::npos);
}

TEST(SvgTest, LineChartFormatsXTicksAndCopesWithOnePoint) {
  LineChart chart;
  chart.text = {"Rows over time", "time", "rows"};
  chart.series = {{"rows", "#0072B2", {{1000, 42}}}};
  chart.x_format = [](double x) { return absl::StrCat("t=", x, "<"); };
  const XmlDoc doc = ParseOrDie(RenderLineChart(chart));
  const std::vector<xmlNodePtr> ticks =
      doc.Nodes("/svg:svg/svg:text[@class='tick']");
  ASSERT_FALSE(ticks.empty());
  for (xmlNodePtr t : ticks) {
    EXPECT_THAT(XmlDoc::Content(t), ::testing::StartsWith("t="));
  }
  EXPECT_EQ(doc.Nodes("//svg:path[@class='point']").size(), 1u);
}

// ---- Colours --------------------------------------------------------------

// Machado, Oliveira and Fernandes (2009) simulation matrices at severity
// 1.0, applied to linear RGB.
using Matrix = std::array<std::array<double, 3>, 3>;
const std::map<std::string, Matrix>& Deficiencies() {
  static const auto* const kMatrices = new std::map<std::string, Matrix>{
      {"protanopia",
       {{{0.152286, 1.052583, -0.204868},
         {0.114503, 0.786281, 0.099216},
         {-0.003882, -0.048116, 1.051998}}}},
      {"deuteranopia",
       {{{0.367322, 0.860646, -0.227968},
         {0.280085, 0.672501, 0.047413},
         {-0.011820, 0.042940, 0.968881}}}},
      {"tritanopia",
       {{{1.255528, -0.076749, -0.178779},
         {-0.078411, 0.930809, 0.147602},
         {0.004733, 0.691367, 0.303900}}}},
      {"none", {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}}};
  return *kMatrices;
}

std::array<double, 3> Lab(absl::string_view hex, const Matrix& m) {
  std::array<double, 3> linear;
  for (int i = 0; i < 3; ++i) {
    const double c =
        std::stoi(std::string(hex.substr(1 + 2 * i, 2)), nullptr, 16) / 255.0;
    linear[i] = c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  }
  std::array<double, 3> rgb;
  for (int r = 0; r < 3; ++r) {
    rgb[r] = std::clamp(
        m[r][0] * linear[0] + m[r][1] * linear[1] + m[r][2] * linear[2], 0.0,
        1.0);
  }
  const double x =
      (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047;
  const double y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  const double z =
      (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883;
  const auto f = [](double t) {
    return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116;
  };
  return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

// The smallest CIE76 distance between two of `colours` under any of the
// simulated deficiencies.
double WorstDistance(const std::vector<absl::string_view>& colours,
                     std::string* where) {
  double worst = 1e9;
  for (const auto& [name, matrix] : Deficiencies()) {
    for (size_t i = 0; i < colours.size(); ++i) {
      for (size_t j = i + 1; j < colours.size(); ++j) {
        const auto a = Lab(colours[i], matrix);
        const auto b = Lab(colours[j], matrix);
        const double d = std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        if (d < worst) {
          worst = d;
          *where = absl::StrCat(name, ": ", colours[i], " vs ", colours[j]);
        }
      }
    }
  }
  return worst;
}

// A CIE76 distance of 15 is far beyond "just noticeable" (about 2.3).
constexpr double kDistinct = 15;

TEST(SvgTest, ChartColoursStayApartForColourBlindReaders) {
  std::string where;
  // The series palette, and the fixed sets the report uses together:
  // precision/recall/F1, TP/FP/FN, all data vs slice.
  const std::vector<std::vector<absl::string_view>> sets = {
      {std::begin(kSeriesColours), std::end(kSeriesColours)},
      {"#0072B2", "#E69F00", "#CC79A7"},
      {"#009E73", "#D55E00", "#0072B2"},
      {"#0072B2", "#E69F00"}};
  for (const auto& colours : sets) {
    EXPECT_GE(WorstDistance(colours, &where), kDistinct) << where;
  }
  for (absl::string_view c : kSeriesColours) {
    EXPECT_NE(std::find(std::begin(kOkabeIto), std::end(kOkabeIto), c),
              std::end(kOkabeIto))
        << c << " is not an Okabe-Ito colour";
  }
  // The check can fail: matplotlib's default red and green (tab10) come
  // within about 7 of each other for deuteranopes.
  EXPECT_LT(WorstDistance({"#D62728", "#2CA02C"}, &where), kDistinct) << where;
}

}  // namespace
}  // namespace slicekit::internal
