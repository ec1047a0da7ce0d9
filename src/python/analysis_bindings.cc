// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Analysis over a table: summaries, explore, auto slices and incremental
// curation. The GIL is released while they read the table.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "slicekit/auto_slices.h"
#include "slicekit/curation.h"
#include "slicekit/explore.h"
#include "slicekit/slice.h"
#include "slicekit/slice_summary.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

py::dict ClassSummaryDict(const ClassSummary& c) {
  py::dict d;
  d["class_name"] = Decode(c.class_name);
  d["tp"] = c.tp;
  d["fp"] = c.fp;
  d["fn"] = c.fn;
  d["precision"] = c.precision;
  d["recall"] = c.recall;
  d["f1"] = c.f1;
  return d;
}

py::dict SummaryDict(const SliceSummary& s) {
  py::dict d;
  d["rows"] = s.rows;
  d["tp"] = s.tp;
  d["fp"] = s.fp;
  d["fn"] = s.fn;
  d["precision"] = s.precision;
  d["recall"] = s.recall;
  d["f1"] = s.f1;
  d["mean_confidence"] = s.mean_confidence;
  d["mean_iou"] = s.mean_iou;
  d["confidence_count"] = s.confidence_count;
  d["iou_count"] = s.iou_count;
  py::list classes;
  for (const ClassSummary& c : s.classes) classes.append(ClassSummaryDict(c));
  d["classes"] = classes;
  return d;
}

std::string Optional(const std::optional<double>& v) {
  return v.has_value() ? absl::StrCat(*v) : "None";
}

// The filter and order of an explore/slice_row_ids target: a Slice, a
// BoundFilter of `table`, an Expr or filter text.
struct Target {
  std::optional<Slice> slice;
  std::optional<BoundFilter> bound;
  Expr expr;
};

Target ToTarget(const TablePtr& table, py::handle value) {
  Target t;
  if (py::isinstance<Slice>(value)) {
    t.slice = value.cast<Slice>();
  } else if (py::isinstance<PyBoundFilter>(value)) {
    const PyBoundFilter& b = value.cast<const PyBoundFilter&>();
    if (b.table != table) {
      throw StatusError(
          absl::InvalidArgumentError("the filter was bound to another table"));
    }
    t.bound = b.filter;
  } else {
    t.expr = ToExpr(value);
  }
  return t;
}

// The Python-side Curator: the C++ one and the table it points into.
struct PyCurator {
  TablePtr table;
  std::shared_ptr<const Curator> curator;
};

ExplorePage ExploreTarget(const TablePtr& table, py::handle target,
                          py::handle order_by, const std::string& cursor,
                          size_t limit, int threads, RowIndex begin_row,
                          std::optional<RowIndex> end_row, bool summarize,
                          py::handle resolver) {
  const Target t = ToTarget(table, target);
  if (threads < 1) {
    throw StatusError(absl::InvalidArgumentError(
        absl::StrCat("threads must be at least 1, not ", threads)));
  }
  ExploreOptions options;
  if (!order_by.is_none()) options.order_by = ToOrderBy(order_by);
  options.cursor = cursor;
  options.limit = limit;
  options.scan = ScanOptions{threads, begin_row, end_row};
  options.summarize = summarize;
  options.resolver = ToResolver(resolver);
  return Value(Reading(*table, [&] {
    if (t.slice.has_value()) return Explore(table->table, *t.slice, options);
    if (t.bound.has_value()) return Explore(table->table, *t.bound, options);
    return Explore(table->table, t.expr, options);
  }));
}

