// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Tables and selections, and tables to and from CSV. Tables come in from
// CSV or from NumPy columns (the package's from_pandas/from_arrays turn a
// DataFrame or a dict of arrays into the column payload read here) and go
// out as NumPy arrays (row positions, values) without a Python object per
// row except for strings.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "slicekit/column_reader.h"
#include "slicekit/csv.h"
#include "slicekit/explore.h"
#include "slicekit/schema.h"
#include "slicekit/table.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

ColumnType ParseColumnType(const std::string& name) {
  if (name == "float") return ColumnType::kFloat;
  if (name == "int") return ColumnType::kInt;
  if (name == "categorical") return ColumnType::kCategorical;
  if (name == "id") return ColumnType::kId;
  throw StatusError(absl::InvalidArgumentError(
      absl::StrCat("unknown column type '", name,
                   "' (use 'float', 'int', 'categorical' or 'id')")));
}

// One column of the payload that slicekit/_table.py builds from a DataFrame
// or a dict of arrays: (name, type, kind, values, extra) where kind is
//   "floats": values float32, extra a uint8 validity array or None
//   "ints":   values int64, extra validity or None; for a string column
//             the decimal text of each value
//   "codes":  values int64 codes into extra, a list of bytes (-1: NULL)
//   "fixed":  values a NumPy "S" array (trailing NULs dropped, as NumPy
//             does); extra None
// The arrays stay referenced here, so their buffers outlive the GIL-free
// part that reads them.
struct ColumnInput {
  std::string name;
  ColumnType type;
  std::string kind;
  py::array values;
  py::array valid;  // read only when has_valid (a default py::array is an
                    // empty array, not a null handle)
  bool has_valid = false;
  std::vector<std::string> categories;
  size_t size = 0;
};

template <typename T>
py::array Contiguous(py::handle values, const std::string& name) {
  py::array_t<T> array = AlignedArray<T>(values);
  if (array.ndim() != 1) {
    throw py::value_error(
        absl::StrCat("column '", name, "' must be one-dimensional"));
  }
  return array;
}

std::vector<ColumnInput> ReadPayload(py::list payload) {
  std::vector<ColumnInput> inputs;
  for (py::handle item : payload) {
    py::tuple t = py::reinterpret_borrow<py::tuple>(item);
    if (t.size() != 5) throw py::value_error("bad column payload");
    ColumnInput in;
    in.name = t[0].cast<std::string>();
    in.type = ParseColumnType(t[1].cast<std::string>());
    in.kind = t[2].cast<std::string>();
    const bool string_column =
        in.type == ColumnType::kCategorical || in.type == ColumnType::kId;
    const auto refuse = [&] {
      throw py::value_error(absl::StrCat("column '", in.name, "': values of ",
                                         "kind '", in.kind, "' cannot fill a ",
                                         t[1].cast<std::string>(), " column"));
    };
    if (in.kind == "floats") {
      if (in.type != ColumnType::kFloat) refuse();
      in.values = Contiguous<float>(t[3], in.name);
    } else if (in.kind == "ints") {
      if (in.type == ColumnType::kFloat) refuse();
      in.values = Contiguous<int64_t>(t[3], in.name);
    } else if (in.kind == "codes") {
      if (!string_column) refuse();
      in.values = Contiguous<int64_t>(t[3], in.name);
      for (py::handle c : t[4]) {
        in.categories.push_back(Encode(c, "a category"));
      }
    } else if (in.kind == "fixed") {
      if (!string_column) refuse();
      py::array a = py::array::ensure(t[3], py::array::c_style);
      if (!a || a.dtype().kind() != 'S' || a.ndim() != 1) {
        throw py::value_error(
            absl::StrCat("column '", in.name,
                         "': 'fixed' values must be a 1-D bytes (S) "
                         "array"));
      }
      in.values = a;
    } else {
      throw py::value_error(
          absl::StrCat("unknown payload kind '", in.kind, "'"));
    }
    in.size = static_cast<size_t>(in.values.size());
    if ((in.kind == "floats" || in.kind == "ints") && !t[4].is_none()) {
      in.valid = Contiguous<uint8_t>(t[4], in.name);
      in.has_valid = true;
      if (static_cast<size_t>(in.valid.size()) != in.size) {
        throw py::value_error(
            absl::StrCat("column '", in.name, "': the validity mask has ",
                         in.valid.size(), " entries for ", in.size, " values"));
      }
    }
    inputs.push_back(std::move(in));
  }
  return inputs;
}

