// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/report/render_compare.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/report/forest_plot.h"
#include "src/report/svg.h"

namespace slicekit::internal {
namespace {

// Okabe and Ito's vermillion, bluish green and blue; grey for too small.
absl::string_view VerdictColour(Verdict v) {
  switch (v) {
    case Verdict::kRegression:
      return "#D55E00";
    case Verdict::kImprovement:
      return "#009E73";
    case Verdict::kNoChange:
      return "#0072B2";
    case Verdict::kTooSmall:
      return "#999999";
  }
  return "#999999";
}

constexpr Verdict kVerdicts[] = {Verdict::kRegression, Verdict::kImprovement,
                                 Verdict::kNoChange, Verdict::kTooSmall};

std::string Fixed(std::optional<double> v, bool sign = false) {
  if (!v) return "\xE2\x80\x93";  // an en dash
  return sign ? absl::StrFormat("%+.4f", *v) : absl::StrFormat("%.4f", *v);
}

// A numeric cell with its exact value in data-value.
void Cell(absl::string_view name, std::optional<double> v, std::string text,
          std::string* out) {
  absl::StrAppend(out, "<td data-metric=\"", name, "\"");
  if (v) absl::StrAppend(out, " data-value=\"", ExactNumber(*v), "\"");
  if (!v) out->append(" class=\"null\"");
  out->append(">");
  AppendEscaped(text, out);
  out->append("</td>");
}

void MetricBlock(const Comparison& c, CompareMetric metric, std::string* out) {
  ForestPlot plot;
  plot.title = absl::StrCat(CompareMetricName(metric), ": new - base");
  plot.x_label =
      absl::StrFormat("delta with its %g%% CI", c.options.confidence * 100);
  for (Verdict v : kVerdicts) {
    plot.legend.emplace_back(VerdictName(v), VerdictColour(v));
  }
  std::string table = absl::StrCat(
      "<table class=\"compare\" data-metric=\"", CompareMetricName(metric),
      "\"><thead><tr><th>slice</th><th>images</th><th>base</th><th>new</th>"
      "<th>delta</th><th>CI</th><th>p</th><th>q</th><th class=\"text\">test"
      "</th><th class=\"text\">verdict</th></tr></thead><tbody>");
  for (const CompareResult& r : c.results) {
    if (r.metric != metric) continue;
    plot.rows.push_back(
        {r.slice, r.delta, r.ci, std::string(VerdictColour(r.verdict)),
         std::string(VerdictName(r.verdict)), r.verdict == Verdict::kTooSmall});
    table.append("<tr><td class=\"text\">");
    AppendEscaped(r.slice, &table);
    if (!r.filter.empty()) {
      table.append(" <code>");
      AppendEscaped(r.filter, &table);
      table.append("</code>");
    }
    table.append("</td>");
    Cell("images", static_cast<double>(r.images), absl::StrCat(r.images),
         &table);
    Cell("base", r.base, Fixed(r.base), &table);
    Cell("new", r.new_value, Fixed(r.new_value), &table);
    Cell("delta", r.delta, Fixed(r.delta, true), &table);
    table.append("<td data-metric=\"ci\">");
    if (r.ci) {
      AppendEscaped(
          absl::StrFormat("[%+.4f, %+.4f]", r.ci->first, r.ci->second), &table);
    }
    table.append("</td>");
    Cell("p", r.p_value, r.p_value ? absl::StrFormat("%.3g", *r.p_value) : "",
         &table);
    Cell("q", r.q_value, r.q_value ? absl::StrFormat("%.3g", *r.q_value) : "",
         &table);
    absl::StrAppend(&table, "<td class=\"text\">", CompareTestName(r.test),
                    "</td><td class=\"text verdict\" data-verdict=\"",
                    VerdictName(r.verdict),
                    "\" style=\"color: ", VerdictColour(r.verdict), "\">",
                    VerdictName(r.verdict), "</td></tr>");
  }
  table.append("</tbody></table>");
  absl::StrAppend(out, "<h3>", CompareMetricName(metric),
                  "</h3><div class=\"wide\">", RenderForestPlot(plot),
                  "</div><div class=\"wide\">", table, "</div>");
}

void Classes(const Comparison& c, std::string* out) {
  std::vector<const ClassApDelta*> classes;
  for (const ClassApDelta& k : c.classes) {
    if (k.base >= 0 && k.new_value >= 0) classes.push_back(&k);
  }
  if (classes.empty()) return;
  std::stable_sort(classes.begin(), classes.end(),
                   [](const ClassApDelta* a, const ClassApDelta* b) {
                     return a->new_value - a->base < b->new_value - b->base;
                   });
  ForestPlot plot;
  plot.title = "Per-class AP (all data): new - base";
  plot.x_label = "AP delta";
  std::string table =
      "<table class=\"compare-classes\"><thead><tr><th>class</th><th>ground "
      "truths</th><th>base AP</th><th>new AP</th><th>delta</th></tr></thead>"
      "<tbody>";
  for (const ClassApDelta* k : classes) {
    const double delta = k->new_value - k->base;
    plot.rows.push_back({k->class_name, delta, std::nullopt,
                         delta < 0 ? "#D55E00" : "#009E73", "", false});
    table.append("<tr><td class=\"text\">");
    AppendEscaped(k->class_name, &table);
    table.append("</td>");
    Cell("ground_truths", static_cast<double>(k->ground_truths),
         absl::StrCat(k->ground_truths), &table);
    Cell("base", k->base, Fixed(k->base), &table);
    Cell("new", k->new_value, Fixed(k->new_value), &table);
    Cell("delta", delta, Fixed(delta, true), &table);
    table.append("</tr>");
  }
  table.append("</tbody></table>");
  absl::StrAppend(out,
                  "<h3>Per-class AP</h3><p class=\"note\">Point "
                  "estimates over all images, worst first; not tested.</p>"
                  "<div class=\"wide\">",
                  RenderForestPlot(plot), "</div><div class=\"wide\">", table,
                  "</div>");
}

void Discovered(const Comparison& c, std::string* out) {
  if (!c.options.discover) return;
  out->append(
      "<h3>Where the new run errs more</h3><p class=\"note\">Slice "
      "discovery over each image's new minus base errors (fp + fn); "
      "not tested.</p>");
  if (c.discovered.empty()) {
    out->append("<p class=\"note\" data-empty=\"discovered\">None found.</p>");
    return;
  }
  out->append(
      "<table class=\"discovered\"><thead><tr><th>filter</th><th>"
      "images</th><th>errors per image</th><th>AP delta</th></tr>"
      "</thead><tbody>");
  for (const DiscoveredDelta& d : c.discovered) {
    out->append("<tr><td class=\"text\"><code>");
    AppendEscaped(d.slice.filter.ToString(), out);
    out->append("</code></td>");
    Cell("images", static_cast<double>(d.slice.size),
         absl::StrCat(d.slice.size), out);
    Cell("mean_error_delta", d.mean_error_delta,
         absl::StrFormat("%+.3f", d.mean_error_delta), out);
    Cell("ap_delta", d.ap_delta, Fixed(d.ap_delta, true), out);
    out->append("</tr>");
  }
  out->append("</tbody></table>");
}

}  // namespace

void ComparisonSection(const Comparison& c, std::string* out) {
  out->append(
      "<section id=\"comparison\"><h2>Comparison: new against base"
      "</h2><p class=\"meta\">base ");
  AppendEscaped(c.base_name.empty() ? "(unnamed)" : c.base_name, out);
  out->append(" \xC2\xB7 new ");
  AppendEscaped(c.new_name.empty() ? "(unnamed)" : c.new_name, out);
  const CompareOptions& o = c.options;
  absl::StrAppend(out, " \xC2\xB7 ", c.images,
                  " images \xC2\xB7 paired bootstrap, ", o.bootstrap,
                  " resamples (seed ", o.seed, "), ",
                  absl::StrFormat("%g", o.confidence * 100),
                  "% percentile CIs \xC2\xB7 Benjamini-Hochberg at FDR ",
                  absl::StrFormat("%g", o.fdr), " \xC2\xB7 tolerance ",
                  absl::StrFormat("%g", o.tolerance), " \xC2\xB7 slices under ",
                  o.min_images, " images are too small</p>");
  int counts[4] = {};
  for (const CompareResult& r : c.results) {
    ++counts[static_cast<int>(r.verdict)];
  }
  out->append("<p class=\"verdicts\">");
  for (Verdict v : kVerdicts) {
    absl::StrAppend(out, "<span data-verdict=\"", VerdictName(v),
                    "\" style=\"color: ", VerdictColour(v), "\">",
                    counts[static_cast<int>(v)], " ", VerdictName(v),
                    "</span> ");
  }
  out->append("</p>");
  for (CompareMetric metric : o.metrics) MetricBlock(c, metric, out);
  Classes(c, out);
  Discovered(c, out);
  out->append("</section>");
}

}  // namespace slicekit::internal
