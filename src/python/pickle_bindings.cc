// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Pickling of Table and Selection, so that they travel to worker processes
// (multiprocessing, Dask) and into caches. A Table pickles as the bytes of
// its table file (docs/table-file.md: rows, deleted rows and generation
// kept, so row positions keep their meaning), a Selection as its table and
// its positions. Unpickling verifies every section of the file (pickles
// come from disks and networks) and maps it from a temporary file that is
// unlinked at once.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "slicekit/selection.h"
#include "slicekit/table.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

// A directory of its own under the system's temporary directory, removed
// with what is in it when this goes out of scope.
class TempDir {
 public:
  static absl::StatusOr<TempDir> Make() {
    std::error_code error;
    std::string pattern =
        (std::filesystem::temp_directory_path(error) / "slicekit_pickle_XXXXXX")
            .string();
    if (error) pattern = "/tmp/slicekit_pickle_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("cannot make a temporary directory '", pattern,
                       "' to pickle a table: ", std::strerror(errno)));
    }
    return TempDir(std::move(pattern));
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const char* name) const {
    return absl::StrCat(path_, "/", name);
  }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

absl::StatusOr<std::string> TableFileBytes(const Table& table) {
  absl::StatusOr<TempDir> dir = TempDir::Make();
  if (!dir.ok()) return dir.status();
  const std::string path = dir->File("table.sktbl");
  if (absl::Status saved = table.Save(path); !saved.ok()) return saved;
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read back '", path, "' to pickle a table"));
  }
  return bytes;
}

absl::StatusOr<Table> TableFromFileBytes(const std::string& bytes) {
  absl::StatusOr<TempDir> dir = TempDir::Make();
  if (!dir.ok()) return dir.status();
  const std::string path = dir->File("pickled_table.sktbl");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out.good()) {
      return absl::UnavailableError(absl::StrCat(
          "cannot write '", path, "' to unpickle a table (disk full?)"));
    }
  }
  TableOpenOptions options;
  options.verify = TableOpenOptions::Verify::kAll;
  // The mapping outlives the file: the directory goes when `dir` does.
  return Table::Open(path, options);
}

py::bytes PickleTable(const TableHandle& t) {
  std::string bytes =
      Value(Reading(t, [&] { return TableFileBytes(t.table); }));
  return py::bytes(bytes);
}

TablePtr UnpickleTable(const py::bytes& state) {
  std::string bytes = state;
  absl::StatusOr<Table> table = [&] {
    py::gil_scoped_release release;
    return TableFromFileBytes(bytes);
  }();
  return std::make_shared<TableHandle>(Value(std::move(table)));
}

// (table, positions as uint32 bytes, num_rows, generation or None): the
// positions as scanned, not only the live ones, so that the unpickled
// selection means what this one means (deleted rows are deleted there too).
py::tuple PickleSelection(const PySelection& s) {
  std::string positions;
  s.selection.ForEach([&](RowIndex row) {
    positions.append(reinterpret_cast<const char*>(&row), sizeof(row));
  });
  py::object generation = py::none();
  if (s.selection.generation().has_value()) {
    generation = py::int_(*s.selection.generation());
  }
  return py::make_tuple(s.table, py::bytes(positions),
                        s.selection.num_rows(), generation);
}

absl::Status BadSelectionPickle(absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("not a pickled slicekit.Selection: ", what));
}

PySelection UnpickleSelection(const py::tuple& state) {
  if (state.size() != 4 || !py::isinstance<TableHandle>(state[0]) ||
      !py::isinstance<py::bytes>(state[1]) ||
      !py::isinstance<py::int_>(state[2])) {
    throw StatusError(BadSelectionPickle(
        "expected (Table, bytes, int, int or None)"));
  }
  TablePtr table = state[0].cast<TablePtr>();
  const std::string positions = state[1].cast<std::string>();
  const int64_t num_rows = state[2].cast<int64_t>();
  const size_t table_rows =
      Reading(*table, [&] { return table->table.num_rows(); });
  if (num_rows < 0 || static_cast<uint64_t>(num_rows) > table_rows) {
    throw StatusError(BadSelectionPickle(absl::StrCat(
        "it covers ", num_rows, " rows, its table has ", table_rows)));
  }
  if (positions.size() % sizeof(RowIndex) != 0) {
    throw StatusError(BadSelectionPickle("positions are not uint32s"));
  }
  Selection selection(static_cast<size_t>(num_rows));
  for (size_t i = 0; i < positions.size(); i += sizeof(RowIndex)) {
    RowIndex row;
    std::memcpy(&row, positions.data() + i, sizeof(row));
    if (row >= static_cast<uint64_t>(num_rows)) {
      throw StatusError(BadSelectionPickle(
          absl::StrCat("position ", row, " is not below ", num_rows)));
    }
    selection.Add(row);
  }
  if (!state[3].is_none()) {
    selection.set_generation(state[3].cast<uint64_t>());
  }
  return MakeSelection(table, std::move(selection));
}

}  // namespace

void BindPickling(py::module_& m) {
  auto table =
      py::reinterpret_borrow<py::class_<TableHandle, TablePtr>>(m.attr("Table"));
  table.def(py::pickle(&PickleTable, &UnpickleTable));
  auto selection =
      py::reinterpret_borrow<py::class_<PySelection>>(m.attr("Selection"));
  selection.def(py::pickle(&PickleSelection, &UnpickleSelection));
}

}  // namespace slicekit::python
