// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. What the PostgreSQL backend of SliceStore
// (slice_store_postgres.cc) needs of libpq: connecting by URI with errors
// that never show the password, statements with parameters passed as
// exact bytes, and libpq's failures as absl::Status (Unavailable for a lost
// server, naming it).
#ifndef SLICEKIT_SRC_STORE_PG_UTIL_H_
#define SLICEKIT_SRC_STORE_PG_UTIL_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace slicekit::internal {

struct PgConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnCloser>;

// How a URI names its server in messages: "postgresql://USER@HOST:PORT/DB"
// from the parsed URI (libpq's defaults for what it leaves out), with no
// password and no other parameter.
struct PgServer {
  std::string uri;                   // as given; never put in a message
  std::string name;                  // for messages
  std::vector<std::string> secrets;  // the password as written, decoded
};

// Parses `uri` (InvalidArgument, with the password masked, when libpq
// cannot) and names its server.
absl::StatusOr<PgServer> ParsePgUri(const std::string& uri);

// `text` with every secret of `server` and the raw URI replaced by "***"
// and the masked URI, for libpq's messages, which may quote the URI.
std::string Redact(const PgServer& server, absl::string_view text);

// Connects (UTF8 client encoding, a 10 s connect timeout unless the URI
// sets one). Unavailable when the server cannot be reached,
// PermissionDenied when it refuses the login, both naming the server.
absl::StatusOr<PgConnPtr> PgConnect(const PgServer& server);

struct PgResultCloser {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultCloser>;

// Text as the store keeps it in a TEXT column, which cannot hold U+0000:
// 0x01 becomes 0x01 0x01 and 0x00 becomes 0x01 '0', so the stored text is
// still UTF-8, equal values stay equal and distinct ones distinct.
// PgText() undoes it.
std::string PgEscapeText(absl::string_view text);

// One statement parameter: text as exact bytes (binary format: an invalid
// byte is refused by the server, never cut), an integer in decimal, bytes
// for a bytea column, or NULL.
struct PgParam {
  enum class Kind { kText, kInt, kBytes, kNull };
  Kind kind = Kind::kNull;
  std::string value;

  // Escaped (PgEscapeText): a TEXT value cannot hold a NUL.
  static PgParam Text(absl::string_view text) {
    return {Kind::kText, PgEscapeText(text)};
  }
  static PgParam Int(int64_t v);
  static PgParam Bytes(absl::string_view bytes) {
    return {Kind::kBytes, std::string(bytes)};
  }
  static PgParam Null() { return {}; }
};

// The cell (row, column) of a result, exact bytes (PgEscapeText undone);
// nullopt for NULL.
std::optional<std::string> PgText(const PGresult* result, int row, int col);
// The cell as an integer; nullopt for NULL or a cell that is not one.
std::optional<int64_t> PgInt(const PGresult* result, int row, int col);
// The cell as bytea (hex text format), decoded; nullopt for NULL.
std::optional<std::string> PgBytes(const PGresult* result, int row, int col);

// Runs `sql` with `params` ($1, $2, ...) on `conn`; an error as PgError().
absl::StatusOr<PgResultPtr> PgExec(PGconn* conn, const PgServer& server,
                                   const std::string& sql,
                                   const std::vector<PgParam>& params,
                                   absl::string_view what);

// A failed statement (or a null result) as a Status: Unavailable naming the
// server when the connection is gone, Aborted for a serialization failure
// or deadlock (the transaction may be retried), InvalidArgument for text
// the server cannot hold (a NUL byte), Internal otherwise; the message says
// `what` failed and gives the server's words, redacted.
absl::Status PgError(PGconn* conn, const PGresult* result,
                     const PgServer& server, absl::string_view what);

// Whether `status` came from a serialization failure or deadlock.
bool IsPgRetryable(const absl::Status& status);

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_STORE_PG_UTIL_H_
