// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. The file format of the SQLite store
// (slice_store_sqlite_format.cc): the schema of each format version, the
// rows as stored and their checksums, the checks a file must pass before it
// is read, and the creation and upgrade of a store.
//
// Format versions: 1 held the slices; 2 added their history, snapshots and
// alert rules, and triggers that refuse a change to a slice without its
// history entry; 3 (this one) adds a checksum to every row (slices,
// slice_versions, snapshots, alert_rules), a record per org (slicekit_orgs:
// the count and checksum sum of its live slices, deleted slices and alert
// rules) and per slice (slice_heads: the same of its versions and
// snapshots), a checksum of the metadata, and triggers that refuse rows
// without checksums, so that a slicekit of format 2 that still has an
// upgraded file open cannot write rows the checks would take for damage.
#ifndef SLICEKIT_SRC_STORE_SLICE_STORE_SQLITE_FORMAT_H_
#define SLICEKIT_SRC_STORE_SLICE_STORE_SQLITE_FORMAT_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "src/store/row_checksum.h"
#include "src/store/sqlite_util.h"

namespace slicekit::internal {

// The version this code writes; it reads 1 and 2 too (upgrading them, or,
// opened read-only, reading 2 as it is).
inline constexpr int kFormatVersion = 3;

// The rows of the tables, as stored. Each has its columns for SELECT in
// `kColumns` (the stored checksum, `crc`, is not among them), reads them
// from a statement's columns 0.. (Read: false when a column holds another
// type than the schema's, which only damage makes), and its checksum.
struct SliceRow {
  static constexpr char kColumns[] =
      "seq, id, org, name, name_key, description, filter_text, filter_json, "
      "order_by_json, created_at_us, updated_at_us, version";
  static constexpr int kCount = 12;
  int64_t seq = 0;
  std::string id, org, name, name_key, description, filter_text, filter_json,
      order_by_json;
  int64_t created_at_us = 0, updated_at_us = 0, version = 0;

  bool Read(const Stmt& stmt);
  uint64_t Checksum() const;
};

struct VersionRow {
  static constexpr char kColumns[] =
      "slice_id, version, org, change, name, description, filter_text, "
      "filter_json, order_by_json, actor, changed_at_us, restored_from";
  static constexpr int kCount = 12;
  std::string slice_id;
  int64_t version = 0;
  std::string org, change, name, description, filter_text, filter_json,
      order_by_json, actor;
  int64_t changed_at_us = 0;
  std::optional<int64_t> restored_from;

  bool Read(const Stmt& stmt);
  uint64_t Checksum() const;
};

// The members themselves are not hashed (a list of snapshots would have to
// read them all): their length is, and their zlib stream carries its own
// Adler-32, which every single-bit flip changes.
struct SnapshotRow {
  static constexpr char kColumns[] =
      "seq, org, slice_id, slice_version, slice_name, table_name, actor, "
      "taken_at_us, member_count, summary_json, length(members)";
  static constexpr int kCount = 11;
  int64_t seq = 0;
  std::string org, slice_id;
  int64_t slice_version = 0;
  std::string slice_name, table_name, actor;
  int64_t taken_at_us = 0, member_count = 0;
  std::string summary_json;
  int64_t members_bytes = 0;

  bool Read(const Stmt& stmt);
  uint64_t Checksum() const;
};

struct AlertRow {
  static constexpr char kColumns[] = "slice_id, org, rules";
  static constexpr int kCount = 3;
  std::string slice_id, org, rules;

  bool Read(const Stmt& stmt);
  uint64_t Checksum() const;
};

// What the store knows of an org's rows without reading them.
struct OrgRow {
  static constexpr char kColumns[] =
      "org, slices, slices_sum, deleted, deleted_sum, alert_rules, "
      "alert_rules_sum";
  static constexpr int kCount = 7;
  std::string org;
  RowSet slices;       // rows of `slices`
  RowSet deleted;      // rows of `slice_versions` with change 'deleted'
  RowSet alert_rules;  // rows of `alert_rules`

  bool Read(const Stmt& stmt);
  uint64_t Checksum() const;
};

// What the store knows of a slice's history and snapshots without reading
// them; kept from its creation until it is purged.
struct HeadRow {
  static constexpr char kColumns[] =
      "slice_id, org, versions, versions_sum, snapshots, snapshots_sum";
  static constexpr int kCount = 6;
  std::string slice_id, org;
  RowSet versions;   // rows of `slice_versions`
  RowSet snapshots;  // rows of `snapshots`

  bool Read(const Stmt& stmt);
  uint64_t Checksum() const;
};

// The checksum of the metadata rows (key -> value) other than the one that
// holds it ("checksum"), as that row keeps it: 16 hex digits.
std::string MetaChecksum(const std::map<std::string, std::string>& meta);

// "\"PATH\" is not a slicekit slice store: WHY; the file was left
// unchanged" (FailedPrecondition).
absl::Status NotAStore(absl::string_view path, absl::string_view why);

// Checks what is at `path` before SQLite touches it: a missing or empty
// file is a new store; anything else must start with the SQLite header and
// be a whole number of pages.
absl::Status CheckFileHeader(const std::string& path);

// Validates the schema of an opened database, inside the caller's
// transaction: its metadata (and their checksum), its schema text against
// its format version's, and `PRAGMA quick_check`. Sets `*version` to its
// format version (1 to kFormatVersion), or to 0 when it has no tables at
// all (a new store).
absl::Status CheckSchema(sqlite3* db, const std::string& path, int* version);

// Brings the store to the current format in one transaction: creates the
// schema of an empty file, or upgrades a store of format 1 or 2 (after
// `PRAGMA integrity_check` and, once the rows are those of format 2,
// `check_rows`, the slicekit invariants over them, so that damage is not
// sealed with fresh checksums), unless another process did it first. On any
// error nothing changes.
absl::Status Prepare(sqlite3* db, const std::string& path,
                     absl::FunctionRef<absl::Status()> check_rows);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_STORE_SLICE_STORE_SQLITE_FORMAT_H_
