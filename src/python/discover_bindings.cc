// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Slice discovery (`slicekit discover`, DiscoverSlices) from Python, with
// the GIL released; slicekit/_discover.py shapes the answer into a
// DataFrame that can save its slices.
#include <string>
#include <utility>
#include <vector>

#include "slicekit/discover.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

py::tuple Discover(const TablePtr& table, const std::string& error,
                   int max_predicates, int top, double alpha,
                   int64_t min_support, int bins,
                   std::vector<std::string> features) {
  DiscoverOptions options;
  options.error = error;
  options.max_predicates = max_predicates;
  options.top_k = top;
  options.alpha = alpha;
  options.min_support = min_support;
  options.bins = bins;
  options.features = std::move(features);
  const DiscoveryResult result = Value(
      Reading(*table, [&] { return DiscoverSlices(table->table, options); }));
  py::list slices;
  for (const DiscoveredSlice& s : result.slices) {
    slices.append(py::make_tuple(
        s.filter, s.num_predicates, s.size, s.error_sum, s.mean_error,
        s.max_error, s.score, Decode(s.ToSliceSpec("").description)));
  }
  const DiscoveryStats& st = result.stats;
  py::dict stats;
  stats["rows"] = st.rows;
  stats["rows_without_error"] = st.rows_without_error;
  stats["total_error"] = st.total_error;
  stats["average_error"] = st.average_error;
  stats["features"] = DecodeIds(st.features);
  stats["predicates"] = st.predicates;
  stats["brute_force_slices"] = st.brute_force_slices;
  stats["evaluated"] = st.evaluated;
  return py::make_tuple(slices, stats);
}

}  // namespace

void BindDiscover(py::module_& m) {
  m.def("_discover", &Discover, py::arg("table"), py::arg("error"),
        py::arg("max_predicates"), py::arg("top"), py::arg("alpha"),
        py::arg("min_support"), py::arg("bins"), py::arg("features"),
        "DiscoverSlices(): (slices as tuples, stats); slicekit.discover "
        "wraps it.");
}

}  // namespace slicekit::python
