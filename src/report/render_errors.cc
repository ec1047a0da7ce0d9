// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/report/render_errors.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/report/svg.h"

namespace slicekit::internal {
namespace {

void TideBars(const TideErrors& t, std::string* out) {
  BarChart chart;
  chart.text = {"TIDE: AP50 points lost per error type", "error type",
                "dAP (AP points)"};
  chart.categories = {"cls", "loc",  "both",      "dupe",
                      "bkg", "miss", "false pos", "false neg"};
  BarSeries series;
  series.name = "dAP";
  series.colour = std::string(kOkabeIto[5]);
  series.values = {t.cls, t.loc,  t.both,      t.dupe,
                   t.bkg, t.miss, t.false_pos, t.false_neg};
  chart.series.push_back(std::move(series));
  chart.value_decimals = 2;
  absl::StrAppend(out, "<div class=\"chart\" data-chart=\"tide\" data-ap50=\"",
                  ExactNumber(t.ap), "\" data-loc=\"", ExactNumber(t.loc),
                  "\">", RenderBarChart(chart), "</div>");
}

// A cell's colour: white to Okabe-Ito blue by the share of its row.
std::string HeatColour(double share) {
  const double s = std::clamp(share, 0.0, 1.0);
  auto mix = [&](int to) {
    return static_cast<int>(255 + (to - 255) * s + 0.5);
  };
  return absl::StrFormat("#%02x%02x%02x", mix(0x00), mix(0x72), mix(0xB2));
}

void Heatmap(const ConfusionMatrix& m, std::string* out) {
  out->append(
      "<div class=\"wide\"><table class=\"confusion\" data-chart=\"confusion\">"
      "<caption>Confusion matrix (IoU .5, confidence .5; rows: ground truth, "
      "columns: predicted; shade: share of the row)</caption><thead><tr><th>"
      "</th>");
  for (const std::string& c : m.columns) {
    out->append("<th>");
    AppendEscaped(Shortened(c, 16), out);
    out->append("</th>");
  }
  out->append("</tr></thead><tbody>");
  for (size_t r = 0; r < m.labels.size(); ++r) {
    int64_t total = 0;
    for (int64_t v : m.counts[r]) total += v;
    out->append("<tr><th class=\"text\">");
    AppendEscaped(Shortened(m.labels[r], 24), out);
    out->append("</th>");
    for (int64_t v : m.counts[r]) {
      const double share =
          total > 0 ? static_cast<double>(v) / static_cast<double>(total) : 0;
      absl::StrAppend(out, "<td style=\"background:", HeatColour(share),
                      share > 0.55 ? ";color:#fff" : "", "\">", v, "</td>");
    }
    out->append("</tr>");
  }
  int64_t crowd = 0;
  for (int64_t v : m.crowd) crowd += v;
  absl::StrAppend(out, "</tbody></table></div><p class=\"note\">", crowd,
                  " predictions in crowd regions are not counted.</p>");
}

void Reliability(const Calibration& c, std::string* out) {
  LineChart chart;
  chart.text = {c.ece.has_value()
                    ? absl::StrFormat("Reliability diagram (ECE %.4f)", *c.ece)
                    : std::string("Reliability diagram (no detections)"),
                "confidence", "fraction right at IoU .5"};
  LineSeries perfect{
      "perfectly calibrated", std::string(kOkabeIto[7]), {{0, 0}, {1, 1}}};
  LineSeries observed{"observed", std::string(kOkabeIto[6]), {}};
  for (const ReliabilityBin& b : c.bins) {
    if (b.count > 0)
      observed.points.push_back({*b.mean_confidence, *b.accuracy});
  }
  chart.series = {std::move(perfect), std::move(observed)};
  chart.x_range = {0, 1};
  chart.y_range = {0, 1};
  absl::StrAppend(out, "<div class=\"chart\" data-chart=\"reliability\"",
                  c.ece.has_value()
                      ? absl::StrCat(" data-ece=\"", ExactNumber(*c.ece), "\"")
                      : std::string(),
                  ">", RenderLineChart(chart), "</div>");
}

}  // namespace

void ErrorsPart(const ReportSlice& slice, std::string* out) {
  if (!slice.tide && !slice.confusion && !slice.calibration) return;
  out->append("<h3>Why it fails</h3><div class=\"charts errors\">");
  if (slice.tide) TideBars(*slice.tide, out);
  if (slice.calibration) Reliability(*slice.calibration, out);
  out->append("</div>");
  if (slice.confusion) Heatmap(*slice.confusion, out);
  out->append(
      "<p class=\"note\">TIDE as the tidecv package computes it (foreground "
      "IoU .5, background .1), over the slice's images; see "
      "docs/errors.md.</p>");
}

}  // namespace slicekit::internal
