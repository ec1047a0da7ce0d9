// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The SQLite backend of SliceStore (src/store/slice_store_backend.h); the
// file format is in slice_store_sqlite_format.h.
//
// Durability: WAL journal with synchronous=FULL, so every commit is synced
// before the call returns; a killed process (or a power loss) keeps every
// committed operation and none of an uncommitted one. Concurrency: every
// operation is one transaction; writes take the write lock up front
// (BEGIN IMMEDIATE), so the limit and name checks and the insert that
// follows them cannot interleave with another writer in any process.
//
// Damage: SQLite keeps no checksum of its pages, and `PRAGMA quick_check`
// at open checks the b-trees' structure but not what their cells say. So
// every row a transaction reads is checked against its own checksum, and
// every set of rows it answers from (an org's slices, deleted slices and
// alert rules; a slice's versions and snapshots) against the record that
// counts and sums them (slicekit_orgs, slice_heads), whichever index found
// them: a row that a damaged index leaves out, adds or sends to another
// org, or whose bytes changed, is DataLoss naming the file before the
// transaction answers or writes. Writes address rows by their rowid (or
// primary key), never through a secondary index. The limit and name checks
// therefore run over checked rows only; the UNIQUE index on (org,
// name_key) stays a backstop, and a conflict from it (an index that
// disagrees with the checked rows) is DataLoss too.
//
// A store opened read-only (SqliteStoreOptions::read_only) takes no write
// lock and writes nothing, not even the schema; see OpenConnection().
#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/slice_store.h"
#include "src/store/row_checksum.h"
#include "src/store/slice_store_backend.h"
#include "src/store/slice_store_internal.h"
#include "src/store/slice_store_sqlite_format.h"
#include "src/store/sqlite_util.h"
#include "src/store/stored_rows.h"
#include "src/util/status_macros.h"
#include "src/util/utf8_text.h"

namespace slicekit {
namespace internal {
namespace {

// DataLoss for damage the checks found ("slice store: WHAT (the file is
// damaged)"); the backend names the file.
absl::Status Damaged(absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("slice store: ", what, " (the file is damaged)"));
}

// DataLoss unless the set of rows a read found is the one its record
// (nullopt: none) keeps.
absl::Status CheckRowSet(const RowSet& found, const std::optional<RowSet>& kept,
                         absl::string_view what) {
  const RowSet expected = kept.value_or(RowSet{});
  if (found == expected) return absl::OkStatus();
  if (found.count != expected.count) {
    return Damaged(absl::StrCat(what, ": ", found.count, " found where its ",
                                "record counts ", expected.count));
  }
  return Damaged(
      absl::StrCat(what, ": the rows found are not those its record sums"));
}

// One transaction of the SQLite backend. `checked`: the store has format
// version 3, whose rows and records every read checks; false only for a
// store of format 2 opened read-only, read as format 2 always was.
class SqliteTxn final : public SliceTxn {
 public:
  SqliteTxn(sqlite3* db, bool checked) : db_(db), checked_(checked) {}

  // Whether a statement failed because the database was locked; the whole
  // transaction is then retried.
  bool saw_busy() const { return saw_busy_; }

  absl::StatusOr<std::vector<StoredSlice>> LoadOrg(
      absl::string_view org) override;
  absl::StatusOr<bool> IdUsed(absl::string_view id) override;
  absl::Status Insert(const StoredSlice& s) override;
  absl::Status Replace(const StoredSlice& s) override;
  absl::Status Erase(absl::string_view org, absl::string_view id) override;

  absl::Status AddVersion(const SliceVersion& v) override;
  absl::StatusOr<std::vector<SliceVersion>> LoadHistory(
      absl::string_view org, absl::string_view id) override;
  absl::StatusOr<std::vector<SliceVersion>> LoadDeleted(
      absl::string_view org) override;
  absl::StatusOr<int64_t> EraseHistory(absl::string_view org,
                                       absl::string_view id) override;

  absl::StatusOr<int64_t> InsertSnapshot(const SnapshotInfo& info,
                                         const std::string& members) override;
  absl::StatusOr<std::vector<SnapshotInfo>> LoadSnapshots(
      absl::string_view org, absl::string_view slice_id) override;
  absl::StatusOr<std::optional<std::pair<SnapshotInfo, std::string>>>
  LoadSnapshot(absl::string_view org, int64_t snapshot_id) override;

  absl::Status PutAlertRules(absl::string_view org, absl::string_view id,
                             absl::string_view rules) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadAlertRules(absl::string_view org) override;

  // The records of every org and slice, for CheckIntegrity().
  absl::StatusOr<std::vector<OrgRow>> AllOrgRecords();
  absl::StatusOr<std::vector<HeadRow>> AllHeads();

  // OK for SQLITE_OK/ROW/DONE; otherwise an error (and notes SQLITE_BUSY).
  absl::Status Check(int rc, absl::string_view what) {
    return CheckRc(db_, rc, what, &saw_busy_);
  }

 private:
  // A row and its checksum (0 when unchecked).
  template <typename Row>
  struct Checked {
    Row row;
    uint64_t crc = 0;
  };

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

  // "SELECT <Row's columns>, <crc> FROM `from_where`": the stored checksum
  // last (NULL for a store read unchecked), then `extra` columns.
  template <typename Row>
  std::string Select(absl::string_view from_where,
                     absl::string_view extra = "") const {
    return absl::StrCat("SELECT ", Row::kColumns, checked_ ? ", crc" : ", NULL",
                        extra, " FROM ", from_where);
  }

  // Reads the rows `stmt` (bound, from Select<Row>()) returns; in a checked
  // store, each must match its checksum. `what` names a row.
  template <typename Row>
  absl::StatusOr<std::vector<Checked<Row>>> ReadRows(
      Stmt& stmt, absl::FunctionRef<std::string(const Row&)> what,
      absl::string_view reading);
  // DataLoss unless the text of the first `columns` columns of the current
  // row (named `row` in the message) is UTF-8.
  absl::Status CheckText(const Stmt& stmt, int columns,
                         absl::string_view row) const;

  // The record of `org` / slice `id` (nullopt when it has none), checked.
  absl::StatusOr<std::optional<OrgRow>> ReadOrg(absl::string_view org);
  absl::StatusOr<std::optional<HeadRow>> ReadHead(absl::string_view id);
  absl::Status WriteOrg(const OrgRow& row);
  absl::Status WriteHead(const HeadRow& row);

  // Org `org`'s record, or a new empty one.
  absl::StatusOr<OrgRow> OrgRecord(absl::string_view org) {
    SLICEKIT_ASSIGN_OR_RETURN(std::optional<OrgRow> record, ReadOrg(org));
    if (record.has_value()) return *std::move(record);
    OrgRow row;
    row.org = std::string(org);
    return row;
  }