Schema PayloadSchema(const std::vector<ColumnInput>& inputs) {
  std::vector<ColumnSpec> specs;
  for (const ColumnInput& in : inputs) specs.push_back({in.name, in.type});
  return Value(Schema::Create(std::move(specs)));
}

// Fills a Batch from the payload (GIL released: only raw buffers are read).
absl::StatusOr<Batch> BuildBatch(const Schema& schema,
                                 const std::vector<ColumnInput>& inputs) {
  Batch batch(schema);
  if (inputs.empty()) return batch;
  const size_t n = inputs[schema.id_column()].size;
  for (const ColumnInput& in : inputs) {
    if (in.size != n) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", in.name, "' has ", in.size,
                       " values; column '", kDataRowIdColumn, "' has ", n));
    }
  }
  batch.Reserve(n);
  for (int c = 0; c < schema.num_columns(); ++c) {
    const ColumnInput& in = inputs[c];
    const uint8_t* valid =
        in.has_valid ? static_cast<const uint8_t*>(in.valid.data()) : nullptr;
    if (in.kind == "floats") {
      const float* v = static_cast<const float*>(in.values.data());
      for (size_t i = 0; i < n; ++i) {
        valid && !valid[i] ? batch.AppendNull(c) : batch.AppendFloat(c, v[i]);
      }
    } else if (in.kind == "ints") {
      const int64_t* v = static_cast<const int64_t*>(in.values.data());
      const bool text = in.type != ColumnType::kInt;
      for (size_t i = 0; i < n; ++i) {
        if (valid && !valid[i]) {
          batch.AppendNull(c);
        } else if (text) {
          char buffer[32];
          const char* end =
              absl::numbers_internal::FastIntToBuffer(v[i], buffer);
          batch.AppendString(c, absl::string_view(buffer, end - buffer));
        } else {
          batch.AppendInt(c, v[i]);
        }
      }
    } else if (in.kind == "codes") {
      const int64_t* codes = static_cast<const int64_t*>(in.values.data());
      for (size_t i = 0; i < n; ++i) {
        if (codes[i] < 0) {
          batch.AppendNull(c);
        } else if (static_cast<size_t>(codes[i]) >= in.categories.size()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "column '", in.name, "', row ", i, ": category code ", codes[i],
              " is out of range (", in.categories.size(), " categories)"));
        } else {
          batch.AppendString(c, in.categories[codes[i]]);
        }
      }
    } else {  // fixed
      const char* data = static_cast<const char*>(in.values.data());
      const size_t width = static_cast<size_t>(in.values.itemsize());
      for (size_t i = 0; i < n; ++i) {
        const char* begin = data + i * width;
        size_t len = width;
        while (len > 0 && begin[len - 1] == '\0') --len;
        batch.AppendString(c, absl::string_view(begin, len));
      }
    }
  }
  return batch;
}

TablePtr FromColumns(py::list payload, size_t chunk_rows) {
  std::vector<ColumnInput> inputs = ReadPayload(payload);
  const Schema schema = PayloadSchema(inputs);
  absl::StatusOr<Table> table = [&] {
    py::gil_scoped_release release;
    absl::StatusOr<Table> t = Table::Create(schema, {.chunk_rows = chunk_rows});
    if (!t.ok()) return t;
    absl::StatusOr<Batch> batch = BuildBatch(schema, inputs);
    if (!batch.ok()) return absl::StatusOr<Table>(batch.status());
    absl::Status appended = t->Append(*batch);
    if (!appended.ok()) return absl::StatusOr<Table>(appended);
    return t;
  }();
  return std::make_shared<TableHandle>(Value(std::move(table)));
}

std::string SchemaText(const Schema& schema) {
  std::vector<std::string> parts;
  for (const ColumnSpec& c : schema.columns()) {
    parts.push_back(absl::StrCat(c.name, ":", ColumnTypeName(c.type)));
  }
  return absl::StrJoin(parts, ", ");
}

