// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// libpq for the PostgreSQL backend of SliceStore: see pg_util.h.
#include "src/store/pg_util.h"

#include <libpq-fe.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace slicekit::internal {
namespace {

constexpr char kRetryPayload[] = "slicekit.store/pg-retry";

// The password as the URI writes it between "user:" and "@" (still
// percent-encoded), or empty.
std::string RawAuthorityPassword(absl::string_view uri) {
  const size_t scheme = uri.find("://");
  if (scheme == absl::string_view::npos) return "";
  absl::string_view rest = uri.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?"));
  const size_t at = rest.rfind('@');
  if (at == absl::string_view::npos) return "";
  const absl::string_view userinfo = rest.substr(0, at);
  const size_t colon = userinfo.find(':');
  if (colon == absl::string_view::npos) return "";
  return std::string(userinfo.substr(colon + 1));
}

// The values of "password=" in the URI's query, as written.
std::vector<std::string> RawQueryPasswords(absl::string_view uri) {
  std::vector<std::string> found;
  const size_t query = uri.find('?');
  if (query == absl::string_view::npos) return found;
  for (absl::string_view part = uri.substr(query + 1); !part.empty();) {
    const size_t amp = part.find('&');
    const absl::string_view item = part.substr(0, amp);
    if (absl::StartsWith(item, "password=")) {
      found.emplace_back(item.substr(9));
    }
    if (amp == absl::string_view::npos) break;
    part = part.substr(amp + 1);
  }
  return found;
}

// `uri` with its passwords (in the authority and the query) as "***".
std::string MaskedUri(absl::string_view uri) {
  std::string masked(uri);
  const std::string raw = RawAuthorityPassword(uri);
  if (!raw.empty()) {
    const size_t at = masked.find(absl::StrCat(":", raw, "@"));
    if (at != std::string::npos) masked.replace(at + 1, raw.size(), "***");
  }
  for (const std::string& password : RawQueryPasswords(uri)) {
    if (password.empty()) continue;
    masked = absl::StrReplaceAll(
        masked, {{absl::StrCat("password=", password), "password=***"}});
  }
  return masked;
}

std::string OptionOf(PQconninfoOption* options, absl::string_view keyword) {
  for (PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr;
       ++o) {
    if (keyword == o->keyword && o->val != nullptr) return o->val;
  }
  return "";
}

// The server's name in messages, from the parsed options.
std::string NameOf(PQconninfoOption* options) {
  const std::string user = OptionOf(options, "user");
  std::string host = OptionOf(options, "host");
  if (host.empty()) host = OptionOf(options, "hostaddr");
  const std::string port = OptionOf(options, "port");
  const std::string db = OptionOf(options, "dbname");
  std::string name = "postgresql://";
  if (!user.empty()) absl::StrAppend(&name, user, "@");
  // A socket directory is a query parameter in URI syntax.
  const bool socket = absl::StartsWith(host, "/") || host.empty();
  if (!socket) absl::StrAppend(&name, host);
  if (!port.empty()) absl::StrAppend(&name, ":", port);
  absl::StrAppend(&name, "/", db);
  if (socket && !host.empty()) absl::StrAppend(&name, "?host=", host);
  return name;
}

// Whether libpq's words for a failed connection say the login was refused.
bool IsLoginRefused(absl::string_view message) {
  return absl::StrContains(message, "authentication failed") ||
         absl::StrContains(message, "no password supplied") ||
         absl::StrContains(message, "password is required") ||
         absl::StrContains(message, "no pg_hba.conf entry");
}

std::string Trimmed(const char* message) {
  return std::string(
      absl::StripTrailingAsciiWhitespace(message == nullptr ? "" : message));
}

}  // namespace

absl::StatusOr<PgServer> ParsePgUri(const std::string& uri) {
  PgServer server;
  server.uri = uri;
  const std::string raw = RawAuthorityPassword(uri);
  if (!raw.empty()) server.secrets.push_back(raw);
  for (std::string& p : RawQueryPasswords(uri)) {
    if (!p.empty()) server.secrets.push_back(std::move(p));
  }
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    server.name = MaskedUri(uri);
    const std::string why = error == nullptr ? "out of memory" : Trimmed(error);
    PQfreemem(error);
    return absl::InvalidArgumentError(absl::StrCat(
        "slice store: \"", server.name,
        "\" is not a valid PostgreSQL URI: ", Redact(server, why)));
  }
  const std::string password = OptionOf(options, "password");
  if (!password.empty()) server.secrets.push_back(password);
  server.name = NameOf(options);
  PQconninfoFree(options);
  return server;
}

std::string Redact(const PgServer& server, absl::string_view text) {
  std::string out(text);
  if (!server.uri.empty()) {
    out = absl::StrReplaceAll(out, {{server.uri, MaskedUri(server.uri)}});
  }
  for (const std::string& secret : server.secrets) {
    // A very short password would mask ordinary words; the URI itself,
    // where libpq quotes one, is masked above.
    if (secret.size() >= 4) {
      out = absl::StrReplaceAll(out, {{secret, "***"}});
    }
  }
  return out;
}

