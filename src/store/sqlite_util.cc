// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "src/store/sqlite_util.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "src/store/slice_store_internal.h"
#include "src/util/status_macros.h"

namespace slicekit::internal {
namespace {

// Counts the retries for SqliteBusyRetries(): process-wide, since a load
// test wants the total over all of a process's stores.
std::atomic<int64_t> busy_retries{0};

// Lock waits inside statements, for SqliteBusyWaits().
std::atomic<int64_t> busy_waits{0};

}  // namespace

int64_t SqliteBusyRetries() {
  return busy_retries.load(std::memory_order_relaxed);
}

int64_t SqliteBusyWaits() { return busy_waits.load(std::memory_order_relaxed); }

bool IsBusy(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

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

void PauseBeforeRetry() {
  busy_retries.fetch_add(1, std::memory_order_relaxed);
  absl::SleepFor(absl::Milliseconds(1));
}

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  const std::string message =
      absl::StrCat("slice store: ", what, ": ",
                   db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc) {
    // The store checks every uniqueness rule itself, in the transaction
    // that writes, over rows whose checksums it verified: an index that
    // still finds a duplicate disagrees with the table it indexes.
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return absl::DataLossError(absl::StrCat(
          message, " (an index disagrees with the rows it indexes)"));
    default:
      break;
  }
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

absl::Status CheckRc(sqlite3* db, int rc, absl::string_view what,
                     bool* saw_busy) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) {
    return absl::OkStatus();
  }
  if (IsBusy(rc) && saw_busy != nullptr) *saw_busy = true;
  return SqliteError(db, rc, what);
}

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

absl::Status WithPath(absl::Status status, absl::string_view path) {
  constexpr absl::string_view kPrefix = "slice store: ";
  if (status.ok() || !absl::StartsWith(status.message(), kPrefix)) {
    return status;
  }
  return absl::Status(status.code(),
                      absl::StrCat("slice store \"", path, "\": ",
                                   status.message().substr(kPrefix.size())));
}

absl::Status Exec(sqlite3* db, absl::string_view sql) {
  const absl::Time deadline = absl::Now() + kRetryFor;
  for (;;) {
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
    return CheckRc(db, rc, sql);
  }
}

absl::StatusOr<std::vector<std::string>> QueryColumn(sqlite3* db,
                                                     absl::string_view sql) {
  const absl::Time deadline = absl::Now() + kRetryFor;
  for (;;) {
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
    SLICEKIT_RETURN_IF_ERROR(CheckRc(db, rc, sql));
    return values;
  }
}

absl::Status ExecScript(sqlite3* db, const char* sql, absl::string_view what) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  sqlite3_free(error);
  return CheckRc(db, rc, what);
}

}  // namespace slicekit::internal