void AppendColumns(TableHandle& handle, py::list payload) {
  std::vector<ColumnInput> inputs = ReadPayload(payload);
  const Schema schema = PayloadSchema(inputs);
  if (!(schema == handle.table.schema())) {
    throw StatusError(absl::InvalidArgumentError(absl::StrCat(
        "the columns (", SchemaText(schema), ") differ from the table's (",
        SchemaText(handle.table.schema()), ")")));
  }
  Check(Writing(handle, [&]() -> absl::Status {
    absl::StatusOr<Batch> batch = BuildBatch(schema, inputs);
    if (!batch.ok()) return batch.status();
    return handle.table.Append(*batch);
  }));
}

int ColumnIndex(const Table& table, const std::string& name) {
  const std::optional<int> index = table.schema().Find(name);
  if (!index.has_value()) {
    const std::string closest = table.schema().ClosestName(name);
    throw StatusError(absl::NotFoundError(absl::StrCat(
        "unknown column '", name, "'",
        closest.empty() ? ""
                        : absl::StrCat(" (did you mean '", closest, "'?)"))));
  }
  return *index;
}

// The rows to read: the given positions (each checked), the rows a boolean
// mask selects, the live rows of a Selection of this table, or every live
// row.
std::vector<RowIndex> RowsOrLive(const TableHandle& handle, py::handle rows) {
  if (rows.is_none()) {
    return Reading(handle, [&] { return handle.table.LiveRows().ToVector(); });
  }
  if (py::isinstance<PySelection>(rows)) {
    const PySelection& selection = rows.cast<const PySelection&>();
    if (selection.table.get() != &handle) {
      throw StatusError(absl::InvalidArgumentError(
          "the selection was made from another table"));
    }
    return Value(
        Reading(handle, [&]() -> absl::StatusOr<std::vector<RowIndex>> {
          absl::StatusOr<Selection> live =
              LiveSelection(handle.table, selection.selection);
          if (!live.ok()) return live.status();
          return live->ToVector();
        }));
  }
  if (std::optional<std::vector<RowIndex>> masked = MaskRows(handle, rows)) {
    return *std::move(masked);
  }
  std::vector<RowIndex> out = ToRows(rows);
  const size_t n = Reading(handle, [&] { return handle.table.num_rows(); });
  for (RowIndex r : out) {
    if (r >= n) {
      throw StatusError(absl::InvalidArgumentError(absl::StrCat(
          "row position ", r, " is out of range; the table has ", n, " rows")));
    }
  }
  return out;
}

// A string column read out: codes into `uniques` (-1: NULL).
struct StringColumn {
  std::vector<int32_t> codes;
  std::vector<std::string> uniques;
};

// ("float", float32 values with NaN for NULL) of column k.
py::tuple GatherFloats(const TableHandle& handle, const TableReader& reader,
                       const std::vector<RowIndex>& rows, size_t k) {
  const size_t n = rows.size();
  py::array_t<float> values(static_cast<py::ssize_t>(n));
  float* v = values.mutable_data();
  Reading(handle, [&] {
    for (size_t i = 0; i < n; ++i) {
      const std::optional<float> f = reader.GetFloat(rows[i], k);
      v[i] = f.has_value() ? *f : std::numeric_limits<float>::quiet_NaN();
    }
    return 0;
  });
  return py::make_tuple("float", values);
}

// ("int", int64 values, bool NULL mask) of column k.
py::tuple GatherInts(const TableHandle& handle, const TableReader& reader,
                     const std::vector<RowIndex>& rows, size_t k) {
  const size_t n = rows.size();
  py::array_t<int64_t> values(static_cast<py::ssize_t>(n));
  py::array_t<bool> nulls(static_cast<py::ssize_t>(n));
  int64_t* v = values.mutable_data();
  bool* null = nulls.mutable_data();
  Reading(handle, [&] {
    for (size_t i = 0; i < n; ++i) {
      const std::optional<int64_t> x = reader.GetInt(rows[i], k);
      v[i] = x.value_or(0);
      null[i] = !x.has_value();
    }
    return 0;
  });
  return py::make_tuple("int", values, nulls);
}

