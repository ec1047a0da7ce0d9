// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit slice` commands for slices over time (docs/slices.md): a
// slice's versions (history, restore), deleted slices (deleted, purge),
// membership snapshots and their differences (snapshot, snapshots, diff),
// and alert rules (alert, check: exit status 3 when a rule fires).
#include "examples/cli/slice.h"

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "slicekit/slice_alerts.h"
#include "slicekit/slice_snapshot.h"
#include "slicekit/slice_store.h"

namespace slicekit::cli {
namespace {

// Flags with values, switches and positional arguments.
struct Flags {
  std::map<std::string, std::string> values;
  std::set<std::string> switches;
  std::vector<std::string> positional;

  std::optional<std::string> Get(const std::string& flag) const {
    auto it = values.find(flag);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
};

// Parses `args`: flags named in `with_value` take a value, those in
// `switches` none. Returns an exit status on a usage error.
std::optional<int> ParseFlags(Args& args,
                              const std::set<std::string>& with_value,
                              const std::set<std::string>& switches,
                              Flags* flags) {
  while (!args.done()) {
    const std::string flag = args.NextFlag();
    if (flag.rfind("--", 0) != 0) {
      flags->positional.push_back(flag);
      continue;
    }
    if (switches.contains(flag)) {
      if (args.has_inline_value()) {
        return UsageError(absl::StrCat(flag, " takes no value"));
      }
      flags->switches.insert(flag);
      continue;
    }
    if (!with_value.contains(flag)) {
      return UsageError(absl::StrCat("unknown flag '", flag, "'"));
    }
    std::optional<std::string> value = args.Value();
    if (!value) return UsageError(absl::StrCat(flag, " needs a value"));
    flags->values[flag] = *value;
  }
  return std::nullopt;
}

// Opens the store when a command first needs it, after the flags were
// checked, so a usage error creates no file.
class LazyStore {
 public:
  explicit LazyStore(std::string path) : path_(std::move(path)) {}
  absl::StatusOr<SliceStore*> Get() {
    if (store_ == nullptr) {
      absl::StatusOr<std::unique_ptr<SliceStore>> opened =
          SliceStore::OpenSqlite(path_);
      if (!opened.ok()) return opened.status();
      store_ = *std::move(opened);
    }
    return store_.get();
  }
  // Opens the store and finds a slice's id (ResolveAnySliceId).
  absl::StatusOr<std::string> AnySliceId(const std::string& org,
                                         const std::string& slice);
  // REQUIRES: Get() or AnySliceId() succeeded.
  SliceStore& store() { return *store_; }

