// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: never installed. UTF-8 checks and the escaping of user text
// quoted in error messages, shared by every layer. Header-only and free of
// utf8proc so that the filter and scan layers can use it.
#ifndef SLICEKIT_SRC_UTIL_UTF8_TEXT_H_
#define SLICEKIT_SRC_UTIL_UTF8_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace slicekit::internal {

// The length (1 to 4) of the well-formed UTF-8 sequence that starts `text`,
// or 0 when it does not start with one: a stray continuation byte, an
// overlong form, a surrogate, a code point past U+10FFFF or a sequence cut
// short (RFC 3629). REQUIRES: !text.empty().
inline size_t Utf8SequenceLength(absl::string_view text) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80;  // the range of the second byte
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
    if (lead == 0xED) high = 0x9F;  // surrogates U+D800..U+DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong below U+10000
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// The 0-based offset of the first byte of `text` that is not part of
// well-formed UTF-8, or npos when all of it is.
inline size_t FirstInvalidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) return i;
    i += length;
  }
  return absl::string_view::npos;
}

// The longest prefix of `text` of at most `max_bytes` that does not end
// inside a well-formed UTF-8 sequence: where to cut text for a message.
inline absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes) {
  size_t end = 0;
  while (end < text.size()) {
    size_t length = Utf8SequenceLength(text.substr(end));
    if (length == 0) length = 1;  // a stray byte stands alone
    if (end + length > max_bytes) break;
    end += length;
  }
  return text.substr(0, end);
}

// `text` as an error message may quote it: each byte that is not part of
// well-formed UTF-8, each C0 control (NUL, newline, ...) and DEL becomes
// \xNN. A message is printed as a C string and read as one line of UTF-8,
// so a NUL would cut it short, a newline would split it and a stray byte
// would make it undecodable. Other text is kept as it is.
inline std::string EscapeForMessage(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = Utf8SequenceLength(text.substr(i));
    const auto byte = static_cast<unsigned char>(text[i]);
    if (length == 0 || byte < 0x20 || byte == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02X", byte);
      ++i;
      continue;
    }
    out.append(text.data() + i, length);
    i += length;
  }
  return out;
}

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_UTIL_UTF8_TEXT_H_