// Column k of `rows` as codes and uniques; the table lock must be held.
StringColumn ReadStrings(const TableReader& reader,
                         const std::vector<RowIndex>& rows, size_t k,
                         ColumnType type) {
  const size_t n = rows.size();
  StringColumn s;
  s.codes.resize(n);
  if (type == ColumnType::kId) {
    s.uniques.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      s.codes[i] = static_cast<int32_t>(i);
      s.uniques.emplace_back(*reader.GetString(rows[i], k));
    }
    return s;
  }
  // Views into the dictionary, stable while the lock is held.
  absl::flat_hash_map<absl::string_view, int32_t> seen;
  for (size_t i = 0; i < n; ++i) {
    const std::optional<absl::string_view> v = reader.GetString(rows[i], k);
    if (!v.has_value()) {
      s.codes[i] = -1;
      continue;
    }
    auto [it, inserted] =
        seen.try_emplace(*v, static_cast<int32_t>(s.uniques.size()));
    if (inserted) s.uniques.emplace_back(*v);
    s.codes[i] = it->second;
  }
  return s;
}

// ("str", int32 codes, list of str) of column k.
py::tuple GatherStrings(const TableHandle& handle, const TableReader& reader,
                        const std::vector<RowIndex>& rows, size_t k) {
  const size_t n = rows.size();
  StringColumn column = Reading(
      handle, [&] { return ReadStrings(reader, rows, k, reader.type(k)); });
  py::array_t<int32_t> codes(static_cast<py::ssize_t>(n));
  if (n > 0) {
    std::memcpy(codes.mutable_data(), column.codes.data(), n * sizeof(int32_t));
  }
  py::list uniques;
  for (const std::string& u : column.uniques) uniques.append(Decode(u));
  return py::make_tuple("str", codes, uniques);
}

// Reads columns `columns` of `rows`: per column ("float", float32 values
// with NaN for NULL), ("int", int64 values, bool NULL mask) or ("str", int32
// codes, list of str). The package builds NumPy/pandas columns from these.
py::list Gather(const TablePtr& handle, py::handle rows_arg,
                py::handle columns_arg) {
  const std::vector<RowIndex> rows = RowsOrLive(*handle, rows_arg);
  const Table& table = handle->table;
  std::vector<int> columns;
  if (columns_arg.is_none()) {
    for (int c = 0; c < table.schema().num_columns(); ++c) {
      columns.push_back(c);
    }
  } else {
    for (py::handle name : columns_arg) {
      columns.push_back(ColumnIndex(table, name.cast<std::string>()));
    }
  }
  // Made once: it verifies the columns of a lazily verified table file
  // (DataLossError), then its reads cannot fail.
  const TableReader reader = Value(
      Reading(*handle, [&] { return TableReader::Make(table, columns); }));
  py::list out;
  for (size_t k = 0; k < columns.size(); ++k) {
    const ColumnType type = reader.type(k);
    if (type == ColumnType::kFloat) {
      out.append(GatherFloats(*handle, reader, rows, k));
    } else if (type == ColumnType::kInt) {
      out.append(GatherInts(*handle, reader, rows, k));
    } else {
      out.append(GatherStrings(*handle, reader, rows, k));
    }
  }
  return out;
}

py::array_t<int64_t> FindMany(const TableHandle& t, py::iterable ids) {
  std::vector<std::string> keys;
  for (py::handle id : ids) {
    keys.push_back(IdBytes(id));
  }
  py::array_t<int64_t> out(static_cast<py::ssize_t>(keys.size()));
  int64_t* rows = out.mutable_data();
  Check(Reading(t, [&]() -> absl::Status {
    for (size_t i = 0; i < keys.size(); ++i) {
      absl::StatusOr<std::optional<RowIndex>> row = t.table.Find(keys[i]);
      if (!row.ok()) return row.status();
      rows[i] = row->has_value() ? int64_t{**row} : -1;
    }
    return absl::OkStatus();
  }));
  return out;
}

py::dict CompactTable(TableHandle& t) {
  const Table::CompactionStats s =
      Value(Writing(t, [&] { return t.table.Compact(); }));
  py::dict out;
  out["rows_removed"] = s.rows_removed;
  out["rows_after"] = s.rows_after;
  out["bytes_before"] = s.bytes_before;
  out["bytes_after"] = s.bytes_after;
  out["generation"] = s.generation;
  return out;
}

PySelection SelectionFromRows(const TablePtr& t, py::handle rows) {
  const std::vector<RowIndex> positions = RowsOrLive(*t, rows);
  Selection s = Value(Reading(*t, [&]() -> absl::StatusOr<Selection> {
    // Checked again under the lock the positions are used in.
    Selection out(t->table.num_rows());
    for (RowIndex r : positions) {
      if (r >= out.num_rows()) {
        return absl::InvalidArgumentError(
            absl::StrCat("row position ", r, " is out of range; the table has ",
                         out.num_rows(), " rows"));
      }
      out.Add(r);
    }
    out.set_generation(t->table.generation());
    return out;
  }));
  return MakeSelection(t, std::move(s));
}

}  // namespace

