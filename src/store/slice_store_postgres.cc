// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The PostgreSQL backend of SliceStore (src/store/slice_store_backend.h),
// over libpq (pg_util.h); the schema is in slice_store_postgres_schema.cc.
//
// Concurrency across hosts: every operation is one transaction. A change
// runs READ COMMITTED and, before it reads anything of an org, locks the
// org's row of slicekit_orgs (SELECT ... FOR UPDATE; the row is made on
// first use). Every change of the store touches one org, and every one
// takes that lock first, so two changes of an org are serialized on every
// client and host, and since READ COMMITTED gives each statement a fresh
// snapshot, what a change reads after its lock includes every change that
// committed before it: the 100-slice limit, the name checks and the next
// history version are decided over the current rows. Reads run REPEATABLE
// READ, READ ONLY: one snapshot, no lock. A deadlock or serialization
// failure (which the single lock per change rules out, but a server may
// still report) is retried, kAttempts in all.
//
// Damage: PostgreSQL checks its pages where the cluster has data checksums
// (initdb --data-checksums, docs/postgresql.md); each row also keeps the
// XXH3 checksum the SQLite store's rows have (slice_store_sqlite_format.h),
// checked on every read, so a row changed outside slicekit is DataLoss
// naming the server rather than a different slice.
//
// Faults: a client that dies mid-operation leaves an open transaction that
// the server rolls back when the connection drops. A server lost
// mid-operation is Unavailable naming it; the connection is dropped and the
// next operation connects again.
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "slicekit/slice_store.h"
#include "src/store/pg_util.h"
#include "src/store/row_checksum.h"
#include "src/store/slice_store_backend.h"
#include "src/store/slice_store_postgres_schema.h"
#include "src/store/slice_store_sqlite_format.h"
#include "src/store/stored_rows.h"
#include "src/util/status_macros.h"

