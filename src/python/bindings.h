// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Shared pieces of the Python extension `slicekit._slicekit`: the handle
// that lets Python threads share a Table, Status-to-exception translation,
// GIL release, and conversions between Python and slicekit values.
//
// The rules every binding follows:
//  - The GIL is released around anything that scans, orders, summarizes,
//    loads, matches or waits on SQLite; nothing touches a Python object
//    while it is released.
//  - A table lock is only ever taken with the GIL released (Reading(),
//    Writing()), so a thread waiting for the lock never holds the GIL and
//    the two cannot deadlock.
//  - Every error is a StatusError, which reaches Python as a
//    slicekit.Error subclass with the Status code and message unchanged.
#ifndef SLICEKIT_SRC_PYTHON_BINDINGS_H_
#define SLICEKIT_SRC_PYTHON_BINDINGS_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "slicekit/average_precision.h"
#include "slicekit/expr.h"
#include "slicekit/metrics.h"
#include "slicekit/model_run.h"
#include "slicekit/order.h"
#include "slicekit/scan.h"
#include "slicekit/selection.h"
#include "slicekit/slice_resolver.h"
#include "slicekit/slice_store.h"
#include "slicekit/table.h"

namespace slicekit::python {

namespace py = pybind11;

// A Table owned by Python objects (the Table itself, its selections, bound
// filters, curators): C++ requires the table to outlive those, so each holds
// this handle. Python threads may call into one table at once; readers
// (scans, orders, summaries) share the lock, Append/Delete/Compact take it
// alone, which is the contract of slicekit::Table.
struct TableHandle {
  explicit TableHandle(Table t) : table(std::move(t)) {}
  Table table;
  mutable std::shared_mutex mutex;
};
using TablePtr = std::shared_ptr<TableHandle>;

// A Selection with the table it names positions of, so that functions
// taking both can refuse a selection of another table.
struct PySelection {
  TablePtr table;
  Selection selection;
};

inline PySelection MakeSelection(const TablePtr& table, Selection selection) {
  return PySelection{table, std::move(selection)};
}

// A resolver of IN SLICE references (SliceStore.resolver(org)): immutable,
// shared by the calls that take it.
struct PyResolver {
  std::shared_ptr<const SliceResolver> resolver;
};

// The resolver a `resolver=` argument names: None or a PyResolver.
const SliceResolver* ToResolver(py::handle value);

// A BoundFilter with its table (which it requires to stay alive).
struct PyBoundFilter {
  TablePtr table;
  BoundFilter filter;
};

// A failed absl::Status on its way to Python; translated by the exception
// translator in module.cc into slicekit.Error(code, message).
class StatusError : public std::exception {
 public:
  explicit StatusError(absl::Status status) : status_(std::move(status)) {}
  const absl::Status& status() const { return status_; }
  const char* what() const noexcept override {
    return status_.message().data();
  }

 private:
  absl::Status status_;
};

inline void Check(const absl::Status& status) {
  if (!status.ok()) throw StatusError(status);
}

template <typename T>
T Value(absl::StatusOr<T> value) {
  if (!value.ok()) throw StatusError(std::move(value).status());
  return *std::move(value);
}

// iou_type= of load_coco, eval_coco, coco_ap and compare_coco: "bbox",
// "segm" or "keypoints".
inline IouType ParseIouType(const std::string& name) {
  if (name == "bbox") return IouType::kBbox;
  if (name == "segm") return IouType::kSegm;
  if (name == "keypoints") return IouType::kKeypoints;
  throw StatusError(absl::InvalidArgumentError(absl::StrCat(
      "unknown iou_type '", name, "' (use 'bbox', 'segm' or 'keypoints')")));
}

inline const char* IouTypeName(IouType type) {
  switch (type) {
    case IouType::kSegm:
      return "segm";
    case IouType::kKeypoints:
      return "keypoints";
    default:
      return "bbox";
  }
}

// A SliceStore shared by the Python object and any operation in flight, so
// close() never pulls it out from under another thread.
struct PyStore {
  std::shared_ptr<SliceStore> store;
  // What repr() shows: "in memory" or the SQLite file.
  std::string where = "in memory";

