// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The SQLite backend of SliceStore (src/store/slice_store_backend.h).
//
// Durability: WAL journal with synchronous=FULL, so every commit is synced
// before the call returns; a killed process (or a power loss) keeps every
// committed operation and none of an uncommitted one. Concurrency: every
// operation is one transaction; writes take the write lock up front
// (BEGIN IMMEDIATE), so the limit and name checks and the insert that
// follows them cannot interleave with another writer in any process. The
// UNIQUE index on (org, name_key) is a backstop for the name rule.
//
// Format versions: 1 held the slices; 2 (this one) adds their history,
// snapshots and alert rules, and triggers that refuse any change to a
// slice without its history entry, so a slicekit of format 1 that still
// has an upgraded file open cannot change slices behind the history's back.
// A file of format 1 is upgraded in place, in one transaction, when opened.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "src/store/slice_store_backend.h"
#include "src/store/slice_store_internal.h"
#include "src/util/status_macros.h"
#include "src/util/utf8_text.h"

namespace slicekit {
namespace internal {
namespace {

constexpr char kFormatName[] = "slicekit.slice_store";
// The version this code writes; it also reads (and upgrades) version 1.
constexpr int kFormatVersion = 2;
// How long one statement waits for a lock (CountingBusyHandler).
constexpr int kBusyTimeoutMs = 10000;
// How long a whole operation keeps retrying after SQLITE_BUSY.
constexpr absl::Duration kRetryFor = absl::Seconds(30);

// Frozen since format version 1: opening compares a store's schema with the
// text of kSchemaV1 (and, for version 2, kSchemaV2 after it) exactly
// (SchemaDifference), so any edit, whitespace included, needs a new format
// version.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE slicekit_meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE slices (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  org TEXT NOT NULL,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  description TEXT NOT NULL,
  filter_text TEXT NOT NULL,
  filter_json TEXT NOT NULL,
  order_by_json TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL,
  version INTEGER NOT NULL
);
CREATE UNIQUE INDEX slices_org_name_key ON slices (org, name_key);
CREATE TABLE retired_ids (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
)sql";

// What format version 2 adds (frozen, as above). Every state of a row of
// `slices` has its entry in `slice_versions`: the triggers abort an insert
// or update of a slice whose version has no entry, and a delete without a
// 'deleted' entry, whoever writes.
constexpr char kSchemaV2[] = R"sql(
CREATE TABLE slice_versions (
  slice_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  org TEXT NOT NULL,
  change TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  filter_text TEXT NOT NULL,
  filter_json TEXT NOT NULL,
  order_by_json TEXT NOT NULL,
  actor TEXT NOT NULL,
  changed_at_us INTEGER NOT NULL,
  restored_from INTEGER,
  PRIMARY KEY (slice_id, version)
) WITHOUT ROWID;
CREATE INDEX slice_versions_org_change ON slice_versions (org, change);
CREATE TABLE snapshots (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  org TEXT NOT NULL,
  slice_id TEXT NOT NULL,
  slice_version INTEGER NOT NULL,
  slice_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  actor TEXT NOT NULL,
  taken_at_us INTEGER NOT NULL,
  member_count INTEGER NOT NULL,
  summary_json TEXT NOT NULL,
  members BLOB NOT NULL
);
CREATE INDEX snapshots_org_slice ON snapshots (org, slice_id);
CREATE TABLE alert_rules (
  slice_id TEXT PRIMARY KEY NOT NULL,
  org TEXT NOT NULL,
  rules TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER slices_insert_needs_history BEFORE INSERT ON slices
WHEN NOT EXISTS (SELECT 1 FROM slice_versions
                 WHERE slice_id = NEW.id AND version = NEW.version)
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 2, which keeps the history of every slice; this writer does not keep it (a slicekit older than format 2?): reopen the store with a newer slicekit');
END;
CREATE TRIGGER slices_update_needs_history BEFORE UPDATE ON slices
WHEN NOT EXISTS (SELECT 1 FROM slice_versions
                 WHERE slice_id = NEW.id AND version = NEW.version)
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 2, which keeps the history of every slice; this writer does not keep it (a slicekit older than format 2?): reopen the store with a newer slicekit');
END;
CREATE TRIGGER slices_delete_needs_history BEFORE DELETE ON slices
WHEN NOT EXISTS (SELECT 1 FROM slice_versions
                 WHERE slice_id = OLD.id AND change = 'deleted')
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 2, which keeps the history of every slice; this writer does not keep it (a slicekit older than format 2?): reopen the store with a newer slicekit');
END;
)sql";

// Upgrades a store of format 1 (inside the caller's transaction): the new
// tables, then one history entry per slice, its version as it is.
constexpr char kMigrateV1ToV2[] = R"sql(
INSERT INTO slice_versions (slice_id, version, org, change, name,
  description, filter_text, filter_json, order_by_json, actor, changed_at_us,
  restored_from)
SELECT id, version, org, 'migrated', name, description, filter_text,
  filter_json, order_by_json, '', updated_at_us, NULL FROM slices;
UPDATE slicekit_meta SET value = '2' WHERE key = 'version';
)sql";

bool IsBusy(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

// Counts the retries for SqliteBusyRetries(): process-wide, since a load
// test wants the total over all of a process's stores.
std::atomic<int64_t> busy_retries{0};

// Lock waits inside statements, for SqliteBusyWaits().
std::atomic<int64_t> busy_waits{0};

// The busy handler: SQLite's own back-off (sqlite3_busy_timeout's delays),
// plus a count of the waits, which a load test reports. Returns 0 (give up,
// SQLITE_BUSY) once the waits add up to kBusyTimeoutMs.
int CountingBusyHandler(void*, int attempt) {
  static constexpr int kDelaysMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50};
  static constexpr int kLastDelayMs = 100;
  constexpr int kSteps = sizeof(kDelaysMs) / sizeof(kDelaysMs[0]);
  int waited_ms = 0;
  for (int i = 0; i < std::min(attempt, kSteps); ++i) waited_ms += kDelaysMs[i];
  if (attempt > kSteps) waited_ms += (attempt - kSteps) * kLastDelayMs;
  if (waited_ms >= kBusyTimeoutMs) return 0;
  const int delay_ms =
      std::min(attempt < kSteps ? kDelaysMs[attempt] : kLastDelayMs,
               kBusyTimeoutMs - waited_ms);
  busy_waits.fetch_add(1, std::memory_order_relaxed);
  absl::SleepFor(absl::Milliseconds(delay_ms));
  return 1;
}

// Called when an operation found the database busy and will start over.
void PauseBeforeRetry() {
  busy_retries.fetch_add(1, std::memory_order_relaxed);
  absl::SleepFor(absl::Milliseconds(1));
}

// Maps an SQLite error to a status; corruption is DataLoss.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  const std::string message =
      absl::StrCat("slice store: ", what, ": ",
                   db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return absl::FailedPreconditionError(message);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

// PRAGMA quick_check and integrity_check report a page they could not read
// as a result row ("... unable to get the page. error code=266") instead of
// failing. That is the disk failing (here SQLITE_IOERR_READ), not a damaged
// file, and must not come back as DataLoss, which tells the caller to give
// the file up. Returns the error for the first such row, or OK.
absl::Status IoErrorInCheck(const std::vector<std::string>& rows,
                            absl::string_view what) {
  constexpr char kMarker[] = "error code=";
  for (const std::string& row : rows) {
    const size_t at = row.find(kMarker);
    if (at == std::string::npos) continue;
    const int rc = std::atoi(row.c_str() + at + sizeof(kMarker) - 1);
    const int primary = rc & 0xff;
    if (rc != 0 && primary != SQLITE_CORRUPT && primary != SQLITE_NOTADB) {
      return SqliteError(nullptr, rc, what);
    }
  }
  return absl::OkStatus();
}

// Names the store's file in an error from opening it, so that a caller
// with several stores can tell which one failed.
absl::Status WithPath(absl::Status status, absl::string_view path) {
  constexpr absl::string_view kPrefix = "slice store: ";
  if (status.ok() || !absl::StartsWith(status.message(), kPrefix)) {
    return status;
  }
  return absl::Status(status.code(),
                      absl::StrCat("slice store \"", path, "\": ",
                                   status.message().substr(kPrefix.size())));
}

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, absl::string_view sql) {
    rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()),
                             &stmt_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // The status of preparing; check before binding.
  int prepare_rc() const { return rc_; }

