// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The file format of the SQLite slice store: see slice_store_sqlite_format.h.
#include "src/store/slice_store_sqlite_format.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "src/store/row_checksum.h"
#include "src/store/sqlite_util.h"
#include "src/util/status_macros.h"

namespace slicekit::internal {
namespace {

constexpr char kFormatName[] = "slicekit.slice_store";

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

// What format version 3 adds (frozen, as above). The checksum columns are
// added with ALTER TABLE, so a new store's schema text and an upgraded
// one's are the same. The triggers refuse what a slicekit of format 2 would
// write into the upgraded file: rows without a checksum (every change of a
// slice starts with one in slice_versions; snapshots and alert rules), and
// deletes that do not clear the checksum first (purges and removed alert
// rules), which would leave the records of slicekit_orgs and slice_heads
// counting rows that are gone.
constexpr char kSchemaV3[] = R"sql(
ALTER TABLE slices ADD COLUMN crc INTEGER;
ALTER TABLE slice_versions ADD COLUMN crc INTEGER;
ALTER TABLE snapshots ADD COLUMN crc INTEGER;
ALTER TABLE alert_rules ADD COLUMN crc INTEGER;
CREATE TABLE slicekit_orgs (
  org TEXT PRIMARY KEY NOT NULL,
  slices INTEGER NOT NULL,
  slices_sum INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  deleted_sum INTEGER NOT NULL,
  alert_rules INTEGER NOT NULL,
  alert_rules_sum INTEGER NOT NULL,
  crc INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE slice_heads (
  slice_id TEXT PRIMARY KEY NOT NULL,
  org TEXT NOT NULL,
  versions INTEGER NOT NULL,
  versions_sum INTEGER NOT NULL,
  snapshots INTEGER NOT NULL,
  snapshots_sum INTEGER NOT NULL,
  crc INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER slice_versions_insert_needs_crc BEFORE INSERT ON slice_versions
WHEN NEW.crc IS NULL
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 3, which keeps a checksum of every row; this writer does not keep them (a slicekit older than format 3?): reopen the store with a newer slicekit');
END;
CREATE TRIGGER slice_versions_delete_needs_crc BEFORE DELETE ON slice_versions
WHEN OLD.crc IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 3, which keeps a checksum of every row; this writer does not keep them (a slicekit older than format 3?): reopen the store with a newer slicekit');
END;
CREATE TRIGGER snapshots_insert_needs_crc BEFORE INSERT ON snapshots
WHEN NEW.crc IS NULL
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 3, which keeps a checksum of every row; this writer does not keep them (a slicekit older than format 3?): reopen the store with a newer slicekit');
END;
CREATE TRIGGER snapshots_delete_needs_crc BEFORE DELETE ON snapshots
WHEN OLD.crc IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 3, which keeps a checksum of every row; this writer does not keep them (a slicekit older than format 3?): reopen the store with a newer slicekit');
END;
CREATE TRIGGER alert_rules_insert_needs_crc BEFORE INSERT ON alert_rules
WHEN NEW.crc IS NULL
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 3, which keeps a checksum of every row; this writer does not keep them (a slicekit older than format 3?): reopen the store with a newer slicekit');
END;
CREATE TRIGGER alert_rules_delete_needs_crc BEFORE DELETE ON alert_rules
WHEN OLD.crc IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'this slice store has format version 3, which keeps a checksum of every row; this writer does not keep them (a slicekit older than format 3?): reopen the store with a newer slicekit');
END;
)sql";

// The metadata row that holds the checksum of the others (format 3 on).
constexpr char kChecksumKey[] = "checksum";

bool IsText(const Stmt& stmt, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    if (stmt.Type(i) != SQLITE_TEXT) return false;
  }
  return true;
}

bool IsInt(const Stmt& stmt, int i) { return stmt.Type(i) == SQLITE_INTEGER; }

RowChecksum& Add(RowChecksum& c, const RowSet& set) {
  return c.Int(set.count).Int(ToStored(set.sum));
}

bool ReadSet(const Stmt& stmt, int first, RowSet* set) {
  if (!IsInt(stmt, first) || !IsInt(stmt, first + 1)) return false;
  set->count = stmt.Int(first);
  set->sum = FromStored(stmt.Int(first + 1));
  return true;
}

}  // namespace