py::object SliceRowIdsOf(const TablePtr& table, py::handle target,
                         py::handle order_by, size_t offset,
                         std::optional<size_t> limit, py::handle resolver_arg) {
  const SliceResolver* resolver = ToResolver(resolver_arg);
  Target t = ToTarget(table, target);
  if (t.bound.has_value()) t.expr = t.bound->expr();
  std::vector<std::string> ids;
  if (t.slice.has_value() && order_by.is_none()) {
    ids = Value(Reading(*table, [&] {
      return SliceRowIds(table->table, *t.slice, offset, limit, resolver);
    }));
  } else {
    const Expr expr = t.slice.has_value() ? t.slice->filter : t.expr;
    const std::vector<OrderBy> keys = ToOrderBy(order_by);
    ids = Value(Reading(*table, [&] {
      return SliceRowIds(table->table, expr, keys, offset, limit, resolver);
    }));
  }
  return py::module_::import("numpy").attr("array")(
      DecodeIds(ids), py::arg("dtype") = "object");
}

void BindSummaryValues(py::module_& m) {
  py::class_<ClassSummary>(m, "ClassSummary",
                           "Counts and micro metrics of one class.")
      .def(py::init<>())
      .def_readwrite("class_name", &ClassSummary::class_name)
      .def_readwrite("tp", &ClassSummary::tp)
      .def_readwrite("fp", &ClassSummary::fp)
      .def_readwrite("fn", &ClassSummary::fn)
      .def_readwrite("precision", &ClassSummary::precision)
      .def_readwrite("recall", &ClassSummary::recall)
      .def_readwrite("f1", &ClassSummary::f1)
      .def("to_dict", &ClassSummaryDict)
      .def("__eq__",
           [](const ClassSummary& a, const ClassSummary& b) { return a == b; })
      .def("__repr__", [](const ClassSummary& c) {
        return absl::StrCat("ClassSummary(class_name='", c.class_name,
                            "', tp=", c.tp, ", fp=", c.fp, ", fn=", c.fn, ")");
      });

  py::class_<SliceSummary>(
      m, "SliceSummary",
      "Aggregate metrics of a set of rows: summed tp/fp/fn, micro "
      "precision/recall/F1 from the sums (None when a denominator is 0), "
      "means of confidence and IoU over their non-NULL values (and how many "
      "there were), and the same counts per class.")
      .def(py::init<>())
      .def_readwrite("rows", &SliceSummary::rows)
      .def_readwrite("tp", &SliceSummary::tp)
      .def_readwrite("fp", &SliceSummary::fp)
      .def_readwrite("fn", &SliceSummary::fn)
      .def_readwrite("precision", &SliceSummary::precision)
      .def_readwrite("recall", &SliceSummary::recall)
      .def_readwrite("f1", &SliceSummary::f1)
      .def_readwrite("mean_confidence", &SliceSummary::mean_confidence)
      .def_readwrite("mean_iou", &SliceSummary::mean_iou)
      .def_readwrite("confidence_count", &SliceSummary::confidence_count)
      .def_readwrite("iou_count", &SliceSummary::iou_count)
      .def_readwrite("classes", &SliceSummary::classes)
      .def("to_dict", &SummaryDict, "The fields as a dict.")
      .def("__eq__",
           [](const SliceSummary& a, const SliceSummary& b) { return a == b; })
      .def("__repr__", [](const SliceSummary& s) {
        return absl::StrCat(
            "SliceSummary(rows=", s.rows, ", tp=", s.tp, ", fp=", s.fp,
            ", fn=", s.fn, ", precision=", Optional(s.precision),
            ", recall=", Optional(s.recall), ", f1=", Optional(s.f1), ", ",
            s.classes.size(), " classes)");
      });

  py::class_<SummaryComparison>(m, "SummaryComparison",
                                "A slice's summary beside all rows and, "
                                "optionally, one dataset.")
      .def(py::init<>())
      .def_readwrite("slice", &SummaryComparison::slice)
      .def_readwrite("all", &SummaryComparison::all)
      .def_readwrite("dataset", &SummaryComparison::dataset);
}

