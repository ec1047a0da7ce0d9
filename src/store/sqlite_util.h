// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. What the SQLite backend's files share
// (slice_store_sqlite.cc: transactions and opening; slice_store_sqlite_
// format.cc: the file format): prepared statements, SQLite errors as
// statuses, and statements retried while the file is busy.
#ifndef SLICEKIT_SRC_STORE_SQLITE_UTIL_H_
#define SLICEKIT_SRC_STORE_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace slicekit::internal {

// How long one statement waits for a lock (CountingBusyHandler).
inline constexpr int kBusyTimeoutMs = 10000;
// How long a whole operation keeps retrying after SQLITE_BUSY.
inline constexpr absl::Duration kRetryFor = absl::Seconds(30);

bool IsBusy(int rc);

// The busy handler: SQLite's own back-off (sqlite3_busy_timeout's delays),
// plus a count of the waits (SqliteBusyWaits()). Gives up (SQLITE_BUSY)
// once the waits add up to kBusyTimeoutMs.
int CountingBusyHandler(void*, int attempt);

// Called when an operation found the database busy and will start over.
void PauseBeforeRetry();

// Maps an SQLite error to a status; corruption is DataLoss.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what);

// OK for SQLITE_OK/ROW/DONE, else SqliteError(); sets *saw_busy when the
// database was locked.
absl::Status CheckRc(sqlite3* db, int rc, absl::string_view what,
                     bool* saw_busy = nullptr);

// PRAGMA quick_check and integrity_check report a page they could not read
// as a result row ("... unable to get the page. error code=266") instead of
// failing. That is the disk failing (here SQLITE_IOERR_READ), not a damaged
// file, and must not come back as DataLoss, which tells the caller to give
// the file up. Returns the error for the first such row, or OK.
absl::Status IoErrorInCheck(const std::vector<std::string>& rows,
                            absl::string_view what);

// Names the store's file in an error ("slice store: ..." becomes "slice
// store \"PATH\": ..."), so that a caller with several stores can tell
// which one failed.
absl::Status WithPath(absl::Status status, absl::string_view path);

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
  // SQLITE_INTEGER, SQLITE_TEXT, ...: what the row holds in column i.
  int Type(int i) const { return sqlite3_column_type(stmt_, i); }
  const char* ColumnName(int i) const { return sqlite3_column_name(stmt_, i); }
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

// Runs one statement without results (through its last row), retrying
// while the database is busy.
absl::Status Exec(sqlite3* db, absl::string_view sql);

// Returns the first column of every row of `sql` as text, retrying while
// the database is busy.
absl::StatusOr<std::vector<std::string>> QueryColumn(sqlite3* db,
                                                     absl::string_view sql);

// Runs `sql` (several statements) once, inside the caller's transaction.
absl::Status ExecScript(sqlite3* db, const char* sql, absl::string_view what);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_STORE_SQLITE_UTIL_H_