bool SliceRow::Read(const Stmt& stmt) {
  if (!IsInt(stmt, 0) || !IsText(stmt, 1, 8) || !IsInt(stmt, 9) ||
      !IsInt(stmt, 10) || !IsInt(stmt, 11)) {
    return false;
  }
  seq = stmt.Int(0);
  id = stmt.Text(1);
  org = stmt.Text(2);
  name = stmt.Text(3);
  name_key = stmt.Text(4);
  description = stmt.Text(5);
  filter_text = stmt.Text(6);
  filter_json = stmt.Text(7);
  order_by_json = stmt.Text(8);
  created_at_us = stmt.Int(9);
  updated_at_us = stmt.Int(10);
  version = stmt.Int(11);
  return true;
}

uint64_t SliceRow::Checksum() const {
  return RowChecksum("slices")
      .Int(seq)
      .Text(id)
      .Text(org)
      .Text(name)
      .Text(name_key)
      .Text(description)
      .Text(filter_text)
      .Text(filter_json)
      .Text(order_by_json)
      .Int(created_at_us)
      .Int(updated_at_us)
      .Int(version)
      .Value();
}

bool VersionRow::Read(const Stmt& stmt) {
  if (!IsText(stmt, 0, 1) || !IsInt(stmt, 1) || !IsText(stmt, 2, 8) ||
      !IsInt(stmt, 10) || !(IsInt(stmt, 11) || stmt.IsNull(11))) {
    return false;
  }
  slice_id = stmt.Text(0);
  version = stmt.Int(1);
  org = stmt.Text(2);
  change = stmt.Text(3);
  name = stmt.Text(4);
  description = stmt.Text(5);
  filter_text = stmt.Text(6);
  filter_json = stmt.Text(7);
  order_by_json = stmt.Text(8);
  actor = stmt.Text(9);
  changed_at_us = stmt.Int(10);
  restored_from.reset();
  if (!stmt.IsNull(11)) restored_from = stmt.Int(11);
  return true;
}

uint64_t VersionRow::Checksum() const {
  return RowChecksum("slice_versions")
      .Text(slice_id)
      .Int(version)
      .Text(org)
      .Text(change)
      .Text(name)
      .Text(description)
      .Text(filter_text)
      .Text(filter_json)
      .Text(order_by_json)
      .Text(actor)
      .Int(changed_at_us)
      .OptionalInt(restored_from)
      .Value();
}

bool SnapshotRow::Read(const Stmt& stmt) {
  if (!IsInt(stmt, 0) || !IsText(stmt, 1, 2) || !IsInt(stmt, 3) ||
      !IsText(stmt, 4, 3) || !IsInt(stmt, 7) || !IsInt(stmt, 8) ||
      !IsText(stmt, 9, 1) || !IsInt(stmt, 10)) {
    return false;
  }
  seq = stmt.Int(0);
  org = stmt.Text(1);
  slice_id = stmt.Text(2);
  slice_version = stmt.Int(3);
  slice_name = stmt.Text(4);
  table_name = stmt.Text(5);
  actor = stmt.Text(6);
  taken_at_us = stmt.Int(7);
  member_count = stmt.Int(8);
  summary_json = stmt.Text(9);
  members_bytes = stmt.Int(10);
  return true;
}

uint64_t SnapshotRow::Checksum() const {
  return RowChecksum("snapshots")
      .Int(seq)
      .Text(org)
      .Text(slice_id)
      .Int(slice_version)
      .Text(slice_name)
      .Text(table_name)
      .Text(actor)
      .Int(taken_at_us)
      .Int(member_count)
      .Text(summary_json)
      .Int(members_bytes)
      .Value();
}