PySelection ToSelection(const TablePtr& table, py::handle rows) {
  if (py::isinstance<PySelection>(rows)) {
    PySelection selection = rows.cast<PySelection>();
    CheckSameTable(table, selection);
    return selection;
  }
  if (rows.is_none()) {
    throw py::type_error(
        "selection must be a Selection, row positions or a boolean mask, "
        "not None");
  }
  return SelectionFromRows(table, rows);
}

namespace {

void BindWatermark(py::module_& m) {
  py::class_<Table::Watermark>(
      m, "Watermark",
      "'The rows appended from now on': Table.end_watermark(), for "
      "Curator.new_rows_since().")
      .def(py::init([](RowIndex row, uint64_t generation) {
             return Table::Watermark{row, generation};
           }),
           py::arg("row"), py::arg("generation") = 0)
      .def_readonly("row", &Table::Watermark::row)
      .def_readonly("generation", &Table::Watermark::generation)
      .def("__repr__",
           [](const Table::Watermark& w) {
             return absl::StrCat("Watermark(row=", w.row,
                                 ", generation=", w.generation, ")");
           })
      .def(py::pickle(
          [](const Table::Watermark& w) {
            return py::make_tuple(w.row, w.generation);
          },
          [](py::tuple t) {
            return Table::Watermark{t[0].cast<RowIndex>(),
                                    t[1].cast<uint64_t>()};
          }));
}

// The column payload in and out (slicekit/_table.py), sizes and schema.
void BindTableColumns(py::class_<TableHandle, TablePtr>& table) {
  table
      .def_static("_from_columns", &FromColumns, py::arg("payload"),
                  py::arg("chunk_rows") = 65536)
      .def("_append_columns", &AppendColumns, py::arg("payload"))
      .def("_gather", &Gather, py::arg("rows") = py::none(),
           py::arg("columns") = py::none())
      .def(
          "_rows",
          [](const TablePtr& t, py::handle rows) {
            return RowsArray(RowsOrLive(*t, rows));
          },
          py::arg("rows") = py::none(),
          "The row positions a rows argument names (positions, a boolean "
          "mask, a Selection or None), checked, as a uint32 array.")
      .def_property_readonly(
          "num_rows",
          [](const TableHandle& t) {
            return Reading(t, [&] { return t.table.num_rows(); });
          },
          "Row positions used, deleted rows included.")
      .def_property_readonly(
          "num_live_rows",
          [](const TableHandle& t) {
            return Reading(t, [&] { return t.table.num_live_rows(); });
          },
          "Rows not deleted.")
      .def("__len__",
           [](const TableHandle& t) {
             return Reading(t, [&] { return t.table.num_live_rows(); });
           })
      .def_property_readonly(
          "generation",
          [](const TableHandle& t) {
            return Reading(t, [&] { return t.table.generation(); });
          },
          "Starts at 0; compact() increments it when it moves rows.")
      .def_property_readonly(
          "chunk_rows",
          [](const TableHandle& t) { return t.table.options().chunk_rows; })
      .def_property_readonly(
          "columns",
          [](const TableHandle& t) {
            py::list names;
            for (const ColumnSpec& c : t.table.schema().columns()) {
              names.append(Decode(c.name));
            }
            return names;
          },
          "The column names, in table order.")
      .def_property_readonly(
          "schema",
          [](const TableHandle& t) {
            py::list out;
            for (const ColumnSpec& c : t.table.schema().columns()) {
              out.append(py::make_tuple(Decode(c.name),
                                        std::string(ColumnTypeName(c.type))));
            }
            return out;
          },
          "[(name, type)] with type 'float', 'int', 'categorical' or 'id'.");
}

// Rows by id, deletion and compaction, and the rows as a whole.
void BindTableRows(py::class_<TableHandle, TablePtr>& table) {
  table
      .def(
          "find",
          [](const TableHandle& t, py::handle id) -> std::optional<RowIndex> {
            const std::string key = IdBytes(id);
            return Value(Reading(t, [&] { return t.table.Find(key); }));
          },
          py::arg("id"), "The position of the live row with this id, or None.")
      .def("find_many", &FindMany, py::arg("ids"),
           "The positions of the live rows with these ids (-1 where none), "
           "as an int64 array.")
      .def(
          "is_live",
          [](const TableHandle& t, RowIndex row) {
            return Reading(t, [&] {
              return row < t.table.num_rows() && t.table.IsLive(row);
            });
          },
          py::arg("row"))
      .def(
          "delete",
          [](TableHandle& t, py::iterable ids) {
            std::vector<std::string> keys;
            for (py::handle id : ids) keys.push_back(IdBytes(id));
            Check(Writing(t, [&] { return t.table.Delete(keys); }));
          },
          py::arg("ids"),
          "Deletes the live rows with these ids, or none (NotFoundError "
          "naming an id that is not live).")
      .def(
          "save",
          [](const TableHandle& t, py::handle path) {
            const std::string p = PathArg(path, "path");
            Check(Reading(t, [&] { return t.table.Save(p); }));
          },
          py::arg("path"),
          "Writes the table as a table file (docs/table-file.md), "
          "atomically; open_table() maps it back.")
      .def(
          "verify",
          [](const TableHandle& t) {
            Check(Reading(t, [&] { return t.table.Verify(); }));
          },
          "Checks every section of a table file opened with "
          "verify='on_first_use' now (DataLossError naming the file and "
          "section); a table in memory has nothing to check.")
      .def("compact", &CompactTable,
           "Drops deleted rows (a new generation: earlier selections and "
           "positions become invalid). Returns the CompactionStats as a dict.")
      .def(
          "end_watermark",
          [](const TableHandle& t) {
            return Reading(t, [&] { return t.table.EndWatermark(); });
          },
          "num_rows with its generation, taken before an append for "
          "Curator.new_rows_since().")
      .def(
          "live_rows",
          [](const TablePtr& t) {
            return MakeSelection(
                t, Reading(*t, [&] { return t->table.LiveRows(); }));
          },
          "Every live row, as a Selection.")
      .def(
          "row_ids",
          [](const TablePtr& t, py::handle rows) {
            py::list columns;
            columns.append(std::string(kDataRowIdColumn));
            py::list got = Gather(t, rows, columns);
            // Each id is its own unique, in row order.
            return py::module_::import("numpy").attr("array")(
                got[0].cast<py::tuple>()[2], py::arg("dtype") = "object");
          },
          py::arg("rows") = py::none(),
          "The data_row_ids of `rows` (positions; default every live row) "
          "as a NumPy object array of str.");
}

void BindTableMemory(py::class_<TableHandle, TablePtr>& table) {
  table
      .def(
          "column_bytes",
          [](const TableHandle& t, const std::string& name) {
            return Reading(t, [&] {
              return t.table.ColumnBytes(ColumnIndex(t.table, name));
            });
          },
          py::arg("name"),
          "Bytes held for a column's values, validity and zone maps.")
      .def(
          "memory_bytes",
          [](const TableHandle& t) {
            return Reading(t, [&] {
              size_t total = 0;
              for (int c = 0; c < t.table.schema().num_columns(); ++c) {
                total += t.table.ColumnBytes(c) + t.table.DictionaryBytes(c);
              }
              return total;
            });
          },
          "Bytes held by every column, dictionary and the id index.")
      .def("__repr__", [](const TableHandle& t) {
        return Reading(t, [&] {
          return absl::StrCat("<slicekit.Table ", t.table.num_live_rows(),
                              " rows x ", t.table.schema().num_columns(),
                              " columns>");
        });
      });
}

void BindTable(py::module_& m) {
  py::class_<TableHandle, TablePtr> table(
      m, "Table",
      "A columnar table of per-row metrics (slicekit::Table). Load one with "
      "read_csv(), Table.from_pandas(), Table.from_arrays() or eval_coco(). "
      "Safe to share between Python threads: scans run in parallel, "
      "appends and deletes wait for them. Pickles as its table file "
      "(rows, deleted rows and generation kept), verified when unpickled.");
  BindTableColumns(table);
  BindTableRows(table);
  BindTableMemory(table);
}

// The live rows of `s` now (LiveSelection).
Selection Live(const PySelection& s) {
  return Value(Reading(
      *s.table, [&] { return LiveSelection(s.table->table, s.selection); }));
}

// a & b, a | b over the live rows of both (one table, either size: a
// selection made before an append covers fewer positions).
PySelection Combine(const PySelection& a, const PySelection& b, bool both) {
  CheckSameTable(a.table, b);
  const Selection x = Live(a);
  const Selection y = Live(b);
  Selection out(std::max(x.num_rows(), y.num_rows()));
  std::vector<uint64_t>& words = out.mutable_words();
  for (size_t w = 0; w < words.size(); ++w) {
    const uint64_t l = w < x.words().size() ? x.words()[w] : 0;
    const uint64_t r = w < y.words().size() ? y.words()[w] : 0;
    words[w] = both ? (l & r) : (l | r);
  }
  out.set_generation(a.table->table.generation());
  return MakeSelection(a.table, std::move(out));
}

// ~a: the live rows of the table (as it is now) that a does not hold.
PySelection Complement(const PySelection& a) {
  const Selection x = Live(a);
  Selection out = Reading(*a.table, [&] { return a.table->table.LiveRows(); });
  std::vector<uint64_t>& words = out.mutable_words();
  for (size_t w = 0; w < words.size() && w < x.words().size(); ++w) {
    words[w] &= ~x.words()[w];
  }
  return MakeSelection(a.table, std::move(out));
}

void BindSelection(py::module_& m) {
  py::class_<PySelection>(
      m, "Selection",
      "A set of rows of one table (one bit per row position), as returned by "
      "a scan. It means the rows that are live: a row deleted after the "
      "selection was made is no longer in it, and after Table.compact() "
      "every use is FailedPreconditionError. to_numpy() gives the "
      "positions; iterating gives them as ints; &, | and ~ combine "
      "selections of one table.")
      .def_static("from_rows", &SelectionFromRows, py::arg("table"),
                  py::arg("rows"),
                  "A selection of `table` holding the given row positions, "
                  "or the rows of a boolean mask (one entry per row).")
      .def(
          "count", [](const PySelection& s) { return Live(s).Count(); },
          "The number of selected live rows.")
      .def("__len__", [](const PySelection& s) { return Live(s).Count(); })
      .def("__contains__",
           [](const PySelection& s, int64_t row) {
             return row >= 0 && row <= UINT32_MAX &&
                    Live(s).Contains(static_cast<RowIndex>(row));
           })
      .def("__iter__",
           [](const PySelection& s) {
             return py::iter(RowsArray(Live(s).ToVector()).attr("tolist")());
           })
      .def("__and__", [](const PySelection& a,
                         const PySelection& b) { return Combine(a, b, true); })
      .def("__or__", [](const PySelection& a,
                        const PySelection& b) { return Combine(a, b, false); })
      .def("__invert__", &Complement)
      .def_property_readonly(
          "num_rows",
          [](const PySelection& s) { return s.selection.num_rows(); },
          "The row positions covered (the table's size when scanned).")
      .def_property_readonly(
          "generation",
          [](const PySelection& s) { return s.selection.generation(); })
      .def_property_readonly("table",
                             [](const PySelection& s) { return s.table; })
      .def(
          "to_numpy",
          [](const PySelection& s) { return RowsArray(Live(s).ToVector()); },
          "The selected live row positions, ascending, as a uint32 array.")
      .def("__eq__",
           [](const PySelection& a, const PySelection& b) {
             if (a.table != b.table) return false;
             Selection x = Live(a);
             Selection y = Live(b);
             x.set_generation(std::nullopt);
             y.set_generation(std::nullopt);
             return x.ToVector() == y.ToVector();
           })
      .def("__repr__", [](const PySelection& s) {
        absl::StatusOr<Selection> live = Reading(*s.table, [&] {
          return LiveSelection(s.table->table, s.selection);
        });
        if (!live.ok()) {
          return std::string(
              "<slicekit.Selection made before the table was compacted>");
        }
        return absl::StrCat("<slicekit.Selection ", live->Count(), " of ",
                            s.selection.num_rows(), " rows>");
      });
}

}  // namespace