void BindSummarize(py::module_& m) {
  m.def(
      "summarize",
      [](const TablePtr& table, py::handle rows) {
        const PySelection selection = ToSelection(table, rows);
        return Value(Reading(*table, [&]() -> absl::StatusOr<SliceSummary> {
          // Refused after a compact(), which Summarize() cannot tell.
          absl::StatusOr<Selection> live =
              LiveSelection(table->table, selection.selection);
          if (!live.ok()) return live.status();
          return Summarize(table->table, *live);
        }));
      },
      py::arg("table"), py::arg("selection"),
      "Summarizes the live rows of a selection (or of row positions or a "
      "boolean mask).");
  m.def(
      "summarize_all",
      [](const TablePtr& table) {
        return Value(
            Reading(*table, [&] { return SummarizeAll(table->table); }));
      },
      py::arg("table"), "Summarizes every live row.");
  m.def(
      "summarize_dataset",
      [](const TablePtr& table, const std::string& dataset) {
        return Value(Reading(
            *table, [&] { return SummarizeDataset(table->table, dataset); }));
      },
      py::arg("table"), py::arg("dataset"),
      "Summarizes the rows with dataset = `dataset`.");
  m.def(
      "compare_summaries",
      [](const TablePtr& table, py::handle rows,
         std::optional<std::string> dataset) {
        const PySelection selection = ToSelection(table, rows);
        return Value(
            Reading(*table, [&]() -> absl::StatusOr<SummaryComparison> {
              absl::StatusOr<Selection> live =
                  LiveSelection(table->table, selection.selection);
              if (!live.ok()) return live.status();
              return CompareSummaries(
                  table->table, *live,
                  dataset.has_value()
                      ? std::optional<absl::string_view>(*dataset)
                      : std::nullopt);
            }));
      },
      py::arg("table"), py::arg("selection"), py::arg("dataset") = py::none(),
      "The selection's summary beside all rows (and one dataset).");
}

void BindExplore(py::module_& m) {
  py::class_<ExplorePage>(m, "ExplorePage",
                          "One page of a slice: rows (positions, in the page's "
                          "order), the next cursor, the slice's total and "
                          "its summary.")
      .def_property_readonly(
          "rows", [](const ExplorePage& p) { return RowsArray(p.rows); })
      .def_readonly("next_cursor", &ExplorePage::next_cursor)
      .def_readonly("total_rows", &ExplorePage::total_rows)
      .def_readonly("summary", &ExplorePage::summary)
      .def("__repr__", [](const ExplorePage& p) {
        return absl::StrCat("<slicekit.ExplorePage ", p.rows.size(), " of ",
                            p.total_rows, " rows>");
      });

  m.def("explore", &ExploreTarget, py::arg("table"), py::arg("target"),
        py::kw_only(), py::arg("order_by") = py::none(), py::arg("cursor") = "",
        py::arg("limit") = 50, py::arg("threads") = 1, py::arg("begin_row") = 0,
        py::arg("end_row") = py::none(), py::arg("summarize") = true,
        py::arg("resolver") = py::none(),
        "Applies a Slice, BoundFilter, Expr or filter text to the table as it "
        "is now and returns one page after `cursor` (keyset pagination: "
        "stable while rows are appended), the total and (summarize=True) the "
        "summary of the whole slice. order_by: None keeps the slice's order "
        "(data_row_id for filters).");
  m.def("slice_row_ids", &SliceRowIdsOf, py::arg("table"), py::arg("target"),
        py::arg("order_by") = py::none(), py::arg("offset") = 0,
        py::arg("limit") = py::none(), py::kw_only(),
        py::arg("resolver") = py::none(),
        "The data_row_ids matching a Slice (in its order unless order_by is "
        "given) or filter (by data_row_id unless order_by is given), as a "
        "NumPy object array, skipping `offset`, at most `limit`.");
}

