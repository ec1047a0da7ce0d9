// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Slices: the SliceStore (memory and SQLite) with every operation (history,
// snapshots and alert rules included), summaries, explore, auto slices and
// incremental curation.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "slicekit/auto_slices.h"
#include "slicekit/curation.h"
#include "slicekit/explore.h"
#include "slicekit/slice.h"
#include "slicekit/slice_snapshot.h"
#include "slicekit/slice_store.h"
#include "slicekit/table_snapshot.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

py::object ToDatetime(absl::Time t) {
  py::module_ datetime = py::module_::import("datetime");
  py::object utc = datetime.attr("timezone").attr("utc");
  py::object epoch =
      datetime.attr("datetime")(1970, 1, 1, py::arg("tzinfo") = utc);
  return epoch + datetime.attr("timedelta")(py::arg("microseconds") =
                                                absl::ToUnixMicros(t));
}

// A SliceStore shared by the Python object and any operation in flight, so
// close() never pulls it out from under another thread.
struct PyStore {
  std::shared_ptr<SliceStore> store;

  std::shared_ptr<SliceStore> Get() const {
    if (!store) {
      throw StatusError(
          absl::FailedPreconditionError("the slice store is closed"));
    }
    return store;
  }
};

// Runs fn(store) with the GIL released (SQLite may wait on a lock).
template <typename Fn>
auto WithStore(const PyStore& s, Fn&& fn) {
  std::shared_ptr<SliceStore> store = s.Get();
  auto result = [&] {
    py::gil_scoped_release release;
    return fn(*store);
  }();
  return Value(std::move(result));
}

// The same for operations that return only a Status: raises on error.
template <typename Fn>
void WithStoreStatus(const PyStore& s, Fn&& fn) {
  std::shared_ptr<SliceStore> store = s.Get();
  absl::Status status;
  {
    py::gil_scoped_release release;
    status = fn(*store);
  }
  Check(status);
}

SliceListOrder ParseListOrder(const std::string& order) {
  if (order == "name") return SliceListOrder::kByName;
  if (order == "created") return SliceListOrder::kByCreationTime;
  throw StatusError(absl::InvalidArgumentError(absl::StrCat(
      "unknown list order '", order, "' (use 'name' or 'created')")));
}

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

// Ids as str the way row_ids() gives them (bytes that are not UTF-8 kept
// by surrogateescape), so they compare equal to the table's.
py::list DecodeIds(const std::vector<std::string>& ids) {
  py::list out;
  for (const std::string& id : ids) out.append(Decode(id));
  return out;
}

ChangeInfo ToChange(const std::string& actor) {
  ChangeInfo change;
  change.actor = actor;
  return change;
}

// The Python-side Curator: the C++ one and the table it points into.
struct PyCurator {
  TablePtr table;
  std::shared_ptr<const Curator> curator;
};

}  // namespace

const SliceResolver* ToResolver(py::handle value) {
  if (value.is_none()) return nullptr;
  if (!py::isinstance<PyResolver>(value)) {
    throw py::type_error(
        "resolver must be a SliceResolver "
        "(SliceStore.resolver(org)) or None");
  }
  return value.cast<const PyResolver&>().resolver.get();
}