  void Bind(int i, absl::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t value) { sqlite3_bind_int64(stmt_, i, value); }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  void BindBlob(int i, absl::string_view bytes) {
    sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }

  std::string Text(int i) const {
    const unsigned char* text = sqlite3_column_text(stmt_, i);
    const int n = sqlite3_column_bytes(stmt_, i);
    return text == nullptr ? std::string()
                           : std::string(reinterpret_cast<const char*>(text),
                                         static_cast<size_t>(n));
  }
  int64_t Int(int i) const { return sqlite3_column_int64(stmt_, i); }
  bool IsNull(int i) const {
    return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
  }
  std::string Blob(int i) const {
    const void* data = sqlite3_column_blob(stmt_, i);
    const int n = sqlite3_column_bytes(stmt_, i);
    return data == nullptr ? std::string()
                           : std::string(static_cast<const char*>(data),
                                         static_cast<size_t>(n));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

// Reads a stored filter and ordering; DataLoss naming `what` if either is
// unreadable.
absl::Status ParseRecord(absl::string_view what, absl::string_view filter_json,
                         absl::string_view order_by_json, Expr* filter,
                         std::vector<OrderBy>* order_by) {
  absl::StatusOr<Expr> parsed = FilterFromJson(filter_json);
  if (!parsed.ok()) {
    return absl::DataLossError(
        absl::StrCat("slice store: ", what,
                     " has an unreadable filter: ", parsed.status().message()));
  }
  *filter = *std::move(parsed);
  absl::StatusOr<std::vector<OrderBy>> order = OrderByFromJson(order_by_json);
  if (!order.ok()) {
    return absl::DataLossError(
        absl::StrCat("slice store: ", what, ": ", order.status().message()));
  }
  *order_by = *std::move(order);
  return absl::OkStatus();
}

// A text column of a stored row, as read.
struct StoredText {
  absl::string_view column;
  absl::string_view value;
};

// DataLoss unless each of `fields`, read from the store's row `row`, is
// UTF-8. The store writes only UTF-8, so anything else is damage, and
// callers rely on it (JSON output; Python, which decodes it): report it
// here, naming the file and the row, rather than hand the bytes on.
absl::Status CheckStoredText(sqlite3* db, absl::string_view row,
                             std::initializer_list<StoredText> fields) {
  for (const StoredText& field : fields) {
    const size_t bad = FirstInvalidUtf8(field.value);
    if (bad == absl::string_view::npos) continue;
    const char* path = sqlite3_db_filename(db, "main");
    return absl::DataLossError(absl::StrCat(
        "slice store \"", path == nullptr ? "" : path, "\": ", row, ": ",
        field.column, " is not valid UTF-8 (byte ", bad + 1, ")"));
  }
  return absl::OkStatus();
}

// How a row is named in an error: `by_id` ("version 3 of slice sl_...")
// when its slice id is UTF-8, else `fallback`, which does not show the id
// ("slice_versions row for version 3"), so the message stays UTF-8 too.
std::string RowName(absl::string_view id, absl::string_view by_id,
                    absl::string_view fallback) {
  return std::string(
      FirstInvalidUtf8(id) == absl::string_view::npos ? by_id : fallback);
}

// The columns of slice_versions after slice_id and org, in this order.
constexpr char kVersionColumns[] =
    "version, change, name, description, filter_json, order_by_json, actor, "
    "changed_at_us, restored_from";

// The columns of snapshots that make a SnapshotInfo, in this order.
constexpr char kSnapshotColumns[] =
    "seq, slice_id, slice_version, slice_name, table_name, actor, "
    "taken_at_us, member_count, summary_json, length(members)";

class SqliteTxn final : public SliceTxn {
 public:
  explicit SqliteTxn(sqlite3* db) : db_(db) {}

  // Whether a statement failed because the database was locked; the whole
  // transaction is then retried.
  bool saw_busy() const { return saw_busy_; }

  absl::StatusOr<std::vector<StoredSlice>> LoadOrg(
      absl::string_view org) override {
    Stmt stmt(db_,
              "SELECT seq, id, name, name_key, description, filter_json, "
              "order_by_json, created_at_us, updated_at_us, version "
              "FROM slices WHERE org = ?1 ORDER BY seq");
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading slices"));
    stmt.Bind(1, org);
    std::vector<StoredSlice> slices;
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) {
      StoredSlice s;
      s.seq = stmt.Int(0);
      s.slice.id = stmt.Text(1);
      s.slice.org = std::string(org);
      s.slice.name = stmt.Text(2);
      s.name_key = stmt.Text(3);
      s.slice.description = stmt.Text(4);
      const std::string seq = absl::StrCat("slices row ", s.seq);
      SLICEKIT_RETURN_IF_ERROR(
          CheckStoredText(db_, seq, {{"id", s.slice.id}, {"org", org}}));
      SLICEKIT_RETURN_IF_ERROR(CheckStoredText(
          db_, absl::StrCat("slice ", s.slice.id, " (", seq, ")"),
          {{"name", s.slice.name},
           {"name_key", s.name_key},
           {"description", s.slice.description}}));
      SLICEKIT_RETURN_IF_ERROR(ParseRecord(absl::StrCat("slice ", s.slice.id),
                                           stmt.Text(5), stmt.Text(6),
                                           &s.slice.filter, &s.slice.order_by));
      s.slice.created_at = absl::FromUnixMicros(stmt.Int(7));
      s.slice.updated_at = absl::FromUnixMicros(stmt.Int(8));
      s.slice.version = stmt.Int(9);
      slices.push_back(std::move(s));
    }
    SLICEKIT_RETURN_IF_ERROR(Check(rc, "reading slices"));
    return slices;
  }

  absl::StatusOr<bool> IdUsed(absl::string_view id) override {
    Stmt stmt(db_,
              "SELECT 1 FROM slices WHERE id = ?1 "
              "UNION ALL SELECT 1 FROM retired_ids WHERE id = ?1");
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "checking an id"));
    stmt.Bind(1, id);
    const int rc = stmt.Step();
    if (rc == SQLITE_ROW) return true;
    SLICEKIT_RETURN_IF_ERROR(Check(rc, "checking an id"));
    return false;
  }

  absl::Status Insert(const StoredSlice& s) override {
    Stmt stmt(db_,
              "INSERT INTO slices (id, org, name, name_key, description, "
              "filter_text, filter_json, order_by_json, created_at_us, "
              "updated_at_us, version) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "inserting a slice"));
    stmt.Bind(1, s.slice.id);
    stmt.Bind(2, s.slice.org);
    BindRecord(stmt, s, /*first=*/3);
    stmt.Bind(9, absl::ToUnixMicros(s.slice.created_at));
    stmt.Bind(10, absl::ToUnixMicros(s.slice.updated_at));
    stmt.Bind(11, s.slice.version);
    return Check(stmt.Step(), "inserting a slice");
  }

  absl::Status Replace(const StoredSlice& s) override {
    Stmt stmt(db_,
              "UPDATE slices SET name = ?3, name_key = ?4, description = ?5, "
              "filter_text = ?6, filter_json = ?7, order_by_json = ?8, "
              "updated_at_us = ?9, version = ?10 WHERE id = ?1 AND org = ?2");
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "updating a slice"));
    stmt.Bind(1, s.slice.id);
    stmt.Bind(2, s.slice.org);
    BindRecord(stmt, s, /*first=*/3);
    stmt.Bind(9, absl::ToUnixMicros(s.slice.updated_at));
    stmt.Bind(10, s.slice.version);
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.Step(), "updating a slice"));
    if (sqlite3_changes(db_) != 1) {
      return absl::InternalError("slice store: updated slice is missing");
    }
    return absl::OkStatus();
  }

  absl::Status Erase(absl::string_view org, absl::string_view id) override {
    SLICEKIT_RETURN_IF_ERROR(
        Run("DELETE FROM slices WHERE org = ?1 AND id = ?2", {org, id},
            "deleting a slice"));
    SLICEKIT_RETURN_IF_ERROR(
        Run("DELETE FROM alert_rules WHERE org = ?1 AND slice_id = ?2",
            {org, id}, "deleting a slice's alert rules"));
    return Run("INSERT OR IGNORE INTO retired_ids (id) VALUES (?1)", {id},
               "retiring an id");
  }

  absl::Status AddVersion(const SliceVersion& v) override {
    Stmt stmt(db_,
              "INSERT INTO slice_versions (slice_id, org, version, change, "
              "name, description, filter_text, filter_json, order_by_json, "
              "actor, changed_at_us, restored_from) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "recording a version"));
    stmt.Bind(1, v.slice_id);
    stmt.Bind(2, v.org);
    stmt.Bind(3, v.version);
    stmt.Bind(4, SliceChangeName(v.change));
    stmt.Bind(5, v.name);
    stmt.Bind(6, v.description);
    stmt.Bind(7, FormatFilter(v.filter));
    stmt.Bind(8, FilterToJson(v.filter));
    stmt.Bind(9, OrderByToJson(v.order_by));
    stmt.Bind(10, v.actor);
    stmt.Bind(11, absl::ToUnixMicros(v.changed_at));
    if (v.restored_from.has_value()) {
      stmt.Bind(12, *v.restored_from);
    } else {
      stmt.BindNull(12);
    }
    return Check(stmt.Step(), "recording a version");
  }

  absl::StatusOr<std::vector<SliceVersion>> LoadHistory(
      absl::string_view org, absl::string_view id) override {
    Stmt stmt(db_, absl::StrCat("SELECT slice_id, org, ", kVersionColumns,
                                " FROM slice_versions WHERE slice_id = ?1 "
                                "AND org = ?2 ORDER BY version"));
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading history"));
    stmt.Bind(1, id);
    stmt.Bind(2, org);
    return ReadVersions(stmt);
  }

  absl::StatusOr<std::vector<SliceVersion>> LoadDeleted(
      absl::string_view org) override {
    Stmt stmt(db_, absl::StrCat("SELECT slice_id, org, ", kVersionColumns,
                                " FROM slice_versions WHERE org = ?1 AND "
                                "change = 'deleted'"));
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading history"));
    stmt.Bind(1, org);
    return ReadVersions(stmt);
  }

  absl::StatusOr<int64_t> EraseHistory(absl::string_view org,
                                       absl::string_view id) override {
    SLICEKIT_RETURN_IF_ERROR(
        Run("DELETE FROM slice_versions WHERE org = ?1 AND slice_id = ?2",
            {org, id}, "purging history"));
    const int64_t versions = sqlite3_changes(db_);
    SLICEKIT_RETURN_IF_ERROR(
        Run("DELETE FROM snapshots WHERE org = ?1 AND slice_id = ?2", {org, id},
            "purging snapshots"));
    return versions + sqlite3_changes(db_);
  }

  absl::StatusOr<int64_t> InsertSnapshot(const SnapshotInfo& info,
                                         const std::string& members) override {
    Stmt stmt(db_,
              "INSERT INTO snapshots (org, slice_id, slice_version, "
              "slice_name, table_name, actor, taken_at_us, member_count, "
              "summary_json, members) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "saving a snapshot"));
    stmt.Bind(1, info.org);
    stmt.Bind(2, info.slice_id);
    stmt.Bind(3, info.slice_version);
    stmt.Bind(4, info.slice_name);
    stmt.Bind(5, info.table_name);
    stmt.Bind(6, info.actor);
    stmt.Bind(7, absl::ToUnixMicros(info.taken_at));
    stmt.Bind(8, static_cast<int64_t>(info.summary.rows));
    stmt.Bind(9, SummaryToJson(info.summary));
    stmt.BindBlob(10, members);
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.Step(), "saving a snapshot"));
    return sqlite3_last_insert_rowid(db_);
  }

  absl::StatusOr<std::vector<SnapshotInfo>> LoadSnapshots(
      absl::string_view org, absl::string_view slice_id) override {
    Stmt stmt(db_, absl::StrCat("SELECT ", kSnapshotColumns,
                                " FROM snapshots WHERE org = ?1 AND "
                                "slice_id = ?2 ORDER BY seq"));
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading snapshots"));
    stmt.Bind(1, org);
    stmt.Bind(2, slice_id);
    std::vector<SnapshotInfo> infos;
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) {
      SLICEKIT_ASSIGN_OR_RETURN(SnapshotInfo info, ReadSnapshotInfo(stmt, org));
      infos.push_back(std::move(info));
    }
    SLICEKIT_RETURN_IF_ERROR(Check(rc, "reading snapshots"));
    return infos;
  }

  absl::StatusOr<std::optional<std::pair<SnapshotInfo, std::string>>>
  LoadSnapshot(absl::string_view org, int64_t snapshot_id) override {
    Stmt stmt(db_, absl::StrCat("SELECT ", kSnapshotColumns,
                                ", members FROM snapshots WHERE org = ?1 AND "
                                "seq = ?2"));
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading a snapshot"));
    stmt.Bind(1, org);
    stmt.Bind(2, snapshot_id);
    const int rc = stmt.Step();
    if (rc != SQLITE_ROW) {
      SLICEKIT_RETURN_IF_ERROR(Check(rc, "reading a snapshot"));
      return std::nullopt;
    }
    SLICEKIT_ASSIGN_OR_RETURN(SnapshotInfo info, ReadSnapshotInfo(stmt, org));
    return std::make_pair(std::move(info), stmt.Blob(10));
  }

  absl::Status PutAlertRules(absl::string_view org, absl::string_view id,
                             absl::string_view rules) override {
    if (rules.empty()) {
      return Run("DELETE FROM alert_rules WHERE org = ?1 AND slice_id = ?2",
                 {org, id}, "removing alert rules");
    }
    return Run(
        "INSERT OR REPLACE INTO alert_rules (org, slice_id, rules) "
        "VALUES (?1, ?2, ?3)",
        {org, id, rules}, "saving alert rules");
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadAlertRules(absl::string_view org) override {
    Stmt stmt(db_,
              "SELECT slice_id, rules FROM alert_rules WHERE org = ?1 "
              "ORDER BY slice_id");
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading alert rules"));
    stmt.Bind(1, org);
    std::vector<std::pair<std::string, std::string>> rules;
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) {
      std::string id = stmt.Text(0);
      std::string text = stmt.Text(1);
      SLICEKIT_RETURN_IF_ERROR(
          CheckStoredText(db_,
                          RowName(id, absl::StrCat("alert rules of slice ", id),
                                  "an alert_rules row"),
                          {{"slice_id", id}, {"rules", text}}));
      rules.emplace_back(std::move(id), std::move(text));
    }
    SLICEKIT_RETURN_IF_ERROR(Check(rc, "reading alert rules"));
    return rules;
  }

  // OK for SQLITE_OK/ROW/DONE; otherwise an error (and notes SQLITE_BUSY).
  absl::Status Check(int rc, absl::string_view what) {
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) {
      return absl::OkStatus();
    }
    if (IsBusy(rc)) saw_busy_ = true;
    return SqliteError(db_, rc, what);
  }

 private:
  // Runs `sql` with text parameters ?1, ?2, ... to completion.
  absl::Status Run(absl::string_view sql,
                   std::initializer_list<absl::string_view> params,
                   absl::string_view what) {
    Stmt stmt(db_, sql);
    SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), what));
    int i = 0;
    for (absl::string_view param : params) stmt.Bind(++i, param);
    return Check(stmt.Step(), what);
  }

  // Rows of "slice_id, org, <kVersionColumns>".
  absl::StatusOr<std::vector<SliceVersion>> ReadVersions(Stmt& stmt) {
    std::vector<SliceVersion> versions;
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) {
      SliceVersion v;
      v.slice_id = stmt.Text(0);
      v.org = stmt.Text(1);
      v.version = stmt.Int(2);
      const std::string change = stmt.Text(3);
      v.name = stmt.Text(4);
      v.description = stmt.Text(5);
      v.actor = stmt.Text(8);
      const std::string what =
          absl::StrCat("version ", v.version, " of slice ", v.slice_id);
      SLICEKIT_RETURN_IF_ERROR(CheckStoredText(
          db_,
          RowName(v.slice_id, what,
                  absl::StrCat("slice_versions row for version ", v.version)),
          {{"slice_id", v.slice_id},
           {"org", v.org},
           {"change", change},
           {"name", v.name},
           {"description", v.description},
           {"actor", v.actor}}));
      std::optional<SliceChange> kind = SliceChangeFromName(change);
      if (!kind.has_value()) {
        return absl::DataLossError(absl::StrCat(
            "slice store: ", what, " has an unknown change \"", change, "\""));
      }
      v.change = *kind;
      SLICEKIT_RETURN_IF_ERROR(ParseRecord(what, stmt.Text(6), stmt.Text(7),
                                           &v.filter, &v.order_by));
      v.changed_at = absl::FromUnixMicros(stmt.Int(9));
      if (!stmt.IsNull(10)) v.restored_from = stmt.Int(10);
      versions.push_back(std::move(v));
    }
    SLICEKIT_RETURN_IF_ERROR(Check(rc, "reading history"));
    return versions;
  }

  // The kSnapshotColumns of the current row.
  absl::StatusOr<SnapshotInfo> ReadSnapshotInfo(const Stmt& stmt,
                                                absl::string_view org) {
    SnapshotInfo info;
    info.id = stmt.Int(0);
    info.org = std::string(org);
    info.slice_id = stmt.Text(1);
    info.slice_version = stmt.Int(2);
    info.slice_name = stmt.Text(3);
    info.table_name = stmt.Text(4);
    info.actor = stmt.Text(5);
    SLICEKIT_RETURN_IF_ERROR(CheckStoredText(db_,
                                             absl::StrCat("snapshot ", info.id),
                                             {{"slice_id", info.slice_id},
                                              {"slice_name", info.slice_name},
                                              {"table_name", info.table_name},
                                              {"actor", info.actor}}));
    info.taken_at = absl::FromUnixMicros(stmt.Int(6));
    absl::StatusOr<SliceSummary> summary = SummaryFromJson(stmt.Text(8));
    if (!summary.ok() || static_cast<int64_t>(summary->rows) != stmt.Int(7)) {
      return absl::DataLossError(absl::StrCat("slice store: snapshot ", info.id,
                                              " has a malformed summary"));
    }
    info.summary = *std::move(summary);
    info.encoded_bytes = stmt.Int(9);
    return info;
  }

  // Binds name, name_key, description, filter_text, filter_json,
  // order_by_json to parameters first..first+5.
  static void BindRecord(Stmt& stmt, const StoredSlice& s, int first) {
    stmt.Bind(first, s.slice.name);
    stmt.Bind(first + 1, s.name_key);
    stmt.Bind(first + 2, s.slice.description);
    stmt.Bind(first + 3, FormatFilter(s.slice.filter));
    stmt.Bind(first + 4, FilterToJson(s.slice.filter));
    stmt.Bind(first + 5, OrderByToJson(s.slice.order_by));
  }

  sqlite3* db_;
  bool saw_busy_ = false;
};

