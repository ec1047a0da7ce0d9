// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Comparing two runs (compare.h): compare_coco and compare_tables return
// the comparison as plain Python data, the JSON document of `slicekit
// compare`; slicekit.compare() makes a DataFrame of it (_compare.py).
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "slicekit/coco.h"
#include "slicekit/compare.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

py::object Number(std::optional<double> v) {
  return v ? py::object(py::float_(*v)) : py::object(py::none());
}

py::dict ResultDict(const CompareResult& r) {
  py::dict d;
  d["name"] = Decode(r.slice);
  d["filter"] = Decode(r.filter);
  d["metric"] = std::string(CompareMetricName(r.metric));
  d["images"] = r.images;
  d["base"] = Number(r.base);
  d["new"] = Number(r.new_value);
  d["delta"] = Number(r.delta);
  d["ci"] = r.ci ? py::object(py::make_tuple(r.ci->first, r.ci->second))
                 : py::object(py::none());
  d["p_value"] = Number(r.p_value);
  d["q_value"] = Number(r.q_value);
  d["verdict"] = std::string(VerdictName(r.verdict));
  d["test"] = std::string(CompareTestName(r.test));
  d["resamples"] = r.resamples;
  return d;
}

py::dict ComparisonDict(const Comparison& c) {
  py::dict out;
  out["base"] = Decode(c.base_name);
  out["new"] = Decode(c.new_name);
  out["images"] = c.images;
  const CompareOptions& o = c.options;
  py::list metrics;
  for (CompareMetric m : o.metrics) {
    metrics.append(std::string(CompareMetricName(m)));
  }
  py::dict options;
  options["metrics"] = metrics;
  options["bootstrap"] = o.bootstrap;
  options["seed"] = o.seed;
  options["confidence"] = o.confidence;
  options["fdr"] = o.fdr;
  options["tolerance"] = o.tolerance;
  options["min_images"] = o.min_images;
  options["threads"] = o.threads;
  options["iou_type"] = IouTypeName(o.base_thresholds.iou_type);
  out["options"] = options;
  py::list slices;
  for (const CompareResult& r : c.results) slices.append(ResultDict(r));
  out["slices"] = slices;
  py::list classes;
  for (const ClassApDelta& k : c.classes) {
    py::dict d;
    d["class"] = Decode(k.class_name);
    d["ground_truths"] = k.ground_truths;
    d["base"] = Number(k.base < 0 ? std::nullopt : std::optional(k.base));
    d["new"] =
        Number(k.new_value < 0 ? std::nullopt : std::optional(k.new_value));
    classes.append(d);
  }
  out["classes"] = classes;
  py::list discovered;
  for (const DiscoveredDelta& d : c.discovered) {
    py::dict e;
    e["filter"] = Decode(d.slice.filter.ToString());
    e["images"] = d.slice.size;
    e["mean_error_delta"] = d.mean_error_delta;
    e["ap_delta"] = Number(d.ap_delta);
    e["score"] = d.slice.score;
    discovered.append(e);
  }
  out["discovered"] = discovered;
  return out;
}

// The options and slices every entry point takes.
struct Request {
  std::vector<CompareSlice> slices;
  CompareOptions options;
};

Request MakeRequest(py::handle slices, const std::vector<std::string>& metrics,
                    int64_t bootstrap, uint64_t seed, double confidence,
                    double fdr, double tolerance, int64_t min_images,
                    int threads, py::handle resolver, bool discover,
                    bool missing_as_no_predictions) {
  Request r;
  for (py::handle item : py::iter(slices)) {
    py::tuple pair = py::reinterpret_borrow<py::tuple>(item);
    if (!PyTuple_Check(item.ptr()) || pair.size() != 2) {
      throw py::type_error("a slice must be a (name, filter) tuple");
    }
    r.slices.push_back({Encode(pair[0], "a slice name"), ToExpr(pair[1])});
  }
  for (const std::string& name : metrics) {
    r.options.metrics.push_back(Value(ParseCompareMetric(name)));
  }
  r.options.bootstrap = bootstrap;
  r.options.seed = seed;
  r.options.confidence = confidence;
  r.options.fdr = fdr;
  r.options.tolerance = tolerance;
  r.options.min_images = min_images;
  r.options.threads = threads;
  r.options.resolver = ToResolver(resolver);
  if (discover) r.options.discover = DiscoverOptions{};
  r.options.missing_as_no_predictions = missing_as_no_predictions;
  return r;
}