void BindTables(py::module_& m) {
  BindWatermark(m);
  BindTable(m);
  BindSelection(m);
}

namespace {

// Whether the file at `path` starts with a table file's magic (a file that
// cannot be read is not: its reader says why).
bool StartsAsTableFile(const std::string& path) {
  char magic[8] = {};
  size_t got = 0;
  if (std::FILE* file = std::fopen(path.c_str(), "rb")) {
    got = std::fread(magic, 1, sizeof(magic), file);
    std::fclose(file);
  }
  return absl::string_view(magic, got) == kTableFileMagic;
}

TablePtr OpenTableFile(const std::string& path, const std::string& verify) {
  TableOpenOptions options;
  if (verify == "all") {
    options.verify = TableOpenOptions::Verify::kAll;
  } else if (verify == "on_first_use") {
    options.verify = TableOpenOptions::Verify::kOnFirstUse;
  } else {
    throw StatusError(absl::InvalidArgumentError(absl::StrCat(
        "verify must be 'all' or 'on_first_use', not '", verify, "'")));
  }
  absl::StatusOr<Table> table = [&] {
    py::gil_scoped_release release;
    return Table::Open(path, options);
  }();
  return std::make_shared<TableHandle>(Value(std::move(table)));
}

TablePtr ReadCsvPath(const std::string& path, size_t chunk_rows) {
  absl::StatusOr<Table> table = [&]() -> absl::StatusOr<Table> {
    py::gil_scoped_release release;
    if (StartsAsTableFile(path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", path,
          "' is a table file, not CSV: open it with slicekit.open_table()"));
    }
    return ReadCsvFile(path, {.table = {.chunk_rows = chunk_rows}});
  }();
  return std::make_shared<TableHandle>(Value(std::move(table)));
}