bool AlertRow::Read(const Stmt& stmt) {
  if (!IsText(stmt, 0, 3)) return false;
  slice_id = stmt.Text(0);
  org = stmt.Text(1);
  rules = stmt.Text(2);
  return true;
}

uint64_t AlertRow::Checksum() const {
  return RowChecksum("alert_rules")
      .Text(slice_id)
      .Text(org)
      .Text(rules)
      .Value();
}

bool OrgRow::Read(const Stmt& stmt) {
  if (!IsText(stmt, 0, 1)) return false;
  org = stmt.Text(0);
  return ReadSet(stmt, 1, &slices) && ReadSet(stmt, 3, &deleted) &&
         ReadSet(stmt, 5, &alert_rules);
}

uint64_t OrgRow::Checksum() const {
  RowChecksum c("slicekit_orgs");
  c.Text(org);
  Add(c, slices);
  Add(c, deleted);
  Add(c, alert_rules);
  return c.Value();
}

bool HeadRow::Read(const Stmt& stmt) {
  if (!IsText(stmt, 0, 2)) return false;
  slice_id = stmt.Text(0);
  org = stmt.Text(1);
  return ReadSet(stmt, 2, &versions) && ReadSet(stmt, 4, &snapshots);
}

uint64_t HeadRow::Checksum() const {
  RowChecksum c("slice_heads");
  c.Text(slice_id).Text(org);
  Add(c, versions);
  Add(c, snapshots);
  return c.Value();
}

// A flipped bit in the format's name or version would otherwise read as
// another application's file or another format.
std::string MetaChecksum(const std::map<std::string, std::string>& meta) {
  RowChecksum c("slicekit_meta");
  for (const auto& [key, value] : meta) {
    if (key != kChecksumKey) c.Text(key).Text(value);
  }
  return absl::StrFormat("%016x", c.Value());
}

absl::Status NotAStore(absl::string_view path, absl::string_view why) {
  return absl::FailedPreconditionError(
      absl::StrCat("\"", path, "\" is not a slicekit slice store: ", why,
                   "; the file was left unchanged"));
}

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
  unsigned char header[100] = {};
  in.read(reinterpret_cast<char*>(header), sizeof(header));
  if (!in || info.st_size < 512) {
    return NotAStore(path, "not an SQLite database");
  }
  if (std::memcmp(header, "SQLite format 3", 16) != 0) {
    // A few flipped bits in the 16 bytes of SQLite's magic are a damaged
    // store rather than another kind of file (a random 16 bytes are within
    // 4 bits of it with a chance of about 2^-100).
    int bits = 0;
    for (int i = 0; i < 16; ++i) {
      bits += __builtin_popcount(
          header[i] ^ static_cast<unsigned char>("SQLite format 3"[i]));
    }
    if (bits > 4) return NotAStore(path, "not an SQLite database");
    return absl::DataLossError(absl::StrCat(
        "slice store \"", path,
        "\" is corrupt (its SQLite header is damaged); the file was left "
        "unchanged"));
  }
  // Fields whose every other value SQLite refuses, or reads as "open this
  // file read-only" (a write version above 2): damage, not another file.
  // (Text encoding and sizes are left to SQLite and the schema check.)
  const int schema_format =
      header[44] << 24 | header[45] << 16 | header[46] << 8 | header[47];
  if (header[18] < 1 || header[18] > 2 || header[19] < 1 || header[19] > 2 ||
      header[21] != 64 || header[22] != 32 || header[23] != 32 ||
      schema_format < 1 || schema_format > 4) {
    return absl::DataLossError(absl::StrCat(
        "slice store \"", path,
        "\" is corrupt (its SQLite header is damaged); the file was left "
        "unchanged"));
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

namespace {

// One line per schema object, "type name: sql", as sqlite_master has them.
// Statistics tables that ANALYZE or PRAGMA optimize (say from the sqlite3
// shell) add are not part of the format and are ignored.
constexpr char kSchemaQuery[] =
    "SELECT type || ' ' || name || ': ' || ifnull(sql, '') "
    "FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name";

// The schema objects of a store of format `version`, as kSchemaQuery lists
// them: SQLite keeps each CREATE statement's text (ALTER TABLE edits it the
// same way each time), so a store made (or upgraded to) that version lists
// exactly what its schema texts make in an empty database. Built in an
// in-memory database on first use (about a millisecond) and kept; a
// failure is reported, not remembered.
absl::StatusOr<std::vector<std::string>> BuildExpectedSchema(int version) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open(":memory:", &db);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owner(db, sqlite3_close);
  if (rc != SQLITE_OK ||
      sqlite3_exec(db, kSchemaV1, nullptr, nullptr, nullptr) != SQLITE_OK ||
      (version >= 2 &&
       sqlite3_exec(db, kSchemaV2, nullptr, nullptr, nullptr) != SQLITE_OK) ||
      (version >= 3 &&
       sqlite3_exec(db, kSchemaV3, nullptr, nullptr, nullptr) != SQLITE_OK)) {
    return absl::InternalError(
        "slice store: cannot build the expected schema in memory");
  }
  return QueryColumn(db, kSchemaQuery);
}

absl::StatusOr<std::vector<std::string>> ExpectedSchema(int version) {
  static std::mutex mu;
  static auto* built = new std::map<int, std::vector<std::string>>;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = built->find(version); it != built->end()) return it->second;
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<std::string> schema,
                            BuildExpectedSchema(version));
  (*built)[version] = schema;
  return schema;
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

