// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The extension module `slicekit._slicekit`: error translation, the shared
// conversions of bindings.h, and the stable partition hash of the Dask
// layer. The Python package (src/python/slicekit/) re-exports it.
#include <zlib.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "slicekit/filter_text.h"
#include "slicekit/table.h"
#include "src/python/bindings.h"

namespace slicekit::python {

void CheckSameTable(const TablePtr& table, const PySelection& selection) {
  if (selection.table != table) {
    throw StatusError(absl::InvalidArgumentError(
        "the selection was made from another table"));
  }
}

absl::StatusOr<Selection> LiveSelection(const Table& table,
                                        const Selection& selection) {
  if (absl::Status s = table.CheckSelection(selection); !s.ok()) {
    if (s.code() == absl::StatusCode::kFailedPrecondition) {
      return absl::FailedPreconditionError(
          "the selection was made before the table was compacted (its row "
          "positions moved): scan again");
    }
    return s;
  }
  Selection out = selection;
  if (table.num_live_rows() == table.num_rows()) return out;
  const Selection live = table.LiveRows();
  std::vector<uint64_t>& words = out.mutable_words();
  for (size_t w = 0; w < words.size(); ++w) {
    words[w] &= w < live.words().size() ? live.words()[w] : 0;
  }
  return out;
}

py::str Decode(absl::string_view bytes) {
  PyObject* text = PyUnicode_DecodeUTF8(
      bytes.data(), static_cast<Py_ssize_t>(bytes.size()), "surrogateescape");
  if (text == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(text);
}

std::string Encode(py::handle value, absl::string_view what) {
  if (PyBytes_Check(value.ptr())) {
    return std::string(PyBytes_AS_STRING(value.ptr()),
                       static_cast<size_t>(PyBytes_GET_SIZE(value.ptr())));
  }
  if (PyUnicode_Check(value.ptr())) {
    PyObject* bytes =
        PyUnicode_AsEncodedString(value.ptr(), "utf-8", "surrogateescape");
    if (bytes == nullptr) throw py::error_already_set();
    py::bytes owned = py::reinterpret_steal<py::bytes>(bytes);
    return std::string(PyBytes_AS_STRING(bytes),
                       static_cast<size_t>(PyBytes_GET_SIZE(bytes)));
  }
  throw py::type_error(absl::StrCat(what, " must be str or bytes, not ",
                                    Py_TYPE(value.ptr())->tp_name));
}

std::string PathArg(py::handle value, absl::string_view what) {
  PyObject* path = PyOS_FSPath(value.ptr());
  if (path == nullptr) {
    PyErr_Clear();
    throw py::type_error(absl::StrCat(what,
                                      " must be a str, bytes or os.PathLike, "
                                      "not ",
                                      Py_TYPE(value.ptr())->tp_name));
  }
  py::object owned = py::reinterpret_steal<py::object>(path);
  return Encode(owned, what);
}

std::string IdBytes(py::handle value) {
  if (!PyBool_Check(value.ptr()) &&
      (PyLong_Check(value.ptr()) || PyIndex_Check(value.ptr()))) {
    return py::str(value).cast<std::string>();
  }
  return Encode(value, "a data_row_id");
}

Expr ToExpr(py::handle value) {
  if (py::isinstance<Expr>(value)) return value.cast<Expr>();
  if (PyUnicode_Check(value.ptr()) || PyBytes_Check(value.ptr())) {
    return Value(ParseFilter(Encode(value, "filter")));
  }
  throw py::type_error(
      absl::StrCat("a filter must be a slicekit.Expr or filter text, not ",
                   Py_TYPE(value.ptr())->tp_name));
}

Literal ToLiteral(py::handle value) {
  if (PyBool_Check(value.ptr())) {
    throw py::type_error(
        "a filter value cannot be a bool; compare with 1 or 0 instead");
  }
  if (PyUnicode_Check(value.ptr()) || PyBytes_Check(value.ptr())) {
    return Literal(Encode(value, "a filter value"));
  }
  if (PyLong_Check(value.ptr()) || PyIndex_Check(value.ptr())) {
    int overflow = 0;
    py::int_ number =
        py::reinterpret_steal<py::int_>(PyNumber_Index(value.ptr()));
    if (!number) throw py::error_already_set();
    const long long v = PyLong_AsLongLongAndOverflow(number.ptr(), &overflow);
    if (overflow == 0) {
      if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
      return Literal(static_cast<long long>(v));
    }
    // Past int64, as the text parser does: the nearest double.
    const double d = PyLong_AsDouble(number.ptr());
    if (d == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    return Literal(d);
  }
  if (PyFloat_Check(value.ptr()) || PyNumber_Check(value.ptr())) {
    const double d = PyFloat_AsDouble(value.ptr());
    if (d == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    return Literal(d);
  }
  throw py::type_error(
      absl::StrCat("a filter value must be int, float, str or bytes, not ",
                   Py_TYPE(value.ptr())->tp_name));
}

namespace {

bool ParseDirection(py::handle value) {
  if (PyBool_Check(value.ptr())) return value.cast<bool>();
  if (PyUnicode_Check(value.ptr())) {
    const std::string text = absl::AsciiStrToLower(value.cast<std::string>());
    if (text == "desc") return true;
    if (text == "asc") return false;
  }
  throw py::value_error(
      "an order direction must be True/False or 'asc'/'desc'");
}

OrderBy OneKey(py::handle value) {
  if (py::isinstance<OrderBy>(value)) return value.cast<OrderBy>();
  if (PyUnicode_Check(value.ptr())) {
    // "confidence desc": a trailing word asc/desc is the direction (a
    // column whose name ends so needs an OrderBy or a tuple).
    std::string text = value.cast<std::string>();
    const size_t space = text.rfind(' ');
    if (space != std::string::npos) {
      const std::string word = absl::AsciiStrToLower(text.substr(space + 1));
      if (word == "asc" || word == "desc") {
        return OrderBy{std::string(absl::StripTrailingAsciiWhitespace(
                           text.substr(0, space))),
                       word == "desc"};
      }
    }
    return OrderBy{text, false};
  }
  if (PyTuple_Check(value.ptr()) && PyTuple_GET_SIZE(value.ptr()) == 2) {
    py::tuple pair = py::reinterpret_borrow<py::tuple>(value);
    return OrderBy{pair[0].cast<std::string>(), ParseDirection(pair[1])};
  }
  throw py::type_error(absl::StrCat(
      "an order key must be a column name, 'column desc', an OrderBy or a "
      "(column, descending) tuple, not ",
      Py_TYPE(value.ptr())->tp_name));
}

}  // namespace

std::vector<OrderBy> ToOrderBy(py::handle value) {
  if (value.is_none()) return {};
  if (PyUnicode_Check(value.ptr()) || py::isinstance<OrderBy>(value) ||
      PyTuple_Check(value.ptr())) {
    return {OneKey(value)};
  }
  std::vector<OrderBy> keys;
  for (py::handle item : py::iter(value)) keys.push_back(OneKey(item));
  return keys;
}

namespace {

// `value` as a NumPy array when it is one or converts to one of booleans
// (a list of bools, a pandas Series); nullopt otherwise (a default
// py::array is an empty array, not a null handle).
std::optional<py::array> BooleanArray(py::handle value) {
  if (PyUnicode_Check(value.ptr()) || PyBytes_Check(value.ptr())) {
    return std::nullopt;
  }
  py::object a;
  if (py::isinstance<py::array>(value)) {
    a = py::reinterpret_borrow<py::object>(value);
  } else {
    try {
      a = py::module_::import("numpy").attr("asarray")(value);
    } catch (const py::error_already_set&) {
      return std::nullopt;  // not array-like: ToRows says what it needs
    }
  }
  py::array array = py::reinterpret_borrow<py::array>(a);
  if (array.dtype().kind() == 'b') return array;
  if (array.dtype().kind() == 'O' && array.size() > 0) {
    // A nullable boolean Series comes as objects: True/False, and pd.NA
    // where missing. All bools: a mask; bools and others: refused.
    py::object numpy_bool = py::module_::import("numpy").attr("bool_");
    size_t bools = 0;
    for (py::handle item : a.attr("ravel")()) {
      if (PyBool_Check(item.ptr()) || py::isinstance(item, numpy_bool)) {
        ++bools;
      }
    }
    if (bools == static_cast<size_t>(array.size())) {
      return py::reinterpret_borrow<py::array>(
          a.attr("astype")(py::module_::import("numpy").attr("bool_")));
    }
    if (bools > 0) {
      throw py::type_error(
          "a boolean mask must be a bool array without missing values "
          "(fill them first, e.g. mask.fillna(False))");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<RowIndex>> MaskRows(const TableHandle& table,
                                              py::handle value) {
  const std::optional<py::array> boolean = BooleanArray(value);
  if (!boolean.has_value()) return std::nullopt;
  const py::array& mask = *boolean;
  // Not a structured binding: clang before 16 cannot capture one.
  const std::pair<size_t, size_t> sizes = Reading(table, [&] {
    return std::pair<size_t, size_t>(table.table.num_rows(),
                                     table.table.num_live_rows());
  });
  const size_t num_rows = sizes.first;
  const size_t num_live = sizes.second;
  const size_t n = static_cast<size_t>(mask.size());
  if (mask.ndim() != 1 || (n != num_rows && n != num_live)) {
    throw py::type_error(absl::StrCat(
        "a boolean mask must be 1-D with one entry per row of the table (",
        num_live, " live rows",
        num_live == num_rows
            ? std::string()
            : absl::StrCat(", or ", num_rows, " row positions"),
        "), not ", mask.ndim() != 1 ? "a " : "",
        mask.ndim() != 1 ? absl::StrCat(mask.ndim(), "-D array")
                         : absl::StrCat(n, " entries")));
  }
  py::array_t<bool, py::array::c_style | py::array::forcecast> bools(mask);
  const bool* m = bools.data();
  return Value(Reading(table, [&]() -> absl::StatusOr<std::vector<RowIndex>> {
    // Checked again under the lock the positions are used in.
    if (table.table.num_rows() != num_rows ||
        table.table.num_live_rows() != num_live) {
      return absl::AbortedError(
          "the table changed while the mask was read: try again");
    }
    std::vector<RowIndex> rows;
    if (n == num_rows) {
      for (size_t i = 0; i < n; ++i) {
        if (m[i]) rows.push_back(static_cast<RowIndex>(i));
      }
      return rows;
    }
    size_t i = 0;
    table.table.LiveRows().ForEach([&](RowIndex r) {
      if (m[i++]) rows.push_back(r);
    });
    return rows;
  }));
}

std::vector<RowIndex> ToRows(py::handle value) {
  if (BooleanArray(value).has_value()) {
    throw py::type_error(
        "row positions must be integers, not booleans (a boolean mask is "
        "taken where a table is given, e.g. Table.to_pandas(mask))");
  }
  py::array_t<int64_t> array = AlignedArray<int64_t>(value);
  if (array.ndim() != 1) {
    throw py::value_error("row positions must be a 1-D sequence");
  }
  std::vector<RowIndex> rows(static_cast<size_t>(array.size()));
  const int64_t* data = array.data();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (data[i] < 0 || data[i] > UINT32_MAX) {
      throw StatusError(absl::InvalidArgumentError(
          absl::StrCat("row position ", data[i], " is out of range")));
    }
    rows[i] = static_cast<RowIndex>(data[i]);
  }
  return rows;
}

py::array_t<uint32_t> RowsArray(const std::vector<RowIndex>& rows) {
  py::array_t<uint32_t> out(static_cast<py::ssize_t>(rows.size()));
  if (!rows.empty()) {
    std::memcpy(out.mutable_data(), rows.data(),
                rows.size() * sizeof(RowIndex));
  }
  return out;
}

py::list DecodeIds(const std::vector<std::string>& ids) {
  py::list out;
  for (const std::string& id : ids) out.append(Decode(id));
  return out;
}

namespace {

// CRC-32 (zlib's, the same as Python's zlib.crc32) of each id's bytes,
// modulo `partitions`: the partition of a row in the Dask layer. Stable
// across processes, runs and machines, unlike Python's hash().
py::array_t<int32_t> HashPartitions(py::handle ids, int partitions) {
  if (partitions < 1) {
    throw StatusError(absl::InvalidArgumentError(absl::StrCat(
        "the number of partitions must be at least 1, not ", partitions)));
  }
  auto part = [partitions](absl::string_view id) {
    const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(id.data()),
                            static_cast<uInt>(id.size()));
    return static_cast<int32_t>(crc % static_cast<uLong>(partitions));
  };
  // Fixed-width bytes (NumPy "S"): no Python object per id.
  if (py::isinstance<py::array>(ids)) {
    py::array array = py::reinterpret_borrow<py::array>(ids);
    if (array.dtype().kind() == 'S' && array.ndim() == 1) {
      py::array contiguous = py::array::ensure(array, py::array::c_style);
      const size_t n = static_cast<size_t>(contiguous.size());
      const size_t width = static_cast<size_t>(contiguous.itemsize());
      const char* data = static_cast<const char*>(contiguous.data());
      py::array_t<int32_t> out(static_cast<py::ssize_t>(n));
      int32_t* result = out.mutable_data();
      {
        py::gil_scoped_release release;
        for (size_t i = 0; i < n; ++i) {
          const char* begin = data + i * width;
          // NumPy drops trailing NUL bytes of "S" items.
          size_t len = width;
          while (len > 0 && begin[len - 1] == '\0') --len;
          result[i] = part(absl::string_view(begin, len));
        }
      }
      return out;
    }
  }
  std::vector<std::string> bytes;
  for (py::handle id : py::iter(ids)) bytes.push_back(IdBytes(id));
  py::array_t<int32_t> out(static_cast<py::ssize_t>(bytes.size()));
  int32_t* result = out.mutable_data();
  {
    py::gil_scoped_release release;
    for (size_t i = 0; i < bytes.size(); ++i) result[i] = part(bytes[i]);
  }
  return out;
}

}  // namespace

}  // namespace slicekit::python

PYBIND11_MODULE(_slicekit, m) {
  namespace py = pybind11;
  using slicekit::python::StatusError;
  m.doc() =
      "slicekit's C++ library, bound with pybind11. Use the `slicekit` "
      "package, which re-exports everything here.";

  // slicekit._errors defines the exception classes in Python, so that they
  // pickle (Dask ships them from workers) and carry `code` and `message`.
  // Leaked on purpose: no destructor may run after the interpreter is gone.
  static py::object* make_error = new py::object(
      py::module_::import("slicekit._errors").attr("make_error"));
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      const absl::Status& status = e.status();
      py::object error =
          (*make_error)(absl::StatusCodeToString(status.code()),
                        slicekit::python::Decode(status.message()));
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())),
                      error.ptr());
    }
  });

  slicekit::python::BindFilters(m);
  slicekit::python::BindTables(m);
  slicekit::python::BindScans(m);
  slicekit::python::BindTableIo(m);
  slicekit::python::BindPickling(m);
  slicekit::python::BindMetrics(m);
  slicekit::python::BindStore(m);
  slicekit::python::BindAnalysis(m);
  slicekit::python::BindCompare(m);
  slicekit::python::BindDiagnose(m);
  slicekit::python::BindDiscover(m);
  slicekit::python::BindReport(m);

  m.def("_order_keys", &slicekit::python::ToOrderBy, py::arg("order_by"),
        "The OrderBy list of an order_by argument.");
  m.def("hash_partitions", &slicekit::python::HashPartitions, py::arg("ids"),
        py::arg("partitions"),
        "The partition of each data_row_id: CRC-32 (zlib.crc32) of its "
        "bytes (UTF-8 for str, the decimal text for an int) modulo "
        "`partitions`. Returns an int32 array. Stable across processes and "
        "runs, unlike hash().");
}