// Runs one statement without results (through its last row), retrying
// while the database is busy.
absl::Status Exec(sqlite3* db, absl::string_view sql) {
  const absl::Time deadline = absl::Now() + kRetryFor;
  for (;;) {
    SqliteTxn probe(db);
    Stmt stmt(db, sql);
    int rc = stmt.prepare_rc();
    if (rc == SQLITE_OK) {
      while ((rc = stmt.Step()) == SQLITE_ROW) {
      }
    }
    if (IsBusy(rc) && absl::Now() < deadline) {
      PauseBeforeRetry();
      continue;
    }
    return probe.Check(rc, sql);
  }
}

// Returns the single text result of `sql` (a PRAGMA), retrying when busy.
absl::StatusOr<std::vector<std::string>> QueryColumn(sqlite3* db,
                                                     absl::string_view sql) {
  const absl::Time deadline = absl::Now() + kRetryFor;
  for (;;) {
    SqliteTxn probe(db);
    Stmt stmt(db, sql);
    std::vector<std::string> values;
    int rc = stmt.prepare_rc();
    if (rc == SQLITE_OK) {
      while ((rc = stmt.Step()) == SQLITE_ROW) values.push_back(stmt.Text(0));
    }
    if (IsBusy(rc) && absl::Now() < deadline) {
      PauseBeforeRetry();
      continue;
    }
    SLICEKIT_RETURN_IF_ERROR(probe.Check(rc, sql));
    return values;
  }
}

