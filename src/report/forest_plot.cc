// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/report/forest_plot.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/report/svg.h"

namespace slicekit::internal {
namespace {

constexpr double kLabelWidth = 230;  // the slice names, left of the plot
constexpr double kPlotWidth = 380;
constexpr double kValueWidth = 190;  // "-0.0123 [-0.0200, -0.0050]"
constexpr double kRowHeight = 20;
constexpr double kTop = 44;     // title and legend
constexpr double kBottom = 40;  // ticks and the x label
constexpr size_t kMaxLabelChars = 34;

std::string Px(double v) { return absl::StrFormat("%.1f", v); }

}  // namespace

std::string RenderForestPlot(const ForestPlot& plot) {
  const double width = kLabelWidth + kPlotWidth + kValueWidth;
  const double height =
      kTop + static_cast<double>(plot.rows.size()) * kRowHeight + kBottom;
  // The x range: every interval and point, and zero.
  double lo = 0, hi = 0;
  for (const ForestRow& row : plot.rows) {
    for (std::optional<double> v :
         {row.delta, row.ci ? std::optional(row.ci->first) : std::nullopt,
          row.ci ? std::optional(row.ci->second) : std::nullopt}) {
      if (v && std::isfinite(*v)) lo = std::min(lo, *v), hi = std::max(hi, *v);
    }
  }
  if (hi - lo < 1e-6) lo -= 0.01, hi += 0.01;
  const Ticks ticks = NiceTicks(lo, hi, 6);
  const double left = kLabelWidth, right = kLabelWidth + kPlotWidth;
  auto x = [&](double v) {
    return left + (v - ticks.lo) / (ticks.hi - ticks.lo) * (right - left);
  };
  const double bottom =
      kTop + static_cast<double>(plot.rows.size()) * kRowHeight;

  std::string out;
  absl::StrAppend(&out, "<svg xmlns=\"http://www.w3.org/2000/svg\" ",
                  "class=\"chart forest\" width=\"", Px(width), "\" height=\"",
                  Px(height), "\" viewBox=\"0 0 ", Px(width), " ", Px(height),
                  "\" role=\"img\" font-family=\"sans-serif\" "
                  "font-size=\"11\"><title>");
  AppendEscaped(plot.title, &out);
  out.append(
      "</title><text class=\"chart-title\" x=\"8\" y=\"16\" "
      "font-size=\"13\" font-weight=\"bold\">");
  AppendEscaped(plot.title, &out);
  out.append("</text><g class=\"legend\">");
  double lx = kLabelWidth;
  for (const auto& [name, colour] : plot.legend) {
    absl::StrAppend(&out, "<rect x=\"", Px(lx),
                    "\" y=\"24\" width=\"10\" "
                    "height=\"10\" fill=\"",
                    colour, "\"/><text x=\"", Px(lx + 14), "\" y=\"33\">");
    AppendEscaped(name, &out);
    out.append("</text>");
    lx += 14 + 6.2 * static_cast<double>(name.size()) + 16;
  }
  out.append("</g><g class=\"x-axis\">");
  for (double v : ticks.values) {
    absl::StrAppend(&out, "<line x1=\"", Px(x(v)), "\" x2=\"", Px(x(v)),
                    "\" y1=\"", Px(kTop), "\" y2=\"", Px(bottom),
                    "\" stroke=\"#e3e3e3\"/><text class=\"tick\" x=\"",
                    Px(x(v)), "\" y=\"", Px(bottom + 14),
                    "\" text-anchor=\"middle\">");
    AppendEscaped(TickLabel(v, ticks.decimals), &out);
    out.append("</text>");
  }
  absl::StrAppend(&out, "<text class=\"axis-label\" x=\"",
                  Px((left + right) / 2), "\" y=\"", Px(bottom + 32),
                  "\" text-anchor=\"middle\">");
  AppendEscaped(plot.x_label, &out);
  absl::StrAppend(&out, "</text></g><line class=\"zero\" x1=\"", Px(x(0)),
                  "\" x2=\"", Px(x(0)), "\" y1=\"", Px(kTop - 4), "\" y2=\"",
                  Px(bottom), "\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>");
  out.append("<g class=\"rows\">");
  for (size_t i = 0; i < plot.rows.size(); ++i) {
    const ForestRow& row = plot.rows[i];
    const double y = kTop + (static_cast<double>(i) + 0.5) * kRowHeight;
    out.append("<g class=\"forest-row\" data-series=\"");
    AppendEscaped(row.label, &out);
    out.append("\" data-verdict=\"");
    AppendEscaped(row.verdict, &out);
    out.append("\"");
    if (row.delta) {
      absl::StrAppend(&out, " data-value=\"", ExactNumber(*row.delta), "\"");
    }
    if (row.ci) {
      absl::StrAppend(&out, " data-lo=\"", ExactNumber(row.ci->first),
                      "\" data-hi=\"", ExactNumber(row.ci->second), "\"");
    }
    out.append("><title>");
    std::string tip = row.label;
    absl::StrAppend(&tip, ": ",
                    row.delta ? absl::StrFormat("%+.4f", *row.delta) : "n/a");
    if (row.ci) {
      absl::StrAppend(&tip, absl::StrFormat(" [%+.4f, %+.4f]", row.ci->first,
                                            row.ci->second));
    }
    if (!row.verdict.empty()) absl::StrAppend(&tip, ", ", row.verdict);
    AppendEscaped(tip, &out);
    absl::StrAppend(&out, "</title><text class=\"label\" x=\"", Px(left - 8),
                    "\" y=\"", Px(y + 4), "\" text-anchor=\"end\">");
    AppendEscaped(Shortened(row.label, kMaxLabelChars), &out);
    out.append("</text>");
    if (row.ci) {
      absl::StrAppend(&out, "<line class=\"ci\" x1=\"", Px(x(row.ci->first)),
                      "\" x2=\"", Px(x(row.ci->second)), "\" y1=\"", Px(y),
                      "\" y2=\"", Px(y), "\" stroke=\"", row.colour,
                      "\" stroke-width=\"2\"/>");
    }
    if (row.delta) {
      absl::StrAppend(&out, "<circle class=\"point\" cx=\"", Px(x(*row.delta)),
                      "\" cy=\"", Px(y), "\" r=\"4\" fill=\"",
                      row.hollow ? "#fff" : row.colour, "\" stroke=\"",
                      row.colour, "\" stroke-width=\"1.5\"/>");
    }
    absl::StrAppend(&out, "<text class=\"value\" x=\"", Px(right + 8),
                    "\" y=\"", Px(y + 4), "\">");
    std::string value =
        row.delta ? absl::StrFormat("%+.4f", *row.delta) : std::string("n/a");
    if (row.ci) {
      absl::StrAppend(&value, absl::StrFormat(" [%+.4f, %+.4f]", row.ci->first,
                                              row.ci->second));
    }
    AppendEscaped(value, &out);
    out.append("</text></g>");
  }
  out.append("</g></svg>");
  return out;
}

}  // namespace slicekit::internal
