// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "examples/cli/text_field.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_format.h"
#include "utf8proc.h"

namespace slicekit::cli {
namespace {

// The code point at `text[*at]` (advancing `*at`), or -1 for a byte that
// does not start a valid UTF-8 sequence (advancing one byte).
int32_t NextCodePoint(absl::string_view text, size_t* at) {
  utf8proc_int32_t c = -1;
  const utf8proc_ssize_t n = utf8proc_iterate(
      reinterpret_cast<const utf8proc_uint8_t*>(text.data() + *at),
      static_cast<utf8proc_ssize_t>(text.size() - *at), &c);
  if (n <= 0) {
    ++*at;
    return -1;
  }
  *at += static_cast<size_t>(n);
  return c;
}

// Characters that move the cursor, end a line, control a terminal or
// reorder what follows them on screen.
bool Unsafe(int32_t c) {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
         c == 0x061c || c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

bool NeedsQuotes(absl::string_view text) {
  if (!text.empty() && text.front() == '"') return true;
  for (size_t at = 0; at < text.size();) {
    const int32_t c = NextCodePoint(text, &at);
    if (c < 0 || Unsafe(c)) return true;
  }
  return false;
}

// Appends `text`, escaping what is unsafe; with `quoted`, also '"' and
// '\\' (inside TextField's quotes).
void AppendEscaped(absl::string_view text, bool quoted, std::string* out_ptr) {
  std::string& out = *out_ptr;
  for (size_t at = 0; at < text.size();) {
    const size_t begin = at;
    const int32_t c = NextCodePoint(text, &at);
    if (c < 0) {
      absl::StrAppendFormat(&out, "\\x%02x",
                            static_cast<unsigned char>(text[begin]));
    } else if (quoted && (c == '"' || c == '\\')) {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (c < 0x80 && Unsafe(c)) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else if (Unsafe(c)) {
      absl::StrAppendFormat(&out, "\\u{%04x}", c);
    } else {
      out.append(text.data() + begin, at - begin);
    }
  }
}

}  // namespace

std::string TextField(absl::string_view text) {
  if (!NeedsQuotes(text)) return std::string(text);
  std::string out = "\"";
  AppendEscaped(text, /*quoted=*/true, &out);
  out.push_back('"');
  return out;
}

std::string Printable(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(text, /*quoted=*/false, &out);
  return out;
}

std::optional<std::string> ParseTextField(absl::string_view field) {
  if (field.empty() || field.front() != '"') {
    if (NeedsQuotes(field)) return std::nullopt;
    return std::string(field);
  }
  if (field.size() < 2 || field.back() != '"') return std::nullopt;
  const absl::string_view body = field.substr(1, field.size() - 2);
  std::string out;
  const auto hex = [](absl::string_view digits, uint32_t* value) {
    if (digits.empty() || digits.size() > 6) return false;
    *value = 0;
    for (const char d : digits) {
      const int v = d >= '0' && d <= '9'   ? d - '0'
                    : d >= 'a' && d <= 'f' ? d - 'a' + 10
                                           : -1;
      if (v < 0) return false;
      *value = *value * 16 + static_cast<uint32_t>(v);
    }
    return true;
  };
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '"') return std::nullopt;  // unescaped inside
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == body.size()) return std::nullopt;
    uint32_t value = 0;
    switch (body[i]) {
      case '"':
      case '\\':
        out.push_back(body[i]);
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'x':
        if (i + 2 >= body.size() || !hex(body.substr(i + 1, 2), &value)) {
          return std::nullopt;
        }
        out.push_back(static_cast<char>(value));
        i += 2;
        break;
      case 'u': {
        const size_t close = body.find('}', i);
        if (i + 1 >= body.size() || body[i + 1] != '{' ||
            close == absl::string_view::npos ||
            !hex(body.substr(i + 2, close - i - 2), &value)) {
          return std::nullopt;
        }
        utf8proc_uint8_t bytes[4];
        const utf8proc_ssize_t n =
            utf8proc_encode_char(static_cast<utf8proc_int32_t>(value), bytes);
        if (n <= 0) return std::nullopt;
        out.append(reinterpret_cast<const char*>(bytes),
                   static_cast<size_t>(n));
        i = close;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return out;
}

}  // namespace slicekit::cli