  // The kept rows of a slice, checked against its head.
  absl::StatusOr<std::vector<Checked<VersionRow>>> VersionRows(
      absl::string_view org, absl::string_view id);
  absl::StatusOr<std::vector<Checked<SnapshotRow>>> SnapshotRows(
      absl::string_view org, absl::string_view id);
  absl::StatusOr<std::vector<Checked<AlertRow>>> AlertRows(
      absl::string_view org);

  // Sets the checksum of the row with rowid `seq` of `table`, written
  // just now with a placeholder (the checksum covers the rowid).
  absl::Status SetChecksum(absl::string_view table, int64_t seq, uint64_t crc);
  // Removes the rows of `table` that `where` (?1 org, ?2 slice id) selects,
  // clearing their checksums first (the triggers of format 3 refuse deletes
  // that do not); DataLoss unless they are `expected` rows.
  absl::Status DeleteRows(absl::string_view table, absl::string_view where,
                          absl::string_view org, absl::string_view id,
                          size_t expected);

  absl::Status NeedsChecks() const {
    if (checked_) return absl::OkStatus();
    return absl::InternalError(
        "slice store: a change to a store of format version 2");
  }

  sqlite3* db_;
  const bool checked_;
  bool saw_busy_ = false;
  // The checksums of the slices rows this transaction read (checked) or
  // wrote, by seq, and their seq by id: a change replaces a row it read.
  std::vector<std::pair<int64_t, uint64_t>> slice_crcs_;
  std::vector<std::pair<std::string, int64_t>> slice_seqs_;