// The metadata rows, by key.
absl::StatusOr<std::map<std::string, std::string>> ReadMeta(sqlite3* db) {
  Stmt stmt(db, "SELECT key, value FROM slicekit_meta ORDER BY key");
  SLICEKIT_RETURN_IF_ERROR(
      CheckRc(db, stmt.prepare_rc(), "reading the metadata"));
  std::map<std::string, std::string> meta;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    meta[stmt.Text(0)] = stmt.Text(1);
  }
  SLICEKIT_RETURN_IF_ERROR(CheckRc(db, rc, "reading the metadata"));
  return meta;
}

absl::Status Corrupt(absl::string_view path, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("slice store \"", path,
                                          "\" is corrupt (", what,
                                          "); the file was left unchanged"));
}

// Reads the format version from the metadata; refuses another format, a
// version this code does not read, and metadata that fail their checksum.
absl::Status CheckMeta(sqlite3* db, const std::string& path, int* version) {
  SLICEKIT_ASSIGN_OR_RETURN(const auto meta, ReadMeta(db));
  const auto checksum = meta.find(kChecksumKey);
  if (checksum != meta.end() && checksum->second != MetaChecksum(meta)) {
    return Corrupt(path, "slicekit_meta does not match its checksum");
  }
  const auto format = meta.find("format");
  if (format == meta.end() || format->second != kFormatName) {
    return NotAStore(path,
                     absl::StrCat("its format is \"",
                                  format == meta.end() ? "" : format->second,
                                  "\", not \"", kFormatName, "\""));
  }
  const auto found = meta.find("version");
  const std::string text = found == meta.end() ? "(none)" : found->second;
  int number = 0;
  const bool is_number =
      absl::SimpleAtoi(text, &number) && absl::StrCat(number) == text;
  if (is_number && number >= 1 && number <= kFormatVersion) {
    // Versions 1 and 2 never had the checksum row; 3 always has it.
    if ((number >= 3) != (checksum != meta.end())) {
      return Corrupt(path, checksum == meta.end()
                               ? "slicekit_meta has no checksum"
                               : "slicekit_meta has a checksum its format "
                                 "version does not have");
    }
    *version = number;
    return absl::OkStatus();
  }
  const bool is_newer = is_number && number > kFormatVersion;
  return absl::FailedPreconditionError(absl::StrCat(
      "slice store \"", path, "\" has format version ", text,
      is_newer ? ", newer than this slicekit, which" : "; this slicekit",
      " reads versions 1 to ", kFormatVersion,
      " (upgrading 1 and 2); the file was left unchanged"));
}

}  // namespace

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
  SLICEKIT_RETURN_IF_ERROR(CheckMeta(db, path, version));
  // The right metadata over other tables, or over a schema whose text was
  // damaged (a flipped bit can rename a column and still parse), would fail
  // operations later with "no such table/column"; say so now.
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<std::string> schema,
                            QueryColumn(db, kSchemaQuery));
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<std::string> expected,
                            ExpectedSchema(*version));
  if (const std::string problem = SchemaDifference(schema, expected);
      !problem.empty()) {
    return Corrupt(path, problem);
  }
  absl::StatusOr<std::vector<std::string>> quick_check =
      QueryColumn(db, "PRAGMA quick_check");
  if (!quick_check.ok()) {
    if (!absl::IsDataLoss(quick_check.status())) return quick_check.status();
    return Corrupt(path, quick_check.status().message());
  }
  const std::vector<std::string>& check = *quick_check;
  SLICEKIT_RETURN_IF_ERROR(IoErrorInCheck(check, "checking the file"));
  if (check.size() != 1 || check[0] != "ok") {
    return Corrupt(path, check.empty() ? "no result" : check[0]);
  }
  return absl::OkStatus();
}