py::dict CompareCoco(py::handle gt_path, py::handle base_path,
                     py::handle new_path, py::handle slices,
                     const std::vector<std::string>& metrics, int64_t bootstrap,
                     uint64_t seed, double confidence, double fdr,
                     double tolerance, int64_t min_images, int threads,
                     py::handle resolver, bool discover,
                     bool missing_as_no_predictions,
                     const std::string& iou_type) {
  const std::string gt = PathArg(gt_path, "gt");
  const std::string base = PathArg(base_path, "base");
  const std::string fresh = PathArg(new_path, "new");
  Request request = MakeRequest(
      slices, metrics, bootstrap, seed, confidence, fdr, tolerance, min_images,
      threads, resolver, discover, missing_as_no_predictions);
  const IouType type = ParseIouType(iou_type);
  request.options.base_thresholds.iou_type = type;
  request.options.new_thresholds.iou_type = type;
  absl::StatusOr<Comparison> comparison = [&] {
    py::gil_scoped_release release;
    absl::StatusOr<ModelRun> b = ImportCocoFiles(gt, base);
    if (!b.ok()) return absl::StatusOr<Comparison>(b.status());
    absl::StatusOr<ModelRun> n = ImportCocoFiles(gt, fresh);
    if (!n.ok()) return absl::StatusOr<Comparison>(n.status());
    return CompareRuns(*b, *n, request.slices, request.options);
  }();
  Comparison c = Value(std::move(comparison));
  c.base_name = base;
  c.new_name = fresh;
  return ComparisonDict(c);
}

py::dict CompareTablesPy(const TablePtr& base, const TablePtr& fresh,
                         py::handle slices,
                         const std::vector<std::string>& metrics,
                         int64_t bootstrap, uint64_t seed, double confidence,
                         double fdr, double tolerance, int64_t min_images,
                         int threads, py::handle resolver, bool discover,
                         bool missing_as_no_predictions) {
  const Request request = MakeRequest(
      slices, metrics, bootstrap, seed, confidence, fdr, tolerance, min_images,
      threads, resolver, discover, missing_as_no_predictions);
  // Both tables read-locked, the base first (a table against itself only
  // once: shared locks of one mutex by one thread could deadlock a writer
  // waiting between them).
  absl::StatusOr<Comparison> comparison = Reading(*base, [&] {
    if (base == fresh) {
      return CompareTables(base->table, fresh->table, request.slices,
                           request.options);
    }
    std::shared_lock<std::shared_mutex> lock(fresh->mutex);
    return CompareTables(base->table, fresh->table, request.slices,
                         request.options);
  });
  return ComparisonDict(Value(std::move(comparison)));
}

}  // namespace

void BindCompare(py::module_& m) {
  m.def("compare_coco", &CompareCoco, py::arg("gt"), py::arg("base"),
        py::arg("new"), py::kw_only(), py::arg("slices") = py::list(),
        py::arg("metrics") = std::vector<std::string>{},
        py::arg("bootstrap") = 1000, py::arg("seed") = 1,
        py::arg("confidence") = 0.95, py::arg("fdr") = 0.05,
        py::arg("tolerance") = 0.0, py::arg("min_images") = 30,
        py::arg("threads") = 1, py::arg("resolver") = py::none(),
        py::arg("discover") = false,
        py::arg("missing_as_no_predictions") = false,
        py::arg("iou_type") = "bbox",
        "Compares two COCO results files over one ground truth on all data "
        "and each (name, filter) slice (docs/compare.md), matching boxes, "
        "masks (iou_type='segm') or keypoints; returns the JSON "
        "document of `slicekit compare` as a dict. slicekit.compare() makes "
        "a DataFrame of it.");
  m.def("compare_tables", &CompareTablesPy, py::arg("base"), py::arg("new"),
        py::kw_only(), py::arg("slices") = py::list(),
        py::arg("metrics") = std::vector<std::string>{},
        py::arg("bootstrap") = 1000, py::arg("seed") = 1,
        py::arg("confidence") = 0.95, py::arg("fdr") = 0.05,
        py::arg("tolerance") = 0.0, py::arg("min_images") = 30,
        py::arg("threads") = 1, py::arg("resolver") = py::none(),
        py::arg("discover") = false,
        py::arg("missing_as_no_predictions") = false,
        "The same for two metrics tables (precision, recall, f1; the "
        "bootstrap over rows).");
}

}  // namespace slicekit::python