  std::shared_ptr<SliceStore> Get() const {
    if (!store) {
      throw StatusError(
          absl::FailedPreconditionError("the slice store is closed"));
    }
    return store;
  }
};

// A model run kept in memory (load_coco) with what matching it computed
// once: the Evaluator's IoUs (so re-thresholding is Compute() alone) and
// the COCO evaluator's sorted detections (so AP of any set of images is a
// walk). Built in place and never changed: the evaluators point into `run`.
struct RunState {
  ModelRun run;
  std::optional<Evaluator> evaluator;
  std::optional<CocoEvaluator> coco;
};
using RunPtr = std::shared_ptr<RunState>;

// Runs fn() with the GIL released and the table locked for reading. fn must
// not touch Python objects; its result is built before the lock and the
// GIL are back to their earlier state.
template <typename Fn>
auto Reading(const TableHandle& table, Fn&& fn) {
  py::gil_scoped_release release;
  std::shared_lock<std::shared_mutex> lock(table.mutex);
  return fn();
}

// The same with the table locked for writing.
template <typename Fn>
auto Writing(TableHandle& table, Fn&& fn) {
  py::gil_scoped_release release;
  std::unique_lock<std::shared_mutex> lock(table.mutex);
  return fn();
}

// Throws InvalidArgument unless `selection` was made from `table`.
void CheckSameTable(const TablePtr& table, const PySelection& selection);

// A `selection` argument: a Selection of `table` (checked), or what
// Selection.from_rows takes (row positions, a boolean mask).
PySelection ToSelection(const TablePtr& table, py::handle rows);

// The live rows of `selection` as the table is now: rows deleted since the
// selection was made are dropped, so that what a Selection counts, lists and
// holds is what Summarize() and OrderRows() read. FailedPrecondition for a
// selection made before a Compact() that moved rows. The table lock must be
// held (call it inside Reading()).
absl::StatusOr<Selection> LiveSelection(const Table& table,
                                        const Selection& selection);

// ---- Conversions ---------------------------------------------------------

// Bytes to str, UTF-8 with "surrogateescape": ids and categories are
// arbitrary bytes, and Encode() gives the same bytes back.
py::str Decode(absl::string_view bytes);
// str (UTF-8, "surrogateescape") or bytes to bytes; TypeError otherwise.
std::string Encode(py::handle value, absl::string_view what);

// A path argument: str, bytes or any os.PathLike (os.fspath); TypeError
// naming `what` otherwise.
std::string PathArg(py::handle value, absl::string_view what);

// A data_row_id: str or bytes as Encode(), an int as its decimal text (how
// tables built from integer ids store them).
std::string IdBytes(py::handle value);

// A filter argument: an Expr, or filter text (parsed; errors are
// slicekit.Error with the parser's message).
Expr ToExpr(py::handle value);
// A literal: int, float (or anything with __float__, e.g. numpy scalars),
// str or bytes. bool is refused (TypeError): `fp == True` is a mistake.
Literal ToLiteral(py::handle value);
// Order keys: None (no keys), "column", "column desc" / "column asc", an
// OrderBy, a (column, descending) tuple (descending a bool or "asc"/
// "desc"), or a list of these.
std::vector<OrderBy> ToOrderBy(py::handle value);
// `values` as a C-contiguous array of T (converted if needed) whose data
// is aligned for T: NumPy arrays can be unaligned (an unpickled array, a
// view into a record), and reading one through a T* is undefined.
template <typename T>
py::array_t<T> AlignedArray(py::handle values) {
  using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;
  Array array = Array::ensure(values);
  if (!array) {
    // ensure() clears the conversion's error; say what was wrong instead.
    throw py::type_error("expected a sequence or NumPy array of numbers, not " +
                         py::str(py::type::handle_of(values).attr("__name__"))
                             .cast<std::string>());
  }
  if (reinterpret_cast<uintptr_t>(array.data()) % alignof(T) == 0) {
    return array;
  }
  py::array_t<T> copy(array.request().shape);
  std::memcpy(copy.mutable_data(), array.data(),
              static_cast<size_t>(array.nbytes()));
  return copy;
}

// Row positions from a sequence or array of non-negative integers. A
// boolean array is refused (TypeError): True/False read as 1/0 would be
// plausible wrong rows; callers that take a mask check for one first
// (MaskRows).
std::vector<RowIndex> ToRows(py::handle value);

// The rows a boolean mask selects, or nullopt when `value` is not boolean.
// A mask has one entry per row position (num_rows) or, when rows were
// deleted, one per live row in position order (as the rows of
// Table.to_pandas() are); any other boolean array is a TypeError naming
// both lengths. The table lock must not be held.
std::optional<std::vector<RowIndex>> MaskRows(const TableHandle& table,
                                              py::handle value);

// A uint32 NumPy array holding `rows`.
py::array_t<uint32_t> RowsArray(const std::vector<RowIndex>& rows);

// Ids as str the way Table.row_ids() gives them (bytes that are not UTF-8
// kept by surrogateescape), so they compare equal to the table's.
py::list DecodeIds(const std::vector<std::string>& ids);

// ---- The parts of the module --------------------------------------------

// module.cc calls these in this order: pybind11 names a class in a
// signature only if it is registered by then (else it writes the C++ type).
void BindFilters(py::module_& m);
void BindTables(py::module_& m);   // Watermark, Table, Selection
void BindScans(py::module_& m);    // BoundFilter, scans, ordering
void BindTableIo(py::module_& m);  // CSV, export, the standard columns
void BindPickling(py::module_& m);  // Table and Selection (after BindTables)
void BindMetrics(py::module_& m);
void BindStore(py::module_& m);     // slices, history, snapshots, the store
void BindAnalysis(py::module_& m);  // summaries, explore, auto slices, curation
void BindCompare(py::module_& m);   // two runs slice by slice
void BindDiagnose(
    py::module_& m);  // TIDE, confusion, calibration, label issues
void BindDiscover(py::module_& m);  // slice discovery
void BindReport(py::module_& m);    // the HTML report

}  // namespace slicekit::python

#endif  // SLICEKIT_SRC_PYTHON_BINDINGS_H_