  std::optional<uint64_t> SliceCrc(int64_t seq) const {
    for (const auto& [s, crc] : slice_crcs_) {
      if (s == seq) return crc;
    }
    return std::nullopt;
  }
  std::optional<int64_t> SliceSeq(absl::string_view id) const {
    for (const auto& [i, seq] : slice_seqs_) {
      if (i == id) return seq;
    }
    return std::nullopt;
  }
  void NoteSlice(const std::string& id, int64_t seq, uint64_t crc) {
    slice_crcs_.emplace_back(seq, crc);
    slice_seqs_.emplace_back(id, seq);
  }
};

absl::Status SqliteTxn::CheckText(const Stmt& stmt, int columns,
                                  absl::string_view row) const {
  for (int c = 0; c < columns; ++c) {
    if (stmt.Type(c) != SQLITE_TEXT) continue;
    const size_t bad = FirstInvalidUtf8(stmt.Text(c));
    if (bad == absl::string_view::npos) continue;
    const char* path = sqlite3_db_filename(db_, "main");
    return absl::DataLossError(
        absl::StrCat("slice store \"", path == nullptr ? "" : path,
                     "\": ", EscapeForMessage(row), ": ", stmt.ColumnName(c),
                     " is not valid UTF-8 (byte ", bad + 1, ")"));
  }
  return absl::OkStatus();
}

template <typename Row>
absl::StatusOr<std::vector<SqliteTxn::Checked<Row>>> SqliteTxn::ReadRows(
    Stmt& stmt, absl::FunctionRef<std::string(const Row&)> what,
    absl::string_view reading) {
  std::vector<Checked<Row>> rows;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    Checked<Row> r;
    if (!r.row.Read(stmt)) {
      return Damaged(absl::StrCat(reading, ": a row is malformed"));
    }
    // The store writes only UTF-8 and its callers rely on it (JSON output,
    // Python decoding): other text is damage, or bytes an older slicekit
    // let in (an upgrade checksums what it finds), and is refused here,
    // naming the file, the row and the column, in words that stay UTF-8.
    SLICEKIT_RETURN_IF_ERROR(CheckText(stmt, Row::kCount, what(r.row)));
    if (checked_) {
      r.crc = r.row.Checksum();
      if (stmt.Type(Row::kCount) != SQLITE_INTEGER) {
        return Damaged(absl::StrCat(what(r.row), " has no checksum"));
      }
      if (FromStored(stmt.Int(Row::kCount)) != r.crc) {
        return Damaged(
            absl::StrCat(what(r.row), " does not match its checksum"));
      }
    }
    rows.push_back(std::move(r));
  }
  SLICEKIT_RETURN_IF_ERROR(Check(rc, reading));
  return rows;
}

absl::StatusOr<std::optional<OrgRow>> SqliteTxn::ReadOrg(
    absl::string_view org) {
  Stmt stmt(db_, Select<OrgRow>("slicekit_orgs WHERE org = ?1"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading an org"));
  stmt.Bind(1, org);
  SLICEKIT_ASSIGN_OR_RETURN(
      auto rows, ReadRows<OrgRow>(
                     stmt,
                     [](const OrgRow& r) {
                       return absl::StrCat("the record of org \"", r.org, "\"");
                     },
                     "reading an org"));
  if (rows.empty()) return std::nullopt;
  if (rows.size() != 1 || rows[0].row.org != org) {
    return Damaged(absl::StrCat("the record of org \"", org, "\" is not one"));
  }
  return rows[0].row;
}

absl::StatusOr<std::optional<HeadRow>> SqliteTxn::ReadHead(
    absl::string_view id) {
  Stmt stmt(db_, Select<HeadRow>("slice_heads WHERE slice_id = ?1"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading history"));
  stmt.Bind(1, id);
  SLICEKIT_ASSIGN_OR_RETURN(
      auto rows, ReadRows<HeadRow>(
                     stmt,
                     [](const HeadRow& r) {
                       return absl::StrCat("the record of slice ", r.slice_id);
                     },
                     "reading history"));
  if (rows.empty()) return std::nullopt;
  if (rows.size() != 1 || rows[0].row.slice_id != id) {
    return Damaged(absl::StrCat("the record of slice ", id, " is not one"));
  }
  return rows[0].row;
}

absl::Status SqliteTxn::WriteOrg(const OrgRow& row) {
  Stmt stmt(db_, absl::StrCat(
                     "INSERT OR REPLACE INTO slicekit_orgs (", OrgRow::kColumns,
                     ", crc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "recording an org"));
  stmt.Bind(1, row.org);
  int i = 2;
  for (const RowSet* set : {&row.slices, &row.deleted, &row.alert_rules}) {
    stmt.Bind(i++, set->count);
    stmt.Bind(i++, ToStored(set->sum));
  }
  stmt.Bind(8, ToStored(row.Checksum()));
  return Check(stmt.Step(), "recording an org");
}

absl::Status SqliteTxn::WriteHead(const HeadRow& row) {
  Stmt stmt(db_, absl::StrCat("INSERT OR REPLACE INTO slice_heads (",
                              HeadRow::kColumns,
                              ", crc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "recording history"));
  stmt.Bind(1, row.slice_id);
  stmt.Bind(2, row.org);
  stmt.Bind(3, row.versions.count);
  stmt.Bind(4, ToStored(row.versions.sum));
  stmt.Bind(5, row.snapshots.count);
  stmt.Bind(6, ToStored(row.snapshots.sum));
  stmt.Bind(7, ToStored(row.Checksum()));
  return Check(stmt.Step(), "recording history");
}

absl::Status SqliteTxn::SetChecksum(absl::string_view table, int64_t seq,
                                    uint64_t crc) {
  Stmt stmt(db_,
            absl::StrCat("UPDATE ", table, " SET crc = ?1 WHERE seq = ?2"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "writing a checksum"));
  stmt.Bind(1, ToStored(crc));
  stmt.Bind(2, seq);
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.Step(), "writing a checksum"));
  if (sqlite3_changes(db_) != 1) {
    return Damaged(absl::StrCat("row ", seq, " of ", table,
                                " is missing right after its insert"));
  }
  return absl::OkStatus();
}

absl::Status SqliteTxn::DeleteRows(absl::string_view table,
                                   absl::string_view where,
                                   absl::string_view org, absl::string_view id,
                                   size_t expected) {
  const std::string what = absl::StrCat("removing rows of ", table);
  SLICEKIT_RETURN_IF_ERROR(
      Run(absl::StrCat("UPDATE ", table, " SET crc = NULL WHERE ", where),
          {org, id}, what));
  SLICEKIT_RETURN_IF_ERROR(Run(
      absl::StrCat("DELETE FROM ", table, " WHERE ", where), {org, id}, what));
  if (static_cast<size_t>(sqlite3_changes(db_)) != expected) {
    return Damaged(absl::StrCat(table, ": ", sqlite3_changes(db_),
                                " rows removed where ", expected,
                                " were read"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredSlice>> SqliteTxn::LoadOrg(
    absl::string_view org) {
  std::optional<OrgRow> record;
  if (checked_) {
    SLICEKIT_ASSIGN_OR_RETURN(record, ReadOrg(org));
  }
  Stmt stmt(db_, Select<SliceRow>("slices WHERE org = ?1 ORDER BY seq"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading slices"));
  stmt.Bind(1, org);
  SLICEKIT_ASSIGN_OR_RETURN(
      auto rows,
      ReadRows<SliceRow>(
          stmt, [](const SliceRow& r) { return absl::StrCat("slice ", r.id); },
          "reading slices"));
  std::vector<StoredSlice> slices;
  RowSet found;
  int64_t last_seq = std::numeric_limits<int64_t>::min();
  for (auto& [row, crc] : rows) {
    if (checked_) {
      // The index may hand back rows of another org, or one row twice.
      if (row.org != org || row.seq <= last_seq) {
        return Damaged(absl::StrCat("an index of slices finds slice ", row.id,
                                    " for org \"", org, "\""));
      }
      found.Add(crc);
      NoteSlice(row.id, row.seq, crc);
    }
    last_seq = row.seq;
    StoredSlice s;
    s.seq = row.seq;
    s.slice.id = std::move(row.id);
    s.slice.org = std::string(org);
    s.slice.name = std::move(row.name);
    s.name_key = std::move(row.name_key);
    s.slice.description = std::move(row.description);
    SLICEKIT_RETURN_IF_ERROR(ParseRecord(absl::StrCat("slice ", s.slice.id),
                                         row.filter_json, row.order_by_json,
                                         &s.slice.filter, &s.slice.order_by));
    s.slice.created_at = absl::FromUnixMicros(row.created_at_us);
    s.slice.updated_at = absl::FromUnixMicros(row.updated_at_us);
    s.slice.version = row.version;
    slices.push_back(std::move(s));
  }
  if (checked_) {
    SLICEKIT_RETURN_IF_ERROR(
        CheckRowSet(found,
                    record.has_value() ? std::optional<RowSet>(record->slices)
                                       : std::nullopt,
                    absl::StrCat("the slices of org \"", org, "\"")));
  }
  return slices;
}

absl::StatusOr<bool> SqliteTxn::IdUsed(absl::string_view id) {
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

absl::Status SqliteTxn::Insert(const StoredSlice& s) {
  SLICEKIT_RETURN_IF_ERROR(NeedsChecks());
  SliceRow row = RowOf(s);
  Stmt stmt(db_,
            "INSERT INTO slices (id, org, name, name_key, description, "
            "filter_text, filter_json, order_by_json, created_at_us, "
            "updated_at_us, version, crc) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0)");
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "inserting a slice"));
  int i = 0;
  for (const std::string* text :
       {&row.id, &row.org, &row.name, &row.name_key, &row.description,
        &row.filter_text, &row.filter_json, &row.order_by_json}) {
    stmt.Bind(++i, *text);
  }
  stmt.Bind(9, row.created_at_us);
  stmt.Bind(10, row.updated_at_us);
  stmt.Bind(11, row.version);
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.Step(), "inserting a slice"));
  row.seq = sqlite3_last_insert_rowid(db_);
  const uint64_t crc = row.Checksum();
  SLICEKIT_RETURN_IF_ERROR(SetChecksum("slices", row.seq, crc));
  NoteSlice(row.id, row.seq, crc);
  SLICEKIT_ASSIGN_OR_RETURN(OrgRow record, OrgRecord(row.org));
  record.slices.Add(crc);
  return WriteOrg(record);
}

absl::Status SqliteTxn::Replace(const StoredSlice& s) {
  SLICEKIT_RETURN_IF_ERROR(NeedsChecks());
  const std::optional<uint64_t> old = SliceCrc(s.seq);
  if (!old.has_value()) {
    return absl::InternalError(absl::StrCat("slice store: changing slice ",
                                            s.slice.id, ", not read before"));
  }
  const SliceRow row = RowOf(s);
  const uint64_t crc = row.Checksum();
  Stmt stmt(db_,
            "UPDATE slices SET name = ?4, name_key = ?5, description = ?6, "
            "filter_text = ?7, filter_json = ?8, order_by_json = ?9, "
            "updated_at_us = ?10, version = ?11, crc = ?12 "
            "WHERE seq = ?1 AND id = ?2 AND org = ?3");
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "updating a slice"));
  stmt.Bind(1, row.seq);
  int i = 1;
  for (const std::string* text :
       {&row.id, &row.org, &row.name, &row.name_key, &row.description,
        &row.filter_text, &row.filter_json, &row.order_by_json}) {
    stmt.Bind(++i, *text);
  }
  stmt.Bind(10, row.updated_at_us);
  stmt.Bind(11, row.version);
  stmt.Bind(12, ToStored(crc));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.Step(), "updating a slice"));
  if (sqlite3_changes(db_) != 1) {
    return Damaged(
        absl::StrCat("slice ", row.id, ", just read, is missing from slices"));
  }
  NoteSlice(row.id, row.seq, crc);
  SLICEKIT_ASSIGN_OR_RETURN(OrgRow record, OrgRecord(row.org));
  record.slices.Remove(*old);
  record.slices.Add(crc);
  return WriteOrg(record);
}

absl::Status SqliteTxn::Erase(absl::string_view org, absl::string_view id) {
  SLICEKIT_RETURN_IF_ERROR(NeedsChecks());
  const std::optional<int64_t> seq = SliceSeq(id);
  const std::optional<uint64_t> old =
      seq.has_value() ? SliceCrc(*seq) : std::nullopt;
  if (!old.has_value()) {
    return absl::InternalError(
        absl::StrCat("slice store: deleting slice ", id, ", not read before"));
  }
  SLICEKIT_RETURN_IF_ERROR(PutAlertRules(org, id, ""));
  Stmt stmt(db_, "DELETE FROM slices WHERE seq = ?1 AND id = ?2 AND org = ?3");
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "deleting a slice"));
  stmt.Bind(1, *seq);
  stmt.Bind(2, id);
  stmt.Bind(3, org);
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.Step(), "deleting a slice"));
  if (sqlite3_changes(db_) != 1) {
    return Damaged(
        absl::StrCat("slice ", id, ", just read, is missing from slices"));
  }
  SLICEKIT_ASSIGN_OR_RETURN(OrgRow record, OrgRecord(org));
  record.slices.Remove(*old);
  SLICEKIT_RETURN_IF_ERROR(WriteOrg(record));
  return Run("INSERT OR IGNORE INTO retired_ids (id) VALUES (?1)", {id},
             "retiring an id");
}

absl::Status SqliteTxn::AddVersion(const SliceVersion& v) {
  SLICEKIT_RETURN_IF_ERROR(NeedsChecks());
  const VersionRow row = RowOf(v);
  const uint64_t crc = row.Checksum();
  Stmt stmt(db_,
            "INSERT INTO slice_versions (slice_id, version, org, change, "
            "name, description, filter_text, filter_json, order_by_json, "
            "actor, changed_at_us, restored_from, crc) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "recording a version"));
  stmt.Bind(1, row.slice_id);
  stmt.Bind(2, row.version);
  int i = 2;
  for (const std::string* text :
       {&row.org, &row.change, &row.name, &row.description, &row.filter_text,
        &row.filter_json, &row.order_by_json, &row.actor}) {
    stmt.Bind(++i, *text);
  }
  stmt.Bind(11, row.changed_at_us);
  if (row.restored_from.has_value()) {
    stmt.Bind(12, *row.restored_from);
  } else {
    stmt.BindNull(12);
  }
  stmt.Bind(13, ToStored(crc));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.Step(), "recording a version"));
  // Found again by its key, as the history's reads (and the triggers that
  // guard the slices table) will look for it: a damaged b-tree page can
  // send an insert where no search finds it.
  Stmt found(db_,
             "SELECT crc FROM slice_versions WHERE slice_id = ?1 AND "
             "version = ?2");
  SLICEKIT_RETURN_IF_ERROR(Check(found.prepare_rc(), "recording a version"));
  found.Bind(1, row.slice_id);
  found.Bind(2, row.version);
  const int rc = found.Step();
  SLICEKIT_RETURN_IF_ERROR(Check(rc, "recording a version"));
  if (rc != SQLITE_ROW || found.Type(0) != SQLITE_INTEGER ||
      FromStored(found.Int(0)) != crc) {
    return Damaged(absl::StrCat("version ", row.version, " of slice ",
                                row.slice_id, " is not found where written"));
  }
  SLICEKIT_ASSIGN_OR_RETURN(std::optional<HeadRow> head, ReadHead(v.slice_id));
  if (!head.has_value()) {
    if (v.change != SliceChange::kCreated || v.version != 1) {
      return Damaged(
          absl::StrCat("slice ", v.slice_id, " has no record of its history"));
    }
    head.emplace();
    head->slice_id = v.slice_id;
    head->org = v.org;
  } else if (head->org != v.org) {
    return Damaged(
        absl::StrCat("the record of slice ", v.slice_id, " names another org"));
  }
  head->versions.Add(crc);
  SLICEKIT_RETURN_IF_ERROR(WriteHead(*head));
  if (v.change != SliceChange::kDeleted) return absl::OkStatus();
  SLICEKIT_ASSIGN_OR_RETURN(OrgRow record, OrgRecord(v.org));
  record.deleted.Add(crc);
  return WriteOrg(record);
}

absl::StatusOr<std::vector<SqliteTxn::Checked<VersionRow>>>
SqliteTxn::VersionRows(absl::string_view org, absl::string_view id) {
  std::optional<HeadRow> head;
  if (checked_) {
    SLICEKIT_ASSIGN_OR_RETURN(head, ReadHead(id));
  }
  Stmt stmt(db_, Select<VersionRow>("slice_versions WHERE slice_id = ?1 AND "
                                    "org = ?2 ORDER BY version"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading history"));
  stmt.Bind(1, id);
  stmt.Bind(2, org);
  SLICEKIT_ASSIGN_OR_RETURN(auto rows, ReadRows<VersionRow>(
                                           stmt,
                                           [](const VersionRow& r) {
                                             return absl::StrCat(
                                                 "version ", r.version,
                                                 " of slice ", r.slice_id);
                                           },
                                           "reading history"));
  if (!checked_) return rows;
  RowSet found;
  for (const auto& [row, crc] : rows) {
    if (row.slice_id != id || row.org != org) {
      return Damaged(absl::StrCat("an index of slice_versions finds ",
                                  "a version of slice ", row.slice_id,
                                  " for slice ", id));
    }
    found.Add(crc);
  }
  // A head of another org: the slice is not this org's, and has no rows
  // here.
  SLICEKIT_RETURN_IF_ERROR(
      CheckRowSet(found,
                  head.has_value() && head->org == org
                      ? std::optional<RowSet>(head->versions)
                      : std::nullopt,
                  absl::StrCat("the history of slice ", id)));
  return rows;
}

absl::StatusOr<std::vector<SliceVersion>> SqliteTxn::LoadHistory(
    absl::string_view org, absl::string_view id) {
  SLICEKIT_ASSIGN_OR_RETURN(const auto rows, VersionRows(org, id));
  std::vector<SliceVersion> versions;
  for (const auto& r : rows) {
    SLICEKIT_ASSIGN_OR_RETURN(SliceVersion v, VersionOf(r.row));
    versions.push_back(std::move(v));
  }
  return versions;
}

absl::StatusOr<std::vector<SliceVersion>> SqliteTxn::LoadDeleted(
    absl::string_view org) {
  std::optional<OrgRow> record;
  if (checked_) {
    SLICEKIT_ASSIGN_OR_RETURN(record, ReadOrg(org));
  }
  Stmt stmt(db_, Select<VersionRow>("slice_versions WHERE org = ?1 AND "
                                    "change = 'deleted'"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading history"));
  stmt.Bind(1, org);
  SLICEKIT_ASSIGN_OR_RETURN(const auto rows,
                            ReadRows<VersionRow>(
                                stmt,
                                [](const VersionRow& r) {
                                  return absl::StrCat("version ", r.version,
                                                      " of slice ", r.slice_id);
                                },
                                "reading history"));
  RowSet found;
  std::vector<SliceVersion> versions;
  for (const auto& [row, crc] : rows) {
    if (checked_ && (row.org != org || row.change != "deleted")) {
      return Damaged(absl::StrCat("an index of slice_versions finds version ",
                                  row.version, " of slice ", row.slice_id,
                                  " among org \"", org, "\"'s deleted ones"));
    }
    found.Add(crc);
    SLICEKIT_ASSIGN_OR_RETURN(SliceVersion v, VersionOf(row));
    versions.push_back(std::move(v));
  }
  if (checked_) {
    SLICEKIT_RETURN_IF_ERROR(
        CheckRowSet(found,
                    record.has_value() ? std::optional<RowSet>(record->deleted)
                                       : std::nullopt,
                    absl::StrCat("the deleted slices of org \"", org, "\"")));
  }
  return versions;
}

absl::StatusOr<int64_t> SqliteTxn::EraseHistory(absl::string_view org,
                                                absl::string_view id) {
  SLICEKIT_RETURN_IF_ERROR(NeedsChecks());
  SLICEKIT_ASSIGN_OR_RETURN(const auto versions, VersionRows(org, id));
  SLICEKIT_ASSIGN_OR_RETURN(const auto snapshots, SnapshotRows(org, id));
  if (versions.empty() && snapshots.empty()) return 0;
  SLICEKIT_ASSIGN_OR_RETURN(OrgRow record, OrgRecord(org));
  for (const auto& [row, crc] : versions) {
    if (row.change == "deleted") record.deleted.Remove(crc);
  }
  SLICEKIT_RETURN_IF_ERROR(DeleteRows("slice_versions",
                                      "org = ?1 AND slice_id = ?2", org, id,
                                      versions.size()));
  SLICEKIT_RETURN_IF_ERROR(DeleteRows("snapshots", "org = ?1 AND slice_id = ?2",
                                      org, id, snapshots.size()));
  SLICEKIT_RETURN_IF_ERROR(Run("DELETE FROM slice_heads WHERE slice_id = ?1",
                               {id}, "purging history"));
  SLICEKIT_RETURN_IF_ERROR(WriteOrg(record));
  return static_cast<int64_t>(versions.size() + snapshots.size());
}

absl::StatusOr<int64_t> SqliteTxn::InsertSnapshot(const SnapshotInfo& info,
                                                  const std::string& members) {
  SLICEKIT_RETURN_IF_ERROR(NeedsChecks());
  SnapshotRow row;
  row.org = info.org;
  row.slice_id = info.slice_id;
  row.slice_version = info.slice_version;
  row.slice_name = info.slice_name;
  row.table_name = info.table_name;
  row.actor = info.actor;
  row.taken_at_us = absl::ToUnixMicros(info.taken_at);
  row.member_count = static_cast<int64_t>(info.summary.rows);
  row.summary_json = SummaryToJson(info.summary);
  row.members_bytes = static_cast<int64_t>(members.size());
  Stmt stmt(db_,
            "INSERT INTO snapshots (org, slice_id, slice_version, "
            "slice_name, table_name, actor, taken_at_us, member_count, "
            "summary_json, members, crc) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)");
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "saving a snapshot"));
  stmt.Bind(1, row.org);
  stmt.Bind(2, row.slice_id);
  stmt.Bind(3, row.slice_version);
  stmt.Bind(4, row.slice_name);
  stmt.Bind(5, row.table_name);
  stmt.Bind(6, row.actor);
  stmt.Bind(7, row.taken_at_us);
  stmt.Bind(8, row.member_count);
  stmt.Bind(9, row.summary_json);
  stmt.BindBlob(10, members);
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.Step(), "saving a snapshot"));
  row.seq = sqlite3_last_insert_rowid(db_);
  const uint64_t crc = row.Checksum();
  SLICEKIT_RETURN_IF_ERROR(SetChecksum("snapshots", row.seq, crc));
  SLICEKIT_ASSIGN_OR_RETURN(std::optional<HeadRow> head,
                            ReadHead(row.slice_id));
  if (!head.has_value() || head->org != row.org) {
    return Damaged(
        absl::StrCat("slice ", row.slice_id, " has no record of its history"));
  }
  head->snapshots.Add(crc);
  SLICEKIT_RETURN_IF_ERROR(WriteHead(*head));
  return row.seq;
}

absl::StatusOr<std::vector<SqliteTxn::Checked<SnapshotRow>>>
SqliteTxn::SnapshotRows(absl::string_view org, absl::string_view id) {
  std::optional<HeadRow> head;
  if (checked_) {
    SLICEKIT_ASSIGN_OR_RETURN(head, ReadHead(id));
  }
  Stmt stmt(db_, Select<SnapshotRow>("snapshots WHERE org = ?1 AND "
                                     "slice_id = ?2 ORDER BY seq"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading snapshots"));
  stmt.Bind(1, org);
  stmt.Bind(2, id);
  SLICEKIT_ASSIGN_OR_RETURN(
      auto rows,
      ReadRows<SnapshotRow>(
          stmt,
          [](const SnapshotRow& r) { return absl::StrCat("snapshot ", r.seq); },
          "reading snapshots"));
  if (!checked_) return rows;
  RowSet found;
  int64_t last_seq = std::numeric_limits<int64_t>::min();
  for (const auto& [row, crc] : rows) {
    if (row.slice_id != id || row.org != org || row.seq <= last_seq) {
      return Damaged(absl::StrCat("an index of snapshots finds snapshot ",
                                  row.seq, " for slice ", id));
    }
    last_seq = row.seq;
    found.Add(crc);
  }
  SLICEKIT_RETURN_IF_ERROR(
      CheckRowSet(found,
                  head.has_value() && head->org == org
                      ? std::optional<RowSet>(head->snapshots)
                      : std::nullopt,
                  absl::StrCat("the snapshots of slice ", id)));
  return rows;
}

absl::StatusOr<std::vector<SnapshotInfo>> SqliteTxn::LoadSnapshots(
    absl::string_view org, absl::string_view slice_id) {
  SLICEKIT_ASSIGN_OR_RETURN(const auto rows, SnapshotRows(org, slice_id));
  std::vector<SnapshotInfo> infos;
  for (const auto& r : rows) {
    SLICEKIT_ASSIGN_OR_RETURN(SnapshotInfo info, InfoOf(r.row));
    infos.push_back(std::move(info));
  }
  return infos;
}

absl::StatusOr<std::optional<std::pair<SnapshotInfo, std::string>>>
SqliteTxn::LoadSnapshot(absl::string_view org, int64_t snapshot_id) {
  // By its rowid alone: the org is compared once the row is checked, so a
  // damaged org is DataLoss rather than "no such snapshot".
  Stmt stmt(db_, Select<SnapshotRow>("snapshots WHERE seq = ?1", ", members"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading a snapshot"));
  stmt.Bind(1, snapshot_id);
  const int rc = stmt.Step();
  if (rc != SQLITE_ROW) {
    SLICEKIT_RETURN_IF_ERROR(Check(rc, "reading a snapshot"));
    return std::nullopt;
  }
  SnapshotRow row;
  if (!row.Read(stmt)) return Damaged("reading a snapshot: a row is malformed");
  std::string members = stmt.Blob(SnapshotRow::kCount + 1);
  if (checked_ &&
      (stmt.Type(SnapshotRow::kCount) != SQLITE_INTEGER ||
       FromStored(stmt.Int(SnapshotRow::kCount)) != row.Checksum() ||
       row.seq != snapshot_id ||
       static_cast<int64_t>(members.size()) != row.members_bytes)) {
    return Damaged(
        absl::StrCat("snapshot ", snapshot_id, " does not match its checksum"));
  }
  if (row.org != org) return std::nullopt;  // another org's
  SLICEKIT_ASSIGN_OR_RETURN(SnapshotInfo info, InfoOf(row));
  return std::make_pair(std::move(info), std::move(members));
}

absl::StatusOr<std::vector<SqliteTxn::Checked<AlertRow>>> SqliteTxn::AlertRows(
    absl::string_view org) {
  std::optional<OrgRow> record;
  if (checked_) {
    SLICEKIT_ASSIGN_OR_RETURN(record, ReadOrg(org));
  }
  Stmt stmt(db_, Select<AlertRow>("alert_rules WHERE org = ?1 ORDER BY "
                                  "slice_id"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading alert rules"));
  stmt.Bind(1, org);
  SLICEKIT_ASSIGN_OR_RETURN(auto rows, ReadRows<AlertRow>(
                                           stmt,
                                           [](const AlertRow& r) {
                                             return absl::StrCat(
                                                 "the alert rules of slice ",
                                                 r.slice_id);
                                           },
                                           "reading alert rules"));
  if (!checked_) return rows;
  RowSet found;
  for (const auto& [row, crc] : rows) {
    if (row.org != org) {
      return Damaged(absl::StrCat("the alert rules of slice ", row.slice_id,
                                  " are found for org \"", org, "\""));
    }
    found.Add(crc);
  }
  SLICEKIT_RETURN_IF_ERROR(CheckRowSet(
      found,
      record.has_value() ? std::optional<RowSet>(record->alert_rules)
                         : std::nullopt,
      absl::StrCat("the alert rules of org \"", org, "\"")));
  return rows;
}

absl::Status SqliteTxn::PutAlertRules(absl::string_view org,
                                      absl::string_view id,
                                      absl::string_view rules) {
  SLICEKIT_RETURN_IF_ERROR(NeedsChecks());
  SLICEKIT_ASSIGN_OR_RETURN(const auto rows, AlertRows(org));
  std::optional<uint64_t> old;
  for (const auto& [row, crc] : rows) {
    if (row.slice_id == id) old = crc;
  }
  if (!old.has_value() && rules.empty()) return absl::OkStatus();
  SLICEKIT_ASSIGN_OR_RETURN(OrgRow record, OrgRecord(org));
  if (old.has_value()) record.alert_rules.Remove(*old);
  if (rules.empty()) {
    SLICEKIT_RETURN_IF_ERROR(DeleteRows(
        "alert_rules", "org = ?1 AND slice_id = ?2", org, id, /*expected=*/1));
    return WriteOrg(record);
  }
  const AlertRow row{std::string(id), std::string(org), std::string(rules)};
  const uint64_t crc = row.Checksum();
  Stmt stmt(db_, old.has_value()
                     ? "UPDATE alert_rules SET rules = ?3, crc = ?4 "
                       "WHERE org = ?1 AND slice_id = ?2"
                     : "INSERT INTO alert_rules (org, slice_id, rules, crc) "
                       "VALUES (?1, ?2, ?3, ?4)");
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "saving alert rules"));
  stmt.Bind(1, org);
  stmt.Bind(2, id);
  stmt.Bind(3, rules);
  stmt.Bind(4, ToStored(crc));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.Step(), "saving alert rules"));
  if (sqlite3_changes(db_) != 1) {
    return Damaged(absl::StrCat("the alert rules of slice ", id,
                                ", just read, are missing"));
  }
  record.alert_rules.Add(crc);
  return WriteOrg(record);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
SqliteTxn::LoadAlertRules(absl::string_view org) {
  SLICEKIT_ASSIGN_OR_RETURN(const auto rows, AlertRows(org));
  std::vector<std::pair<std::string, std::string>> rules;
  for (const auto& [row, crc] : rows)
    rules.emplace_back(row.slice_id, row.rules);
  return rules;
}

absl::StatusOr<std::vector<OrgRow>> SqliteTxn::AllOrgRecords() {
  Stmt stmt(db_, Select<OrgRow>("slicekit_orgs ORDER BY org"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading orgs"));
  SLICEKIT_ASSIGN_OR_RETURN(
      auto rows, ReadRows<OrgRow>(
                     stmt,
                     [](const OrgRow& r) {
                       return absl::StrCat("the record of org \"", r.org, "\"");
                     },
                     "reading orgs"));
  std::vector<OrgRow> orgs;
  for (auto& r : rows) orgs.push_back(std::move(r.row));
  return orgs;
}

absl::StatusOr<std::vector<HeadRow>> SqliteTxn::AllHeads() {
  Stmt stmt(db_, Select<HeadRow>("slice_heads ORDER BY slice_id"));
  SLICEKIT_RETURN_IF_ERROR(Check(stmt.prepare_rc(), "reading history"));
  SLICEKIT_ASSIGN_OR_RETURN(
      auto rows, ReadRows<HeadRow>(
                     stmt,
                     [](const HeadRow& r) {
                       return absl::StrCat("the record of slice ", r.slice_id);
                     },
                     "reading history"));
  std::vector<HeadRow> heads;
  for (auto& r : rows) heads.push_back(std::move(r.row));
  return heads;
}

// What identifies the file at a path and its content: a reader that
// opened it immutable (see OpenConnection) compares these before and after
// each transaction to learn that a writer changed it meanwhile.
struct FileStamp {
  bool exists = false;
  ino_t inode = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool has_wal = false;
  bool operator==(const FileStamp&) const = default;
};

FileStamp StampOf(const std::string& path) {
  FileStamp stamp;
  struct stat info;
  if (stat(path.c_str(), &info) == 0) {
    stamp.exists = true;
    stamp.inode = info.st_ino;
    stamp.size = info.st_size;
    stamp.mtime_ns =
        int64_t{info.st_mtim.tv_sec} * 1000000000 + info.st_mtim.tv_nsec;
  }
  struct stat wal;
  stamp.has_wal = stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
  return stamp;
}

using DbHandle = std::unique_ptr<sqlite3, int (*)(sqlite3*)>;

// An open connection to a store file, validated.
struct Connection {
  DbHandle db{nullptr, sqlite3_close_v2};
  int version = 0;         // the store's format version
  bool immutable = false;  // opened with SQLite's immutable=1 (read-only)
  FileStamp stamp;         // of the file when opened immutable
};

// "file:PATH?PARAMS" with PATH percent-encoded, for sqlite3_open_v2 with
// SQLITE_OPEN_URI.
std::string FileUri(const std::string& path, absl::string_view params) {
  std::string uri = "file:";
  for (const char c : path) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
        (u >= '0' && u <= '9') || c == '/' || c == '.' || c == '_' ||
        c == '-' || c == '~') {
      uri.push_back(c);
    } else {
      absl::StrAppendFormat(&uri, "%%%02X", u);
    }
  }
  return absl::StrCat(uri, "?", params);
}

absl::StatusOr<DbHandle> OpenHandle(const std::string& path, bool read_only,
                                    bool immutable) {
  sqlite3* db = nullptr;
  const int rc =
      read_only
          ? sqlite3_open_v2(
                FileUri(path, immutable ? "mode=ro&immutable=1" : "mode=ro")
                    .c_str(),
                &db,
                SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX,
                nullptr)
          : sqlite3_open_v2(path.c_str(), &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                SQLITE_OPEN_FULLMUTEX,
                            nullptr);
  DbHandle owner(db, sqlite3_close_v2);
  if (rc != SQLITE_OK) {
    return WithPath(SqliteError(db, rc, absl::StrCat("opening \"", path, "\"")),
                    path);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_handler(db, CountingBusyHandler, nullptr);
  return owner;
}

// Validates the store read-only first, so a foreign, newer or corrupt file
// is not touched. One read transaction, so the check sees one state of the
// file: statement by statement it could read the tables after another
// opener's upgrade committed but the format version from before it.
absl::Status Validate(sqlite3* db, const std::string& path, int* version) {
  SLICEKIT_RETURN_IF_ERROR(WithPath(Exec(db, "BEGIN"), path));
  absl::Status checked = CheckSchema(db, path, version);
  if (checked.ok()) checked = Exec(db, "COMMIT");
  if (!sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return WithPath(checked, path);
}

// The slicekit invariants over a store's rows as format 2 reads them, for
// an upgrade to check first.
absl::Status CheckRowsUnchecked(sqlite3* db) {
  SLICEKIT_ASSIGN_OR_RETURN(
      const std::vector<std::string> orgs,
      QueryColumn(db, "SELECT DISTINCT org FROM slices ORDER BY org"));
  SqliteTxn txn(db, /*checked=*/false);
  return CheckOrgs(txn, orgs);
}

absl::StatusOr<Connection> OpenForWriting(const std::string& path) {
  SLICEKIT_RETURN_IF_ERROR(CheckFileHeader(path));
  Connection conn;
  SLICEKIT_ASSIGN_OR_RETURN(conn.db, OpenHandle(path, false, false));
  sqlite3* db = conn.db.get();
  // SQLite opens a file it may not write read-only without a word, and a
  // reader of a WAL file creates its -shm: say which one is missing.
  if (sqlite3_db_readonly(db, "main") == 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store \"", path,
        "\" cannot be opened for writing: this process may not write the "
        "file (commands that only read open it read-only)"));
  }
  const int rc = sqlite3_exec(db, "SELECT 1 FROM sqlite_master", nullptr,
                              nullptr, nullptr);
  if ((rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_CANTOPEN) {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store \"", path,
        "\" cannot be opened for writing: this process may not create the "
        "files SQLite keeps beside it (-wal, -shm): ",
        sqlite3_errmsg(db)));
  }
  SLICEKIT_RETURN_IF_ERROR(Validate(db, path, &conn.version));
  if (conn.version != kFormatVersion) {
    SLICEKIT_RETURN_IF_ERROR(WithPath(
        Prepare(db, path, [db] { return CheckRowsUnchecked(db); }), path));
    conn.version = kFormatVersion;
  }
  absl::StatusOr<std::vector<std::string>> journal_mode =
      QueryColumn(db, "PRAGMA journal_mode = WAL");
  if (!journal_mode.ok()) return WithPath(journal_mode.status(), path);
  const std::vector<std::string>& mode = *journal_mode;
  if (mode.size() != 1 || mode[0] != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store \"", path, "\" cannot use WAL mode (journal mode is ",
        mode.empty() ? "unknown" : mode[0], ")"));
  }
  SLICEKIT_RETURN_IF_ERROR(
      WithPath(Exec(db, "PRAGMA synchronous = FULL"), path));
  return conn;
}

// Opens the store to read it only. A reader of a WAL-mode file needs its
// -shm file (and, while a writer has the file open, its -wal), and creates
// them when they are missing; a reader that cannot write the directory
// cannot, and SQLite says "attempt to write a readonly database". Missing,
// they mean that no connection has the file open and that every commit is
// in the file itself (the last connection to close checkpoints the WAL and
// removes both): then SQLite's immutable=1 reads the file as it is, with no
// -shm and no locks, and the backend compares the file's FileStamp after
// each transaction to notice a writer that starts meanwhile.
absl::StatusOr<Connection> OpenForReading(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0 && errno == ENOENT) {
    return absl::NotFoundError(absl::StrCat(
        "slice store \"", path,
        "\" does not exist (opened read-only, it is not created)"));
  }
  SLICEKIT_RETURN_IF_ERROR(CheckFileHeader(path));
  Connection conn;
  SLICEKIT_ASSIGN_OR_RETURN(conn.db, OpenHandle(path, true, false));
  // The first read opens (or cannot open) the WAL's files.
  const int rc = sqlite3_exec(conn.db.get(), "SELECT 1 FROM sqlite_master",
                              nullptr, nullptr, nullptr);
  const int primary = rc & 0xff;
  if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN) {
    const FileStamp stamp = StampOf(path);
    if (stamp.has_wal) {
      return absl::FailedPreconditionError(absl::StrCat(
          "slice store \"", path,
          "\" cannot be read: a writer has it open (its -wal file is there) "
          "and this process cannot open its -shm file: ",
          sqlite3_errmsg(conn.db.get())));
    }
    SLICEKIT_ASSIGN_OR_RETURN(conn.db, OpenHandle(path, true, true));
    conn.immutable = true;
    conn.stamp = stamp;
  }
  SLICEKIT_RETURN_IF_ERROR(Validate(conn.db.get(), path, &conn.version));
  if (conn.version == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store \"", path,
        "\" is empty (a new store), and a store opened read-only is not "
        "created"));
  }
  if (conn.version == 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store \"", path,
        "\" has format version 1, which this slicekit reads only once it "
        "upgrades it; it was opened read-only: open it once with write "
        "access"));
  }
  return conn;
}