void BindAutoSlices(py::module_& m) {
  py::class_<AutoSlice>(m, "AutoSlice",
                        "A built-in slice (True positives, Low recall, "
                        "Candidate mislabels, ...): read-only, not saved.")
      .def_readonly("name", &AutoSlice::name)
      .def_readonly("description", &AutoSlice::description)
      .def_readonly("filter", &AutoSlice::filter)
      .def_readonly("order_by", &AutoSlice::order_by)
      .def(
          "to_slice",
          [](const AutoSlice& a) {
            Slice s;
            s.name = a.name;
            s.description = a.description;
            s.filter = a.filter;
            s.order_by = a.order_by;
            return s;
          },
          "An unsaved Slice with the same name, filter and order.")
      .def("__repr__", [](const AutoSlice& a) {
        return Decode(absl::StrCat("<slicekit.AutoSlice '", a.name, "' [",
                                   a.filter.ToString(), "]>"));
      });
  m.def(
      "auto_slices",
      [](const TablePtr& table) { return AutoSlices(table->table.schema()); },
      py::arg("table"),
      "The auto-generated slices whose columns the table has.");
}

void BindCuration(py::module_& m) {
  py::class_<SliceEntries>(m, "SliceEntries",
                           "The new rows that entered one slice.")
      .def_readonly("slice_id", &SliceEntries::slice_id)
      .def_readonly("slice_name", &SliceEntries::slice_name)
      .def_property_readonly(
          "rows", [](const SliceEntries& e) { return RowsArray(e.rows); })
      .def("count", &SliceEntries::count)
      .def("__repr__", [](const SliceEntries& e) {
        return absl::StrCat("<slicekit.SliceEntries '", e.slice_name,
                            "': ", e.rows.size(), " rows>");
      });
  py::class_<CurationReport>(m, "CurationReport",
                             "Which new rows entered which slice.")
      .def_readonly("first_new_row", &CurationReport::first_new_row)
      .def_readonly("end_row", &CurationReport::end_row)
      .def_readonly("slices", &CurationReport::slices)
      .def("total_entries", &CurationReport::total_entries)
      .def("__repr__", [](const CurationReport& r) {
        return absl::StrCat("<slicekit.CurationReport rows ", r.first_new_row,
                            "..", r.end_row, ": ", r.total_entries(),
                            " entries in ", r.slices.size(), " slices>");
      });

  py::class_<PyCurator>(
      m, "Curator",
      "Slices bound once to a table; after each append, new_rows_since() "
      "reports which new rows entered which slice in one pass.")
      .def(
          py::init([](const TablePtr& table, const std::vector<Slice>& slices) {
            Curator curator = Value(Reading(
                *table, [&] { return Curator::Create(table->table, slices); }));
            return PyCurator{
                table, std::make_shared<const Curator>(std::move(curator))};
          }),
          py::arg("table"), py::arg("slices"))
      .def(
          "new_rows",
          [](const PyCurator& c, RowIndex first_new_row, int threads) {
            return Reading(*c.table, [&] {
              return c.curator->NewRows(first_new_row, threads);
            });
          },
          py::arg("first_new_row"), py::arg("threads") = 1,
          "Rows at positions >= first_new_row matching each slice.")
      .def(
          "new_rows_since",
          [](const PyCurator& c, const Table::Watermark& since, int threads) {
            return Value(Reading(*c.table, [&] {
              return c.curator->NewRowsSince(since, threads);
            }));
          },
          py::arg("since"), py::arg("threads") = 1,
          "The same from a Table.end_watermark() taken before the append "
          "(FailedPreconditionError after a compact()).")
      .def_property_readonly(
          "num_slices",
          [](const PyCurator& c) { return c.curator->num_slices(); })
      .def("__repr__", [](const PyCurator& c) {
        return absl::StrCat("<slicekit.Curator ", c.curator->num_slices(),
                            " slices>");
      });
}

}  // namespace

void BindAnalysis(py::module_& m) {
  BindSummaryValues(m);
  BindSummarize(m);
  BindExplore(m);
  BindAutoSlices(m);
  BindCuration(m);
}

}  // namespace slicekit::python
