// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// `slicekit slice` commands for a slice's membership over time: snapshots
// and their differences (snapshot, snapshots, diff) and alert rules (alert,
// check: exit status 3 when a rule fires; docs/slice-history.md).
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "examples/cli/cli.h"
#include "examples/cli/slice.h"
#include "slicekit/slice_alerts.h"
#include "slicekit/slice_snapshot.h"
#include "slicekit/slice_store.h"
#include "slicekit/table_snapshot.h"

namespace slicekit::cli {
namespace {

std::string Metric(const std::optional<double>& value) {
  return value ? absl::StrFormat("%.4f", *value) : std::string("n/a");
}

std::string Count(const std::optional<double>& value) {
  return value ? absl::StrFormat("%.0f", *value) : std::string("n/a");
}

std::string SnapshotLine(const SnapshotInfo& s) {
  return absl::StrCat(s.id, "\t", TimeText(s.taken_at), "\t",
                      TextField(s.actor), "\t", TextField(s.table_name), "\tv",
                      s.slice_version, "\t", s.summary.rows, " rows\t",
                      s.encoded_bytes, " bytes");
}

int Snapshot(SliceCommandContext& context, const ParsedFlags& flags) {
  const std::optional<std::string> table_path = flags.Get("--table");
  if (!table_path) return UsageError("slice snapshot needs --table FILE");
  SnapshotOptions options;
  options.table_name = flags.Get("--table-name").value_or(*table_path);
  if (auto rc = ChangeFrom(flags, &options.taken)) return *rc;
  options.threads = static_cast<int>(flags.GetInteger("--threads").value_or(1));
  absl::StatusOr<SliceStore*> opened = context.store.Get();
  if (!opened.ok()) return StoreError(opened.status());
  SliceStore& store = **opened;
  absl::StatusOr<Slice> slice =
      ResolveSlice(store, context.org, flags.arguments()[0]);
  if (!slice.ok()) return StoreError(slice.status());
  absl::StatusOr<Table> table = LoadTable(*table_path);
  if (!table.ok()) return InputError(table.status().message());
  absl::StatusOr<SnapshotInfo> info =
      TakeSnapshot(store, context.org, slice->id, *table, options);
  if (!info.ok()) return InputError(info.status().message());
  std::printf("%lld\n", static_cast<long long>(info->id));
  std::fprintf(stderr,
               "snapshot %lld of \"%s\" (v%lld): %zu rows, %lld bytes\n",
               static_cast<long long>(info->id), Printable(slice->name).c_str(),
               static_cast<long long>(info->slice_version), info->summary.rows,
               static_cast<long long>(info->encoded_bytes));
  return kOk;
}

int Snapshots(SliceCommandContext& context, const ParsedFlags& flags) {
  absl::StatusOr<std::string> id =
      context.store.AnySliceId(context.org, flags.arguments()[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = context.store.store();
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
int Diff(SliceCommandContext& context, const ParsedFlags& flags) {
  std::optional<absl::Time> since;
  if (std::optional<std::string> text = flags.Get("--since")) {
    since = ParseTimeFlag(*text);
    if (!since) {
      return UsageError(absl::StrCat(
          "--since needs a time such as 2026-01-31T12:00:00Z, not '", *text,
          "'"));
    }
  }
  const int threads =
      static_cast<int>(flags.GetInteger("--threads").value_or(1));
  const std::optional<std::string> table_path = flags.Get("--table");
  absl::StatusOr<std::string> id =
      context.store.AnySliceId(context.org, flags.arguments()[0]);
  if (!id.ok()) return StoreError(id.status());
  SliceStore& store = context.store.store();
  absl::StatusOr<std::vector<SnapshotInfo>> snapshots =
      store.ListSnapshots(context.org, *id);
  if (!snapshots.ok()) return StoreError(snapshots.status());
  const std::string name = flags.arguments()[0];
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
    diff = DiffWithTable(store, context.org, (*snapshots)[*from].id, *table,
                         options);
  } else {
    diff =
        store.Diff(context.org, (*snapshots)[*from].id, snapshots->back().id);
  }
  if (!diff.ok()) return InputError(diff.status().message());
  Output out;
  auto side = [](const SnapshotInfo& s) {
    if (s.id == 0) {
      return absl::StrCat("table ", TextField(s.table_name), " now (v",
                          s.slice_version, ", ", s.summary.rows, " rows)");
    }
    return absl::StrCat("snapshot ", s.id, " (", TimeText(s.taken_at), ", ",
                        TextField(s.table_name), ", v", s.slice_version, ", ",
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
  for (const std::string& row : diff->entered) {
    out.Line(absl::StrCat("+", TextField(row)));
  }
  for (const std::string& row : diff->left) {
    out.Line(absl::StrCat("-", TextField(row)));
  }
  return out.Flush() ? kOk : InputError("cannot write the output");
}

int Alert(SliceCommandContext& context, const ParsedFlags& flags) {
  absl::StatusOr<SliceStore*> opened = context.store.Get();
  if (!opened.ok()) return StoreError(opened.status());
  SliceStore& store = **opened;
  absl::StatusOr<Slice> slice =
      ResolveSlice(store, context.org, flags.arguments()[0]);
  if (!slice.ok()) return StoreError(slice.status());
  if (absl::Status status =
          store.SetAlertRules(context.org, slice->id, flags.arguments()[1]);
      !status.ok()) {
    return StoreError(status);
  }
  std::printf("%s\n",
              FormatAlertRules(*ParseAlertRules(flags.arguments()[1])).c_str());
  return kOk;
}

// check --table FILE [--snapshot]: one line per rule, tab-separated:
// fired/ok/n/a, slice name, rule, measured value. Exit 3 if any fired.
int Check(SliceCommandContext& context, const ParsedFlags& flags) {
  const std::optional<std::string> table_path = flags.Get("--table");
  if (!table_path) return UsageError("slice check needs --table FILE");
  CheckAlertsOptions options;
  options.snapshot = flags.Has("--snapshot");
  options.table_name = flags.Get("--table-name").value_or(*table_path);
  if (auto rc = ChangeFrom(flags, &options.taken)) return *rc;
  options.threads = static_cast<int>(flags.GetInteger("--threads").value_or(1));
  absl::StatusOr<Table> table = LoadTable(*table_path);
  if (!table.ok()) return InputError(table.status().message());
  absl::StatusOr<SliceStore*> opened = context.store.Get();
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
                            TextField(report.slice_name), "\t",
                            r.rule.ToString(), "\t", value));
    }
  }
  if (!out.Flush()) return InputError("cannot write the output");
  return fired ? kAlertFired : kOk;
}

}  // namespace

std::vector<SliceSubcommand> SliceSnapshotCommands() {
  const FlagSpec table_name{.name = "--table-name",
                            .value_name = "NAME",
                            .help =
                                "the snapshot's name for the table "
                                "(default its path)"};
  const FlagSpec threads{.name = "--threads",
                         .value_name = "T",
                         .help = "scan with T threads",
                         .integer = IntegerRange{1, 256}};
  return {
      {.spec = {.name = "snapshot",
                .invocation = SliceInvocation("snapshot"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments =
                    "slice snapshot needs one SLICE and --table FILE",
                .summary = "Records the slice's member rows in the table.",
                .flags = {{.name = "--table",
                           .value_name = "FILE",
                           .help = "the table: a CSV or table file",
                           .required = true},
                          table_name,
                          threads,
                          kActorFlag,
                          kAtFlag}},
       .run = Snapshot},
      {.spec = {.name = "snapshots",
                .invocation = SliceInvocation("snapshots"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments = "slice snapshots needs one SLICE",
                .summary = "Lists a slice's snapshots."},
       .run = Snapshots,
       .reads_only = AlwaysReadsOnly},
      {.spec = {.name = "diff",
                .invocation = SliceInvocation("diff"),
                .arguments = "SLICE",
                .num_arguments = 1,
                .wrong_arguments = "slice diff needs one SLICE",
                .summary =
                    "Prints what changed in a slice's rows and metrics. The "
                    "rows that entered (+id) and left (-id) and each "
                    "metric's change, from the snapshot taken at or "
                    "before --since (else the one before the last) to the "
                    "last one or, with --table, the table now.",
                .flags = {{.name = "--since",
                           .value_name = "TIME",
                           .help = "RFC 3339 or a date, UTC"},
                          {.name = "--table",
                           .value_name = "FILE",
                           .help = "compare with the table now"},
                          threads}},
       .run = Diff,
       .reads_only = AlwaysReadsOnly},
      {.spec = {.name = "alert",
                .invocation = SliceInvocation("alert"),
                .arguments = "SLICE RULES",
                .num_arguments = 2,
                .wrong_arguments =
                    "slice alert needs SLICE and RULES (\"\" removes them)",
                .summary = "Sets a slice's alert rules; \"\" removes them. "
                           "RULES: \"size > 500; precision < 0.6; new_rows "
                           "> 100\"."},
       .run = Alert},
      {.spec = {.name = "check",
                .invocation = SliceInvocation("check"),
                .wrong_arguments = "slice check takes --table FILE only",
                .summary = "Checks the org's alert rules; exits 3 if any "
                           "fired. Prints each rule as fired, ok or n/a.",
                .flags = {{.name = "--table",
                           .value_name = "FILE",
                           .help = "the table: a CSV or table file",
                           .required = true},
                          {.name = "--snapshot",
                           .help = "then snapshot each checked slice"},
                          table_name,
                          threads,
                          kActorFlag,
                          kAtFlag}},
       .run = Check,
       // --snapshot saves snapshots; without it, the check only reads.
       .reads_only =
           [](const ParsedFlags& flags) { return !flags.Has("--snapshot"); }},
  };
}

}  // namespace slicekit::cli
