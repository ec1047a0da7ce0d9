// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Scans and ordering: filters bound to a table, one-off and batched scans,
// and the rows of a selection in order or a page at a time. The GIL is
// released while they run.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "slicekit/table.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

ScanOptions MakeScanOptions(int threads, RowIndex begin_row,
                            std::optional<RowIndex> end_row) {
  if (threads < 1) {
    throw StatusError(absl::InvalidArgumentError(
        absl::StrCat("threads must be at least 1, not ", threads)));
  }
  return ScanOptions{threads, begin_row, end_row};
}

PyBoundFilter BindTo(py::handle filter, const TablePtr& table,
                     py::handle resolver_arg) {
  const Expr expr = ToExpr(filter);
  const SliceResolver* resolver = ToResolver(resolver_arg);
  return PyBoundFilter{table, Value(Reading(*table, [&] {
                         return resolver != nullptr
                                    ? Bind(expr, table->table, *resolver)
                                    : Bind(expr, table->table);
                       }))};
}

py::list ScanManyFilters(const std::vector<PyBoundFilter>& filters, int threads,
                         RowIndex begin_row, std::optional<RowIndex> end_row) {
  const ScanOptions options = MakeScanOptions(threads, begin_row, end_row);
  py::list out;
  if (filters.empty()) return out;
  std::vector<BoundFilter> bound;
  for (const PyBoundFilter& f : filters) {
    if (f.table != filters[0].table) {
      throw StatusError(absl::InvalidArgumentError(
          "scan_many needs filters bound to one table"));
    }
    bound.push_back(f.filter);
  }
  std::vector<Selection> selections =
      Reading(*filters[0].table, [&] { return ScanMany(bound, options); });
  for (Selection& s : selections) {
    out.append(MakeSelection(filters[0].table, std::move(s)));
  }
  return out;
}

void BindBoundFilter(py::module_& m) {
  py::class_<PyBoundFilter>(
      m, "BoundFilter",
      "A filter bound to a table (names, types and literals checked once); "
      "scan() it as often as needed, also after appends.")
      .def(
          "scan",
          [](const PyBoundFilter& b, int threads, RowIndex begin_row,
             std::optional<RowIndex> end_row) {
            const ScanOptions options =
                MakeScanOptions(threads, begin_row, end_row);
            return MakeSelection(b.table, Reading(*b.table, [&] {
                                   return b.filter.Scan(options);
                                 }));
          },
          py::arg("threads") = 1, py::arg("begin_row") = 0,
          py::arg("end_row") = py::none(),
          "The live rows for which the filter is TRUE (GIL released).")
      .def_property_readonly(
          "expr", [](const PyBoundFilter& b) { return b.filter.expr(); })
      .def_property_readonly("table",
                             [](const PyBoundFilter& b) { return b.table; })
      .def("debug_string",
           [](const PyBoundFilter& b) { return b.filter.DebugString(); })
      .def("__repr__", [](const PyBoundFilter& b) {
        return Decode(absl::StrCat("<slicekit.BoundFilter [",
                                   b.filter.expr().ToString(), "]>"));
      });
}

// bind(), scan() and scan_many() as module functions.
void BindScanFunctions(py::module_& m) {
  m.def("bind", &BindTo, py::arg("filter"), py::arg("table"), py::kw_only(),
        py::arg("resolver") = py::none(),
        "Binds a filter (Expr or text) to a table: NotFoundError for an "
        "unknown column (with a suggestion), InvalidArgumentError for a type "
        "mismatch. IN SLICE references resolve through `resolver` "
        "(SliceStore.resolver(org)).");
  m.def(
      "scan",
      [](const TablePtr& table, py::handle filter, int threads,
         RowIndex begin_row, std::optional<RowIndex> end_row,
         py::handle resolver) {
        const ScanOptions options =
            MakeScanOptions(threads, begin_row, end_row);
        const PyBoundFilter bound = BindTo(filter, table, resolver);
        return MakeSelection(
            table, Reading(*table, [&] { return bound.filter.Scan(options); }));
      },
      py::arg("table"), py::arg("filter"), py::arg("threads") = 1,
      py::arg("begin_row") = 0, py::arg("end_row") = py::none(), py::kw_only(),
      py::arg("resolver") = py::none(),
      "bind() then scan(), for one-off queries.");
  m.def("scan_many", &ScanManyFilters, py::arg("filters"),
        py::arg("threads") = 1, py::arg("begin_row") = 0,
        py::arg("end_row") = py::none(),
        "Scans several filters bound to one table in one pass.");
}

// The rows of a selection in order: all at once, or a page at a time.
void BindOrdering(py::module_& m) {
  py::class_<OrderedPage>(m, "OrderedPage",
                          "One page of an ordered result: rows and the cursor "
                          "of the next page ('' when no rows are left).")
      .def_property_readonly(
          "rows", [](const OrderedPage& p) { return RowsArray(p.rows); })
      .def_readonly("next_cursor", &OrderedPage::next_cursor)
      .def("__repr__", [](const OrderedPage& p) {
        return absl::StrCat(
            "<slicekit.OrderedPage ", p.rows.size(),
            " rows, next_cursor=", p.next_cursor.empty() ? "''" : "'...'", ">");
      });

  m.def(
      "order_rows",
      [](const TablePtr& table, py::handle rows, py::handle order_by,
         size_t offset, std::optional<size_t> limit) {
        const PySelection selection = ToSelection(table, rows);
        const std::vector<OrderBy> keys = ToOrderBy(order_by);
        return RowsArray(Value(Reading(*table, [&] {
          return OrderRows(table->table, selection.selection, keys, offset,
                           limit);
        })));
      },
      py::arg("table"), py::arg("selection"), py::arg("order_by") = py::none(),
      py::arg("offset") = 0, py::arg("limit") = py::none(),
      "The selected live rows (a Selection, positions or a boolean mask) in "
      "the order of `order_by` (NULLs last, ties by data_row_id), skipping "
      "`offset`, at most `limit`: a uint32 array.");
  m.def(
      "order_page",
      [](const TablePtr& table, py::handle rows, py::handle order_by,
         const std::string& cursor, size_t limit) {
        const PySelection selection = ToSelection(table, rows);
        const std::vector<OrderBy> keys = ToOrderBy(order_by);
        return Value(Reading(*table, [&] {
          return OrderPage(table->table, selection.selection, keys, cursor,
                           limit);
        }));
      },
      py::arg("table"), py::arg("selection"), py::arg("order_by") = py::none(),
      py::arg("cursor") = "", py::arg("limit") = 50,
      "Keyset pagination: up to `limit` rows after `cursor` ('' for the "
      "first page).");
  m.def(
      "order_cursor",
      [](const TablePtr& table, py::handle order_by, RowIndex row) {
        const std::vector<OrderBy> keys = ToOrderBy(order_by);
        return Value(Reading(
            *table, [&] { return OrderCursor(table->table, keys, row); }));
      },
      py::arg("table"), py::arg("order_by"), py::arg("row"),
      "The cursor that resumes after `row` in this order (what order_page "
      "returns for a page ending there).");
}

}  // namespace

void BindScans(py::module_& m) {
  BindBoundFilter(m);
  BindScanFunctions(m);
  BindOrdering(m);
}

}  // namespace slicekit::python