class SqliteBackend final : public SliceStoreBackend {
 public:
  SqliteBackend(Connection conn, std::string path, bool read_only)
      : conn_(std::move(conn)), path_(std::move(path)), read_only_(read_only) {}

  absl::Status CheckIntegrity() override;
  absl::Status WithFileName(absl::Status status) const override {
    return Named(std::move(status));
  }
  absl::Status Transact(
      bool write, absl::FunctionRef<absl::Status(SliceTxn&)> body) override;

 private:
  // Runs `body` in one transaction; the caller holds mu_.
  absl::Status RunTransaction(bool write,
                              absl::FunctionRef<absl::Status(SqliteTxn&)> body,
                              bool* saw_busy);

  // For a store read immutable: whether the file changed since it was
  // opened; then the connection is opened anew (seeing the change).
  bool Changed() const {
    return conn_.immutable && StampOf(path_) != conn_.stamp;
  }
  absl::Status Reopen() {
    SLICEKIT_ASSIGN_OR_RETURN(conn_, OpenForReading(path_));
    return absl::OkStatus();
  }

  // Every row of the store checked, each row set against its record.
  absl::Status CheckAllRows(SqliteTxn& txn);

  // Names the file in DataLoss, whatever found it.
  absl::Status Named(absl::Status status) const {
    if (!absl::IsDataLoss(status) ||
        absl::StartsWith(status.message(), "slice store \"")) {
      return status;
    }
    if (absl::StartsWith(status.message(), "slice store: ")) {
      return WithPath(std::move(status), path_);
    }
    return absl::DataLossError(
        absl::StrCat("slice store \"", path_, "\": ", status.message()));
  }

