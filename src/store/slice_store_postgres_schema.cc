// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The schema of the PostgreSQL store: see slice_store_postgres_schema.h.
#include "src/store/slice_store_postgres_schema.h"

#include <libpq-fe.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "src/store/pg_util.h"
#include "src/util/status_macros.h"

namespace slicekit::internal {
namespace {

constexpr char kFormatName[] = "slicekit.slice_store.postgresql";

// Version 1. filter_text (the filter as text, for people and SQL; the
// filter is read back from filter_json) is BYTEA: a string literal of a
// filter may hold a NUL, which a TEXT value cannot. Text columns use the
// "C" collation: comparisons and orderings
// by bytes, as the other backends make them, whatever the database's
// locale. Checksums are signed 64-bit, bit for bit (row_checksum.h).
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE slicekit_meta (
  key TEXT COLLATE "C" PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE slicekit_orgs (org TEXT COLLATE "C" PRIMARY KEY);
CREATE SEQUENCE slicekit_slice_seq;
CREATE SEQUENCE slicekit_snapshot_seq;
CREATE TABLE slices (
  seq BIGINT PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  org TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  name_key TEXT COLLATE "C" NOT NULL,
  description TEXT NOT NULL,
  filter_text BYTEA NOT NULL,
  filter_json TEXT NOT NULL,
  order_by_json TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  updated_at_us BIGINT NOT NULL,
  version BIGINT NOT NULL,
  crc BIGINT NOT NULL,
  UNIQUE (org, name_key)
);
CREATE TABLE retired_ids (id TEXT COLLATE "C" PRIMARY KEY);
CREATE TABLE slice_versions (
  slice_id TEXT COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  org TEXT COLLATE "C" NOT NULL,
  change TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  filter_text BYTEA NOT NULL,
  filter_json TEXT NOT NULL,
  order_by_json TEXT NOT NULL,
  actor TEXT NOT NULL,
  changed_at_us BIGINT NOT NULL,
  restored_from BIGINT,
  crc BIGINT NOT NULL,
  PRIMARY KEY (slice_id, version)
);
CREATE INDEX slice_versions_org_change ON slice_versions (org, change);
CREATE TABLE snapshots (
  seq BIGINT PRIMARY KEY,
  org TEXT COLLATE "C" NOT NULL,
  slice_id TEXT COLLATE "C" NOT NULL,
  slice_version BIGINT NOT NULL,
  slice_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  actor TEXT NOT NULL,
  taken_at_us BIGINT NOT NULL,
  member_count BIGINT NOT NULL,
  summary_json TEXT NOT NULL,
  members BYTEA NOT NULL,
  crc BIGINT NOT NULL
);
CREATE INDEX snapshots_org_slice ON snapshots (org, slice_id);
CREATE TABLE alert_rules (
  slice_id TEXT COLLATE "C" PRIMARY KEY,
  org TEXT COLLATE "C" NOT NULL,
  rules TEXT NOT NULL,
  crc BIGINT NOT NULL
);
CREATE INDEX alert_rules_org ON alert_rules (org);
)sql";

// The advisory lock key that serializes the creation of a schema
// ("slicekit" in ASCII).
constexpr char kCreateLock[] =
    "SELECT pg_advisory_xact_lock(8315172110417208683)";

// Runs `sql` (no parameters, maybe several statements).
absl::Status Exec(PGconn* conn, const PgServer& server, const char* sql,
                  absl::string_view what) {
  PgResultPtr res(PQexec(conn, sql));
  const ExecStatusType status =
      res == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(res.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return absl::OkStatus();
  }
  return PgError(conn, res.get(), server, what);
}

// The value of slicekit_meta's `key`, nullopt when there is none.
absl::StatusOr<std::optional<std::string>> Meta(PGconn* conn,
                                                const PgServer& server,
                                                const char* key) {
  SLICEKIT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      PgExec(conn, server, "SELECT value FROM slicekit_meta WHERE key = $1",
             {PgParam::Text(key)}, "reading the store's schema"));
  if (PQntuples(res.get()) != 1) return std::nullopt;
  return PgText(res.get(), 0, 0);
}

absl::Status NotAStore(const PgServer& server, absl::string_view why) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the database of ", server.name, " is not a slicekit slice store: ", why,
      "; it was left unchanged"));
}

// Checks the schema version of an existing store, inside a transaction.
absl::Status CheckVersion(PGconn* conn, const PgServer& server) {
  SLICEKIT_ASSIGN_OR_RETURN(std::optional<std::string> format,
                            Meta(conn, server, "format"));
  if (format != kFormatName) {
    return NotAStore(server, "its slicekit_meta table is another format's");
  }
  SLICEKIT_ASSIGN_OR_RETURN(std::optional<std::string> version_text,
                            Meta(conn, server, "version"));
  int version = 0;
  if (!version_text.has_value() || !absl::SimpleAtoi(*version_text, &version) ||
      version < 1) {
    return NotAStore(server, "its schema version is unreadable");
  }
  if (version > kPgSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store ", server.name, " has schema version ", version,
        ", newer than this slicekit's (", kPgSchemaVersion,
        "): open it with a newer slicekit; it was left unchanged"));
  }
  // Versions before kPgSchemaVersion would be upgraded here; 1 is the
  // first.
  return absl::OkStatus();
}