class SqliteBackend final : public SliceStoreBackend {
 public:
  SqliteBackend(sqlite3* db, std::string path)
      : db_(db), path_(std::move(path)) {}
  ~SqliteBackend() override { sqlite3_close_v2(db_); }

  absl::Status CheckIntegrity() override {
    std::lock_guard<std::mutex> lock(mu_);
    SLICEKIT_ASSIGN_OR_RETURN(std::vector<std::string> problems,
                              QueryColumn(db_, "PRAGMA integrity_check"));
    SLICEKIT_RETURN_IF_ERROR(
        WithPath(IoErrorInCheck(problems, "checking integrity"), path_));
    if (problems.size() != 1 || problems[0] != "ok") {
      return absl::DataLossError(absl::StrCat(
          "slice store \"", path_,
          "\" is corrupt: ", problems.empty() ? "no result" : problems[0]));
    }
    SLICEKIT_ASSIGN_OR_RETURN(
        std::vector<std::string> orgs,
        QueryColumn(db_, "SELECT DISTINCT org FROM slices ORDER BY org"));
    SqliteTxn txn(db_);
    SLICEKIT_RETURN_IF_ERROR(CheckOrgs(txn, orgs));
    SLICEKIT_ASSIGN_OR_RETURN(std::vector<std::string> mismatched,
                              QueryColumn(db_,
                                          "SELECT id FROM slices WHERE id IN "
                                          "(SELECT id FROM retired_ids)"));
    if (!mismatched.empty()) {
      return absl::DataLossError(absl::StrCat(
          "slice store: live slice ", mismatched[0], " has a retired id"));
    }
    return absl::OkStatus();
  }