absl::StatusOr<PgConnPtr> PgConnect(const PgServer& server) {
  // Processed in order, later ones winning: the URI's own connect_timeout
  // wins over this default, and the client encoding is always UTF8.
  const char* keywords[] = {"connect_timeout", "fallback_application_name",
                            "dbname", "client_encoding", nullptr};
  const char* values[] = {"10", "slicekit", server.uri.c_str(), "UTF8",
                          nullptr};
  PgConnPtr conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) {
    return absl::ResourceExhaustedError(
        "slice store: libpq could not allocate a connection");
  }
  if (PQstatus(conn.get()) == CONNECTION_OK) return conn;
  const std::string why = Redact(server, Trimmed(PQerrorMessage(conn.get())));
  const std::string message =
      absl::StrCat("slice store: cannot connect to the PostgreSQL server ",
                   server.name, ": ", why);
  if (IsLoginRefused(why)) return absl::PermissionDeniedError(message);
  // What libpq checks only as it connects (a port that is not a number, an
  // unknown option).
  if (absl::StrContains(why, "connection option") ||
      absl::StrContains(why, "invalid URI")) {
    return absl::InvalidArgumentError(
        absl::StrCat("slice store: \"", MaskedUri(server.uri),
                     "\" is not a valid PostgreSQL URI: ", why));
  }
  return absl::UnavailableError(message);
}

PgParam PgParam::Int(int64_t v) { return {Kind::kInt, absl::StrCat(v)}; }

std::string PgEscapeText(absl::string_view text) {
  if (text.find_first_of(absl::string_view("\0\1", 2)) ==
      absl::string_view::npos) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 8);
  for (const char c : text) {
    if (c == '\0') {
      out.append(
          "\1"
          "0");
    } else if (c == '\1') {
      out.append("\1\1");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> PgText(const PGresult* result, int row, int col) {
  if (PQgetisnull(result, row, col)) return std::nullopt;
  const absl::string_view stored(
      PQgetvalue(result, row, col),
      static_cast<size_t>(PQgetlength(result, row, col)));
  if (stored.find('\1') == absl::string_view::npos) {
    return std::string(stored);
  }
  std::string out;
  for (size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] == '\1' && i + 1 < stored.size()) {
      // A lone 0x01 (never written) is kept, so the row's checksum fails.
      if (stored[i + 1] == '0' || stored[i + 1] == '\1') {
        out.push_back(stored[++i] == '0' ? '\0' : '\1');
        continue;
      }
    }
    out.push_back(stored[i]);
  }
  return out;
}

std::optional<int64_t> PgInt(const PGresult* result, int row, int col) {
  if (PQgetisnull(result, row, col)) return std::nullopt;
  int64_t v = 0;
  if (!absl::SimpleAtoi(PQgetvalue(result, row, col), &v)) return std::nullopt;
  return v;
}

std::optional<std::string> PgBytes(const PGresult* result, int row, int col) {
  if (PQgetisnull(result, row, col)) return std::nullopt;
  size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result, row, col)),
      &length);
  if (bytes == nullptr) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return out;
}

absl::StatusOr<PgResultPtr> PgExec(PGconn* conn, const PgServer& server,
                                   const std::string& sql,
                                   const std::vector<PgParam>& params,
                                   absl::string_view what) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const PgParam& p : params) {
    values.push_back(p.kind == PgParam::Kind::kNull ? nullptr
                                                    : p.value.c_str());
    lengths.push_back(static_cast<int>(p.value.size()));
    // Text and bytes go as exact bytes; integers as decimal text.
    formats.push_back(
        p.kind == PgParam::Kind::kText || p.kind == PgParam::Kind::kBytes ? 1
                                                                          : 0);
  }
  PgResultPtr result(PQexecParams(
      conn, sql.c_str(), static_cast<int>(params.size()), nullptr,
      values.data(), lengths.data(), formats.data(), /*resultFormat=*/0));
  const ExecStatusType status =
      result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  return PgError(conn, result.get(), server, what);
}

absl::Status PgError(PGconn* conn, const PGresult* result,
                     const PgServer& server, absl::string_view what) {
  const char* state_field = result == nullptr
                                ? nullptr
                                : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string state = state_field == nullptr ? "" : state_field;
  const std::string why =
      Redact(server, Trimmed(result != nullptr ? PQresultErrorMessage(result)
                                               : PQerrorMessage(conn)));
  if (PQstatus(conn) == CONNECTION_BAD || absl::StartsWith(state, "08") ||
      absl::StartsWith(state, "57P")) {
    return absl::UnavailableError(
        absl::StrCat("slice store: the PostgreSQL server ", server.name,
                     " is unavailable (", what, "): ", why));
  }
  const std::string message =
      absl::StrCat("slice store ", server.name, ": ", what, " failed: ", why);
  if (state == "40001" || state == "40P01") {
    absl::Status status = absl::AbortedError(message);
    status.SetPayload(kRetryPayload, absl::Cord(state));
    return status;
  }
  if (state == "22021" || state == "22P05") {
    return absl::InvalidArgumentError(message);
  }
  if (state == "25006") return absl::FailedPreconditionError(message);
  // insufficient_privilege: the role lacks a grant (docs/postgresql.md lists
  // the ones a writer and a reader need).
  if (state == "42501") {
    return absl::PermissionDeniedError(absl::StrCat(
        message, " (see docs/postgresql.md for the grants a role needs)"));
  }
  return absl::InternalError(message);
}

bool IsPgRetryable(const absl::Status& status) {
  return status.GetPayload(kRetryPayload).has_value();
}

}  // namespace slicekit::internal