namespace slicekit {

bool IsPostgresUri(absl::string_view location) {
  return absl::StartsWith(location, "postgresql://") ||
         absl::StartsWith(location, "postgres://");
}

namespace internal {
namespace {

// Attempts of one operation when the server reports a serialization
// failure or deadlock, with 10, 20, 40, 80 ms between them.
constexpr int kAttempts = 5;

using Params = std::vector<PgParam>;

PgParam T(absl::string_view text) { return PgParam::Text(text); }
PgParam I(int64_t v) { return PgParam::Int(v); }

// Fills `row` from result row `r` (columns in Row::kColumns order, then
// crc); false when a cell is NULL or of another type.
bool ReadRow(const PGresult* res, int r, SliceRow* row) {
  int c = 0;
  auto seq = PgInt(res, r, c++);
  std::optional<std::string> texts[8];
  for (int i = 0; i < 8; ++i) {
    texts[i] = i == 5 ? PgBytes(res, r, c) : PgText(res, r, c);  // BYTEA
    ++c;
  }
  auto created = PgInt(res, r, c++), updated = PgInt(res, r, c++),
       version = PgInt(res, r, c++);
  for (const auto& t : texts) {
    if (!t.has_value()) return false;
  }
  if (!seq || !created || !updated || !version) return false;
  row->seq = *seq;
  std::string* fields[] = {&row->id,          &row->org,
                           &row->name,        &row->name_key,
                           &row->description, &row->filter_text,
                           &row->filter_json, &row->order_by_json};
  for (int i = 0; i < 8; ++i) *fields[i] = *std::move(texts[i]);
  row->created_at_us = *created;
  row->updated_at_us = *updated;
  row->version = *version;
  return true;
}

bool ReadRow(const PGresult* res, int r, VersionRow* row) {
  auto id = PgText(res, r, 0);
  auto version = PgInt(res, r, 1);
  std::optional<std::string> texts[8];
  for (int i = 0; i < 8; ++i) {
    // filter_text is BYTEA.
    texts[i] = i == 4 ? PgBytes(res, r, 2 + i) : PgText(res, r, 2 + i);
  }
  auto changed = PgInt(res, r, 10);
  if (!id || !version || !changed) return false;
  for (const auto& t : texts) {
    if (!t.has_value()) return false;
  }
  row->slice_id = *std::move(id);
  row->version = *version;
  std::string* fields[] = {&row->org,           &row->change,
                           &row->name,          &row->description,
                           &row->filter_text,   &row->filter_json,
                           &row->order_by_json, &row->actor};
  for (int i = 0; i < 8; ++i) *fields[i] = *std::move(texts[i]);
  row->changed_at_us = *changed;
  row->restored_from = std::nullopt;
  if (!PQgetisnull(res, r, 11)) {
    auto from = PgInt(res, r, 11);
    if (!from) return false;
    row->restored_from = *from;
  }
  return true;
}

bool ReadRow(const PGresult* res, int r, SnapshotRow* row) {
  auto seq = PgInt(res, r, 0);
  auto org = PgText(res, r, 1), slice_id = PgText(res, r, 2);
  auto slice_version = PgInt(res, r, 3);
  auto slice_name = PgText(res, r, 4), table_name = PgText(res, r, 5),
       actor = PgText(res, r, 6);
  auto taken = PgInt(res, r, 7), count = PgInt(res, r, 8);
  auto summary = PgText(res, r, 9);
  auto bytes = PgInt(res, r, 10);
  if (!seq || !org || !slice_id || !slice_version || !slice_name ||
      !table_name || !actor || !taken || !count || !summary || !bytes) {
    return false;
  }
  row->seq = *seq;
  row->org = *std::move(org);
  row->slice_id = *std::move(slice_id);
  row->slice_version = *slice_version;
  row->slice_name = *std::move(slice_name);
  row->table_name = *std::move(table_name);
  row->actor = *std::move(actor);
  row->taken_at_us = *taken;
  row->member_count = *count;
  row->summary_json = *std::move(summary);
  row->members_bytes = *bytes;
  return true;
}

bool ReadRow(const PGresult* res, int r, AlertRow* row) {
  auto id = PgText(res, r, 0), org = PgText(res, r, 1),
       rules = PgText(res, r, 2);
  if (!id || !org || !rules) return false;
  row->slice_id = *std::move(id);
  row->org = *std::move(org);
  row->rules = *std::move(rules);
  return true;
}

std::string Describe(const SliceRow& r) { return absl::StrCat("slice ", r.id); }
std::string Describe(const VersionRow& r) {
  return absl::StrCat("version ", r.version, " of slice ", r.slice_id);
}
std::string Describe(const SnapshotRow& r) {
  return absl::StrCat("snapshot ", r.seq);
}
std::string Describe(const AlertRow& r) {
  return absl::StrCat("the alert rules of slice ", r.slice_id);
}

// "slice_versions" for the rows of that table, for messages.
template <typename Row>
constexpr const char* TableOf() {
  if constexpr (std::is_same_v<Row, SliceRow>) return "slices";
  if constexpr (std::is_same_v<Row, VersionRow>) return "slice_versions";
  if constexpr (std::is_same_v<Row, SnapshotRow>) return "snapshots";
  return "alert_rules";
}

class PgTxn final : public SliceTxn {
 public:
  PgTxn(PGconn* conn, const PgServer& server, bool write)
      : conn_(conn), server_(server), write_(write) {}

  absl::StatusOr<std::vector<StoredSlice>> LoadOrg(
      absl::string_view org) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(org));
    SLICEKIT_ASSIGN_OR_RETURN(
        std::vector<SliceRow> rows,
        ReadRows<SliceRow>("slices WHERE org = $1 ORDER BY seq", {T(org)},
                           "reading slices"));
    std::vector<StoredSlice> slices;
    for (SliceRow& row : rows) {
      if (row.org != org) return Damaged(Describe(row), "names another org");
      SLICEKIT_ASSIGN_OR_RETURN(StoredSlice s, SliceOf(std::move(row)));
      slices.push_back(std::move(s));
    }
    return slices;
  }