  // std::mutex rather than absl::Mutex: ThreadSanitizer sees it even
  // with a prebuilt (uninstrumented) Abseil.
  std::mutex mu_;
  Connection conn_;  // used under mu_
  const std::string path_;
  const bool read_only_;
};

absl::Status SqliteBackend::RunTransaction(
    bool write, absl::FunctionRef<absl::Status(SqliteTxn&)> body,
    bool* saw_busy) {
  sqlite3* db = conn_.db.get();
  SqliteTxn txn(db, conn_.version >= 3);
  absl::Status status =
      txn.Check(sqlite3_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN", nullptr,
                             nullptr, nullptr),
                "starting a transaction");
  if (status.ok()) {
    status = body(txn);
    if (status.ok()) {
      status = txn.Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr),
                         "committing");
    }
    if (!status.ok() && !sqlite3_get_autocommit(db)) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  *saw_busy = txn.saw_busy();
  return status;
}

absl::Status SqliteBackend::Transact(
    bool write, absl::FunctionRef<absl::Status(SliceTxn&)> body) {
  std::lock_guard<std::mutex> lock(mu_);
  if (write && read_only_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store \"", path_,
        "\" was opened read-only; this change needs it opened for writing"));
  }
  const absl::Time deadline = absl::Now() + kRetryFor;
  for (;;) {
    if (Changed()) SLICEKIT_RETURN_IF_ERROR(Reopen());
    bool saw_busy = false;
    const absl::Status status = RunTransaction(
        write, [&](SqliteTxn& txn) { return body(txn); }, &saw_busy);
    // A writer changed the file under an immutable reader: what it read may
    // mix both states.
    if (Changed() && absl::Now() < deadline) continue;
    if (status.ok() || !saw_busy || absl::Now() >= deadline) {
      return Named(status);
    }
    PauseBeforeRetry();
  }
}