  absl::Status Transact(
      bool write, absl::FunctionRef<absl::Status(SliceTxn&)> body) override {
    std::lock_guard<std::mutex> lock(mu_);
    const absl::Time deadline = absl::Now() + kRetryFor;
    for (;;) {
      SqliteTxn txn(db_);
      absl::Status status =
          txn.Check(sqlite3_exec(db_, write ? "BEGIN IMMEDIATE" : "BEGIN",
                                 nullptr, nullptr, nullptr),
                    "starting a transaction");
      if (status.ok()) {
        status = body(txn);
        if (status.ok()) {
          status =
              txn.Check(sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr),
                        "committing");
        }
        if (!status.ok() && !sqlite3_get_autocommit(db_)) {
          sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        }
      }
      if (status.ok() || !txn.saw_busy() || absl::Now() >= deadline) {
        return status;
      }
      PauseBeforeRetry();
    }
  }

 private:
  // std::mutex rather than absl::Mutex: ThreadSanitizer sees it even
  // with a prebuilt (uninstrumented) Abseil.
  std::mutex mu_;
  sqlite3* db_;  // used under mu_
  const std::string path_;
};

absl::Status NotAStore(absl::string_view path, absl::string_view why) {
  return absl::FailedPreconditionError(
      absl::StrCat("\"", path, "\" is not a slicekit slice store: ", why,
                   "; the file was left unchanged"));
}

