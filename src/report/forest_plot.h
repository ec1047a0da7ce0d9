// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: a forest plot, one row per slice (or class): its delta as a
// point and its confidence interval as a line, on a shared x axis with the
// zero line drawn, each row coloured by its verdict. An <svg> like the
// other charts (svg.h): a title, data attributes on every mark. Never
// installed.
#ifndef SLICEKIT_SRC_REPORT_FOREST_PLOT_H_
#define SLICEKIT_SRC_REPORT_FOREST_PLOT_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace slicekit::internal {

struct ForestRow {
  std::string label;
  std::optional<double> delta;  // nullopt: n/a (no point)
  std::optional<std::pair<double, double>> ci;
  std::string colour;
  std::string verdict;  // the data-verdict attribute
  bool hollow = false;  // an open marker (too small)
};

struct ForestPlot {
  std::string title;
  std::string x_label;
  std::vector<ForestRow> rows;
  // The legend: (name, colour), in order.
  std::vector<std::pair<std::string, std::string>> legend;
};

std::string RenderForestPlot(const ForestPlot& plot);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_REPORT_FOREST_PLOT_H_
