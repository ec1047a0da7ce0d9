// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Slices: the SliceStore (memory and SQLite) with every operation (history,
// snapshots and alert rules included) and the values it returns.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "slicekit/alert_rules.h"
#include "slicekit/slice.h"
#include "slicekit/slice_alerts.h"
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

ChangeInfo ToChange(const std::string& actor) {
  ChangeInfo change;
  change.actor = actor;
  return change;
}

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

namespace {

void BindSliceResolver(py::module_& m) {
  py::class_<PyResolver>(
      m, "SliceResolver",
      "Resolves IN SLICE references against an org's slices as they were "
      "when SliceStore.resolver(org) made it (it does not see later "
      "changes). Pass it as resolver= to bind, scan, explore and "
      "slice_row_ids.");
}

void BindSlice(py::module_& m) {
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
      .def("__repr__",
           [](const Slice& s) {
             return Decode(absl::StrCat("<slicekit.Slice ", s.id, " '", s.name,
                                        "' [", s.filter.ToString(), "] v",
                                        s.version, ">"));
           })
      // Every field, times as microseconds since the epoch (exact), the
      // filter as its JSON (ids of IN SLICE references kept).
      .def(py::pickle(
          [](const Slice& s) {
            return py::make_tuple(s.id, s.org, s.name, s.description, s.filter,
                                  s.order_by, absl::ToUnixMicros(s.created_at),
                                  absl::ToUnixMicros(s.updated_at), s.version);
          },
          [](py::tuple t) {
            if (t.size() != 9) throw py::value_error("bad Slice pickle");
            Slice s;
            s.id = t[0].cast<std::string>();
            s.org = t[1].cast<std::string>();
            s.name = t[2].cast<std::string>();
            s.description = t[3].cast<std::string>();
            s.filter = t[4].cast<Expr>();
            s.order_by = t[5].cast<std::vector<OrderBy>>();
            s.created_at = absl::FromUnixMicros(t[6].cast<int64_t>());
            s.updated_at = absl::FromUnixMicros(t[7].cast<int64_t>());
            s.version = t[8].cast<int64_t>();
            return s;
          }));
}

void BindSliceVersion(py::module_& m) {
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
}

// What snapshots and their diffs return.
void BindSnapshotValues(py::module_& m) {
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
}

void BindStoreOpen(py::class_<PyStore>& store) {
  store
      .def_static(
          "in_memory",
          [] {
            return PyStore{std::shared_ptr<SliceStore>(SliceStore::InMemory()),
                           "in memory"};
          },
          "A new empty store in memory.")
      .def_static(
          "open_sqlite",
          [](py::handle path_arg, bool read_only) {
            const std::string path = PathArg(path_arg, "path");
            absl::StatusOr<std::unique_ptr<SliceStore>> store = [&] {
              py::gil_scoped_release release;
              return SliceStore::OpenSqlite(path, {.read_only = read_only});
            }();
            return PyStore{std::shared_ptr<SliceStore>(Value(std::move(store))),
                           absl::StrCat("sqlite '", path, "'",
                                        read_only ? " read-only" : "")};
          },
          py::arg("path"), py::kw_only(), py::arg("read_only") = false,
          "Opens (or creates) the SQLite store at `path`. read_only=True "
          "opens it for reading only (SqliteStoreOptions): nothing is "
          "written, a missing file is NotFoundError, and every change is "
          "FailedPreconditionError naming the file.")
      .def_static(
          "open",
          [](py::handle location_arg, bool read_only) {
            const std::string location = PathArg(location_arg, "location");
            absl::StatusOr<std::unique_ptr<SliceStore>> store = [&] {
              py::gil_scoped_release release;
              return SliceStore::Open(location, read_only);
            }();
            // repr() never shows a URI: it may hold a password.
            const bool postgres = absl::StartsWith(location, "postgresql://") ||
                                  absl::StartsWith(location, "postgres://");
            std::string where = postgres
                                    ? std::string("postgresql")
                                    : absl::StrCat("sqlite '", location, "'");
            if (read_only) where += " read-only";
            return PyStore{std::shared_ptr<SliceStore>(Value(std::move(store))),
                           std::move(where)};
          },
          py::arg("location"), py::kw_only(), py::arg("read_only") = false,
          "Opens the store at `location`: a PostgreSQL connection URI "
          "(postgresql://... or postgres://..., libpq's syntax; the schema "
          "is created in a database without one) or else the path of a "
          "SQLite file (as open_sqlite). A server that cannot be reached is "
          "UnavailableError naming it (never the password), a refused login "
          "PermissionDeniedError, a bad URI InvalidArgumentError.");
}

void BindStoreSlices(py::class_<PyStore>& store) {
  store
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
          "Every slice of `org`, by 'name' or by 'created' time.");
}