void BindTableFiles(py::module_& m) {
  m.def(
      "open_table",
      [](py::handle path, const std::string& verify, size_t chunk_rows) {
        const std::string p = PathArg(path, "path");
        const bool table_file = [&] {
          py::gil_scoped_release release;
          return StartsAsTableFile(p);
        }();
        return table_file ? OpenTableFile(p, verify)
                          : ReadCsvPath(p, chunk_rows);
      },
      py::arg("path"), py::kw_only(), py::arg("verify") = "on_first_use",
      py::arg("chunk_rows") = 65536,
      "Opens a table file (Table.save; mapped read-only, copied on the "
      "first change) or loads a CSV, told apart by content as the CLI "
      "does. verify='all' checks every section now; 'on_first_use' checks "
      "each column when first read (DataLossError there). chunk_rows "
      "applies to CSV.");
}

}  // namespace

void BindTableIo(py::module_& m) {
  BindTableFiles(m);
  m.def(
      "read_csv",
      [](py::handle path, size_t chunk_rows) {
        return ReadCsvPath(PathArg(path, "path"), chunk_rows);
      },
      py::arg("path"), py::arg("chunk_rows") = 65536,
      "Loads a CSV file (README: fixed types for the standard metric "
      "columns, others inferred). Errors name the file, line and column; "
      "a table file is refused (use open_table).");
  m.def(
      "read_csv_text",
      [](py::handle text, const std::string& source_name, size_t chunk_rows) {
        const std::string bytes = Encode(text, "CSV text");
        absl::StatusOr<Table> table = [&] {
          py::gil_scoped_release release;
          return ReadCsv(bytes, source_name,
                         {.table = {.chunk_rows = chunk_rows}});
        }();
        return std::make_shared<TableHandle>(Value(std::move(table)));
      },
      py::arg("text"), py::arg("source_name") = "<input>",
      py::arg("chunk_rows") = 65536, "Loads CSV from a str or bytes.");
  m.def(
      "export_rows",
      [](const TablePtr& table, py::handle rows, const std::string& format) {
        const ExportFormat f = Value(ParseExportFormat(format));
        const std::vector<RowIndex> positions = RowsOrLive(*table, rows);
        std::string text =
            Value(Reading(*table, [&]() -> absl::StatusOr<std::string> {
              std::ostringstream out;
              absl::Status status = ExportRows(table->table, positions, f, out);
              if (!status.ok()) return status;
              return std::move(out).str();
            }));
        return Decode(text);
      },
      py::arg("table"), py::arg("rows") = py::none(), py::arg("format") = "csv",
      "The rows (positions; default every live row) as 'csv', 'json' or "
      "'ndjson' text.");
  m.def(
      "standard_column_types",
      [] {
        py::dict out;
        for (const ColumnSpec& c : StandardColumns()) {
          out[py::str(c.name)] = std::string(ColumnTypeName(c.type));
        }
        return out;
      },
      "The fixed types of the standard metric columns.");
}

}  // namespace slicekit::python