// Checks what is at `path` before SQLite touches it: a missing or empty
// file is a new store; anything else must start with the SQLite header.
absl::Status CheckFileHeader(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot open slice store \"", path, "\": ", std::strerror(errno)));
  }
  if (!S_ISREG(info.st_mode)) return NotAStore(path, "not a regular file");
  if (info.st_size == 0) return absl::OkStatus();
  std::ifstream in(path, std::ios::binary);
  unsigned char header[18] = {};
  in.read(reinterpret_cast<char*>(header), sizeof(header));
  if (!in || info.st_size < 512 ||
      std::memcmp(header, "SQLite format 3", 16) != 0) {
    return NotAStore(path, "not an SQLite database");
  }
  // SQLite only writes whole pages, so a size that is not a multiple of the
  // page size means the file lost its end. SQLite itself would read the
  // missing bytes of the last page as zeros and open it without complaint
  // (slice_store_fault_test), silently changing a stored slice.
  // Not while a WAL file is beside it: a checkpoint that ran out of space
  // while growing the file can leave a partial last page whose committed
  // content is still in the WAL; SQLite reads it from there and the next
  // checkpoint rewrites it (the quick_check after opening still runs).
  struct stat wal;
  const bool has_wal =
      stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
  int page_size = header[16] << 8 | header[17];
  if (page_size == 1) page_size = 65536;
  if (!has_wal && page_size >= 512 && (page_size & (page_size - 1)) == 0 &&
      info.st_size % page_size != 0) {
    return absl::DataLossError(absl::StrCat(
        "slice store \"", path, "\" is corrupt (its size, ", info.st_size,
        " bytes, is not a multiple of its page size, ", page_size,
        "); the file was left unchanged"));
  }
  return absl::OkStatus();
}

