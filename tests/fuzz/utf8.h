// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// An independent UTF-8 decoder for the fuzz targets' checks, written from
// RFC 3629 so that it shares no code with the library under test.
#ifndef SLICEKIT_TESTS_FUZZ_UTF8_H_
#define SLICEKIT_TESTS_FUZZ_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace slicekit::fuzz {

// Calls fn(code point) for each code point of `text` and returns the
// number of them, or nullopt (after calling fn for the valid ones before
// it) unless `text` is valid UTF-8: shortest form only, no surrogates,
// nothing above U+10FFFF.
template <typename Fn>
std::optional<size_t> ForEachCodePoint(absl::string_view text, Fn&& fn) {
  constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  size_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length;
    uint32_t cp;
    if (lead < 0x80) {
      length = 1;
      cp = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      cp = lead & 0x07;
    } else {
      return std::nullopt;
    }
    if (text.size() - i < length) return std::nullopt;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < kMinForLength[length] || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    fn(cp);
    ++count;
    i += length;
  }
  return count;
}

// The number of code points of `text`, or nullopt unless it is valid UTF-8.
inline std::optional<size_t> CountUtf8(absl::string_view text) {
  return ForEachCodePoint(text, [](uint32_t) {});
}

inline bool IsValidUtf8(absl::string_view text) {
  return CountUtf8(text).has_value();
}

}  // namespace slicekit::fuzz

#endif  // SLICEKIT_TESTS_FUZZ_UTF8_H_
