// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. The schema of the PostgreSQL store
// (slice_store_postgres_schema.cc) and its versions.
//
// Schema versions: 1 (this one) holds what the SQLite store's format 3
// holds (slices, retired ids, history, snapshots, alert rules, each row
// with its XXH3 checksum) plus slicekit_orgs, the rows that changes lock.
// slicekit_meta keeps the format name and the version. A slicekit that
// writes a later version upgrades older ones in one transaction that
// first takes an ACCESS EXCLUSIVE lock on slicekit_meta; every operation
// reads the version in its own transaction (which takes ACCESS SHARE), so
// an operation either finishes before an upgrade or sees the new version
// and is refused.
#ifndef SLICEKIT_SRC_STORE_SLICE_STORE_POSTGRES_SCHEMA_H_
#define SLICEKIT_SRC_STORE_SLICE_STORE_POSTGRES_SCHEMA_H_

#include <libpq-fe.h>

#include "absl/status/status.h"
#include "src/store/pg_util.h"

namespace slicekit::internal {

// The schema version this code reads and writes.
inline constexpr int kPgSchemaVersion = 1;

// Checks the database `conn` is connected to: UTF8 encoding, and either
// this store's schema at a version this code reads (an older one is
// upgraded unless `read_only`) or, unless `read_only`, none of its tables
// (the schema is then created). Another application's tables of the same
// names, or a newer version, are FailedPrecondition and nothing changes.
// Concurrent openers of a new database wait for each other (an advisory
// lock), so the schema is created once.
absl::Status PrepareSchema(PGconn* conn, const PgServer& server,
                           bool read_only);

// Begins an operation's transaction (READ COMMITTED for a change,
// REPEATABLE READ READ ONLY for a read) and checks, inside it, that the
// schema version is still kPgSchemaVersion.
absl::Status BeginChecked(PGconn* conn, const PgServer& server, bool write);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_STORE_SLICE_STORE_POSTGRES_SCHEMA_H_
