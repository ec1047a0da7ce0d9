// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "examples/cli/compare_output.h"

#include <cstdio>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "examples/cli/cli.h"
#include "nlohmann/json.hpp"

namespace slicekit::cli {
namespace {

std::string Fixed(std::optional<double> v, bool sign = false) {
  if (!v) return "-";
  return sign ? absl::StrFormat("%+.4f", *v) : absl::StrFormat("%.4f", *v);
}

std::string Interval(const CompareResult& r) {
  if (!r.ci) return "-";
  return absl::StrFormat("[%+.4f, %+.4f]", r.ci->first, r.ci->second);
}

std::string QValue(std::optional<double> q) {
  if (!q) return "-";
  return *q < 0.001 ? absl::StrFormat("%.1e", *q) : absl::StrFormat("%.3f", *q);
}

nlohmann::ordered_json Number(std::optional<double> v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json ResultJson(const CompareResult& r) {
  nlohmann::ordered_json j = {
      {"name", r.slice},
      {"filter", r.filter},
      {"metric", std::string(CompareMetricName(r.metric))},
      {"images", r.images},
      {"base", Number(r.base)},
      {"new", Number(r.new_value)},
      {"delta", Number(r.delta)},
      {"ci", r.ci ? nlohmann::ordered_json::array({r.ci->first, r.ci->second})
                  : nlohmann::ordered_json(nullptr)},
      {"p_value", Number(r.p_value)},
      {"q_value", Number(r.q_value)},
      {"verdict", std::string(VerdictName(r.verdict))},
      {"test", std::string(CompareTestName(r.test))},
      {"resamples", r.resamples},
      {"p_tail", Number(r.p_tail)},
  };
  if (r.test == CompareTest::kMcNemar) {
    j["flips"] = {{"worse", r.flips_worse}, {"better", r.flips_better}};
  }
  return j;
}

nlohmann::ordered_json OptionsJson(const CompareOptions& o) {
  nlohmann::ordered_json metrics = nlohmann::ordered_json::array();
  for (CompareMetric m : o.metrics) {
    metrics.push_back(std::string(CompareMetricName(m)));
  }
  return {{"metrics", metrics},
          {"bootstrap", o.bootstrap},
          {"seed", o.seed},
          {"confidence", o.confidence},
          {"fdr", o.fdr},
          {"tolerance", o.tolerance},
          {"min_images", o.min_images},
          {"threads", o.threads},
          {"iou_type", IouTypeName(o.base_thresholds.iou_type)}};
}

}  // namespace

bool PrintComparisonJson(const Comparison& c) {
  nlohmann::ordered_json out = {{"base", c.base_name},
                                {"new", c.new_name},
                                {"images", c.images},
                                {"options", OptionsJson(c.options)}};
  nlohmann::ordered_json slices = nlohmann::ordered_json::array();
  for (const CompareResult& r : c.results) slices.push_back(ResultJson(r));
  out["slices"] = std::move(slices);
  nlohmann::ordered_json classes = nlohmann::ordered_json::array();
  for (const ClassApDelta& k : c.classes) {
    auto ap = [](double v) {
      return Number(v < 0 ? std::nullopt : std::optional(v));
    };
    classes.push_back({{"class", k.class_name},
                       {"ground_truths", k.ground_truths},
                       {"base", ap(k.base)},
                       {"new", ap(k.new_value)}});
  }
  out["classes"] = std::move(classes);
  nlohmann::ordered_json discovered = nlohmann::ordered_json::array();
  for (const DiscoveredDelta& d : c.discovered) {
    discovered.push_back({{"filter", d.slice.filter.ToString()},
                          {"images", d.slice.size},
                          {"mean_error_delta", d.mean_error_delta},
                          {"ap_delta", Number(d.ap_delta)},
                          {"score", d.slice.score}});
  }
  out["discovered"] = std::move(discovered);
  // Not-a-number never appears (undefined is null); dump cannot throw.
  const std::string text = out.dump(1);
  return std::printf("%s\n", text.c_str()) >= 0 && std::fflush(stdout) == 0;
}

bool PrintComparisonText(const Comparison& c) {
  Output out;
  const CompareOptions& o = c.options;
  out.Line(absl::StrFormat("base: %s  new: %s  images: %d",
                           TextField(c.base_name), TextField(c.new_name),
                           c.images));
  out.Line(absl::StrFormat(
      "paired bootstrap: %d resamples, seed %d, %g%% CI; Benjamini-Hochberg "
      "at FDR %g; tolerance %g; min images %d",
      o.bootstrap, o.seed, o.confidence * 100, o.fdr, o.tolerance,
      o.min_images));
  size_t width = 8;
  for (const CompareResult& r : c.results) {
    width = std::max(width, TextField(r.slice).size());
  }
  width = std::min<size_t>(width, 40);
  for (CompareMetric metric : o.metrics) {
    out.Line("");
    out.Line(std::string(CompareMetricName(metric)));
    out.Line(absl::StrFormat("  %-*s %7s %7s %7s %8s  %-20s %7s  %s",
                             static_cast<int>(width), "slice", "images", "base",
                             "new", "delta", "ci", "q", "verdict"));
    for (const CompareResult& r : c.results) {
      if (r.metric != metric) continue;
      out.Line(absl::StrFormat("  %-*s %7d %7s %7s %8s  %-20s %7s  %s",
                               static_cast<int>(width), TextField(r.slice),
                               r.images, Fixed(r.base), Fixed(r.new_value),
                               Fixed(r.delta, true), Interval(r),
                               QValue(r.q_value), VerdictName(r.verdict)));
    }
  }
  if (o.discover) {
    out.Line("");
    out.Line(
        "where the new run errs more (discovery over new - base fp + fn per "
        "image; save one with slicekit slice ... create --where):");
    if (c.discovered.empty()) out.Line("  (none)");
    for (size_t i = 0; i < c.discovered.size(); ++i) {
      const DiscoveredDelta& d = c.discovered[i];
      out.Line(absl::StrFormat(
          "  %2d  images %6d  errors %+.3f per image  ap %8s  %s", i + 1,
          d.slice.size, d.mean_error_delta, Fixed(d.ap_delta, true),
          TextField(d.slice.filter.ToString())));
    }
  }
  return out.Flush();
}

}  // namespace slicekit::cli