// With expected_version an edit changes nothing (FailedPreconditionError)
// unless the slice is at that version.
void BindStoreEdits(py::class_<PyStore>& store) {
  store
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
          py::arg("expected_version") = py::none());
}

// Versions and deleted slices, with resolver() (registered among them).
void BindStoreHistory(py::class_<PyStore>& store) {
  store
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
          "Removes the history and snapshots of a deleted slice.");
}

void BindStoreSnapshots(py::class_<PyStore>& store) {
  store
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
          "get_snapshot",
          [](const PyStore& s, const std::string& org, int64_t snapshot_id) {
            return WithStore(s, [&](SliceStore& store) {
              return store.GetSnapshot(org, snapshot_id);
            });
          },
          py::arg("org"), py::arg("snapshot_id"),
          "One snapshot's info and summary (NotFoundError naming it).")
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
          "(nothing saved).");
}

void BindStoreAlertRules(py::class_<PyStore>& store) {
  store
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
          "_check_alerts",
          [](const PyStore& s, const std::string& org, const TablePtr& table,
             int threads, bool snapshot, const std::string& table_name,
             const std::string& actor) {
            std::shared_ptr<SliceStore> store = s.Get();
            CheckAlertsOptions options;
            options.threads = threads;
            options.snapshot = snapshot;
            options.table_name = table_name;
            options.taken = ToChange(actor);
            const std::vector<SliceAlertReport> reports =
                Value(Reading(*table, [&] {
                  return CheckAlerts(*store, org, table->table, options);
                }));
            // One row per rule checked, for a DataFrame.
            py::list rows;
            for (const SliceAlertReport& r : reports) {
              for (const AlertResult& a : r.results) {
                rows.append(py::make_tuple(
                    r.slice_id, Decode(r.slice_name), a.rule.ToString(),
                    std::string(AlertMetricName(a.rule.metric)), a.value,
                    a.fired, r.since_snapshot, r.new_snapshot));
              }
            }
            return rows;
          },
          py::arg("org"), py::arg("table"), py::arg("threads"),
          py::arg("snapshot"), py::arg("table_name"), py::arg("actor"),
          "CheckAlerts() as rows (SliceStore.check_alerts wraps it).");
}

void BindStoreClose(py::class_<PyStore>& store) {
  store
      .def(
          "check_integrity",
          [](const PyStore& s) {
            WithStoreStatus(
                s, [&](SliceStore& store) { return store.CheckIntegrity(); });
          },
          "Raises DataLossError naming the first problem; returns None if the "
          "store is consistent.")
      .def("__repr__",
           [](const PyStore& s) {
             return Decode(absl::StrCat("<slicekit.SliceStore ", s.where,
                                        s.store ? "" : " (closed)", ">"));
           })
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
}

void BindSliceStore(py::module_& m) {
  py::class_<PyStore> store(
      m, "SliceStore",
      "Saved slices per org: SliceStore.in_memory() or "
      "SliceStore.open_sqlite(path) (WAL; each operation one transaction; "
      "shared by threads and processes). At most 100 slices per org, names "
      "of 3-30 characters unique per org ignoring case. Errors: "
      "InvalidArgumentError, NotFoundError, AlreadyExistsError, "
      "ResourceExhaustedError, FailedPreconditionError (a stale "
      "expected_version), DataLossError. Thread-safe; the GIL is released "
      "during every operation.");
  BindStoreOpen(store);
  BindStoreSlices(store);
  BindStoreEdits(store);
  BindStoreHistory(store);
  BindStoreSnapshots(store);
  BindStoreAlertRules(store);
  BindStoreClose(store);
}

// The rules the store applies to names and descriptions.
void BindSliceNames(py::module_& m) {
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
}

}  // namespace

void BindStore(py::module_& m) {
  BindSliceResolver(m);
  BindSlice(m);
  BindSliceVersion(m);
  BindSnapshotValues(m);
  BindSliceStore(m);
  BindSliceNames(m);
}

}  // namespace slicekit::python