absl::Status SqliteBackend::CheckAllRows(SqliteTxn& txn) {
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<OrgRow> orgs,
                            txn.AllOrgRecords());
  RowSet slices, rules;
  for (const OrgRow& org : orgs) {
    // Each read checks its rows against the org's record.
    SLICEKIT_RETURN_IF_ERROR(txn.LoadDeleted(org.org).status());
    SLICEKIT_RETURN_IF_ERROR(txn.LoadAlertRules(org.org).status());
    slices.count += org.slices.count;
    rules.count += org.alert_rules.count;
  }
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<HeadRow> heads, txn.AllHeads());
  RowSet versions, snapshots;
  for (const HeadRow& head : heads) {
    SLICEKIT_RETURN_IF_ERROR(txn.LoadHistory(head.org, head.slice_id).status());
    SLICEKIT_RETURN_IF_ERROR(
        txn.LoadSnapshots(head.org, head.slice_id).status());
    versions.count += head.versions.count;
    snapshots.count += head.snapshots.count;
  }
  // No row outside every record: each table holds what the records count.
  const std::pair<const char*, int64_t> totals[] = {
      {"slices", slices.count},
      {"alert_rules", rules.count},
      {"slice_versions", versions.count},
      {"snapshots", snapshots.count}};
  for (const auto& [table, count] : totals) {
    SLICEKIT_ASSIGN_OR_RETURN(
        const std::vector<std::string> rows,
        QueryColumn(conn_.db.get(),
                    absl::StrCat("SELECT count(*) FROM ", table)));
    if (rows.size() != 1 || rows[0] != absl::StrCat(count)) {
      return Damaged(absl::StrCat(table, " has ", rows.empty() ? "?" : rows[0],
                                  " rows where the records count ", count));
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteBackend::CheckIntegrity() {
  std::lock_guard<std::mutex> lock(mu_);
  if (Changed()) SLICEKIT_RETURN_IF_ERROR(Reopen());
  sqlite3* db = conn_.db.get();
  bool saw_busy = false;
  return Named(RunTransaction(
      /*write=*/false,
      [&](SqliteTxn& txn) -> absl::Status {
        SLICEKIT_ASSIGN_OR_RETURN(std::vector<std::string> problems,
                                  QueryColumn(db, "PRAGMA integrity_check"));
        SLICEKIT_RETURN_IF_ERROR(
            WithPath(IoErrorInCheck(problems, "checking integrity"), path_));
        if (problems.size() != 1 || problems[0] != "ok") {
          return absl::DataLossError(absl::StrCat(
              "slice store \"", path_,
              "\" is corrupt: ", problems.empty() ? "no result" : problems[0]));
        }
        SLICEKIT_ASSIGN_OR_RETURN(
            std::vector<std::string> orgs,
            QueryColumn(db, "SELECT DISTINCT org FROM slices ORDER BY org"));
        SLICEKIT_RETURN_IF_ERROR(CheckOrgs(txn, orgs));
        if (conn_.version >= 3) SLICEKIT_RETURN_IF_ERROR(CheckAllRows(txn));
        SLICEKIT_ASSIGN_OR_RETURN(
            std::vector<std::string> mismatched,
            QueryColumn(db,
                        "SELECT id FROM slices WHERE id IN "
                        "(SELECT id FROM retired_ids)"));
        if (!mismatched.empty()) {
          return absl::DataLossError(absl::StrCat(
              "slice store: live slice ", mismatched[0], " has a retired id"));
        }
        return absl::OkStatus();
      },
      &saw_busy));
}

}  // namespace
}  // namespace internal

absl::StatusOr<std::unique_ptr<SliceStore>> SliceStore::OpenSqlite(
    const std::string& path, const SqliteStoreOptions& options) {
  absl::StatusOr<internal::Connection> conn =
      options.read_only ? internal::OpenForReading(path)
                        : internal::OpenForWriting(path);
  if (!conn.ok()) return conn.status();
  return std::unique_ptr<SliceStore>(
      new SliceStore(std::make_unique<internal::SqliteBackend>(
          *std::move(conn), path, options.read_only)));
}

}  // namespace slicekit