// One line per schema object, "type name: sql", as sqlite_master has them.
// Statistics tables that ANALYZE or PRAGMA optimize (say from the sqlite3
// shell) add are not part of the format and are ignored.
constexpr char kSchemaQuery[] =
    "SELECT type || ' ' || name || ': ' || ifnull(sql, '') "
    "FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name";

// The schema objects of a store of format `version`, as kSchemaQuery lists
// them: SQLite keeps each CREATE statement's text, so a store made (or
// upgraded to) that version lists exactly what its schema text makes in an
// empty database. Built per open (an in-memory database: about a
// millisecond), so a failure here is reported, not remembered.
absl::StatusOr<std::vector<std::string>> ExpectedSchema(int version) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open(":memory:", &db);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owner(db, sqlite3_close);
  if (rc != SQLITE_OK ||
      sqlite3_exec(db, kSchemaV1, nullptr, nullptr, nullptr) != SQLITE_OK ||
      (version >= 2 &&
       sqlite3_exec(db, kSchemaV2, nullptr, nullptr, nullptr) != SQLITE_OK)) {
    return absl::InternalError(
        "slice store: cannot build the expected schema in memory");
  }
  return QueryColumn(db, kSchemaQuery);
}

// Names the first schema object of `schema` (kSchemaQuery's rows) that is
// missing, different or unexpected against `expected`; "" when equal.
std::string SchemaDifference(const std::vector<std::string>& schema,
                             const std::vector<std::string>& expected) {
  auto name_of = [](const std::string& row) {
    return row.substr(0, row.find(':'));
  };
  for (const std::string& want : expected) {
    if (std::find(schema.begin(), schema.end(), want) != schema.end()) {
      continue;
    }
    const bool present =
        std::find_if(schema.begin(), schema.end(), [&](const std::string& r) {
          return name_of(r) == name_of(want);
        }) != schema.end();
    return absl::StrCat(name_of(want), present ? " differs from a slice "
                                                 "store's"
                                               : " is missing");
  }
  for (const std::string& row : schema) {
    if (std::find(expected.begin(), expected.end(), row) == expected.end()) {
      return absl::StrCat("unexpected ", name_of(row));
    }
  }
  return "";
}

// Validates the schema of an opened database. Sets `*version` to its format
// version (1 or 2), or to 0 when it has no tables at all (a new store).
absl::Status CheckSchema(sqlite3* db, const std::string& path, int* version) {
  absl::StatusOr<std::vector<std::string>> tables = QueryColumn(
      db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  if (!tables.ok()) {
    if (absl::IsDataLoss(tables.status())) {
      return absl::DataLossError(absl::StrCat(
          "slice store \"", path, "\" is corrupt or not a database (",
          tables.status().message(), "); the file was left unchanged"));
    }
    return tables.status();
  }
  *version = 0;
  if (tables->empty()) return absl::OkStatus();
  bool has_meta = false;
  for (const std::string& t : *tables) has_meta |= t == "slicekit_meta";
  if (!has_meta) {
    return NotAStore(path, absl::StrCat("it has other tables (",
                                        absl::StrJoin(*tables, ", "),
                                        ") and no slicekit_meta table"));
  }
  SLICEKIT_ASSIGN_OR_RETURN(
      std::vector<std::string> format,
      QueryColumn(db, "SELECT value FROM slicekit_meta WHERE key = 'format'"));
  SLICEKIT_ASSIGN_OR_RETURN(
      std::vector<std::string> versions,
      QueryColumn(db, "SELECT value FROM slicekit_meta WHERE key = 'version'"));
  if (format.size() != 1 || format[0] != kFormatName) {
    return NotAStore(
        path, absl::StrCat("its format is \"", format.empty() ? "" : format[0],
                           "\", not \"", kFormatName, "\""));
  }
  const std::string found = versions.size() == 1 ? versions[0] : "(none)";
  if (found == "1" || found == absl::StrCat(kFormatVersion)) {
    *version = found == "1" ? 1 : kFormatVersion;
  } else {
    int newer = 0;
    const bool is_newer = absl::SimpleAtoi(found, &newer) &&
                          newer > kFormatVersion &&
                          absl::StrCat(newer) == found;
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store \"", path, "\" has format version ", found,
        is_newer ? ", newer than this slicekit, which" : "; this slicekit",
        " reads versions 1 (upgrading it) to ", kFormatVersion,
        "; the file was left unchanged"));
  }
  // The right metadata over other tables, or over a schema whose text was
  // damaged (a flipped bit can rename a column and still parse), would fail
  // operations later with "no such table/column"; say so now.
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<std::string> schema,
                            QueryColumn(db, kSchemaQuery));
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<std::string> expected,
                            ExpectedSchema(*version));
  if (const std::string problem = SchemaDifference(schema, expected);
      !problem.empty()) {
    return absl::DataLossError(absl::StrCat("slice store \"", path,
                                            "\" is corrupt (", problem,
                                            "); the file was left unchanged"));
  }
  absl::StatusOr<std::vector<std::string>> quick_check =
      QueryColumn(db, "PRAGMA quick_check");
  if (!quick_check.ok()) {
    if (!absl::IsDataLoss(quick_check.status())) return quick_check.status();
    return absl::DataLossError(absl::StrCat(
        "slice store \"", path, "\" is corrupt (",
        quick_check.status().message(), "); the file was left unchanged"));
  }
  const std::vector<std::string>& check = *quick_check;
  SLICEKIT_RETURN_IF_ERROR(IoErrorInCheck(check, "checking the file"));
  if (check.size() != 1 || check[0] != "ok") {
    return absl::DataLossError(
        absl::StrCat("slice store \"", path, "\" is corrupt (",
                     check.empty() ? "no result" : check[0],
                     "); the file was left unchanged"));
  }
  return absl::OkStatus();
}