void BindSlices(py::module_& m) {
  py::class_<PyResolver>(
      m, "SliceResolver",
      "Resolves IN SLICE references against an org's slices as they were "
      "when SliceStore.resolver(org) made it (it does not see later "
      "changes). Pass it as resolver= to bind, scan, explore and "
      "slice_row_ids.");

  m.attr("MAX_SLICES_PER_ORG") = kMaxSlicesPerOrg;
  m.attr("MIN_SLICE_NAME_CHARS") = kMinSliceNameChars;
  m.attr("MAX_SLICE_NAME_CHARS") = kMaxSliceNameChars;
  m.attr("MAX_SLICE_DESCRIPTION_CHARS") = kMaxSliceDescriptionChars;

  py::class_<Slice>(
      m, "Slice",
      "A saved, named, dynamic filter (a value). The store makes them; "
      "Slice(name=..., filter=...) makes an unsaved one, e.g. for Curator.")
      .def(py::init([](std::string name, py::handle filter, py::handle order_by,
                       std::string description, std::string id,
                       std::string org) {
             Slice s;
             s.name = std::move(name);
             s.filter = ToExpr(filter);
             s.order_by = ToOrderBy(order_by);
             s.description = std::move(description);
             s.id = std::move(id);
             s.org = std::move(org);
             return s;
           }),
           py::kw_only(), py::arg("name"), py::arg("filter"),
           py::arg("order_by") = py::none(), py::arg("description") = "",
           py::arg("id") = "", py::arg("org") = "")
      .def_readonly("id", &Slice::id)
      .def_readonly("org", &Slice::org)
      .def_readonly("name", &Slice::name)
      .def_readonly("description", &Slice::description)
      .def_readonly("filter", &Slice::filter)
      .def_readonly("order_by", &Slice::order_by)
      .def_readonly("version", &Slice::version)
      .def_property_readonly(
          "created_at", [](const Slice& s) { return ToDatetime(s.created_at); })
      .def_property_readonly(
          "updated_at", [](const Slice& s) { return ToDatetime(s.updated_at); })
      .def("__repr__", [](const Slice& s) {
        return Decode(absl::StrCat("<slicekit.Slice ", s.id, " '", s.name,
                                   "' [", s.filter.ToString(), "] v", s.version,
                                   ">"));
      });

  py::class_<SliceVersion>(
      m, "SliceVersion",
      "One version of a slice as its history keeps it (a value): the slice "
      "after the change, and who made it when. `change` is one of "
      "'created', 'filter_updated', 'renamed', 'description_set', "
      "'restored', 'deleted', 'migrated'.")
      .def_readonly("slice_id", &SliceVersion::slice_id)
      .def_readonly("org", &SliceVersion::org)
      .def_readonly("version", &SliceVersion::version)
      .def_property_readonly("change",
                             [](const SliceVersion& v) {
                               return std::string(SliceChangeName(v.change));
                             })
      .def_readonly("name", &SliceVersion::name)
      .def_readonly("description", &SliceVersion::description)
      .def_readonly("filter", &SliceVersion::filter)
      .def_readonly("order_by", &SliceVersion::order_by)
      .def_readonly("actor", &SliceVersion::actor)
      .def_property_readonly(
          "changed_at",
          [](const SliceVersion& v) { return ToDatetime(v.changed_at); })
      .def_readonly("restored_from", &SliceVersion::restored_from)
      .def("__repr__", [](const SliceVersion& v) {
        return Decode(absl::StrCat("<slicekit.SliceVersion ", v.slice_id, " v",
                                   v.version, " ", SliceChangeName(v.change),
                                   " '", v.name, "'>"));
      });

  py::class_<SnapshotInfo>(
      m, "SnapshotInfo",
      "A snapshot of a slice's membership without its member ids (a value); "
      "summary.rows is the member count.")
      .def_readonly("id", &SnapshotInfo::id)
      .def_readonly("org", &SnapshotInfo::org)
      .def_readonly("slice_id", &SnapshotInfo::slice_id)
      .def_readonly("slice_name", &SnapshotInfo::slice_name)
      .def_readonly("slice_version", &SnapshotInfo::slice_version)
      .def_readonly("table_name", &SnapshotInfo::table_name)
      .def_readonly("actor", &SnapshotInfo::actor)
      .def_property_readonly(
          "taken_at",
          [](const SnapshotInfo& s) { return ToDatetime(s.taken_at); })
      .def_readonly("summary", &SnapshotInfo::summary)
      .def_readonly("encoded_bytes", &SnapshotInfo::encoded_bytes)
      .def("__repr__", [](const SnapshotInfo& s) {
        return Decode(absl::StrCat("<slicekit.SnapshotInfo ", s.id, " of '",
                                   s.slice_name, "': ", s.summary.rows,
                                   " rows>"));
      });

  py::class_<MetricChange>(m, "MetricChange",
                           "One summary metric in two snapshots; None where "
                           "undefined.")
      .def_readonly("metric", &MetricChange::metric)
      .def_readonly("before", &MetricChange::before)
      .def_readonly("after", &MetricChange::after)
      .def_readonly("change", &MetricChange::change);

  py::class_<SnapshotDiff>(
      m, "SnapshotDiff",
      "How membership moved between two snapshots: the ids that entered and "
      "left (ascending) and every summary metric's change.")
      .def_readonly("from_snapshot", &SnapshotDiff::from)
      .def_readonly("to_snapshot", &SnapshotDiff::to)
      .def_property_readonly(
          "entered", [](const SnapshotDiff& d) { return DecodeIds(d.entered); })
      .def_property_readonly(
          "left", [](const SnapshotDiff& d) { return DecodeIds(d.left); })
      .def_readonly("metrics", &SnapshotDiff::metrics);

  py::class_<PyStore>(
      m, "SliceStore",
      "Saved slices per org: SliceStore.in_memory() or "
      "SliceStore.open_sqlite(path) (WAL; each operation one transaction; "
      "shared by threads and processes). At most 100 slices per org, names "
      "of 3-30 characters unique per org ignoring case. Errors: "
      "InvalidArgumentError, NotFoundError, AlreadyExistsError, "
      "ResourceExhaustedError, FailedPreconditionError (a stale "
      "expected_version), DataLossError. Thread-safe; the GIL is released "
      "during every operation.")
      .def_static(
          "in_memory",
          [] {
            return PyStore{std::shared_ptr<SliceStore>(SliceStore::InMemory())};
          },
          "A new empty store in memory.")
      .def_static(
          "open_sqlite",
          [](const std::string& path, bool read_only) {
            absl::StatusOr<std::unique_ptr<SliceStore>> store = [&] {
              py::gil_scoped_release release;
              return SliceStore::OpenSqlite(path, {.read_only = read_only});
            }();
            return PyStore{
                std::shared_ptr<SliceStore>(Value(std::move(store)))};
          },
          py::arg("path"), py::kw_only(), py::arg("read_only") = false,
          "Opens (or creates) the SQLite store at `path`. read_only=True "
          "opens it for reading only (SqliteStoreOptions): nothing is "
          "written, a missing file is NotFoundError, and every change is "
          "FailedPreconditionError naming the file.")
      .def(
          "create",
          [](const PyStore& s, const std::string& org, const std::string& name,
             py::handle filter, const std::string& description,
             py::handle order_by) {
            SliceSpec spec{name, description, ToExpr(filter),
                           ToOrderBy(order_by)};
            return WithStore(
                s, [&](SliceStore& store) { return store.Create(org, spec); });
          },
          py::arg("org"), py::arg("name"), py::arg("filter"), py::kw_only(),
          py::arg("description") = "", py::arg("order_by") = py::none(),
          "Saves a new slice (version 1) and returns it.")
      .def(
          "get",
          [](const PyStore& s, const std::string& org, const std::string& id) {
            return WithStore(
                s, [&](SliceStore& store) { return store.Get(org, id); });
          },
          py::arg("org"), py::arg("id"))
      .def(
          "get_by_name",
          [](const PyStore& s, const std::string& org,
             const std::string& name) {
            return WithStore(s, [&](SliceStore& store) {
              return store.GetByName(org, name);
            });
          },
          py::arg("org"), py::arg("name"),
          "The slice whose name equals `name` ignoring case.")
      .def(
          "list",
          [](const PyStore& s, const std::string& org,
             const std::string& order) {
            const SliceListOrder o = ParseListOrder(order);
            return WithStore(
                s, [&](SliceStore& store) { return store.List(org, o); });
          },
          py::arg("org"), py::arg("order") = "name",
          "Every slice of `org`, by 'name' or by 'created' time.")
      .def(
          "update_filter",
          [](const PyStore& s, const std::string& org, const std::string& id,
             py::handle filter, py::handle order_by,
             std::optional<int64_t> expected_version) {
            const Expr expr = ToExpr(filter);
            const std::vector<OrderBy> keys = ToOrderBy(order_by);
            return WithStore(s, [&](SliceStore& store) {
              return store.UpdateFilter(org, id, expr, keys, expected_version);
            });
          },
          py::arg("org"), py::arg("id"), py::arg("filter"),
          py::arg("order_by") = py::none(), py::kw_only(),
          py::arg("expected_version") = py::none(),
          "Replaces the filter and order in place (version + 1).")
      .def(
          "update_filter_as_new",
          [](const PyStore& s, const std::string& org, const std::string& id,
             const std::string& new_name, py::handle filter,
             py::handle order_by, std::optional<int64_t> expected_version) {
            const Expr expr = ToExpr(filter);
            const std::vector<OrderBy> keys = ToOrderBy(order_by);
            return WithStore(s, [&](SliceStore& store) {
              return store.UpdateFilterAsNew(org, id, new_name, expr, keys,
                                             expected_version);
            });
          },
          py::arg("org"), py::arg("id"), py::arg("new_name"), py::arg("filter"),
          py::arg("order_by") = py::none(), py::kw_only(),
          py::arg("expected_version") = py::none(),
          "Saves the new filter as a new slice; the original is unchanged.")
      .def(
          "rename",
          [](const PyStore& s, const std::string& org, const std::string& id,
             const std::string& new_name,
             std::optional<int64_t> expected_version) {
            return WithStore(s, [&](SliceStore& store) {
              return store.Rename(org, id, new_name, expected_version);
            });
          },
          py::arg("org"), py::arg("id"), py::arg("new_name"), py::kw_only(),
          py::arg("expected_version") = py::none())
      .def(
          "set_description",
          [](const PyStore& s, const std::string& org, const std::string& id,
             const std::string& description,
             std::optional<int64_t> expected_version) {
            return WithStore(s, [&](SliceStore& store) {
              return store.SetDescription(org, id, description,
                                          expected_version);
            });
          },
          py::arg("org"), py::arg("id"), py::arg("description"), py::kw_only(),
          py::arg("expected_version") = py::none())
      .def(
          "delete",
          [](const PyStore& s, const std::string& org, const std::string& id,
             std::optional<int64_t> expected_version) {
            WithStoreStatus(s, [&](SliceStore& store) {
              return store.Delete(org, id, expected_version);
            });
          },
          py::arg("org"), py::arg("id"), py::kw_only(),
          py::arg("expected_version") = py::none())
      .def(
          "history",
          [](const PyStore& s, const std::string& org, const std::string& id) {
            return WithStore(
                s, [&](SliceStore& store) { return store.History(org, id); });
          },
          py::arg("org"), py::arg("id"),
          "Every kept version of slice `id` (live or deleted), oldest first.")
      .def(
          "restore",
          [](const PyStore& s, const std::string& org, const std::string& id,
             int64_t version, std::optional<int64_t> expected_version,
             const std::string& actor) {
            return WithStore(s, [&](SliceStore& store) {
              return store.Restore(org, id, version, expected_version,
                                   ToChange(actor));
            });
          },
          py::arg("org"), py::arg("id"), py::arg("version"), py::kw_only(),
          py::arg("expected_version") = py::none(), py::arg("actor") = "",
          "Makes an old version current again, as a new version.")
      .def(
          "resolver",
          [](const PyStore& s, const std::string& org) {
            std::unique_ptr<SliceResolver> resolver = WithStore(
                s, [&](SliceStore& store) { return store.Resolver(org); });
            return PyResolver{
                std::shared_ptr<const SliceResolver>(std::move(resolver))};
          },
          py::arg("org"),
          "A SliceResolver over the org's slices now, for filters with IN "
          "SLICE references.")
      .def(
          "list_deleted",
          [](const PyStore& s, const std::string& org) {
            return WithStore(
                s, [&](SliceStore& store) { return store.ListDeleted(org); });
          },
          py::arg("org"),
          "The last history entry of each deleted slice whose history is "
          "kept, most recently deleted first.")
      .def(
          "purge",
          [](const PyStore& s, const std::string& org, const std::string& id) {
            WithStoreStatus(
                s, [&](SliceStore& store) { return store.Purge(org, id); });
          },
          py::arg("org"), py::arg("id"),
          "Removes the history and snapshots of a deleted slice.")
      .def(
          "snapshot",
          [](const PyStore& s, const std::string& org, const std::string& id,
             const TablePtr& table, const std::string& table_name,
             const std::string& actor, int threads) {
            SnapshotOptions options;
            options.table_name = table_name;
            options.taken = ToChange(actor);
            options.threads = threads;
            std::shared_ptr<SliceStore> store = s.Get();
            return Value(Reading(*table, [&] {
              return TakeSnapshot(*store, org, id, table->table, options);
            }));
          },
          py::arg("org"), py::arg("id"), py::arg("table"), py::kw_only(),
          py::arg("table_name") = "", py::arg("actor") = "",
          py::arg("threads") = 1,
          "Records which rows of `table` are in the slice now, and their "
          "summary.")
      .def(
          "list_snapshots",
          [](const PyStore& s, const std::string& org, const std::string& id) {
            return WithStore(s, [&](SliceStore& store) {
              return store.ListSnapshots(org, id);
            });
          },
          py::arg("org"), py::arg("id"),
          "The snapshots of slice `id`, oldest first.")
      .def(
          "snapshot_members",
          [](const PyStore& s, const std::string& org, int64_t snapshot_id) {
            return DecodeIds(WithStore(s, [&](SliceStore& store) {
              return store.SnapshotMembers(org, snapshot_id);
            }));
          },
          py::arg("org"), py::arg("snapshot_id"),
          "The member ids of a snapshot, ascending byte-wise.")
      .def(
          "diff",
          [](const PyStore& s, const std::string& org, int64_t from_id,
             int64_t to_id) {
            return WithStore(s, [&](SliceStore& store) {
              return store.Diff(org, from_id, to_id);
            });
          },
          py::arg("org"), py::arg("from_id"), py::arg("to_id"),
          "The rows that entered and left between two snapshots, and each "
          "metric's change.")
      .def(
          "diff_with_table",
          [](const PyStore& s, const std::string& org, int64_t from_id,
             const TablePtr& table) {
            std::shared_ptr<SliceStore> store = s.Get();
            return Value(Reading(*table, [&] {
              return DiffWithTable(*store, org, from_id, table->table);
            }));
          },
          py::arg("org"), py::arg("from_id"), py::arg("table"),
          "Snapshot `from_id` against its slice's membership in `table` now "
          "(nothing saved).")
      .def(
          "set_alert_rules",
          [](const PyStore& s, const std::string& org, const std::string& id,
             const std::string& rules) {
            WithStoreStatus(s, [&](SliceStore& store) {
              return store.SetAlertRules(org, id, rules);
            });
          },
          py::arg("org"), py::arg("id"), py::arg("rules"),
          "Replaces a slice's alert rules ('size > 500; precision < 0.6'); "
          "'' removes them.")
      .def(
          "list_alert_rules",
          [](const PyStore& s, const std::string& org) {
            return WithStore(s, [&](SliceStore& store) {
              return store.ListAlertRules(org);
            });
          },
          py::arg("org"),
          "(slice id, rules) of the org's slices that have any.")
      .def(
          "check_integrity",
          [](const PyStore& s) {
            WithStoreStatus(
                s, [&](SliceStore& store) { return store.CheckIntegrity(); });
          },
          "Raises DataLossError naming the first problem; returns None if the "
          "store is consistent.")
      .def(
          "close", [](PyStore& s) { s.store.reset(); },
          "Closes the store (operations in flight finish first); later calls "
          "raise FailedPreconditionError.")
      .def(
          "__enter__", [](PyStore& s) -> PyStore& { return s; },
          py::return_value_policy::reference)
      .def("__exit__", [](PyStore& s, py::args) {
        s.store.reset();
        return false;
      });

  m.def(
      "normalize_slice_name",
      [](const std::string& name) { return Value(NormalizeSliceName(name)); },
      py::arg("name"),
      "The stored form of a slice name (trimmed, NFC), or "
      "InvalidArgumentError naming the rule it breaks.");
  m.def("slice_name_key", &SliceNameKey, py::arg("normalized_name"),
        "The case-folded key under which names are unique in an org.");
  m.def(
      "validate_slice_description",
      [](const std::string& d) { Check(ValidateSliceDescription(d)); },
      py::arg("description"));

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

  m.def(
      "summarize",
      [](const TablePtr& table, const PySelection& selection) {
        CheckSameTable(table, selection);
        return Value(Reading(*table, [&] {
          return Summarize(table->table, selection.selection);
        }));
      },
      py::arg("table"), py::arg("selection"),
      "Summarizes the live rows of a selection.");
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
      [](const TablePtr& table, const PySelection& selection,
         std::optional<std::string> dataset) {
        CheckSameTable(table, selection);
        return Value(Reading(*table, [&] {
          return CompareSummaries(
              table->table, selection.selection,
              dataset.has_value() ? std::optional<absl::string_view>(*dataset)
                                  : std::nullopt);
        }));
      },
      py::arg("table"), py::arg("selection"), py::arg("dataset") = py::none(),
      "The selection's summary beside all rows (and one dataset).");

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

  m.def(
      "explore",
      [](const TablePtr& table, py::handle target, py::handle order_by,
         const std::string& cursor, size_t limit, int threads,
         RowIndex begin_row, std::optional<RowIndex> end_row, bool summarize,
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
          if (t.slice.has_value())
            return Explore(table->table, *t.slice, options);
          if (t.bound.has_value())
            return Explore(table->table, *t.bound, options);
          return Explore(table->table, t.expr, options);
        }));
      },
      py::arg("table"), py::arg("target"), py::kw_only(),
      py::arg("order_by") = py::none(), py::arg("cursor") = "",
      py::arg("limit") = 50, py::arg("threads") = 1, py::arg("begin_row") = 0,
      py::arg("end_row") = py::none(), py::arg("summarize") = true,
      py::arg("resolver") = py::none(),
      "Applies a Slice, BoundFilter, Expr or filter text to the table as it "
      "is now and returns one page after `cursor` (keyset pagination: "
      "stable while rows are appended), the total and (summarize=True) the "
      "summary of the whole slice. order_by: None keeps the slice's order "
      "(data_row_id for filters).");
  m.def(
      "slice_row_ids",
      [](const TablePtr& table, py::handle target, py::handle order_by,
         size_t offset, std::optional<size_t> limit, py::handle resolver_arg) {
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
            return SliceRowIds(table->table, expr, keys, offset, limit,
                               resolver);
          }));
        }
        return py::module_::import("numpy").attr("array")(
            DecodeIds(ids), py::arg("dtype") = "object");
      },
      py::arg("table"), py::arg("target"), py::arg("order_by") = py::none(),
      py::arg("offset") = 0, py::arg("limit") = py::none(), py::kw_only(),
      py::arg("resolver") = py::none(),
      "The data_row_ids matching a Slice (in its order unless order_by is "
      "given) or filter (by data_row_id unless order_by is given), as a "
      "NumPy object array, skipping `offset`, at most `limit`.");

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
      .def("total_entries", &CurationReport::total_entries);

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
      .def_property_readonly("num_slices", [](const PyCurator& c) {
        return c.curator->num_slices();
      });
}

}  // namespace slicekit::python