namespace {

// Reads every row of `T`'s table.
template <typename T>
absl::StatusOr<std::vector<T>> ReadAll(sqlite3* db, absl::string_view table) {
  Stmt stmt(db, absl::StrCat("SELECT ", T::kColumns, " FROM ", table));
  const std::string what = absl::StrCat("reading ", table);
  SLICEKIT_RETURN_IF_ERROR(CheckRc(db, stmt.prepare_rc(), what));
  std::vector<T> rows;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    T row;
    if (!row.Read(stmt)) {
      return absl::DataLossError(
          absl::StrCat("slice store: ", table, " has a malformed row"));
    }
    rows.push_back(std::move(row));
  }
  SLICEKIT_RETURN_IF_ERROR(CheckRc(db, rc, what));
  return rows;
}

// Sets the crc column of the row that `where` (with the row's key bound by
// `bind` as ?2, ?3) selects.
absl::Status SetChecksum(sqlite3* db, absl::string_view table,
                         absl::string_view where, uint64_t checksum,
                         absl::FunctionRef<void(Stmt&)> bind) {
  Stmt stmt(db, absl::StrCat("UPDATE ", table, " SET crc = ?1 WHERE ", where));
  const std::string what = absl::StrCat("upgrading ", table);
  SLICEKIT_RETURN_IF_ERROR(CheckRc(db, stmt.prepare_rc(), what));
  stmt.Bind(1, ToStored(checksum));
  bind(stmt);
  SLICEKIT_RETURN_IF_ERROR(CheckRc(db, stmt.Step(), what));
  if (sqlite3_changes(db) != 1) {
    return absl::DataLossError(absl::StrCat("slice store: upgrading ", table,
                                            ": a row read is missing"));
  }
  return absl::OkStatus();
}