// Runs `sql` (several statements) inside the caller's transaction.
absl::Status ExecScript(sqlite3* db, const char* sql, absl::string_view what) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  sqlite3_free(error);
  SqliteTxn probe(db);
  return probe.Check(rc, what);
}

// Brings the store to the current format in one transaction: creates the
// schema of an empty file, or upgrades a format-1 store, unless another
// process did it first. On any error nothing changes.
absl::Status Prepare(sqlite3* db, const std::string& path) {
  SLICEKIT_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  int version = 0;
  absl::Status status = CheckSchema(db, path, &version);
  if (status.ok() && version == 0) {
    status = ExecScript(db, kSchemaV1, "creating the schema");
    if (status.ok()) status = ExecScript(db, kSchemaV2, "creating the schema");
    if (status.ok()) {
      status =
          Exec(db, absl::StrCat("INSERT INTO slicekit_meta (key, value) VALUES "
                                "('format', '",
                                kFormatName, "'), ('version', '",
                                kFormatVersion, "')"));
    }
  } else if (status.ok() && version == 1) {
    status = ExecScript(db, kSchemaV2, "upgrading the store to format 2");
    if (status.ok()) {
      status =
          ExecScript(db, kMigrateV1ToV2, "upgrading the store to format 2");
    }
  }
  if (status.ok()) status = Exec(db, "COMMIT");
  if (!status.ok() && !sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return status;
}

}  // namespace

int64_t SqliteBusyRetries() {
  return busy_retries.load(std::memory_order_relaxed);
}

int64_t SqliteBusyWaits() { return busy_waits.load(std::memory_order_relaxed); }

}  // namespace internal

absl::StatusOr<std::unique_ptr<SliceStore>> SliceStore::OpenSqlite(
    const std::string& path) {
  using internal::Exec;
  using internal::QueryColumn;
  SLICEKIT_RETURN_IF_ERROR(internal::CheckFileHeader(path));
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
      nullptr);
  // Owns `db` until the store does.
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owner(db, sqlite3_close_v2);
  if (rc != SQLITE_OK) {
    return internal::SqliteError(db, rc,
                                 absl::StrCat("opening \"", path, "\""));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_handler(db, internal::CountingBusyHandler, nullptr);

  // Validate read-only first, so a foreign, newer or corrupt file is not
  // touched. One read transaction, so the check sees one state of the file:
  // statement by statement it could read the tables after another opener's
  // upgrade committed but the format version from before it.
  int version = 0;
  SLICEKIT_RETURN_IF_ERROR(internal::WithPath(Exec(db, "BEGIN"), path));
  absl::Status checked = internal::CheckSchema(db, path, &version);
  if (checked.ok()) checked = Exec(db, "COMMIT");
  if (!sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  SLICEKIT_RETURN_IF_ERROR(internal::WithPath(checked, path));
  if (version != internal::kFormatVersion) {
    SLICEKIT_RETURN_IF_ERROR(
        internal::WithPath(internal::Prepare(db, path), path));
  }

  absl::StatusOr<std::vector<std::string>> journal_mode =
      QueryColumn(db, "PRAGMA journal_mode = WAL");
  if (!journal_mode.ok()) {
    return internal::WithPath(journal_mode.status(), path);
  }
  const std::vector<std::string>& mode = *journal_mode;
  if (mode.size() != 1 || mode[0] != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store \"", path, "\" cannot use WAL mode (journal mode is ",
        mode.empty() ? "unknown" : mode[0], ")"));
  }
  SLICEKIT_RETURN_IF_ERROR(
      internal::WithPath(Exec(db, "PRAGMA synchronous = FULL"), path));
  return std::unique_ptr<SliceStore>(new SliceStore(
      std::make_unique<internal::SqliteBackend>(owner.release(), path)));
}

}  // namespace slicekit
