// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The text of one table cell in CSV and JSON exports. Shared by ExportRows
// and WriteMetricsCsv so that a metrics CSV written straight from a run is
// byte-identical to an export of the metrics table.
#ifndef SLICEKIT_SRC_UTIL_TEXT_CELLS_H_
#define SLICEKIT_SRC_UTIL_TEXT_CELLS_H_

#include <charconv>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace slicekit::internal {

// Appends the shortest decimal that reads back as `value` (a 32-bit float),
// with ".0" when it would otherwise read as an integer.
inline void AppendFloatText(float value, std::string* out) {
  char buffer[64];
  const std::to_chars_result result =
      std::to_chars(buffer, buffer + sizeof(buffer), value);
  const absl::string_view text(buffer, result.ptr - buffer);
  out->append(text.data(), text.size());
  if (text.find_first_of(".en") == absl::string_view::npos) {
    out->append(".0");
  }
}

inline void AppendIntText(int64_t value, std::string* out) {
  char buffer[32];
  const std::to_chars_result result =
      std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr - buffer);
}

// RFC 4180 quoting, and also for leading or trailing spaces, which some
// readers trim.
inline bool CsvNeedsQuotes(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") != absl::string_view::npos) return true;
  return !text.empty() && (text.front() == ' ' || text.back() == ' ');
}

inline void AppendCsvField(absl::string_view text, std::string* out) {
  if (!CsvNeedsQuotes(text)) {
    out->append(text.data(), text.size());
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_UTIL_TEXT_CELLS_H_