 private:
  std::string path_;
  std::unique_ptr<SliceStore> store_;
};

// The --actor and --at flags.
std::optional<int> ChangeFrom(const Flags& flags, ChangeInfo* change) {
  change->actor = flags.Get("--actor").value_or("");
  if (std::optional<std::string> at = flags.Get("--at")) {
    change->at = ParseTimeFlag(*at);
    if (!change->at) {
      return UsageError(absl::StrCat(
          "--at needs a time such as 2026-01-31T12:00:00Z, not '", *at, "'"));
    }
  }
  return std::nullopt;
}

std::string Metric(const std::optional<double>& value) {
  return value ? absl::StrFormat("%.4f", *value) : std::string("n/a");
}

std::string Count(const std::optional<double>& value) {
  return value ? absl::StrFormat("%.0f", *value) : std::string("n/a");
}

std::string OrderText(const std::vector<OrderBy>& order_by) {
  std::vector<std::string> keys;
  for (const OrderBy& key : order_by) {
    keys.push_back(absl::StrCat(key.column, key.descending ? " desc" : " asc"));
  }
  return absl::StrJoin(keys, ", ");
}

std::string ChangeText(const SliceVersion& v) {
  if (v.restored_from) {
    return absl::StrCat("restored v", *v.restored_from);
  }
  return std::string(SliceChangeName(v.change));
}

// A slice id or name, live or (for history and purge) deleted: a deleted
// slice is found by id, or by name among the deleted ones (the last one
// deleted with that name).
absl::StatusOr<std::string> ResolveAnySliceId(SliceStore& store,
                                              const std::string& org,
                                              const std::string& slice) {
  absl::StatusOr<Slice> live = ResolveSlice(store, org, slice);
  if (live.ok()) return live->id;
  if (!absl::IsNotFound(live.status())) return live.status();
  absl::StatusOr<std::vector<SliceVersion>> deleted = store.ListDeleted(org);
  if (!deleted.ok()) return deleted.status();
  for (const SliceVersion& v : *deleted) {
    if (v.slice_id == slice) return v.slice_id;
  }
  const std::string key = NormalizeSliceName(slice).ok()
                              ? SliceNameKey(*NormalizeSliceName(slice))
                              : "";
  for (const SliceVersion& v : *deleted) {
    if (!key.empty() && SliceNameKey(v.name) == key) return v.slice_id;
  }
  // An id of a purged slice: let the store say what it knows.
  if (slice.size() == 19 && slice.rfind("sl_", 0) == 0) return slice;
  return live.status();
}

absl::StatusOr<std::string> LazyStore::AnySliceId(const std::string& org,
                                                  const std::string& slice) {
  absl::StatusOr<SliceStore*> opened = Get();
  if (!opened.ok()) return opened.status();
  return ResolveAnySliceId(**opened, org, slice);
}

int History(const SliceCommandContext& context, const Flags& flags,
            LazyStore& lazy) {
  const std::string format = flags.Get("--format").value_or("text");
  if (format != "text" && format != "json") {
    return UsageError(
        absl::StrCat("--format must be text or json, not '", format, "'"));
  }
  absl::StatusOr<std::string> id =
      lazy.AnySliceId(context.org, flags.positional[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = lazy.store();
  absl::StatusOr<std::vector<SliceVersion>> history =
      store.History(context.org, *id);
  if (!history.ok()) return StoreError(history.status());
  Output out;
  if (format == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const SliceVersion& v : *history) {
      nlohmann::json version = {{"version", v.version},
                                {"change", SliceChangeName(v.change)},
                                {"changed_at", TimeText(v.changed_at)},
                                {"actor", v.actor},
                                {"name", v.name},
                                {"description", v.description},
                                {"where", v.filter.ToString()},
                                {"order_by", OrderText(v.order_by)}};
      if (v.restored_from) version["restored_from"] = *v.restored_from;
      all.push_back(std::move(version));
    }
    out.Line(all.dump(2));
  } else {
    // One version per line, tab-separated: version, change, time, actor,
    // name, where, order by, description.
    for (const SliceVersion& v : *history) {
      out.Line(absl::StrCat("v", v.version, "\t", ChangeText(v), "\t",
                            TimeText(v.changed_at), "\t", v.actor, "\t", v.name,
                            "\t", v.filter.ToString(), "\t",
                            OrderText(v.order_by), "\t", v.description));
    }
  }
  return out.Flush() ? kOk : InputError("cannot write the output");
}

int Restore(const SliceCommandContext& context, const Flags& flags,
            LazyStore& lazy) {
  const std::optional<std::string> version_text = flags.Get("--version");
  if (!version_text) return UsageError("slice restore needs --version N");
  const std::optional<uint64_t> version =
      ParseCount(*version_text, 1, uint64_t{1} << 62);
  if (!version) {
    return UsageError(absl::StrCat("--version needs a positive integer, not '",
                                   *version_text, "'"));
  }
  ChangeInfo change;
  if (auto rc = ChangeFrom(flags, &change)) return *rc;
  absl::StatusOr<std::string> id =
      lazy.AnySliceId(context.org, flags.positional[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = lazy.store();
  absl::StatusOr<Slice> current = store.Get(context.org, *id);
  absl::StatusOr<Slice> restored = store.Restore(
      context.org, *id, static_cast<int64_t>(*version),
      current.ok() ? std::optional<int64_t>(current->version) : std::nullopt,
      change);
  if (!restored.ok()) return StoreError(restored.status());
  std::printf("%s\n", restored->id.c_str());
  std::fprintf(stderr, "restored version %llu of \"%s\" as version %lld\n",
               static_cast<unsigned long long>(*version),
               restored->name.c_str(),
               static_cast<long long>(restored->version));
  return kOk;
}

int Deleted(const SliceCommandContext& context, const Flags& /*flags*/,
            LazyStore& lazy) {
  absl::StatusOr<SliceStore*> opened = lazy.Get();
  if (!opened.ok()) return StoreError(opened.status());
  SliceStore& store = **opened;
  absl::StatusOr<std::vector<SliceVersion>> deleted =
      store.ListDeleted(context.org);
  if (!deleted.ok()) return StoreError(deleted.status());
  // One per line: id, name, deleted at, by, the last live version.
  Output out;
  for (const SliceVersion& v : *deleted) {
    out.Line(absl::StrCat(v.slice_id, "\t", v.name, "\t",
                          TimeText(v.changed_at), "\t", v.actor, "\tv",
                          v.version - 1));
  }
  return out.Flush() ? kOk : InputError("cannot write the output");
}

int Purge(const SliceCommandContext& context, const Flags& flags,
          LazyStore& lazy) {
  absl::StatusOr<std::string> id =
      lazy.AnySliceId(context.org, flags.positional[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = lazy.store();
  if (absl::Status status = store.Purge(context.org, *id); !status.ok()) {
    return StoreError(status);
  }
  std::printf("%s\n", id->c_str());
  return kOk;
}

std::string SnapshotLine(const SnapshotInfo& s) {
  return absl::StrCat(s.id, "\t", TimeText(s.taken_at), "\t", s.actor, "\t",
                      s.table_name, "\tv", s.slice_version, "\t",
                      s.summary.rows, " rows\t", s.encoded_bytes, " bytes");
}

int Snapshot(const SliceCommandContext& context, const Flags& flags,
             LazyStore& lazy) {
  const std::optional<std::string> table_path = flags.Get("--table");
  if (!table_path) return UsageError("slice snapshot needs --table FILE");
  SnapshotOptions options;
  options.table_name = flags.Get("--table-name").value_or(*table_path);
  if (auto rc = ChangeFrom(flags, &options.taken)) return *rc;
  if (std::optional<std::string> threads = flags.Get("--threads")) {
    const std::optional<uint64_t> n = ParseCount(*threads, 1, 256);
    if (!n) return UsageError("--threads needs an integer in [1, 256]");
    options.threads = static_cast<int>(*n);
  }
  absl::StatusOr<SliceStore*> opened = lazy.Get();
  if (!opened.ok()) return StoreError(opened.status());
  SliceStore& store = **opened;
  absl::StatusOr<Slice> slice =
      ResolveSlice(store, context.org, flags.positional[0]);
  if (!slice.ok()) return StoreError(slice.status());
  absl::StatusOr<Table> table = LoadTable(*table_path);
  if (!table.ok()) return InputError(table.status().message());
  absl::StatusOr<SnapshotInfo> info =
      store.Snapshot(context.org, slice->id, *table, options);
  if (!info.ok()) return InputError(info.status().message());
  std::printf("%lld\n", static_cast<long long>(info->id));
  std::fprintf(stderr,
               "snapshot %lld of \"%s\" (v%lld): %zu rows, %lld bytes\n",
               static_cast<long long>(info->id), slice->name.c_str(),
               static_cast<long long>(info->slice_version), info->summary.rows,
               static_cast<long long>(info->encoded_bytes));
  return kOk;
}

int Snapshots(const SliceCommandContext& context, const Flags& flags,
              LazyStore& lazy) {
  absl::StatusOr<std::string> id =
      lazy.AnySliceId(context.org, flags.positional[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = lazy.store();
  absl::StatusOr<std::vector<SnapshotInfo>> snapshots =
      store.ListSnapshots(context.org, *id);
  if (!snapshots.ok()) return StoreError(snapshots.status());
  // One per line: id, taken at, by, table, slice version, rows, bytes.
  Output out;
  for (const SnapshotInfo& s : *snapshots) out.Line(SnapshotLine(s));
  return out.Flush() ? kOk : InputError("cannot write the output");
}

// diff SLICE [--since TIME] [--table FILE]: from the last snapshot taken at
// or before --since (without it: the one before the last, or with --table
// the last), to the last snapshot or, with --table, the table now.
int Diff(const SliceCommandContext& context, const Flags& flags,
         LazyStore& lazy) {
  std::optional<absl::Time> since;
  if (std::optional<std::string> text = flags.Get("--since")) {
    since = ParseTimeFlag(*text);
    if (!since) {
      return UsageError(absl::StrCat(
          "--since needs a time such as 2026-01-31T12:00:00Z, not '", *text,
          "'"));
    }
  }
  int threads = 1;
  if (std::optional<std::string> text = flags.Get("--threads")) {
    const std::optional<uint64_t> n = ParseCount(*text, 1, 256);
    if (!n) return UsageError("--threads needs an integer in [1, 256]");
    threads = static_cast<int>(*n);
  }
  const std::optional<std::string> table_path = flags.Get("--table");
  absl::StatusOr<std::string> id =
      lazy.AnySliceId(context.org, flags.positional[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = lazy.store();
  absl::StatusOr<std::vector<SnapshotInfo>> snapshots =
      store.ListSnapshots(context.org, *id);
  if (!snapshots.ok()) return StoreError(snapshots.status());
  const std::string name = flags.positional[0];
  // The snapshot to compare from.
  std::optional<size_t> from;
  if (since) {
    for (size_t i = 0; i < snapshots->size(); ++i) {
      if ((*snapshots)[i].taken_at <= *since) from = i;
    }
    if (!from) {
      return InputError(absl::StrCat("slice \"", name,
                                     "\" has no snapshot taken at or before ",
                                     TimeText(*since)));
    }
  } else {
    const size_t needed = table_path ? 1 : 2;
    if (snapshots->size() < needed) {
      return InputError(
          absl::StrCat("slice \"", name, "\" has ", snapshots->size(),
                       " snapshot(s); diff needs ",
                       table_path ? "one (take it with `slice ... snapshot`)"
                                  : "two, or one and --table FILE"));
    }
    from = snapshots->size() - needed;
  }
  absl::StatusOr<SnapshotDiff> diff;
  if (table_path) {
    absl::StatusOr<Table> table = LoadTable(*table_path);
    if (!table.ok()) return InputError(table.status().message());
    SnapshotOptions options;
    options.table_name = *table_path;
    options.threads = threads;
    diff = store.DiffWithTable(context.org, (*snapshots)[*from].id, *table,
                               options);
  } else {
    diff =
        store.Diff(context.org, (*snapshots)[*from].id, snapshots->back().id);
  }
  if (!diff.ok()) return InputError(diff.status().message());
  Output out;
  auto side = [](const SnapshotInfo& s) {
    if (s.id == 0) {
      return absl::StrCat("table ", s.table_name, " now (v", s.slice_version,
                          ", ", s.summary.rows, " rows)");
    }
    return absl::StrCat("snapshot ", s.id, " (", TimeText(s.taken_at), ", ",
                        s.table_name, ", v", s.slice_version, ", ",
                        s.summary.rows, " rows)");
  };
  out.Line(absl::StrCat("from: ", side(diff->from)));
  out.Line(absl::StrCat("to: ", side(diff->to)));
  out.Line(absl::StrCat("entered: ", diff->entered.size()));
  out.Line(absl::StrCat("left: ", diff->left.size()));
  for (const MetricChange& m : diff->metrics) {
    const bool counts = m.metric == "rows" || m.metric == "tp" ||
                        m.metric == "fp" || m.metric == "fn";
    const auto show = counts ? Count : Metric;
    std::string line =
        absl::StrCat(m.metric, ": ", show(m.before), " -> ", show(m.after));
    if (m.change) {
      absl::StrAppend(&line, " (", *m.change >= 0 ? "+" : "", show(m.change),
                      ")");
    }
    out.Line(line);
  }
  for (const std::string& row : diff->entered) out.Line(absl::StrCat("+", row));
  for (const std::string& row : diff->left) out.Line(absl::StrCat("-", row));
  return out.Flush() ? kOk : InputError("cannot write the output");
}

int Alert(const SliceCommandContext& context, const Flags& flags,
          LazyStore& lazy) {
  absl::StatusOr<SliceStore*> opened = lazy.Get();
  if (!opened.ok()) return StoreError(opened.status());
  SliceStore& store = **opened;
  absl::StatusOr<Slice> slice =
      ResolveSlice(store, context.org, flags.positional[0]);
  if (!slice.ok()) return StoreError(slice.status());
  if (absl::Status status =
          store.SetAlertRules(context.org, slice->id, flags.positional[1]);
      !status.ok()) {
    return StoreError(status);
  }
  std::printf("%s\n",
              FormatAlertRules(*ParseAlertRules(flags.positional[1])).c_str());
  return kOk;
}

// check --table FILE [--snapshot]: one line per rule, tab-separated:
// fired/ok/n/a, slice name, rule, measured value. Exit 3 if any fired.
int Check(const SliceCommandContext& context, const Flags& flags,
          LazyStore& lazy) {
  const std::optional<std::string> table_path = flags.Get("--table");
  if (!table_path) return UsageError("slice check needs --table FILE");
  CheckAlertsOptions options;
  options.snapshot = flags.switches.contains("--snapshot");
  options.table_name = flags.Get("--table-name").value_or(*table_path);
  if (auto rc = ChangeFrom(flags, &options.taken)) return *rc;
  if (std::optional<std::string> text = flags.Get("--threads")) {
    const std::optional<uint64_t> n = ParseCount(*text, 1, 256);
    if (!n) return UsageError("--threads needs an integer in [1, 256]");
    options.threads = static_cast<int>(*n);
  }
  absl::StatusOr<Table> table = LoadTable(*table_path);
  if (!table.ok()) return InputError(table.status().message());
  absl::StatusOr<SliceStore*> opened = lazy.Get();
  if (!opened.ok()) return StoreError(opened.status());
  SliceStore& store = **opened;
  absl::StatusOr<std::vector<SliceAlertReport>> reports =
      CheckAlerts(store, context.org, *table, options);
  if (!reports.ok()) return InputError(reports.status().message());
  Output out;
  bool fired = false;
  for (const SliceAlertReport& report : *reports) {
    for (const AlertResult& r : report.results) {
      fired |= r.fired;
      const std::string value =
          !r.value ? "n/a" : absl::StrFormat("%.6g", *r.value);
      out.Line(absl::StrCat(r.fired ? "fired" : (r.value ? "ok" : "n/a"), "\t",
                            report.slice_name, "\t", r.rule.ToString(), "\t",
                            value));
    }
  }
  if (!out.Flush()) return InputError("cannot write the output");
  return fired ? kAlertFired : kOk;
}

// A command: its flags (with a value, or switches), how many positional
// arguments it takes and the usage line when they are wrong.
struct Command {
  const char* name;
  std::set<std::string> with_value;
  std::set<std::string> switches;
  size_t positional;
  const char* usage;
  int (*run)(const SliceCommandContext&, const Flags&, LazyStore&);
};

const std::vector<Command>& Commands() {
  static const std::vector<Command>* const kCommands = new std::vector<Command>{
      {"history", {"--format"}, {}, 1, "history needs one SLICE", History},
      {"restore",
       {"--version", "--actor", "--at"},
       {},
       1,
       "restore needs one SLICE and --version N",
       Restore},
      {"deleted", {}, {}, 0, "deleted takes no argument", Deleted},
      {"purge", {}, {}, 1, "purge needs one deleted SLICE", Purge},
      {"snapshot",
       {"--table", "--table-name", "--actor", "--at", "--threads"},
       {},
       1,
       "snapshot needs one SLICE and --table FILE",
       Snapshot},
      {"snapshots", {}, {}, 1, "snapshots needs one SLICE", Snapshots},
      {"diff",
       {"--since", "--table", "--threads"},
       {},
       1,
       "diff needs one SLICE",
       Diff},
      {"alert",
       {},
       {},
       2,
       "alert needs SLICE and RULES (\"\" removes them)",
       Alert},
      {"check",
       {"--table", "--table-name", "--actor", "--at", "--threads"},
       {"--snapshot"},
       0,
       "check takes --table FILE only",
       Check},
  };
  return *kCommands;
}

const Command* FindCommand(const std::string& name) {
  for (const Command& command : Commands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

}  // namespace

std::optional<absl::Time> ParseTimeFlag(const std::string& text) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &error)) {
    return t;
  }
  return std::nullopt;
}

bool IsSliceHistoryCommand(const std::string& command) {
  return FindCommand(command) != nullptr;
}

int SliceHistoryCommand(const SliceCommandContext& context,
                        const std::string& name, Args& args) {
  const Command* command = FindCommand(name);
  if (command == nullptr) {
    return UsageError(absl::StrCat("unknown slice command '", name, "'"));
  }
  Flags flags;
  if (auto rc =
          ParseFlags(args, command->with_value, command->switches, &flags)) {
    return *rc;
  }
  if (flags.positional.size() != command->positional) {
    return UsageError(absl::StrCat("slice ", command->usage));
  }
  LazyStore store(context.store_path);
  return command->run(context, flags, store);
}

}  // namespace slicekit::cli