// Writes the records of orgs and slices of a store being upgraded.
absl::Status InsertRecords(sqlite3* db,
                           const std::map<std::string, OrgRow>& orgs,
                           const std::map<std::string, HeadRow>& heads) {
  for (const auto& [org, row] : orgs) {
    Stmt stmt(db, absl::StrCat("INSERT INTO slicekit_orgs (", OrgRow::kColumns,
                               ", crc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                               "?8)"));
    SLICEKIT_RETURN_IF_ERROR(
        CheckRc(db, stmt.prepare_rc(), "upgrading the store to format 3"));
    stmt.Bind(1, row.org);
    int i = 2;
    for (const RowSet* set : {&row.slices, &row.deleted, &row.alert_rules}) {
      stmt.Bind(i++, set->count);
      stmt.Bind(i++, ToStored(set->sum));
    }
    stmt.Bind(8, ToStored(row.Checksum()));
    SLICEKIT_RETURN_IF_ERROR(
        CheckRc(db, stmt.Step(), "upgrading the store to format 3"));
  }
  for (const auto& [id, row] : heads) {
    Stmt stmt(db, absl::StrCat("INSERT INTO slice_heads (", HeadRow::kColumns,
                               ", crc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    SLICEKIT_RETURN_IF_ERROR(
        CheckRc(db, stmt.prepare_rc(), "upgrading the store to format 3"));
    stmt.Bind(1, row.slice_id);
    stmt.Bind(2, row.org);
    stmt.Bind(3, row.versions.count);
    stmt.Bind(4, ToStored(row.versions.sum));
    stmt.Bind(5, row.snapshots.count);
    stmt.Bind(6, ToStored(row.snapshots.sum));
    stmt.Bind(7, ToStored(row.Checksum()));
    SLICEKIT_RETURN_IF_ERROR(
        CheckRc(db, stmt.Step(), "upgrading the store to format 3"));
  }
  return absl::OkStatus();
}

// The head of slice `id` of `org`, new or as far as it was built.
absl::StatusOr<HeadRow*> HeadOf(std::map<std::string, HeadRow>& heads,
                                const std::string& id, const std::string& org) {
  HeadRow& head = heads[id];
  if (head.slice_id.empty()) {
    head.slice_id = id;
    head.org = org;
  } else if (head.org != org) {
    return absl::DataLossError(absl::StrCat(
        "slice store: slice ", id, " has history in two orgs: cannot upgrade"));
  }
  return &head;
}

// The rows of a format-2 store get their checksums, its orgs and slices
// their records (inside the caller's transaction, after kSchemaV3).
absl::Status MigrateV2ToV3(sqlite3* db) {
  std::map<std::string, OrgRow> orgs;
  std::map<std::string, HeadRow> heads;
  auto org_of = [&](const std::string& org) -> OrgRow& {
    OrgRow& row = orgs[org];
    row.org = org;
    return row;
  };
  SLICEKIT_ASSIGN_OR_RETURN(const auto slices, ReadAll<SliceRow>(db, "slices"));
  for (const SliceRow& row : slices) {
    const uint64_t crc = row.Checksum();
    SLICEKIT_RETURN_IF_ERROR(SetChecksum(db, "slices", "seq = ?2", crc,
                                         [&](Stmt& s) { s.Bind(2, row.seq); }));
    org_of(row.org).slices.Add(crc);
  }
  SLICEKIT_ASSIGN_OR_RETURN(const auto versions,
                            ReadAll<VersionRow>(db, "slice_versions"));
  for (const VersionRow& row : versions) {
    const uint64_t crc = row.Checksum();
    SLICEKIT_RETURN_IF_ERROR(SetChecksum(db, "slice_versions",
                                         "slice_id = ?2 AND version = ?3", crc,
                                         [&](Stmt& s) {
                                           s.Bind(2, row.slice_id);
                                           s.Bind(3, row.version);
                                         }));
    SLICEKIT_ASSIGN_OR_RETURN(HeadRow * head,
                              HeadOf(heads, row.slice_id, row.org));
    head->versions.Add(crc);
    if (row.change == "deleted") org_of(row.org).deleted.Add(crc);
  }
  SLICEKIT_ASSIGN_OR_RETURN(const auto snapshots,
                            ReadAll<SnapshotRow>(db, "snapshots"));
  for (const SnapshotRow& row : snapshots) {
    const uint64_t crc = row.Checksum();
    SLICEKIT_RETURN_IF_ERROR(SetChecksum(db, "snapshots", "seq = ?2", crc,
                                         [&](Stmt& s) { s.Bind(2, row.seq); }));
    SLICEKIT_ASSIGN_OR_RETURN(HeadRow * head,
                              HeadOf(heads, row.slice_id, row.org));
    head->snapshots.Add(crc);
  }
  SLICEKIT_ASSIGN_OR_RETURN(const auto rules,
                            ReadAll<AlertRow>(db, "alert_rules"));
  for (const AlertRow& row : rules) {
    const uint64_t crc = row.Checksum();
    SLICEKIT_RETURN_IF_ERROR(
        SetChecksum(db, "alert_rules", "slice_id = ?2", crc,
                    [&](Stmt& s) { s.Bind(2, row.slice_id); }));
    org_of(row.org).alert_rules.Add(crc);
  }
  return InsertRecords(db, orgs, heads);
}

// Sets the format version (and, from 3 on, the metadata's checksum).
absl::Status WriteVersion(sqlite3* db) {
  SLICEKIT_RETURN_IF_ERROR(Exec(
      db,
      absl::StrCat("INSERT OR REPLACE INTO slicekit_meta (key, value) "
                   "VALUES ('format', '",
                   kFormatName, "'), ('version', '", kFormatVersion, "')")));
  SLICEKIT_ASSIGN_OR_RETURN(auto meta, ReadMeta(db));
  Stmt stmt(db,
            "INSERT OR REPLACE INTO slicekit_meta (key, value) "
            "VALUES (?1, ?2)");
  SLICEKIT_RETURN_IF_ERROR(
      CheckRc(db, stmt.prepare_rc(), "writing the metadata"));
  stmt.Bind(1, kChecksumKey);
  stmt.Bind(2, MetaChecksum(meta));
  return CheckRc(db, stmt.Step(), "writing the metadata");
}

// Refuses to upgrade a damaged store: the upgrade would seal the damage
// with fresh checksums.
absl::Status CheckBeforeUpgrade(sqlite3* db, const std::string& path) {
  SLICEKIT_ASSIGN_OR_RETURN(const std::vector<std::string> problems,
                            QueryColumn(db, "PRAGMA integrity_check"));
  SLICEKIT_RETURN_IF_ERROR(IoErrorInCheck(problems, "checking the file"));
  if (problems.size() != 1 || problems[0] != "ok") {
    return Corrupt(path, problems.empty() ? "no result" : problems[0]);
  }
  return absl::OkStatus();
}

absl::Status Upgrade(sqlite3* db, const std::string& path, int version,
                     absl::FunctionRef<absl::Status()> check_rows) {
  if (version == 0) {
    SLICEKIT_RETURN_IF_ERROR(ExecScript(db, kSchemaV1, "creating the schema"));
    SLICEKIT_RETURN_IF_ERROR(ExecScript(db, kSchemaV2, "creating the schema"));
    SLICEKIT_RETURN_IF_ERROR(ExecScript(db, kSchemaV3, "creating the schema"));
    return WriteVersion(db);
  }
  SLICEKIT_RETURN_IF_ERROR(CheckBeforeUpgrade(db, path));
  if (version == 1) {
    SLICEKIT_RETURN_IF_ERROR(
        ExecScript(db, kSchemaV2, "upgrading the store to format 2"));
    SLICEKIT_RETURN_IF_ERROR(
        ExecScript(db, kMigrateV1ToV2, "upgrading the store to format 2"));
  }
  // The rows as format 2 reads them (a format-1 store's just upgraded).
  if (absl::Status status = check_rows(); !status.ok()) {
    if (!absl::IsDataLoss(status)) return status;
    return Corrupt(path, status.message());
  }
  SLICEKIT_RETURN_IF_ERROR(
      ExecScript(db, kSchemaV3, "upgrading the store to format 3"));
  SLICEKIT_RETURN_IF_ERROR(MigrateV2ToV3(db));
  return WriteVersion(db);
}

}  // namespace

absl::Status Prepare(sqlite3* db, const std::string& path,
                     absl::FunctionRef<absl::Status()> check_rows) {
  SLICEKIT_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  int version = 0;
  absl::Status status = CheckSchema(db, path, &version);
  if (status.ok() && version != kFormatVersion) {
    status = Upgrade(db, path, version, check_rows);
  }
  if (status.ok()) status = Exec(db, "COMMIT");
  if (!status.ok() && !sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return status;
}

}  // namespace slicekit::internal