  absl::StatusOr<bool> IdUsed(absl::string_view id) override {
    SLICEKIT_ASSIGN_OR_RETURN(
        PgResultPtr res,
        Exec("SELECT 1 FROM slices WHERE id = $1 "
             "UNION ALL SELECT 1 FROM retired_ids WHERE id = $1",
             {T(id)}, "checking an id"));
    return PQntuples(res.get()) > 0;
  }

  absl::Status Insert(const StoredSlice& s) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(s.slice.org));
    SLICEKIT_ASSIGN_OR_RETURN(int64_t seq, NextVal("slicekit_slice_seq"));
    StoredSlice copy = s;
    copy.seq = seq;
    return WriteSlice(RowOf(copy), /*insert=*/true);
  }

  absl::Status Replace(const StoredSlice& s) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(s.slice.org));
    return WriteSlice(RowOf(s), /*insert=*/false);
  }

  absl::Status Erase(absl::string_view org, absl::string_view id) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(org));
    SLICEKIT_RETURN_IF_ERROR(PutAlertRules(org, id, ""));
    SLICEKIT_ASSIGN_OR_RETURN(
        PgResultPtr res, Exec("DELETE FROM slices WHERE id = $1 AND org = $2",
                              {T(id), T(org)}, "deleting a slice"));
    if (Affected(res.get()) != 1) {
      return absl::InternalError(absl::StrCat(
          "slice store ", server_.name, ": deleted slice ", id, " is missing"));
    }
    return Run(
        "INSERT INTO retired_ids (id) VALUES ($1) ON CONFLICT DO NOTHING",
        {T(id)}, "retiring an id");
  }

  absl::Status AddVersion(const SliceVersion& v) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(v.org));
    const VersionRow row = RowOf(v);
    return Run(
        "INSERT INTO slice_versions (slice_id, version, org, change, name, "
        "description, filter_text, filter_json, order_by_json, actor, "
        "changed_at_us, restored_from, crc) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, $8, $9, $10, $11, $12, $13)",
        {T(row.slice_id), I(row.version), T(row.org), T(row.change),
         T(row.name), T(row.description), PgParam::Bytes(row.filter_text),
         T(row.filter_json), T(row.order_by_json), T(row.actor),
         I(row.changed_at_us),
         row.restored_from.has_value() ? I(*row.restored_from)
                                       : PgParam::Null(),
         I(ToStored(row.Checksum()))},
        "recording a version");
  }

  absl::StatusOr<std::vector<SliceVersion>> LoadHistory(
      absl::string_view org, absl::string_view id) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(org));
    return Versions(
        "slice_versions WHERE slice_id = $1 AND org = $2 ORDER BY version",
        {T(id), T(org)});
  }

  absl::StatusOr<std::vector<SliceVersion>> LoadDeleted(
      absl::string_view org) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(org));
    return Versions("slice_versions WHERE org = $1 AND change = 'deleted'",
                    {T(org)});
  }

  absl::StatusOr<int64_t> EraseHistory(absl::string_view org,
                                       absl::string_view id) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(org));
    int64_t removed = 0;
    for (const char* table : {"slice_versions", "snapshots"}) {
      SLICEKIT_ASSIGN_OR_RETURN(
          PgResultPtr res,
          Exec(absl::StrCat("DELETE FROM ", table,
                            " WHERE org = $1 AND slice_id = $2"),
               {T(org), T(id)}, "purging history"));
      removed += Affected(res.get());
    }
    return removed;
  }

  absl::StatusOr<int64_t> InsertSnapshot(const SnapshotInfo& info,
                                         const std::string& members) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(info.org));
    SLICEKIT_ASSIGN_OR_RETURN(int64_t seq, NextVal("slicekit_snapshot_seq"));
    SnapshotRow row = RowOf(info, members);
    row.seq = seq;
    SLICEKIT_RETURN_IF_ERROR(Run(
        "INSERT INTO snapshots (seq, org, slice_id, slice_version, "
        "slice_name, table_name, actor, taken_at_us, member_count, "
        "summary_json, members, crc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10, $11, $12)",
        {I(row.seq), T(row.org), T(row.slice_id), I(row.slice_version),
         T(row.slice_name), T(row.table_name), T(row.actor), I(row.taken_at_us),
         I(row.member_count), T(row.summary_json), PgParam::Bytes(members),
         I(ToStored(row.Checksum()))},
        "saving a snapshot"));
    return seq;
  }

  absl::StatusOr<std::vector<SnapshotInfo>> LoadSnapshots(
      absl::string_view org, absl::string_view slice_id) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(org));
    SLICEKIT_ASSIGN_OR_RETURN(
        std::vector<SnapshotRow> rows,
        ReadRows<SnapshotRow>(
            "snapshots WHERE org = $1 AND slice_id = $2 ORDER BY seq",
            {T(org), T(slice_id)}, "reading snapshots"));
    std::vector<SnapshotInfo> infos;
    for (const SnapshotRow& row : rows) {
      SLICEKIT_ASSIGN_OR_RETURN(SnapshotInfo info, InfoOf(row));
      infos.push_back(std::move(info));
    }
    return infos;
  }

  absl::StatusOr<std::optional<std::pair<SnapshotInfo, std::string>>>
  LoadSnapshot(absl::string_view org, int64_t snapshot_id) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(org));
    SLICEKIT_ASSIGN_OR_RETURN(
        PgResultPtr res,
        Exec(absl::StrCat("SELECT ", SnapshotRow::kColumns,
                          ", crc, members FROM snapshots WHERE seq = $1"),
             {I(snapshot_id)}, "reading a snapshot"));
    if (PQntuples(res.get()) == 0) return std::nullopt;
    SnapshotRow row;
    const int crc_col = SnapshotRow::kCount;
    std::optional<int64_t> crc = PgInt(res.get(), 0, crc_col);
    std::optional<std::string> members = PgBytes(res.get(), 0, crc_col + 1);
    if (!ReadRow(res.get(), 0, &row) || !crc || !members ||
        FromStored(*crc) != row.Checksum() ||
        static_cast<int64_t>(members->size()) != row.members_bytes) {
      return Damaged(absl::StrCat("snapshot ", snapshot_id),
                     "does not match its checksum");
    }
    if (row.org != org) return std::nullopt;  // another org's
    SLICEKIT_ASSIGN_OR_RETURN(SnapshotInfo info, InfoOf(row));
    return std::make_pair(std::move(info), *std::move(members));
  }

  absl::Status PutAlertRules(absl::string_view org, absl::string_view id,
                             absl::string_view rules) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(org));
    if (rules.empty()) {
      return Run("DELETE FROM alert_rules WHERE slice_id = $1 AND org = $2",
                 {T(id), T(org)}, "removing alert rules");
    }
    const AlertRow row{std::string(id), std::string(org), std::string(rules)};
    return Run(
        "INSERT INTO alert_rules (slice_id, org, rules, crc) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (slice_id) DO UPDATE SET "
        "org = EXCLUDED.org, rules = EXCLUDED.rules, crc = EXCLUDED.crc",
        {T(row.slice_id), T(row.org), T(row.rules),
         I(ToStored(row.Checksum()))},
        "saving alert rules");
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadAlertRules(absl::string_view org) override {
    SLICEKIT_RETURN_IF_ERROR(LockOrg(org));
    SLICEKIT_ASSIGN_OR_RETURN(
        std::vector<AlertRow> rows,
        ReadRows<AlertRow>("alert_rules WHERE org = $1 ORDER BY slice_id",
                           {T(org)}, "reading alert rules"));
    std::vector<std::pair<std::string, std::string>> rules;
    for (AlertRow& row : rows) {
      if (row.org != org) return Damaged(Describe(row), "names another org");
      rules.emplace_back(std::move(row.slice_id), std::move(row.rules));
    }
    return rules;
  }

  // Every row of every table, each against its checksum, and no live slice
  // with a retired id: for CheckIntegrity().
  absl::Status CheckAllRows() {
    SLICEKIT_RETURN_IF_ERROR(
        ReadRows<SliceRow>("slices", {}, "checking slices").status());
    SLICEKIT_RETURN_IF_ERROR(
        ReadRows<VersionRow>("slice_versions", {}, "checking history")
            .status());
    SLICEKIT_RETURN_IF_ERROR(
        ReadRows<SnapshotRow>("snapshots", {}, "checking snapshots").status());
    SLICEKIT_RETURN_IF_ERROR(
        ReadRows<AlertRow>("alert_rules", {}, "checking alert rules").status());
    SLICEKIT_ASSIGN_OR_RETURN(
        PgResultPtr res,
        Exec("SELECT s.id FROM slices s JOIN retired_ids r ON r.id = s.id", {},
             "checking ids"));
    if (PQntuples(res.get()) > 0) {
      return absl::DataLossError(absl::StrCat(
          "slice store ", server_.name, ": live slice ",
          PgText(res.get(), 0, 0).value_or("?"), " has a retired id"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> AllOrgs() {
    SLICEKIT_ASSIGN_OR_RETURN(
        PgResultPtr res, Exec("SELECT DISTINCT org FROM slices ORDER BY org",
                              {}, "listing orgs"));
    std::vector<std::string> orgs;
    for (int r = 0; r < PQntuples(res.get()); ++r) {
      orgs.push_back(PgText(res.get(), r, 0).value_or(""));
    }
    return orgs;
  }

 private:
  absl::StatusOr<PgResultPtr> Exec(const std::string& sql, const Params& params,
                                   absl::string_view what) {
    return PgExec(conn_, server_, sql, params, what);
  }
  absl::Status Run(const std::string& sql, const Params& params,
                   absl::string_view what) {
    return Exec(sql, params, what).status();
  }
  static int64_t Affected(const PGresult* res) {
    int64_t n = 0;
    return absl::SimpleAtoi(PQcmdTuples(const_cast<PGresult*>(res)), &n) ? n
                                                                         : -1;
  }

  // DataLoss "slice store SERVER: WHAT WHY (the database is damaged)".
  absl::Status Damaged(absl::string_view what, absl::string_view why) const {
    return absl::DataLossError(absl::StrCat("slice store ", server_.name, ": ",
                                            what, " ", why,
                                            " (the database is damaged)"));
  }

  // The org lock of a change (see the top of this file); reads take none.
  absl::Status LockOrg(absl::string_view org) {
    if (!write_ || locked_.contains(org)) return absl::OkStatus();
    const std::string lock =
        "SELECT 1 FROM slicekit_orgs WHERE org = $1 FOR UPDATE";
    SLICEKIT_ASSIGN_OR_RETURN(PgResultPtr res,
                              Exec(lock, {T(org)}, "locking an org"));
    if (PQntuples(res.get()) == 0) {
      // A new org: the row is made (an insert that meets another client's
      // waits for it to commit), then locked.
      SLICEKIT_RETURN_IF_ERROR(Run(
          "INSERT INTO slicekit_orgs (org) VALUES ($1) ON CONFLICT DO NOTHING",
          {T(org)}, "locking an org"));
      SLICEKIT_ASSIGN_OR_RETURN(res, Exec(lock, {T(org)}, "locking an org"));
      if (PQntuples(res.get()) != 1) {
        return absl::InternalError(
            absl::StrCat("slice store ", server_.name, ": org \"", org,
                         "\" has no row to lock after its insert"));
      }
    }
    locked_.insert(std::string(org));
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> NextVal(absl::string_view sequence) {
    SLICEKIT_ASSIGN_OR_RETURN(
        PgResultPtr res, Exec(absl::StrCat("SELECT nextval('", sequence, "')"),
                              {}, "numbering a row"));
    std::optional<int64_t> v =
        PQntuples(res.get()) == 1 ? PgInt(res.get(), 0, 0) : std::nullopt;
    if (!v.has_value()) {
      return absl::InternalError(absl::StrCat(
          "slice store ", server_.name, ": ", sequence, " gave no number"));
    }
    return *v;
  }

  // The rows "SELECT <Row's columns>, crc FROM `from_where`" finds, each
  // checked against its checksum.
  template <typename Row>
  absl::StatusOr<std::vector<Row>> ReadRows(const std::string& from_where,
                                            const Params& params,
                                            absl::string_view what) {
    SLICEKIT_ASSIGN_OR_RETURN(
        PgResultPtr res,
        Exec(absl::StrCat("SELECT ", Row::kColumns, ", crc FROM ", from_where),
             params, what));
    std::vector<Row> rows(static_cast<size_t>(PQntuples(res.get())));
    for (int r = 0; r < PQntuples(res.get()); ++r) {
      Row& row = rows[static_cast<size_t>(r)];
      if (!ReadRow(res.get(), r, &row)) {
        return Damaged(absl::StrCat("a row of ", TableOf<Row>()),
                       "is malformed");
      }
      const std::optional<int64_t> crc = PgInt(res.get(), r, Row::kCount);
      if (!crc.has_value() || FromStored(*crc) != row.Checksum()) {
        return Damaged(Describe(row), "does not match its checksum");
      }
    }
    return rows;
  }

  absl::StatusOr<std::vector<SliceVersion>> Versions(
      const std::string& from_where, const Params& params) {
    SLICEKIT_ASSIGN_OR_RETURN(
        std::vector<VersionRow> rows,
        ReadRows<VersionRow>(from_where, params, "reading history"));
    std::vector<SliceVersion> versions;
    for (const VersionRow& row : rows) {
      SLICEKIT_ASSIGN_OR_RETURN(SliceVersion v, VersionOf(row));
      versions.push_back(std::move(v));
    }
    return versions;
  }

  absl::Status WriteSlice(const SliceRow& row, bool insert) {
    const Params params = {I(row.seq),
                           T(row.id),
                           T(row.org),
                           T(row.name),
                           T(row.name_key),
                           T(row.description),
                           PgParam::Bytes(row.filter_text),
                           T(row.filter_json),
                           T(row.order_by_json),
                           I(row.created_at_us),
                           I(row.updated_at_us),
                           I(row.version),
                           I(ToStored(row.Checksum()))};
    SLICEKIT_ASSIGN_OR_RETURN(
        PgResultPtr res,
        Exec(insert ? "INSERT INTO slices (seq, id, org, name, name_key, "
                      "description, filter_text, filter_json, order_by_json, "
                      "created_at_us, updated_at_us, version, crc) VALUES "
                      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                      "$13)"
                    : "UPDATE slices SET name = $4, name_key = $5, "
                      "description = $6, filter_text = $7, filter_json = $8, "
                      "order_by_json = $9, created_at_us = $10, "
                      "updated_at_us = $11, version = $12, crc = $13 "
                      "WHERE seq = $1 AND id = $2 AND org = $3",
             params, insert ? "inserting a slice" : "updating a slice"));
    if (Affected(res.get()) != 1) {
      return absl::InternalError(absl::StrCat("slice store ", server_.name,
                                              ": updated slice ", row.id,
                                              " is missing"));
    }
    return absl::OkStatus();
  }

  PGconn* conn_;
  const PgServer& server_;
  const bool write_;
  absl::flat_hash_set<std::string> locked_;  // orgs this change has locked
};

class PgBackend final : public SliceStoreBackend {
 public:
  PgBackend(PgServer server, PgConnPtr conn, bool read_only)
      : server_(std::move(server)),
        conn_(std::move(conn)),
        read_only_(read_only) {}

  absl::Status Transact(
      bool write, absl::FunctionRef<absl::Status(SliceTxn&)> body) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (write && read_only_) {
      return absl::FailedPreconditionError(absl::StrCat(
          "slice store ", server_.name,
          " was opened read-only; this change needs it opened for writing"));
    }
    for (int attempt = 1;; ++attempt) {
      const absl::Status status =
          RunTransaction(write, [&](PgTxn& txn) { return body(txn); });
      if (status.ok() || !IsPgRetryable(status) || attempt == kAttempts) {
        return WithFileName(status);
      }
      std::this_thread::sleep_for(
          std::chrono::milliseconds(10 << (attempt - 1)));
    }
  }

  absl::Status CheckIntegrity() override {
    std::lock_guard<std::mutex> lock(mu_);
    return WithFileName(RunTransaction(false, [&](PgTxn& txn) -> absl::Status {
      SLICEKIT_ASSIGN_OR_RETURN(const std::vector<std::string> orgs,
                                txn.AllOrgs());
      SLICEKIT_RETURN_IF_ERROR(CheckOrgs(txn, orgs));
      return txn.CheckAllRows();
    }));
  }

  absl::Status WithFileName(absl::Status status) const override {
    if (!absl::IsDataLoss(status) ||
        absl::StartsWith(status.message(), "slice store ")) {
      return status;
    }
    std::string message(status.message());
    if (absl::StartsWith(message, "slice store: ")) message.erase(0, 13);
    return absl::DataLossError(
        absl::StrCat("slice store ", server_.name, ": ", message));
  }

 private:
  // One transaction on the connection, connecting first when there is
  // none; a connection found lost is dropped. The caller holds mu_.
  absl::Status RunTransaction(bool write,
                              absl::FunctionRef<absl::Status(PgTxn&)> body) {
    if (conn_ == nullptr || PQstatus(conn_.get()) != CONNECTION_OK) {
      conn_.reset();
      SLICEKIT_ASSIGN_OR_RETURN(conn_, PgConnect(server_));
    }
    PGconn* conn = conn_.get();
    absl::Status status = BeginChecked(conn, server_, write);
    if (status.ok()) {
      PgTxn txn(conn, server_, write);
      status = body(txn);
      if (status.ok()) {
        status = PgExec(conn, server_, "COMMIT", {}, "committing").status();
      }
    }
    if (!status.ok() && PQstatus(conn) == CONNECTION_OK &&
        PQtransactionStatus(conn) != PQTRANS_IDLE) {
      PgResultPtr(PQexec(conn, "ROLLBACK"));
    }
    // A server shutting down says so (57P01) before the socket closes.
    if (PQstatus(conn) != CONNECTION_OK || absl::IsUnavailable(status)) {
      conn_.reset();
      if (!absl::IsUnavailable(status)) {
        status = absl::UnavailableError(
            absl::StrCat("slice store: the PostgreSQL server ", server_.name,
                         " is unavailable: ", status.message()));
      }
    }
    return status;
  }

  std::mutex mu_;
  const PgServer server_;
  PgConnPtr conn_;  // under mu_; null until the next call connects
  const bool read_only_;
};

}  // namespace
}  // namespace internal

absl::StatusOr<std::unique_ptr<SliceStore>> SliceStore::OpenPostgres(
    const std::string& uri, const PostgresStoreOptions& options) {
  if (!IsPostgresUri(uri)) {
    return absl::InvalidArgumentError(
        "slice store: a PostgreSQL URI starts with postgresql:// or "
        "postgres://");
  }
  SLICEKIT_ASSIGN_OR_RETURN(internal::PgServer server,
                            internal::ParsePgUri(uri));
  SLICEKIT_ASSIGN_OR_RETURN(internal::PgConnPtr conn,
                            internal::PgConnect(server));
  SLICEKIT_RETURN_IF_ERROR(
      internal::PrepareSchema(conn.get(), server, options.read_only));
  return std::unique_ptr<SliceStore>(
      new SliceStore(std::make_unique<internal::PgBackend>(
          std::move(server), std::move(conn), options.read_only)));
}

absl::StatusOr<std::unique_ptr<SliceStore>> SliceStore::Open(
    const std::string& location, bool read_only) {
  if (IsPostgresUri(location)) {
    return OpenPostgres(location, {.read_only = read_only});
  }
  return OpenSqlite(location, {.read_only = read_only});
}

}  // namespace slicekit
