// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The HTML report (`slicekit report`) from Python: a table, the saved
// slices of a store's org, a model run for COCO stats; built with the GIL
// released, returned as text or written atomically to a file.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "slicekit/report.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

struct ReportArgs {
  std::vector<Slice> slices;
  ReportOptions options;
  std::shared_ptr<SliceStore> store;  // kept alive while the report reads it
  RunPtr run;
};

ReportArgs MakeReportArgs(py::handle slices, py::handle store,
                          const std::string& org, py::handle run,
                          const std::string& title, bool auto_slices,
                          size_t page_rows, int bins, int threads) {
  ReportArgs a;
  for (py::handle s : slices) a.slices.push_back(s.cast<Slice>());
  a.options.title = title;
  a.options.auto_slices = auto_slices;
  a.options.page_rows = page_rows;
  a.options.bins = bins;
  a.options.threads = threads;
  if (!store.is_none()) {
    a.store = store.cast<const PyStore&>().Get();
    a.options.store = a.store.get();
    a.options.org = org;
  }
  if (!run.is_none()) {
    a.run = run.cast<RunPtr>();
    // The run's COCO stats match on what it was loaded for.
    a.options.iou_type = a.run->evaluator->iou_type();
  }
  return a;
}

// The report's HTML; with `path`, also written there (temporary file, then
// renamed). The table is `table`, or the run's metrics table at the
// default thresholds when `table` is None.
std::string ReportHtml(py::handle table_arg, py::handle slices,
                       py::handle store, const std::string& org, py::handle run,
                       const std::string& title, bool auto_slices,
                       size_t page_rows, int bins, int threads,
                       std::optional<std::string> path) {
  const ReportArgs a = MakeReportArgs(slices, store, org, run, title,
                                      auto_slices, page_rows, bins, threads);
  const ModelRun* model_run = a.run ? &a.run->run : nullptr;
  auto build = [&](const Table& table) -> absl::StatusOr<std::string> {
    absl::StatusOr<Report> report =
        BuildReport(table, a.slices, a.options, model_run);
    if (!report.ok()) return report.status();
    if (path.has_value()) {
      if (absl::Status s = WriteReportHtml(*report, *path); !s.ok()) return s;
    }
    return RenderReportHtml(*report);
  };
  if (table_arg.is_none()) {
    if (!a.run) {
      throw py::type_error("the report needs a table or a model run (gt=)");
    }
    return Value([&]() -> absl::StatusOr<std::string> {
      py::gil_scoped_release release;
      MetricsOptions options;
      options.iou_type = a.run->evaluator->iou_type();
      absl::StatusOr<RunMetrics> metrics = a.run->evaluator->Compute(options);
      if (!metrics.ok()) return metrics.status();
      absl::StatusOr<Table> table = MetricsToTable(a.run->run, *metrics);
      if (!table.ok()) return table.status();
      return build(*table);
    }());
  }
  const TablePtr table = table_arg.cast<TablePtr>();
  return Value(Reading(*table, [&] { return build(table->table); }));
}

}  // namespace

void BindReport(py::module_& m) {
  m.def(
      "_report_html",
      [](py::handle table, py::handle slices, py::handle store,
         const std::string& org, py::handle run, const std::string& title,
         bool auto_slices, size_t page_rows, int bins, int threads,
         py::handle path) {
        std::optional<std::string> p;
        if (!path.is_none()) p = PathArg(path, "path");
        return Decode(ReportHtml(table, slices, store, org, run, title,
                                 auto_slices, page_rows, bins, threads, p));
      },
      py::arg("table"), py::arg("slices"), py::arg("store"), py::arg("org"),
      py::arg("run"), py::arg("title"), py::arg("auto_slices"),
      py::arg("page_rows"), py::arg("bins"), py::arg("threads"),
      py::arg("path"),
      "The report's HTML (slicekit.report / write_report wrap it).");
}

}  // namespace slicekit::python