// Whether the database has a table named `table` on its search path.
absl::StatusOr<bool> HasTable(PGconn* conn, const PgServer& server,
                              const char* table) {
  SLICEKIT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      PgExec(conn, server, "SELECT to_regclass($1) IS NOT NULL",
             {PgParam::Text(table)}, "reading the store's schema"));
  return PgText(res.get(), 0, 0) == "t";
}

// A schema on the search path that the role may not use is invisible, so
// the store would look new: say why instead (a missing grant, or no schema).
absl::Status CheckSearchPathUsable(PGconn* conn, const PgServer& server) {
  SLICEKIT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      PgExec(conn, server,
             "SELECT current_schema() IS NULL, coalesce(bool_or(NOT "
             "has_schema_privilege(n.oid, 'USAGE')), false) FROM pg_namespace "
             "n WHERE n.nspname = ANY (string_to_array(replace("
             "current_setting('search_path'), ' ', ''), ','))",
             {}, "reading the store's schema"));
  if (PgText(res.get(), 0, 0) != "t") return absl::OkStatus();
  if (PgText(res.get(), 0, 1) == "t") {
    return absl::PermissionDeniedError(absl::StrCat(
        "slice store ", server.name,
        ": the role has no USAGE on the schema of its search path (see "
        "docs/postgresql.md for the grants a role needs)"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "slice store ", server.name,
      ": no schema of the search path exists (create it, or name one in the "
      "URI's options=-csearch_path%3D...)"));
}

absl::Status PrepareInTransaction(PGconn* conn, const PgServer& server,
                                  bool read_only) {
  SLICEKIT_ASSIGN_OR_RETURN(PgResultPtr encoding,
                            PgExec(conn, server, "SHOW server_encoding", {},
                                   "reading the database's encoding"));
  const std::string name = PgText(encoding.get(), 0, 0).value_or("");
  if (name != "UTF8") {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store ", server.name, ": the database's encoding is ", name,
        "; a slice store needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')"));
  }
  if (!read_only) {
    SLICEKIT_RETURN_IF_ERROR(
        Exec(conn, server, kCreateLock, "locking the store's schema"));
  }
  SLICEKIT_ASSIGN_OR_RETURN(bool has_meta,
                            HasTable(conn, server, "slicekit_meta"));
  if (has_meta) return CheckVersion(conn, server);
  SLICEKIT_RETURN_IF_ERROR(CheckSearchPathUsable(conn, server));
  if (read_only) {
    return absl::FailedPreconditionError(absl::StrCat(
        "slice store ", server.name,
        " has no schema (a new store), and a store opened read-only is not "
        "created"));
  }
  for (const char* table : {"slices", "slice_versions", "snapshots",
                            "alert_rules", "retired_ids", "slicekit_orgs"}) {
    SLICEKIT_ASSIGN_OR_RETURN(bool taken, HasTable(conn, server, table));
    if (taken) {
      return NotAStore(server, absl::StrCat("it has a table \"", table,
                                            "\" but no slicekit_meta"));
    }
  }
  SLICEKIT_RETURN_IF_ERROR(
      Exec(conn, server, kSchemaV1, "creating the store's schema"));
  return PgExec(conn, server,
                "INSERT INTO slicekit_meta (key, value) VALUES ('format', $1), "
                "('version', $2)",
                {PgParam::Text(kFormatName),
                 PgParam::Text(absl::StrCat(kPgSchemaVersion))},
                "creating the store's schema")
      .status();
}

}  // namespace

absl::Status PrepareSchema(PGconn* conn, const PgServer& server,
                           bool read_only) {
  SLICEKIT_RETURN_IF_ERROR(Exec(conn, server,
                                read_only ? "BEGIN READ ONLY" : "BEGIN",
                                "opening the store"));
  absl::Status status = PrepareInTransaction(conn, server, read_only);
  if (status.ok()) status = Exec(conn, server, "COMMIT", "opening the store");
  if (!status.ok() && PQstatus(conn) == CONNECTION_OK) {
    PgResultPtr(PQexec(conn, "ROLLBACK"));
  }
  return status;
}

absl::Status BeginChecked(PGconn* conn, const PgServer& server, bool write) {
  PgResultPtr res(PQexec(
      conn, write ? "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT value FROM "
                    "slicekit_meta WHERE key = 'version'"
                  : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT "
                    "value FROM slicekit_meta WHERE key = 'version'"));
  if (res == nullptr || PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
    return PgError(conn, res.get(), server, "starting a transaction");
  }
  const std::optional<std::string> version =
      PQntuples(res.get()) == 1 ? PgText(res.get(), 0, 0) : std::nullopt;
  if (version != absl::StrCat(kPgSchemaVersion)) {
    return absl::FailedPreconditionError(
        absl::StrCat("slice store ", server.name, " now has schema version ",
                     version.value_or("(none)"), " where this slicekit reads ",
                     kPgSchemaVersion,
                     " (a newer slicekit upgraded it?): reopen it with "
                     "a slicekit that reads that version"));
  }
  return absl::OkStatus();
}

}  // namespace slicekit::internal
